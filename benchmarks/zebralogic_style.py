"""Unique, clue-minimal puzzles written as ZebraLogic's generator writes them, as the dataset's
JSON lines (`id`, `size`, `puzzle`, `solution`): to measure how the shipped Zebra model and the
solvers fare on ZebraLogic's clue mix ("one house between", same-house clues between people)
without the dataset, which is not in ../shared. The wording is tests/zebralogic_style.py's (the
reader's tests): 8 attributes, 4-6 houses, 3-6 attributes, random true clues until the puzzle
is unique, then every clue dropped that the rest make redundant.

    python benchmarks/zebralogic_style.py --seed 7 --n 100 -o zebralogic-style.jsonl
    puzzlemdm solve zebralogic-style.jsonl --search none   # the model alone
    puzzlemdm solve zebralogic-style.jsonl                 # guided search (the default)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from zebralogic_style import ATTRIBUTES, puzzle_text, random_puzzle, solution_json

from puzzlemdm.puzzles.zebra.puzzle import Clue, Zebra
from puzzlemdm.puzzles.zebra.search import find_solutions


def _unique(puzzle: Zebra, clues: list[Clue]) -> bool:
    return len(find_solutions(puzzle.with_clues(clues), 2)[0]) == 1


def minimal_puzzle(rng: np.random.Generator, houses: int, attributes: list[int]) -> tuple | None:
    """A unique puzzle whose every clue is needed, with its grid; None when 150 random clues
    leave it open (drawn again)."""
    puzzle, grid = random_puzzle(rng, houses, attributes, clues=150)
    clues = list(puzzle.clues)
    enough = next((n for n in range(1, len(clues) + 1) if _unique(puzzle, clues[:n])), None)
    if enough is None:
        return None
    kept, i = clues[:enough], 0
    while i < len(kept):
        fewer = kept[:i] + kept[i + 1 :]
        if _unique(puzzle, fewer):
            kept = fewer
        else:
            i += 1
    return puzzle.with_clues([Clue(k + 1, c.rel, c.args) for k, c in enumerate(kept)]), grid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    with args.output.open("w") as out:
        made = 0
        while made < args.n:
            houses, count = int(rng.integers(4, 7)), int(rng.integers(3, 7))
            attributes = [int(a) for a in rng.choice(len(ATTRIBUTES), count, replace=False)]
            drawn = minimal_puzzle(rng, houses, attributes)
            if drawn is None:
                continue
            puzzle, grid = drawn
            flips = [bool(f) for f in rng.integers(2, size=len(puzzle.clues))]
            line = {
                "id": f"zebralogic-style-{args.seed}-{made}",
                "size": f"{houses}*{count}",
                "puzzle": puzzle_text(puzzle, attributes, flips),
                "solution": solution_json(puzzle, grid),
            }
            out.write(json.dumps(line) + "\n")
            made += 1


if __name__ == "__main__":
    main()
