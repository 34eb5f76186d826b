"""Models side by side: MDM vs ARM vs VMD (matched budget) on the same puzzles, each with its
own decoding methods, every one paired against a baseline model/method.

    puzzlemdm bench models --model mdm=runs/sudoku-mdm-matched/last \
        --model arm-solver=puzzlemdm/checkpoints/sudoku-arm-solver \
        --methods mdm=margin,top-prob,random --methods arm-solver=arm,arm+bon8-vf,arm-oracle \
        --splits medium,hard --out benchmarks/results/mdm_vs_arm

Methods are named in the grammar of `puzzlemdm.bench.names` (an ARM's orders: `arm`, its
trained order; `arm-l2r`; `arm-oracle`, the kind's solver order given, values predicted).
Best-of-N runs on a fixed seeded subset of each split (`--subset`), the same puzzles for every
model. Rows are JSONL under OUT/<split>/<model>/<method>.jsonl; OUT/summary.{md,json} is the table.
"""

from __future__ import annotations

import json
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from puzzlemdm.bench.measured import Measured, load_measured
from puzzlemdm.bench.methods import run_batch, subset
from puzzlemdm.bench.names import check_for_family, is_arm_name, one_spelling, parse_method
from puzzlemdm.bench.outputs import fresh_folder, refuse_mixing, refuse_other_seed
from puzzlemdm.bench.report import pair
from puzzlemdm.bench.splits import load_split, names_in, split_label
from puzzlemdm.bench.stats import wilson
from puzzlemdm.decode import MethodConfig
from puzzlemdm.model.checkpoint import provenance
from puzzlemdm.progress import CountProgress
from puzzlemdm.usage import UsageError

STDERR = Console(stderr=True)  # the progress bar's (shown on a terminal only)


@dataclass
class ModelsConfig:
    """The options of `puzzlemdm bench models`."""

    models: list[str] = field(default_factory=list)  # NAME=CHECKPOINT, in table order
    methods: list[str] = field(default_factory=list)  # NAME=METHOD,METHOD,...
    splits: str = "medium,hard"
    subset: int = 200  # puzzles per split for best-of-N methods
    limit: int | None = None  # first N puzzles of each split
    batch_size: int = 250
    device: str = "auto"
    threads: int = 0
    seed: int = 0
    baseline: str = ""  # MODEL/METHOD, or MODEL (each method against its own); default:
    # the first model's first method
    out: str | None = None  # None: a fresh folder under runs/
    resume: bool = False  # keep rows files an earlier run finished, and its models


