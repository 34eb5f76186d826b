"""A methods table's report from its JSONL rows (`bench methods --report-only` reads only
these): per method accuracy with a Wilson 95% interval, NFE, time and the AUROC of cumulative
entropy as a failure predictor; paired differences against the baseline (bootstrap interval,
exact McNemar); guided-search nodes against a classical solver's; and the Markdown table."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from puzzlemdm.bench.catalog import GUIDED, is_classical
from puzzlemdm.bench.outputs import what_measured
from puzzlemdm.bench.splits import by_guesses
from puzzlemdm.bench.stats import auroc, mcnemar, paired_bootstrap, wilson
from puzzlemdm.usage import UsageError


def read_rows(out: Path) -> dict[tuple[str, str], dict[str, dict]]:
    """(split, method) -> id -> row, merged over shards (the last row of an id wins)."""
    table: dict[tuple[str, str], dict[str, dict]] = {}
    for path in sorted(out.glob("*/**/*.jsonl")):  # top-prob/steps20: a folder deeper
        for line in path.read_text().splitlines():
            if line.endswith("}"):  # a shard still writing may have left half a line
                row = json.loads(line)
                table.setdefault((row["split"], row["method"]), {})[row["id"]] = row
    return table


_HEADER = re.compile(r"run\.([0-9a-f]+)\.shard(\d+)of(\d+)\.json")


def missing_shards(out: Path) -> list[str]:
    """The shards of OUT's commands that have not run ("1/2 of `COMMAND`"): their puzzles are
    missing from the table. A UsageError when one command's rows were split into shards two
    ways (--shard i/2 and i/3 leave puzzles out and count others twice)."""
    shards: dict[str, set[tuple[int, int]]] = {}
    commands: dict[str, str] = {}
    for path in sorted(out.glob("run.*.json")):
        found = _HEADER.fullmatch(path.name)
        if found is None:
            continue
        label, i, k = found[1], int(found[2]), int(found[3])
        shards.setdefault(label, set()).add((i, k))
        commands.setdefault(label, json.loads(path.read_text()).get("command", label))
    missing = []
    for label, ran in shards.items():
        counts = sorted({k for _, k in ran})
        if len(counts) > 1:
            raise UsageError(
                f"{out}: `{commands[label]}` ran as shards of {' and of '.join(map(str, counts))}; "
                "run every shard of one count (--shard i/k, the same k) in a fresh --out"
            )
        (k,) = counts
        missing += [f"{i}/{k} of `{commands[label]}`" for i in range(k) if (i, k) not in ran]
    return missing


def report(out: Path, baseline: str, seed: int) -> dict[str, Any]:
    """Summaries, paired comparisons and guided-vs-classical nodes from the JSONL rows."""
    table = read_rows(out)
    methods, paired, nodes = [], [], []
    for (split, name), rows in sorted(table.items()):
        values = list(rows.values())
        solved = np.array([r["solved"] for r in values])
        entropy = np.array([r["cumulative_entropy"] for r in values], dtype=float)
        k, n = int(solved.sum()), len(values)
        summary = {
            "split": split,
            "method": name,
            "puzzles": n,
            "accuracy": k / n if n else math.nan,
            "accuracy_ci95": wilson(k, n),
            "cell_accuracy": float(np.mean([r.get("cell_accuracy", r["solved"]) for r in values])),
            "mean_nfe": float(np.mean([r["nfe"] for r in values])),
            "seconds_per_puzzle": float(np.mean([r["seconds"] for r in values])),
            "auroc_entropy_failure": None if is_classical(name) else auroc(entropy, ~solved),
        }
        if all("optimal" in r for r in values):  # kinds whose right answers differ (plans)
            summary["optimal"] = float(np.mean([r["optimal"] for r in values]))
        if all("data_guesses" in r for r in values):  # only data sets that record them
            summary["by_search_guesses"] = by_guesses(
                [r["data_guesses"] for r in values], [r["solved"] for r in values]
            )
        methods.append(summary)
        base = table.get((split, baseline))
        if base is not None and name != baseline:
            common = sorted(set(rows) & set(base))
            if common:
                paired.append(pair(split, name, baseline, base, rows, common, seed))
        if name in GUIDED:  # against every classical search of the split that counts nodes
            for other in sorted(m for s, m in table if s == split and is_classical(m)):
                against = table[(split, other)]
                both = set(rows) & set(against)
                # nodes of a search that ended without an answer (a node limit) are no cost of
                # solving the puzzle: such puzzles are left out, and counted
                common = sorted(i for i in both if rows[i]["solved"] and against[i]["solved"])
                if common and all("nodes" in against[i] for i in common):
                    compared = compare_nodes(split, name, other, rows, against, common)
                    if len(both) > len(common):
                        compared["unsolved_left_out"] = len(both) - len(common)
                    nodes.append(compared)
    headers = [json.loads(p.read_text()) for p in sorted(out.glob("run.*.json"))]
    checkpoints = {what_measured(h)[0] for h in headers}
    if len(checkpoints) > 1:
        raise UsageError(f"{out} mixes rows of several checkpoints: {sorted(checkpoints)}")
    summary = {"runs": headers, "methods": methods, "paired": paired, "nodes": nodes}
    gaps = missing_shards(out)
    if gaps:  # a shard still to run (or still running, as it writes its header first)
        summary["missing_shards"] = gaps
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out / "summary.md").write_text(markdown(summary))
    return summary


def pair(
    split: str,
    name: str,
    baseline: str,
    base: dict[str, dict],
    rows: dict[str, dict],
    common: list[str],
    seed: int,
) -> dict[str, Any]:
    """A method against the baseline on the puzzles both solved or missed (paired)."""
    a = np.array([base[i]["solved"] for i in common])
    b = np.array([rows[i]["solved"] for i in common])
    nfe_a = np.mean([base[i]["nfe"] for i in common])
    nfe_b = np.mean([rows[i]["nfe"] for i in common])
    return {
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


def compare_nodes(
    split: str,
    method: str,
    classical: str,
    guided: dict[str, dict],
    against: dict[str, dict],
    common: list[str],
) -> dict[str, Any]:
    """Guided search's nodes against a classical search's on the same puzzles (`common`:
    those both solved)."""
    g = np.array([guided[i]["nodes"] for i in common])
    m = np.array([against[i]["nodes"] for i in common])
    return {
        "split": split,
        "method": method,
        "classical": classical,
        "puzzles": len(common),
        "guided_mean_nodes": float(g.mean()),
        "classical_mean_nodes": float(m.mean()),
        "guided_median_nodes": float(np.median(g)),
        "classical_median_nodes": float(np.median(m)),
        "fewer": int((g < m).sum()),
        "equal": int((g == m).sum()),
        "more": int((g > m).sum()),
        "geomean_ratio": float(np.exp(np.mean(np.log(g / m)))),
    }


def markdown(summary: dict[str, Any]) -> str:
    """The summary as the Markdown tables of summary.md."""
    lines = []
    for run in summary["runs"][:1]:
        runs = (
            f"; its blocks run as trained, then on while a run changes a pick, up to "
            f"{run['runs']}x a forward"
            if run.get("settle")
            else f"; its blocks run {run['runs']}x a forward, not as trained"
            if "runs" in run
            else ""
        )
        lines += [
            f"Checkpoint `{run['checkpoint']}` ({run['parameters']:,} parameters{runs}), device "
            f"{run['device']} ({run['threads']} threads, {run['machine']}), seed {run['seed']}.",
            "",
            "Commands (each `--shard i/k` of a command ran as a separate process):",
            "",
        ]
    commands = dict.fromkeys(run["command"] for run in summary["runs"])
    lines += [f"- `{command}`" for command in commands] + [""]
    if summary.get("missing_shards"):
        lines += [
            f"**Incomplete**: no rows yet from shard {', '.join(summary['missing_shards'])}; "
            "this table covers the other shards' puzzles only.",
            "",
        ]
    pct = lambda x: "n/a" if x is None or x != x else f"{100 * x:.1f}"  # noqa: E731
    lines += [
        "| split | method | puzzles | solved % (95% CI) | optimal % | cells % | mean NFE "
        "| s/puzzle | AUROC(H, fail) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in summary["methods"]:
        low, high = m["accuracy_ci95"]
        au = m["auroc_entropy_failure"]
        lines.append(
            f"| {m['split']} | {m['method']} | {m['puzzles']} | {pct(m['accuracy'])} "
            f"({pct(low)}–{pct(high)}) | {pct(m.get('optimal'))} | {pct(m['cell_accuracy'])} | "
            f"{m['mean_nfe']:.1f} | "
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
    bucketed = [
        m for m in summary["methods"] if "by_search_guesses" in m and not is_classical(m["method"])
    ]
    if bucketed:
        lines += [
            "",
            "Solve rate by the number of guesses a plain MRV search needs (bucket: rate "
            "(puzzles)):",
            "",
            "| split | method | by MRV guesses |",
            "|---|---|---|",
        ]
        for m in bucketed:
            cells = ", ".join(
                f"{k}: {100 * v['solve_rate']:.0f}% ({v['n']})"
                for k, v in m["by_search_guesses"].items()
            )
            lines.append(f"| {m['split']} | {m['method']} | {cells} |")
    if summary["nodes"]:
        lines += [
            "",
            "Guided search vs a classical search (the kind's propagation), nodes per puzzle:",
            "",
            "| split | method | classical | puzzles | guided mean / median "
            "| classical mean / median | fewer / equal / more | geo-mean ratio |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for s in summary["nodes"]:
            puzzles = str(s["puzzles"])
            if s.get("unsolved_left_out"):
                puzzles += f" ({s['unsolved_left_out']} unsolved by either left out)"
            lines.append(
                f"| {s['split']} | {s['method']} | {s['classical']} | {puzzles} | "
                f"{s['guided_mean_nodes']:.1f} / {s['guided_median_nodes']:.0f} | "
                f"{s['classical_mean_nodes']:.1f} / {s['classical_median_nodes']:.0f} | "
                f"{s['fewer']} / {s['equal']} / {s['more']} | {s['geomean_ratio']:.2f} |"
            )
    return "\n".join(lines) + "\n"
