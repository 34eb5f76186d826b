"""The model families a checkpoint can hold, by the name its config records."""

from __future__ import annotations

from torch import nn

from puzzlemdm.model.arm import AutoregressiveModel
from puzzlemdm.model.mdm import MaskedDiffusionModel, ModelConfig
from puzzlemdm.model.vmd import VariationalMDM
from puzzlemdm.puzzles.grid import GridSpec

FAMILIES: dict[str, type[nn.Module]] = {
    "mdm": MaskedDiffusionModel,
    "arm": AutoregressiveModel,
    "vmd": VariationalMDM,
}
DESCRIPTIONS = {
    "mdm": "a masked diffusion model (MDM)",
    "arm": "an autoregressive model (ARM)",
    "vmd": "a variational masked diffusion model (VMD)",
}


def build(config: ModelConfig, spec: GridSpec) -> nn.Module:
    """A fresh model of `config.family` on grid `spec`."""
    try:
        family = FAMILIES[config.family]
    except KeyError:
        raise ValueError(
            f"unknown model family {config.family!r}; known: {', '.join(FAMILIES)}"
        ) from None
    return family(config, spec)


def family_of(model: nn.Module) -> str:
    """`mdm` | `arm` | `vmd` for a model built here."""
    return str(getattr(model, "family", "mdm"))
