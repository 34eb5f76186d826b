"""The figures of an order study (matplotlib, headless Agg; PNG for the README and SVG).

Each `draw_*` takes analysed paths grouped by (split, method) and writes one figure; nothing is
random, and SVG ids and dates are pinned (`svg.hashsalt`, no date), so the same study draws
the same files. The *primary* method is the first one-per-step method of the study (margin
by default): the per-cell and per-rank figures show its paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker

from puzzlemdm.analysis.paths import PathAnalysis
from puzzlemdm.analysis.summary import normalised_steps
from puzzlemdm.puzzles.grid import GridSpec

Grouped = dict[tuple[str, str], list[PathAnalysis]]
BINS = 20  # bins along a path (share of its decisions)
LINE_STYLES = ("-", "--", ":", "-.")  # one per split; colours tell the methods apart


def _save(fig: Any, folder: Path, name: str, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    with matplotlib.rc_context({"svg.hashsalt": f"puzzlemdm-{seed}"}):
        fig.savefig(paths[0], dpi=110, bbox_inches="tight", metadata={"Software": None})
        fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return paths


def _line_style(method: int, split: int) -> dict[str, Any]:
    """One colour per method and one dash per split, so that up to ten methods on four
    splits stay apart (colours alone repeated after ten lines)."""
    return {"color": f"C{method % 10}", "linestyle": LINE_STYLES[split % len(LINE_STYLES)]}


def _splits(grouped: Grouped) -> list[str]:
    return list(dict.fromkeys(s for s, _ in grouped))


def _methods(grouped: Grouped) -> list[str]:
    return list(dict.fromkeys(m for _, m in grouped))


def primary_method(grouped: Grouped) -> str:
    """The first method whose paths decide one cell a step (a strict order)."""
    for method in _methods(grouped):
        paths = [p for (_, m), ps in grouped.items() if m == method for p in ps]
        if all(len(np.unique(p.step)) == p.decisions for p in paths):
            return method
    return _methods(grouped)[0]


def _fraction_bins(path: PathAnalysis) -> np.ndarray:
    """The bin (0..BINS-1) of each decision by its place along the path."""
    d = path.decisions
    return np.minimum((np.arange(d) * BINS) // max(d, 1), BINS - 1)


def _binned_mean(paths: Sequence[PathAnalysis], values: Any) -> np.ndarray:
    total, count = np.zeros(BINS), np.zeros(BINS)
    for p in paths:
        v = values(p)
        if v is None or not p.decisions:
            continue
        b = _fraction_bins(p)
        np.add.at(total, b, np.asarray(v, dtype=float))
        np.add.at(count, b, 1)
    with np.errstate(invalid="ignore"):
        return total / count


def step_pictures(
    paths_by_split: dict[str, Sequence[PathAnalysis]],
    spec: GridSpec,
    cells: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Each split's mean decode step (0 = first, 1 = last) of every cell, laid out as the kind's
    picture (`spec.picture`; NaN where never decided). The picture spans `cells`, the token
    positions of the studied puzzles' cells (other tokens, Zebra's clues, may share their
    coordinates), and the cells ever decided."""
    rows, cols = (spec.coords[:, axis] for axis in spec.picture)
    means = {split: _mean_steps(paths, spec.length) for split, paths in paths_by_split.items()}
    ever = np.zeros(spec.length, dtype=bool)
    for mean in means.values():
        ever |= ~np.isnan(mean)
    spanned = ever.copy()
    if cells is not None:
        spanned[cells] = True
    shape = (rows[spanned].max() + 1, cols[spanned].max() + 1) if spanned.any() else (1, 1)
    pictures = {}
    for split, mean in means.items():
        pictures[split] = np.full(shape, np.nan)
        pictures[split][rows[ever], cols[ever]] = mean[ever]
    return pictures


def _mean_steps(paths: Sequence[PathAnalysis], length: int) -> np.ndarray:
    """Each token position's mean normalised decode step over `paths` (NaN: never decided)."""
    total, count = np.zeros(length), np.zeros(length)
    for p in paths:
        np.add.at(total, p.positions, normalised_steps(p))
        np.add.at(count, p.positions, 1)
    with np.errstate(invalid="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def draw_step_heatmap(
    grouped: Grouped, spec: GridSpec, folder: Path, seed: int, cells: np.ndarray | None = None
) -> list[Path]:
    """Mean decode step (0 = first, 1 = last) of each cell, one panel per split."""
    method = primary_method(grouped)
    splits = [s for s in _splits(grouped) if (s, method) in grouped]
    pictures = step_pictures({split: grouped[(split, method)] for split in splits}, spec, cells)
    fig, axes = plt.subplots(1, len(splits), figsize=(3.2 * len(splits), 3.2), squeeze=False)
    image = None
    for ax, split in zip(axes[0], splits, strict=True):
        image = ax.imshow(pictures[split], cmap="viridis", vmin=0, vmax=1)
        ax.set_title(f"{split} ({method})", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    if image is not None:
        fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label="mean decode step (0-1)")
    return _save(fig, folder, "step_heatmap", seed)


