"""Can the model find its own mistakes? Its self-check on the answers of one margin path.

    python benchmarks/self_check.py [--checkpoint DIR] --split norvig_top95 [--limit N]
        [--groups 8] [--out FILE.md]

One greedy margin path per puzzle (the model alone), then `decode.remask.self_check`: every
decided position masked in one of `groups` random groups, the probability the model gives the
value it wrote there given the rest. Against the solutions it reports how wrong the failed
answers are (wrong positions per failed answer), the self-check's probability on wrong and on
right positions, how many failed answers it doubts anywhere (< 0.5, what `remask` re-opens) and
how many solved ones, and the AUROC of the lowest checked probability as a failure detector.
This is the measurement behind the re-masking loops' result in the README.
"""

from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

import numpy as np
import torch

from puzzlemdm.bench.measured import load_measured
from puzzlemdm.bench.splits import load_split, split_label
from puzzlemdm.bench.stats import auroc
from puzzlemdm.decode import MethodConfig, decode_puzzles
from puzzlemdm.decode.remask import self_check
from puzzlemdm.puzzles.grid import MASK, stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=None, help="default: the shipped sudoku-mdm")
    parser.add_argument("--split", required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--groups", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="also write the table here")
    args = parser.parse_args()
    torch.set_num_threads(1)
    measured = load_measured(args.checkpoint, "cpu", 1)
    model, kind, spec = measured.model, measured.kind, measured.spec
    items = load_split(args.split, kind, args.limit)
    generator = torch.Generator().manual_seed(args.seed)
    wrong_q, right_q, lowest, failed, wrong_counts = [], [], [], [], []
    for start in range(0, len(items), args.batch_size):
        chunk = items[start : start + args.batch_size]
        puzzles = [it.record.puzzle for it in chunk]
        batch = stack([kind.encode(it.record.puzzle, it.record.solution, spec) for it in chunk])
        tokens = torch.as_tensor(batch["tokens"])
        target = torch.as_tensor(batch["target"])
        allowed = torch.as_tensor(batch["allowed"])
        answer = decode_puzzles(model, kind, puzzles, spec, MethodConfig(), generator=generator)
        condition = tokens != MASK
        checked = self_check(
            model, answer.tokens, condition, allowed, args.groups, generator=generator
        ).exp()
        wrong = (answer.tokens != target) & ~condition
        bad = wrong.any(1)
        wrong_q.append(checked[wrong])
        right_q.append(checked[~wrong & ~condition & bad[:, None]])
        lowest.append(checked.masked_fill(condition, 1.0).min(1).values)
        failed.append(bad)
        wrong_counts.append(wrong.sum(1)[bad])
    wrong_p, right_p = torch.cat(wrong_q).numpy(), torch.cat(right_q).numpy()
    low, bad = torch.cat(lowest).numpy(), torch.cat(failed).numpy()
    counts = torch.cat(wrong_counts).numpy()
    doubted = low < 0.5
    quantiles = lambda x: " / ".join(f"{v:.3f}" for v in np.quantile(x, [0.1, 0.5, 0.9]))  # noqa: E731
    detector = auroc(-low, bad)
    lines = [
        f"Self-check of one margin path: `{os.path.relpath(measured.checkpoint)}`, split "
        f"{split_label(args.split, kind)} ({len(items)} puzzles), {args.groups} groups, seed "
        f"{args.seed}, CPU ({platform.machine()}, 1 thread).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| failed answers | {int(bad.sum())} of {len(bad)} |",
        f"| wrong positions per failed answer (mean / median) | {counts.mean():.1f} / "
        f"{np.median(counts):.0f} |",
        f"| self-check probability of a wrong position's value (10% / median / 90%) | "
        f"{quantiles(wrong_p)} |",
        f"| ... of a right position's value in a failed answer | {quantiles(right_p)} |",
        f"| wrong positions the check doubts (< 0.5) | {100 * (wrong_p < 0.5).mean():.1f}% |",
        f"| failed answers with a doubted position | {int((doubted & bad).sum())} of "
        f"{int(bad.sum())} |",
        f"| solved answers with a doubted position | {int((doubted & ~bad).sum())} of "
        f"{int((~bad).sum())} |",
        "| AUROC of the lowest checked probability as a failure detector | "
        + ("n/a" if detector is None else f"{detector:.3f}")
        + " |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
