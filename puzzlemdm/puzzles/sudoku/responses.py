"""A Sudoku answer inside a language model's response: the last grid it writes, amid reasoning
and code fences. A grid is a line of n*n cells ("534678912672..."), n rows together (plain,
spaced, boxed with `|` and borders, a Markdown table, "Row 1: 5 3 4 ...", "1. 5 3 4 ...", a
list per row) or JSON (a list of rows, or a string of cells, anywhere in an object). The
puzzle restated before the answer is passed over. A response whose last grid-like lines
cannot be read as a whole grid, or whose last grid is the puzzle itself, is refused
(ValueError), never judged by an earlier draft; rows are never dropped or borrowed to make up
a grid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from puzzlemdm.puzzles.base import json_raw_decode
from puzzlemdm.puzzles.stated import check_not_taken_back
from puzzlemdm.puzzles.sudoku.board import ALPHABET, Shape, Sudoku
from puzzlemdm.puzzles.sudoku.sniff import BOX_DRAWING

BLANK_CELLS = "._0"
ROW_LABEL = re.compile(r"^[\s|]*(?:row\s*\d+|r\d+)\s*[:=.)|-]?", re.IGNORECASE)
NUMBERED = re.compile(r"^\s*\d+\s*[.)]\s+")  # "1. 5 3 4 ...": a numbered list of rows
TOKEN = re.compile(r"[0-9A-Za-z._]+")
# what may stand between a grid's cells or around its rows
SEPARATORS = set(" \t|,;[](){}+-=:`*'\"") | set(BOX_DRAWING)
MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*\|")  # under a Markdown table's header
# words that introduce a grid as other than the answer ("my earlier draft", "the grid below
# with rows 1 and 2 exchanged"): the answer is unclear
DRAFT = re.compile(
    r"\b(draft|earlier|previous|wrong|incorrect|mistaken|exchanged?|swap(?:ped|s)?|except|"
    r"instead|changed|modified|but)\b",
    re.IGNORECASE,
)
PUZZLE_KEYS = ("puzzle", "quiz", "quizzes", "givens", "initial", "grid_given")
JSON_TRIES = 2000  # JSON values tried at most: a response of unclosed brackets stays quick


@dataclass(frozen=True)
class Found:
    """A piece of the response: a whole grid (`cells`), or grid-like lines that are none."""

    start: int  # offset in the response
    end: int
    line: int  # 1-based, for messages
    cells: str | None


def response_cells(text: str, puzzle: Sudoku) -> str | None:
    """The last grid `text` holds, as one line of n*n cells ('.' a blank); None when it holds
    none; ValueError when grid-like lines after it (a grid of the wrong size, an unreadable
    row) cannot be read, or it is the puzzle itself after another grid, so that no earlier
    draft is ever judged in the final answer's place."""
    shape = puzzle.shape
    restated = "".join(ALPHABET[v - 1] if v else "." for v in puzzle.cells)
    spans: list[tuple[int, int]] = []  # the JSON values read: their grids are theirs to say
    in_json = list(_json_grids(text, shape, spans))
    found = [
        f
        for f in [*_lines_of_cells(text, shape), *_rows(text, shape)]
        if not any(start <= f.start and f.end <= end for start, end in spans)
    ] + in_json
    grids = [f for f in found if f.cells is not None]
    if not grids:
        return None
    last = max(reversed(grids), key=lambda f: f.start)  # the later of a value's grids
    if last.cells == restated and any(f.cells != restated for f in grids):
        raise ValueError(
            f"the last grid (line {last.line}) is the puzzle itself, after another grid: which "
            "is the answer cannot be told; state the answer last"
        )
    check_not_taken_back(text, last.end)  # UnclearAnswer is a ValueError
    before = text[: last.start].splitlines()[-2:]  # the words that introduce it
    if any(DRAFT.search(line) for line in before):
        raise ValueError(
            f"the last grid (line {last.line}) is called a draft or wrong where it is given: "
            "state the final answer last"
        )
    digits_after = [line for line in text[last.end :].splitlines() if _digit_count(line) >= 5]
    if digits_after:
        raise ValueError(
            f"the words after the last grid (line {last.line}) give digits again "
            f"({digits_after[0].strip()[:40]!r}): which grid answers cannot be told"
        )
    after = [f for f in found if f.cells is None and f.start >= last.end]
    if after:
        raise ValueError(
            f"line {after[0].line} looks like a grid but is none of {shape.n}x{shape.n} cells "
            f"(the last whole grid is at line {last.line}): give the answer as one grid"
        )
    return last.cells


def _digit_count(line: str) -> int:
    return sum(ch.isdigit() for ch in line)


def _cell(token: str, n: int) -> str | None:
    """A token's cell: a value (a digit, a letter, a number up to n) or a blank, else None."""
    if token.isdigit() and 1 <= int(token) <= n:
        return ALPHABET[int(token) - 1]
    if len(token) == 1 and (token in BLANK_CELLS or token.upper() in ALPHABET[:n]):
        return token.upper() if token not in BLANK_CELLS else "."
    return None


def row_cells(line: str, n: int) -> str | None:
    """A line's n cells when it is a grid row (cells apart or run together, after a "Row 1:"
    or "1." label), else None."""
    for body in (ROW_LABEL.sub("", line, count=1), NUMBERED.sub("", line, count=1)):
        if any(not (ch.isalnum() or ch in BLANK_CELLS or ch in SEPARATORS) for ch in body):
            continue
        tokens = TOKEN.findall(body)
        run = "".join(tokens)
        for cells in ([_cell(t, n) for t in tokens], [_cell(ch, n) for ch in run]):
            if len(cells) == n and all(cells):
                return "".join(cells)  # type: ignore[arg-type]
    return None


