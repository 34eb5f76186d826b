"""Zebra as a token grid: the answer's cells, then the clues as fixed-width condition tokens.

Cells come first, position `house * A + attribute` (the flat decision index of zebra_model),
holding a value index in 0..H-1. Then K clue segments of 7 tokens: the relation, and
(attribute, value) for up to three arguments (attribute A = a house position); unused slots and
segments hold PAD. K = H*A + H + A bounds the clue count, so one spec (and one model) serves
every puzzle of a size. Coordinates: (slot: 0 = cell, 1..7 = clue slot; house or clue index;
attribute). Relations: same house, same attribute (values differ), self, same clue.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.grid import MASK, GridSpec, TokenGrid, allowed_rows
from puzzlemdm.puzzles.zebra.puzzle import POSITION, RELATIONS, Grid, Zebra

SLOTS = 1 + 2 * max(RELATIONS.values())  # relation + (attribute, value) per argument
RELATION_INDEX = {name: i for i, name in enumerate(RELATIONS)}


def max_clues(houses: int, attributes: int) -> int:
    return houses * attributes + houses + attributes


@cache
def zebra_spec(houses: int, attributes: int) -> GridSpec:
    """Cells then clue segments, for puzzles of `houses` x `attributes`."""
    cells = houses * attributes
    clues = max_clues(houses, attributes)
    pad = max(houses, attributes + 1, len(RELATIONS))
    cell_house, cell_attr = np.divmod(np.arange(cells), attributes)
    clue_index, slot = np.divmod(np.arange(clues * SLOTS), SLOTS)
    coords = np.concatenate(
        [
            np.stack([np.zeros(cells, int), cell_house, cell_attr], axis=1),
            np.stack([slot + 1, clue_index, np.zeros(len(slot), int)], axis=1),
        ]
    ).astype(np.int64)
    length = len(coords)
    is_cell = np.arange(length) < cells
    both_cells = is_cell[:, None] & is_cell[None, :]
    same = lambda a: a[:, None] == a[None, :]  # noqa: E731
    house = np.where(is_cell, coords[:, 1], -1)
    attribute = np.where(is_cell, coords[:, 2], -1)
    clue = np.where(is_cell, -1, coords[:, 1])
    relation = np.zeros((length, length), dtype=np.int64)
    relation[both_cells & same(house)] = 1
    relation[both_cells & same(attribute)] = 2
    relation[np.eye(length, dtype=bool)] = 3
    relation[~is_cell[:, None] & ~is_cell[None, :] & same(clue) & ~np.eye(length, dtype=bool)] = 4
    differ = both_cells & same(attribute) & ~np.eye(length, dtype=bool)
    return GridSpec(
        "zebra",
        length,
        pad + 1,
        (SLOTS + 1, max(houses, clues), attributes),
        coords,
        relation,
        5,
        (("houses", houses), ("attributes", attributes)),
        differ,
    )


def encode_zebra(
    puzzle: Zebra, solution: Grid | None = None, spec: GridSpec | None = None
) -> TokenGrid:
    """Clue tokens as conditions, cells masked; the solution grid (if given) is the target."""
    houses, attributes = puzzle.houses, len(puzzle.attributes)
    spec_needed = zebra_spec(houses, attributes)
    if spec is not None and spec is not spec_needed:
        raise PuzzleError(
            f"the model reads a {spec.describe()}, this puzzle needs a {spec_needed.describe()}"
        )
    spec = spec_needed
    cells, pad = houses * attributes, spec.vocab - 1
    if len(puzzle.clues) > max_clues(houses, attributes):
        raise PuzzleError(
            f"{len(puzzle.clues)} clues do not fit the token grid of a {houses}x{attributes} "
            f"puzzle (at most {max_clues(houses, attributes)})"
        )
    tokens = np.full(spec.length, pad, dtype=np.int64)
    tokens[:cells] = MASK
    for i, clue in enumerate(puzzle.clues):
        if any(len(alternatives) != 1 for alternatives in clue.args):
            raise PuzzleError(
                f"clue {clue.id} names alternatives, which the token grid cannot hold"
            )
        segment = [RELATION_INDEX[clue.rel]]
        for (ref,) in clue.args:
            segment += [attributes if ref.attribute == POSITION else ref.attribute, ref.value]
        start = cells + i * SLOTS
        tokens[start : start + len(segment)] = segment
    is_condition = np.arange(spec.length) >= cells
    free = np.zeros((spec.length, spec.vocab), dtype=bool)
    free[:, :houses] = True
    target = None
    if solution is not None:
        target = tokens.copy()
        target[:cells] = np.asarray(solution, dtype=np.int64).T.reshape(-1)
    return TokenGrid(spec, tokens, is_condition, allowed_rows(tokens, is_condition, free), target)


def decode_zebra(puzzle: Zebra, tokens: np.ndarray) -> Grid:
    """The grid `grid[a][h]` the cells spell; masked cells stay -1 (the verifier says so)."""
    houses, attributes = puzzle.houses, len(puzzle.attributes)
    cells = np.asarray(tokens)[: houses * attributes].reshape(houses, attributes).T
    return tuple(tuple(int(v) for v in row) for row in cells)


def spec_for(puzzles: Sequence[Zebra]) -> GridSpec:
    """The spec of a corpus's puzzles (one size for now)."""
    shapes = {(p.houses, len(p.attributes)) for p in puzzles}
    if len(shapes) != 1:
        raise PuzzleError(f"the corpus mixes zebra sizes {sorted(shapes)}")
    return zebra_spec(*shapes.pop())


def spec_from_signature(signature: dict) -> GridSpec:
    return zebra_spec(signature["houses"], signature["attributes"])


def cell_positions(puzzle: Zebra, spec: GridSpec) -> np.ndarray:
    return np.arange(puzzle.houses * len(puzzle.attributes))
