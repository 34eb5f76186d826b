"""Decoding methods side by side on a kind's test splits: accuracy, NFE, entropy, time.

Cheap methods (one path, step budget, MED, threshold, repair, guided search, the kind's default
classical solver) run on whole sets; expensive ones (E-BoN, E-SMC, info-gain) on a fixed seeded
subset per set (`--subset`, the same puzzles for every method, so comparisons are paired). Any
classical solver of the kind is a method by its name (`search` for Sudoku). Every puzzle's
outcome is one JSONL row under OUT/<split>/<method>[.shardIofK].jsonl; `--resume` skips rows
already written, `--shard i/k` takes puzzles with index % k == i. The report
(OUT/summary.{json,md}, `report.py`) gives per method accuracy with a Wilson 95% interval,
mean NFE and time, the AUROC of cumulative entropy as a predictor of failure, paired
differences against `--baseline` (bootstrap 95% interval, exact McNemar test), and
guided-search nodes against a classical solver's on the same puzzles. Methods are named as in
`catalog.py`. The kind is the checkpoint's; splits are named as in puzzlemdm.bench.splits. OUT
is a fresh folder under runs/ unless --out names one; rows of other weights or another device
than a table's are refused (bench.outputs).

    puzzlemdm bench methods --splits easy,medium,hard,norvig_top95 --methods cheap,expensive \
        --out benchmarks/results/decode_methods
    puzzlemdm bench methods --report-only --out benchmarks/results/decode_methods
"""

from __future__ import annotations

import json
import time
import zlib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.console import Console

from puzzlemdm.bench.catalog import GUIDED, lookup, method_names
from puzzlemdm.bench.measured import load_measured, require_scores_every_cell
from puzzlemdm.bench.names import check_for_family
from puzzlemdm.bench.outputs import command_line, fresh_folder, refuse_mixing
from puzzlemdm.bench.report import markdown, read_rows, report
from puzzlemdm.bench.splits import Item, default_splits, load_split, names_given, split_label
from puzzlemdm.decode import MethodConfig, decode_puzzles, guided_search_batch
from puzzlemdm.decode.puzzles import judged_answers
from puzzlemdm.model.checkpoint import provenance
from puzzlemdm.progress import CountProgress
from puzzlemdm.puzzles.base import PuzzleKind
from puzzlemdm.puzzles.grid import GridSpec, stack
from puzzlemdm.usage import UsageError

STDERR = Console(stderr=True)  # the progress bar's (shown on a terminal only)
EXTRAS = (
    "nodes",
    "guesses",
    "backtracks",
    "resamplings",
    "chosen_path",
    "paths_decoded",
    "repair_rounds",
    "lookahead_steps",
    "candidates_evaluated",
)
SEARCH_COUNTERS = ("nodes", "guesses", "backtracks")


@dataclass
class MethodsConfig:
    """The options of `puzzlemdm bench methods` (same names, same defaults)."""

    checkpoint: str | None = None  # None: the shipped model of the splits' kind
    runs: int | None = None  # a recurrent model's runs of its blocks (None: as its config says)
    settle: bool = False  # runs is a ceiling; a puzzle stops once a run changes nothing
    splits: str | None = None  # comma-separated names or paths; None: default_splits(kind)
    methods: str = "cheap,expensive"  # names or groups (cheap, expensive)
    subset: int = 250  # puzzles per split for the expensive methods
    limit: int | None = None  # first N puzzles of each split
    batch_size: int = 250
    node_limit: int = 200_000  # per guided search
    device: str = "auto"
    threads: int = 0  # torch threads (0: torch's default)
    seed: int = 0
    shard: str = "0/1"  # i/k: puzzles with index % k == i
    resume: bool = False  # keep rows already written
    baseline: str = "margin"  # the method the others are paired with
    report_only: bool = False  # only summarise OUT
    out: str | None = None  # None: a fresh folder under runs/


