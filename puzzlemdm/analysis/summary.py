"""Table rows of an order study: one per (split, method), aggregated over its paths; and the
Markdown that shows them.

Shares of decisions (forced, fewest candidates, techniques) are pooled over all decisions of
all paths; tau is averaged over the paths that have one (a NaN tau, e.g. fewer than two cells
compared, is left out; `tau_paths` counts the paths averaged).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from puzzlemdm.analysis.paths import PathAnalysis
from puzzlemdm.bench.stats import wilson


def group_of(technique: str, groups: dict[str, str] | None) -> str:
    """A technique's coarse group (the kind's GROUPS), or the technique itself."""
    return (groups or {}).get(technique, technique)


def summarise(
    paths: Sequence[PathAnalysis],
    spec_rows: np.ndarray | None,
    groups: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The row of one (split, method): accuracy, NFE, tau per reference, decision facts, first
    wrong decisions, step independence, mean decode step by grid row.

    spec_rows: each token position's row in the kind's picture (Sudoku: row; Blocksworld:
    time), or None where rows have no order (Zebra): then no step by row.
    """
    n = len(paths)
    solved = sum(p.solved for p in paths)
    low, high = wilson(solved, n)
    row: dict[str, Any] = {
        "puzzles": n,
        "solved": solved,
        "solve_rate": solved / n if n else math.nan,
        "solve_rate_ci": [low, high],
        "mean_nfe": float(np.mean([p.nfe for p in paths])) if n else math.nan,
        "mean_decisions": float(np.mean([p.decisions for p in paths])) if n else math.nan,
    }
    names = list(paths[0].tau) if n else []
    row["tau"] = {}
    for name in names:
        taus = np.array([p.tau[name] for p in paths], dtype=float)
        ok = taus[~np.isnan(taus)]
        row["tau"][name] = {
            "mean": float(ok.mean()) if len(ok) else None,
            "median": float(np.median(ok)) if len(ok) else None,
            "std": float(ok.std()) if len(ok) else None,
            "tau_paths": len(ok),
            "mean_cells": float(np.mean([p.compared[name] for p in paths])),
        }
    # which reference each path follows most closely (highest tau): Blocksworld's direction;
    # a tie is shared (a left-to-right path is as close to row-major as to a planner's order
    # that is a part of it). The references' taus are over different cells and correlated, so
    # read a share against the random decode's, not against 1 / references.
    finite = [p for p in paths if _finite(p.tau, names)]
    row["closest"] = dict.fromkeys(names, 0.0) if finite else {}
    row["closest_paths"] = len(finite)  # the paths with a tau against every reference
    for p in finite:
        top = max(p.tau[r] for r in names)
        tied = [r for r in names if math.isclose(p.tau[r], top, abs_tol=1e-12)]
        for r in tied:
            row["closest"][r] += 1 / len(tied) / len(finite)
    with_facts = [p for p in paths if p.forced is not None]
    if with_facts:
        forced = np.concatenate([p.forced for p in with_facts])
        candidates = np.concatenate([p.candidates for p in with_facts])
        fewest = np.concatenate([p.fewest for p in with_facts])
        row["forced_share"] = float(forced.mean()) if len(forced) else None
        row["mean_candidates"] = float(candidates.mean()) if len(forced) else None
        row["mean_fewest"] = float(fewest.mean()) if len(forced) else None
        row["fewest_share"] = float((candidates == fewest).mean()) if len(forced) else None
        chance = [x for p in with_facts if p.open_forced is not None for x in p.open_forced]
        row["chance_forced_share"] = float(np.mean(chance)) if chance else None
        counts: dict[str, int] = {}
        for p in with_facts:
            for t in p.technique or []:
                g = group_of(t, groups)
                counts[g] = counts.get(g, 0) + 1
        total = max(sum(counts.values()), 1)
        row["technique_share"] = {k: v / total for k, v in counts.items()}
    wrong = [p.first_wrong for p in paths if p.first_wrong is not None]
    row["first_wrong"] = _first_wrong(wrong, groups)
    multi = sum(p.multi_steps for p in paths)
    pairs = sum(p.pairs for p in paths)
    row["multi_steps"] = multi
    row["independent_step_share"] = (
        sum(p.independent_steps for p in paths) / multi if multi else None
    )
    row["related_pair_share"] = sum(p.related_pairs for p in paths) / pairs if pairs else None
    if spec_rows is not None:
        row["step_by_row"] = step_by_row(paths, spec_rows)
    return row


def _finite(taus: dict[str, float], names: list[str]) -> bool:
    return bool(names) and all(not math.isnan(taus[r]) for r in names)


