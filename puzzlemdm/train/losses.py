"""The masked-diffusion training objective."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from puzzlemdm.puzzles.grid import MASK


def mask_for_training(
    target: torch.Tensor, is_condition: torch.Tensor, eps: float, generator: torch.Generator | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Draw t ~ U(eps, 1) stratified over the batch; mask each target token with prob t.

    Returns (x_t tokens, masked flags, t). Stratifying t (one draw per batch slice) keeps the
    per-batch loss variance low without biasing the expectation.
    """
    batch = target.shape[0]
    u = (
        torch.arange(batch, device=target.device)
        + torch.rand(batch, generator=generator, device=target.device)
    ) / batch
    t = eps + (1 - eps) * u[torch.randperm(batch, generator=generator, device=target.device)]
    draw = torch.rand(target.shape, generator=generator, device=target.device)
    masked = (draw < t[:, None]) & ~is_condition
    return torch.where(masked, torch.full_like(target, MASK), target), masked, t


def mdm_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    masked: torch.Tensor,
    t: torch.Tensor,
    n_targets: torch.Tensor,
) -> torch.Tensor:
    """(1/t)-weighted cross-entropy on masked targets, normalised by the number of targets."""
    ce = F.cross_entropy(logits.transpose(1, 2), target, reduction="none")  # [B, L]
    weighted = (ce * masked).sum(1) / t
    return weighted.sum() / n_targets.sum().clamp_min(1)


def arm_loss(
    cell_logits: torch.Tensor,
    value_logits: torch.Tensor,
    order: torch.Tensor,
    values: torch.Tensor,
    blank: torch.Tensor,
) -> torch.Tensor:
    """The ARM's next-move loss: cross-entropy of each decision's cell, plus of its value given
    the cell, averaged over the decisions (slots holding a blank; givens are read, never
    predicted).

    cell_logits [B, L(slot), L(cell)], value_logits [B, L(slot), V]; order / values [B, L] the
    cell and value of each slot; blank [B, L] which cells were blank in the puzzle."""
    cell = F.cross_entropy(cell_logits.transpose(1, 2), order, reduction="none")  # [B, L]
    value = F.cross_entropy(value_logits.transpose(1, 2), values, reduction="none")
    decision = blank.gather(1, order)
    return ((cell + value) * decision).sum() / decision.sum().clamp_min(1)
