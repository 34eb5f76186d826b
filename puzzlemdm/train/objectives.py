"""What one training step optimises, per model family: the MDM's masked-token loss, or the
ARM's next-decision loss on a decision order. The loop around them is the same."""

from __future__ import annotations

from collections.abc import Callable

import torch

from puzzlemdm.model.arm import decision_order
from puzzlemdm.model.mdm import PRECISIONS, computing_in
from puzzlemdm.model.vmd import kl_to_standard_normal
from puzzlemdm.train.config import TrainConfig
from puzzlemdm.train.losses import arm_loss, mask_for_training, mdm_loss

# (model, tokens, target, allowed, solver ranks or None, generator, step) -> (loss, stats):
# stats are scalars the training log averages beside the loss (e.g. a VMD's KL).
Objective = Callable[..., tuple[torch.Tensor, dict[str, torch.Tensor]]]


def objective_for(cfg: TrainConfig) -> Objective:
    """The loss of `cfg.objective.family`, with the recipe's knobs bound."""
    dtype = PRECISIONS[cfg.precision]
    eps = cfg.optim.eps

    o = cfg.objective

    def mdm(model, tokens, target, allowed, rank, generator, step):
        is_condition = tokens >= 0
        noisy, masked, t = mask_for_training(target, is_condition, eps, generator)
        targets = (~is_condition).sum(1)
        if cfg.model.recurrence == 1:
            with computing_in(tokens.device.type, dtype):
                logits = model(noisy, allowed)  # float32: the model casts its logits
            return mdm_loss(logits, target, masked, t, targets), {}
        # Deep supervision: every run of a recurrent backbone is asked for the answer, so each
        # refines a usable guess (the recursive reasoning models' recipe); the log keeps each
        # run's loss, to see whether the later runs earn their cost.
        with computing_in(tokens.device.type, dtype):
            runs = model(noisy, allowed, every_run=True)
        losses = torch.stack([mdm_loss(one, target, masked, t, targets) for one in runs])
        return losses.mean(), {f"loss_run{i + 1}": one.detach() for i, one in enumerate(losses)}

    def arm(model, tokens, target, allowed, rank, generator, step):
        order = decision_order(tokens, rank)  # left to right when there are no ranks
        values = target.gather(1, order)
        with computing_in(tokens.device.type, dtype):
            cells, value_logits = model(order, values, allowed, tokens)
        return arm_loss(cells, value_logits, order, values, tokens < 0), {}

    def vmd(model, tokens, target, allowed, rank, generator, step):
        is_condition = tokens >= 0
        noisy, masked, t = mask_for_training(target, is_condition, eps, generator)
        net = getattr(model, "module", model)  # DDP keeps the model's own methods inside
        targets = (~is_condition).sum(1)
        with computing_in(tokens.device.type, dtype):
            mean, log_var = net.posterior(target, masked)
            noise = torch.randn(mean.shape, generator=generator, device=mean.device)
            z = mean + noise * (0.5 * log_var).exp()
            logits = model(noisy, allowed, z)
        reconstruction = mdm_loss(logits, target, masked, t, targets)
        kl = kl_to_standard_normal(mean.float(), log_var.float()).mean(0)  # [dim], per puzzle
        per_token = targets.float().mean().clamp_min(1)
        beta = o.beta * min(1.0, (step + 1) / max(1, o.beta_warmup))
        loss = reconstruction + beta * kl.clamp_min(o.free_bits).sum() / per_token
        return loss, {"kl_per_token": kl.sum().detach() / per_token}

    return {"mdm": mdm, "arm": arm, "vmd": vmd}[cfg.objective.family]


def wants_solver_ranks(cfg: TrainConfig) -> bool:
    """Whether the training set must carry the solver's decision order."""
    return cfg.objective.family == "arm" and cfg.objective.order == "solver"
