"""Accuracy against compute (issue 15): solved % against mean NFE per puzzle, one panel per
split, one point per model-alone method, from a `puzzlemdm bench methods` folder.

    python benchmarks/test_time_compute.py benchmarks/results/test_time_compute_cpu

Reads `summary.json` (written by `bench methods`, or by `--report-only`), writes
`accuracy_vs_nfe.png` and `accuracy_vs_nfe.md` beside it. Methods with no model calls (the
classical solvers) and guided search (it branches) are left out: the plot is about what the
model does alone, the verifier only selecting among its complete answers or naming cells.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

SEARCHES = ("guided", "guided-siblings", "mrv", "search", "strategy", "python-constraint")


def model_rows(summary: dict) -> list[dict]:
    """The summary's rows of methods where the model answers alone."""
    return [
        row
        for row in summary["methods"]
        if row["method"] not in SEARCHES and (row.get("mean_nfe") or 0) > 0
    ]


def table(rows: list[dict], device: str) -> str:
    lines = [
        f"Solved % (Wilson 95% interval) against mean NFE per puzzle, the model alone; {device}.",
        "",
        "| split | method | puzzles | mean NFE | solved % (95% CI) |",
        "|---|---|---|---|---|",
    ]
    for row in sorted(rows, key=lambda r: (r["split"], r["mean_nfe"])):
        low, high = (100 * x for x in row["accuracy_ci95"])
        lines.append(
            f"| {row['split']} | {row['method']} | {row['puzzles']} | {row['mean_nfe']:.1f} | "
            f"{100 * row['accuracy']:.1f} ({low:.1f}-{high:.1f}) |"
        )
    return "\n".join(lines) + "\n"


def plot(rows: list[dict], device: str, out: Path) -> None:
    splits = sorted({r["split"] for r in rows})
    fig, axes = plt.subplots(1, len(splits), figsize=(5 * len(splits), 4), squeeze=False)
    for ax, split in zip(axes[0], splits, strict=True):
        for row in sorted((r for r in rows if r["split"] == split), key=lambda r: r["mean_nfe"]):
            accuracy = 100 * row["accuracy"]
            low, high = (100 * x for x in row["accuracy_ci95"])
            ax.errorbar(
                row["mean_nfe"], accuracy, yerr=[[accuracy - low], [high - accuracy]],
                fmt="o", capsize=3, label=f"{row['method']} ({row['puzzles']})",
            )  # fmt: skip
        ax.set_xscale("log")
        ax.set_xlabel("mean NFE per puzzle (model calls, all paths)")
        ax.set_ylabel("solved % (the model alone)")
        ax.set_ylim(0, 100)
        ax.set_title(split)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.suptitle(f"Accuracy against test-time compute\n({device})", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def main(folder: str) -> None:
    root = Path(folder)
    summary = json.loads((root / "summary.json").read_text())
    devices = sorted({run["device"] for run in summary["runs"]})
    if len(devices) != 1:  # one figure, one device
        raise SystemExit(f"{root} mixes devices {devices}: plot each on its own")
    rows = model_rows(summary)
    if not rows:
        raise SystemExit(f"{root}/summary.json has no model-alone rows")
    device = f"{devices[0]}, {Path(summary['runs'][0]['checkpoint']).name}"
    (root / "accuracy_vs_nfe.md").write_text(table(rows, device))
    plot(rows, device, root / "accuracy_vs_nfe.png")
    print(f"wrote {root}/accuracy_vs_nfe.png and accuracy_vs_nfe.md")


if __name__ == "__main__":
    main(sys.argv[1])
