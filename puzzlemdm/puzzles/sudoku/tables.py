"""Sudoku tables: grids as a spreadsheet saves them (cells between delimiters), CSV or TSV with
a `puzzle` (or Kaggle's `quizzes`) column, and JSON lines with a `puzzle` field (the project's
corpora); every error at source:line:column."""

from __future__ import annotations

import csv
import json
import re
from typing import Any

from puzzlemdm.puzzles.base import PuzzleError, PuzzleRecord, json_loads
from puzzlemdm.puzzles.sudoku.board import ALPHABET, Shape, Sudoku
from puzzlemdm.puzzles.sudoku.cells import (
    cell_values,
    nearest_size,
    shape_for,
    writes_zero_based,
)
from puzzlemdm.puzzles.sudoku.sheets import QUOTES, Layout, cell_rows, layout_of
from puzzlemdm.puzzles.sudoku.sniff import (
    COMMENTS,
    PUZZLE_COLUMNS,
    SOLUTION_COLUMNS,
    outside_other_sections,
)

_ID_COLUMNS = ("id", "idx")


def parse_cells(text: str, source: str, shape: Shape | None) -> list[PuzzleRecord]:
    """Grids a row a line, cells between one delimiter, empty cells blank ("5,3,,,7,,,,", as a
    spreadsheet saves a grid; `sheets.py`), one after another; values 10-25 may be written as
    numbers."""
    lines = text.removeprefix("\ufeff").splitlines()
    kept = outside_other_sections(lines)
    layout = layout_of(cell_rows(kept, COMMENTS))
    assert layout is not None  # detect_format said so
    rows = set(cell_rows(kept, COMMENTS))
    numbered = [(k, line) for k, line in enumerate(lines, start=1) if line in rows]
    numbered = numbered[1:] if layout.header else numbered
    n = layout.size
    grid_shape = shape or Shape.for_size(n)
    if grid_shape.n != n:
        raise PuzzleError(
            f"grid rows of {n} cells; a {grid_shape.n}x{grid_shape.n} sudoku needs {grid_shape.n}",
            source=source,
            line=numbered[0][0],
        )
    for number, line in numbered:
        if len(layout.fields(line)) != n:
            raise PuzzleError(
                f"row has {len(layout.fields(line))} cells between {layout.delimiter!r}; the "
                f"grid's rows have {n}",
                source=source,
                line=number,
            )
    if len(numbered) % n:
        raise PuzzleError(
            f"{len(numbered)} grid rows: a {n}x{n} sudoku has {n}, so the last grid is cut short",
            source=source,
            line=numbered[-1][0],
        )
    records = []
    for start in range(0, len(numbered), n):
        rows_of_grid = numbered[start : start + n]
        cells = [(number, _delimited_cells(line, layout, n)) for number, line in rows_of_grid]
        zero = writes_zero_based([cell for _, row in cells for cell in row], n)  # 0-F, or 0-15
        values: list[int] = []
        for number, row in cells:
            values += cell_values(row, n, source, number, zero)
        first = rows_of_grid[0][0]
        record = PuzzleRecord(Sudoku(grid_shape, tuple(values)), source=source, line=first)
        record.id = str(len(records))
        records.append(record)
    return records


def _delimited_cells(line: str, layout: Layout, n: int) -> list[tuple[int, str]]:
    """(column, cell) of a delimited row: an empty cell is '.', a number 10-25 the letter
    that writes it."""
    fields = line.split(layout.delimiter)
    column = 1 + sum(len(f) + len(layout.delimiter) for f in fields[: int(layout.lead)])
    cells = []
    for field in layout.fields(line):
        said = field.strip(QUOTES)
        if said.isdigit() and len(said) == 2 and 10 <= int(said) <= n:
            said = ALPHABET[int(said) - 1]
        cells.append((column + len(field) - len(field.lstrip(QUOTES)), said or "."))
        column += len(field) + len(layout.delimiter)
    return cells


# --- CSV and JSONL ---------------------------------------------------------------------------


