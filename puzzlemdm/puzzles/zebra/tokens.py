"""Zebra as a token grid: one cell per person, holding their house, then the clues.

One grid `zebra_spec(H, A)` holds every puzzle of at most H houses and A attributes, so one
model serves all of a kind's shapes. A *person* is a value of an attribute ("the Norwegian");
the cell of value v of attribute a is position `v * A + a` and holds the person's house, 0..H-1
(a puzzle of h' houses uses 0..h'-1). Cells are people rather than houses because clues name
people: a clue's cells are then known from its tokens before the answer is, and the model links
them (`Links`: a clue's people attend to its tokens and to each other, by relation). Cells
outside the puzzle's own h' x a' corner are conditions holding a pad token, one per value
(`pad_base + v`): every attribute column of the padded grid still holds pairwise different
tokens, so the spec's all-different `differ` rule (no two values of one attribute share a
house) is true of every puzzle that fits, and the decoders need no special case for padding.

Then the clue segments of SLOTS tokens: the relation, then one token per argument: a person
(a, v) is `a * H + v`, "the person in house k" is `A * H + k`. Unused slots and segments hold
PAD (= pad_base). Coordinates: (slot: 0 = cell, 1..SLOTS = clue slot; value or clue index;
attribute). Static relations: same attribute (values differ), self, same clue.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.grid import MASK, GridSpec, Links, TokenGrid, allowed_rows
from puzzlemdm.puzzles.zebra.puzzle import POSITION, RELATIONS, Clue, Grid, Zebra

# The relations a clue token can name, in token order: fixed, so that a checkpoint keeps reading
# the relations it was trained on when the puzzles learn more.
TOKEN_RELATIONS = (
    "same",
    "not_same",
    "left_of",
    "left_of_imm",
    "next_to",
    "not_next_to",
    "between",
    "end",
)
# Relations the tokens cannot name are read by the model in a weaker form they imply ("one house
# between" means "not next to"): the model still sees who the clue is about, and the verifier
# and the search, which keep the clue as it is, are what make an answer right.
WEAKER: dict[str, str] = {"one_between": "not_next_to", "two_between": "not_next_to"}
ARGUMENTS = max(RELATIONS.values())
SLOTS = 1 + ARGUMENTS  # relation + one token per argument
RELATION_INDEX = {name: i for i, name in enumerate(TOKEN_RELATIONS)}
STATIC_RELATIONS = 4  # none, same attribute, self, same clue
LAYOUT = "people"  # cells are people holding houses (checkpoints of other layouts mismatch)

CLUE_ROUNDING = 8  # clue capacity grows in steps, so that near-equal corpora share a grid


def max_clues(houses: int, attributes: int) -> int:
    """The most clue segments a grid of this shape needs (a bound no generated puzzle nears)."""
    return houses * attributes + houses + attributes


def pad_base(houses: int, attributes: int) -> int:
    """PAD: the first token past every house, relation and argument token."""
    return max(houses, (attributes + 1) * houses, len(TOKEN_RELATIONS))


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
    cell_value, cell_attr = np.divmod(np.arange(cells), attributes)
    clue_index, slot = np.divmod(np.arange(clues * SLOTS), SLOTS)
    coords = np.concatenate(
        [
            np.stack([np.zeros(cells, int), cell_value, cell_attr], axis=1),
            np.stack([slot + 1, clue_index, np.zeros(len(slot), int)], axis=1),
        ]
    ).astype(np.int64)
    length = len(coords)
    is_cell = np.arange(length) < cells
    same = lambda a: a[:, None] == a[None, :]  # noqa: E731
    attribute = np.where(is_cell, coords[:, 2], -1)
    clue = np.where(is_cell, -1, coords[:, 1])
    relation = np.zeros((length, length), dtype=np.int64)
    differ = is_cell[:, None] & is_cell[None, :] & same(attribute) & ~np.eye(length, dtype=bool)
    relation[differ] = 1
    relation[np.eye(length, dtype=bool)] = 2
    relation[~is_cell[:, None] & ~is_cell[None, :] & same(clue) & ~np.eye(length, dtype=bool)] = 3
    base = pad_base(houses, attributes)
    vocab = base + houses  # houses..., argument tokens, PAD, then one pad token per value
    target = np.full(vocab, -1, dtype=np.int64)
    person_attr, person_value = np.divmod(np.arange(cells), houses)  # token a * H + v
    target[:cells] = person_value * attributes + person_attr
    segments = cells + np.arange(clues * SLOTS).reshape(clues, SLOTS)
    links = Links(
        pointers=segments[:, 1:].reshape(-1),
        target=target,
        segment=np.repeat(np.arange(clues), ARGUMENTS),
        role=np.tile(np.arange(ARGUMENTS), clues),
        segments=segments,
        head=segments[:, 0],
        heads=len(TOKEN_RELATIONS),
        roles=ARGUMENTS,
        first=STATIC_RELATIONS,
    )
    return GridSpec(
        "zebra",
        length,
        vocab,
        (SLOTS + 1, max(houses, clues), attributes),
        coords,
        relation,
        STATIC_RELATIONS + links.types,
        (("houses", houses), ("attributes", attributes), ("clues", clues), ("layout", LAYOUT)),
        differ,
        links,
        picture=(1, 2),  # a person by value (row) and attribute (column)
        ordered_rows=False,
    )


def argument_token(attribute: int, value: int, houses: int, attributes: int) -> int:
    """The token of a clue argument: the person (attribute, value), or house `value`."""
    return (attributes if attribute == POSITION else attribute) * houses + value


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
    """Token position of each of the puzzle's people, by their flat index `person_cell`."""
    _, attributes = _fits(puzzle, spec)
    value, attribute = np.divmod(
        np.arange(puzzle.houses * len(puzzle.attributes)), len(puzzle.attributes)
    )
    return value * attributes + attribute


