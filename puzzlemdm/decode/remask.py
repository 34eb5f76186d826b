"""Re-masking loops: the model checks its own complete answer and decodes its doubts again.

A self-correction in the spirit of Mask-Predict and ReMDM, with the model as its own critic.
Every decided position of a complete answer is masked in one of `groups` random groups, and
the model gives the probability of the value written there given the rest (the other positions
of its group masked too): `groups` NFE per check. Positions whose own value gets less than
`threshold` are masked again, with a `fraction` of the other decisions (those made with the
lowest margin, as ReMDM re-masks by confidence), and decoded again with the path's step
config. A row stops at a fixed point (its check re-opens nothing) or after `rounds` re-decodes.

Each checked answer is a candidate, scored by its pseudo-log-likelihood (the sum of its checked
log-probabilities); the result is the best-scored candidate. With a verifier, a row also stops
once its answer verifies, and a verified candidate is preferred: the verifier only selects
among the model's complete answers, it never names cells (that is `repair`) nor branches (that
is search). Without one the loop is the model alone.
"""

from __future__ import annotations

import dataclasses
import math
import time

import torch

from puzzlemdm.decode.bon import diverse
from puzzlemdm.decode.repair import decision_margins, weakest
from puzzlemdm.decode.rules import Verifier
from puzzlemdm.decode.step import StepConfig, Walk, log_probs
from puzzlemdm.decode.trace import DecodeResult, append
from puzzlemdm.puzzles.grid import MASK


@torch.no_grad()
def self_check(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    condition: torch.Tensor,
    allowed: torch.Tensor,
    groups: int,
    *,
    generator: torch.Generator | None = None,
    differ: torch.Tensor | None = None,
) -> torch.Tensor:
    """[B, L] log-probability the model gives each decided position's own value when it is
    masked with a random `groups`-th of the decided positions (0 at givens); `groups` model
    calls per row."""
    if groups < 1:
        raise ValueError("groups must be at least 1")
    group = torch.randint(groups, tokens.shape, generator=generator).to(tokens.device)
    own = tokens.clamp_min(0)[..., None]
    checked = torch.zeros(tokens.shape, dtype=torch.float64, device=tokens.device)
    for g in range(groups):
        hidden = (group == g) & ~condition
        logp = log_probs(model, torch.where(hidden, MASK, tokens), allowed, differ)
        checked = torch.where(hidden, logp.gather(-1, own).squeeze(-1), checked)
    return checked


def reopen_mask(
    checked: torch.Tensor,
    condition: torch.Tensor,
    threshold: float,
    margin: torch.Tensor | None = None,
    fraction: float = 0.0,
) -> torch.Tensor:
    """[B, L] positions to decode again: decisions whose own value got less than `threshold`,
    plus the `fraction` of decisions made with the lowest `margin` (when they were made);
    givens never."""
    decided = ~condition
    doubted = decided & (checked < math.log(threshold))
    count = int(fraction * int(decided.sum(1).max()))
    if margin is not None and count > 0:
        doubted = doubted | weakest(margin.masked_fill(~decided | doubted, float("inf")), count)
    return doubted


@torch.no_grad()
def remask_loop(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    result: DecodeResult,
    *,
    rounds: int = 4,
    groups: int = 8,
    threshold: float = 0.5,
    fraction: float = 0.0,
    noise: float = 0.0,
    config: StepConfig = StepConfig(),
    verifier: Verifier | None = None,
    generator: torch.Generator | None = None,
    differ: torch.Tensor | None = None,
) -> DecodeResult:
    """Check and re-decode the answers of `result` (decoded from `tokens`) for at most `rounds`
    rounds; the best candidate of each row (see the module docstring).

    fraction: the share of decisions re-opened every round besides the doubted ones, those
        made with the lowest margin (ReMDM's confidence re-masking); with it a row never reaches
        a fixed point and runs every round (or until it verifies).
    noise: Gumbel scale on position scores while re-decoding (when `config` has no randomness
        of its own), so that a re-opened region need not come back as it was.
    differ: the rules, applied while checking and re-decoding (pruning), or None (model alone).
    The trace continues `result`'s through every round; its tokens are the chosen candidate's.
    NFE includes the checks. info gains remask_rounds [B] (re-decodes), chosen_round [B]
    (0 = the first answer) and pseudo_loglik [B] (of the chosen answer).
    """
    start = time.perf_counter()
    condition = tokens != MASK
    batch = tokens.shape[0]
    current = dataclasses.replace(result, nfe=result.nfe.clone())  # the caller's stays as it was
    candidates = [result.tokens.clone()]
    score = torch.full((rounds + 1, batch), float("-inf"), dtype=torch.float64)
    verified = torch.zeros(rounds + 1, batch, dtype=torch.bool)
    used = torch.zeros(batch, dtype=torch.long, device=tokens.device)
    live = torch.ones(batch, dtype=torch.bool, device=tokens.device)
    for r in range(rounds + 1):
        rows = live.nonzero().squeeze(1)
        if rows.numel() == 0:
            break
        answer = current.tokens[rows]
        checked = self_check(
            model, answer, condition[rows], allowed[rows], groups, generator=generator,
            differ=differ,
        )  # fmt: skip
        current.nfe[rows] += groups
        score[r, rows.cpu()] = checked.sum(1).cpu()
        margin = decision_margins(current, tokens.shape[1])[rows]
        reopen = reopen_mask(checked, condition[rows], threshold, margin, fraction)
        stop = ~reopen.any(1)
        if verifier is not None:
            ok = verifier(current.tokens)[rows]  # a kind's verifier reads the whole batch
            verified[r, rows.cpu()] = ok.cpu()
            stop |= ok
        live[rows[stop]] = False
        if r == rounds:
            break
        again_rows, reopen = rows[~stop], reopen[~stop]
        if again_rows.numel() == 0:
            break
        grids = torch.where(reopen, MASK, current.tokens[again_rows])
        step = diverse(config, noise) if noise > 0 else config
        walk = Walk(model, grids, allowed[again_rows], step, generator=generator, differ=differ)
        current = append(current, walk.run(), again_rows)
        used[again_rows] += 1
        candidates.append(current.tokens.clone())
    tried = len(candidates)
    score, verified = score[:tried], verified[:tried]
    # verified first, then the highest pseudo-log-likelihood
    rank = score.masked_fill(~verified & verified.any(0, keepdim=True), float("-inf"))
    chosen = rank.argmax(0).to(tokens.device)
    stacked = torch.stack(candidates)
    current.tokens = stacked[chosen, torch.arange(batch, device=tokens.device)]
    current.info.update(
        {
            "remask_rounds": used,
            "chosen_round": chosen,
            "pseudo_loglik": score.gather(0, chosen.cpu()[None]).squeeze(0),
        }
    )
    current.seconds = result.seconds + time.perf_counter() - start
    return current
