"""Zebra as a token grid: the answer's cells, then the clues as fixed-width condition tokens.

One grid `zebra_spec(H, A)` holds every puzzle of at most H houses and A attributes, so one
model serves all of a kind's shapes. Cells come first: the cell of house h and attribute a is
position `h * A + a`, holding a value index in 0..H-1 (a puzzle of h' houses uses 0..h'-1).
Cells outside the puzzle's own h' x a' corner are conditions holding a pad token, one per
house (`pad_base + h`): every attribute column of the padded grid then still holds pairwise
different values, so the spec's all-different `differ` rule is true of every puzzle that fits
and the decoders' pruning and conflict rules need no special case for padding.

Then K = H*A + H + A clue segments of 7 tokens: the relation, and (attribute, value) for up to
three arguments; the attribute token of "the person in house k" is A (POSITION), the same for
every shape, and its value is k. Unused slots and segments hold PAD (= pad_base). Coordinates:
(slot: 0 = cell, 1..7 = clue slot; house or clue index; attribute). Relations: same house,
same attribute (values differ), self, same clue.
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


CLUE_ROUNDING = 8  # clue capacity grows in steps, so that near-equal corpora share a grid


def max_clues(houses: int, attributes: int) -> int:
    """The most clue segments a grid of this shape needs (a bound no generated puzzle nears)."""
    return houses * attributes + houses + attributes


def pad_base(houses: int, attributes: int) -> int:
    """PAD: the first token past every value, relation and attribute (POSITION included)."""
    return max(houses, attributes + 1, len(RELATIONS))


def shape(spec: GridSpec) -> tuple[int, int]:
    """(houses, attributes) of a zebra grid."""
    params = dict(spec.params)
    if spec.kind != "zebra":
        raise PuzzleError(f"a zebra puzzle cannot be read as a {spec.describe()}")
    return int(params["houses"]), int(params["attributes"])


def clue_capacity(spec: GridSpec) -> int:
    """How many clues a zebra grid holds."""
    return int(dict(spec.params)["clues"])


def zebra_spec(houses: int, attributes: int, clues: int | None = None) -> GridSpec:
    """Cells then `clues` clue segments (default: as many as the shape could ever need), for
    puzzles of at most `houses` x `attributes`. Attention costs grow with the square of the
    length, so a model's grid holds only as many clues as its corpus needs."""
    return _zebra_spec(
        houses, attributes, max_clues(houses, attributes) if clues is None else clues
    )


@cache  # one object per grid: batches are checked to share their spec by identity
def _zebra_spec(houses: int, attributes: int, clues: int) -> GridSpec:
    cells = houses * attributes
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
        pad_base(houses, attributes) + houses,  # values..., PAD, then one pad token per house
        (SLOTS + 1, max(houses, clues), attributes),
        coords,
        relation,
        5,
        (("houses", houses), ("attributes", attributes), ("clues", clues)),
        differ,
    )


def _fits(puzzle: Zebra, spec: GridSpec) -> tuple[int, int]:
    """The grid's (H, A); PuzzleError when the puzzle is larger than the grid."""
    houses, attributes = shape(spec)
    h, a = puzzle.houses, len(puzzle.attributes)
    if h > houses or a > attributes:
        raise PuzzleError(
            f"this zebra puzzle has {h} houses and {a} attributes; the model reads a "
            f"{spec.describe()}, which holds at most {houses} houses and {attributes} attributes"
        )
    if len(puzzle.clues) > clue_capacity(spec):
        raise PuzzleError(
            f"{len(puzzle.clues)} clues do not fit the {spec.describe()} "
            f"(at most {clue_capacity(spec)})"
        )
    return houses, attributes


def cell_positions(puzzle: Zebra, spec: GridSpec) -> np.ndarray:
    """Token position of each of the puzzle's flat cell indices `house * a' + attribute`."""
    _, attributes = _fits(puzzle, spec)
    house, attribute = np.divmod(
        np.arange(puzzle.houses * len(puzzle.attributes)), len(puzzle.attributes)
    )
    return house * attributes + attribute


def encode(puzzle: Zebra, solution: Grid | None = None, spec: GridSpec | None = None) -> TokenGrid:
    """Clue tokens and pad cells as conditions, the puzzle's cells masked; the solution grid
    (if given) is the target. `spec` defaults to the puzzle's own shape."""
    h, a = puzzle.houses, len(puzzle.attributes)
    spec = zebra_spec(h, a) if spec is None else spec
    houses, attributes = _fits(puzzle, spec)
    base = pad_base(houses, attributes)
    tokens = np.full(spec.length, base, dtype=np.int64)
    tokens[: houses * attributes] = base + spec.coords[: houses * attributes, 1]  # pad by house
    own = cell_positions(puzzle, spec)
    tokens[own] = MASK
    for i, clue in enumerate(puzzle.clues):
        if any(len(alternatives) != 1 for alternatives in clue.args):
            raise PuzzleError(
                f"clue {clue.id} names alternatives, which the token grid cannot hold"
            )
        segment = [RELATION_INDEX[clue.rel]]
        for (ref,) in clue.args:
            segment += [attributes if ref.attribute == POSITION else ref.attribute, ref.value]
        start = houses * attributes + i * SLOTS
        tokens[start : start + len(segment)] = segment
    is_condition = tokens != MASK
    free = np.zeros((spec.length, spec.vocab), dtype=bool)
    free[:, :h] = True  # the puzzle's own values only
    target = None
    if solution is not None:
        values = np.asarray(solution, dtype=np.int64)
        if values.shape != (a, h):
            raise PuzzleError(f"the solution must be {a} attribute rows of {h} houses")
        target = tokens.copy()
        target[own] = values.T.reshape(-1)
    return TokenGrid(spec, tokens, is_condition, allowed_rows(tokens, is_condition, free), target)


def decode(puzzle: Zebra, tokens: np.ndarray, spec: GridSpec) -> Grid:
    """The grid `grid[a][h]` the puzzle's own cells spell; masked cells stay -1 (the verifier
    says so)."""
    h, a = puzzle.houses, len(puzzle.attributes)
    cells = np.asarray(tokens)[cell_positions(puzzle, spec)].reshape(h, a).T
    return tuple(tuple(int(v) for v in row) for row in cells)


def spec_for(puzzles: Sequence[Zebra]) -> GridSpec:
    """The smallest grid that holds every puzzle: the most houses by the most attributes, and
    the most clues rounded up to a multiple of CLUE_ROUNDING."""
    if not puzzles:
        raise PuzzleError("no zebra puzzle to size the grid by")
    houses = max(p.houses for p in puzzles)
    attributes = max(len(p.attributes) for p in puzzles)
    clues = -(-max(len(p.clues) for p in puzzles) // CLUE_ROUNDING) * CLUE_ROUNDING
    return zebra_spec(houses, attributes, min(clues, max_clues(houses, attributes)))


def spec_from_signature(signature: dict) -> GridSpec:
    """The grid a checkpoint was trained on."""
    return zebra_spec(
        int(signature["houses"]), int(signature["attributes"]), int(signature["clues"])
    )
