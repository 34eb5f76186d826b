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
