"""Speed of the Zebra and Blocksworld generators and solvers, plus the external-set counts.

Usage: python benchmarks/zebra_blocksworld_speed.py [--count 10]
Prints Markdown tables: generator puzzles/s per level (one process), mean solver time on those
puzzles, the BBEH zebra targets forced and reproduced, and the PlanBench instances solved
optimally. Puzzles are drawn with numpy.random.default_rng([seed, index]), as the CLI does.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

from puzzlemdm.puzzles.blocksworld.kind import BlocksworldKind
from puzzlemdm.puzzles.zebra.kind import ZebraKind
from puzzlemdm.puzzles.zebra.search import possible_houses

# exhaustive BFS explodes from 7 blocks on (394,353 states at 8, 58.9 million at 10)
SKIP = {("blocksworld", "bfs", "hard"), ("blocksworld", "bfs", "extreme")}
SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def kind_rows(kind, count: int, seed: int) -> list[str]:
    """One row per level: generation rate and mean time of each classical solver."""
    rows = []
    for level in kind.levels:
        records, seconds = [], 0.0
        for i in range(count):
            record, dt = _timed(kind.generate, np.random.default_rng([seed, i]), level)
            records.append(record)
            seconds += dt
        cells = [kind.name, level, f"{count / seconds:.1f}"]
        for solver in kind.solvers:
            if (kind.name, solver, level) in SKIP:
                cells.append(f"{solver}: skipped")
                continue
            total = 0.0
            for record in records:
                result, dt = _timed(kind.solve, record.puzzle, solver)
                assert kind.verify(record.puzzle, result.answer).ok
                total += dt
            cells.append(f"{solver}: {1000 * total / count:.1f} ms")
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def bbeh_row() -> str:
    """BBEH zebra: targets forced by the clues and equal to the given answer."""
    path = SHARED / "zebra" / "bbeh_zebra_structured.jsonl"
    if not path.exists():
        return "| BBEH zebra | missing | | |"
    kind = ZebraKind()
    start = time.perf_counter()
    records = kind.parse_text(path.read_text(), str(path))
    reproduced, others = 0, []
    for record in records:
        houses = possible_houses(record.puzzle, record.puzzle.questions[0])
        if houses == [record.meta["target"] - 1]:
            reproduced += 1
        else:
            others.append(f"idx {record.meta['idx']}: houses {[h + 1 for h in houses]}")
    seconds = time.perf_counter() - start
    return (
        f"| BBEH zebra | {reproduced}/{len(records)} targets forced and reproduced "
        f"| {'; '.join(others)} | {seconds:.1f} s |"
    )


def planbench_row() -> str:
    """PlanBench blocksworld: instances solved, verified, and matching the optimal length."""
    root = SHARED / "blocksworld"
    if not root.exists():
        return "| PlanBench blocksworld | missing | | |"
    kind = BlocksworldKind()
    start = time.perf_counter()
    total = verified = optimal = 0
    for subset in ("basic", "basic_3blocks"):
        lengths = {}
        for line in (root / subset / "instances.jsonl").read_text().splitlines():
            obj = json.loads(line)
            lengths[obj["instance_id"]] = obj["plan_length"]
        for path in sorted((root / subset / "pddl").glob("*.pddl")):
            (record,) = kind.parse_text(path.read_text(), str(path))
            result = kind.solve(record.puzzle, "astar")
            total += 1
            verified += kind.verify(record.puzzle, result.answer).ok
            optimal += len(result.answer) == lengths[int(path.stem.split("-")[1])]
    seconds = time.perf_counter() - start
    return (
        f"| PlanBench blocksworld | {verified}/{total} solved and verified, "
        f"{optimal}/{total} at the optimal length | | {seconds:.1f} s |"
    )


def main() -> None:
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10, help="puzzles per level")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, python {platform.python_version()}")
    print(f"puzzles per level: {args.count}, seed {args.seed}\n")
    print("| kind | level | generated / s | solver 1: mean time | solver 2: mean time |")
    print("|---|---|---|---|---|")
    for kind in (ZebraKind(), BlocksworldKind()):
        for row in kind_rows(kind, args.count, args.seed):
            print(row)
    print("\n| external set | result | not reproduced | time |")
    print("|---|---|---|---|")
    print(bbeh_row())
    print(planbench_row())


if __name__ == "__main__":
    main()