def _grid_from_string(
    text: str,
    what: str,
    source: str,
    line: int,
    column: int,
    shape: Shape | None,
    zero_based: bool = False,
) -> Sudoku:
    """A puzzle or solution given as one string (CSV field, JSON value); `column` = its start.
    `zero_based`: read 0-F even if this string alone does not say so (its pair does)."""
    body = text.strip()
    column += len(text) - len(text.lstrip())
    found = shape_for(len(body), shape)
    if found is None:
        n = shape.n if shape else nearest_size(len(body))
        raise PuzzleError(
            f"{what} has {len(body)} cells; a {n}x{n} sudoku needs {n * n}",
            source=source,
            line=line,
            column=column,
        )
    cells = [(column + i, ch) for i, ch in enumerate(body)]
    zero = zero_based or writes_zero_based(cells, found.n)
    return Sudoku(found, cell_values(cells, found.n, source, line, zero))


def _writes_zero_based(text: str) -> bool:
    """Whether a one-string grid of 16x16 size writes 0-F (see cells.writes_zero_based)."""
    body = text.strip()
    return len(body) == 256 and writes_zero_based(list(enumerate(body)), 16)


def _field_columns(raw: str, fields: list[str]) -> list[int]:
    """1-based start column of each CSV field on its line (exact when nothing is quoted)."""
    if '"' not in raw:
        columns, at = [], 1
        for value in fields:
            columns.append(at)
            at += len(value) + 1
        return columns
    return [max(raw.find(value), 0) + 1 for value in fields]


def _scalar(text: str) -> Any:
    """A CSV field as int, float or bool when it reads as one (meta keeps numbers as numbers)."""
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if text in ("True", "true", "False", "false"):
        return text in ("True", "true")
    try:
        return float(text)
    except ValueError:
        return text


def _clipped(text: str, keep: int = 80) -> str:
    """`text`, or its start and '...' when longer than `keep` characters (a message's line)."""
    return text if len(text) <= keep else text[:keep] + "..."


def parse_csv(
    text: str, source: str, shape: Shape | None, delimiter: str = ","
) -> list[PuzzleRecord]:
    lines = text.splitlines()
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] | None = None
    records: list[PuzzleRecord] = []
    puzzle_at, solution_at, id_at, level_at = 0, None, None, None
    for fields in reader:
        number = reader.line_num
        if not any(f.strip() for f in fields) or fields[0].lstrip().startswith("#"):
            continue  # blank, or a comment (before the header or between rows)
        if header is None:
            header = [f.strip().lower() for f in fields]
            found = [name for name in PUZZLE_COLUMNS if name in header]
            if not found:
                named = _clipped(", ".join(header))
                raise PuzzleError(
                    f"CSV header has no 'puzzle' (or 'quizzes') column; found: {named}",
                    source=source,
                    line=number,
                    column=1,
                )
            puzzle_at = header.index(found[0])
            solution_at = next((header.index(c) for c in SOLUTION_COLUMNS if c in header), None)
            id_at = next((header.index(c) for c in _ID_COLUMNS if c in header), None)
            level_at = header.index("level") if "level" in header else None
            continue
        if len(fields) != len(header):
            raise PuzzleError(
                f"row has {len(fields)} fields; the header has {len(header)}",
                source=source,
                line=number,
                column=1,
            )
        columns = _field_columns(lines[number - 1], fields)
        solved = solution_at is not None and bool(fields[solution_at].strip())
        zero = solved and _writes_zero_based(fields[solution_at])  # one encoding for the pair
        puzzle = _grid_from_string(
            fields[puzzle_at], "puzzle", source, number, columns[puzzle_at], shape, zero
        )
        zero = zero or _writes_zero_based(fields[puzzle_at])
        solution = None
        if solved:
            solution = _grid_from_string(
                fields[solution_at],
                "solution",
                source,
                number,
                columns[solution_at],
                puzzle.shape,
                zero,
            )
        special = {puzzle_at, solution_at, id_at, level_at}
        meta = {
            name: _scalar(f)
            for i, (name, f) in enumerate(zip(header, fields, strict=True))
            if i not in special
        }
        records.append(
            PuzzleRecord(
                puzzle,
                solution,
                id=fields[id_at] if id_at is not None else str(len(records)),
                level=(fields[level_at] or None) if level_at is not None else None,
                meta=meta,
                source=source,
                line=number,
            )
        )
    if header is None:
        raise PuzzleError("empty CSV file", source=source)
    return records


