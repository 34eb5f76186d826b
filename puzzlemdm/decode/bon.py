"""E-BoN (Chen et al.): N paths per puzzle in one batch, keep the lowest-entropy one.

The batch is repeated N times (puzzle b's paths are rows b*N .. b*N+N-1) and decoded together;
diversity comes from the step config's randomness (Gumbel noise on position scores, sampled
values, random order) drawn from one generator. Path 0 of every puzzle can stay greedy, so
that verified-first selection is never worse than one greedy path.

Verified-first E-BoN can also run in rounds (`best_of_n_until_verified`): a puzzle stops
drawing paths once one is verified, so the compute goes to the puzzles that need it.
"""

from __future__ import annotations

import dataclasses
import time

import torch

from puzzlemdm.decode.rules import Verifier, differ_verifier
from puzzlemdm.decode.step import StepConfig, Walk
from puzzlemdm.decode.trace import DecodeResult, overwrite

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


@torch.no_grad()
def best_of_n_until_verified(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    *,
    paths: int = 32,
    round_paths: int = 8,
    config: StepConfig = StepConfig(),
    verifier: Verifier | None = None,
    include_greedy: bool = True,
    path_noise: float = 0.1,
    generator: torch.Generator | None = None,
    differ: torch.Tensor | None = None,
) -> DecodeResult:
    """Verified-first E-BoN drawn `round_paths` paths at a time, at most `paths` per puzzle: a
    puzzle leaves once one of its paths is verified.

    Its paths are drawn as E-BoN `paths` draws them (path 0 greedy with `include_greedy`, the
    rest independent and noisy), and a puzzle is answered by a verified path exactly when one
    of its paths is verified, so on puzzles with one solution it solves as often as E-BoN
    `paths` verified-first, for the model calls of the rounds it used. The verifier only
    selects among complete answers; nothing branches. A puzzle without a verified path keeps
    its lowest-entropy path of all. NFE sums every path decoded for the puzzle; info holds
    chosen_path (its index among the puzzle's paths), paths_decoded and verified [B].
    """
    if not 1 <= round_paths <= paths:
        raise ValueError(f"round_paths must be in 1..paths ({paths}), not {round_paths}")
    check = resolve_verifier("verified-first", verifier, differ)
    start = time.perf_counter()
    batch, device = tokens.shape[0], tokens.device
    noisy_config = diverse(config, path_noise)
    verified = torch.zeros(batch, dtype=torch.bool, device=device)
    decoded = torch.zeros(batch, dtype=torch.long, device=device)
    nfe = torch.zeros(batch, dtype=torch.long, device=device)
    chosen = torch.zeros(batch, dtype=torch.long, device=device)
    best: DecodeResult | None = None
    for first_path in range(0, paths, round_paths):
        still = (~verified).nonzero().squeeze(1)
        if still.numel() == 0:
            break
        k = min(round_paths, paths - first_path)
        noisy = noisy_paths(still.numel(), k, include_greedy and first_path == 0, device)
        every = walk_copies(
            model, tokens[still], allowed[still], k, noisy_config, generator, differ, noisy
        ).run()
        answers = tokens if best is None else best.tokens
        round_best = choose_paths(every, still.numel(), k, _among(check, answers, still, k))
        found = round_best.info["path_verified"].any(1)
        if best is None:
            better = torch.ones_like(found)
        else:  # a verified path, or a lower entropy than the puzzle's best so far
            better = found | (round_best.cumulative_entropy < best.cumulative_entropy[still])
        kept = round_best.rows(better.nonzero().squeeze(1))
        best = kept if best is None else overwrite(best, kept, still[better])
        chosen[still[better]] = first_path + round_best.info["chosen_path"][better]
        verified[still] = found
        decoded[still] += k
        nfe[still] += round_best.nfe
    assert best is not None  # paths >= 1: the first round always runs
    best.nfe = nfe
    best.seconds = time.perf_counter() - start
    best.info = {
        "paths": paths,
        "round_paths": round_paths,
        "chosen_path": chosen,
        "paths_decoded": decoded,
        "verified": verified,
    }
    return best


def _among(check: Verifier, answers: torch.Tensor, still: torch.Tensor, k: int) -> Verifier:
    """`check` for the k paths of the puzzles `still` only: the verifier reads rows as equal
    runs per puzzle of the whole batch, so the puzzles already answered stand in with their
    answers (`answers` [B, L])."""
    batch = answers.shape[0]

    def verify(rows: torch.Tensor) -> torch.Tensor:
        layout = answers.repeat_interleave(k, 0).view(batch, k, -1).clone()
        layout[still] = rows.view(still.numel(), k, -1)
        return check(layout.view(batch * k, -1)).view(batch, k)[still].flatten()

    return verify
