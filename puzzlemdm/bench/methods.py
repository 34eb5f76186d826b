"""Decoding methods side by side on the Sudoku test splits: accuracy, NFE, entropy, time.

Cheap methods (one path, step budget, MED, threshold, repair, guided search, MRV) run on whole
sets; expensive ones (E-BoN, E-SMC, info-gain) on a fixed seeded subset per set (`--subset`,
the same puzzles for every method, so comparisons are paired). Every puzzle's outcome is one
JSONL row under OUT/<split>/<method>[.shardIofK].jsonl; `--resume` skips rows already written,
`--shard i/k` takes puzzles with index % k == i. The report (OUT/summary.{json,md}) gives per
method accuracy with a Wilson 95% interval, mean NFE and time, the AUROC of cumulative entropy
as a predictor of failure, paired differences against `--baseline` (bootstrap 95% interval,
exact McNemar test), and guided-search nodes against MRV's on the same puzzles.

Split names are shortcuts for the repository's test splits (easy, medium, hard) and the sets in
../shared/benchmarks/sudoku/ (paths relative to the working folder); any JSONL or CSV path works.

    puzzlemdm bench methods --splits easy,medium,hard,norvig_top95 --methods cheap,expensive \
        --out benchmarks/results/decode_methods
    puzzlemdm bench methods --report-only --out benchmarks/results/decode_methods
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shlex
import sys
import time
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from puzzlemdm.bench.orders import by_guesses
from puzzlemdm.bench.stats import auroc, mcnemar, paired_bootstrap, wilson
from puzzlemdm.decode import MethodConfig, StepConfig, guided_search, run_method
from puzzlemdm.model.checkpoint import (
    load_checkpoint,
    provenance,
    resolve_device,
    shipped_checkpoint,
)
from puzzlemdm.puzzles.grid import stack
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.sudoku.board import Sudoku
from puzzlemdm.puzzles.sudoku.verify import verify

SUDOKU = get_kind("sudoku")

LOCAL = {level: f"datasets/sudoku/{level}/test.jsonl" for level in ("easy", "medium", "hard")}
EXTERNAL = {
    name: f"../shared/benchmarks/sudoku/{name}.csv"
    for name in ("norvig_top95", "norvig_hardest", "magictour_top1465", "royle_17clue_sample500")
}

MED = StepConfig(schedule="med", med_lambda=0.2)
# name -> (method, cheap). "guided" and "mrv" are searches, not token-batch methods.
METHODS: dict[str, tuple[MethodConfig | str, bool]] = {
    "margin": (MethodConfig(), True),
    "steps18": (MethodConfig(step=StepConfig(schedule="steps", steps=18)), True),
    "med": (MethodConfig(step=MED), True),
    "med0.1": (MethodConfig(step=replace(MED, med_lambda=0.1)), True),
    "med0.5": (MethodConfig(step=replace(MED, med_lambda=0.5)), True),
    "tau0.9": (MethodConfig(step=StepConfig(schedule="threshold", tau=0.9)), True),
    "margin-prune": (MethodConfig(prune=True), True),
    "repair": (MethodConfig(repair=True), True),
    "med-repair": (MethodConfig(step=MED, repair=True), True),
    "guided": ("guided", True),
    "guided-siblings": ("guided-siblings", True),
    "mrv": ("mrv", True),
    "bon8": (MethodConfig(paths=8), False),
    "bon8-vf": (MethodConfig(paths=8, select="verified-first"), False),
    "bon8-vf-repair": (MethodConfig(paths=8, select="verified-first", repair=True), False),
    "bon16-vf-repair": (MethodConfig(paths=16, select="verified-first", repair=True), False),
    "smc8": (MethodConfig(smc_particles=8, smc_lambda=1.0, smc_every=5), False),
    "infogain8": (MethodConfig(info_gain=True, candidates=8), False),
}
GROUPS = {
    "cheap": [k for k, (_, cheap) in METHODS.items() if cheap],
    "expensive": [k for k, (_, cheap) in METHODS.items() if not cheap],
}


def lookup(name: str) -> tuple[MethodConfig | str, bool] | None:
    """A named method, or `med<lambda>` (e.g. med0.05) for a MED schedule at any threshold."""
    if name in METHODS:
        return METHODS[name]
    if name.startswith("med"):
        try:
            return MethodConfig(step=replace(MED, med_lambda=float(name[3:]))), True
        except ValueError:
            return None
    return None


EXTRAS = (
    "nodes",
    "guesses",
    "backtracks",
    "mrv_nodes",
    "resamplings",
    "chosen_path",
    "repair_rounds",
    "lookahead_steps",
    "candidates_evaluated",
)


@dataclass
class Item:
    """One test puzzle."""

    index: int
    id: str
    puzzle: Sudoku
    solution: Sudoku
    guesses: int  # MRV guesses to prove uniqueness (from the data set)


def command_args(argv: list[str]) -> list[str]:
    """The arguments that define a table's rows: without --shard (written `--shard i/k`) and
    --resume, which only say how the rows were computed."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--shard":
            kept += ["--shard", "i/k"]
            skip = True
        elif arg.startswith("--shard="):
            kept += ["--shard", "i/k"]
        elif arg != "--resume":
            kept.append(arg)
    return kept