def token_relation(clue: Clue) -> str:
    """The relation a clue's token names: its own, or the weaker one it implies."""
    return WEAKER.get(clue.rel, clue.rel)


def encode(puzzle: Zebra, solution: Grid | None = None, spec: GridSpec | None = None) -> TokenGrid:
    """Clue tokens and pad cells as conditions, the puzzle's cells masked; the solution grid
    (if given) is the target. `spec` defaults to the puzzle's own shape."""
    h, a = puzzle.houses, len(puzzle.attributes)
    spec = zebra_spec(h, a) if spec is None else spec
    houses, attributes = _fits(puzzle, spec)
    base = pad_base(houses, attributes)
    tokens = np.full(spec.length, base, dtype=np.int64)
    tokens[: houses * attributes] = base + spec.coords[: houses * attributes, 1]  # pad by value
    own = cell_positions(puzzle, spec)
    tokens[own] = MASK
    for i, clue in enumerate(puzzle.clues):
        if any(len(alternatives) != 1 for alternatives in clue.args):
            raise PuzzleError(
                f"clue {clue.id} names alternatives, which the token grid cannot hold"
            )
        segment = [RELATION_INDEX[token_relation(clue)]]
        segment += [
            argument_token(ref.attribute, ref.value, houses, attributes) for (ref,) in clue.args
        ]
        start = houses * attributes + i * SLOTS
        tokens[start : start + len(segment)] = segment
    is_condition = tokens != MASK
    free = np.zeros((spec.length, spec.vocab), dtype=bool)
    free[:, :h] = True  # the puzzle's own houses only
    target = None
    if solution is not None:
        values = np.asarray(solution, dtype=np.int64)
        if values.shape != (a, h):
            raise PuzzleError(f"the solution must be {a} attribute rows of {h} houses")
        target = tokens.copy()
        target[own] = np.argsort(values, axis=1).T.reshape(-1)  # house of each value
    return TokenGrid(spec, tokens, is_condition, allowed_rows(tokens, is_condition, free), target)


def decode(puzzle: Zebra, tokens: np.ndarray, spec: GridSpec) -> Grid:
    """The grid `grid[a][h]` the puzzle's people spell by their houses; a house no one (or a
    masked cell, or a token that is no house) puts a value in holds -1, and two values in one
    house leave another house at -1 (the verifier says so)."""
    h, a = puzzle.houses, len(puzzle.attributes)
    houses = np.asarray(tokens)[cell_positions(puzzle, spec)].reshape(h, a).T  # [a, value]
    grid = np.full((a, h), -1, dtype=np.int64)
    for attribute, value in np.ndindex(a, h):
        house = int(houses[attribute, value])
        if 0 <= house < h:
            grid[attribute, house] = value
    return tuple(tuple(int(v) for v in row) for row in grid)


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
    if signature.get("layout") != LAYOUT:
        raise PuzzleError(
            "this zebra checkpoint was trained on an older token layout (cells by house); "
            "retrain it with this version of puzzlemdm"
        )
    return zebra_spec(
        int(signature["houses"]), int(signature["attributes"]), int(signature["clues"])
    )
