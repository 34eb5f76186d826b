"""Blocksworld as a token grid: the state trajectory of blocksworld_grid, one token per cell.

Position (t, k) holds what block k + 1 rests on after t moves (0 = table, j = block j), so
V = n + 1. Row 0 and the goal's cells of the last row are conditions; a block never rests on
itself. Relations: same step, same block. Coordinates: (step, block).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.blocksworld.problem import Blocksworld
from puzzlemdm.puzzles.blocksworld.trajectory import (
    given_grid,
    given_mask,
    horizon,
    plan_from_trajectory,
    trajectory_grid,
)
from puzzlemdm.puzzles.grid import MASK, GridSpec, TokenGrid, allowed_rows


@cache
def blocksworld_spec(n: int) -> GridSpec:
    """The (2n + 1) x n trajectory grid of n blocks."""
    steps, blocks = np.divmod(np.arange((horizon(n) + 1) * n), n)
    same = lambda a: (a[:, None] == a[None, :]).astype(np.int64)  # noqa: E731
    return GridSpec(
        "blocksworld",
        len(steps),
        n + 1,
        (horizon(n) + 1, n),
        np.stack([steps, blocks], axis=1).astype(np.int64),
        same(steps) + 2 * same(blocks),
        4,
        (("blocks", n),),
    )


def encode_blocksworld(
    puzzle: Blocksworld, plan: Any | None = None, spec: GridSpec | None = None
) -> TokenGrid:
    """The initial state and goal as conditions; with a plan, its trajectory as the target."""
    spec_needed = blocksworld_spec(puzzle.n)
    if spec is not None and spec is not spec_needed:
        raise PuzzleError(
            f"the model reads a {spec.describe()}, this puzzle needs a {spec_needed.describe()}"
        )
    spec = spec_needed
    tokens = given_grid(puzzle).astype(np.int64).reshape(-1)
    tokens[tokens < 0] = MASK
    is_condition = given_mask(puzzle).reshape(-1)
    free = np.ones((spec.length, spec.vocab), dtype=bool)
    free[np.arange(spec.length), spec.coords[:, 1] + 1] = False  # not on itself
    target = None
    if plan is not None:
        target = trajectory_grid(puzzle, plan).astype(np.int64).reshape(-1)
    return TokenGrid(spec, tokens, is_condition, allowed_rows(tokens, is_condition, free), target)


def decode_blocksworld(puzzle: Blocksworld, tokens: np.ndarray) -> list | None:
    """The plan a trajectory spells; None while cells are masked or rows are not one move
    apart (the verifier then reports that there is no plan)."""
    tokens = np.asarray(tokens)
    if (tokens == MASK).any():
        return None
    try:
        return plan_from_trajectory(puzzle, tokens.reshape(horizon(puzzle.n) + 1, puzzle.n))
    except PuzzleError:
        return None


def spec_for(puzzles: Sequence[Blocksworld]) -> GridSpec:
    """The spec of a corpus's problems (one size for now)."""
    sizes = {p.n for p in puzzles}
    if len(sizes) != 1:
        raise PuzzleError(f"the corpus mixes blocksworld sizes {sorted(sizes)}")
    return blocksworld_spec(sizes.pop())


def spec_from_signature(signature: dict) -> GridSpec:
    return blocksworld_spec(signature["blocks"])


def cell_positions(puzzle: Blocksworld, spec: GridSpec) -> np.ndarray:
    return np.arange(spec.length)
