"""Answers given apart from their puzzles: one (`verify --answer`), or many at once (`verify
--answers`), each matched to its puzzle, read by the puzzle's kind and judged by the kind's
verifier. Pure: the CLI reads the files and prints.

A file of answers is JSON lines of `{"id": ..., "answer": ...}` (what `solve --json` prints, or
rows written so by anyone), PlanBench's results file (`{"instances": [{"instance_id": ...,
"llm_raw_response": ...}]}`) or ZeroEval's (`[{"session_id": ..., "output": [...]}]`, as it
runs ZebraLogic): a language model's answers. An answer goes to the puzzle whose
name (`file:line`), id or recorded `instance_id` its id gives; text is read as the kind reads
an answer file (`PuzzleKind.parse_answer`), a JSON value as its JSON; where that reads no
answer, as a short answer to the puzzle's question (`PuzzleKind.judge_short_answer`: a
ZebraLogic multiple-choice answer, a BBEH house number).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from puzzlemdm.puzzles.base import (
    SEARCH_SPACE,
    SEARCH_SPACE_GROUPS,
    PuzzleError,
    PuzzleKind,
    PuzzleRecord,
    first_violations,
    json_loads,
)
from puzzlemdm.usage import UsageError

ROWS = (
    'JSON lines of {"id": ..., "answer": ...} (as solve --json prints), or PlanBench\'s or '
    "ZeroEval's results"
)


@dataclass(frozen=True)
class Judged:
    """One puzzle's answer judged: `problem` is empty when it is right."""

    record: PuzzleRecord
    problem: str = ""
    optimal: bool | None = None  # of a right answer, where the kind and the record can tell
    # (cells equal to the record's solution's, open cells) where the record gives a solution
    # and the answer is a grid; an answer that cannot be read has none right
    cells: tuple[int, int] | None = None
    short: bool = False  # a short answer to the puzzle's question, not a whole answer

    @property
    def ok(self) -> bool:
        return not self.problem


def the_one_puzzle(
    loaded: Sequence[tuple[PuzzleKind, Sequence[PuzzleRecord]]],
) -> tuple[PuzzleKind, PuzzleRecord]:
    """The one puzzle a single answer is for (with its kind); UsageError when there are more."""
    puzzles = [(kind, record) for kind, records in loaded for record in records]
    if len(puzzles) != 1:
        raise UsageError(
            f"--answer checks the answer to one puzzle; the files hold {len(puzzles)}: give a file "
            "that holds that puzzle alone"
        )
    return puzzles[0]


def answers_in(text: str, source: str) -> dict[str, Any]:
    """Answer by id, from a file of many answers (see the module doc)."""
    body = text.strip().removeprefix("\ufeff")
    try:
        whole = json_loads(body)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict) and isinstance(whole.get("instances"), list):  # PlanBench's
        return _unique_ids(
            [
                (str(item["instance_id"]), item.get("llm_raw_response"))
                for item in whole["instances"]
                if isinstance(item, dict) and "instance_id" in item
            ],
            source,
        )
    if (
        isinstance(whole, list)
        and whole
        and all(isinstance(row, dict) and "session_id" in row for row in whole)
    ):  # ZeroEval's results: each puzzle's id and the model's outputs
        pairs = [(str(row["session_id"]), _first(row.get("output"))) for row in whole]
        return _unique_ids(pairs, source)
    if whole is not None:
        rows = whole if isinstance(whole, list) else [whole]
        return _by_id(rows, source, [1] * len(rows))
    rows, numbers = [], []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json_loads(line))
        except json.JSONDecodeError:
            raise PuzzleError(f"expected {ROWS}", source=source, line=number) from None
        numbers.append(number)
    return _by_id(rows, source, numbers)


def _first(output: Any) -> Any:
    """A model's answer: its first output when it gave several."""
    return output[0] if isinstance(output, list) and output else output


def _by_id(rows: list[Any], source: str, numbers: list[int]) -> dict[str, Any]:
    pairs = []
    for row, number in zip(rows, numbers, strict=True):
        if not isinstance(row, dict) or "id" not in row or "answer" not in row:
            raise PuzzleError(f"expected {ROWS}", source=source, line=number)
        pairs.append((str(row["id"]), row["answer"]))
    ids = Counter(key for key, _ in pairs)
    placed = [
        isinstance(row.get("source"), str) and os.path.normpath(row["source"]) for row in rows
    ]
    pairs = [  # solve --json rows of two files' same-named puzzles: told apart by their place
        (where if ids[key] > 1 and where else key, answer)
        for (key, answer), where in zip(pairs, placed, strict=True)
    ]
    return _unique_ids(pairs, source, numbers)


