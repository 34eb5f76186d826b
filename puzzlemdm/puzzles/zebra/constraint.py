"""Zebra through python-constraint: an independent solver to cross-check ours.

Variables are the people `(attribute, value)` with the houses as domain; each attribute is
all-different; each clue is a function constraint over the people it names. The trace lists
the cells of the solution in the solver's variable order (python-constraint exposes no
decision order of its own), with reason "python-constraint".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import product

from constraint import AllDifferentConstraint, BacktrackingSolver, Problem

from puzzlemdm.puzzles.base import Decision, SolveResult
from puzzlemdm.puzzles.zebra.puzzle import (
    POSITION,
    Clue,
    Grid,
    Zebra,
    person_cell,
    relation_holds,
)


def _clue_function(clue: Clue, slots: list[list[int]], houses: int) -> Callable[..., bool]:
    """f(*houses of the named people) -> whether the clue holds."""
    # slots: per arg, its alternatives as variable indices, or -1 - house for a fixed house

    def holds(*assigned: int) -> bool:
        options = [[assigned[s] if s >= 0 else -1 - s for s in alts] for alts in slots]
        return any(relation_holds(clue.rel, pos, houses) for pos in product(*options))

    return holds


def build_problem(puzzle: Zebra) -> tuple[Problem, list[tuple[int, int]]]:
    """A python-constraint Problem for the puzzle and its variable list `(attribute, value)`."""
    problem = Problem(BacktrackingSolver())
    houses = puzzle.houses
    names = [(a, v) for a in range(len(puzzle.attributes)) for v in range(houses)]
    for name in names:
        problem.addVariable(name, list(range(houses)))
    for a in range(len(puzzle.attributes)):
        problem.addConstraint(AllDifferentConstraint(), [(a, v) for v in range(houses)])
    for clue in puzzle.clues:
        variables: list[tuple[int, int]] = []
        slots: list[list[int]] = []
        for alts in clue.args:
            row = []
            for r in alts:
                if r.attribute == POSITION:
                    row.append(-1 - r.value)
                    continue
                key = (r.attribute, r.value)
                if key not in variables:
                    variables.append(key)
                row.append(variables.index(key))
            slots.append(row)
        if variables:
            problem.addConstraint(_clue_function(clue, slots, houses), variables)
    return problem, names


def _grid(puzzle: Zebra, assignment: dict) -> Grid:
    grid = [[0] * puzzle.houses for _ in puzzle.attributes]
    for (a, v), h in assignment.items():
        grid[a][h] = v
    return tuple(tuple(row) for row in grid)


def constraint_solutions(puzzle: Zebra, limit: int = 2) -> list[Grid]:
    """Up to `limit` grids satisfying every clue, found by python-constraint."""
    problem, _ = build_problem(puzzle)
    out = []
    for assignment in problem.getSolutionIter():
        out.append(_grid(puzzle, assignment))
        if len(out) >= limit:
            break
    return out


def constraint_solve(puzzle: Zebra) -> SolveResult:
    """One grid from python-constraint, traced in its variable order."""
    start = time.perf_counter()
    problem, names = build_problem(puzzle)
    assignment = problem.getSolution()
    stats = {"seconds": time.perf_counter() - start}
    if not assignment:
        return SolveResult(None, [], "python-constraint", stats)
    a_count = len(puzzle.attributes)
    trace = [
        Decision(person_cell(a, v, a_count), assignment[(a, v)], "python-constraint", 0)
        for a, v in names
    ]
    return SolveResult(_grid(puzzle, assignment), trace, "python-constraint", stats)
