"""Zebra difficulty: levels by size and by the deductions the strategy solver needs.

Two scores, added:
- size: 0 when houses and attributes are both <= 4, 1 when the larger is 5, 2 when it is >= 6;
- deduction: 0 when single-clue propagation (one clue at a time + the permutation singles)
  solves the puzzle, 1 when clues must be combined (lookahead: an assumption refuted by
  propagation), 2 when even that stalls and the solver must guess.
Level = easy (score 0), medium (score 1), hard (score >= 2). So: easy = 3-4 houses x 3-4
attributes solved by propagation alone; medium = a 5 somewhere and propagation alone, or
3-4 x 3-4 needing lookahead; hard = 6 somewhere, or 5 needing lookahead, or any guessing.
`generate_level` draws sizes from the level's range (easy 3-4, medium 4-5, hard 5-6 each)
and resamples (next draws of the same generator) until the grade matches, so it is
deterministic per generator. The grade also reports the propagation sweeps, lookahead
eliminations, probes and guesses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from puzzlemdm.puzzles.zebra.generate import GENERATOR_VERSION, check_size, generate_zebra
from puzzlemdm.puzzles.zebra.puzzle import Grid, Zebra
from puzzlemdm.puzzles.zebra.search import strategy_solve

LEVELS = ("easy", "medium", "hard")
SIZES = {"easy": (3, 4), "medium": (4, 5), "hard": (5, 6)}
MAX_TRIES = 200


def size_score(houses: int, attributes: int) -> int:
    """0 up to 4x4, 1 when the larger side is 5, 2 from 6 on."""
    return min(2, max(0, max(houses, attributes) - 4))


def grade(puzzle: Zebra) -> dict[str, Any]:
    """Level and counters from the strategy solver (see the module docstring)."""
    result = strategy_solve(puzzle)
    stats = result.stats
    deduction = (
        "search" if stats["guesses"] else "lookahead" if stats["lookahead"] else "propagation"
    )
    score = size_score(puzzle.houses, len(puzzle.attributes))
    score += {"propagation": 0, "lookahead": 1, "search": 2}[deduction]
    return {
        "level": LEVELS[min(score, 2)],
        "houses": puzzle.houses,
        "attributes": len(puzzle.attributes),
        "clues": len(puzzle.clues),
        "deduction": deduction,
        "sweeps": int(stats["sweeps"]),
        "lookahead": int(stats["lookahead"]),
        "probes": int(stats["probes"]),
        "guesses": int(stats["guesses"]),
        "solved": result.solved,
    }


def generate_level(
    rng: np.random.Generator,
    level: str,
    houses: int | None = None,
    attributes: int | None = None,
    version: int = GENERATOR_VERSION,
) -> tuple[Zebra, Grid, dict[str, Any]]:
    """A unique, clue-minimal puzzle graded `level`, its solution and its grade.

    `houses` / `attributes` fix a size instead of drawing it (the other side, when one is
    left open, drawn from the level's range); the puzzle is still of `level`, and a size that
    grades above it (a side of 6 is hard) is a ValueError naming the level to ask for.
    `version` is the generator version (see generate.py); an older one rebuilds its puzzles
    from the same rng.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown zebra level {level!r} (known: {', '.join(LEVELS)})")
    lo, hi = SIZES[level]
    check_size(houses, attributes)  # before the level: no level makes them
    least = size_score(houses or 0, attributes or 0)  # the grade's floor, from the size alone
    if least > LEVELS.index(level):
        shape = f"{houses or '?'} houses x {attributes or '?'} attributes"
        raise ValueError(f"{shape} grade {LEVELS[least]} at least, not {level}: ask for that level")
    for _ in range(MAX_TRIES):
        h = houses if houses is not None else int(rng.integers(lo, hi + 1))
        a = attributes if attributes is not None else int(rng.integers(lo, hi + 1))
        puzzle, grid = generate_zebra(rng, h, a, version)
        info = grade(puzzle)
        if info["level"] == level:
            return puzzle, grid, info
    raise ValueError(f"no {level} zebra came out in {MAX_TRIES} draws; ask for another level")
