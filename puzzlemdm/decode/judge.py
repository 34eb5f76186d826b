"""The kind's verifier on token batches: which rows it accepts, which positions it blames.

Decoders work on tokens; only the kind knows what an answer is. These adapters decode each row
with `kind.decode_tokens` and ask `kind.verify`, so that verified-first selection and repair
judge every kind by its own rules (Zebra's clues, a plan's legality), not by the all-different
rules alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from puzzlemdm.decode.rules import Verifier
from puzzlemdm.puzzles.base import PuzzleKind
from puzzlemdm.puzzles.grid import GridSpec

# final tokens [B, L] -> [B, L] bool: the positions a violated rule names
Violated = Callable[[torch.Tensor], torch.Tensor]


def _owners(rows: int, puzzles: Sequence[Any]) -> list[int]:
    """The puzzle of each row: rows come in equal consecutive runs per puzzle (N paths each)."""
    if not puzzles or rows % len(puzzles):
        raise ValueError(f"{rows} rows cannot be split among {len(puzzles)} puzzles")
    copies = rows // len(puzzles)
    return [r // copies for r in range(rows)]


def kind_verifier(kind: PuzzleKind, puzzles: Sequence[Any], spec: GridSpec) -> Verifier:
    """[B] whether the kind accepts each row as an answer to its puzzle (rows b * N .. b * N +
    N - 1 belong to `puzzles[b]`, as best-of-N and SMC lay out their paths)."""

    def accepted(tokens: torch.Tensor) -> torch.Tensor:
        owners = _owners(tokens.shape[0], puzzles)
        rows = tokens.cpu().numpy()
        ok = [
            kind.verify(puzzles[p], kind.decode_tokens(puzzles[p], row, spec)).ok
            for p, row in zip(owners, rows, strict=True)
        ]
        return torch.tensor(ok, dtype=torch.bool, device=tokens.device)

    return accepted


def kind_violations(kind: PuzzleKind, puzzles: Sequence[Any], spec: GridSpec) -> Violated:
    """The positions the kind's verifier blames, row b judged as an answer to `puzzles[b]`.

    Each Violation names flat cell indices; `kind.cell_positions` puts them on the token grid.
    """
    positions = [np.asarray(kind.cell_positions(p, spec)) for p in puzzles]

    def violated(tokens: torch.Tensor) -> torch.Tensor:
        if tokens.shape[0] != len(puzzles):
            raise ValueError(f"{tokens.shape[0]} rows for {len(puzzles)} puzzles")
        named = np.zeros(tuple(tokens.shape), dtype=bool)
        for b, (puzzle, row) in enumerate(zip(puzzles, tokens.cpu().numpy(), strict=True)):
            verdict = kind.verify(puzzle, kind.decode_tokens(puzzle, row, spec))
            cells = [c for v in verdict.violations for c in v.cells]
            named[b, positions[b][cells]] = True
        return torch.as_tensor(named, device=tokens.device)

    return violated
