"""Accuracy against compute (issue 15): solved % against model compute per puzzle, one panel
per split, one point per model-alone method, from one or more `puzzlemdm bench methods`
folders (several models, or one recurrent model run a different number of times).

    python benchmarks/test_time_compute.py benchmarks/results/test_time_compute_cpu
    python benchmarks/test_time_compute.py A B C --out DIR

Reads each folder's `summary.json` (written by `bench methods`, or by `--report-only`), writes
`accuracy_vs_nfe.png` and `accuracy_vs_nfe.md` in the folder (or `--out`). Compute is counted
in runs of the blocks: mean NFE (model calls, all paths) times the runs each call makes (1 for
a plain model; a recurrent one's `recurrence`, or the `--runs` it was measured with), so that a
recurrent model's single path and a plain model's E-BoN paths share one axis. Methods with no
model calls (the classical solvers) and guided search (it branches) are left out: the plot is
about what the model does alone, the verifier only selecting among its complete answers or
naming cells.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

SEARCHES = (
    "guided", "guided-siblings", "guided-fewest", "mrv", "search", "strategy", "python-constraint",
)  # fmt: skip


def model_rows(summary: dict) -> list[dict]:
    """The summary's rows of methods where the model answers alone, each with `model` (the
    checkpoint's folder name, and its runs when recurrent) and `compute` (NFE x runs)."""
    header = summary["runs"][0]
    if header.get("settle"):  # its runs a call vary by puzzle and its rows do not count them
        print(f"skipped {header['checkpoint']}: settling, runs not recorded", file=sys.stderr)
        return []
    runs = int(header.get("runs", header.get("recurrence", 1)))
    model = Path(header["checkpoint"]).name + (f" x{runs}" if runs > 1 else "")
    if "runs" in header and runs == 1:
        model += " x1"  # a recurrent model run once: say so
    weights = header.get("weights_sha256", header["checkpoint"])
    return [
        {**row, "model": model, "weights": weights, "runs": runs, "compute": row["mean_nfe"] * runs}
        for row in summary["methods"]
        if row["method"] not in SEARCHES and (row.get("mean_nfe") or 0) > 0
    ]


def table(rows: list[dict], device: str) -> str:
    lines = [
        f"Solved % (Wilson 95% interval) against compute per puzzle, the model alone; {device}. "
        "Block runs = mean NFE x the runs of the blocks each call makes.",
        "",
        "| split | model | method | puzzles | mean NFE | block runs | solved % (95% CI) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in sorted(rows, key=lambda r: (r["split"], r["compute"], r["model"])):
        low, high = (100 * x for x in row["accuracy_ci95"])
        lines.append(
            f"| {row['split']} | {row['model']} | {row['method']} | {row['puzzles']} | "
            f"{row['mean_nfe']:.1f} | {row['compute']:.0f} | "
            f"{100 * row['accuracy']:.1f} ({low:.1f}-{high:.1f}) |"
        )
    return "\n".join(lines) + "\n"


def plot(rows: list[dict], device: str, out: Path) -> None:
    splits = sorted({r["split"] for r in rows})
    models = sorted({r["model"] for r in rows})
    markers = dict(zip(models, "osD^vP*X<>", strict=False))
    most = max(sum(r["split"] == split for r in rows) for split in splits)
    height = 4 + 0.16 * most  # room for the legend below each panel
    fig, axes = plt.subplots(1, len(splits), figsize=(5.5 * len(splits), height), squeeze=False)
    for ax, split in zip(axes[0], splits, strict=True):
        for row in sorted((r for r in rows if r["split"] == split), key=lambda r: r["compute"]):
            accuracy = 100 * row["accuracy"]
            low, high = (100 * x for x in row["accuracy_ci95"])
            ax.errorbar(
                row["compute"], accuracy, yerr=[[accuracy - low], [high - accuracy]],
                fmt=markers.get(row["model"], "o"), capsize=3,
                label=f"{row['model']}: {row['method']} ({row['puzzles']})",
            )  # fmt: skip
        ax.set_xscale("log")
        ax.set_xlabel("block runs per puzzle (model calls x runs a call, all paths)")
        ax.set_ylabel("solved % (the model alone)")
        ax.set_ylim(0, 100)
        ax.set_title(split)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    fig.suptitle(f"Accuracy against test-time compute\n({device})", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main(*folders: str, out: str | None = None) -> None:
    if not folders or (len(folders) > 1 and out is None):
        raise SystemExit("give one folder, or several and --out")
    summaries = {f: json.loads((Path(f) / "summary.json").read_text()) for f in folders}
    devices = sorted({run["device"] for s in summaries.values() for run in s["runs"]})
    if len(devices) != 1:  # one figure, one device
        raise SystemExit(f"{', '.join(folders)} mix devices {devices}: plot each on its own")
    # One point per split, weights and method: folders may share rows (a baseline run twice).
    unique = {
        (r["split"], r["weights"], r["model"], r["method"], r["puzzles"]): r
        for s in summaries.values()
        for r in model_rows(s)
    }
    rows = list(unique.values())
    for row in rows:  # two weights in folders of one name: told apart by their hash
        if len({r["weights"] for r in rows if r["model"] == row["model"]}) > 1:
            row["label"] = f"{row['model']} ({row['weights'][:8]})"
    for row in rows:
        row["model"] = row.pop("label", row["model"])
    if not rows:
        raise SystemExit(f"{', '.join(folders)}: no model-alone rows")
    names = sorted({Path(s["runs"][0]["checkpoint"]).name for s in summaries.values()})
    device = f"{devices[0]}, {', '.join(names)}"
    root = Path(out or folders[0])
    root.mkdir(parents=True, exist_ok=True)
    (root / "accuracy_vs_nfe.md").write_text(table(rows, device))
    plot(rows, device, root / "accuracy_vs_nfe.png")
    print(f"wrote {root}/accuracy_vs_nfe.png and accuracy_vs_nfe.md")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", help="bench methods folders (summary.json)")
    parser.add_argument("--out", help="where the figure and table go (default: the folder)")
    args = parser.parse_args()
    main(*args.folders, out=args.out)
