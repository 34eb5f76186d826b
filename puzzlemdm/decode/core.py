"""Adaptive decoding of one path per grid over a batch of token grids.

`decode` is a pure function of (model, batch, knobs): it never trains, never prints, and does
not look at targets. Per step it runs the model once on the unfinished rows (one NFE each),
scores the masked positions, fixes the positions the schedule picks in every unfinished row,
and records the trace. The default (one position per step by margin) is Kim et al.'s decoder.
"""

from __future__ import annotations

import torch

from puzzlemdm.decode.step import ORDERS, StepConfig, Walk
from puzzlemdm.decode.trace import DecodeResult

__all__ = ["ORDERS", "DecodeResult", "decode", "decode_path"]


@torch.no_grad()
def decode(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    *,
    order: str = "margin",
    sample: bool = False,
    temperature: float = 1.0,
    gumbel_scale: float = 0.0,
    generator: torch.Generator | None = None,
    differ: torch.Tensor | None = None,
    schedule: str = "one",
    steps: int | None = None,
    med_lambda: float = 0.01,
    k_max: int | None = None,
    tau: float = 0.9,
) -> DecodeResult:
    """Fill every masked position, choosing positions by `order` and how many by `schedule`.

    order: "margin" | "top-prob" | "entropy" | "left-to-right" | "random".
    sample: draw the value from the (tempered) distribution instead of its argmax.
    gumbel_scale: Gumbel noise added to position scores (float64), for diverse paths.
    generator: the source of every random choice (random order, sampling, Gumbel noise).
    differ: [L, L] bool pairs that must differ (all-different rules); when given, a value
        already written at a conflicting position is excluded before scoring ("prune"). This
        applies the puzzle's rules, not search: without it the decode is the model alone.
    schedule: "one" | "steps" (budget `steps`) | "med" (`med_lambda`, `k_max`) | "threshold"
        (`tau`, `k_max`); see puzzlemdm.decode.schedules.
    """
    config = StepConfig(
        order=order,
        schedule=schedule,
        steps=steps,
        med_lambda=med_lambda,
        k_max=k_max,
        tau=tau,
        sample=sample,
        temperature=temperature,
        gumbel_scale=gumbel_scale,
    )
    return decode_path(model, tokens, allowed, config, generator=generator, differ=differ)


@torch.no_grad()
def decode_path(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    config: StepConfig = StepConfig(),
    *,
    generator: torch.Generator | None = None,
    differ: torch.Tensor | None = None,
    noisy: torch.Tensor | None = None,
) -> DecodeResult:
    """`decode` with its knobs as a StepConfig; `noisy` [B] limits randomness to some rows."""
    walk = Walk(model, tokens, allowed, config, generator=generator, differ=differ, noisy=noisy)
    return walk.run()
