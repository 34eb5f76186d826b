"""`verify --answers`' summary (answers.py's Tally): levels kept apart by kind."""

from __future__ import annotations

from puzzlemdm.answers import Judged, Tally
from puzzlemdm.puzzles.base import PuzzleRecord
from puzzlemdm.puzzles.registry import get_kind


def _judged(level: str | None, ok: bool) -> Judged:
    return Judged(PuzzleRecord(None, level=level), "" if ok else "the answer is wrong")


def test_the_summary_counts_by_level_in_the_kinds_order_and_never_merges_kinds() -> None:
    sudoku, zebra = get_kind("sudoku"), get_kind("zebra")
    tally = Tally()
    for kind, level, ok in [
        (zebra, "hard", True), (zebra, "easy", False), (zebra, None, True),
        (sudoku, "hard", False), (sudoku, "easy", True),
    ]:  # fmt: skip
        tally.add(kind, _judged(level, ok))
    assert not tally.all_right
    assert tally.summary().startswith(
        "3/5 answers right (sudoku easy 1/1, sudoku hard 0/1, zebra easy 0/1, zebra hard 1/1, "
        "zebra no level 1/1)"
    )
    one_kind = Tally()
    for level in ("hard", "easy"):
        one_kind.add(zebra, _judged(level, True))
    assert one_kind.all_right and one_kind.summary() == "2/2 answers right (easy 1/1, hard 1/1)"
    single = Tally()
    single.add(zebra, _judged("easy", True))
    assert (
        single.summary(["x"])
        == "1/1 answers right; 1 answers for no puzzle given (ids such as 'x')"
    )


def test_records_grouped_by_search_space_are_counted_so_in_the_groups_order() -> None:
    zebra = get_kind("zebra")
    tally = Tally()
    for space, ok in [("x-large", False), ("small", True), ("large", True), ("x-large", True)]:
        record = PuzzleRecord(None, level="hard", meta={"search_space": space})
        tally.add(zebra, Judged(record, "" if ok else "the answer is wrong"))
    assert (
        tally.summary() == "3/4 answers right (by search space small 1/1, large 1/1, x-large 1/2)"
    )
    tally.add(zebra, _judged("easy", True))  # a record without a group counts in its level only
    assert tally.summary().startswith(
        "4/5 answers right (easy 1/1, hard 3/4; by search space small 1/1, large 1/1, x-large 1/2)"
    )


def test_solve_rows_of_two_files_same_named_puzzles_are_each_judged_back(tmp_path) -> None:
    import json
    import shutil

    from typer.testing import CliRunner

    from puzzlemdm.cli import app

    files = []
    for folder in ("basic", "basic_3blocks"):  # as PlanBench's folders both hold instance-1
        (tmp_path / folder).mkdir()
        files.append(str(tmp_path / folder / "instance-1.pddl"))
        shutil.copy("examples/blocksworld.pddl", files[-1])
    solved = CliRunner().invoke(app, ["solve", *files, "--solver", "astar", "--json"])
    rows = [json.loads(line) for line in solved.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["instance-1", "instance-1"]
    assert [r["source"].rsplit(":", 1)[0] for r in rows] == files
    assert "solutions" not in rows[0]  # the solver's own count; "unique" says the puzzle's
    (tmp_path / "rows.jsonl").write_text(solved.stdout)
    judged = CliRunner().invoke(app, ["verify", *files, "--answers", str(tmp_path / "rows.jsonl")])
    assert judged.exit_code == 0, judged.output


def test_a_plan_no_longer_than_the_one_a_record_carries_is_of_the_best_known_length() -> None:
    from puzzlemdm.puzzles.blocksworld.astar import astar_plan
    from puzzlemdm.puzzles.blocksworld.problem import moves_to_actions
    from puzzlemdm.puzzles.corpus import read_corpus

    kind = get_kind("blocksworld")
    record = read_corpus("datasets/blocksworld/medium/test.jsonl", "blocksworld")[1][0]
    best = moves_to_actions(record.puzzle.init, astar_plan(record.puzzle))
    record.meta.pop("optimal_length", None)  # only the plan it carries says how short is best
    longer = [*best, ("pick-up", 1, 0), ("put-down", 1, 0)]
    record.solution = longer
    assert kind.optimal(record, best) is True  # shorter than the carried plan: never "longer"
    assert kind.optimal(record, longer) is True
    record.solution = best
    assert kind.optimal(record, longer) is False