def _row_like(line: str, n: int) -> bool:
    """Whether a line that is no row still reads as one meant (n - 2 or more cells, little
    else): a row too short or too long, a cell mistyped."""
    tokens = TOKEN.findall(NUMBERED.sub("", line, count=1))
    cells = sum(_cell(t, n) is not None for t in tokens)
    return cells >= n - 2 and cells >= 0.8 * len(tokens)


def _rows(text: str, shape: Shape) -> Iterator[Found]:
    """Grids of n rows, and grid-like runs that are none. A run of rows may hold borders and,
    between its bands, blank lines; words, a code fence or a Markdown header end it. Blank
    lines may also part grids written one after another, at their ends."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    run: list[tuple[int, str]] = []  # (line index, cells)
    parts: list[int] = []  # rows before each blank line of the run

    def close(upto: int) -> Iterator[Found]:
        if run:
            yield from _grids_of_run(run, parts, shape, starts, upto)
        run.clear()
        parts.clear()

    for k, line in enumerate(lines):
        body = line.strip()
        header = k + 1 < len(lines) and MARKDOWN_RULE.match(lines[k + 1]) is not None
        cells = None if header or body.startswith("```") else row_cells(body, shape.n)
        if cells is not None:
            run.append((k, cells))
        elif not body:
            parts.append(len(run))
        elif not set(body) <= SEPARATORS or body.startswith("```"):
            yield from close(k)
            digits = sum(ch.isdigit() for ch in body)  # a grid on one line, written otherwise
            if _row_like(body, shape.n) or digits >= shape.cells - shape.n:
                yield Found(starts[k], starts[k + 1], k + 1, None)
    yield from close(len(lines))


def _grids_of_run(
    run: list[tuple[int, str]], parts: list[int], shape: Shape, starts: list[int], upto: int
) -> Iterator[Found]:
    """The grids of a run of rows: all of it, or grids that blank lines part; else the run is
    one grid-like piece that is no grid."""
    n, rows = shape.n, len(run)
    bounds = list(range(n, rows + 1, n))
    if rows % n == 0 and (rows == n or set(bounds[:-1]) <= set(parts)):
        for b in bounds:
            first, last = run[b - n][0], run[b - 1][0]
            cells = "".join(c for _, c in run[b - n : b])
            yield Found(starts[first], starts[last + 1], first + 1, cells)
        return
    first = run[0][0]
    yield Found(starts[first], starts[min(upto, len(starts) - 1)], first + 1, None)


def _lines_of_cells(text: str, shape: Shape) -> Iterator[Found]:
    """Each run of exactly n*n cell characters ("534678912..."), or of n rows of n apart
    ("534678912 672195348 ...", "534678912/672195348/..."); a full stop or an ellipsis may
    end it."""
    n = shape.n
    cell = f"[{re.escape(ALPHABET[:n])}{re.escape(ALPHABET[:n].lower())}.]"
    end = r"(?![0-9A-Za-z]|\.+[0-9A-Za-z])"
    whole = rf"(?<![0-9A-Za-z.]){cell}{{{shape.cells}}}{end}"
    rows = rf"(?<![0-9A-Za-z.]){cell}{{{n}}}(?:[ /|,;]+{cell}{{{n}}}){{{n - 1}}}{end}"
    for pattern in (whole, rows):
        for match in re.finditer(pattern, text):
            line = text.count("\n", 0, match.start()) + 1
            cells = re.sub(r"[ /|,;]", "", match.group()).upper()
            yield Found(match.start(), match.end(), line, cells)


def _json_grids(text: str, shape: Shape, spans: list[tuple[int, int]]) -> Iterator[Found]:
    """Each grid a JSON value holds, in its order; the spans of the values that hold some
    are added to `spans`."""
    at, tries = _next_bracket(text, 0), 0
    while at != -1 and tries < JSON_TRIES:
        tries += 1
        try:
            value, end = json_raw_decode(text, at)
        except json.JSONDecodeError as err:
            if err.msg.startswith("nested too deeply"):
                return
            value, end = None, at + 1
        grids = list(_grids_in(value, shape)) if value is not None else []
        for cells in grids:  # in order: the last counts
            yield Found(at, end, text.count("\n", 0, at) + 1, cells)
        if grids:
            spans.append((at, end))
        else:
            end = at + 1  # look inside
        at = _next_bracket(text, end)


def _next_bracket(text: str, start: int) -> int:
    found = [i for i in (text.find("{", start), text.find("[", start)) if i != -1]
    return min(found, default=-1)


def _grids_in(value: Any, shape: Shape) -> Iterator[str]:
    """Grids in a JSON value: a list of n rows (each a list of n cells, or a string of n),
    or a string of n*n cells, at any depth."""
    n = shape.n
    if isinstance(value, str) and len(value.strip()) == shape.cells:
        cells = [_cell(ch, n) for ch in value.strip()]
        if all(cells):
            yield "".join(cells)  # type: ignore[arg-type]
    elif (
        isinstance(value, list)
        and len(value) == n
        and all(isinstance(row, list | str) for row in value)
    ):
        rows = [
            "".join(c for c in (_cell(str(x), n) for x in row) if c)
            if isinstance(row, list) and len(row) == n
            else (row_cells(row, n) if isinstance(row, str) else None)
            for row in value
        ]
        if all(row is not None and len(row) == n for row in rows):
            yield "".join(rows)  # type: ignore[arg-type]
    elif isinstance(value, dict):
        for key, item in value.items():
            if str(key).lower() not in PUZZLE_KEYS:  # the puzzle given back is no answer
                yield from _grids_in(item, shape)
    elif isinstance(value, list):
        for item in value:
            yield from _grids_in(item, shape)
