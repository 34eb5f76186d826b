"""`puzzlemdm analyze orders`: decode splits with several methods, analyse the orders, write
the table (Markdown + JSON) and the figures.

The run folder holds `traces/<split>__<method>.jsonl` (one decoded path per line, with the
decoding wall time in `traces/times.json`), `summary.md`, `summary.json`, `paths/` (per-path
analysis rows) and `figures/`. A trace file that is already there is read instead of decoded
again, and only the puzzles it lacks (a larger `--limit` than before) are decoded and added, so
an interrupted study resumes, a subset grows into the whole split, and a finished study can be
re-analysed cheaply.
"""

from __future__ import annotations

import importlib.util
import json
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from puzzlemdm.analysis.methods import parse_methods
from puzzlemdm.bench.outputs import command_line, fresh_folder, refuse_mixing
from puzzlemdm.usage import UsageError


@dataclass
class StudyConfig:
    """The options of `puzzlemdm analyze orders` (same names, same defaults)."""

    checkpoint: str | None = None  # None: the shipped model of the splits' kind
    splits: str | None = None  # comma-separated names or paths; None: the kind's level tests
    methods: str = "margin,top-prob,entropy,random,med0.01"
    limit: int | None = None  # first N puzzles of each split
    batch_size: int = 500
    device: str = "cpu"
    threads: int = 1  # torch threads (the default leaves the other cores free)
    seed: int = 0
    out: str | None = None  # run folder; None: a fresh runs/order-study-<time>/
    figures: bool = True
    decode: bool = True  # False: analyse OUT's traces as they are


def refuse_other_traces(out: Path, measuring: dict[str, Any]) -> None:
    """UsageError when OUT's traces (or its table) came from other weights (so another kind),
    another device or seed than this run's: reused, they would be published under this run's
    name."""
    earlier = [
        json.loads(path.read_text())
        for path in (out / "traces" / "measured.json", out / "summary.json")
        if path.is_file()
    ]
    refuse_mixing(earlier, measuring, str(out))  # weights (so kind), device, seed


def decode_seconds(
    rows: list[dict[str, Any]], stored: list[dict[str, Any]], file_seconds: float | None
) -> float | None:
    """The decoding time of `rows`: their own shares of their batches' times, or, for traces
    written before rows kept them, the whole file's time when the rows are the whole file
    (None when they are a part of it: the file's time would be another count's)."""
    if rows and all("decode_share" in r for r in rows):
        return sum(r["decode_share"] for r in rows)
    whole = {r["index"] for r in rows} >= {r["index"] for r in stored}
    return file_seconds if whole else None


def trace_name(split: str, method: str) -> str:
    """The trace file of one split and method."""
    return f"{split}__{method}.jsonl".replace("/", "_")


def by_index(row: dict[str, Any]) -> int:
    """Sort key of trace rows: the puzzle's place in its split."""
    return row["index"]


def run_study(config: StudyConfig) -> dict[str, Any]:
    """Decode (or reuse traces), analyse, write; returns the summary written to summary.json."""
    from puzzlemdm.analysis.decoding import decode_split, read_rows, write_rows
    from puzzlemdm.bench.measured import load_measured
    from puzzlemdm.bench.splits import level_splits, load_split, names_given, split_label
    from puzzlemdm.model.checkpoint import provenance

    methods = parse_methods(config.methods)
    if config.figures and importlib.util.find_spec("matplotlib") is None:
        raise UsageError(
            "the figures need matplotlib: pip install 'puzzlemdm[analysis]' (or --no-figures)"
        )
    if not methods:
        raise UsageError("--methods: give at least one method")
    if not config.decode and config.out is None:
        raise UsageError("--no-decode analyses a study's traces: name its folder with --out")
    out = Path(config.out) if config.out else fresh_folder("order-study")
    measured = load_measured(config.checkpoint, config.device, config.threads, splits=config.splits)
    kind, spec = measured.kind, measured.spec
    wrong = [m.name for m in methods if m.autoregressive != measured.autoregressive]
    if wrong:  # an ARM decodes in its own order whatever the method's name says
        needs = "only arm (its own order)" if measured.autoregressive else "MDM orders, not arm"
        raise UsageError(f"--methods {', '.join(wrong)}: {measured.checkpoint} takes {needs}")
    measuring = provenance(measured.checkpoint, measured.model, measured.device, config.seed)
    measuring["kind"] = kind.name
    refuse_other_traces(out, measuring)
    splits = level_splits(kind) if config.splits is None else names_given(config.splits, "--splits")
    ran = replace(config, checkpoint=measured.checkpoint, splits=",".join(splits), out=str(out))
    traces = out / "traces"
    traces.mkdir(parents=True, exist_ok=True)
    (traces / "measured.json").write_text(json.dumps(measuring, indent=2) + "\n")
    (out / "config.json").write_text(json.dumps(asdict(ran), indent=2) + "\n")
    times_file = traces / "times.json"
    times = json.loads(times_file.read_text()) if times_file.is_file() else {}
    loaded = {}
    for split in splits:
        label = split_label(split, kind)
        loaded[label] = load_split(split, kind, config.limit)
    runs = []
    for method in methods:
        for label, items in loaded.items():
            name = trace_name(label, method.name)
            path = traces / name
            if not config.decode and not path.is_file():
                raise UsageError(f"--no-decode: {path} was never decoded (run without it first)")
            indices = {it.index for it in items}
            stored = read_rows(path) if path.is_file() else []
            rows = [r for r in stored if r["index"] in indices]
            have = {r["index"] for r in rows}
            missing = [it for it in items if it.index not in have] if config.decode else []
            if missing:  # a new trace, or one decoded with a smaller --limit: add what it lacks
                decoded, seconds = decode_split(
                    measured.model,
                    kind,
                    spec,
                    missing,
                    method,
                    batch_size=config.batch_size,
                    seed=config.seed,
                    device=measured.device,
                )
                write_rows(path, sorted(stored + decoded, key=by_index))
                times[name] = times.get(name, 0.0) + seconds  # all the file's rows took
                times_file.write_text(json.dumps(times, indent=2) + "\n")
                rows = sorted(rows + decoded, key=by_index)
            solved = sum(r["solved"] for r in rows)
            seconds = decode_seconds(rows, stored, times.get(name))
            print(
                f"{label} {method.name:>10}: solved {solved}/{len(rows)}, decoded in "
                f"{float('nan') if seconds is None else seconds:.1f} s",
                flush=True,
            )
            runs.append((label, method, items, rows, seconds))
    # imported here: analysis modules load after decoding, so a long study picks up the last
    # saved version, and an analysis error never costs the decoded traces
    from puzzlemdm.analysis.report import analyse_runs

    header = {
        **provenance(measured.checkpoint, measured.model, measured.device, config.seed),
        "kind": kind.name,
        "command": command_line(  # --figures and --decode, the defaults, left unsaid
            "puzzlemdm analyze orders",
            {k: v for k, v in asdict(ran).items() if v is not None and v is not True},
        ),
    }
    began = time.perf_counter()
    summary = analyse_runs(kind, spec, runs, header, out, figures=config.figures, seed=config.seed)
    print(f"analysed in {time.perf_counter() - began:.1f} s; wrote {out}", flush=True)
    return summary
