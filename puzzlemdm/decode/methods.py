"""Every decoding method behind one config: what `puzzlemdm solve` and the benchmark call.

A MethodConfig names one path-level config (scorer x schedule x values, a StepConfig) and at
most one multi-path selector (best-of-N, SMC, info-gain), optionally followed by repair.
Guided search works on puzzles rather than token batches: see puzzlemdm.decode.guided.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from puzzlemdm.decode.bon import SELECTIONS, best_of_n, best_of_n_until_verified
from puzzlemdm.decode.core import decode_path
from puzzlemdm.decode.infogain import info_gain
from puzzlemdm.decode.remask import remask_loop
from puzzlemdm.decode.repair import Violated, repair
from puzzlemdm.decode.rules import Verifier, differ_verifier
from puzzlemdm.decode.smc import smc
from puzzlemdm.decode.step import StepConfig
from puzzlemdm.decode.trace import DecodeResult
from puzzlemdm.model.families import family_of


@dataclass(frozen=True)
class MethodConfig:
    """A whole decoding method; the defaults are one greedy margin path, model alone."""

    step: StepConfig = field(default_factory=StepConfig)
    paths: int = 1  # E-BoN paths per puzzle (> 1 turns it on)
    select: str = "entropy"  # entropy | verified-first (E-BoN and E-SMC)
    include_greedy: bool = True  # E-BoN: path 0 without noise
    # Verified-first E-BoN in rounds of this many paths, a puzzle stopping once one of its
    # paths is verified (0: all paths in one batch)
    round_paths: int = 0
    path_noise: float = 0.1  # Gumbel scale for paths/particles when `step` has no randomness
    smc_particles: int = 0  # E-SMC particles (> 1 turns it on)
    smc_lambda: float = 1.0
    smc_every: int = 5
    smc_resampler: str = "systematic"
    info_gain: bool = False
    candidates: int = 8
    position_noise: float = 0.2
    confident: float = 0.8
    repair: bool = False
    repair_rounds: int = 3
    repair_extra: int = 2
    repair_scope: str = "unit"
    repair_prune: bool = True  # re-decode with the rules applied
    prune: bool = False  # exclude values the rules forbid while decoding
    remask_rounds: int = 0  # re-masking loop after the path (> 0 turns it on; decode.remask)
    remask_groups: int = 8
    remask_threshold: float = 0.5
    remask_fraction: float = 0.0  # share of decisions re-opened by low margin every round
    # Autoregressive models only (puzzlemdm.decode.arm): whose order, and the Gumbel scale of
    # their best-of-N paths (1.0 = sampling from the model).
    arm_order: str = "auto"  # auto | model | left-to-right | given (a solver's, oracle)
    arm_path_noise: float = 1.0

    def check(self) -> None:
        """Raise ValueError for combinations that are not supported."""
        self.step.check()
        # checked here, not only when a selector runs: with one path no selector runs, and a
        # typo would be silently ignored
        if self.select not in SELECTIONS:
            raise ValueError(
                f"unknown selection {self.select!r}; choose from {', '.join(SELECTIONS)}"
            )
        if self.paths < 1:
            raise ValueError(f"paths must be at least 1, not {self.paths}")
        if self.smc_particles < 0 or self.smc_particles == 1:
            raise ValueError(
                "smc_particles must be 0 (off) or at least 2 (one particle is one path), "
                f"not {self.smc_particles}"
            )
        chosen = [self.paths > 1, self.smc_particles > 1, self.info_gain]
        if sum(chosen) > 1:
            raise ValueError("choose at most one of best-of-N paths, SMC particles, info-gain")
        rounds_fit = (
            self.select == "verified-first" and self.paths > 1 and self.round_paths <= self.paths
        )
        if self.round_paths < 0 or (self.round_paths and not rounds_fit):
            raise ValueError("round_paths needs verified-first E-BoN with at least that many paths")
        if not math.isfinite(self.smc_lambda) or self.smc_lambda < 0 or self.smc_every < 0:
            raise ValueError(
                "smc_lambda must be a number >= 0 and smc_every >= 0, not "
                f"{self.smc_lambda:g} and {self.smc_every}"
            )
        if self.info_gain and self.candidates < 2:  # one candidate looks ahead at nothing
            raise ValueError(f"info-gain weighs at least 2 candidates, not {self.candidates}")
        if self.repair and self.repair_rounds < 1:
            raise ValueError(f"repair_rounds must be at least 1, not {self.repair_rounds}")
        if self.remask_rounds < 0 or self.remask_groups < 1:
            raise ValueError("remask_rounds must be >= 0 and remask_groups >= 1")
        if not 0 < self.remask_threshold <= 1:
            raise ValueError("remask_threshold is a probability: choose it in (0, 1]")

    @property
    def name(self) -> str:
        """A short label, e.g. 'margin/med0.2+bon8-verified-first+repair3'."""
        s = self.step
        label = s.order
        if s.schedule == "steps":
            label += f"/steps{s.steps}"
        elif s.schedule == "med":
            label += f"/med{s.med_lambda:g}" + (f"k{s.k_max}" if s.k_max else "")
        elif s.schedule == "threshold":
            label += f"/tau{s.tau:g}" + (f"k{s.k_max}" if s.k_max else "")
        if s.sample:
            label += f"/T{s.temperature:g}"
        if s.gumbel_scale:
            label += f"/g{s.gumbel_scale:g}"
        if s.latent != "prior":
            label += f"/z-{s.latent}"
        if self.prune:
            label += "/prune"
        if self.paths > 1:
            label += f"+bon{self.paths}" + ("-vf" if self.select == "verified-first" else "")
            label += f"-rounds{self.round_paths}" if self.round_paths else ""
        if self.smc_particles > 1:
            label += f"+smc{self.smc_particles}l{self.smc_lambda:g}r{self.smc_every}"
            label += "-vf" if self.select == "verified-first" else ""
        if self.info_gain:
            label += f"+infogain{self.candidates}"
        if self.repair:
            label += f"+repair{self.repair_rounds}"
        if self.remask_rounds:
            label += f"+remask{self.remask_rounds}g{self.remask_groups}"
            label += f"f{self.remask_fraction:g}" if self.remask_fraction else ""
            label += "-vf" if self.select == "verified-first" and self.paths == 1 else ""
        return label


@torch.no_grad()
def run_method(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    method: MethodConfig,
    *,
    differ: torch.Tensor | None = None,
    verifier: Verifier | None = None,
    violations: Violated | None = None,
    generator: torch.Generator | None = None,
    given: torch.Tensor | None = None,
) -> DecodeResult:
    """Decode a batch with `method`; `differ` (the rules) is needed by repair and by
    verified-first selection when no `verifier` is given, and used for pruning if asked.
    `violations` (repair.kind_violations): the positions the kind's verifier names, which
    repair re-opens too. `given` [B, L]: a solver's ranks of the blanks, for an ARM decoding
    in that order (`arm_order="given"`)."""
    method.check()
    if family_of(model) == "arm":
        if method.round_paths:
            raise ValueError("rounds of verified paths are for masked diffusion models")
        from puzzlemdm.decode.arm import run_arm_method

        if method.select == "verified-first" and verifier is None and differ is not None:
            verifier = differ_verifier(differ)
        return run_arm_method(
            model, tokens, allowed, method, verifier=verifier, given=given, generator=generator
        )
    if method.repair and differ is None and violations is None:
        raise ValueError("repair needs the puzzle's rules (differ) or its verifier (violations)")
    prune = differ if method.prune else None
    common = {"config": method.step, "generator": generator, "differ": prune}
    selection = {"select": method.select, "verifier": verifier}
    if method.select == "verified-first" and verifier is None and differ is not None:
        selection["verifier"] = differ_verifier(differ)  # the rules, even when not pruning
    if method.paths > 1:
        drawn = {
            "paths": method.paths,
            "include_greedy": method.include_greedy,
            "path_noise": method.path_noise,
        }
        if method.round_paths:  # verified-first (checked): a puzzle stops once verified
            verify = selection["verifier"]
            result = best_of_n_until_verified(
                model, tokens, allowed, round_paths=method.round_paths, verifier=verify,
                **drawn, **common,
            )  # fmt: skip
        else:
            result = best_of_n(model, tokens, allowed, **drawn, **selection, **common)
    elif method.smc_particles > 1:
        result = smc(
            model,
            tokens,
            allowed,
            particles=method.smc_particles,
            lam=method.smc_lambda,
            every=method.smc_every,
            resampler=method.smc_resampler,
            path_noise=method.path_noise,
            **selection,
            **common,
        )
    elif method.info_gain:
        result = info_gain(
            model,
            tokens,
            allowed,
            candidates=method.candidates,
            position_noise=method.position_noise,
            confident=method.confident,
            **common,
        )
    else:
        result = decode_path(model, tokens, allowed, **common)
    if method.repair:
        result = repair(
            model,
            tokens,
            allowed,
            result,
            differ=differ,
            rounds=method.repair_rounds,
            extra=method.repair_extra,
            scope=method.repair_scope,
            config=method.step,
            prune=method.repair_prune,
            verifier=verifier,
            violations=violations,
            generator=generator,
        )
    if method.remask_rounds:
        result = remask_loop(
            model,
            tokens,
            allowed,
            result,
            rounds=method.remask_rounds,
            groups=method.remask_groups,
            threshold=method.remask_threshold,
            fraction=method.remask_fraction,
            noise=method.path_noise if method.remask_fraction > 0 else 0.0,
            config=method.step,
            verifier=selection["verifier"] if method.select == "verified-first" else None,
            generator=generator,
            differ=prune,
        )
    result.info.setdefault("method", method.name)
    return result
