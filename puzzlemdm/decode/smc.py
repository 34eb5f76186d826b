"""E-SMC (Chen et al.): particles decoded together, resampled by the entropy they accumulate.

Each puzzle has P particles (rows b*P .. b*P+P-1 of one batch). A particle's weight is
exp(-lam * entropy accumulated since its puzzle's last resampling); a puzzle resamples every
`every` steps, or sooner when its effective sample size 1 / sum(w^2) falls below
`ess_fraction * P`. Resampling copies whole particles (tokens and trace), so a low-entropy
partial solution takes over the others. The final pick is the lowest path entropy.
"""

from __future__ import annotations

import torch

from puzzlemdm.decode.bon import diverse, resolve_verifier, select_paths, walk_copies
from puzzlemdm.decode.rules import Verifier
from puzzlemdm.decode.step import StepConfig
from puzzlemdm.decode.trace import DecodeResult

RESAMPLERS = ("systematic", "multinomial")


def effective_sample_size(weights: torch.Tensor) -> torch.Tensor:
    """[n] 1 / sum(w^2) of normalised weights [n, P] (P when uniform, 1 when degenerate)."""
    return 1.0 / (weights**2).sum(1)


def systematic(weights: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """[n, P] ancestor indices: one uniform offset, P evenly spaced pointers into the CDF."""
    n, p = weights.shape
    u = torch.rand(n, 1, generator=generator, device=weights.device, dtype=torch.float64)
    points = (u + torch.arange(p, device=weights.device, dtype=torch.float64)[None]) / p
    cdf = weights.double().cumsum(1)
    return torch.searchsorted(cdf, points).clamp_max(p - 1)


def multinomial(weights: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """[n, P] ancestor indices drawn independently in proportion to the weights."""
    return torch.multinomial(weights.float(), weights.shape[1], True, generator=generator)


@torch.no_grad()
def smc(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    *,
    particles: int = 8,
    lam: float = 1.0,
    every: int = 5,
    ess_fraction: float = 0.5,
    resampler: str = "systematic",
    config: StepConfig = StepConfig(),
    select: str = "entropy",
    verifier: Verifier | None = None,
    path_noise: float = 0.1,
    return_particles: bool = False,
    generator: torch.Generator | None = None,
    differ: torch.Tensor | None = None,
) -> DecodeResult:
    """Decode with `particles` entropy-weighted particles per puzzle; return the best one.

    lam: weight exp(-lam * entropy since last resampling). every: resample every this many
    steps (0 = only when the ESS drops). resampler: "systematic" | "multinomial".
    select: "entropy" | "verified-first" at the end, as in best_of_n.
    The result's NFE sums all particles; info holds resamplings [B] (per puzzle),
    particle_entropy [B, P], chosen_path, and particle_tokens [B, P, L] if asked.
    """
    if particles < 1:
        raise ValueError("particles must be at least 1")
    if resampler not in RESAMPLERS:
        raise ValueError(f"unknown resampler {resampler!r}; choose from {', '.join(RESAMPLERS)}")
    draw = systematic if resampler == "systematic" else multinomial
    check = resolve_verifier(select, verifier, differ)
    batch, p = tokens.shape[0], particles
    device = tokens.device
    walk = walk_copies(model, tokens, allowed, p, diverse(config, path_noise), generator, differ)
    since = torch.zeros(batch, p, dtype=torch.float64, device=device)
    steps_since = torch.zeros(batch, dtype=torch.long, device=device)
    resamplings = torch.zeros(batch, dtype=torch.long, device=device)
    nfe = torch.zeros(batch, dtype=torch.long, device=device)
    base = torch.arange(batch * p, device=device).view(batch, p)
    while bool((active := walk.active()).any()):
        nfe += active.view(batch, p).sum(1)
        since += walk.step().view(batch, p)
        steps_since += active.view(batch, p).any(1).long()
        weights = torch.softmax(-lam * since, dim=1)
        low = effective_sample_size(weights) < ess_fraction * p
        periodic = steps_since % every == 0 if every > 0 else torch.zeros_like(low)
        due = walk.active().view(batch, p).any(1) & (periodic | low)
        if not bool(due.any()):
            continue
        ancestors = draw(weights[due], generator)
        index = base.clone()
        index[due] = base[due].gather(1, ancestors)
        walk.reindex(index.flatten())
        since[due] = 0.0
        steps_since[due] = 0
        resamplings += due.long()
    every_path = walk.result()
    entropy = every_path.cumulative_entropy.view(batch, p)
    verified = None if check is None else check(every_path.tokens).view(batch, p)
    chosen = select_paths(entropy, verified)
    result = every_path.rows(base[:, 0] + chosen)
    result.nfe = nfe
    result.info.update(
        {
            "particles": p,
            "resamplings": resamplings,
            "particle_entropy": entropy,
            "chosen_path": chosen,
        }
    )
    if verified is not None:
        result.info["path_verified"] = verified
    if return_particles:
        result.info["particle_tokens"] = every_path.tokens.view(batch, p, -1)
    return result
