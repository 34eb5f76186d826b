"""Blocksworld as a token grid: a state trajectory, rows t = 0..T, one column per block.

Cell (t, k - 1) = what block k rests on after t moves: 0 = table, j = block j. T = 2n moves,
enough for any instance (put every block on the table, then build the goal). Row 0 (the
initial state) is given; row T is given where the goal constrains a block, and the other
cells of row T are targets like the rows between. Plans shorter than T are padded at the end
by repeating the final state (no-op rows). Pure numpy, no torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.blocksworld.problem import (
    Action,
    Blocksworld,
    Move,
    actions_to_moves,
    apply_move,
    move_actions,
)


def horizon(n: int) -> int:
    """T: the number of move rows for n blocks (2n)."""
    return 2 * n


def moves_grid(puzzle: Blocksworld, moves: Sequence[Move]) -> np.ndarray:
    """The (T + 1, n) trajectory of a move sequence, padded with no-op rows at the end."""
    steps = horizon(puzzle.n)
    if len(moves) > steps:
        raise PuzzleError(f"{len(moves)} moves do not fit the {steps}-move grid")
    grid = np.empty((steps + 1, puzzle.n), dtype=np.int16)
    state = puzzle.init
    grid[0] = state
    for t in range(1, steps + 1):
        if t <= len(moves):
            state = apply_move(state, moves[t - 1])
        grid[t] = state
    return grid


def trajectory_grid(puzzle: Blocksworld, plan: Sequence[Action]) -> np.ndarray:
    """The (T + 1, n) int16 state trajectory of a legal PDDL plan (two actions per row)."""
    try:
        moves = actions_to_moves(puzzle, plan)
    except ValueError as err:
        raise PuzzleError(f"plan cannot be written as a trajectory: {err}") from None
    return moves_grid(puzzle, moves)


def plan_from_trajectory(puzzle: Blocksworld, grid: np.ndarray) -> list[Action]:
    """The PDDL plan a trajectory spells (no-op rows are skipped wherever they are).

    Raises PuzzleError when the shape is wrong, row 0 is not the initial state, or two rows
    differ in more than one block. Legality and the goal are the verifier's business.
    """
    grid = np.asarray(grid)
    if grid.ndim != 2 or grid.shape[1] != puzzle.n or grid.shape[0] < 1:
        raise PuzzleError(f"trajectory must have {puzzle.n} columns, got shape {grid.shape}")
    if tuple(int(x) for x in grid[0]) != puzzle.init:
        raise PuzzleError("row 0 of the trajectory is not the initial state")
    plan: list[Action] = []
    state = puzzle.init
    for t in range(1, grid.shape[0]):
        changed = np.flatnonzero(grid[t] != grid[t - 1])
        if changed.size == 0:
            continue
        if changed.size > 1:
            raise PuzzleError(f"rows {t - 1} and {t} differ in {changed.size} blocks (max 1)")
        block = int(changed[0]) + 1
        move = (block, int(grid[t, changed[0]]))
        plan.extend(move_actions(state, move))
        state = apply_move(state, move)
    return plan
