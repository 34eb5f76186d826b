"""What the kinds' batched training augmentations share (torch; imported only by training)."""

from __future__ import annotations

import torch


def own_first_permutation(
    size: tuple[int, ...], own: torch.Tensor, generator: torch.Generator | None
) -> torch.Tensor:
    """[*size] random permutations of the last axis that shuffle its first `own[...]` indices
    and keep the others in place (`own` has shape size[:-1])."""
    index = torch.arange(size[-1], device=own.device)
    random = torch.rand(size, generator=generator, device=own.device)
    # kept indices sort after every random key (< 1), in their own order
    return torch.where(index < own[..., None], random, 2.0 + index).argsort(-1)


def pin_givens(tokens: torch.Tensor, allowed: torch.Tensor, vocab: int) -> torch.Tensor:
    """`allowed` with every given position (a token >= 0) allowing only its own value."""
    one_hot = torch.nn.functional.one_hot(tokens.clamp_min(0), vocab).bool()
    return torch.where((tokens >= 0)[..., None], one_hot, allowed)
