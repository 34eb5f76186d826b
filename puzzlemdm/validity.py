"""What `verify` checks of one puzzle: consistent givens, a solution exists (and how many), and
the file's own solution or short answer when it carries one; and what `grade` says of it.
Pure: the CLI prints what this decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from puzzlemdm.puzzles.base import NOT_JUDGED, PuzzleKind, PuzzleRecord, first_violations


@dataclass(frozen=True)
class Validity:
    """One puzzle's verdict: `problem` is empty when it is valid."""

    problem: str = ""
    unique: bool | None = None  # None: the kind does not count (plans) or its budget ran out
    solution_checked: bool = False  # the file carried a solution, and the verifier accepted it
    answer_checked: bool = False  # the file recorded a short answer, and it was judged right

    @property
    def ok(self) -> bool:
        return not self.problem


def unique(kind: PuzzleKind, puzzle: Any) -> bool | None:
    """Whether the puzzle has exactly one solution; None where the kind does not count them
    (plans) or its budget ran out."""
    count = kind.count_solutions(puzzle, 2)
    return None if count is None else count == 1


def grade_record(kind: PuzzleKind, record: PuzzleRecord) -> dict[str, Any] | str:
    """`grade`'s row of a puzzle: its level and the counters behind it, and `unique` (a level
    grades the way to the one solution: with several, it says little); or why it is invalid."""
    validity = kind.check(record.puzzle)
    if not validity.ok:
        return f"invalid puzzle: {first_violations(validity.violations)}"
    return {**kind.grade(record.puzzle), "unique": unique(kind, record.puzzle)}


def check_record(kind: PuzzleKind, record: PuzzleRecord, answer: Any = None) -> Validity:
    """Givens, then the file's solution (or `answer`, one given apart: `verify --answer`), then
    solutions counted up to two; the first problem."""
    givens = kind.check_givens(record.puzzle)
    if not givens.ok:
        return Validity(f"invalid puzzle: {first_violations(givens.violations)}")
    solution, whose = (
        (record.solution, "the file's solution") if answer is None else (answer, "the answer")
    )
    checked = solution is not None
    if checked:
        verdict = kind.verify(record.puzzle, solution)
        if not verdict.ok:
            return Validity(f"{whose} is wrong: {first_violations(verdict.violations)}")
    count = kind.count_solutions(record.puzzle, 2)
    if count == 0:
        return Validity("invalid puzzle: it has no solution")
    recorded = kind.recorded_answer(record) if answer is None else None
    judged = kind.judge_short_answer(record, recorded) if recorded is not None else None
    if judged and not judged.startswith(NOT_JUDGED):  # undecided by the clues: neither
        return Validity(f"the file's answer {recorded!r}: {judged}")
    answered = judged == ""  # right ('' from the judge), not merely left unjudged
    if count is None and not checked:
        # Not counted: at least make sure one solution exists (the kind's own validity test).
        validity = kind.check(record.puzzle)
        if not validity.ok:
            return Validity(f"invalid puzzle: {first_violations(validity.violations)}")
    return Validity("", None if count is None else count == 1, checked, answered)
