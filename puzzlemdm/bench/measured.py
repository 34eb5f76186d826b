"""The model a benchmark measures: its checkpoint (the shipped one by default) on a device,
with the kind and the grid its signature names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from puzzlemdm.model.checkpoint import load_checkpoint, resolve_device, shipped_checkpoint
from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind
from puzzlemdm.puzzles.grid import GridSpec
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.usage import UsageError


@dataclass
class Measured:
    """A loaded checkpoint and what it reads."""

    checkpoint: str
    model: Any
    device: torch.device
    kind: PuzzleKind
    spec: GridSpec

    @property
    def autoregressive(self) -> bool:
        """Whether the model is an ARM (it decodes in its own order, whatever a method says)."""
        return getattr(self.model, "family", "mdm") == "arm"


def load_measured(
    checkpoint: str | None,
    device: str,
    threads: int = 0,
    runs: int | None = None,
    settle: bool = False,
) -> Measured:
    """Load `checkpoint` (None: the shipped one) on `device`; `threads` > 0 caps torch's;
    `runs`, `settle`: a recurrent model's runs of its blocks (see load_checkpoint)."""
    if threads:
        torch.set_num_threads(threads)
    try:
        on = resolve_device(device)
    except PuzzleError as exc:  # a device this machine lacks, or no such name: the option's
        raise UsageError(str(exc)) from None
    folder = checkpoint or str(shipped_checkpoint())
    model = load_checkpoint(folder, on, runs=runs, settle=settle)
    kind = get_kind(model.config.grid["kind"])
    return Measured(folder, model, on, kind, kind.spec_from_signature(model.config.grid))


def require_scores_every_cell(measured: Measured, command: str) -> None:
    """UsageError for an autoregressive checkpoint where `command` measures MDM methods
    (orders over every open cell, guided search): an ARM would run its own order under their
    names. ARMs are measured by `bench models` with the arm methods."""
    if measured.autoregressive:
        raise UsageError(
            f"{measured.checkpoint} is an autoregressive model, which scores one next decision, "
            f"not every open cell: {command} measures MDM methods; measure it with "
            "`puzzlemdm bench models --methods NAME=arm,...`"
        )
