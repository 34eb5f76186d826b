"""E-BoN (Chen et al.): N paths per puzzle in one batch, keep the lowest-entropy one.

The batch is repeated N times (puzzle b's paths are rows b*N .. b*N+N-1) and decoded together;
diversity comes from the step config's randomness (Gumbel noise on position scores, sampled
values, random order) drawn from one generator. Path 0 of every puzzle can stay greedy, so
that verified-first selection is never worse than one greedy path.
"""

from __future__ import annotations

import dataclasses

import torch

from puzzlemdm.decode.rules import Verifier, differ_verifier
from puzzlemdm.decode.step import StepConfig, Walk
from puzzlemdm.decode.trace import DecodeResult

SELECTIONS = ("entropy", "verified-first")


def select_paths(entropy: torch.Tensor, verified: torch.Tensor | None = None) -> torch.Tensor:
    """[B] index of the chosen path among N per puzzle (`entropy` [B, N]).

    Lowest cumulative entropy; with `verified` [B, N], the lowest-entropy verified path when a
    puzzle has one, else its lowest-entropy path.
    """
    lowest = entropy.argmin(1)
    if verified is None:
        return lowest
    among = torch.where(verified, entropy, torch.full_like(entropy, float("inf"))).argmin(1)
    return torch.where(verified.any(1), among, lowest)


def resolve_verifier(
    select: str, verifier: Verifier | None, differ: torch.Tensor | None
) -> Verifier | None:
    """The verifier a selection needs: the given one, else the rules' one (None for entropy)."""
    if select not in SELECTIONS:
        raise ValueError(f"unknown selection {select!r}; choose from {', '.join(SELECTIONS)}")
    if select == "entropy":
        return None
    if verifier is not None:
        return verifier
    if differ is None:
        raise ValueError("verified-first selection needs a verifier (or the rules: differ)")
    return differ_verifier(differ)


def diverse(config: StepConfig, gumbel_scale: float) -> StepConfig:
    """`config` itself when it already has randomness, else with Gumbel noise on scores."""
    return config if config.random else dataclasses.replace(config, gumbel_scale=gumbel_scale)


def walk_copies(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    copies: int,
    config: StepConfig,
    generator: torch.Generator | None,
    differ: torch.Tensor | None,
    noisy: torch.Tensor | None = None,
) -> Walk:
    """`copies` paths of every puzzle side by side in one batch (puzzle b owns rows
    b * copies .. b * copies + copies - 1)."""
    return Walk(
        model,
        tokens.repeat_interleave(copies, 0),
        allowed.repeat_interleave(copies, 0),
        config,
        generator=generator,
        differ=differ,
        noisy=noisy,
    )


@torch.no_grad()
def best_of_n(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    *,
    paths: int = 8,
    config: StepConfig = StepConfig(),
    select: str = "entropy",
    verifier: Verifier | None = None,
    include_greedy: bool = True,
    path_noise: float = 0.1,
    generator: torch.Generator | None = None,
    differ: torch.Tensor | None = None,
) -> DecodeResult:
    """Decode `paths` paths per puzzle in one batch; return each puzzle's selected path.

    select: "entropy" (lowest cumulative denoising entropy) | "verified-first" (the
        lowest-entropy path `verifier` accepts, else the lowest-entropy path).
    verifier: batched final tokens [B*N, L] -> bool [B*N]; default: the rules (`differ`).
    include_greedy: path 0 of each puzzle decodes without noise.
    path_noise: Gumbel scale used when `config` itself has no randomness.
    The result's NFE sums all paths of a puzzle; info holds chosen_path, path_entropy [B, N]
    and, for verified-first, path_verified [B, N].
    """
    check = resolve_verifier(select, verifier, differ)
    batch = tokens.shape[0]
    noisy = noisy_paths(batch, paths, include_greedy, tokens.device)
    walk = walk_copies(
        model, tokens, allowed, paths, diverse(config, path_noise), generator, differ, noisy
    )
    return choose_paths(walk.run(), batch, paths, check)


def noisy_paths(batch: int, paths: int, include_greedy: bool, device: torch.device) -> torch.Tensor:
    """[batch * paths] which copies get randomness: all, or all but each puzzle's first."""
    if paths < 1:
        raise ValueError("paths must be at least 1")
    noisy = torch.ones(batch * paths, dtype=torch.bool, device=device)
    if include_greedy:
        noisy[::paths] = False
    return noisy


def choose_paths(
    every: DecodeResult, batch: int, paths: int, check: Verifier | None
) -> DecodeResult:
    """Each puzzle's selected path among `paths` consecutive rows of `every` (lowest
    cumulative entropy; verified-first with `check`); NFE sums the puzzle's paths."""
    entropy = every.cumulative_entropy.view(batch, paths)
    verified = None if check is None else check(every.tokens).view(batch, paths)
    chosen = select_paths(entropy, verified)
    rows = torch.arange(batch, device=entropy.device) * paths + chosen
    result = every.rows(rows)
    result.nfe = every.nfe.view(batch, paths).sum(1)
    result.info.update({"paths": paths, "chosen_path": chosen, "path_entropy": entropy})
    if verified is not None:
        result.info["path_verified"] = verified
    return result