def _json_grid(
    value: Any, what: str, raw: str, source: str, line: int, shape: Shape | None
) -> Sudoku:
    """A puzzle/solution JSON value: a line string, a flat list of ints, or a list of rows."""
    if isinstance(value, str):
        at = raw.find(json.dumps(value))
        return _grid_from_string(value, what, source, line, at + 2 if at >= 0 else 1, shape)
    rows = isinstance(value, list) and all(isinstance(row, list) for row in value)
    if isinstance(value, list) and (rows or not any(isinstance(row, list) for row in value)):
        flat = [v for row in value for v in row] if rows and value else value
        if all(isinstance(v, int) and not isinstance(v, bool) for v in flat):
            found = shape_for(len(flat), shape)
            if found is not None and all(0 <= v <= found.n for v in flat):
                return Sudoku(found, tuple(flat))
    raise PuzzleError(
        f"'{what}' must be a line string such as \"53..7....\" or a list of rows of values",
        source=source,
        line=line,
        column=1,
    )


def _box_shape(box: Any, source: str, line: int) -> Shape:
    """A line's `box` ([rows, cols] of a box: [2, 3] for a 6x6 of 2x3 boxes)."""
    whole = isinstance(box, list) and len(box) == 2
    whole = whole and all(isinstance(v, int) and not isinstance(v, bool) for v in box)
    if not whole or min(box) < 2 or box[0] * box[1] > len(ALPHABET):
        raise PuzzleError(
            f"'box' is [rows, columns] of a box, each at least 2, for sudoku sides up to "
            f"{len(ALPHABET)} (e.g. [2, 3], [2, 4] for 8x8), not {json.dumps(box)}",
            source=source,
            line=line,
        )
    return Shape(box[0], box[1])


def parse_jsonl(text: str, source: str, shape: Shape | None) -> list[PuzzleRecord]:
    records: list[PuzzleRecord] = []
    for number, raw in enumerate(text.splitlines(), 1):
        body = raw.strip()
        if not body or body.startswith("#"):
            continue
        try:
            item = json_loads(body)
        except json.JSONDecodeError as err:
            column = err.colno + len(raw) - len(raw.lstrip())
            raise PuzzleError(
                f"invalid JSON ({err.msg}); expected one object per line",
                source=source,
                line=number,
                column=column,
            ) from None
        given = [key for key in PUZZLE_COLUMNS if isinstance(item, dict) and key in item]
        if not given:
            raise PuzzleError(
                "a JSON array: write one JSON object a line (JSONL), each with a 'puzzle' field"
                if isinstance(item, list)
                else "expected a JSON object with a 'puzzle' field",
                source=source,
                line=number,
                column=1,
            )
        kind = item.get("kind", "sudoku")
        if kind != "sudoku":
            raise PuzzleError(
                f"this line holds a {kind!r} puzzle, not a sudoku",
                source=source,
                line=number,
                column=1,
            )
        meta = dict(item["meta"]) if isinstance(item.get("meta"), dict) else {}
        box = item.get("box", meta.get("box"))
        record_shape = shape
        if record_shape is None and box is not None:
            record_shape = _box_shape(box, source, number)
        puzzle = _json_grid(item[given[0]], given[0], raw, source, number, record_shape)
        solution = None
        solved = next((key for key in SOLUTION_COLUMNS if item.get(key)), None)
        if solved:
            solution = _json_grid(item[solved], solved, raw, source, number, puzzle.shape)
        extra = {*PUZZLE_COLUMNS, *SOLUTION_COLUMNS, "id", "level", "meta", "kind"}
        meta.update({key: value for key, value in item.items() if key not in extra})
        level = item.get("level")
        records.append(
            PuzzleRecord(
                puzzle,
                solution,
                id=str(item["id"]) if item.get("id") is not None else str(len(records)),
                level=str(level) if level is not None else None,
                meta=meta,
                source=source,
                line=number,
            )
        )
    return records