def split_label(given: str) -> str:
    """The name rows carry: a shortcut's name, else `<folder>-<file stem>` of the path (so that
    datasets/sudoku/easy/test.jsonl and .../medium/test.jsonl stay apart)."""
    if given in LOCAL or given in EXTERNAL:
        return given
    path = Path(given)
    return f"{path.parent.name}-{path.stem}" if path.parent.name else path.stem


def load_split(name: str) -> list[Item]:
    """The puzzles of a local split (JSONL) or an external benchmark (CSV)."""
    path = Path(LOCAL.get(name) or EXTERNAL.get(name) or name)
    if not path.exists():
        raise SystemExit(f"{path}: not found (splits: {', '.join([*LOCAL, *EXTERNAL])})")
    items = []
    if path.suffix == ".csv":
        with path.open() as fh:
            for i, row in enumerate(csv.DictReader(fh)):
                items.append(
                    Item(
                        i,
                        f"{path.stem}-{row['idx']}",
                        Sudoku.from_line(row["puzzle"]),
                        Sudoku.from_line(row["solution"]),
                        int(row.get("search_guesses") or 0),
                    )
                )
        return items
    for i, line in enumerate(path.read_text().splitlines()):
        if line.strip():
            row = json.loads(line)
            meta = row.get("meta", {})
            items.append(
                Item(
                    i,
                    row.get("id", str(i)),
                    Sudoku.from_line(row["puzzle"]),
                    Sudoku.from_line(row["solution"]),
                    int(meta.get("search_guesses", 0)),
                )
            )
    return items


def subset(items: list[Item], size: int, seed: int, split: str) -> list[Item]:
    """A fixed seeded subset (the same for every method and shard), in data order."""
    if size <= 0 or size >= len(items):
        return items
    rng = np.random.default_rng([seed, zlib.crc32(split.encode())])
    keep = np.sort(rng.choice(len(items), size=size, replace=False))
    return [items[i] for i in keep]


def out_file(out: Path, split: str, method: str, shard: tuple[int, int]) -> Path:
    i, k = shard
    suffix = "" if k == 1 else f".shard{i}of{k}"
    return out / split / f"{method}{suffix}.jsonl"


def done_ids(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()}


def run_batch(model, items: list[Item], method: MethodConfig, seed: int, device) -> list[dict]:
    """Decode a chunk with a token-batch method; one row per puzzle."""
    grids = [SUDOKU.encode(it.puzzle, it.solution) for it in items]
    batch = stack(grids)
    tokens = torch.as_tensor(batch["tokens"], device=device)
    differ = torch.as_tensor(grids[0].spec.differ, device=device)
    generator = torch.Generator(device=device).manual_seed(seed)
    result = run_method(
        model,
        tokens,
        torch.as_tensor(batch["allowed"], device=device),
        method,
        differ=differ,
        generator=generator,
    )
    final = result.tokens.cpu().numpy()
    blanks = batch["tokens"] < 0
    rows = []
    for b, it in enumerate(items):
        answer = SUDOKU.decode_tokens(it.puzzle, final[b])
        right = (final[b] == batch["target"][b]) & blanks[b]
        row = {
            "solved": verify(it.puzzle, answer).ok,
            "cell_accuracy": round(float(right.sum() / max(blanks[b].sum(), 1)), 6),
            "nfe": int(result.nfe[b]),
            "cumulative_entropy": round(float(result.cumulative_entropy[b]), 6),
            "steps": int(result.n_steps[b]) if result.n_steps is not None else None,
            "seconds": result.seconds / len(items),
        }
        for key in EXTRAS:
            if key in result.info and isinstance(result.info[key], torch.Tensor):
                row[key] = result.info[key][b].item()
        rows.append(row)
    return rows


