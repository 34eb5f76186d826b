"""Accuracy of an MDM checkpoint on the Sudoku test splits, per decoding order.

Every answer is judged by the verifier (rules + givens). Reports whole-puzzle solve rate,
cell accuracy on the blanks, mean forward passes, throughput, and the solve rate bucketed by
the number of guesses a plain MRV search needs (meta.search_guesses).

    puzzlemdm bench orders --orders margin,top-prob,entropy,random,left-to-right \
        --out benchmarks/results/mdm_sudoku_orders
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from puzzlemdm.decode.core import decode
from puzzlemdm.model.checkpoint import (
    load_checkpoint,
    provenance,
    resolve_device,
    shipped_checkpoint,
)
from puzzlemdm.puzzles.corpus import read_corpus
from puzzlemdm.puzzles.grid import stack
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.sudoku.verify import verify

SUDOKU = get_kind("sudoku")

SPLITS = [f"datasets/sudoku/{level}/test.jsonl" for level in ("easy", "medium", "hard")]
BUCKETS = [(0, 0), (1, 1), (2, 3), (4, 7), (8, 10**9)]


def bucket(guesses: int) -> str:
    for low, high in BUCKETS:
        if low <= guesses <= high:
            return str(low) if low == high else (f"{low}-{high}" if high < 10**9 else f"{low}+")
    raise ValueError(guesses)


def by_guesses(guesses: list[int], solved: list[bool]) -> dict[str, dict[str, float]]:
    """Solve rate per bucket of MRV guesses (the data set's measure of how hard a puzzle is),
    buckets in increasing order."""
    buckets: dict[str, list[bool]] = {}
    for g, ok in sorted(zip(guesses, solved, strict=True), key=lambda pair: pair[0]):
        buckets.setdefault(bucket(g), []).append(ok)
    return {k: {"n": len(v), "solve_rate": sum(v) / len(v)} for k, v in buckets.items()}


def run_split(
    model,
    path: str,
    order: str,
    prune: bool,
    batch_size: int,
    limit: int | None,
    seed: int,
    device: torch.device,
) -> dict:
    rows = [(r.puzzle, r.solution, r.level) for r in read_corpus(path, "sudoku", limit=limit)[1]]
    guesses = [
        json.loads(line)["meta"].get("search_guesses", 0)
        for line in Path(path).read_text().splitlines()[: len(rows)]
    ]
    generator = torch.Generator(device=device).manual_seed(seed)
    differ = (
        torch.as_tensor(SUDOKU.encode(rows[0][0]).spec.differ, device=device) if prune else None
    )
    solved, cells_right, cells_total, nfe = [], 0, 0, 0
    began = time.perf_counter()
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        batch = stack([SUDOKU.encode(p, s) for p, s, _ in chunk])
        result = decode(
            model,
            torch.as_tensor(batch["tokens"], device=device),
            torch.as_tensor(batch["allowed"], device=device),
            order=order,
            generator=generator,
            differ=differ,
        )
        final = result.tokens.cpu().numpy()
        blanks = batch["tokens"] < 0
        cells_right += int(((final == batch["target"]) & blanks).sum())
        cells_total += int(blanks.sum())
        nfe += int(result.nfe.sum())
        for row, (puzzle, _, _) in enumerate(chunk):
            solved.append(verify(puzzle, SUDOKU.decode_tokens(puzzle, final[row])).ok)
    seconds = time.perf_counter() - began
    return {
        "split": path,
        "order": order,
        "prune": prune,
        "puzzles": len(rows),
        "solve_rate": sum(solved) / len(rows),
        "cell_accuracy": cells_right / max(cells_total, 1),
        "mean_nfe": nfe / len(rows),
        "puzzles_per_s": len(rows) / seconds,
        "by_search_guesses": by_guesses(guesses, solved),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="puzzlemdm bench orders",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--checkpoint", default=str(shipped_checkpoint("sudoku-mdm")))
    parser.add_argument("--splits", default=",".join(SPLITS))
    parser.add_argument("--orders", default="margin,top-prob,entropy,random,left-to-right")
    parser.add_argument(
        "--prune",
        default="off",
        choices=["off", "on", "both"],
        help="exclude values the all-different rules forbid (rules, no search)",
    )
    parser.add_argument("--limit", type=int, default=None, help="first N puzzles of each split")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="write OUT.json and OUT.md")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    model = load_checkpoint(args.checkpoint, device)
    prunes = {"off": [False], "on": [True], "both": [False, True]}[args.prune]
    results = []
    for split in args.splits.split(","):
        for prune in prunes:
            for order in args.orders.split(","):
                result = run_split(
                    model, split, order, prune, args.batch_size, args.limit, args.seed, device
                )
                results.append(result)
                print(
                    f"{split} {order:>13} prune={prune!s:5} solve {result['solve_rate']:.2%} "
                    f"cells {result['cell_accuracy']:.2%} nfe {result['mean_nfe']:.1f} "
                    f"{result['puzzles_per_s']:.1f} puzzles/s",
                    flush=True,
                )
    header = {
        **provenance(args.checkpoint, model, device, args.seed),
        "command": "puzzlemdm bench orders "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if v is not None),
    }
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out + ".json").write_text(
            json.dumps({**header, "results": results}, indent=2) + "\n"
        )
        Path(args.out + ".md").write_text(markdown(header, results))


def markdown(header: dict, results: list[dict]) -> str:
    lines = [
        f"Checkpoint `{header['checkpoint']}` ({header['parameters']:,} parameters), device "
        f"{header['device']} ({header['threads']} threads), seed {header['seed']}.",
        "",
        f"Command: `{header['command']}`",
        "",
        "| split | order | prune | puzzles | solved | cell acc. | mean NFE | puzzles/s "
        "| solved by MRV guesses |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        buckets = ", ".join(
            f"{k}: {v['solve_rate']:.0%} ({v['n']})" for k, v in r["by_search_guesses"].items()
        )
        lines.append(
            f"| {r['split']} | {r['order']} | {'yes' if r['prune'] else 'no'} | {r['puzzles']} | "
            f"{r['solve_rate']:.1%} | {r['cell_accuracy']:.1%} | {r['mean_nfe']:.1f} | "
            f"{r['puzzles_per_s']:.1f} | {buckets} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