def _first_wrong(wrong: list[dict[str, Any]], groups: dict[str, str] | None) -> dict[str, Any]:
    """Aggregate of the first wrong decisions of the wrong paths."""
    out: dict[str, Any] = {"paths": len(wrong)}
    if not wrong:
        return out
    out["mean_fraction"] = float(np.mean([w["fraction"] for w in wrong]))
    out["mean_entropy"] = float(np.mean([w["entropy"] for w in wrong]))
    out["mean_margin"] = float(np.mean([w["margin"] for w in wrong]))
    if "forced" in wrong[0]:
        out["forced_share"] = float(np.mean([w["forced"] for w in wrong]))
        out["mean_candidates"] = float(np.mean([w["candidates"] for w in wrong]))
        out["mean_fewest"] = float(np.mean([w["fewest"] for w in wrong]))
        counts: dict[str, int] = {}
        for w in wrong:
            g = group_of(w["technique"], groups)
            counts[g] = counts.get(g, 0) + 1
        out["techniques"] = counts
    return out


def normalised_steps(path: PathAnalysis) -> np.ndarray:
    """Each decision's step scaled to 0 (first step of the path) .. 1 (its last step)."""
    if not path.decisions:
        return np.zeros(0)
    last = max(int(path.step.max()), 1)
    return path.step / last


def step_by_row(paths: Sequence[PathAnalysis], spec_rows: np.ndarray) -> dict[str, float]:
    """Mean normalised decode step of the decisions in each grid row (first coordinate)."""
    total = np.zeros(int(spec_rows.max()) + 1)
    count = np.zeros_like(total)
    for p in paths:
        rows = spec_rows[p.positions]
        np.add.at(total, rows, normalised_steps(p))
        np.add.at(count, rows, 1)
    return {str(r): float(total[r] / count[r]) for r in range(len(total)) if count[r]}


def _pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}%}"


def _by_row_table(
    rows: list[dict[str, Any]], columns: list[str], cell: Callable[[dict[str, Any], str], str]
) -> list[str]:
    """A Markdown table by split and method with one `cell(row, column)` per column."""
    header = "| split | method | " + " | ".join(columns) + " |"
    lines = [header, "|---|---|" + "---|" * len(columns)]
    for r in rows:
        lines.append(
            f"| {r['split']} | {r['method']} | " + " | ".join(cell(r, c) for c in columns) + " |"
        )
    return lines


def _share_table(
    rows: list[dict[str, Any]], key: str, columns: list[str], digits: int = 1
) -> list[str]:
    """A Markdown table of each row's `key` shares (a dict) over `columns`, by split and method;
    a row without shares (nothing to share out) reads "-" throughout."""

    def cell(r: dict[str, Any], c: str) -> str:
        shares = r.get(key)
        return _pct(shares.get(c, 0.0), digits) if shares else "-"

    return _by_row_table(rows, columns, cell)


def _closest_table(rows: list[dict[str, Any]], references: list[str]) -> list[str]:
    shares = _share_table(rows, "closest", references, digits=0)
    counted = ["paths", "---"] + [
        f"{r['closest_paths']} of {r['puzzles']}" if "closest_paths" in r else "-" for r in rows
    ]
    return [f"{line} {extra} |" for line, extra in zip(shares, counted, strict=True)]


def _tau_cell(tau: dict[str, Any], puzzles: int) -> str:
    """A mean tau, with how many paths it averages when some had none."""
    shown = _num(tau["mean"])
    paths = tau.get("tau_paths", puzzles)
    return shown if paths == puzzles or tau["mean"] is None else f"{shown} [{paths} of {puzzles}]"