def pairs(items: list[str], what: str) -> dict[str, str]:
    """`NAME=VALUE` options as an ordered dict; UsageError on a malformed or repeated one."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise UsageError(f"{what} {item!r}: expected NAME=VALUE")
        if key in out:
            raise UsageError(f"{what} {item!r}: {key!r} is named twice; give each its own name")
        out[key] = value
    return out


def training_facts(checkpoint: str) -> dict[str, Any]:
    """What the table says about how a checkpoint was trained (from its config.json)."""
    config = json.loads((Path(checkpoint) / "config.json").read_text())
    recipe = config.get("recipe", {})
    optim = recipe.get("optim", {})
    seconds = config.get("elapsed_s")
    # the training log beside a shipped checkpoint, or in the run folder above its last/ or best/
    logs = (Path(checkpoint) / "metrics.jsonl", Path(checkpoint).parent / "metrics.jsonl")
    log = next((path for path in logs if path.exists()), None)
    if seconds is None and log is not None:
        times = [json.loads(line).get("elapsed_s") for line in log.read_text().splitlines()]
        seconds = max((t for t in times if t is not None), default=None)
    return {
        "family": config["model"].get("family", "mdm"),
        "order": config["model"].get("order", ""),
        "step": config.get("step"),
        "batch_size": optim.get("batch_size"),
        "train_seconds": seconds,
        "train_device": recipe.get("device"),
        "recipe": recipe.get("name"),
    }


def run_models(config: ModelsConfig) -> dict[str, Any]:
    """Write every model x method x split's rows, then the summary (returned and printed)."""
    models = pairs(config.models, "--model")
    slashed = [name for name in models if "/" in name]
    if slashed:  # MODEL/METHOD names a table's row: a model's name holds no '/'
        raise UsageError(f"--model {slashed[0]!r}: a model's name holds no '/'")
    methods = {k: names_in(v) for k, v in pairs(config.methods, "--methods").items()}
    if not models:
        raise UsageError("name at least one --model NAME=CHECKPOINT")
    unknown = sorted(set(methods) - set(models))
    if unknown:
        raise UsageError(f"--methods for models not named by --model: {unknown}")
    parsed = {m: {n: parse_method(n) for n in methods.get(m, ["margin"])} for m in models}
    for m, named in parsed.items():
        one_spelling(list(named), list(named.values()), f"--methods {m}")
    first = next(iter(models))
    baseline = config.baseline or f"{first}/{next(iter(parsed[first]))}"
    model, _, method = baseline.partition("/")
    if model not in parsed or (method and method not in parsed[model]):
        named = ", ".join(f"{m}/{n}" for m in parsed for n in parsed[m])
        raise UsageError(f"--baseline {baseline!r} names no model or model/method run: {named}")
    # every model loaded and every split read before anything is written
    loaded = {
        name: load_measured(path, config.device, config.threads) for name, path in models.items()
    }
    for name, measured in loaded.items():  # an ARM runs its own order under any other name
        wrong = [m for m in parsed[name] if is_arm_name(m) != measured.autoregressive]
        if wrong:
            arm = measured.autoregressive
            family = "an autoregressive model" if arm else "not an autoregressive model"
            needs = "arm, arm-l2r or arm-oracle" if arm else "an MDM order such as margin"
            raise UsageError(f"--model {name} is {family}: methods {wrong} need {needs}")
        for method_name, method in parsed[name].items():
            check_for_family(method_name, method, measured.family)
    kinds = {name: measured.kind.name for name, measured in loaded.items()}
    if len(set(kinds.values())) > 1:
        said = ", ".join(f"{name} {kind}" for name, kind in kinds.items())
        raise UsageError(f"one table compares models of one kind; the models read: {said}")
    kind = loaded[first].kind
    for given in names_in(config.splits):
        load_split(given, kind, config.limit)
    if config.resume and config.out is None:
        raise UsageError("--resume continues a table folder: name it with --out")
    out = Path(config.out) if config.out else fresh_folder("bench-models")
    headers = [
        {
            "model": name,
            **provenance(checkpoint, loaded[name].model, loaded[name].device, config.seed),
            **training_facts(checkpoint),
        }
        for name, checkpoint in models.items()
    ]
    # A model's rows in OUT stay summarised beside this run's: they must be of one seed, and a
    # name keeps its weights and device (rows of two weights under one name were "kept").
    described = out / "models.json"
    earlier = json.loads(described.read_text()) if described.exists() else []
    refuse_other_seed(earlier, config.seed, str(out))
    for header in headers:
        refuse_mixing([e for e in earlier if e["model"] == header["model"]], header, str(out))
    out.mkdir(parents=True, exist_ok=True)
    for name in models:
        for given in names_in(config.splits):
            run_split(config, out, name, loaded[name], given, parsed[name])
    named = {h["model"] for h in headers}  # models measured by earlier runs stay described
    headers = [h for h in earlier if h["model"] not in named] + headers
    described.write_text(json.dumps(headers, indent=2) + "\n")
    summary = summarise(out, headers, baseline, config.seed)
    print(markdown(summary))
    return summary


