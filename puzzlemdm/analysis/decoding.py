"""Decode every puzzle of a split with one method and keep each path's trace (JSON rows).

The rows are `puzzlemdm.decode.trace.trace_rows` plus what the analysis needs beside the trace:
the puzzle's index in its split, whether the verifier accepts the answer, and which token
positions were masked. Rows go to a JSONL file so that a study can be re-analysed without
decoding again (`analyze orders --traces`).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import torch

from puzzlemdm.analysis.methods import Method
from puzzlemdm.bench.splits import Item
from puzzlemdm.decode.methods import run_method
from puzzlemdm.decode.puzzles import judged_answers
from puzzlemdm.decode.trace import trace_rows
from puzzlemdm.puzzles.base import PuzzleKind
from puzzlemdm.puzzles.grid import GridSpec, stack


def decode_split(
    model: Any,
    kind: PuzzleKind,
    spec: GridSpec,
    items: list[Item],
    method: Method,
    *,
    batch_size: int = 500,
    seed: int = 0,
    device: torch.device | None = None,
) -> tuple[list[dict[str, Any]], float]:
    """One path per puzzle; returns the rows (in split order) and the decoding wall time. Each
    row keeps its share of its batch's time, encoding and judging included (`decode_share`), so
    that a study of fewer puzzles than a trace file holds reports the time of those it reads."""
    device = device or torch.device("cpu")
    generator = torch.Generator(device=device).manual_seed(seed)
    rows: list[dict[str, Any]] = []
    began = time.perf_counter()
    for start in range(0, len(items), batch_size):
        batch_began = time.perf_counter()
        chunk = items[start : start + batch_size]
        batch = stack([kind.encode(it.record.puzzle, it.record.solution, spec) for it in chunk])
        result = run_method(  # any family: an ARM decodes in its own order
            model,
            torch.as_tensor(batch["tokens"], device=device),
            torch.as_tensor(batch["allowed"], device=device),
            method.config,
            generator=generator,
        )
        traced = trace_rows(result, [it.id for it in chunk], method.name)
        puzzles = [it.record.puzzle for it in chunk]
        judged = judged_answers(kind, puzzles, result.tokens, spec)
        seconds = (time.perf_counter() - batch_began) / len(chunk)
        for item, trace, (_, solved) in zip(chunk, traced, judged, strict=True):
            trace["index"] = item.index
            trace["solved"] = solved
            trace["decode_share"] = seconds  # beside trace_rows' own "seconds" (model only)
            rows.append(trace)
    return rows, time.perf_counter() - began


def write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write trace rows as JSONL (replacing the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Trace rows written by `write_rows`."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
