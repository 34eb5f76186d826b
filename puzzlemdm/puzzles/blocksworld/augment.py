"""On-the-fly symmetry augmentation of Blocksworld token grids, batched in torch.

Each row of the batch gets its own random relabelling of its problem's n real blocks: block j
becomes block pi(j), so column j - 1 moves to column pi(j) - 1 and every value j (what a block
rests on) becomes pi(j). The table (0), PAD, MASK and the pad columns stay as they are; steps
are never reordered. Problem and trajectory get the same relabelling, so the target stays a
legal plan that reaches the (relabelled) goal.
"""

from __future__ import annotations

import torch

from puzzlemdm.puzzles.augment import own_first_permutation
from puzzlemdm.puzzles.blocksworld.tokens import blocks_of
from puzzlemdm.puzzles.grid import GridSpec


def augment(
    tokens: torch.Tensor,
    target: torch.Tensor,
    allowed: torch.Tensor,
    spec: GridSpec,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One random block relabelling per row of (problem tokens, trajectory tokens, allowed)."""
    blocks = blocks_of(spec)
    batch = tokens.shape[0]
    pad = blocks + 1
    own = (target[:, :blocks] != pad).sum(1)  # row 0 is the initial state: real columns
    source = own_first_permutation((batch, blocks), own, generator)  # new column i <- source[i]
    moved = source.argsort(1)  # old column j -> moved[j]
    # value map over the vocabulary: table -> table, block j -> moved[j - 1] + 1, PAD -> PAD
    table = torch.zeros(batch, 1, dtype=torch.long, device=tokens.device)
    relabel = torch.cat([table, moved + 1, table + pad], 1)  # [B, V]
    unlabel = relabel.argsort(1)  # new value -> old value

    def columns(x: torch.Tensor) -> torch.Tensor:
        x = x.reshape(batch, -1, blocks, *x.shape[2:])
        index = source.view(batch, 1, blocks, *([1] * (x.dim() - 3)))
        return x.gather(2, index.expand_as(x)).reshape(batch, spec.length, *x.shape[3:])

    def values(x: torch.Tensor) -> torch.Tensor:
        new = relabel.gather(1, x.clamp_min(0))
        return torch.where(x >= 0, new, x)  # MASK stays masked

    tokens, target = values(columns(tokens)), values(columns(target))
    # allowed[new position, new value] = allowed[old position, old value]
    allowed = columns(allowed)
    allowed = allowed.gather(2, unlabel[:, None, :].expand_as(allowed))
    return tokens, target, allowed
