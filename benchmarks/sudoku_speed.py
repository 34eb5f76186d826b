"""Sudoku speed benchmark: search solver, python-constraint cross-check and generator throughput.

Prints Markdown tables. Not a test; keep runs short on shared machines, e.g.

    python benchmarks/sudoku_speed.py --count 20 --workers 2
"""

from __future__ import annotations

import argparse
import signal
import statistics
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from puzzlemdm.puzzles.corpus import read_corpus
from puzzlemdm.puzzles.sudoku.board import Sudoku
from puzzlemdm.puzzles.sudoku.constraint import solve_python_constraint
from puzzlemdm.puzzles.sudoku.generate import LEVELS, generate
from puzzlemdm.puzzles.sudoku.search import solve_search

REPO = Path(__file__).resolve().parents[1]


def load(path: Path) -> list[tuple[Sudoku, str]]:
    """(puzzle, solution line) pairs of a corpus or a shared benchmark CSV."""
    _, records = read_corpus(path, "sudoku")
    return [(r.puzzle, r.solution.to_line()) for r in records]


def bench_search(items: list[tuple[Sudoku, str]]) -> tuple[float, float, float, int]:
    """Puzzles/s solving, puzzles/s solving + uniqueness proof, median guesses, wrong answers."""
    t0 = time.perf_counter()
    wrong = sum(solve_search(p, trace=False).answer.to_line() != s for p, s in items)
    t1 = time.perf_counter()
    guesses = [solve_search(p, max_solutions=2, trace=False).stats["guesses"] for p, _ in items]
    t2 = time.perf_counter()
    n = len(items)
    return n / (t1 - t0), n / (t2 - t1), statistics.median(guesses), wrong


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def bench_python_constraint(items, timeout_s: float) -> tuple[float, int, int]:
    """Puzzles/s over the puzzles finished in time, how many timed out, wrong answers."""
    signal.signal(signal.SIGALRM, _alarm)
    done, wrong, timeouts, spent = 0, 0, 0, 0.0
    for puzzle, solution in items:
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
        try:
            answer = solve_python_constraint(puzzle).answer
        except _Timeout:
            timeouts += 1
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        spent += time.perf_counter() - t0
        done += 1
        wrong += answer is None or answer.to_line() != solution
    return (done / spent if spent else float("nan")), timeouts, wrong


def _generate_one(job: tuple[int, str | None, int]) -> tuple[int, int]:
    seed, level, index = job
    # One seed per puzzle: results do not depend on the number of workers.
    rng = np.random.default_rng([seed, LEVELS.index(level) + 1 if level else 0, index])
    out = generate(rng, level)
    return out.tries, out.puzzle.givens


def bench_generate(level: str | None, count: int, workers: int, seed: int):
    """Puzzles/s (wall, and per CPU second when in-process), mean tries and mean givens."""
    jobs = [(seed, level, i) for i in range(count)]
    t0, c0 = time.perf_counter(), time.process_time()
    if workers > 1:
        with Pool(workers) as pool:
            results = pool.map(_generate_one, jobs, chunksize=1)
    else:
        results = [_generate_one(j) for j in jobs]
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    tries = statistics.mean(r[0] for r in results)
    givens = statistics.mean(r[1] for r in results)
    # The parent's CPU time misses the workers', so the CPU rate only means something in-process.
    cpu_rate = count / cpu if workers <= 1 else float("nan")
    return count / dt, cpu_rate, tries, givens


def main() -> None:
    """Run the benchmarks named by the flags and print Markdown tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO / ".." / "shared" / "benchmarks" / "sudoku")
    ap.add_argument("--datasets", type=Path, default=REPO / "datasets" / "sudoku")
    ap.add_argument("--limit", type=int, default=None, help="at most this many puzzles per set")
    ap.add_argument("--pc-count", type=int, default=5, help="python-constraint puzzles per set")
    ap.add_argument("--pc-timeout", type=float, default=10.0, help="seconds per puzzle")
    ap.add_argument("--levels", nargs="*", default=["any", *LEVELS], help="'any' = ungraded")
    ap.add_argument("--count", type=int, default=20, help="generated puzzles per level")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-solvers", action="store_true")
    args = ap.parse_args()

    if not args.skip_solvers:
        sets = [(p.stem, load(p)) for p in sorted(args.shared.glob("*.csv"))]
        for level in LEVELS:
            path = args.datasets / level / "test.jsonl"
            if path.exists():
                sets.append((f"datasets/sudoku/{level}/test", load(path)))
        print(
            "| set | puzzles | search solve/s | search solve+unique/s | median guesses "
            "| wrong | python-constraint/s (n) | pc timeouts | pc wrong |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for name, items in sets:
            items = items[: args.limit] if args.limit else items
            solve_rate, unique_rate, guesses, wrong = bench_search(items)
            pc_items = items[: args.pc_count]
            pc_rate, timeouts, pc_wrong = bench_python_constraint(pc_items, args.pc_timeout)
            print(
                f"| {name} | {len(items)} | {solve_rate:.0f} | {unique_rate:.0f} | {guesses:g} "
                f"| {wrong} | {pc_rate:.1f} ({len(pc_items)}) | {timeouts} | {pc_wrong} |",
                flush=True,
            )
        print()

    if args.levels and args.count:
        print(
            "| generator level | puzzles | workers | puzzles/s (wall) | puzzles/CPU-s "
            "| tries/puzzle | mean givens |"
        )
        print("|---|---|---|---|---|---|---|")
        for name in args.levels:
            level = None if name == "any" else name
            rate, cpu_rate, tries, givens = bench_generate(
                level, args.count, args.workers, args.seed
            )
            print(
                f"| {name} | {args.count} | {args.workers} | {rate:.1f} | {cpu_rate:.1f} "
                f"| {tries:.2f} | {givens:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
