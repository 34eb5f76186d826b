"""On-the-fly symmetry augmentation of Zebra token grids, batched in torch.

Each row of the batch gets its own random relabelling that keeps the puzzle's meaning: a
permutation of the values of each of its attributes (cells, and every clue argument naming
that attribute) and a permutation of the order of its attributes (cell columns, and the
attribute tokens of the clues). Houses are never moved: clues say left of / next to / house k,
so house numbers (POSITION arguments) keep their meaning and are not relabelled. Pad cells and
unused clue slots stay where they are. Puzzle and solution get the same transform, so a unique
puzzle stays unique.
"""

from __future__ import annotations

import torch

from puzzlemdm.puzzles.augment import own_first_permutation, pin_givens
from puzzlemdm.puzzles.grid import GridSpec
from puzzlemdm.puzzles.zebra.tokens import SLOTS, shape


def augment(
    tokens: torch.Tensor,
    target: torch.Tensor,
    allowed: torch.Tensor,
    spec: GridSpec,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One random value relabelling and attribute order per row of (puzzle tokens, solution
    tokens, allowed values)."""
    houses, attributes = shape(spec)
    batch = tokens.shape[0]
    cells = houses * attributes
    # the puzzle's own shape: its cells hold values < H, pad cells pad tokens >= H
    own = target[:, :cells].reshape(batch, houses, attributes) < houses
    own_houses, own_attributes = own[:, :, 0].sum(1), own[:, 0, :].sum(1)
    # value[b, a, v]: the new value of value v of (old) attribute a
    value = own_first_permutation(
        (batch, attributes, houses), own_houses[:, None].expand(batch, attributes), generator
    )
    # source[b, i]: the old attribute that becomes attribute i; moved[b, j]: where j goes
    source = own_first_permutation((batch, attributes), own_attributes, generator)
    moved = source.argsort(1)
    tokens = _transform(tokens, value, source, moved, houses, attributes)
    target = _transform(target, value, source, moved, houses, attributes)
    cell_allowed = allowed[:, :cells].reshape(batch, houses, attributes, -1)
    cell_allowed = cell_allowed.gather(
        2, source[:, None, :, None].expand(batch, houses, attributes, cell_allowed.shape[-1])
    )  # own cells all allow the same values (0..h-1), which relabelling keeps
    allowed = torch.cat([cell_allowed.reshape(batch, cells, -1), allowed[:, cells:]], 1)
    return tokens, target, pin_givens(tokens, allowed, spec.vocab)


def _transform(
    tokens: torch.Tensor,
    value: torch.Tensor,
    source: torch.Tensor,
    moved: torch.Tensor,
    houses: int,
    attributes: int,
) -> torch.Tensor:
    """Relabel values and reorder attributes in cells and clue segments of a [B, L] grid."""
    batch = tokens.shape[0]
    cells = houses * attributes
    grid = tokens[:, :cells].reshape(batch, houses, attributes)
    grid = grid.gather(2, source[:, None, :].expand(batch, houses, attributes))
    # relabel of new column i = value relabel of old attribute source[i]
    relabel = value.gather(1, source[:, :, None].expand(batch, attributes, houses))
    is_value = (grid >= 0) & (grid < houses)  # not MASK, not a pad token
    new = relabel.gather(2, grid.clamp(0, houses - 1).transpose(1, 2)).transpose(1, 2)
    grid = torch.where(is_value, new, grid)

    segments = tokens[:, cells:].reshape(batch, -1, SLOTS)
    attribute, val = segments[:, :, 1::2], segments[:, :, 2::2]  # [B, K, arguments]
    named = attribute < attributes  # POSITION (= A) and PAD (> A) arguments stay as they are
    old = attribute.clamp(0, attributes - 1)
    flat = old * houses + val.clamp(0, houses - 1)  # into value[b] flattened as [A * H]
    new_val = value.reshape(batch, -1).gather(1, flat.reshape(batch, -1)).view_as(val)
    new_attribute = moved.gather(1, old.reshape(batch, -1)).view_as(attribute)
    segments = segments.clone()
    segments[:, :, 1::2] = torch.where(named, new_attribute, attribute)
    segments[:, :, 2::2] = torch.where(named, new_val, val)
    return torch.cat([grid.reshape(batch, cells), segments.reshape(batch, -1)], 1)
