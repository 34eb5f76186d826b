"""On-the-fly symmetry augmentation of Zebra token grids, batched in torch.

Each row of the batch gets its own random relabelling that keeps the puzzle's meaning: a
permutation of the values of each of its attributes and a permutation of the order of its
attributes. Cells are people (see tokens.py), so relabelling moves cells (a person keeps their
house) and rewrites every clue argument naming a person. Houses are never moved: clues say
left of / next to / house k, so house numbers keep their meaning. Pad cells and unused clue
slots stay where they are. Puzzle and solution get the same transform, so a unique puzzle
stays unique.
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
    carry: torch.Tensor | None = None,
) -> tuple[torch.Tensor, ...]:
    """One random value relabelling and attribute order per row of (puzzle tokens, solution
    tokens, allowed values). `carry` [B, L] (e.g. each cell's rank in a solver's order) moves
    with its cell and is returned fourth."""
    houses, attributes = shape(spec)
    batch = tokens.shape[0]
    cells = houses * attributes
    # the puzzle's own shape: its cells hold houses < H, pad cells pad tokens >= H
    own = target[:, :cells].reshape(batch, houses, attributes) < houses
    own_values, own_attributes = own[:, :, 0].sum(1), own[:, 0, :].sum(1)
    # value[b, a, v]: the new value of value v of (old) attribute a; pad attributes keep theirs
    is_own = torch.arange(attributes, device=tokens.device) < own_attributes[:, None]
    value = own_first_permutation(
        (batch, attributes, houses), own_values[:, None] * is_own, generator
    )
    # source[b, i]: the old attribute that becomes attribute i; moved[b, j]: where j goes
    source = own_first_permutation((batch, attributes), own_attributes, generator)
    moved = source.argsort(1)
    # new cell (w, i) is the old person (v, source[i]) whom the relabelling calls w
    old_value = value.argsort(-1).gather(1, source[:, :, None].expand(batch, attributes, houses))
    origin = (old_value * attributes + source[:, :, None]).transpose(1, 2).reshape(batch, cells)
    tokens = _transform(tokens, origin, value, moved, houses, attributes)
    target = _transform(target, origin, value, moved, houses, attributes)
    cell_allowed = allowed[:, :cells].gather(
        1, origin[:, :, None].expand(batch, cells, allowed.shape[-1])
    )
    allowed = torch.cat([cell_allowed, allowed[:, cells:]], 1)
    allowed = pin_givens(tokens, allowed, spec.vocab)
    if carry is None:
        return tokens, target, allowed
    return (
        tokens,
        target,
        allowed,
        torch.cat([carry[:, :cells].gather(1, origin), carry[:, cells:]], 1),
    )


def _transform(
    tokens: torch.Tensor,
    origin: torch.Tensor,
    value: torch.Tensor,
    moved: torch.Tensor,
    houses: int,
    attributes: int,
) -> torch.Tensor:
    """Move the cells of a [B, L] grid (cell j <- old cell origin[j]) and rename the people its
    clue arguments name."""
    batch = tokens.shape[0]
    cells = houses * attributes
    grid = tokens[:, :cells].gather(1, origin)
    segments = tokens[:, cells:].reshape(batch, -1, SLOTS).clone()
    argument = segments[:, :, 1:]  # [B, K, arguments]; slot 0 is the relation
    person = (argument >= 0) & (argument < cells)  # house numbers and PAD stay as they are
    old_attribute, old_value = (
        argument.clamp(0, cells - 1).div(houses, rounding_mode="floor"),
        (argument.clamp(0, cells - 1) % houses),
    )
    flat = lambda t: t.reshape(batch, -1)  # noqa: E731
    new_value = value.reshape(batch, -1).gather(1, flat(old_attribute * houses + old_value))
    new_attribute = moved.gather(1, flat(old_attribute))
    renamed = (new_attribute * houses + new_value).view_as(argument)
    segments[:, :, 1:] = torch.where(person, renamed, argument)
    return torch.cat([grid, segments.reshape(batch, -1)], 1)