def run_search(model, item: Item, kind: str, node_limit: int) -> dict:
    """Guided search (model order) or plain MRV search on one puzzle."""
    began = time.perf_counter()
    if kind == "mrv":
        from puzzlemdm.puzzles.sudoku.search import solve_search

        out = solve_search(item.puzzle, node_limit=node_limit, trace=False)
        answer, stats = out.answer, out.stats
        nfe, entropy = 0, 0.0
    else:
        g = guided_search(
            model, item.puzzle, node_limit=node_limit, siblings=kind == "guided-siblings"
        )
        answer, nfe, entropy = g.answer, g.nfe, sum(g.node_entropy)
        stats = {"nodes": g.nodes, "guesses": g.guesses, "backtracks": g.backtracks}
        stats["rows"] = g.rows
    return {
        "solved": answer is not None and verify(item.puzzle, answer).ok,
        "nfe": nfe,
        "cumulative_entropy": round(entropy, 6),
        "seconds": time.perf_counter() - began,
        "nodes": int(stats["nodes"]),
        "guesses": int(stats["guesses"]),
        "backtracks": int(stats["backtracks"]),
        **({"rows": stats["rows"]} if "rows" in stats else {}),
    }


def run(args: argparse.Namespace, argv: list[str]) -> None:
    shard = tuple(int(x) for x in args.shard.split("/"))
    if len(shard) != 2 or not 0 <= shard[0] < shard[1]:
        raise SystemExit("--shard must be i/k with 0 <= i < k")
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    model = load_checkpoint(args.checkpoint, device)
    out = Path(args.out)
    names = [m for group in args.methods.split(",") for m in GROUPS.get(group, [group])]
    unknown = [m for m in names if lookup(m) is None]
    if unknown:
        raise SystemExit(f"unknown methods {unknown}; choose from {', '.join(METHODS)}")
    header = {
        **provenance(args.checkpoint, model, device, args.seed),
        "subset": args.subset,
        "limit": args.limit,
        "command": shlex.join(["puzzlemdm", "bench", "methods", *command_args(argv)]),
    }
    out.mkdir(parents=True, exist_ok=True)
    # One header per command (splits x methods), so that a table built by several commands
    # lists them all; the shards of a command, and its resumed runs, share one.
    label = zlib.crc32(header["command"].encode())
    (out / f"run.{label:08x}.shard{shard[0]}of{shard[1]}.json").write_text(
        json.dumps(header, indent=2)
    )
    for given in args.splits.split(","):
        split = split_label(given)
        everything = load_split(given)[: args.limit]
        sampled = subset(everything, args.subset, args.seed, split)
        for name in names:
            method, cheap = lookup(name)
            items = [
                it for it in (everything if cheap else sampled) if it.index % shard[1] == shard[0]
            ]
            path = out_file(out, split, name, shard)
            path.parent.mkdir(parents=True, exist_ok=True)
            seen = done_ids(path) if args.resume else set()
            if not args.resume and path.exists():
                path.unlink()
            todo = [it for it in items if it.id not in seen]
            began = time.perf_counter()
            with path.open("a") as fh:
                for start in range(0, len(todo), args.batch_size):
                    chunk = todo[start : start + args.batch_size]
                    if isinstance(method, str):
                        rows = [run_search(model, it, method, args.node_limit) for it in chunk]
                    else:
                        seed = zlib.crc32(f"{args.seed}/{split}/{name}/{chunk[0].index}".encode())
                        rows = run_batch(model, chunk, method, seed, device)
                    for it, row in zip(chunk, rows, strict=True):
                        row = {"id": it.id, "index": it.index, "split": split, "method": name,
                               "data_guesses": it.guesses, **row}  # fmt: skip
                        fh.write(json.dumps(row) + "\n")
                    fh.flush()
            print(
                f"{split:>22} {name:>15}: {len(todo)} new, {len(items) - len(todo)} kept "
                f"({time.perf_counter() - began:.1f}s)",
                flush=True,
            )


