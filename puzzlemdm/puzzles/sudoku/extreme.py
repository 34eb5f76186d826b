"""Extreme Sudoku: minimal puzzles that a singles + MRV search must guess many times to prove
unique (magictour top1465's median is 48 guesses), found by climbing.

Random minimal puzzles seldom need more than a few guesses, so rejection sampling would take
thousands of draws per puzzle. The climb keeps one solution and moves one given at a time:
drop a given, reveal another cell of the solution, reveal more while the puzzle is ambiguous,
then drop every given that became redundant (minimal again). A move is kept when the guess count
does not fall, so the climb drifts along plateaus instead of stalling on them; it restarts from a
fresh grid after `max_moves` moves without reaching the target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku
from puzzlemdm.puzzles.sudoku.generate import (
    DEFAULT_CHECK_NODES,
    minimal_puzzle,
    random_solution,
    removal_keeps_unique,
)
from puzzlemdm.puzzles.sudoku.search import solve_search

EXTREME_GUESSES = 30  # the default target: magictour top1465's lower quartile (median 48)
DEFAULT_MAX_MOVES = 400
DEFAULT_RESTARTS = 20


@dataclass(frozen=True)
class Climbed:
    """An extreme puzzle, its solution, its guess count and what finding it cost."""

    puzzle: Sudoku
    solution: Sudoku
    guesses: int
    moves: int  # moves tried over every restart
    restarts: int


def search_guesses(cells: list[int], shape: Shape) -> tuple[int, int]:
    """(solutions up to 2, guesses) of the singles + MRV search proving the grid unique."""
    stats = solve_search(Sudoku(shape, tuple(cells)), max_solutions=2, trace=False).stats
    return int(stats["solutions"]), int(stats["guesses"])


def _minimalise(rng: np.random.Generator, cells: list[int], shape: Shape) -> None:
    """Blank, in place and in random order, every given whose removal keeps the grid unique."""
    for cell in rng.permutation([c for c, v in enumerate(cells) if v]):
        removal_keeps_unique(cells, shape, int(cell), DEFAULT_CHECK_NODES)


def _move(rng: np.random.Generator, cells: list[int], solution: Sudoku) -> list[int]:
    """A neighbouring minimal unique puzzle of the same solution: one given out, another in."""
    shape = solution.shape
    out = list(cells)
    givens = [c for c, v in enumerate(out) if v]
    out[int(rng.choice(givens))] = 0
    while True:
        blanks = [c for c, v in enumerate(out) if not v]
        cell = int(rng.choice(blanks))
        out[cell] = solution.cells[cell]
        if search_guesses(out, shape)[0] == 1:
            break
    _minimalise(rng, out, shape)
    return out


def climb(
    rng: np.random.Generator,
    min_guesses: int = EXTREME_GUESSES,
    shape: Shape = Shape(3, 3),
    max_moves: int = DEFAULT_MAX_MOVES,
    restarts: int = DEFAULT_RESTARTS,
) -> Climbed:
    """A minimal unique puzzle needing at least `min_guesses` guesses; PuzzleError when
    `restarts` climbs of `max_moves` moves each all fall short."""
    if min_guesses < 0 or max_moves < 0 or restarts < 1:
        raise ValueError("min_guesses and max_moves must be >= 0 and restarts >= 1")
    moves = 0
    for restart in range(restarts):
        solution = random_solution(rng, shape)
        cells = list(minimal_puzzle(rng, solution).cells)
        guesses = search_guesses(cells, shape)[1]
        for _ in range(max_moves):
            if guesses >= min_guesses:
                break
            candidate = _move(rng, cells, solution)
            moves += 1
            found = search_guesses(candidate, shape)[1]
            if found >= guesses:
                cells, guesses = candidate, found
        if guesses >= min_guesses:
            return Climbed(Sudoku(shape, tuple(cells)), solution, guesses, moves, restart)
    raise PuzzleError(
        f"no puzzle needing {min_guesses} guesses in {restarts} climbs of {max_moves} moves; "
        "ask for fewer guesses or more moves"
    )
