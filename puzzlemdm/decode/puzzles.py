"""A decoding method run on puzzles of any kind: encode on the model's grid, decode, judge by
the kind's own verifier (verified-first selection, repair). The tokens-in, tokens-out library
(`run_method`) stays free of kinds; this is the one place that joins the two."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from puzzlemdm.decode.guided import model_device
from puzzlemdm.decode.judge import kind_verifier, kind_violations
from puzzlemdm.decode.methods import MethodConfig, run_method
from puzzlemdm.decode.trace import DecodeResult
from puzzlemdm.model.arm import order_ranks
from puzzlemdm.puzzles.base import PuzzleKind, PuzzleRecord
from puzzlemdm.puzzles.grid import GridSpec, stack


@torch.no_grad()
def decode_puzzles(
    model: torch.nn.Module,
    kind: PuzzleKind,
    puzzles: Sequence[Any],
    spec: GridSpec,
    method: MethodConfig,
    *,
    generator: torch.Generator | None = None,
) -> DecodeResult:
    """`method` on every puzzle at once (one batch); row b of the result answers puzzles[b]."""
    device = model_device(model)
    batch = stack([kind.encode(puzzle, spec=spec) for puzzle in puzzles])
    differ = None if spec.differ is None else torch.as_tensor(spec.differ, device=device)
    return run_method(
        model,
        torch.as_tensor(batch["tokens"], device=device),
        torch.as_tensor(batch["allowed"], device=device),
        method,
        differ=differ,
        verifier=kind_verifier(kind, puzzles, spec),
        # repair re-opens what the kind's verifier blames, not only the differ clashes
        violations=kind_violations(kind, puzzles, spec) if method.repair else None,
        generator=generator,
        given=solver_ranks(kind, puzzles, spec, device) if method.arm_order == "given" else None,
    )


def judged_answers(
    kind: PuzzleKind, puzzles: Sequence[Any], tokens: Any, spec: GridSpec
) -> list[tuple[Any, bool]]:
    """Each decoded row's answer as the kind reads it off its tokens ([B, L], row b answering
    puzzles[b]), and whether the kind's verifier accepts it."""
    final = tokens.cpu().numpy() if isinstance(tokens, torch.Tensor) else np.asarray(tokens)
    answers = [kind.decode_tokens(p, row, spec) for p, row in zip(puzzles, final, strict=True)]
    return [(answer, kind.verify(p, answer).ok) for p, answer in zip(puzzles, answers, strict=True)]


def solver_ranks(
    kind: PuzzleKind, puzzles: Sequence[Any], spec: GridSpec, device: torch.device
) -> torch.Tensor:
    """[B, L] each position's place in the kind's classical solver order (the order an ARM is
    handed in the oracle-order diagnostic)."""
    ranks = [order_ranks(kind.solver_order(PuzzleRecord(p), spec), spec.length) for p in puzzles]
    return torch.as_tensor(np.stack(ranks), device=device)
