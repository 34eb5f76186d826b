"""Zebra generator: a random solution, true clues until it is unique, then every clue needed.

Clues are sampled true in the hidden solution; while a second grid satisfies them all, a
sampled clue that this grid breaks is added (so each addition makes progress). Then clues are
removed one by one, in random order, whenever the solution stays unique without them; after one
pass every remaining clue is needed (removing a clue later only loosens the puzzle, so earlier
"needed" verdicts still hold). Uniqueness is checked by the complete search.

Generator version 2 also draws ordering clues between two values of one attribute (the
classic "the green house is directly to the left of the white house"); version 1 never did
for two-argument clues, and `version=1` still makes exactly its puzzles (same rng draws).
"""

from __future__ import annotations

import numpy as np

from puzzlemdm.puzzles.zebra.english import BANK
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Grid, Ref, Zebra, clue_holds
from puzzlemdm.puzzles.zebra.search import find_solutions

# how often each clue shape is drawn; "at"/"not_at" are same/not_same with a house number
CLUE_WEIGHTS: dict[str, float] = {
    "same": 4.0,
    "not_same": 1.0,
    "at": 1.0,
    "not_at": 1.0,
    "left_of": 1.0,
    "left_of_imm": 1.5,
    "next_to": 1.5,
    "not_next_to": 0.5,
    "between": 0.5,
    "end": 0.5,
}
# two-person ordering relations that may name two values of one attribute ("the green house
# is directly to the left of the white house"): such values always live in different houses, so
# an ordering between them says something, while "same" between them is always false and
# "not_same" always true (so those two keep different attributes). "between" needs no draw of
# its own: its third arg's attribute is drawn freely and often repeats one of the first two.
ORDERING = ("left_of", "left_of_imm", "next_to", "not_next_to")
GENERATOR_VERSION = 2  # ZebraKind.generator_version names the same number
# per generator version: chance that a two-person ordering clue names one attribute twice
# (tuned so that about a quarter of the ordering clues kept in clue-minimal puzzles are
# within one attribute, as in puzzles people write; see datasets/zebra/README.md)
WITHIN_ATTRIBUTE: dict[int, float] = {1: 0.0, 2: 0.3}
MAX_HOUSES = min(len(v[0]) for v in BANK.values())
MAX_ATTRIBUTES = len(BANK)


def random_solution(rng: np.random.Generator, houses: int, attributes: int) -> Grid:
    """Each attribute an independent uniform permutation of its values over the houses."""
    return tuple(tuple(int(v) for v in rng.permutation(houses)) for _ in range(attributes))


def _person(grid: Grid, attribute: int, house: int) -> tuple[Ref, ...]:
    return (Ref(attribute, grid[attribute][house]),)


def sample_clue(rng: np.random.Generator, grid: Grid, clue_id: int, within: float = 0.0) -> Clue:
    """A random clue that holds in `grid`; a two-person ordering clue names two values of one
    attribute with probability `within`."""
    attrs, houses = len(grid), len(grid[0])
    shapes = list(CLUE_WEIGHTS)
    if houses < 3:
        shapes = [s for s in shapes if s not in ("between", "not_next_to")]
    weights = np.array([CLUE_WEIGHTS[s] for s in shapes])
    shape = shapes[int(rng.choice(len(shapes), p=weights / weights.sum()))]
    a, b = (int(x) for x in rng.choice(attrs, 2, replace=attrs < 2))
    # no extra draw at within = 0, so version 1 sees the rng stream it always saw
    if within > 0 and shape in ORDERING and rng.random() < within:
        b = a  # the two args sit in different houses below, so they are two different values

    def pick_houses(k: int) -> list[int]:
        return sorted(int(h) for h in rng.choice(houses, k, replace=False))

    if shape == "same":
        h = int(rng.integers(houses))
        return Clue(clue_id, "same", (_person(grid, a, h), _person(grid, b, h)))
    if shape in ("at", "not_at"):
        h, k = (int(x) for x in rng.choice(houses, 2, replace=False))
        rel, where = ("same", h) if shape == "at" else ("not_same", k)
        return Clue(clue_id, rel, (_person(grid, a, h), (Ref(POSITION, where),)))
    if shape == "not_same":
        h, k = (int(x) for x in rng.choice(houses, 2, replace=False))
        return Clue(clue_id, "not_same", (_person(grid, a, h), _person(grid, b, k)))
    if shape == "left_of":
        h, k = pick_houses(2)
        return Clue(clue_id, "left_of", (_person(grid, a, h), _person(grid, b, k)))
    if shape == "left_of_imm":
        h = int(rng.integers(houses - 1))
        return Clue(clue_id, "left_of_imm", (_person(grid, a, h), _person(grid, b, h + 1)))
    if shape == "next_to":
        h = int(rng.integers(houses - 1))
        pair = (h, h + 1) if rng.random() < 0.5 else (h + 1, h)
        return Clue(clue_id, "next_to", (_person(grid, a, pair[0]), _person(grid, b, pair[1])))
    if shape == "not_next_to":
        while True:
            h, k = (int(x) for x in rng.choice(houses, 2, replace=False))
            if abs(h - k) > 1:
                break
        return Clue(clue_id, "not_next_to", (_person(grid, a, h), _person(grid, b, k)))
    if shape == "between":
        y, x, z = pick_houses(3)
        c = int(rng.integers(attrs))
        args = (_person(grid, a, x), _person(grid, b, y), _person(grid, c, z))
        return Clue(clue_id, "between", args)
    h = (0, houses - 1)[int(rng.integers(2))]
    return Clue(clue_id, "end", (_person(grid, a, h),))