def read_rows(out: Path) -> dict[tuple[str, str], dict[str, dict]]:
    """(split, method) -> id -> row, merged over shards (the last row of an id wins)."""
    table: dict[tuple[str, str], dict[str, dict]] = {}
    for path in sorted(out.glob("*/*.jsonl")):
        for line in path.read_text().splitlines():
            if line.endswith("}"):  # a shard still writing may have left half a line
                row = json.loads(line)
                table.setdefault((row["split"], row["method"]), {})[row["id"]] = row
    return table


def report(out: Path, baseline: str, seed: int) -> dict:
    """Summaries, paired comparisons and guided-vs-MRV nodes from the JSONL rows."""
    table = read_rows(out)
    methods, paired, nodes = [], [], []
    for (split, name), rows in sorted(table.items()):
        values = list(rows.values())
        solved = np.array([r["solved"] for r in values])
        entropy = np.array([r["cumulative_entropy"] for r in values], dtype=float)
        k, n = int(solved.sum()), len(values)
        methods.append(
            {
                "split": split,
                "method": name,
                "puzzles": n,
                "accuracy": k / n if n else math.nan,
                "accuracy_ci95": wilson(k, n),
                "cell_accuracy": float(
                    np.mean([r.get("cell_accuracy", r["solved"]) for r in values])
                ),
                "mean_nfe": float(np.mean([r["nfe"] for r in values])),
                "seconds_per_puzzle": float(np.mean([r["seconds"] for r in values])),
                "auroc_entropy_failure": None if name == "mrv" else auroc(entropy, ~solved),
                "by_search_guesses": by_guesses(
                    [r["data_guesses"] for r in values], [r["solved"] for r in values]
                ),
            }
        )
        base = table.get((split, baseline))
        if base is not None and name != baseline:
            common = sorted(set(rows) & set(base))
            if common:
                a = np.array([base[i]["solved"] for i in common])
                b = np.array([rows[i]["solved"] for i in common])
                nfe_a = np.mean([base[i]["nfe"] for i in common])
                nfe_b = np.mean([rows[i]["nfe"] for i in common])
                paired.append(
                    {
                        "split": split,
                        "method": name,
                        "baseline": baseline,
                        "puzzles": len(common),
                        "baseline_accuracy": float(a.mean()),
                        "accuracy": float(b.mean()),
                        "difference": float(b.mean() - a.mean()),
                        "difference_ci95": paired_bootstrap(a, b, seed),
                        "only_baseline": int((a & ~b).sum()),
                        "only_method": int((b & ~a).sum()),
                        "mcnemar_p": mcnemar(int((a & ~b).sum()), int((b & ~a).sum())),
                        "nfe_ratio": float(nfe_a / nfe_b) if nfe_b else None,
                    }
                )
        if name == "guided" and (split, "mrv") in table:
            mrv = table[(split, "mrv")]
            common = sorted(set(rows) & set(mrv))
            g = np.array([rows[i]["nodes"] for i in common])
            m = np.array([mrv[i]["nodes"] for i in common])
            if common:
                nodes.append(
                    {
                        "split": split,
                        "puzzles": len(common),
                        "guided_mean_nodes": float(g.mean()),
                        "mrv_mean_nodes": float(m.mean()),
                        "guided_median_nodes": float(np.median(g)),
                        "mrv_median_nodes": float(np.median(m)),
                        "fewer": int((g < m).sum()),
                        "equal": int((g == m).sum()),
                        "more": int((g > m).sum()),
                        "geomean_ratio": float(np.exp(np.mean(np.log(g / m)))),
                    }
                )
    headers = [json.loads(p.read_text()) for p in sorted(out.glob("run.*.json"))]
    checkpoints = {h.get("weights_sha256", h["checkpoint"]) for h in headers}
    if len(checkpoints) > 1:
        raise SystemExit(f"{out} mixes rows of several checkpoints: {sorted(checkpoints)}")
    summary = {"runs": headers, "methods": methods, "paired": paired, "nodes": nodes}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out / "summary.md").write_text(markdown(summary))
    return summary