def method_command(config: MethodsConfig) -> str:
    """The command that defines a table's rows: the options not at their defaults, without
    --resume and --report-only, and --shard written `i/k` (they say how rows were computed,
    not which), so that a command's shards and resumed runs share one header."""
    default = MethodsConfig()
    options = {
        item.name: "i/k" if item.name == "shard" else getattr(config, item.name)
        for item in fields(MethodsConfig)
        if item.name not in ("resume", "report_only")
        and getattr(config, item.name) != getattr(default, item.name)
    }
    return command_line("puzzlemdm bench methods", options)


def parse_shard(shard: str) -> tuple[int, int]:
    """(i, k) of `--shard i/k`; UsageError unless 0 <= i < k."""
    try:
        i, k = (int(x) for x in shard.split("/"))
    except ValueError:
        raise UsageError("--shard must be i/k with 0 <= i < k") from None
    if not 0 <= i < k:
        raise UsageError("--shard must be i/k with 0 <= i < k")
    return i, k


def subset(items: list[Item], size: int, seed: int, split: str) -> list[Item]:
    """A fixed seeded subset (the same for every method and shard), in data order."""
    if size <= 0 or size >= len(items):
        return items
    rng = np.random.default_rng([seed, zlib.crc32(split.encode())])
    keep = np.sort(rng.choice(len(items), size=size, replace=False))
    return [items[i] for i in keep]


def out_file(out: Path, split: str, method: str, shard: tuple[int, int]) -> Path:
    """Where the rows of one split, method and shard go."""
    i, k = shard
    suffix = "" if k == 1 else f".shard{i}of{k}"
    return out / split / f"{method}{suffix}.jsonl"


def done_ids(path: Path) -> set[str]:
    """The puzzle ids a rows file already holds."""
    if not path.exists():
        return set()
    return {json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()}


def run_batch(
    model: Any,
    kind: PuzzleKind,
    spec: GridSpec,
    items: list[Item],
    method: MethodConfig,
    seed: int,
    device: torch.device,
    forced: bool = False,
) -> list[dict[str, Any]]:
    """Decode a chunk with a token-batch method; one row per puzzle. `forced` adds the share
    of the path's decisions that were forced cells when made (kinds with order facts)."""
    puzzles = [it.record.puzzle for it in items]
    facts = kind.order_facts() if forced else None
    generator = torch.Generator(device=device).manual_seed(seed)
    result = decode_puzzles(model, kind, puzzles, spec, method, generator=generator)
    batch = stack([kind.encode(it.record.puzzle, it.record.solution, spec) for it in items])
    final = result.tokens.cpu().numpy()
    blanks = batch["tokens"] < 0
    rows = []
    judged = judged_answers(kind, puzzles, final, spec)
    for b, (it, (answer, solved)) in enumerate(zip(items, judged, strict=True)):
        right = (final[b] == batch["target"][b]) & blanks[b]
        row = {
            "solved": solved,
            **optimality(kind, it.record, answer if solved else None),
            "cell_accuracy": round(float(right.sum() / max(blanks[b].sum(), 1)), 6),
            "nfe": int(result.nfe[b]),
            "cumulative_entropy": round(float(result.cumulative_entropy[b]), 6),
            "steps": int(result.n_steps[b]) if result.n_steps is not None else None,
            "seconds": result.seconds / len(items),
        }
        for key in EXTRAS:
            if key in result.info and isinstance(result.info[key], torch.Tensor):
                row[key] = result.info[key][b].item()
        if facts is not None:
            path = result.order[b] >= 0
            cells, values = result.order[b][path].tolist(), result.values[b][path].tolist()
            # a step's cells judged on the board before it, as the order analysis does
            steps = None if result.step is None else result.step[b][path].tolist()
            made = facts.replay(it.record.puzzle, cells, values, spec, steps=steps)
            row["forced_share"] = round(sum(f.forced for f in made) / max(len(made), 1), 6)
        rows.append(row)
    return rows


