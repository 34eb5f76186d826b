"""The variational masked diffusion model (VMD, Zhang, Schwing and Zhao 2025): the MDM plus a
global latent z that every position reads, so that tokens decoded in the same step can agree.

Training infers z from the answer and the masked grid (q(z | x_0, x_t), a small transformer);
decoding draws z once per path from the prior N(0, I) and keeps it, so one path's parallel
decisions share one plan and different paths follow different ones. z enters every block as
an added vector (its own projection per block, zero at initialisation). With z = 0 it is
an MDM.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from puzzlemdm.model.backbone import Backbone, BackboneConfig
from puzzlemdm.model.mdm import MaskedDiffusionModel, ModelConfig, _init_weights
from puzzlemdm.puzzles.grid import GridSpec

# z's say is scaled down: Adam moves every weight by about the learning rate whatever its
# gradient, so an unscaled projection of a still-uninformative z turned into noise that swamped
# the token embeddings (measured: the loss fell 7x slower than the MDM's, 0% solved at step
# 500; train/logs/sudoku-vmd-unscaled-latent.metrics.jsonl). At 0.05 it grows 20x slower.
CONDITION_SCALE = 0.05


@dataclass
class LatentConfig:
    dim: int = 32  # size of z
    encoder_layers: int = 2  # the posterior's transformer
    encoder_d_model: int = 48
    encoder_heads: int = 4

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class VariationalMDM(MaskedDiffusionModel):
    """p(x_0 | x_t, z) with q(z | x_0, x_t) for training and N(0, I) as the prior."""

    family = "vmd"

    def __init__(self, config: ModelConfig, spec: GridSpec) -> None:
        super().__init__(config, spec)
        latent = LatentConfig(**config.latent)
        self.latent_dim = latent.dim
        b = config.backbone
        width = latent.encoder_d_model
        self.encoder = Backbone(
            BackboneConfig(
                n_layers=latent.encoder_layers,
                d_model=width,
                n_heads=latent.encoder_heads,
                ffn_mult=2,
                coord_sizes=list(b.coord_sizes),
                n_relations=b.n_relations,
                relation_bias=b.relation_bias,
            )
        )
        self.encoder_values = nn.Embedding(spec.vocab, width)
        self.encoder_masked = nn.Embedding(2, width)  # was the position masked in x_t?
        self.to_posterior = nn.Linear(width, 2 * latent.dim)
        self.to_condition = nn.Linear(latent.dim, b.n_layers * b.d_model, bias=False)
        for module in (self.encoder, self.encoder_values, self.encoder_masked):
            module.apply(_init_weights)
        _init_weights(self.to_posterior)
        # Zero: training starts as the plain MDM. A random projection of a unit-variance z
        # drowns the 0.02-scale token embeddings (measured: the loss stayed at log 9 for 300
        # steps); from zero, z earns its say as the gradient finds a use for it.
        nn.init.zeros_(self.to_condition.weight)

    def posterior(
        self, answer: torch.Tensor, masked: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """q(z | x_0, x_t): mean and log-variance [B, dim] from the answer tokens [B, L] and
        which positions x_t masks [B, L]."""
        x = self.encoder_values(answer) + self.encoder_masked(masked.long())
        pooled = self.encoder(x, self.coords, self.relation).mean(1)
        mean, log_var = self.to_posterior(pooled).chunk(2, -1)
        return mean, log_var.clamp(-8.0, 8.0)

    def forward(
        self,
        tokens: torch.Tensor,
        allowed: torch.Tensor | None = None,
        z: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Logits [B, L, V] given z [B, dim] (None = 0, the prior's mean)."""
        if z is None:
            return self.denoise(tokens, allowed)
        b = self.config.backbone
        condition = CONDITION_SCALE * self.to_condition(z).view(z.shape[0], b.n_layers, b.d_model)
        return self.denoise(tokens, allowed, condition)


def kl_to_standard_normal(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, exp(log_var)) || N(0, I)) per dimension [B, dim]."""
    return 0.5 * (mean.pow(2) + log_var.exp() - 1.0 - log_var)


class PathLatents(nn.Module):
    """A VMD with one z per batch row, kept across calls: what a decoding path draws once.
    `rows(index)` is the same for a sub-batch (decoders call the model on unfinished rows)."""

    def __init__(self, model: VariationalMDM, z: torch.Tensor) -> None:
        super().__init__()
        self.model = model
        self.z = z

    def forward(self, tokens: torch.Tensor, allowed: torch.Tensor | None = None) -> torch.Tensor:
        return self.model(tokens, allowed, self.z)

    def rows(self, index: torch.Tensor) -> PathLatents:
        return PathLatents(self.model, self.z[index])


def draw_path_latents(
    model: torch.nn.Module,
    batch: int,
    how: str,
    generator: torch.Generator | None,
    rows: torch.Tensor | None = None,
) -> torch.nn.Module:
    """`model` itself when it has no latent; else one z per row: from the prior (`how` =
    "prior") on `rows` ([B] bool, default all) and 0 elsewhere, or 0 everywhere ("zero")."""
    dim = getattr(model, "latent_dim", 0)
    if not dim:
        return model
    device = next(model.parameters()).device
    z = torch.zeros(batch, dim, device=device)
    if how == "prior":
        draw = torch.randn(batch, dim, generator=generator, device=device)
        z = draw if rows is None else torch.where(rows[:, None], draw, z)
    return PathLatents(model, z)
