"""Blocksworld as a token grid: the state trajectory of `trajectory`, one token per cell.

One grid `blocksworld_spec(N)` holds every problem of at most N blocks, so one model serves
all of a kind's sizes. Position (t, k) = t * N + k holds what block k + 1 rests on after t moves
(0 = table, j = block j), for t = 0..2N. A problem of n <= N blocks uses the first n columns:
the other columns are conditions holding PAD (= N + 1) on every row, and its real cells allow
0..n except the block itself. Its trajectory (2n moves at most) is followed by no-op rows up to
row 2N, which the decoder skips. Row 0 and the goal's cells of the last row (t = 2N) are
conditions. Coordinates: (step, block). Relations: same step, same block, and between
consecutive steps (same block or another, forwards or backwards): one move changes one block
from a row to the next, so each row is read against its neighbours. Grids of checkpoints
trained before the consecutive-step relations (4 types) are rebuilt without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.blocksworld.problem import UNSET, Blocksworld, satisfies
from puzzlemdm.puzzles.blocksworld.trajectory import horizon, plan_from_trajectory, trajectory_grid
from puzzlemdm.puzzles.grid import MASK, GridSpec, TokenGrid, allowed_rows, same


def blocks_of(spec: GridSpec) -> int:
    """N: the most blocks a blocksworld grid holds."""
    if spec.kind != "blocksworld":
        raise PuzzleError(f"a blocksworld problem cannot be read as a {spec.describe()}")
    return int(dict(spec.params)["blocks"])


STEP_RELATIONS = 4  # none, same step, same block, self
MOVE_RELATIONS = 8  # and consecutive steps: same block / another, next / previous


def blocksworld_spec(blocks: int, n_relations: int = MOVE_RELATIONS) -> GridSpec:
    """The (2N + 1) x N trajectory grid of problems of at most N = `blocks` blocks."""
    return _blocksworld_spec(blocks, n_relations)


@cache  # one object per grid: batches are checked to share their spec by identity
def _blocksworld_spec(blocks: int, n_relations: int) -> GridSpec:
    if n_relations not in (STEP_RELATIONS, MOVE_RELATIONS):
        raise PuzzleError(f"a blocksworld grid has {STEP_RELATIONS} or {MOVE_RELATIONS} relations")
    steps, column = np.divmod(np.arange((horizon(blocks) + 1) * blocks), blocks)
    relation = same(steps) + 2 * same(column)
    if n_relations == MOVE_RELATIONS:
        following = steps[None, :] == steps[:, None] + 1  # the key is the query's next step
        block = same(column).astype(bool)
        relation[following & block] = 4
        relation[following.T & block] = 5
        relation[following & ~block] = 6
        relation[following.T & ~block] = 7
    return GridSpec(
        "blocksworld",
        len(steps),
        blocks + 2,  # table, the blocks, PAD
        (horizon(blocks) + 1, blocks),
        np.stack([steps, column], axis=1).astype(np.int64),
        relation,
        n_relations,
        (("blocks", blocks),),
    )


def _fits(puzzle: Blocksworld, spec: GridSpec) -> int:
    """The grid's N; PuzzleError when the problem has more blocks."""
    blocks = blocks_of(spec)
    if puzzle.n > blocks:
        raise PuzzleError(
            f"this blocksworld problem has {puzzle.n} blocks; the model reads a "
            f"{spec.describe()}, which holds at most {blocks}"
        )
    return blocks


def cell_positions(puzzle: Blocksworld, spec: GridSpec) -> np.ndarray:
    """Token position of each trajectory cell index `t * n + k` that traces use (t <= 2n)."""
    blocks = _fits(puzzle, spec)
    step, column = np.divmod(np.arange((horizon(puzzle.n) + 1) * puzzle.n), puzzle.n)
    return step * blocks + column


def encode(puzzle: Blocksworld, plan: Any | None = None, spec: GridSpec | None = None) -> TokenGrid:
    """The initial state, the goal and the pad columns as conditions; with a plan, its
    trajectory (then no-op rows) as the target. `spec` defaults to the problem's own size.
    A goal the initial state already meets leaves nothing to decode (the model would spend a
    call per cell spelling the empty plan)."""
    n = puzzle.n
    spec = blocksworld_spec(n) if spec is None else spec
    blocks = _fits(puzzle, spec)
    pad = blocks + 1
    grid = np.full((horizon(blocks) + 1, blocks), pad, dtype=np.int64)
    grid[:, :n] = MASK
    grid[0, :n] = puzzle.init
    goal = np.asarray(puzzle.goal, dtype=np.int64)
    grid[-1, :n] = np.where(goal != UNSET, goal, MASK)
    if plan is None and satisfies(puzzle.init, puzzle.goal):
        grid[:, :n] = puzzle.init  # the empty plan: every row is the initial state, given
    tokens = grid.reshape(-1)
    is_condition = tokens != MASK
    column = spec.coords[:, 1]
    free = np.zeros((spec.length, spec.vocab), dtype=bool)
    free[:, : n + 1] = True  # the table and the problem's own blocks
    free[np.arange(spec.length), column + 1] = False  # a block never rests on itself
    target = None
    if plan is not None:
        states = trajectory_grid(puzzle, plan).astype(np.int64)  # rows 0..2n
        full = np.full_like(grid, pad)
        full[:, :n] = states[-1]  # no-op rows after the plan
        full[: len(states), :n] = states
        target = full.reshape(-1)
    return TokenGrid(spec, tokens, is_condition, allowed_rows(tokens, is_condition, free), target)


def decode(puzzle: Blocksworld, tokens: np.ndarray, spec: GridSpec) -> list | None:
    """The plan the problem's own columns spell; None while cells are masked, hold no block
    of the problem, or rows are not one move apart (the verifier then reports no plan)."""
    tokens = np.asarray(tokens)
    blocks = blocks_of(spec)
    if len(tokens) != spec.length or blocks < puzzle.n:
        raise PuzzleError(f"{len(tokens)} tokens are no {spec.describe()} of {puzzle.n} blocks")
    states = tokens.reshape(-1, blocks)[:, : puzzle.n]
    if ((states < 0) | (states > puzzle.n)).any():
        return None
    try:
        return plan_from_trajectory(puzzle, states)
    except PuzzleError:
        return None


def spec_for(puzzles: Sequence[Blocksworld]) -> GridSpec:
    """The smallest grid that holds every problem: as many columns as the largest has blocks."""
    if not puzzles:
        raise PuzzleError("no blocksworld problem to size the grid by")
    return blocksworld_spec(max(p.n for p in puzzles))


def spec_from_signature(signature: dict) -> GridSpec:
    """The grid a checkpoint was trained on."""
    return blocksworld_spec(
        int(signature["blocks"]), int(signature.get("n_relations", MOVE_RELATIONS))
    )
