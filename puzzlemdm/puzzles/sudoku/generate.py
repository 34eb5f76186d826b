"""Unique-solution Sudoku generator: a random full grid, then givens removed while unique.

Uniqueness is kept with one search per removal: taking out given c (value v) leaves the puzzle
unique iff the puzzle without c, with v forbidden at c, has no solution; that search usually
fails at the root, so a 9x9 minimal puzzle costs about 80 cheap propagations.
Everything is deterministic for a given `numpy.random.Generator` state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku
from puzzlemdm.puzzles.sudoku.search import Choice, has_solution, initial_candidates, mrv, search

LEVELS = ("easy", "medium", "hard")
DEFAULT_MAX_TRIES = 2000
# Search nodes allowed per uniqueness check. 9x9 checks need at most ~100 (72 over 300 minimal
# puzzles), so this never binds there; 16x16 checks near minimality can need millions.
DEFAULT_CHECK_NODES = 5000


@dataclass(frozen=True)
class GeneratedPuzzle:
    """A generated puzzle, its unique solution, its grade (None when not graded) and attempts."""

    puzzle: Sudoku
    solution: Sudoku
    grade: Any | None = None
    tries: int = 1


def random_solution(rng: np.random.Generator, shape: Shape = Shape(3, 3)) -> Sudoku:
    """A random full grid: MRV search on the empty grid with values tried in random order."""

    def shuffled(cands: list[int]) -> Choice:
        choice = mrv(cands)  # the MRV cell, with its values in a random order
        if choice is None:
            return None
        cell, values = choice
        return cell, [values[j] for j in rng.permutation(len(values))]

    root = initial_candidates(Sudoku(shape, (0,) * shape.cells))
    assert root is not None  # the empty grid is always consistent
    out = search(root, shape, choose=shuffled)
    if not out.solutions:  # pragma: no cover - every box shape has a solution
        raise RuntimeError(f"no solution grid for shape {shape}")
    return Sudoku(shape, tuple(m.bit_length() for m in out.solutions[0]))


def _check_solution(solution: Sudoku) -> None:
    if 0 in solution.cells:
        raise ValueError("solution must be a full grid (no blanks)")


def removal_keeps_unique(cells: list[int], shape: Shape, cell: int, node_limit: int | None) -> bool:
    """Blank `cell` in place and keep the blank iff the puzzle stays unique; restores otherwise.

    A check that runs out of `node_limit` nodes keeps the given: the puzzle stays unique, but
    may then not be minimal.
    """
    value = cells[cell]
    cells[cell] = 0
    # Cheap sufficient test first: if the givens among its peers hold every other value, the
    # cell is a naked single, so the removal cannot add a solution (no search needed). It
    # settles most of the early removals. Bit 0 collects blanks and is masked off.
    seen = 1 << value
    for p in shape.peers[cell]:
        seen |= 1 << cells[p]
    if seen | 1 == (2 << shape.n) - 1:
        return True
    if has_solution(cells, shape, exclude=(cell, value), node_limit=node_limit) is False:
        return True
    cells[cell] = value
    return False


def minimal_puzzle(
    rng: np.random.Generator, solution: Sudoku, node_limit: int | None = DEFAULT_CHECK_NODES
) -> Sudoku:
    """A minimal unique puzzle for `solution`: removing any one of its givens makes it ambiguous.

    Givens are tried for removal once each, in random order; a removal refused once stays
    refused later too, because removing more givens only adds solutions. (A check stopped at
    `node_limit` keeps its given; that never happens on 9x9 with the default.)
    """
    _check_solution(solution)
    cells = list(solution.cells)
    for cell in rng.permutation(len(cells)):
        removal_keeps_unique(cells, solution.shape, int(cell), node_limit)
    return solution.with_cells(cells)


def puzzle_with_givens(
    rng: np.random.Generator,
    solution: Sudoku,
    givens: int,
    node_limit: int | None = DEFAULT_CHECK_NODES,
) -> Sudoku | None:
    """A unique puzzle with exactly `givens` givens; None if this removal order cannot get there."""
    _check_solution(solution)
    cells = list(solution.cells)
    remaining = len(cells)
    if givens >= remaining:
        return solution.with_cells(cells) if givens == remaining else None
    for cell in rng.permutation(len(cells)):
        if removal_keeps_unique(cells, solution.shape, int(cell), node_limit):
            remaining -= 1
            if remaining == givens:
                return solution.with_cells(cells)
    return None


def _default_grade_fn() -> Callable[[Sudoku], Any]:
    # Imported lazily: the strategy grader is a separate (heavier) module.
    from puzzlemdm.puzzles.sudoku.strategy import grade

    return grade


# The fewest givens a puzzle with one solution can have, where it is proven: 9x9, 17 (McGuire,
# Tugemann and Civario's exhaustive search, 2012); 4x4, 4; 6x6 of 2x3 boxes, 8 (exhaustive).
FEWEST_GIVENS = {Shape(3, 3): 17, Shape(2, 2): 4, Shape(2, 3): 8}


def generate(
    rng: np.random.Generator,
    level: str | None = None,
    shape: Shape = Shape(3, 3),
    givens: int | None = None,
    grade_fn: Callable[[Sudoku], Any] | None = None,
    max_tries: int = DEFAULT_MAX_TRIES,
    node_limit: int | None = DEFAULT_CHECK_NODES,
) -> GeneratedPuzzle:
    """A unique puzzle whose grade has `.level == level` (rejection sampling; any level if None).

    `givens` asks for exactly that many givens instead of a minimal puzzle. The puzzle is graded
    when a level is asked for or a `grade_fn` is passed (default: the strategy grader).
    `node_limit` bounds each uniqueness check (see `minimal_puzzle`); for 16x16, prefer
    `givens` (e.g. 120): minimal 16x16 puzzles need very long checks.
    Raises PuzzleError when `max_tries` candidates all miss the level.
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    if givens is not None and not 0 <= givens <= shape.cells:
        raise ValueError(f"givens must be in 0..{shape.cells}, got {givens}")
    fewest = FEWEST_GIVENS.get(shape)
    if givens is not None and fewest is not None and givens < fewest:
        raise ValueError(
            f"no {shape.n}x{shape.n} sudoku with fewer than {fewest} givens has one solution"
        )
    grader = grade_fn if grade_fn is not None else (_default_grade_fn() if level else None)
    for tries in range(1, max_tries + 1):
        solution = random_solution(rng, shape)
        if givens is None:
            puzzle = minimal_puzzle(rng, solution, node_limit)
        else:
            found = puzzle_with_givens(rng, solution, givens, node_limit)
            if found is None:
                continue
            puzzle = found
        grade = grader(puzzle) if grader is not None else None
        if level is None or grade.level == level:
            return GeneratedPuzzle(puzzle, solution, grade, tries)
    wanted = f"level {level!r}" if level else "a puzzle"
    extra = f" with {givens} givens" if givens is not None else ""
    raise PuzzleError(
        f"could not generate {wanted}{extra} for {shape.n}x{shape.n} in {max_tries} tries; "
        "try another level, more givens or a larger max_tries"
    )
