"""The order study's numbers and pictures: each cell where it is, times of the puzzles read,
shares only over the paths that have them, JSON without NaN."""

from __future__ import annotations

import json
import math

import numpy as np

from puzzlemdm.analysis.figures import step_pictures
from puzzlemdm.analysis.paths import PathAnalysis, _decision
from puzzlemdm.analysis.study import decode_seconds
from puzzlemdm.analysis.summary import _closest_table, summarise
from puzzlemdm.puzzles.corpus import read_corpus
from puzzlemdm.puzzles.registry import get_kind


def path(positions: list[int], steps: list[int] | None = None, **facts) -> PathAnalysis:
    d = len(positions)
    return PathAnalysis(
        id="p", split="s", method="m", solved=False, nfe=d, cumulative_entropy=0.0,
        positions=np.array(positions), step=np.array(steps if steps else range(d)),
        entropy=np.zeros(d), margin=np.ones(d), **facts,
    )  # fmt: skip


def spec_of(kind: str, file: str):
    records = read_corpus(f"datasets/{kind}/{file}", kind)[1][:3]
    return get_kind(kind).spec_for([r.puzzle for r in records])


def test_each_cell_has_its_own_place_in_the_step_picture_of_every_kind():
    for kind, file, cells in (("sudoku", "easy/test.jsonl", 81), ("zebra", "hard/test.jsonl", 36)):
        spec = spec_of(kind, file)
        decided = [int(p) for p in np.flatnonzero(spec.coords[:, 0] == 0)][:cells]
        if kind == "sudoku":
            decided = list(range(cells))
        picture = step_pictures({"x": [path(decided)]}, spec)["x"]
        rows, cols = (spec.coords[decided, axis] for axis in spec.picture)
        assert picture.shape == (rows.max() + 1, cols.max() + 1)
        assert np.allclose(picture[rows, cols], np.arange(cells) / (cells - 1)), kind
        assert np.isfinite(picture).sum() == cells  # no two cells on one pixel


def test_the_step_picture_spans_the_puzzles_cells_not_only_those_decided():
    spec = spec_of("sudoku", "easy/test.jsonl")
    picture = step_pictures({"x": [path(list(range(72)))]}, spec, np.arange(81))["x"]
    assert picture.shape == (9, 9) and np.isnan(picture[8]).all()  # the last row given


def test_step_by_row_is_left_out_where_the_kind_s_rows_have_no_order():
    zebra, sudoku = spec_of("zebra", "easy/test.jsonl"), spec_of("sudoku", "easy/test.jsonl")
    assert not zebra.ordered_rows and sudoku.ordered_rows
    assert "step_by_row" not in summarise([path([0, 1])], None)
    assert set(summarise([path([0, 9])], sudoku.coords[:, 0])["step_by_row"]) == {"0", "1"}


def test_where_the_first_wrong_decision_falls_is_counted_in_steps():
    several = path([0, 1, 2, 3, 4, 5], [0, 0, 0, 1, 1, 2])
    assert _decision(several, 3)["fraction"] == 0.5  # step 1 of 0..2, not decision 3 of 0..5
    assert _decision(path([0, 1, 2]), 1)["fraction"] == 0.5


def test_a_study_of_fewer_puzzles_than_its_traces_times_only_those():
    rows = [{"index": i, "decode_share": 2.0, "seconds": 1.5} for i in range(3)]
    assert decode_seconds(rows[:2], rows, 6.0) == 4.0
    old = [{"index": i, "seconds": 1.5} for i in range(3)]  # before rows kept their share
    assert decode_seconds(old, old, 6.0) == 6.0
    assert decode_seconds(old[:2], old, 6.0) is None


def test_closest_reference_shares_count_their_paths_and_none_reads_as_a_dash():
    rows = [
        {"split": "easy", "method": "med", "closest": {}, "closest_paths": 0, "puzzles": 6},
        {"split": "hard", "method": "med", "closest": {"mrv": 1.0}, "closest_paths": 1,
         "puzzles": 6},
    ]  # fmt: skip
    table = _closest_table(rows, ["mrv", "row-major"])
    assert table[2] == "| easy | med | - | - | 0 of 6 |"
    assert table[3] == "| hard | med | 100% | 0% | 1 of 6 |"


def test_a_path_row_is_json_without_nan():
    row = path([0], tau={"mrv": math.nan, "row-major": 0.5}).row()
    assert row["tau"] == {"mrv": None, "row-major": 0.5}
    json.dumps(row, allow_nan=False)