def draw_rank_histogram(grouped: Grouped, folder: Path, seed: int) -> list[Path]:
    """Model rank against the first reference order's rank (2-D histogram, all splits)."""
    method = primary_method(grouped)
    paths = [p for (_, m), ps in grouped.items() if m == method for p in ps]
    reference = next(iter(paths[0].reference_rank)) if paths else "row-major"
    xs, ys = [], []
    for p in paths:
        ref = p.reference_rank.get(reference)
        if ref is None:
            continue
        common = ref >= 0
        if common.sum() < 2:
            continue
        # ranks among the cells both orders rank, scaled to 0..1
        model_rank = np.argsort(np.argsort(p.step[common], kind="stable"), kind="stable")
        ref_rank = np.argsort(np.argsort(ref[common], kind="stable"), kind="stable")
        scale = max(int(common.sum()) - 1, 1)
        xs.append(ref_rank / scale)
        ys.append(model_rank / scale)
    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    if xs:
        h = ax.hist2d(np.concatenate(xs), np.concatenate(ys), bins=20, cmap="magma")
        fig.colorbar(h[3], ax=ax, label="decisions")
    ax.set_xlabel(f"rank in the {reference} order (0-1)")
    ax.set_ylabel(f"rank in the model's order ({method}, 0-1)")
    ax.set_title(f"model vs {reference} order", fontsize=9)
    return _save(fig, folder, "rank_vs_reference", seed)


def draw_entropy_path(grouped: Grouped, folder: Path, seed: int) -> list[Path]:
    """Mean entropy of the chosen cell along the path, solved vs failed paths."""
    method = primary_method(grouped)
    fig, ax = plt.subplots(figsize=(4.8, 3.4))
    x = (np.arange(BINS) + 0.5) / BINS
    for split in _splits(grouped):
        paths = grouped.get((split, method), [])
        for solved, style in ((True, "-"), (False, "--")):
            chosen = [p for p in paths if p.solved == solved]
            if len(chosen) < 5:
                continue
            y = _binned_mean(chosen, lambda p: p.entropy)
            label = f"{split} {'solved' if solved else 'failed'} ({len(chosen)})"
            ax.plot(x, y, style, label=label)
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set_xlabel("place along the path (share of decisions)")
    ax.set_ylabel("entropy of the chosen cell (nats)")
    ax.set_title(f"entropy along the path ({method})", fontsize=9)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=6)
    return _save(fig, folder, "entropy_along_path", seed)


