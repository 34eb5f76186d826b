"""How many verified-first paths each puzzle needs (issue 15): solved % and model calls at every
budget of paths, read from one run of E-BoN in rounds (`bon128-vf-rounds4`).

    python benchmarks/paths_needed.py benchmarks/results/test_time_rounds_cpu

In rounds, a puzzle draws 4 paths at a time and stops at its first verified one, and a run
with a budget of N paths (N a multiple of the round) draws, with the same seed, exactly the
first N / 4 rounds of the 128-path run. So one run gives every smaller budget: a puzzle is
solved within N paths when its chosen path's index is below N, and its model calls within N
are its calls scaled to the paths it had drawn by then (every margin path of a puzzle makes the
same number of calls, one per blank). Writes `paths_needed.md` and `paths_needed.png` into the
folder: solved % against mean model calls per puzzle, beside E-BoN N's calls (all N paths
every time).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import NullFormatter

from puzzlemdm.bench.stats import wilson


def read_rows(folder: Path) -> dict[str, list[dict]]:
    """Rows of the rounds method per split (every shard), checked to carry the counters."""
    by_split: dict[str, list[dict]] = {}
    for path in sorted(folder.glob("*/*-rounds*.shard*.jsonl")):
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        missing = [r["id"] for r in rows if "paths_decoded" not in r or "chosen_path" not in r]
        if missing:
            raise SystemExit(f"{path}: rows without paths_decoded / chosen_path ({missing[0]})")
        if rows:  # a shard that has written nothing yet
            by_split.setdefault(path.parent.name, []).extend(rows)
    if not by_split:
        raise SystemExit(f"{folder}: no rows of an E-BoN method in rounds")
    return by_split


def rounds_of(rows: list[dict]) -> tuple[int, int]:
    """(paths drawn a round, paths at most) of the run's method, e.g. bon128-vf-rounds4."""
    found = re.search(r"bon(\d+)-vf-rounds(\d+)", rows[0]["method"])
    if found is None:
        raise SystemExit(f"{rows[0]['method']}: not E-BoN verified-first in rounds")
    return int(found[2]), int(found[1])


def at_budget(rows: list[dict], n: int) -> dict[str, float]:
    """Solved share, its Wilson interval and mean model calls had the run stopped at n paths."""
    solved = sum(r["solved"] and r["chosen_path"] < n for r in rows)
    calls = [r["nfe"] * min(n, r["paths_decoded"]) / r["paths_decoded"] for r in rows]
    one_path = [r["nfe"] / r["paths_decoded"] for r in rows]
    low, high = wilson(solved, len(rows))
    return {
        "paths": n,
        "solved": solved / len(rows),
        "low": low,
        "high": high,
        "calls": sum(calls) / len(rows),
        "every_path_calls": n * sum(one_path) / len(rows),
    }


def main(folder: str) -> None:
    root = Path(folder)
    by_split = read_rows(root)
    lines = [
        "Verified-first paths drawn a few at a time (the method's `-roundsK`), each puzzle "
        "stopping at its first verified path; every budget read from the one run "
        f"(`python benchmarks/paths_needed.py {folder}`). Model calls: mean per puzzle; "
        "E-BoN N draws all N paths every time.",
        "",
        "| split | puzzles | paths (at most) | solved % (95% CI) | model calls, in rounds | "
        "model calls, E-BoN N |",
        "|---|---|---|---|---|---|",
    ]
    fig, axes = plt.subplots(1, len(by_split), figsize=(5.5 * len(by_split), 4.2), squeeze=False)
    for ax, (split, rows) in zip(axes[0], sorted(by_split.items()), strict=True):
        size, most = rounds_of(rows)
        points = [at_budget(rows, n) for n in range(size, most + 1, size)]
        # the table and the markers keep the powers of two; the lines have every budget
        marked = [i for i, p in enumerate(points) if not p["paths"] & (p["paths"] - 1)]
        for p in (points[i] for i in marked):
            lines.append(
                f"| {split} | {len(rows)} | {p['paths']} | {100 * p['solved']:.1f} "
                f"({100 * p['low']:.1f}-{100 * p['high']:.1f}) | {p['calls']:.0f} | "
                f"{p['every_path_calls']:.0f} |"
            )
        solved = [100 * p["solved"] for p in points]
        rounds = f"in rounds of {size}, stopping at a verified path"
        for key, style, label in (("calls", "o-", rounds), ("every_path_calls", "s--", "E-BoN N")):
            calls = [p[key] for p in points]
            ax.plot(calls, solved, style, markevery=marked, label=label)
        for i in marked:
            ax.annotate(
                str(points[i]["paths"]), (points[i]["calls"], solved[i]),
                textcoords="offset points", xytext=(4, -10), fontsize=7,
            )  # fmt: skip
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("model calls per puzzle (mean)")
        ax.set_ylabel("solved % (the model alone, verified-first)")
        ax.set_title(f"{split} ({len(rows)})")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    header = json.loads(next(root.glob("run.*.json")).read_text())
    fig.suptitle(f"Paths a puzzle needs: {Path(header['checkpoint']).name}, {header['device']}",
                 fontsize=10)  # fmt: skip
    fig.tight_layout()
    fig.savefig(root / "paths_needed.png", dpi=120)
    plt.close(fig)
    (root / "paths_needed.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {root}/paths_needed.md and paths_needed.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="a bench methods folder with a `*-rounds*` method")
    main(parser.parse_args().folder)
