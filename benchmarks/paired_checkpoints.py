"""Two checkpoints on the same puzzles: the paired rows of two `puzzlemdm bench methods` outputs.

    python benchmarks/paired_checkpoints.py BASELINE_OUT NEW_OUT [--method margin]

For every split both outputs ran the method on, prints the puzzles both ran, each output's
solve rate, the puzzles only one solved (new fixed / new broke), the bootstrap 95% interval of
the difference and McNemar's exact p: the same pairing `bench methods` does between methods of
one checkpoint (`puzzlemdm.bench.report.pair`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from puzzlemdm.bench.report import pair, read_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path, help="bench methods --out of the baseline")
    parser.add_argument("new", type=Path, help="bench methods --out of the other checkpoint")
    parser.add_argument("--method", default="margin")
    args = parser.parse_args()
    base, new = read_rows(args.baseline), read_rows(args.new)
    print("| split | puzzles | baseline | new | new fixed / broke | difference (95% CI) | p |")
    print("|---|---|---|---|---|---|---|")
    for split, method in sorted(set(base) & set(new)):
        if method != args.method:
            continue
        common = sorted(set(base[split, method]) & set(new[split, method]))
        if not common:  # e.g. rows written before puzzle ids took their present form
            print(f"| {split} | 0 (no puzzle ids in common) | | | | | |")
            continue
        row = pair(split, method, "baseline", base[split, method], new[split, method], common, 0)
        low, high = row["difference_ci95"]
        print(
            f"| {split} | {row['puzzles']} | {100 * row['baseline_accuracy']:.1f}% "
            f"| {100 * row['accuracy']:.1f}% | {row['only_method']} / {row['only_baseline']} "
            f"| {100 * row['difference']:+.1f} ({100 * low:+.1f}, {100 * high:+.1f}) "
            f"| {row['mcnemar_p']:.2g} |"
        )


if __name__ == "__main__":
    main()
