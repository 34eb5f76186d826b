"""A Sudoku answer inside a language model's response: the last grid it writes, amid reasoning
and code fences. A grid is a line of n*n cells ("534678912672..."), n rows (plain, spaced,
boxed with `|` and borders, a Markdown table, "Row 1: 5 3 4 ...", a list per row) or JSON (a
list of rows, or a string of cells, anywhere in an object). The puzzle restated before its
answer is passed over: the last grid counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from puzzlemdm.puzzles.base import json_raw_decode
from puzzlemdm.puzzles.sudoku.board import ALPHABET, Shape
from puzzlemdm.puzzles.sudoku.sniff import BOX_DRAWING

BLANK_CELLS = "._0"
ROW_LABEL = re.compile(r"^\s*(?:row\s*\d+|r\d+)\s*[:=.)-]?", re.IGNORECASE)
TOKEN = re.compile(r"[0-9A-Za-z._]+")
# what may stand between a grid's cells or around its rows
SEPARATORS = set(" \t|,;[](){}+-=:`*'\"") | set(BOX_DRAWING)


def response_cells(text: str, shape: Shape) -> str | None:
    """The last grid `text` holds, as one line of n*n cells ('.' for a blank); None if none."""
    found = [*_lines_of_cells(text, shape), *_row_runs(text, shape), *_json_grids(text, shape)]
    return max(found)[1] if found else None


def _cell(token: str, n: int) -> str | None:
    """A token's cell: a value (a digit, a letter, a number up to n) or a blank, else None."""
    if token.isdigit() and 1 <= int(token) <= n:
        return ALPHABET[int(token) - 1]
    if len(token) == 1 and (token in BLANK_CELLS or token.upper() in ALPHABET[:n]):
        return token.upper() if token not in BLANK_CELLS else "."
    return None


def row_cells(line: str, n: int) -> str | None:
    """A line's n cells when it is a grid row (cells apart or run together), else None."""
    body = ROW_LABEL.sub("", line, count=1)
    if any(not (ch.isalnum() or ch in BLANK_CELLS or ch in SEPARATORS) for ch in body):
        return None
    tokens = TOKEN.findall(body)
    if len(tokens) == n:
        cells = [_cell(t, n) for t in tokens]
        return "".join(cells) if all(cells) else None  # type: ignore[arg-type]
    run = "".join(tokens)
    if len(run) == n:  # "534 678 912", "534678912"
        cells = [_cell(ch, n) for ch in run]
        return "".join(cells) if all(cells) else None  # type: ignore[arg-type]
    return None


def _row_runs(text: str, shape: Shape) -> Iterator[tuple[int, str]]:
    """(offset, cells) of each run of n rows; borders and blank lines may part its bands."""
    rows: list[str] = []
    start = offset = 0
    for line in text.splitlines(keepends=True):
        cells = row_cells(line.rstrip("\r\n"), shape.n)
        if cells is not None:
            start = offset if not rows else start
            rows.append(cells)
            if len(rows) == shape.n:
                yield start, "".join(rows)
                rows = []
        elif line.strip() and not set(line.strip()) <= SEPARATORS:
            rows = []  # words: no grid runs through them
        offset += len(line)


def _lines_of_cells(text: str, shape: Shape) -> Iterator[tuple[int, str]]:
    """(offset, cells) of each run of exactly n*n cell characters."""
    cell = f"[{re.escape(ALPHABET[: shape.n])}{re.escape(ALPHABET[: shape.n].lower())}.]"
    for match in re.finditer(rf"(?<![0-9A-Za-z.]){cell}{{{shape.cells}}}(?![0-9A-Za-z.])", text):
        yield match.start(), match.group().upper()


def _json_grids(text: str, shape: Shape) -> Iterator[tuple[int, str]]:
    """(offset, cells) of each JSON value holding a grid (the last one inside it)."""
    at = min((i for i in (text.find("{"), text.find("[")) if i != -1), default=-1)
    while at != -1:
        try:
            value, end = json_raw_decode(text, at)
        except ValueError:
            value, end = None, at + 1
        grids = list(_grids_in(value, shape)) if value is not None else []
        if grids:
            yield at, grids[-1]
        else:
            end = at + 1  # look inside
        at = min((i for i in (text.find("{", end), text.find("[", end)) if i != -1), default=-1)


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
            "".join(c or "" for c in (_cell(str(x), n) for x in row))
            if isinstance(row, list) and len(row) == n
            else (row_cells(row, n) if isinstance(row, str) else None)
            for row in value
        ]
        if all(row is not None and len(row) == n for row in rows):
            yield "".join(rows)  # type: ignore[arg-type]
    elif isinstance(value, dict):
        for item in value.values():
            yield from _grids_in(item, shape)
    elif isinstance(value, list):
        for item in value:
            yield from _grids_in(item, shape)