def optimality(kind: PuzzleKind, record: Any, answer: Any | None) -> dict[str, bool]:
    """{"optimal": ...} for kinds where right answers differ in quality (plan length); a
    missing (or rejected) answer is not optimal."""
    best = kind.optimal(record, answer)
    return {} if best is None else {"optimal": best}


def run_guided(
    model: Any,
    kind: PuzzleKind,
    spec: GridSpec,
    items: list[Item],
    siblings: bool,
    node_limit: int,
    branch: str = "margin",
) -> list[dict[str, Any]]:
    """Guided search on a chunk, one search after another (a pass per node, so that the time
    and passes per puzzle are those of a lone search); one row per puzzle."""
    puzzles = [it.record.puzzle for it in items]
    result = guided_search_batch(
        model, kind, puzzles, spec, node_limit=node_limit, batched=False, siblings=siblings,
        branch=branch,
    )  # fmt: skip
    rows = []
    judged = judged_answers(kind, puzzles, result.tokens, spec)
    for b, (item, (answer, verified)) in enumerate(zip(items, judged, strict=True)):
        solved = bool(result.info["found"][b]) and verified
        row = {
            "solved": solved,
            **optimality(kind, item.record, answer if solved else None),
            "nfe": int(result.nfe[b]),
            "cumulative_entropy": round(float(result.cumulative_entropy[b]), 6),
            "seconds": result.seconds / len(items),
        }
        row.update({key: int(result.info[key][b]) for key in (*SEARCH_COUNTERS, "rows")})
        rows.append(row)
    return rows


def run_classical(kind: PuzzleKind, item: Item, solver: str) -> dict[str, Any]:
    """A classical solver of the kind on one puzzle; its search counters when it has them."""
    began = time.perf_counter()
    result = kind.solve(item.record.puzzle, solver)
    seconds = time.perf_counter() - began
    solved = result.answer is not None and kind.verify(item.record.puzzle, result.answer).ok
    row = {"solved": solved, "nfe": 0, "cumulative_entropy": 0.0, "seconds": seconds}
    row.update(optimality(kind, item.record, result.answer if solved else None))
    row.update({key: int(result.stats[key]) for key in SEARCH_COUNTERS if key in result.stats})
    return row


def run_methods(config: MethodsConfig) -> dict[str, Any] | None:
    """Run `config` (unless report_only) and summarise OUT; None when this shard is one of
    several (the others may still be writing), else the summary (also printed as Markdown)."""
    if config.out is None:
        if config.report_only or config.resume or config.shard != "0/1":
            raise UsageError(
                "--report-only, --resume and --shard work on a table folder: name it with --out"
            )
        config = replace(config, out=str(fresh_folder("bench-methods")))
    if not config.report_only:
        shard = parse_shard(config.shard)
        run_rows(config, shard)
        if shard[1] != 1:
            print(f"shard {config.shard} done; summarise with --report-only --out {config.out}")
            return None
    if config.report_only and not Path(config.out).is_dir():
        raise UsageError(f"--report-only: {config.out} holds no table (no such folder)")
    check_baseline(config, [])
    summary = report(Path(config.out), config.baseline, config.seed)
    print(markdown(summary))
    return summary


def check_baseline(config: MethodsConfig, names: list[str]) -> None:
    """UsageError for a --baseline (other than the default) that neither this run (`names`)
    nor the table already in OUT has: the paired table would be silently empty."""
    out = Path(config.out) if config.out else None
    ran = {name for _, name in read_rows(out)} if out and out.is_dir() else set()
    if config.baseline != MethodsConfig.baseline and config.baseline not in ran | set(names):
        methods = ", ".join(sorted(ran | set(names)))
        raise UsageError(f"--baseline {config.baseline!r} is not a method of the table: {methods}")


