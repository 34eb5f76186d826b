"""The committed splits: rebuildable bit-for-bit, graded as labelled, disjoint."""

import json
from pathlib import Path

import numpy as np
import pytest

from puzzlemdm.generation import generate_one
from puzzlemdm.puzzles.sudoku.board import Sudoku
from puzzlemdm.puzzles.sudoku.strategy import grade
from puzzlemdm.puzzles.sudoku.symmetry import canonical_form
from puzzlemdm.puzzles.sudoku.verify import verify

DATA = Path(__file__).resolve().parent.parent / "datasets" / "sudoku"
SPLITS = [
    (level, split, seed)
    for level, k in (("easy", 1), ("medium", 2), ("hard", 3))
    for split, seed in (("test", 100 + k), ("validation", 200 + k))
]


def rows(level: str, split: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / level / f"{split}.jsonl").read_text().splitlines()]


@pytest.mark.parametrize(("level", "split", "seed"), SPLITS)
def test_split_rebuilds_bit_for_bit_and_is_graded_as_labelled(level, split, seed):
    lines = (DATA / level / f"{split}.jsonl").read_text().splitlines()
    assert len(lines) == (1000 if split == "test" else 200)
    for index in (0, 1, len(lines) - 1):
        assert json.dumps(generate_one("sudoku", level, seed, {}, index)) == lines[index]
    rng = np.random.default_rng(seed)
    for index in rng.choice(len(lines), 5, replace=False):
        row = json.loads(lines[index])
        puzzle, solution = Sudoku.from_line(row["puzzle"]), Sudoku.from_line(row["solution"])
        assert verify(puzzle, solution).ok
        graded = grade(puzzle)
        assert graded.level == row["level"] == level and graded.solutions == 1


def test_splits_are_disjoint_up_to_symmetry():
    seen: dict[str, str] = {}
    for level, split, _ in SPLITS:
        for row in rows(level, split)[:150]:
            key = canonical_form(Sudoku.from_line(row["puzzle"]))
            assert key not in seen, (row["id"], seen.get(key))
            seen[key] = row["id"]


def test_extreme_validation_split_rebuilds_and_every_puzzle_needs_30_guesses():
    lines = (DATA / "extreme" / "validation.jsonl").read_text().splitlines()
    assert len(lines) == 100
    for index in (0, len(lines) - 1):
        assert json.dumps(generate_one("sudoku", "extreme", 401, {}, index)) == lines[index]
    for line in lines:
        row = json.loads(line)
        assert row["level"] == "extreme" and row["meta"]["search_guesses"] >= 30
        assert verify(Sudoku.from_line(row["puzzle"]), Sudoku.from_line(row["solution"])).ok