def _breaking_clue(
    rng: np.random.Generator, grid: Grid, other: Grid, clue_id: int, within: float
) -> Clue:
    """A clue true in `grid` and false in `other` (they differ, so one is found quickly)."""
    while True:
        clue = sample_clue(rng, grid, clue_id, within)
        if not clue_holds(clue, other):
            return clue


def check_size(houses: int | None, attributes: int | None) -> None:
    """A ValueError for a size the generator cannot make (None: left open)."""
    if (houses is not None and not 2 <= houses <= MAX_HOUSES) or (
        attributes is not None and not 1 <= attributes <= MAX_ATTRIBUTES
    ):
        raise ValueError(f"sizes must be 2..{MAX_HOUSES} houses, 1..{MAX_ATTRIBUTES} attributes")


def generate_zebra(
    rng: np.random.Generator, houses: int, attributes: int, version: int = GENERATOR_VERSION
) -> tuple[Zebra, Grid]:
    """A puzzle with a unique solution in which every clue is needed, and that solution.

    `version` picks the generator version's clue mix (WITHIN_ATTRIBUTE): an older version
    rebuilds the puzzles it made from the same rng.
    """
    if version not in WITHIN_ATTRIBUTE:
        known = ", ".join(map(str, WITHIN_ATTRIBUTE))
        raise ValueError(f"unknown zebra generator version {version!r} (known: {known})")
    within = WITHIN_ATTRIBUTE[version]
    check_size(houses, attributes)
    names = sorted(int(i) for i in rng.choice(len(BANK), attributes, replace=False))
    bank = list(BANK.items())
    attr_names = tuple(bank[i][0] for i in names)
    values = tuple(
        tuple(
            bank[i][1][0][int(j)]
            for j in sorted(rng.choice(len(bank[i][1][0]), houses, replace=False))
        )
        for i in names
    )
    grid = random_solution(rng, houses, attributes)
    puzzle = Zebra(attr_names, values, ())
    clues: list[Clue] = []
    while True:
        found, _ = find_solutions(puzzle.with_clues(clues), 2)
        others = [g for g in found if g != grid]
        if not others:
            break
        clues.append(_breaking_clue(rng, grid, others[0], len(clues) + 1, within))
    keep = [True] * len(clues)
    for i in rng.permutation(len(clues)):
        keep[i] = False
        trial = [c for c, k in zip(clues, keep, strict=True) if k]
        if len(find_solutions(puzzle.with_clues(trial), 2)[0]) != 1:
            keep[i] = True
    kept = [c for c, k in zip(clues, keep, strict=True) if k]
    renumbered = tuple(Clue(k + 1, c.rel, c.args) for k, c in enumerate(kept))
    return puzzle.with_clues(renumbered), grid
