"""Analyse every (split, method) of a study and write summary.json, summary.md, per-path rows
(paths/) and the figures (figures/)."""

from __future__ import annotations

import json
import math
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from puzzlemdm.analysis.kendall import ranks_of, tau_between
from puzzlemdm.analysis.paths import PathAnalysis, analyse_path, reference_orders
from puzzlemdm.analysis.summary import markdown, summarise
from puzzlemdm.puzzles.base import PuzzleKind
from puzzlemdm.puzzles.grid import GridSpec


def machine_name() -> str:
    """The CPU in words and its core count, e.g. "2-core AMD EPYC 9B14" (for every table)."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()}-core {model}"


def reference_taus(references: dict[str, list[int]]) -> dict[str, float]:
    """tau-b of every pair of reference orders of one puzzle (how much two classical orders
    agree with each other: the yardstick for the model's tau)."""
    names = list(references)
    out = {}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ranks = {cell: float(r) for cell, r in ranks_of(references[a]).items()}
            out[f"{a} vs {b}"] = tau_between(ranks, references[b])[0]
    return out


def _mean(values: list[float]) -> float | None:
    ok = [v for v in values if not math.isnan(v)]
    return sum(ok) / len(ok) if ok else None


def analyse_runs(
    kind: PuzzleKind,
    spec: GridSpec,
    runs: list[tuple[str, Any, list[Any], list[dict[str, Any]], float | None]],
    header: dict[str, Any],
    out: Path,
    *,
    figures: bool = True,
    seed: int = 0,
) -> dict[str, Any]:
    """`runs`: (split label, Method, items, trace rows, decode seconds) per split and method."""
    facts = kind.order_facts() if hasattr(kind, "order_facts") else None
    groups = getattr(facts, "GROUPS", None)
    spec_rows = spec.coords[:, spec.picture[0]] if spec.ordered_rows else None
    references: dict[tuple[str, int], dict[str, list[int]]] = {}
    targets: dict[tuple[str, int], np.ndarray | None] = {}
    rows, analysed = [], {}
    baselines: dict[str, dict[str, list[float]]] = {}  # split -> "a vs b" -> taus per puzzle
    (out / "paths").mkdir(parents=True, exist_ok=True)
    for split, method, items, traces, seconds in runs:
        began = time.perf_counter()
        by_index = {it.index: it for it in items}
        paths: list[PathAnalysis] = []
        for trace in traces:
            item = by_index[trace["index"]]
            key = (split, item.index)
            if key not in references:  # once per puzzle, shared by every method
                grid = kind.encode(item.record.puzzle, item.record.solution, spec)
                masked = np.asarray(grid.tokens) < 0
                references[key] = reference_orders(kind, item.record, spec, masked)
                for pair, tau in reference_taus(references[key]).items():
                    baselines.setdefault(split, {}).setdefault(pair, []).append(tau)
                targets[key] = None if grid.target is None else np.asarray(grid.target)
            paths.append(
                analyse_path(
                    kind, spec, item.record, trace, split, references[key], targets[key], facts
                )
            )
        row = {"split": split, "method": method.name, **summarise(paths, spec_rows, groups)}
        row["decode_seconds"] = seconds
        row["analysis_seconds"] = time.perf_counter() - began
        rows.append(row)
        analysed[(split, method.name)] = paths
        name = f"{split}__{method.name}.jsonl".replace("/", "_")
        (out / "paths" / name).write_text(
            "".join(json.dumps(p.row(), allow_nan=False) + "\n" for p in paths)
        )
        print(
            f"{split} {method.name:>10}: analysed {len(paths)} paths in "
            f"{row['analysis_seconds']:.1f} s",
            flush=True,
        )
    header = {**header, "machine_name": machine_name()}
    between = {
        split: {pair: _mean(taus) for pair, taus in pairs.items()}
        for split, pairs in baselines.items()
    }
    summary = {**header, "results": rows, "reference_tau": between}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out / "summary.md").write_text(markdown(header, rows, between))
    if figures:
        from puzzlemdm.analysis.figures import draw_all

        cells = np.unique(
            np.concatenate(
                [kind.cell_positions(it.record.puzzle, spec) for _, _, items, _, _ in runs
                 for it in items] or [np.zeros(0, dtype=np.int64)]
            )
        )  # fmt: skip
        drawn = draw_all(
            analysed, rows, spec, out / "figures", seed=seed, groups=groups, cells=cells
        )
        summary["figures"] = [str(p) for p in drawn]
        (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary
