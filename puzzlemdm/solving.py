"""Solve puzzles with a named solver, verify every answer, classify the outcome.

The CLI prints what this module decides; nothing here prints. An answer is only ever reported
as solved after the kind's verifier accepted it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind, PuzzleRecord, first_violations

SOLVED, UNSOLVED, INVALID = "solved", "unsolved", "invalid"


@dataclass
class Outcome:
    """What happened to one puzzle."""

    record: PuzzleRecord
    answer: Any | None
    status: str  # SOLVED (verified), UNSOLVED (valid puzzle, solver gave up), INVALID (puzzle)
    solver: str
    seconds: float
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return self.status == SOLVED


def classify(
    kind: PuzzleKind,
    record: PuzzleRecord,
    answer: Any | None,
    solver: str,
    seconds: float,
    extra: dict[str, Any] | None = None,
    gave_up: str = "the solver gave up",
) -> Outcome:
    """Verify `answer`; when there is none (or it is wrong) tell an invalid puzzle from a miss."""
    extra = extra or {}
    if answer is not None:
        verdict = kind.verify(record.puzzle, answer)
        if verdict.ok:
            return Outcome(record, answer, SOLVED, solver, seconds, extra=extra)
        message = f"answer rejected by the verifier: {first_violations(verdict.violations)}"
    else:
        message = gave_up
    validity = kind.check(record.puzzle)
    if not validity.ok:
        return Outcome(
            record,
            answer,
            INVALID,
            solver,
            seconds,
            f"invalid puzzle: {first_violations(validity.violations)}",
            extra,
        )
    return Outcome(record, answer, UNSOLVED, solver, seconds, message, extra)


def reject_givens(kind: PuzzleKind, record: PuzzleRecord, solver: str) -> Outcome | None:
    """An INVALID outcome when the givens already contradict each other (no solver needed)."""
    givens = kind.check_givens(record.puzzle)
    if givens.ok:
        return None
    message = f"invalid puzzle: {first_violations(givens.violations)}"
    return Outcome(record, None, INVALID, solver, 0.0, message)


def solve_classical(
    kind: PuzzleKind, records: Sequence[PuzzleRecord], solver: str
) -> Iterator[Outcome]:
    """Solve puzzles one by one with a classical solver of `kind`."""
    for record in records:
        rejected = reject_givens(kind, record, solver)
        if rejected:
            yield rejected
            continue
        start = time.perf_counter()
        result = kind.solve(record.puzzle, solver)
        seconds = time.perf_counter() - start
        stuck = result.stats.get("stuck_blanks")
        gave_up = (
            f"stuck with {stuck} blank cells: the techniques are not enough, it needs search"
            if stuck
            else "the solver gave up"
        )
        yield classify(
            kind,
            record,
            result.answer,
            result.solver or solver,
            seconds,
            dict(result.stats),
            gave_up,
        )


def solve_with_model(
    kind: PuzzleKind,
    records: Sequence[PuzzleRecord],
    model: Any,
    *,
    model_name: str,
    method: Any = None,
    guided: bool = False,
    node_limit: int | None = None,
    batch_size: int = 256,
    fallback: str | None = None,
    seed: int = 0,
    trace_path: str | None = None,
) -> Iterator[Outcome]:
    """Decode puzzles in batches with an MDM (`method`: a decode.MethodConfig, default one
    margin path; `guided`: model-guided complete search), verify each answer, and optionally
    finish misses with a classical solver (the outcome then names both)."""
    import torch

    from puzzlemdm.decode import MethodConfig, guided_search_batch, run_method, write_traces
    from puzzlemdm.model.checkpoint import CheckpointError
    from puzzlemdm.puzzles.grid import stack
    from puzzlemdm.puzzles.sudoku.board import Shape

    method = method or MethodConfig()
    device = next(model.parameters()).device
    solver = f"{model_name}/{'guided-search' if guided else method.name}"
    expected = model.config.grid
    if expected.get("kind") != kind.name:
        raise CheckpointError(
            f"the model reads {expected.get('kind')} puzzles, not {kind.name}", source=model_name
        )
    spec = kind.spec_from_signature(expected)
    generator = torch.Generator(device=device).manual_seed(seed)
    for start in range(0, len(records), batch_size):
        chunk = records[start : start + batch_size]
        ready, outcomes = [], {}
        for i, record in enumerate(chunk):
            rejected = reject_givens(kind, record, solver)
            if rejected:
                outcomes[i] = rejected
                continue
            try:
                grid = kind.encode(record.puzzle, spec=spec)
            except PuzzleError as exc:
                raise CheckpointError(
                    f"{record.source}:{record.line}: {exc}", source=model_name
                ) from None
            ready.append((i, grid))
        if ready:
            batch = stack([grid for _, grid in ready])
            tokens = torch.as_tensor(batch["tokens"], device=device)
            began = time.perf_counter()
            if guided:
                box = Shape(*expected["box"])
                result = guided_search_batch(model, tokens, box, node_limit=node_limit)
            else:
                allowed = torch.as_tensor(batch["allowed"], device=device)
                differ = torch.as_tensor(ready[0][1].spec.differ, device=device)
                result = run_method(
                    model, tokens, allowed, method, differ=differ, generator=generator
                )
            per_puzzle = (time.perf_counter() - began) / len(ready)
            if trace_path:
                ids = [chunk[i].id or f"{chunk[i].source}:{chunk[i].line}" for i, _ in ready]
                write_traces(trace_path, result, ids, solver)
            final = result.tokens.cpu().numpy()
            for row, (i, _) in enumerate(ready):
                record = chunk[i]
                answer = kind.decode_tokens(record.puzzle, final[row])
                extra = {
                    "nfe": int(result.nfe[row]),
                    "cumulative_entropy": round(float(result.cumulative_entropy[row]), 6),
                    **_row_info(result.info, row),
                }
                outcomes[i] = classify(kind, record, answer, solver, per_puzzle, extra)
        for i in range(len(chunk)):
            outcome = outcomes[i]
            if outcome.status == UNSOLVED and fallback:
                outcome = _fall_back(kind, outcome, fallback)
            yield outcome


def _row_info(info: dict[str, Any], row: int) -> dict[str, int | float]:
    """Per-puzzle counters a method reported (nodes, resamplings, repair rounds...)."""
    picked = {}
    for key in ("nodes", "guesses", "backtracks", "resamplings", "repair_rounds", "chosen_path"):
        value = info.get(key)
        if value is not None and hasattr(value, "__getitem__") and len(value) > row:
            item = value[row]
            picked[key] = item.item() if hasattr(item, "item") else item
    return picked


def _fall_back(kind: PuzzleKind, outcome: Outcome, solver: str) -> Outcome:
    """Finish a puzzle the model got wrong with a classical solver, marked as such."""
    start = time.perf_counter()
    result = kind.solve(outcome.record.puzzle, solver)
    seconds = outcome.seconds + time.perf_counter() - start
    extra = {**outcome.extra, "model_failed": True}
    return classify(
        kind, outcome.record, result.answer, f"{outcome.solver}+{solver}-fallback", seconds, extra
    )