def draw_forced_by_step(grouped: Grouped, folder: Path, seed: int) -> list[Path]:
    """Share of forced decisions along the path, per split and one-per-step method."""
    fig, ax = plt.subplots(figsize=(4.8, 3.4))
    x = (np.arange(BINS) + 0.5) / BINS
    drawn = False
    for i, method in enumerate(_methods(grouped)):
        for j, split in enumerate(_splits(grouped)):
            paths = grouped.get((split, method), [])
            if not paths or paths[0].forced is None:
                continue
            if any(len(np.unique(p.step)) != p.decisions for p in paths):
                continue  # several cells a step: "along the path" is not one cell a step
            y = _binned_mean(paths, lambda p: p.forced)
            ax.plot(x, y, label=f"{split} {method}", **_line_style(i, j))
            drawn = True
    method = primary_method(grouped)
    mine = [p for (_, m), ps in grouped.items() if m == method for p in ps]
    if any(p.open_forced is not None for p in mine):
        # chance: the share of open cells forced at the same moments of the same paths
        chance = _binned_mean(mine, lambda p: p.open_forced)
        ax.plot(x, chance, color="black", lw=1, label=f"chance ({method} paths)")
        drawn = True
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("place along the path (share of decisions)")
    ax.set_ylabel("share of decisions forced")
    ax.set_title("forced decisions along the path", fontsize=9)
    if drawn:
        ax.legend(fontsize=5, ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _save(fig, folder, "forced_by_step", seed)


def draw_accuracy_nfe(rows: list[dict[str, Any]], folder: Path, seed: int) -> list[Path]:
    """Solve rate against mean NFE, one colour per split, each point a method (with its
    number of puzzles: methods may run on the first N of a split only)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for split in dict.fromkeys(r["split"] for r in rows):
        mine = sorted((r for r in rows if r["split"] == split), key=lambda r: r["mean_nfe"])
        ax.plot([r["mean_nfe"] for r in mine], [r["solve_rate"] for r in mine], "o", label=split)
        # methods on one spot (margin, top-prob and entropy often are) share one label
        spots: dict[tuple[float, float], list[str]] = {}
        for r in mine:
            label = f"{r['method']} ({r['puzzles']})" if "puzzles" in r else r["method"]
            spots.setdefault((round(r["mean_nfe"], 1), round(r["solve_rate"], 2)), []).append(label)
        for (nfe, rate), labels in spots.items():
            ax.annotate(", ".join(labels), (nfe, rate), fontsize=5)
    ax.set_xscale("log")
    # plain numbers at 1-2-5 steps: the default minor labels of a short log axis overlapped
    # (a range within one 1-2-5 interval keeps them: it would have no label at all)
    nfe = [r["mean_nfe"] for r in rows]
    ax.xaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(ticker.ScalarFormatter())
    if nfe and max(nfe) > 2.5 * min(nfe):
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_xlabel("mean forward passes (NFE) per puzzle")
    ax.set_ylabel("solved")
    ax.set_title("accuracy against NFE", fontsize=9)
    ax.legend(fontsize=6)
    return _save(fig, folder, "accuracy_vs_nfe", seed)


def draw_tau_by_difficulty(grouped: Grouped, folder: Path, seed: int) -> list[Path]:
    """Kendall tau of the primary method against each reference, per split (box plots)."""
    method = primary_method(grouped)
    splits = [s for s in _splits(grouped) if (s, method) in grouped]
    references = list(grouped[(splits[0], method)][0].tau) if splits else []
    fig, ax = plt.subplots(figsize=(1.6 + 1.4 * len(splits), 3.4))
    width = 0.8 / max(len(references), 1)
    for j, ref in enumerate(references):
        data = []
        for split in splits:
            taus = np.array([p.tau[ref] for p in grouped[(split, method)]], dtype=float)
            data.append(taus[~np.isnan(taus)])
        where = np.arange(len(splits)) + (j - (len(references) - 1) / 2) * width
        box = ax.boxplot(
            data, positions=where, widths=width * 0.9, patch_artist=True, showfliers=False
        )
        for patch in box["boxes"]:
            patch.set_facecolor(f"C{j}")
        ax.plot([], [], "s", color=f"C{j}", label=f"vs {ref}")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xticks(np.arange(len(splits)), splits, fontsize=7)
    ax.set_ylabel("Kendall tau-b")
    ax.set_title(f"tau by difficulty ({method})", fontsize=9)
    ax.legend(fontsize=6)
    return _save(fig, folder, "tau_by_difficulty", seed)


def draw_step_by_row(rows: list[dict[str, Any]], folder: Path, seed: int) -> list[Path]:
    """Mean decode step by grid row (Blocksworld: time step; forwards = rising line)."""
    if not any(r.get("step_by_row") for r in rows):
        return []  # the kind's rows have no order (spec.ordered_rows)
    fig, ax = plt.subplots(figsize=(4.8, 3.4))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    splits = list(dict.fromkeys(r["split"] for r in rows))
    for r in rows:
        steps = r.get("step_by_row")
        if not steps:
            continue
        x = [int(k) for k in steps]
        style = _line_style(methods.index(r["method"]), splits.index(r["split"]))
        ax.plot(
            x, list(steps.values()), marker="o", ms=2, label=f"{r['split']} {r['method']}", **style
        )
    ax.set_xlabel("grid row (first coordinate)")
    ax.set_ylabel("mean decode step (0-1)")
    ax.set_title("when each row is decided", fontsize=9)
    ax.legend(fontsize=5, ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside
    return _save(fig, folder, "step_by_row", seed)


def draw_all(
    grouped: Grouped,
    rows: list[dict[str, Any]],
    spec: GridSpec,
    folder: Path,
    *,
    seed: int = 0,
    groups: dict[str, str] | None = None,
    cells: np.ndarray | None = None,
) -> list[Path]:
    """Every figure of the study; returns the files written. `cells`: the token positions of
    the studied puzzles' cells (the step picture spans them)."""
    plt.rcParams.update({"font.size": 8, "svg.hashsalt": f"puzzlemdm-{seed}"})
    files = []
    files += draw_step_heatmap(grouped, spec, folder, seed, cells)
    files += draw_rank_histogram(grouped, folder, seed)
    files += draw_entropy_path(grouped, folder, seed)
    files += draw_forced_by_step(grouped, folder, seed)
    files += draw_accuracy_nfe(rows, folder, seed)
    files += draw_tau_by_difficulty(grouped, folder, seed)
    files += draw_step_by_row(rows, folder, seed)
    return files
