"""The committed Zebra and Blocksworld splits: rebuildable bit-for-bit, verified, as labelled."""

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from puzzlemdm.generation import generate_one
from puzzlemdm.puzzles.base import PuzzleRecord
from puzzlemdm.puzzles.blocksworld.astar import astar_plan, bfs_plan
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.zebra.levels import grade as grade_zebra
from puzzlemdm.puzzles.zebra.search import find_solutions

DATA = Path(__file__).resolve().parent.parent / "datasets"
COUNTS = {"test": 1000, "validation": 200}
# seeds as in datasets/<kind>/build.sh: test <base>1.., validation <base + 100>1..
LEVELS = {"zebra": ("easy", "medium", "hard"), "blocksworld": ("easy", "medium", "hard", "extreme")}
BASE = {"zebra": 1100, "blocksworld": 2100}
SPLITS = [
    (kind, level, split, BASE[kind] + offset + k)
    for kind, levels in LEVELS.items()
    for k, level in enumerate(levels, start=1)
    for split, offset in (("test", 0), ("validation", 100))
]
ZEBRA = [s for s in SPLITS if s[0] == "zebra"]
BLOCKS = [s for s in SPLITS if s[0] == "blocksworld"]
# extreme puzzles whose A* search expanded more states than this are not re-planned here (time)
REPLAN_MAX_EXPANDED = 5_000


def _id(spec: tuple) -> str:
    return "-".join(map(str, spec))


@cache
def lines(kind: str, level: str, split: str) -> tuple[str, ...]:
    """The committed lines of one split."""
    return tuple((DATA / kind / level / f"{split}.jsonl").read_text().splitlines())


@cache
def records(kind: str, level: str, split: str) -> tuple[PuzzleRecord, ...]:
    """The committed split parsed by the kind's own reader."""
    text = "\n".join(lines(kind, level, split))
    return tuple(get_kind(kind).parse_text(text, f"{kind}/{level}/{split}.jsonl"))


def sample(split: str, seed: int, size: int = 5) -> list[int]:
    """A seeded sample of line indices of a split."""
    return sorted(int(i) for i in np.random.default_rng(seed).choice(COUNTS[split], size, False))


@pytest.mark.parametrize(("kind", "level", "split", "seed"), SPLITS, ids=map(_id, SPLITS))
def test_split_rebuilds_bit_for_bit(kind, level, split, seed):
    committed = lines(kind, level, split)
    assert len(committed) == COUNTS[split]
    for index in (0, 1, len(committed) - 1):
        options = {"generator_version": 1} if kind == "zebra" else {}  # the splits' version
        assert json.dumps(generate_one(kind, level, seed, options, index)) == committed[index]


@pytest.mark.parametrize(("kind", "level", "split", "seed"), SPLITS, ids=map(_id, SPLITS))
def test_every_committed_answer_verifies_and_is_labelled(kind, level, split, seed):
    rows = [json.loads(line) for line in lines(kind, level, split)]
    ids = [f"{kind}-{level}-s{seed}-{i:06d}" for i in range(COUNTS[split])]
    assert [r["id"] for r in rows] == ids
    assert all(r["seed"] == [seed, i] and r["level"] == level for i, r in enumerate(rows))
    the_kind = get_kind(kind)
    for record in records(kind, level, split):
        assert the_kind.verify(record.puzzle, record.solution).ok, record.id


def test_the_verifier_rejects_corrupted_committed_answers():
    zebra, blocks = get_kind("zebra"), get_kind("blocksworld")
    for record in records("zebra", "hard", "test")[:20]:
        grid = record.solution
        swapped = (tuple(reversed(grid[0])), *grid[1:])  # first attribute mirrored
        assert not zebra.verify(record.puzzle, swapped).ok, record.id
    for record in records("blocksworld", "hard", "test")[:20]:
        assert not blocks.verify(record.puzzle, record.solution[:-1]).ok, record.id


@pytest.mark.parametrize(("kind", "level", "split", "seed"), ZEBRA, ids=map(_id, ZEBRA))
def test_zebra_sample_is_unique_graded_as_labelled_and_first_is_clue_minimal(
    kind, level, split, seed
):
    rows = [json.loads(line) for line in lines(kind, level, split)]
    recs = records(kind, level, split)
    for index in sample(split, seed):
        record, meta = recs[index], rows[index]["meta"]
        found, _ = find_solutions(record.puzzle, 2)
        assert found == [record.solution], record.id
        graded = grade_zebra(record.puzzle)
        assert graded["level"] == level and graded["solved"]
        assert {k: meta[k] for k in graded} == graded
    first = recs[0].puzzle
    for drop in range(len(first.clues)):
        looser = first.with_clues(first.clues[:drop] + first.clues[drop + 1 :])
        assert len(find_solutions(looser, 2)[0]) == 2, f"clue {drop + 1} of {recs[0].id}"


@pytest.mark.parametrize(("kind", "level", "split", "seed"), BLOCKS, ids=map(_id, BLOCKS))
def test_blocksworld_sample_plans_are_optimal(kind, level, split, seed):
    rows = [json.loads(line) for line in lines(kind, level, split)]
    recs = records(kind, level, split)
    checked = 0
    for index in sample(split, seed, 8):
        record, meta = recs[index], rows[index]["meta"]
        assert len(record.solution) == len(rows[index]["solution"]) == meta["optimal_length"]
        if meta["expanded"] > REPLAN_MAX_EXPANDED:
            continue
        moves = astar_plan(record.puzzle)
        assert 2 * len(moves) == meta["optimal_length"], record.id
        if level in ("easy", "medium"):  # exhaustive BFS is fast only up to 6 blocks
            assert 2 * len(bfs_plan(record.puzzle)) == meta["optimal_length"], record.id
        checked += 1
    assert checked >= 4
