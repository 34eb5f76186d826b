"""Info-gain look-ahead (Info-Gain Sampler): choose each step's move by what it leaves behind.

Per step and puzzle: the greedy move plus C-1 alternatives (Gumbel noise of scale
`position_noise` on position scores; with no noise, the moves made after skipping the k
best-scored positions), duplicates dropped. Every distinct move `a` is applied and all are
evaluated in one batched look-ahead forward; the winner maximises

    J(a) = -(summed entropy of the positions a decides, now)
           -(mean entropy of the positions still masked after a).

The winner's look-ahead output *is* the model output on the next step's grid, so it is reused
instead of recomputed. Where every masked position is already confident (max prob >=
`confident`), or only one distinct move exists, the greedy move is taken without a look-ahead.
NFE counts every grid the model evaluates: base forwards (when nothing is reused) plus one per
distinct look-ahead candidate.
"""

from __future__ import annotations

import torch

from puzzlemdm.decode import scores
from puzzlemdm.decode.step import (
    Choice,
    StepConfig,
    Walk,
    denoising_entropy,
    log_probs,
    position_scores,
)
from puzzlemdm.decode.trace import DecodeResult
from puzzlemdm.puzzles.grid import MASK


@torch.no_grad()
def info_gain(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    *,
    candidates: int = 8,
    position_noise: float = 0.2,
    confident: float = 0.8,
    config: StepConfig = StepConfig(),
    generator: torch.Generator | None = None,
    differ: torch.Tensor | None = None,
) -> DecodeResult:
    """Decode with a one-step look-ahead over `candidates` moves per step.

    config: scorer x schedule x values of every candidate move (its gumbel_scale is not used:
        candidate 0 is noise-free, the others get `position_noise`).
    info: lookahead_steps [B] (steps that ran a look-ahead) and candidates_evaluated [B].
    """
    if candidates < 1:
        raise ValueError("candidates must be at least 1")
    walk = Walk(model, tokens, allowed, config, generator=generator, differ=differ)
    batch, c = tokens.shape[0], candidates
    device = tokens.device
    cached = None
    have = torch.zeros(batch, dtype=torch.bool, device=device)
    lookahead_steps = torch.zeros(batch, dtype=torch.long, device=device)
    evaluated = torch.zeros(batch, dtype=torch.long, device=device)
    while bool((active := walk.active()).any()):
        logp = walk.forward(active & ~have)
        if cached is not None and bool(have.any()):
            logp[have] = cached[have]
        masked = walk.masked
        sure = ((logp.max(-1).values.exp() >= confident) | ~masked).all(1)
        look = active & ~sure
        moves = _candidates(walk, logp, c, position_noise)
        chosen = moves.select.view(batch, c, -1)
        valid = _distinct(chosen, moves.value.view(batch, c, -1)) & chosen.any(2)
        look &= valid.sum(1) > 1  # a single distinct move leaves nothing to compare
        valid &= look[:, None]
        grids = torch.where(moves.select, moves.value, walk.tokens.repeat_interleave(c, 0))
        after = log_probs(
            model, grids, walk.allowed.repeat_interleave(c, 0), walk.differ, valid.flatten()
        )
        walk.recorder.nfe += valid.sum(1)
        gain = _objective(moves, after, grids).view(batch, c).masked_fill(~valid, float("-inf"))
        winner = torch.where(look, gain.argmax(1), 0)
        rows = torch.arange(batch, device=device) * c + winner
        walk.apply(_rows(moves, rows))
        cached = after[rows]
        have = look & walk.active()
        lookahead_steps += look.long()
        evaluated += valid.sum(1)
    return walk.result({"lookahead_steps": lookahead_steps, "candidates_evaluated": evaluated})


def _candidates(walk: Walk, logp: torch.Tensor, c: int, noise: float) -> Choice:
    """C moves per puzzle (row b*C + k): k = 0 greedy, then noisy or next-best alternatives."""
    batch, device = logp.shape[0], logp.device
    kth = torch.arange(c, device=device).repeat(batch)
    masked = walk.masked.repeat_interleave(c, 0)
    if noise > 0:
        scale = torch.where(kth > 0, noise, 0.0).double()
    else:
        scale = torch.zeros(batch * c, dtype=torch.float64, device=device)
        score = position_scores(walk.config.order, logp, walk.generator)
        score = score.masked_fill(~walk.masked, float("-inf"))
        rank = score.argsort(dim=1, descending=True, stable=True).argsort(dim=1)
        masked = masked & ~(rank.repeat_interleave(c, 0) < kth[:, None])
    return walk.choose(
        logp.repeat_interleave(c, 0),
        masked,
        step=walk.recorder.n_steps.repeat_interleave(c, 0),
        noise=scale,
        sample_rows=walk.noisy.repeat_interleave(c, 0),
    )


def _distinct(select: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """[B, C] True for the first occurrence of each distinct move (same positions and values)."""
    same_positions = (select[:, :, None] == select[:, None, :]).all(-1)
    same_values = ((value[:, :, None] == value[:, None, :]) | ~select[:, :, None]).all(-1)
    c = select.shape[1]
    earlier = torch.ones(c, c, dtype=torch.bool, device=select.device).tril(-1)
    return ~(same_positions & same_values & earlier[None]).any(2)


def _objective(moves: Choice, after: torch.Tensor, grids: torch.Tensor) -> torch.Tensor:
    """J = -(entropy the move decides) - (mean entropy left after it), per candidate row."""
    cost = (moves.entropy * moves.select).sum(1)
    return -cost - denoising_entropy(scores.entropy(after), grids == MASK)


def _rows(choice: Choice, rows: torch.Tensor) -> Choice:
    return Choice(
        *(getattr(choice, f)[rows] for f in ("select", "value", "score", "entropy", "margin"))
    )