def _unique_ids(
    pairs: list[tuple[str, Any]], source: str, numbers: list[int] | None = None
) -> dict[str, Any]:
    """Answer by id; a PuzzleError for an id given twice (the last answer would win unsaid,
    hiding the first)."""
    answers: dict[str, Any] = {}
    for k, (key, answer) in enumerate(pairs):
        if key in answers:
            line = numbers[k] if numbers else None
            raise PuzzleError(f"the answers give id {key!r} twice", source=source, line=line)
        answers[key] = answer
    return answers


def shared_ids(records: Sequence[PuzzleRecord], answers: dict[str, Any]) -> list[str]:
    """The answers' ids that more than one puzzle goes by (two puzzles of one id, the first
    puzzle of two files by its index): such an answer fits each of them."""
    counts = Counter(key for record in records for key in set(keys_of(record)))
    return sorted(key for key in answers if counts[key] > 1)


def keys_of(record: PuzzleRecord) -> list[str]:
    """The ids an answer may give its puzzle by: its name, its id, its benchmark instance, the
    file and line it was read from (`place`)."""
    instance = record.meta.get("instance_id")
    keys = [record.name, record.id, "" if instance is None else str(instance), place(record)]
    return list(dict.fromkeys(key for key in keys if key))


def place(record: PuzzleRecord) -> str:
    """`file:line` of a puzzle, its path normalised (./a.txt is a.txt); "" if read from no file."""
    if not record.source:
        return ""
    return f"{os.path.normpath(record.source)}:{record.line}"


def judge_answers(
    kind: PuzzleKind, records: Sequence[PuzzleRecord], answers: dict[str, Any], source: str
) -> Iterator[Judged]:
    """Each puzzle's answer judged (a puzzle without one is judged unanswered), with its cells
    counted against the record's solution where there is one."""
    for record in records:
        judged, answer = _judge(kind, record, answers, source)
        yield judged if judged.short else replace(judged, cells=cell_counts(kind, record, answer))


def cell_counts(
    kind: PuzzleKind, record: PuzzleRecord, answer: Any | None
) -> tuple[int, int] | None:
    """(cells of `answer` equal to the record's solution's, cells); None without a solution or
    where answers are no grid. No answer has none right."""
    if record.solution is None:
        return None
    truth = kind.answer_cells(record.puzzle, record.solution)
    if truth is None:
        return None
    said = () if answer is None else kind.answer_cells(record.puzzle, answer) or ()
    return sum(a == b for a, b in zip(said, truth, strict=False)), len(truth)


def _judge(
    kind: PuzzleKind, record: PuzzleRecord, answers: dict[str, Any], source: str
) -> tuple[Judged, Any | None]:
    """A puzzle's answer judged, and the answer as read (None when there is none to read)."""
    key = next((key for key in keys_of(record) if key in answers), None)
    if key is None:
        return Judged(record, "no answer given"), None
    given = answers[key]
    if given is None:
        return Judged(record, "the answer is empty"), None
    text = given if isinstance(given, str) else json.dumps(given)
    return judge_text(kind, record, text, f"{source} ({key})")


def read_answer(kind: PuzzleKind, record: PuzzleRecord, text: str, source: str) -> Any:
    """An answer as the kind reads it (a grid, a plan), or, where none reads and the puzzle asks
    one question, the short answer's verdict (a `Judged`); else the kind's PuzzleError."""
    try:
        return kind.parse_answer(record.puzzle, text, source)
    except PuzzleError:
        problem = kind.judge_short_answer(record, text)
        if problem is None:
            raise
        return Judged(record, problem, short=True)


def judge_text(
    kind: PuzzleKind, record: PuzzleRecord, text: str, source: str
) -> tuple[Judged, Any | None]:
    """An answer's text judged by the kind's verifier (a short one against what the clues
    decide), and the answer as read (None when it is short or cannot be read)."""
    try:
        answer = read_answer(kind, record, text, source)
    except PuzzleError as exc:
        return Judged(record, f"the answer cannot be read: {exc}"), None
    if isinstance(answer, Judged):
        return answer, None
    verdict = kind.verify(record.puzzle, answer)
    if not verdict.ok:
        return Judged(
            record, f"the answer is wrong: {first_violations(verdict.violations)}"
        ), answer
    return Judged(record, optimal=kind.optimal(record, answer)), answer


