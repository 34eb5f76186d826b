"""Schedules: how many masked positions one step decides, given their scores.

Every function takes `score` [B, L] (higher = sooner; -inf where a position is not masked) and
returns a [B, L] bool selection. A row with any masked position always gets at least one; a
row with none gets none. Which positions fill the quota always follows the score, so a schedule
composes with any scorer (margin, entropy, ...).
"""

from __future__ import annotations

import math

import torch

SCHEDULES = ("one", "steps", "med", "threshold")


def top_k(score: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """The k[b] best-scored available (finite) positions of each row."""
    available = torch.isfinite(score)
    k = torch.minimum(k, available.sum(1))
    widest = int(k.max()) if k.numel() else 0
    select = torch.zeros_like(available)
    if widest == 0:
        return select
    index = score.topk(widest, dim=1).indices
    keep = torch.arange(widest, device=score.device)[None] < k[:, None]
    return select.scatter(1, index, keep)


def one(score: torch.Tensor) -> torch.Tensor:
    """One position per step: the best-scored one."""
    return top_k(score, torch.ones(score.shape[0], dtype=torch.long, device=score.device))


def budget_k(n_masked: torch.Tensor, step: torch.Tensor, steps: int) -> torch.Tensor:
    """Kim et al.'s K = n_masked * (t - s) / t with t = 1 - step/T, s = t - 1/T.

    That is n_masked / (T - step), rounded up so that T steps always finish; from step T - 1 on
    every remaining position goes.
    """
    left = (steps - step).clamp_min(1)
    return torch.div(n_masked + left - 1, left, rounding_mode="floor")


def by_budget(score: torch.Tensor, step: torch.Tensor, steps: int) -> torch.Tensor:
    """K from a step budget of `steps` steps (`step` [B] = steps already taken per row)."""
    return top_k(score, budget_k(torch.isfinite(score).sum(1), step, steps))


def _at_least_one(score: torch.Tensor, eligible: torch.Tensor, k_max: int | None) -> torch.Tensor:
    """Eligible positions (best `k_max` by score), or the single best one when none is."""
    count = eligible.sum(1)
    if k_max is not None:
        count = count.clamp(max=k_max)
    count = torch.where(count == 0, torch.ones_like(count), count)
    ranked = torch.where(eligible, score, score - math.inf)
    chosen = top_k(ranked, count)
    none = ~eligible.any(1)
    return torch.where(none[:, None], one(score), chosen)


def med(
    score: torch.Tensor, entropy: torch.Tensor, lam: float = 0.2, k_max: int | None = None
) -> torch.Tensor:
    """MED (Horvitz et al.): every masked position with entropy <= lam, at most k_max.

    When none qualifies the single best-scored position goes (the lowest-entropy one when the
    scorer is "entropy", as in the paper). Summed entropy of a step bounds its joint-vs-product
    KL error, so lam bounds how far a parallel step strays from one-at-a-time decoding.
    """
    return _at_least_one(score, torch.isfinite(score) & (entropy <= lam), k_max)


def threshold(
    score: torch.Tensor, top_probability: torch.Tensor, tau: float = 0.9, k_max: int | None = None
) -> torch.Tensor:
    """Every masked position whose most likely value has probability >= tau (at least one)."""
    return _at_least_one(score, torch.isfinite(score) & (top_probability >= tau), k_max)


def gumbel(
    shape: torch.Size | tuple[int, ...], generator: torch.Generator | None, device
) -> torch.Tensor:
    """Standard Gumbel noise in float64 (float32 noise ties and saturates on 81-cell grids)."""
    u = torch.rand(shape, generator=generator, device=device, dtype=torch.float64)
    return -torch.log(-torch.log(u.clamp_min(1e-300)))
