"""The masked diffusion model: backbone + value embedding (with a [MASK] token) + value head.

The grid's static structure (coordinates, relation types) is stored as buffers, so a model
carries the shape it was trained on. Logits are restricted to each position's allowed values.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn

from puzzlemdm.model.backbone import Backbone, BackboneConfig, LinkedTypes
from puzzlemdm.model.links import LinkedRelation
from puzzlemdm.puzzles.grid import MASK, GridSpec

# The precisions a model can compute in: None = float32, else autocast's dtype.
PRECISIONS: dict[str, torch.dtype | None] = {"fp32": None, "bf16": torch.bfloat16}


def computing_in(device_type: str, dtype: torch.dtype | None) -> contextlib.AbstractContextManager:
    """Autocast to `dtype` (matrix products; norms and losses stay float32), or nothing."""
    return torch.autocast(device_type, dtype) if dtype is not None else contextlib.nullcontext()


NEG_INF = -1e9  # finite: a fully disallowed row must not turn softmax into NaN


@dataclass
class ModelConfig:
    """Everything needed to rebuild a model: backbone sizes + the grid it reads."""

    backbone: BackboneConfig = field(default_factory=BackboneConfig)
    grid: dict[str, Any] = field(default_factory=dict)  # GridSpec.signature()
    family: str = "mdm"  # mdm | arm | vmd (puzzlemdm.model.families)
    order: str = ""  # an ARM's training order (left-to-right | solver)
    latent: dict[str, int] = field(default_factory=dict)  # a VMD's LatentConfig
    stream: str = "pairs"  # an ARM's stream (model.arm.STREAMS): two tokens a given, or one

    def to_dict(self) -> dict[str, Any]:
        out = {"backbone": asdict(self.backbone), "grid": self.grid, "family": self.family}
        if self.order:
            out["order"] = self.order
        if self.stream != "pairs":
            out["stream"] = self.stream
        if self.latent:
            out["latent"] = dict(self.latent)
        return out

    @staticmethod
    def from_dict(data: dict[str, Any]) -> ModelConfig:
        # checkpoints written before there were families are MDMs
        return ModelConfig(
            BackboneConfig(**data["backbone"]),
            dict(data["grid"]),
            str(data.get("family", "mdm")),
            str(data.get("order", "")),
            dict(data.get("latent", {})),
            str(data.get("stream", "pairs")),
        )


class MaskedDiffusionModel(nn.Module):
    """p(x_0 | x_t) for every position, given the partially masked grid x_t."""

    family = "mdm"

    def __init__(self, config: ModelConfig, spec: GridSpec) -> None:
        super().__init__()
        self.config = config
        self.vocab = spec.vocab
        d = config.backbone.d_model
        self.value_embedding = nn.Embedding(spec.vocab + 1, d)  # index vocab = [MASK]
        self.backbone = Backbone(config.backbone)
        self.head = nn.Linear(d, spec.vocab, bias=False)
        self.register_buffer(
            "coords", torch.as_tensor(spec.coords, dtype=torch.long), persistent=False
        )
        self.register_buffer(
            "relation", torch.as_tensor(spec.relation, dtype=torch.long), persistent=False
        )
        self.linked = LinkedRelation(spec) if spec.links is not None else None
        self.apply(_init_weights)
        self.backbone.zero_feedback()
        # None = float32; torch.bfloat16 = matrix products in bfloat16 (inference speed).
        self.compute_dtype: torch.dtype | None = None

    def forward(
        self, tokens: torch.Tensor, allowed: torch.Tensor | None = None, every_run: bool = False
    ) -> torch.Tensor:
        """tokens [B, L] (MASK = -1 where unknown) -> logits [B, L, V], disallowed = -1e9;
        `every_run`: each run's of a recurrent backbone, stacked [R, B, L, V] (training)."""
        if every_run:
            return torch.stack(self.denoise_runs(tokens, allowed))
        return self.denoise(tokens, allowed)

    def denoise(
        self,
        tokens: torch.Tensor,
        allowed: torch.Tensor | None = None,
        condition: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """`forward`, with `condition` [B, n_layers, D] added before each block (VMD's z)."""
        return self.denoise_runs(tokens, allowed, condition, every_run=False)[-1]

    def denoise_runs(
        self,
        tokens: torch.Tensor,
        allowed: torch.Tensor | None = None,
        condition: torch.Tensor | None = None,
        every_run: bool = True,
    ) -> list[torch.Tensor]:
        """The logits after each run of a recurrent backbone (one entry for a plain one);
        `every_run=False`: the last run's only, without the head on the others."""
        ids = torch.where(tokens == MASK, torch.full_like(tokens, self.vocab), tokens)
        # Entered here, not by the caller: autocast is per thread, and guided search calls the
        # model from its worker threads.
        with computing_in(tokens.device.type, self.compute_dtype):
            embedded = self.value_embedding(ids)
            relation = self.relation if self.linked is None else self.linked(tokens)
            if self.backbone.settling and not every_run:
                hidden = [self._settled_hidden(embedded, relation, condition, tokens, allowed)]
            else:
                hidden = self.backbone.runs(embedded, self.coords, relation, condition)
            logits = [self.head(h) for h in (hidden if every_run else hidden[-1:])]
        logits = [one.float() for one in logits]
        if allowed is not None:
            logits = [one.masked_fill(~allowed, NEG_INF) for one in logits]
        return logits

    def _settled_hidden(
        self,
        embedded: torch.Tensor,
        relation: torch.Tensor | LinkedTypes,
        condition: torch.Tensor | None,
        tokens: torch.Tensor,
        allowed: torch.Tensor | None,
    ) -> torch.Tensor:
        """The backbone's output with adaptive depth: a row settles once a run leaves the
        value it would pick at every unknown position as the run before had it."""
        unknown = tokens == MASK

        def picks(hidden: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
            logits = self.head(hidden)
            if allowed is not None:
                logits = logits.masked_fill(~allowed[rows], NEG_INF)
            return logits.argmax(-1)

        def settled(before: torch.Tensor, after: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
            same = picks(before, rows) == picks(after, rows)
            return (same | ~unknown[rows]).all(-1)

        hidden, _ = self.backbone.settle(embedded, self.coords, relation, settled, condition)
        return hidden

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Linear | nn.Embedding):
        nn.init.normal_(module.weight, std=0.02)


def spec_from_signature(grid: dict[str, Any]) -> GridSpec:
    """Rebuild the GridSpec a checkpoint was trained on (its kind knows how)."""
    from puzzlemdm.puzzles.base import PuzzleError
    from puzzlemdm.puzzles.registry import get_kind

    try:
        return get_kind(str(grid.get("kind"))).spec_from_signature(grid)
    except (PuzzleError, KeyError, TypeError) as exc:
        raise ValueError(f"no grid spec for {grid!r}: {exc}") from None