def judged_row(kind: PuzzleKind, judged: Judged) -> dict[str, Any]:
    """`verify --answers --json`'s row of one judged answer."""
    row = {"id": judged.record.name, "kind": kind.name, "level": judged.record.level}
    if SEARCH_SPACE in judged.record.meta:
        row[SEARCH_SPACE] = judged.record.meta[SEARCH_SPACE]
    row.update({"ok": judged.ok, "problem": judged.problem or None, "optimal": judged.optimal})
    if judged.short:
        row["short_answer"] = True
    if judged.cells is not None:
        row.update({"cells_right": judged.cells[0], "cells": judged.cells[1]})
    return row


@dataclass
class Tally:
    """Judged answers counted for `verify --answers`' summary line, by level too (each kind's
    own: a Sudoku's "hard" is not a Zebra's), and by search space where records carry one."""

    counts: Counter[str] = field(default_factory=Counter)
    by_level: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    level_order: dict[tuple[str, str], int] = field(default_factory=dict)
    by_space: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)

    def add(self, kind: PuzzleKind, judged: Judged) -> None:
        level = judged.record.level
        key = (kind.name, "no level" if level is None else level)
        order = kind.levels.index(level) if level in kind.levels else len(kind.levels)
        self.level_order.setdefault(key, order)
        self.by_level.setdefault(key, Counter()).update(total=1, right=int(judged.ok))
        space = judged.record.meta.get(SEARCH_SPACE)
        if space is not None:
            counter = self.by_space.setdefault((kind.name, str(space)), Counter())
            counter.update(total=1, right=int(judged.ok))
        self.counts.update(
            total=1,
            right=int(judged.ok),
            optimal=int(judged.optimal is True),
            judged_optimality=int(judged.optimal is not None),
            short=int(judged.short),
        )
        if judged.cells is not None:
            self.counts.update(cells_right=judged.cells[0], cells=judged.cells[1], with_solution=1)

    @property
    def all_right(self) -> bool:
        return self.counts["right"] == self.counts["total"]

    def summary(self, stray: Sequence[str] = ()) -> str:
        """ "N/M answers right (by level and by search space, where there are several), short
        answers, optimal plans, cells right, answers for no puzzle"."""
        c = self.counts
        parts = [f"{c['right']}/{c['total']} answers right"]
        groups = []
        if len(self.by_level) > 1:
            keys = sorted(self.by_level, key=lambda k: (k[0], self.level_order[k], k[1]))
            groups.append(_grouped(self.by_level, keys))
        if len(self.by_space) > 1:
            keys = sorted(self.by_space, key=lambda k: (k[0], _space_rank(k[1]), k[1]))
            groups.append("by search space " + _grouped(self.by_space, keys))
        if groups:
            parts[0] += f" ({'; '.join(groups)})"
        if c["judged_optimality"]:
            parts[0] += (
                f" ({c['optimal']} of optimal length, of the {c['judged_optimality']} right ones "
                "whose optimum is known)"
            )
        if c["short"]:
            parts.append(f"{c['short']} of them short answers to the puzzle's question")
        if c["cells"]:
            parts.append(
                f"cells right {c['cells_right']}/{c['cells']} "
                f"({100 * c['cells_right'] / c['cells']:.1f}%, over the {c['with_solution']} "
                "puzzles whose solution the file gives; an unreadable answer has none right)"
            )
        if stray:
            parts.append(f"{len(stray)} answers for no puzzle given (ids such as {stray[0]!r})")
        return "; ".join(parts)


def _grouped(counts: dict[tuple[str, str], Counter[str]], keys: list[tuple[str, str]]) -> str:
    """ "easy 3/4, hard 1/2", each group named with its kind where there are several kinds."""
    several = len({kind for kind, _ in keys}) > 1
    return ", ".join(
        f"{kind + ' ' if several else ''}{group} "
        f"{counts[kind, group]['right']}/{counts[kind, group]['total']}"
        for kind, group in keys
    )


def _space_rank(group: str) -> int:
    order = SEARCH_SPACE_GROUPS
    return order.index(group) if group in order else len(order)


def unmatched(records: Sequence[PuzzleRecord], answers: dict[str, Any]) -> list[str]:
    """Ids of answers no puzzle took (a wrong file, or ids written otherwise)."""
    taken = {key for record in records for key in keys_of(record)}
    return [key for key in answers if key not in taken]