def markdown(summary: dict) -> str:
    lines = []
    for run in summary["runs"][:1]:
        lines += [
            f"Checkpoint `{run['checkpoint']}` ({run['parameters']:,} parameters), device "
            f"{run['device']} ({run['threads']} threads, {run['machine']}), seed {run['seed']}.",
            "",
            "Commands (each `--shard i/k` of a command ran as a separate process):",
            "",
        ]
    commands = dict.fromkeys(run["command"] for run in summary["runs"])
    lines += [f"- `{command}`" for command in commands] + [""]
    pct = lambda x: "n/a" if x is None or x != x else f"{100 * x:.1f}"  # noqa: E731
    lines += [
        "| split | method | puzzles | solved % (95% CI) | cells % | mean NFE | s/puzzle "
        "| AUROC(H, fail) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in summary["methods"]:
        low, high = m["accuracy_ci95"]
        au = m["auroc_entropy_failure"]
        lines.append(
            f"| {m['split']} | {m['method']} | {m['puzzles']} | {pct(m['accuracy'])} "
            f"({pct(low)}–{pct(high)}) | {pct(m['cell_accuracy'])} | {m['mean_nfe']:.1f} | "
            f"{m['seconds_per_puzzle']:.4f} | "
            f"{'n/a' if au is None else f'{au:.3f}'} |"
        )
    if summary["paired"]:
        lines += [
            "",
            "Paired against the baseline on the same puzzles (difference in points, bootstrap "
            "95% CI; McNemar exact p; NFE ratio = baseline NFE / method NFE):",
            "",
            "| split | method | puzzles | baseline % | method % | diff (95% CI) | b / c | p | "
            "NFE ratio |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for p in summary["paired"]:
            low, high = p["difference_ci95"]
            ratio = "n/a" if p["nfe_ratio"] is None else f"{p['nfe_ratio']:.2f}"
            lines.append(
                f"| {p['split']} | {p['method']} | {p['puzzles']} | "
                f"{pct(p['baseline_accuracy'])} | {pct(p['accuracy'])} | "
                f"{100 * p['difference']:+.1f} ({100 * low:+.1f}, {100 * high:+.1f}) | "
                f"{p['only_baseline']} / {p['only_method']} | {p['mcnemar_p']:.3g} | {ratio} |"
            )
    lines += [
        "",
        "Solve rate by the number of guesses a plain MRV search needs (bucket: rate (puzzles)):",
        "",
        "| split | method | by MRV guesses |",
        "|---|---|---|",
    ]
    for m in summary["methods"]:
        if m["method"] != "mrv":
            cells = ", ".join(
                f"{k}: {100 * v['solve_rate']:.0f}% ({v['n']})"
                for k, v in m["by_search_guesses"].items()
            )
            lines.append(f"| {m['split']} | {m['method']} | {cells} |")
    if summary["nodes"]:
        lines += [
            "",
            "Guided search vs MRV search (same propagation), nodes per puzzle:",
            "",
            "| split | puzzles | guided mean / median | MRV mean / median | fewer / equal / more "
            "| geo-mean ratio |",
            "|---|---|---|---|---|---|",
        ]
        for s in summary["nodes"]:
            lines.append(
                f"| {s['split']} | {s['puzzles']} | {s['guided_mean_nodes']:.1f} / "
                f"{s['guided_median_nodes']:.0f} | {s['mrv_mean_nodes']:.1f} / "
                f"{s['mrv_median_nodes']:.0f} | {s['fewer']} / {s['equal']} / {s['more']} | "
                f"{s['geomean_ratio']:.2f} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="puzzlemdm bench methods",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--checkpoint", default=str(shipped_checkpoint("sudoku-mdm")))
    parser.add_argument("--splits", default=",".join([*LOCAL, *EXTERNAL]))
    parser.add_argument(
        "--methods", default="cheap,expensive", help=f"names or groups: {', '.join(METHODS)}"
    )
    parser.add_argument("--subset", type=int, default=250, help="puzzles for expensive methods")
    parser.add_argument("--limit", type=int, default=None, help="first N puzzles of each split")
    parser.add_argument("--batch-size", type=int, default=250)
    parser.add_argument("--node-limit", type=int, default=200_000, help="per search")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shard", default="0/1", help="i/k: puzzles with index %% k == i")
    parser.add_argument("--resume", action="store_true", help="keep rows already written")
    parser.add_argument("--baseline", default="margin", help="method the others are paired with")
    parser.add_argument("--report-only", action="store_true", help="only summarise OUT")
    parser.add_argument("--out", default="benchmarks/results/decode_methods")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if not args.report_only:
        run(args, argv)
        if not args.shard.endswith("/1"):  # the other shards may still be writing
            print(f"shard {args.shard} done; summarise with --report-only --out {args.out}")
            return
    summary = report(Path(args.out), args.baseline, args.seed)
    print(markdown(summary))


if __name__ == "__main__":
    main()