def run_rows(config: MethodsConfig, shard: tuple[int, int]) -> None:
    """Write the JSONL rows of every split x method of `config` (this shard's puzzles)."""
    measured = load_measured(
        config.checkpoint, config.device, config.threads, config.runs, config.settle, config.splits
    )
    checkpoint, model, device = measured.checkpoint, measured.model, measured.device
    kind, spec = measured.kind, measured.spec
    names = method_names(config.methods, kind)
    for name in names:
        method, _ = lookup(name, kind)
        if not isinstance(method, str):
            check_for_family(name, method, measured.family)
    if config.node_limit != MethodsConfig.node_limit and not any(n in GUIDED for n in names):
        raise UsageError("--node-limit steers guided search, which none of --methods runs")
    check_baseline(config, names)
    if any(name not in kind.solvers for name in names):  # a classical table needs no model
        require_scores_every_cell(measured, "bench methods")
    out = Path(config.out)
    header = {
        **provenance(checkpoint, model, device, config.seed),
        "kind": kind.name,
        "subset": config.subset,
        "limit": config.limit,
        "command": method_command(config),
    }
    existing = [json.loads(p.read_text()) for p in sorted(out.glob("run.*.json"))]
    refuse_mixing(existing, header, str(out))
    splits = []  # every split read before anything is written: a wrong name leaves no folder
    chosen = (
        default_splits(kind) if config.splits is None else names_given(config.splits, "--splits")
    )
    for given in chosen:
        split = split_label(given, kind)
        everything = load_split(given, kind, config.limit)
        splits.append((split, everything, subset(everything, config.subset, config.seed, split)))
    if not out.exists():
        print(f"writing to {out}", flush=True)
    out.mkdir(parents=True, exist_ok=True)
    # One header per command (splits x methods), so that a table built by several commands
    # lists them all; the shards of a command, and its resumed runs, share one.
    label = zlib.crc32(header["command"].encode())
    other = sorted(out.glob(f"run.{label:08x}.shard*.json"))
    if any(not p.name.endswith(f"of{shard[1]}.json") for p in other):
        raise UsageError(
            f"{out} holds this command's rows in shards of another count ({other[0].name}): "
            "run every shard with the same --shard i/k, or give a fresh --out"
        )
    (out / f"run.{label:08x}.shard{shard[0]}of{shard[1]}.json").write_text(
        json.dumps(header, indent=2)
    )
    for split, everything, sampled in splits:
        for name in names:
            method, cheap = lookup(name, kind)
            items = [
                it for it in (everything if cheap else sampled) if it.index % shard[1] == shard[0]
            ]
            path = out_file(out, split, name, shard)
            path.parent.mkdir(parents=True, exist_ok=True)
            seen = done_ids(path) if config.resume else set()
            if not config.resume and path.exists():
                path.unlink()
            todo = [it for it in items if it.id not in seen]
            began = time.perf_counter()
            with path.open("a") as fh, CountProgress(STDERR, len(todo), f"{split} {name}") as bar:
                for start in range(0, len(todo), config.batch_size):
                    chunk = todo[start : start + config.batch_size]
                    if name in kind.solvers:
                        rows = [run_classical(kind, it, name) for it in chunk]
                    elif isinstance(method, str):
                        siblings, branch = GUIDED[method]
                        rows = run_guided(
                            model, kind, spec, chunk, siblings, config.node_limit, branch
                        )
                    else:
                        seed = zlib.crc32(f"{config.seed}/{split}/{name}/{chunk[0].index}".encode())
                        rows = run_batch(model, kind, spec, chunk, method, seed, device)
                    for it, row in zip(chunk, rows, strict=True):
                        known = {} if it.guesses is None else {"data_guesses": it.guesses}
                        row = {"id": it.id, "index": it.index, "split": split, "method": name,
                               **known, **row}  # fmt: skip
                        fh.write(json.dumps(row) + "\n")
                        bar.advance(row["solved"])
                    fh.flush()
            print(
                f"{split:>22} {name:>15}: {len(todo)} new, {len(items) - len(todo)} kept "
                f"({time.perf_counter() - began:.1f}s)",
                flush=True,
            )
