"""Position scorers: how ready each masked position is to be decided (higher = sooner).

Each takes log-probabilities [B, L, V] (disallowed values at -inf-like) and returns scores
[B, L]; the caller hides positions that are not masked.
"""

from __future__ import annotations

import torch


def entropy(logp: torch.Tensor) -> torch.Tensor:
    """Shannon entropy (nats) per position, [B, L]."""
    return -(logp.exp() * logp).sum(-1)


def top_probability(logp: torch.Tensor) -> torch.Tensor:
    """Kim et al.'s top-probability oracle: max_j p_i(j)."""
    return logp.max(-1).values.exp()


def margin(logp: torch.Tensor) -> torch.Tensor:
    """Top-probability margin: p_i(j1) - p_i(j2), best minus second best."""
    top2 = logp.topk(2, dim=-1).values.exp()
    return top2[..., 0] - top2[..., 1]


def negative_entropy(logp: torch.Tensor) -> torch.Tensor:
    """Min-entropy order: the most certain distribution first."""
    return -entropy(logp)


def left_to_right(logp: torch.Tensor) -> torch.Tensor:
    """Fixed row-major order: the leftmost masked position first."""
    b, length, _ = logp.shape
    return -torch.arange(length, device=logp.device, dtype=logp.dtype).expand(b, length)


def uniform_random(logp: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Vanilla MDM order: a uniformly random masked position."""
    return torch.rand(logp.shape[:2], generator=generator, device=logp.device, dtype=logp.dtype)
