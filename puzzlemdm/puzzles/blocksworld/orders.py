"""What the order analysis needs to know about Blocksworld decisions (`kind.order_facts()`).

Works on the token grid (`tokens.py`): row t of the trajectory, column k = what block k + 1
rests on after t moves. The *candidates* of an open cell are what two cheap rules leave:
(1) within a row no two blocks rest on the same block, and a block never rests on a block that
rests on it; (2) consecutive rows differ in at most one block, so when another block already
changes between row t and a neighbouring row, this block must keep its value from that row.
A decision is *forced* (technique "determined") when one candidate is left, else "guess". This
is only as strong as cheap: it does not plan, so a cell the goal determines through a long
chain of moves still counts as a guess.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from puzzlemdm.puzzles.base import DecisionFacts, step_groups
from puzzlemdm.puzzles.blocksworld.problem import Blocksworld
from puzzlemdm.puzzles.blocksworld.tokens import blocks_of, encode
from puzzlemdm.puzzles.grid import MASK, GridSpec

DETERMINED, GUESS = "determined", "guess"
GROUPS = {DETERMINED: "determined", GUESS: "guess"}


def reference_orders(puzzle: Blocksworld, spec: GridSpec) -> dict[str, list[int]]:
    """The optimal planner's moves as token positions (row t, the block it moves), in time
    order; the trajectory backwards (last row first) and from both ends inwards (row-major,
    forwards in time, is added by the generic layer)."""
    from puzzlemdm.puzzles.blocksworld.kind import KIND

    width = blocks_of(spec)
    trace = KIND.solve(puzzle, "astar").trace  # cell = t * n + block - 1
    masked = np.flatnonzero(np.asarray(encode(puzzle, None, spec).tokens) == MASK)
    rows = spec.coords[:, 0].max() + 1
    time = masked // width
    # from both ends inwards: by distance to the nearer of row 0 and the goal row
    inward = masked[np.lexsort((time, np.minimum(time, rows - 1 - time)))]
    return {
        "planner": [(d.cell // puzzle.n) * width + d.cell % puzzle.n for d in trace],
        "backwards": [int(p) for p in masked[np.argsort(-time, kind="stable")]],
        "both-ends": [int(p) for p in inward],
    }


def replay(
    puzzle: Blocksworld,
    positions: Sequence[int],
    values: Sequence[int],
    spec: GridSpec,
    steps: Sequence[int] | None = None,
) -> list[DecisionFacts]:
    """Facts of each decision of a path writing token `values` at `positions`, in order, each
    before its step (`steps`, see base.step_groups)."""
    width = blocks_of(spec)
    grid = np.asarray(encode(puzzle, None, spec).tokens).reshape(-1, width)[:, : puzzle.n].copy()
    out = []
    for group in step_groups(positions, values, steps):
        rows, cols = np.nonzero(grid == MASK)
        counts = [len(_candidates(grid, r, c)) for r, c in zip(rows, cols, strict=True)]
        fewest = min(counts) if counts else 0
        for position, _ in group:
            t, k = divmod(position, width)  # k < n: pad columns are never masked
            mine = len(_candidates(grid, t, k))
            out.append(
                DecisionFacts(
                    forced=mine == 1,
                    candidates=mine,
                    fewest=fewest,
                    technique=DETERMINED if mine == 1 else GUESS,
                )
            )
        for position, value in group:
            grid[divmod(position, width)] = value
    return out


def _candidates(grid: np.ndarray, t: int, k: int) -> set[int]:
    """What block k + 1 may rest on in row t, by the two cheap rules of the module doc."""
    n = grid.shape[1]
    row = grid[t]
    cands = set(range(n + 1)) - {k + 1}
    for j in range(n):
        if j != k and row[j] > 0:
            cands.discard(int(row[j]))  # block row[j] already carries block j + 1
            if row[j] == k + 1:
                cands.discard(j + 1)  # j + 1 rests on k + 1: k + 1 cannot rest on j + 1
    for r in (t - 1, t + 1):
        if not 0 <= r < grid.shape[0] or grid[r, k] == MASK:
            continue
        other = (grid[r] != MASK) & (row != MASK) & (grid[r] != row)
        other[k] = False
        if other.any():  # the move between rows t and r is another block's
            cands &= {int(grid[r, k])}
    return cands
