"""The model a benchmark measures: its checkpoint (the shipped one by default) on a device,
with the kind and the grid its signature names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from puzzlemdm.bench.splits import names_in
from puzzlemdm.model.checkpoint import load_checkpoint, resolve_device
from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind
from puzzlemdm.puzzles.corpus import read_text
from puzzlemdm.puzzles.grid import GridSpec
from puzzlemdm.puzzles.registry import detect_kind, get_kind
from puzzlemdm.shipped import has_shipped_model, kind_model
from puzzlemdm.usage import UsageError, check_threads


@dataclass
class Measured:
    """A loaded checkpoint and what it reads."""

    checkpoint: str
    model: Any
    device: torch.device
    kind: PuzzleKind
    spec: GridSpec

    @property
    def family(self) -> str:
        """`mdm`, `arm` or `vmd` (model.families)."""
        return str(getattr(self.model, "family", "mdm"))

    @property
    def autoregressive(self) -> bool:
        """Whether the model is an ARM (it decodes in its own order, whatever a method says)."""
        return self.family == "arm"


def default_checkpoint(splits: str | None) -> str:
    """The checkpoint a benchmark measures when none is named: the shipped model of the kind
    of the first split given as a file, else (level shortcuts, or no splits) Sudoku's."""
    first = next((Path(name) for name in names_in(splits or "") if Path(name).is_file()), None)
    if first is not None:
        try:
            kind = detect_kind(read_text(first), str(first))
        except PuzzleError:
            kind = None  # loading the split names what is wrong with it
        if kind is not None and has_shipped_model(kind.name):
            return str(kind_model(kind.name))
    return str(kind_model("sudoku"))


def load_measured(
    checkpoint: str | None,
    device: str,
    threads: int = 0,
    runs: int | None = None,
    settle: bool = False,
    splits: str | None = None,
) -> Measured:
    """Load `checkpoint` (None: the shipped model of the splits' kind, see default_checkpoint)
    on `device`; `threads` > 0 caps torch's; `runs`, `settle`: a recurrent model's runs of its
    blocks (see load_checkpoint)."""
    check_threads(threads)
    if threads:
        torch.set_num_threads(threads)
    try:
        on = resolve_device(device)
    except PuzzleError as exc:  # a device this machine lacks, or no such name: the option's
        raise UsageError(str(exc)) from None
    folder = checkpoint or default_checkpoint(splits)
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
