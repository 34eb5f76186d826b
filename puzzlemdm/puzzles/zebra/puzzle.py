"""Zebra (Einstein) puzzles: houses x attributes, clues over people, and the verifier.

Vocabulary: there are H *houses* in a row (0-based internally, 1-based in text) and A
*attributes* (nationality, colour, ...), each a permutation of H named *values* over the houses.
A *grid* is the answer: `grid[a][h]` = index of the value of attribute a in house h. A *ref*
names one person: "the person whose attribute a is value v", or "the person in house k"
(attribute = POSITION). A *clue* is a relation over 1..3 args; each arg is a tuple of
alternative refs (one, unless the source phrase is ambiguous, e.g. BBEH's "Honda" that is a
car and a motorbike): the clue holds when some choice of alternatives satisfies the relation.
A decision places one person: its flat cell index is `person_cell(attribute, value, A)` and its
value is the house. Clues name people, so a clue's cells are known before the answer is (what
a model reading the clues needs), and the solvers' domains are already kept this way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

from puzzlemdm.puzzles.base import Verdict, Violation

POSITION = -1  # Ref.attribute for "the person in house Ref.value"

# relation -> arity; semantics on house positions (x, y, z) in `relation_holds`
RELATIONS: dict[str, int] = {
    "same": 2,  # x == y (with a position ref: "lives in house k")
    "not_same": 2,  # x != y (with a position ref: "does not live in house k")
    "left_of": 2,  # x < y (somewhere to the left)
    "left_of_imm": 2,  # x + 1 == y (directly left)
    "next_to": 2,  # |x - y| == 1
    "not_next_to": 2,  # |x - y| != 1
    "between": 3,  # y < x < z (x somewhere between y and z, in that order; BBEH)
    "end": 1,  # x is the first or the last house
    "one_between": 2,  # |x - y| == 2 (one house between them; ZebraLogic)
    "two_between": 2,  # |x - y| == 3 (two houses between them; ZebraLogic)
}
# relations that hold when two people live this many houses apart, either way round
DISTANCES: dict[str, int] = {"next_to": 1, "one_between": 2, "two_between": 3}

Grid = tuple[tuple[int, ...], ...]


@dataclass(frozen=True, order=True)
class Ref:
    """One person: value `value` of `attribute`, or house `value` when attribute = POSITION."""

    attribute: int
    value: int


@dataclass(frozen=True)
class Clue:
    """A relation over args; each arg is a tuple of alternative refs (usually one)."""

    id: int
    rel: str
    args: tuple[tuple[Ref, ...], ...]


@dataclass(frozen=True)
class Zebra:
    """A puzzle: attribute names, their value names (`values[a][v]`), clues, and the questions
    it asks (whose house; each the alternatives of one asked person, BBEH's ambiguous names)."""

    attributes: tuple[str, ...]
    values: tuple[tuple[str, ...], ...]
    clues: tuple[Clue, ...]
    questions: tuple[tuple[Ref, ...], ...] = ()
    # (attribute, house) whose value is asked: "What is Smoothie of the person who lives in
    # House 3?" (ZebraLogic's multiple-choice questions)
    asked_values: tuple[tuple[int, int], ...] = ()

    @property
    def houses(self) -> int:
        return len(self.values[0]) if self.values else 0

    def ref_name(self, ref: Ref) -> str:
        """`attribute=value` (or `house=k`, 1-based) for messages."""
        if ref.attribute == POSITION:
            return f"house={ref.value + 1}"
        return f"{self.attributes[ref.attribute]}={self.values[ref.attribute][ref.value]}"

    def with_clues(self, clues: Sequence[Clue]) -> Zebra:
        """The same puzzle with another clue list."""
        return Zebra(self.attributes, self.values, tuple(clues), self.questions, self.asked_values)


def relation_holds(rel: str, pos: Sequence[int], houses: int) -> bool:
    """Whether house positions `pos` (0-based, one per arg) satisfy relation `rel`."""
    if rel == "same":
        return pos[0] == pos[1]
    if rel == "not_same":
        return pos[0] != pos[1]
    if rel == "left_of":
        return pos[0] < pos[1]
    if rel == "left_of_imm":
        return pos[0] + 1 == pos[1]
    if rel in DISTANCES:
        return abs(pos[0] - pos[1]) == DISTANCES[rel]
    if rel == "not_next_to":
        return abs(pos[0] - pos[1]) != 1
    if rel == "between":
        return pos[1] < pos[0] < pos[2]
    if rel == "end":
        return pos[0] in (0, houses - 1)
    raise ValueError(f"unknown zebra relation {rel!r}")


def person_cell(attribute: int, value: int, attributes: int) -> int:
    """Flat cell index of the person whose `attribute` is `value` (a decision's cell)."""
    return value * attributes + attribute


def house_of(grid: Grid, ref: Ref) -> int:
    """The house (0-based) of the person `ref` names in `grid`."""
    if ref.attribute == POSITION:
        return ref.value
    return grid[ref.attribute].index(ref.value)


def clue_holds(clue: Clue, grid: Grid) -> bool:
    """Whether some choice of alternatives satisfies the clue in a complete grid."""
    houses = len(grid[0])
    choices = [[house_of(grid, r) for r in alts] for alts in clue.args]
    return any(relation_holds(clue.rel, pos, houses) for pos in product(*choices))


def grid_problems(puzzle: Zebra, grid: object) -> list[str]:
    """Shape problems of a candidate grid (size, permutations); empty when well formed."""
    a_count, h = len(puzzle.attributes), puzzle.houses
    if not isinstance(grid, Sequence) or len(grid) != a_count:
        return [f"expected {a_count} attribute rows"]
    problems = []
    for a, row in enumerate(grid):
        if not isinstance(row, Sequence) or sorted(row) != list(range(h)):
            problems.append(
                f"attribute {puzzle.attributes[a]!r} must give each of its {h} values exactly once"
            )
    return problems


def verify_grid(puzzle: Zebra, grid: Grid) -> Verdict:
    """Any well-formed grid satisfying every clue verifies; a violation names each broken clue."""
    problems = grid_problems(puzzle, grid)
    if problems:
        return Verdict(tuple(Violation("shape", (), p) for p in problems))
    a_count = len(puzzle.attributes)
    violations = []
    for clue in puzzle.clues:
        if clue_holds(clue, grid):
            continue
        cells = sorted(
            {
                person_cell(r.attribute, r.value, a_count)
                for alts in clue.args
                for r in alts
                if r.attribute != POSITION
            }
        )
        refs = ", ".join(" | ".join(puzzle.ref_name(r) for r in alts) for alts in clue.args)
        violations.append(
            Violation(f"clue {clue.id}", tuple(cells), f"clue {clue.id} broken: {clue.rel}({refs})")
        )
    return Verdict(tuple(violations))
