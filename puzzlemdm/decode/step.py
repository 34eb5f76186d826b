"""One decoding step = scorer x schedule x value choice, and `Walk`, a batch of paths in flight.

Every method (one path, best-of-N, SMC, info-gain, repair) is built from these pieces: run the
model on the unfinished rows (`Walk.forward`, counting NFE per row), pick positions and values
(`choose`), write them and append to the trace (`Walk.apply`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from puzzlemdm.decode import schedules as sched
from puzzlemdm.decode import scores
from puzzlemdm.decode.rules import excluded_values
from puzzlemdm.decode.trace import DecodeResult, Recorder
from puzzlemdm.model.vmd import draw_path_latents
from puzzlemdm.puzzles.grid import MASK

LATENTS = ("prior", "zero")

Scorer = Callable[[torch.Tensor], torch.Tensor]

ORDERS: dict[str, Scorer | None] = {
    "margin": scores.margin,
    "top-prob": scores.top_probability,
    "entropy": scores.negative_entropy,
    "left-to-right": scores.left_to_right,
    "random": None,  # needs the generator: see position_scores
}


@dataclass(frozen=True)
class StepConfig:
    """How one path is decoded: which positions first (order), how many per step, which value.

    order: "margin" | "top-prob" | "entropy" | "left-to-right" | "random".
    schedule: "one" (one position per step) | "steps" (K from a budget of `steps` steps) |
        "med" (entropy <= med_lambda, at most k_max) | "threshold" (max prob >= tau).
    k_max: cap on positions per step for "med" and "threshold" (None = no cap).
    sample: draw values from the distribution at `temperature` instead of taking the argmax.
    gumbel_scale: Gumbel noise (float64) added to position scores, for diverse paths.
    """

    order: str = "margin"
    schedule: str = "one"
    steps: int | None = None
    med_lambda: float = 0.01  # measured on Sudoku; see the CLI option
    k_max: int | None = None
    tau: float = 0.9
    sample: bool = False
    temperature: float = 1.0
    gumbel_scale: float = 0.0
    latent: str = "prior"  # a VMD's z per path: "prior" (drawn once, kept) | "zero"

    def check(self) -> None:
        """Raise ValueError for an unknown order or schedule or an impossible knob."""
        if self.order not in ORDERS:
            raise ValueError(f"unknown order {self.order!r}; choose from {', '.join(ORDERS)}")
        if self.schedule not in sched.SCHEDULES:
            raise ValueError(
                f"unknown schedule {self.schedule!r}; choose from {', '.join(sched.SCHEDULES)}"
            )
        if self.schedule == "steps" and (self.steps is None or self.steps < 1):
            raise ValueError("schedule 'steps' needs a step budget steps >= 1")
        if self.k_max is not None and self.k_max < 1:
            raise ValueError("k_max must be at least 1")
        if not 0 < self.tau <= 1:
            raise ValueError(f"tau is a probability: choose it in (0, 1], not {self.tau:g}")
        if not math.isfinite(self.med_lambda) or self.med_lambda < 0:  # nan: as if 0, unsaid
            raise ValueError(
                f"med_lambda is an entropy (nats): choose it >= 0, not {self.med_lambda:g}"
            )
        if self.latent not in LATENTS:
            raise ValueError(f"unknown latent {self.latent!r}; choose from {', '.join(LATENTS)}")
        if self.sample and self.temperature <= 0:
            raise ValueError("temperature must be positive")

    @property
    def random(self) -> bool:
        """Whether two runs from the same state can differ (paths need this to be diverse)."""
        return self.sample or self.gumbel_scale > 0 or self.order == "random"


def position_scores(
    order: str, logp: torch.Tensor, generator: torch.Generator | None = None
) -> torch.Tensor:
    """[B, L] readiness of every position under `order` (higher = decided sooner)."""
    if order == "random":
        return scores.uniform_random(logp, generator)
    return ORDERS[order](logp)


def log_probs(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    differ: torch.Tensor | None = None,
    rows: torch.Tensor | None = None,
) -> torch.Tensor:
    """float64 log-probabilities [B, L, V]; the model only sees the rows `rows` ([B] bool).

    With `differ`, values held by a conflicting written position are excluded first. Rows left
    out get a uniform distribution (they have nothing masked and are never read).
    """
    step_allowed = allowed
    if differ is not None:
        step_allowed = allowed & ~excluded_values(tokens, differ, allowed.shape[-1])
    if rows is None or bool(rows.all()):
        logits = model(tokens, step_allowed).double()
    else:
        logits = torch.zeros(step_allowed.shape, dtype=torch.float64, device=tokens.device)
        index = rows.nonzero().squeeze(1)
        if index.numel():
            # a model with per-row state (one latent per path) follows its rows
            on_rows = model.rows(index) if hasattr(model, "rows") else model
            logits[index] = on_rows(tokens[index], step_allowed[index]).double()
    return torch.log_softmax(logits, dim=-1)


@dataclass
class Choice:
    """What one step decides: positions, their values, and the statistics it decided from."""

    select: torch.Tensor  # [B, L] bool
    value: torch.Tensor  # [B, L] long (meaningful where select)
    score: torch.Tensor  # [B, L] position scores as ranked (noise included, -inf = unmasked)
    entropy: torch.Tensor  # [B, L]
    margin: torch.Tensor  # [B, L]


def choose(
    logp: torch.Tensor,
    masked: torch.Tensor,
    config: StepConfig,
    *,
    step: torch.Tensor,
    generator: torch.Generator | None = None,
    noise: torch.Tensor | None = None,
    sample_rows: torch.Tensor | None = None,
    differ: torch.Tensor | None = None,
) -> Choice:
    """Pick this step's positions (scorer, Gumbel noise, schedule) and their values.

    step: [B] steps each row has taken (for the step-budget schedule).
    noise: [B] Gumbel scale per row (default config.gumbel_scale everywhere).
    sample_rows: [B] rows that sample values (default: all when config.sample).
    differ: when given, two positions picked in the same step that must differ but got the same
        value keep only the better-scored one (the rules, applied within a step).
    """
    entropy = scores.entropy(logp)
    margin = scores.margin(logp)
    score = position_scores(config.order, logp, generator)
    if noise is None and config.gumbel_scale > 0:
        noise = torch.full(score.shape[:1], config.gumbel_scale, dtype=torch.float64)
    if noise is not None and bool((noise > 0).any()):
        g = sched.gumbel(score.shape, generator, score.device)
        score = score + noise.to(score.device, torch.float64)[:, None] * g
    score = score.masked_fill(~masked, float("-inf"))
    if config.schedule == "one":
        select = sched.one(score)
    elif config.schedule == "steps":
        select = sched.by_budget(score, step, int(config.steps or 1))
    elif config.schedule == "med":
        select = sched.med(score, entropy, config.med_lambda, config.k_max)
    else:
        select = sched.threshold(score, logp.max(-1).values.exp(), config.tau, config.k_max)
    value = logp.argmax(-1)
    if config.sample:
        rows = (
            torch.ones_like(masked[:, 0]) if sample_rows is None else sample_rows.to(masked.device)
        )
        where = select & rows[:, None]
        if bool(where.any()):
            probs = (logp[where] / config.temperature).softmax(-1)
            value = value.clone()
            value[where] = torch.multinomial(probs.float(), 1, generator=generator).squeeze(1)
    if differ is not None and int(select.sum(1).max()) > 1:
        select = _drop_clashes(select, value, score, differ)
    return Choice(select, value, score, entropy, margin)


def _drop_clashes(
    select: torch.Tensor, value: torch.Tensor, score: torch.Tensor, differ: torch.Tensor
) -> torch.Tensor:
    """Of two same-step picks that must differ but share a value, drop the worse-scored."""
    clash = (
        select[:, :, None]
        & select[:, None, :]
        & (value[:, :, None] == value[:, None, :])
        & differ[None]
    )
    index = torch.arange(select.shape[1], device=select.device)
    better = (score[:, None, :] > score[:, :, None]) | (
        (score[:, None, :] == score[:, :, None]) & (index[None, None, :] < index[None, :, None])
    )
    return select & ~(clash & better).any(2)


def denoising_entropy(entropy: torch.Tensor, masked: torch.Tensor) -> torch.Tensor:
    """[B] mean entropy over the masked positions (0 for a row with none)."""
    count = masked.sum(1)
    return torch.where(count > 0, (entropy * masked).sum(1) / count.clamp_min(1), 0.0)


class Walk:
    """A batch of decoding paths in flight: tokens, trace, NFE, and the knobs they share.

    noisy: [B] bool rows that get the config's randomness (Gumbel noise, sampled values); the
        others decode greedily (best-of-N keeps one greedy path per puzzle this way).
    """

    def __init__(
        self,
        model: torch.nn.Module,
        tokens: torch.Tensor,
        allowed: torch.Tensor,
        config: StepConfig,
        *,
        generator: torch.Generator | None = None,
        differ: torch.Tensor | None = None,
        noisy: torch.Tensor | None = None,
    ) -> None:
        config.check()
        self.start = time.perf_counter()
        self.model, self.config, self.generator = model, config, generator
        self.tokens = tokens.clone()
        self.allowed = allowed
        self.differ = None if differ is None else differ.to(tokens.device)
        batch = tokens.shape[0]
        if noisy is None:
            noisy = torch.ones(batch, dtype=torch.bool, device=tokens.device)
        self.noisy = noisy.to(tokens.device)
        # A latent-variable model (VMD) draws one z per path here and keeps it to the end.
        self.model = draw_path_latents(model, batch, config.latent, generator, self.noisy)
        masked = tokens == MASK
        widest = int(masked.sum(1).max()) if batch else 0
        self.recorder = Recorder(batch, widest, tokens.device)

    @property
    def masked(self) -> torch.Tensor:
        return self.tokens == MASK

    def active(self) -> torch.Tensor:
        """[B] rows with a masked position left."""
        return self.masked.any(1)

    def forward(
        self, rows: torch.Tensor | None = None, tokens: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Log-probabilities of the current grids (or `tokens`), counting NFE on `rows`."""
        rows = self.active() if rows is None else rows
        grid = self.tokens if tokens is None else tokens
        logp = log_probs(self.model, grid, self.allowed, self.differ, rows)
        self.recorder.nfe += rows.long()
        return logp

    def choose(
        self, logp: torch.Tensor, masked: torch.Tensor | None = None, **overrides: Any
    ) -> Choice:
        """This step's decisions from `logp` under the walk's config and noise."""
        masked = self.masked if masked is None else masked
        knobs = {
            "step": self.recorder.n_steps,
            "generator": self.generator,
            "noise": self.config.gumbel_scale * self.noisy.double(),
            "sample_rows": self.noisy,
            "differ": self.differ,
            **overrides,
        }
        return choose(logp, masked, self.config, **knobs)

    def apply(self, choice: Choice) -> torch.Tensor:
        """Write the chosen values, extend the trace; returns [B] step entropy (0 if finished)."""
        masked = self.masked
        step_entropy = denoising_entropy(choice.entropy, masked)
        select = choice.select & masked
        stalled = masked.any(1) & ~select.any(1)
        if bool(stalled.any()):  # the walk would step forever
            row = int(stalled.nonzero()[0, 0])
            raise RuntimeError(
                f"decoding stalled: no undecided position of row {row} has a finite score "
                "(the model's outputs are NaN or infinite)"
            )
        self.recorder.record(
            select, choice.value, choice.score, choice.entropy, choice.margin, step_entropy
        )
        self.tokens = torch.where(select, choice.value, self.tokens)
        return step_entropy

    def step(self) -> torch.Tensor:
        """One forward, one choice, one write; returns [B] step entropy (0 for finished rows)."""
        return self.apply(self.choose(self.forward()))

    def run(self) -> DecodeResult:
        """Step until every row is filled; the trace."""
        while bool(self.active().any()):
            self.step()
        return self.result()

    def reindex(self, index: torch.Tensor) -> None:
        """Rows become copies of rows `index` (particle resampling)."""
        self.tokens = self.tokens[index]
        self.allowed = self.allowed[index]
        self.noisy = self.noisy[index]
        self.recorder.reindex(index)

    def result(self, info: dict[str, Any] | None = None) -> DecodeResult:
        """The trace so far, timed from the walk's start."""
        return self.recorder.result(self.tokens, time.perf_counter() - self.start, info)