def run_split(
    config: ModelsConfig,
    out: Path,
    model_name: str,
    measured: Measured,
    given: str,
    methods: dict[str, MethodConfig],
) -> None:
    """One model's methods on one split: rows to OUT/<split>/<model>/<method>.jsonl."""
    kind = measured.kind
    split = split_label(given, kind)
    everything = load_split(given, kind, config.limit)
    sampled = subset(everything, config.subset, config.seed, split)
    for name, method in methods.items():
        items = sampled if method.paths > 1 else everything
        path = out / split / model_name / f"{name}.jsonl"
        if config.resume and _complete(path, items):
            print(f"{split:>14} {model_name:>14} {name:>18}: kept", flush=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        label = f"{split} {model_name} {name}"
        with path.open("w") as fh, CountProgress(STDERR, len(items), label) as bar:
            for start in range(0, len(items), config.batch_size):
                chunk = items[start : start + config.batch_size]
                seed = chunk_seed(config.seed, split, name, chunk[0].index)
                rows = run_batch(
                    measured.model,
                    kind,
                    measured.spec,
                    chunk,
                    method,
                    seed,
                    measured.device,
                    forced=kind.order_facts() is not None,
                )
                for item, row in zip(chunk, rows, strict=True):
                    fh.write(json.dumps({"id": item.id, "index": item.index, **row}) + "\n")
                    bar.advance(row["solved"])
        print(
            f"{split:>14} {model_name:>14} {name:>18}: {len(items)} puzzles "
            f"({time.perf_counter() - began:.1f}s)",
            flush=True,
        )


def chunk_seed(seed: int, split: str, method: str, first_index: int) -> int:
    """The decoding seed of a chunk of rows: a table's rows decode again the same from it."""
    return zlib.crc32(f"{seed}/{split}/{method}/{first_index}".encode())


def _mean_of(rows: list[dict], key: str) -> float | None:
    """The mean of a field every row has, else None."""
    if not rows or any(key not in r for r in rows):
        return None
    return float(np.mean([r[key] for r in rows]))


def _complete(path: Path, items: list) -> bool:
    """Whether a rows file already holds exactly these puzzles (a finished earlier run)."""
    if not path.exists():
        return False
    ids = [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]
    return ids == [item.id for item in items]


def summarise(out: Path, headers: list[dict], baseline: str, seed: int) -> dict[str, Any]:
    """Accuracy with Wilson intervals per split x model x method, each paired against the
    baseline on the puzzles both ran (bootstrap interval of the difference, McNemar p)."""
    table: dict[tuple[str, str], dict[str, dict]] = {}
    # OUT/<split>/<model>/<method>.jsonl, where a method's name may hold slashes (steps5 of
    # margin: margin/steps5.jsonl)
    for model_dir in sorted(p for p in out.glob("*/*") if p.is_dir()):
        split, model = model_dir.parent.name, model_dir.name
        for path in sorted(model_dir.rglob("*.jsonl")):
            method = path.relative_to(model_dir).as_posix().removesuffix(".jsonl")
            rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            if rows:  # an empty file is a method stopped before its first batch: no method
                table[(split, f"{model}/{method}")] = {r["id"]: r for r in rows}
    results, paired = [], []
    for (split, name), rows in sorted(table.items()):
        values = list(rows.values())
        k, n = sum(r["solved"] for r in values), len(values)
        results.append(
            {
                "split": split,
                "model": name.split("/")[0],
                "method": name.split("/", 1)[1],
                "puzzles": n,
                "accuracy": k / n if n else float("nan"),
                "accuracy_ci95": wilson(k, n),
                "mean_nfe": float(np.mean([r["nfe"] for r in values])),
                "seconds_per_puzzle": float(np.mean([r["seconds"] for r in values])),
                "forced_share": _mean_of(values, "forced_share"),
            }
        )
        # a MODEL baseline pairs each method with the same method of that model
        against = baseline if "/" in baseline else f"{baseline}/{name.split('/', 1)[1]}"
        base = table.get((split, against))
        if base is not None and name != against:
            common = sorted(set(rows) & set(base))
            if common:
                paired.append(pair(split, name, against, base, rows, common, seed))
    summary = {"models": headers, "baseline": baseline, "results": results, "paired": paired}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out / "summary.md").write_text(markdown(summary))
    return summary


def markdown(summary: dict[str, Any]) -> str:
    """The summary as Markdown: the models, then one row per split x model x method."""
    pct = lambda x: f"{100 * x:.1f}"  # noqa: E731
    lines = [
        "| model | family (order) | parameters | trained (steps x batch, s, device) | "
        "evaluated on | weights |",
        "|---|---|---|---|---|---|",
    ]
    for h in summary["models"]:
        family = h["family"] + (f" ({h['order']})" if h["order"] else "")
        seconds = "?" if h["train_seconds"] is None else f"{h['train_seconds']:.0f}"
        lines.append(
            f"| {h['model']} | {family} | {h['parameters']:,} | {h['step']} x {h['batch_size']}, "
            f"{seconds} s, {h['train_device']} | {h['device']}, {h['threads']} threads, "
            f"{h['machine']} | `{h['weights_sha256']}` |"
        )
    paired = {(p["split"], p["method"]): p for p in summary["paired"]}
    lines += [
        "",
        f"Paired against `{summary['baseline']}` (a model alone: its same method) on the same "
        "puzzles: difference in points "
        "(bootstrap 95% CI) and McNemar's exact p. forced % = the share of a path's decisions "
        "whose cell was forced when it was decided, by the kind's own test (its order facts: "
        "for Sudoku a naked or hidden single, for Zebra a person one round of the clues fixes, "
        "and nothing once the path contradicts the clues).",
        "",
        "| split | model | method | puzzles | solved % (95% CI) | mean NFE | s/puzzle | "
        "forced % | diff vs baseline (95% CI) | p |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in summary["results"]:
        low, high = r["accuracy_ci95"]
        name = f"{r['model']}/{r['method']}"
        p = paired.get((r["split"], name))
        baseline = summary["baseline"]
        own = name == baseline or (
            "/" not in baseline and r["model"] == baseline  # a MODEL baseline: each its own
        )
        versus = (
            ("baseline" if own else "-")
            if p is None
            else (
                f"{100 * p['difference']:+.1f} ({100 * p['difference_ci95'][0]:+.1f}, "
                f"{100 * p['difference_ci95'][1]:+.1f}) on {p['puzzles']}"
            )
        )
        lines.append(
            f"| {r['split']} | {r['model']} | {r['method']} | {r['puzzles']} | "
            f"{pct(r['accuracy'])} ({pct(low)}–{pct(high)}) | {r['mean_nfe']:.1f} | "
            f"{r['seconds_per_puzzle']:.4f} | "
            f"{'' if r.get('forced_share') is None else pct(r['forced_share'])} | {versus} | "
            f"{'' if p is None else format(p['mcnemar_p'], '.3g')} |"
        )
    return "\n".join(lines) + "\n"