def _num(x: float | None, digits: int = 2) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def markdown(
    header: dict[str, Any],
    rows: list[dict[str, Any]],
    between: dict[str, dict[str, float | None]] | None = None,
) -> str:
    """summary.md: provenance, then the main table, facts of decisions, first wrong decisions,
    schedules (step independence) and wall times."""
    references = list(rows[0]["tau"]) if rows else []
    lines = [
        f"Checkpoint `{header['checkpoint']}` (weights sha256 {header['weights_sha256']}, "
        f"{header['parameters']:,} parameters), device {header['device']} "
        f"({header['threads']} threads), machine "
        f"{header.get('machine_name', header['machine'])}, seed {header['seed']}.",
        "",
        f"Command: `{header['command']}`",
        "",
        "## Orders against the classical orders",
        "",
        "Kendall tau-b of the model's decision order against each reference order (mean over "
        "paths, over the cells both rank: a reference that ranks only some cells, such as a "
        "solver that stops, is compared on those; *[k of n]*: only k paths had a tau, the "
        "others ranked their compared cells all in one step); *forced*: share of decisions "
        "whose cell was forced at that moment, judged on the board before its step (*chance*: "
        "the share of open cells forced then, what a uniformly random cell would hit); "
        "*fewest*: share whose cell had the fewest candidates on the board.",
        "",
        "| split | method | puzzles | solved (95% CI) | mean NFE | "
        + " | ".join(f"tau vs {r}" for r in references)
        + " | forced (chance) | fewest | candidates / fewest |",
        "|---|---|---|---|---|" + "---|" * len(references) + "---|---|---|",
    ]
    for r in rows:
        low, high = r["solve_rate_ci"]
        taus = " | ".join(_tau_cell(r["tau"][ref], r["puzzles"]) for ref in references)
        lines.append(
            f"| {r['split']} | {r['method']} | {r['puzzles']} | {_pct(r['solve_rate'])} "
            f"({_pct(low)}-{_pct(high)}) | {_num(r['mean_nfe'], 1)} | {taus} | "
            f"{_pct(r.get('forced_share'))} ({_pct(r.get('chance_forced_share'))}) | "
            f"{_pct(r.get('fewest_share'))} | "
            f"{_num(r.get('mean_candidates'))} / {_num(r.get('mean_fewest'))} |"
        )
    pairs = list(dict.fromkeys(p for split in (between or {}).values() for p in split))
    if pairs:
        lines += [
            "",
            "The classical orders against each other (mean tau-b over the puzzles of each split; "
            "how far two sound solvers' orders agree, the yardstick for the model's tau):",
            "",
            "| split | " + " | ".join(pairs) + " |",
            "|---|" + "---|" * len(pairs),
        ]
        for split, taus in (between or {}).items():
            lines.append(f"| {split} | " + " | ".join(_num(taus.get(p)) for p in pairs) + " |")
    lines += [
        "",
        "Cells each reference ranks (mean per path; tau compares the model's order with it on "
        "these):",
        "",
        *_by_row_table(rows, references, lambda r, ref: _num(r["tau"][ref]["mean_cells"], 1)),
        "",
        "Which reference order each path follows most closely (share of the paths with a tau "
        "against every reference, counted in the last column, whose tau is highest against "
        "it; ties shared). The references overlap and rank different cells, so even a random "
        "order is closer to some than to others: compare with the random decode's row.",
        "",
        *_closest_table(rows, references),
    ]
    groups = sorted({g for r in rows for g in r.get("technique_share", {})}, key=_group_key)
    if groups:
        lines += [
            "",
            "## The technique each decision needed (share of decisions)",
            "",
            "What the kind's classical reasoning needs to fix the cell the model chose, from "
            "where the model was (Sudoku: the easiest technique set under which the strategy "
            "solver places it; Zebra: `direct` = one round of the clues, `propagation` = a longer "
            "chain of them; `guess`: it would have to search).",
            "",
            *_share_table(rows, "technique_share", groups),
        ]
    lines += [
        "",
        "## First wrong decision of the wrong paths",
        "",
        "| split | method | wrong paths | where (share of path) | forced | candidates / fewest "
        "| entropy | margin | technique needed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        w = r["first_wrong"]
        if not w["paths"]:
            continue
        tech = ", ".join(f"{k} {v}" for k, v in sorted(w.get("techniques", {}).items()))
        lines.append(
            f"| {r['split']} | {r['method']} | {w['paths']} | {_num(w['mean_fraction'])} | "
            f"{_pct(w.get('forced_share'))} | {_num(w.get('mean_candidates'))} / "
            f"{_num(w.get('mean_fewest'))} | {_num(w['mean_entropy'], 3)} | "
            f"{_num(w['mean_margin'], 3)} | {tech or '-'} |"
        )
    multi = [r for r in rows if r["multi_steps"]]
    if multi:
        lines += [
            "",
            "## Cells decided together (schedules with several cells a step)",
            "",
            "| split | method | steps with 2+ cells | of which no two cells related | related "
            "pairs among pairs decided together |",
            "|---|---|---|---|---|",
        ]
        for r in multi:
            lines.append(
                f"| {r['split']} | {r['method']} | {r['multi_steps']} | "
                f"{_pct(r['independent_step_share'])} | {_pct(r['related_pair_share'], 2)} |"
            )
    lines += [
        "",
        "## Wall time",
        "",
        "| split | method | decode (s) | analysis (s) | analysis / decode |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        d, a = r.get("decode_seconds"), r.get("analysis_seconds")
        ratio = a / d if d and a is not None else None
        lines.append(
            f"| {r['split']} | {r['method']} | {_num(d, 1)} | {_num(a, 1)} | {_num(ratio)} |"
        )
    return "\n".join(lines) + "\n"


def _group_key(name: str) -> int:
    order = [
        "naked single",
        "hidden single",
        "singles",
        "locked",
        "subsets",
        "wings/fish",
        "direct",
        "propagation",
        "determined",
        "guess",
        "inconsistent",
    ]
    return order.index(name) if name in order else len(order)
