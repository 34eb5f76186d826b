"""Uniform random blocksworld states (Slaney & Thiébaux's counting idea) and the generator.

Build a state by inserting blocks 1..n one at a time. With m blocks already placed in k towers,
the next block either starts a new tower or goes into one of m + k slots (under any placed
block, or on top of a tower); every state arises from exactly one insertion sequence. Let
W(r, k) be the number of ways to insert the r remaining blocks when m = n - r are placed in k
towers: W(0, k) = 1 and W(r, k) = W(r-1, k+1) + (m + k) W(r-1, k). Choosing "new tower" with
probability W(r-1, k+1) / W(r, k) and otherwise a uniform slot makes every state equally likely.

Levels (by blocks; the optimal plan length is recorded in the grade): easy = 3-4 blocks,
medium = 5-6, hard = 7-8 (the training range), extreme = 9-12 (generalisation; the planner
runs under a time limit there). Goals: "full" = a second uniform state; "partial" = a
uniformly sized, non-empty subset of that state's `on` facts (PlanBench style). Initial states
that already satisfy the goal are redrawn.
"""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np

from puzzlemdm.puzzles.blocksworld.problem import TABLE, UNSET, Blocksworld, State, satisfies

LEVELS = ("easy", "medium", "hard", "extreme")
BLOCKS = {"easy": (3, 4), "medium": (5, 6), "hard": (7, 8), "extreme": (9, 12)}
NAMES = "abcdefghijklmnopqrstuvwxyz"


@cache
def completions(n: int, remaining: int, towers: int) -> int:
    """W(r, k): ways to insert `remaining` more blocks of n into `towers` existing towers."""
    if remaining == 0:
        return 1
    placed = n - remaining
    return completions(n, remaining - 1, towers + 1) + (placed + towers) * completions(
        n, remaining - 1, towers
    )


def count_states(n: int) -> int:
    """Number of blocksworld states of n blocks (1, 3, 13, 73, 501, ...)."""
    return completions(n, n, 0)


def random_state(rng: np.random.Generator, n: int) -> State:
    """A state drawn uniformly from all states of n blocks."""
    towers: list[list[int]] = []  # bottom to top
    for block in range(1, n + 1):
        remaining = n - block + 1
        placed = block - 1
        total = completions(n, remaining, len(towers))
        new = completions(n, remaining - 1, len(towers) + 1)
        # float draw: W fits a double well beyond the sizes used here
        if rng.random() * total < new:
            towers.append([block])
            continue
        slot = int(rng.integers(placed + len(towers)))
        if slot < placed:  # directly under an already placed block
            for tower in towers:
                if slot < len(tower):
                    tower.insert(slot, block)
                    break
                slot -= len(tower)
        else:
            towers[slot - placed].append(block)
    state = [TABLE] * n
    for tower in towers:
        for below, above in itertools.pairwise(tower):
            state[above - 1] = below
    return tuple(state)


def random_goal(rng: np.random.Generator, n: int, partial: bool) -> State:
    """A uniform state, or (partial) a non-empty random subset of its `on` facts."""
    while True:
        full = random_state(rng, n)
        stacked = [k for k in range(n) if full[k] != TABLE]
        if not partial:
            return full
        if stacked:
            keep = int(rng.integers(1, len(stacked) + 1))
            chosen = set(int(k) for k in rng.choice(stacked, keep, replace=False))
            return tuple(full[k] if k in chosen else UNSET for k in range(n))


def random_problem(rng: np.random.Generator, n: int, goal: str = "partial") -> Blocksworld:
    """Uniform initial state and a full or partial goal it does not already satisfy."""
    if goal not in ("full", "partial"):
        raise ValueError(f"goal must be 'full' or 'partial', not {goal!r}")
    if not 2 <= n <= len(NAMES):
        # one block is on the table in every state: no goal it does not already meet
        raise ValueError(f"blocks must be 2..{len(NAMES)} (one block has nothing to plan)")
    target = random_goal(rng, n, goal == "partial")
    while True:
        init = random_state(rng, n)
        if not satisfies(init, target):
            return Blocksworld(tuple(NAMES[:n]), init, target)


def level_of(n: int) -> str:
    """The level of an n-block problem."""
    for level, (_, hi) in BLOCKS.items():
        if n <= hi:
            return level
    return LEVELS[-1]


def draw_blocks(rng: np.random.Generator, level: str, blocks: int | None = None) -> int:
    """The block count: `blocks`, else uniform in the level's range."""
    if level not in LEVELS:
        raise ValueError(f"unknown blocksworld level {level!r} (known: {', '.join(LEVELS)})")
    if blocks is not None:
        return blocks
    lo, hi = BLOCKS[level]
    return int(rng.integers(lo, hi + 1))
