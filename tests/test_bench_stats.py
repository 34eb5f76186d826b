"""The benchmark tables' statistics against known values and brute force."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from puzzlemdm.bench.stats import auroc, mcnemar, paired_bootstrap, wilson


def test_wilson_interval_known_values():
    low, high = wilson(5, 10)
    assert math.isclose(low, 0.2366, abs_tol=1e-4) and math.isclose(high, 0.7634, abs_tol=1e-4)
    assert wilson(250, 250)[1] == 1.0 and math.isclose(wilson(250, 250)[0], 0.9849, abs_tol=1e-4)
    assert wilson(0, 20)[0] == 0.0
    assert all(math.isnan(x) for x in wilson(0, 0))


@given(st.integers(0, 200), st.integers(1, 200))
def test_wilson_interval_holds_the_proportion(k, n):
    k = min(k, n)
    low, high = wilson(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_mcnemar_exact_two_sided():
    assert mcnemar(0, 0) == 1.0
    assert mcnemar(0, 5) == 2 / 32  # all five discordant pairs one way
    assert mcnemar(3, 3) == 1.0
    assert math.isclose(mcnemar(1, 9), 2 * (1 + 10) / 2**10)
    assert mcnemar(2, 7) == mcnemar(7, 2)


def brute_force_auroc(score, positive):
    pos, neg = score[positive], score[~positive]
    wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return wins / (len(pos) * len(neg))


@given(st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=2, max_size=40))
def test_auroc_equals_pair_counting_with_ties(pairs):
    score = np.array([s for s, _ in pairs], dtype=float)
    positive = np.array([p for _, p in pairs])
    if positive.all() or not positive.any():
        assert auroc(score, positive) is None
    else:
        assert math.isclose(auroc(score, positive), brute_force_auroc(score, positive))


def test_auroc_extremes():
    positive = np.array([False, False, True, True])
    assert auroc(np.array([0.1, 0.2, 0.8, 0.9]), positive) == 1.0
    assert auroc(np.array([0.9, 0.8, 0.2, 0.1]), positive) == 0.0
    assert auroc(np.ones(4), positive) == 0.5


def test_paired_bootstrap_interval():
    same = np.array([True, False, True] * 20)
    assert paired_bootstrap(same, same) == (0.0, 0.0)
    rng = np.random.default_rng(1)
    a = rng.random(300) < 0.6
    b = a | (rng.random(300) < 0.3)  # b solves everything a does, and more
    low, high = paired_bootstrap(a, b, seed=4)
    assert 0.0 < low <= (b.mean() - a.mean()) <= high
    assert paired_bootstrap(a, b, seed=4) == (low, high)  # seeded
