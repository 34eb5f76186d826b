"""Kendall's rank correlation between two orders of the same cells.

An order is given as ranks (a smaller rank = decided sooner); equal ranks are ties (cells a
MED step decided together). tau-b corrects for ties, so a path whose steps are all singletons
and a solver order score +1 when they agree exactly and -1 when one is the other reversed.
Only the cells both orders rank are compared: the strategy solver, for instance, stops where it
would have to guess, so it ranks only some cells of a hard puzzle.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np


def kendall_tau(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """tau-b of paired ranks `a`, `b` (NaN with fewer than two items or a constant side)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = len(a)
    if n != len(b):
        raise ValueError(f"rank lists differ in length: {n} and {len(b)}")
    if n < 2:
        return math.nan
    upper = np.triu_indices(n, 1)
    sa = np.sign(a[:, None] - a[None, :])[upper]
    sb = np.sign(b[:, None] - b[None, :])[upper]
    pairs = len(sa)
    untied_a, untied_b = np.count_nonzero(sa), np.count_nonzero(sb)
    if untied_a == 0 or untied_b == 0:
        return math.nan
    return float((sa * sb).sum() / math.sqrt(untied_a * untied_b)) if pairs else math.nan


def ranks_of(order: Sequence[int]) -> dict[int, int]:
    """Cell -> its position in `order` (the first occurrence, if a cell repeats)."""
    ranks: dict[int, int] = {}
    for i, cell in enumerate(order):
        ranks.setdefault(int(cell), i)
    return ranks


def tau_between(model: Mapping[int, float], reference: Sequence[int]) -> tuple[float, int]:
    """tau-b of the model's ranks (cell -> step) against a reference order, over the cells both
    rank; also returns how many cells that is."""
    ref = ranks_of(reference)
    common = [c for c in ref if c in model]
    return kendall_tau([model[c] for c in common], [ref[c] for c in common]), len(common)
