"""Sudoku text formats: one puzzle per line, n-line grids, CSV and JSONL (auto-detected), with
source:line:column in every error; and writing them (`format_line`, `format_grid`, `render_grid`).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from puzzlemdm.puzzles.base import PuzzleError, PuzzleRecord, json_loads
from puzzlemdm.puzzles.sudoku.board import ALPHABET, BLANKS, Shape, Sudoku
from puzzlemdm.puzzles.sudoku.sheets import QUOTES, Layout, cell_rows, layout_of
from puzzlemdm.puzzles.sudoku.sniff import (
    BOX_DRAWING,
    COMMENTS,
    PUZZLE_SECTION,
    outside_other_sections,
)
from puzzlemdm.puzzles.sudoku.sniff import SECTION as _SECTION  # SadMan's "[Puzzle]": skipped

# ---------------------------------------------------------------------------------------------
# Reading: one puzzle per line, n-line grids, CSV and JSONL, auto-detected.

# Sizes recognised without an explicit shape; others need `shape=` (a wider set would turn a
# mistyped 9x9 row of 8 cells into a silently accepted 8x8 grid).
DETECTED_SIZES = (4, 6, 9, 12, 16, 25)
# box borders: ASCII, and box-drawing characters (`solve` prints its grids with them)
_BARS = "|\u2502\u2503\u2551"  # | │ ┃ ║: where a box's column ends
_SEPARATORS = "+-|" + BOX_DRAWING
_VALUE_OF = {ch: i + 1 for i, ch in enumerate(ALPHABET)}
_PUZZLE_COLUMNS = ("puzzle", "quizzes", "quiz")
_SOLUTION_COLUMNS = ("solution", "solutions")
_ID_COLUMNS = ("id", "idx")
_TSV_HEADER = re.compile(
    r'^"?(puzzle|quizzes|quiz)"?\t|\t"?(puzzle|quizzes|quiz)"?(\t|$)', re.IGNORECASE
)
_LONE_HEADER = re.compile(r'"?(puzzle|quizzes|quiz)"?', re.IGNORECASE)  # a one-column table
_EXTRA_BLANKS = "_*"  # blanks some files write; '-' too, in one-line puzzles (_Line.dash_blanks)
_FORMATS_HELP = (
    "expected one puzzle per line (81 characters for 9x9), n-line grids, "
    "CSV with a 'puzzle' column, or JSONL with a 'puzzle' field"
)


def detect_format(text: str) -> str:
    """'jsonl', 'csv', 'tsv' or 'text', judged from the first line that is not blank or a
    comment; 'cells' for grids whose cells are between delimiters (a spreadsheet's)."""
    lines = outside_other_sections(text.removeprefix("\ufeff").splitlines())
    if layout_of(cell_rows(lines, COMMENTS)):
        return "cells"
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(COMMENTS):
            continue
        if line.startswith(("{", "[")):  # a JSON array is refused there, by name
            return "jsonl"
        if "\t" in line and _TSV_HEADER.search(line):  # tabs may space a grid's cells too
            return "tsv"
        if _LONE_HEADER.fullmatch(line):
            return "csv"
        # A comma never occurs in the line or grid formats (outside a trailing comment).
        return "csv" if "," in line.split("#", 1)[0] else "text"
    return "text"


def parse_text(text: str, source: str = "<text>", shape: Shape | None = None) -> list[PuzzleRecord]:
    """All puzzles in `text` (any supported format); raises PuzzleError naming source:line:col.

    Givens that already conflict are not a parse error: `check_givens` reports them.
    """
    text = text.removeprefix("\ufeff")
    fmt = detect_format(text)
    if fmt == "jsonl":
        records = _parse_jsonl(text, source, shape)
    elif fmt in ("csv", "tsv"):
        records = _parse_csv(text, source, shape, "\t" if fmt == "tsv" else ",")
    elif fmt == "cells":
        records = _parse_cells(text, source, shape)
    else:
        records = _parse_plain(text, source, shape)
    if not records:
        raise PuzzleError(f"no sudoku found; {_FORMATS_HELP}", source=source)
    return records


def parse_file(path: str | Path, shape: Shape | None = None) -> list[PuzzleRecord]:
    """Read and parse a puzzle file; a missing, unreadable or binary file is a PuzzleError."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise PuzzleError("no such file", source=source) from None
    except IsADirectoryError:
        raise PuzzleError("is a directory, not a puzzle file", source=source) from None
    except OSError as err:
        raise PuzzleError(f"cannot read the file ({err.strerror})", source=source) from None
    if b"\0" in data[:65536]:
        raise PuzzleError(f"looks like a binary file; {_FORMATS_HELP}", source=source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise PuzzleError(
            "not UTF-8 text; save the file as UTF-8", source=source, line=line, column=column
        ) from None
    return parse_text(text, source, shape)


def _expected_values(n: int) -> str:
    """What a cell may hold, in words, for error messages."""
    if n <= 9:
        values = f"a digit 1-{n}"
    elif n == 10:
        values = "1-9 or A"
    else:
        values = f"1-9 or A-{ALPHABET[n - 1]}"
    return f"{values} or '.'/'0' for a blank"


def _nearest_size(count: int, per_row: bool = False) -> int:
    """The detected size whose line (or row) length is closest to `count`, for error messages."""
    return min(DETECTED_SIZES, key=lambda n: abs((n if per_row else n * n) - count))


def _shape_for(count: int, shape: Shape | None) -> Shape | None:
    """The shape of a one-line puzzle of `count` cells, or None when no supported size fits."""
    if shape is not None:
        return shape if count == shape.cells else None
    n = math.isqrt(count)
    return Shape.for_size(n) if n * n == count and n in DETECTED_SIZES else None


def _zero_based(cells: Iterable[tuple[int, str]], n: int) -> bool:
    """Whether a 16x16 puzzle writes its values 0-F (hexadecimal) and its blanks '.': a '0'
    beside '.' blanks and no 'G'. Read as 1-G, its 0s became blanks (givens lost) and every
    other value one off, solved all the same."""
    seen = {ch.upper() for _, ch in cells}
    return n == 16 and "0" in seen and "." in seen and "G" not in seen


def _values(
    cells: Iterable[tuple[int, str]], n: int, source: str, line: int, zero_based: bool = False
) -> tuple[int, ...]:
    """Cell characters (with their 1-based columns) -> values 0..n, or a PuzzleError;
    `zero_based`: values written 0-F, blanks '.' (see _zero_based)."""
    values = []
    for column, ch in cells:
        if ch == "." or ch in _EXTRA_BLANKS or (ch in BLANKS and not zero_based):
            values.append(0)
            continue
        value = _VALUE_OF.get(ch.upper(), 0)
        if zero_based and ch.upper() in "0123456789ABCDEF":
            value = int(ch, 16) + 1
        if not 1 <= value <= n:
            what = "cell" if len(ch) > 1 else "character"  # a spreadsheet's cell: "77"
            raise PuzzleError(
                f"unexpected {what} {ch!r}; expected {_expected_values(n)}",
                source=source,
                line=line,
                column=column,
            )
        values.append(value)
    return tuple(values)


# --- one puzzle per line, and grids ------------------------------------------------------------


@dataclass
class _Line:
    number: int
    text: str
    after_break: bool = False  # a blank line or a border before it: a band's edge

    @property
    def dash_blanks(self) -> bool:
        """A one-line puzzle written with '-' for its blanks ("4-----8-5-3----..."): one run
        of characters without '|' or '+' whose length, dashes counted, is a one-line size.
        Elsewhere '-' draws box borders; dropped here, it left 16 givens read as a 4x4."""
        body = self.text.strip()
        return (
            "-" in body
            and body.strip("-") != ""  # a border is all dashes
            and not any(ch.isspace() or ch in "|+" for ch in body)
            and _shape_for(len(body), None) is not None
        )

    @property
    def cells(self) -> list[tuple[int, str]]:
        """(column, char) of every character that is not whitespace or a box separator."""
        if self.dash_blanks:
            return [
                (col, "." if ch == "-" else ch)
                for col, ch in enumerate(self.text, 1)
                if not ch.isspace()
            ]
        return [
            (col, ch)
            for col, ch in enumerate(self.text, 1)
            if not ch.isspace() and ch not in _SEPARATORS
        ]

    @property
    def is_separator(self) -> bool:
        body = self.text.strip()
        return bool(body) and all(ch in _SEPARATORS or ch.isspace() for ch in body)

    @property
    def is_bare(self) -> bool:
        """One run of characters: no separators or inner spaces (the one-line style)."""
        body = self.text.strip()
        return self.dash_blanks or not any(ch.isspace() or ch in _SEPARATORS for ch in body)


# A puzzle's title line, as Project Euler's sudoku.txt writes them ("Grid 01"): ends a run
_TITLE = re.compile(r"grid\s*\d+", re.IGNORECASE)
# A one-line puzzle followed by a note after whitespace (Sudoku Explainer's "ED=7.1/1.2/1.2")
_NOTED = re.compile(r"(\s*[0-9A-Za-z.\-_*]+)\s+(\S+).*")
_LINE_LENGTHS = frozenset(n * n for n in DETECTED_SIZES if n >= 6)  # no grid row is so long


def _without_note(text: str) -> str:
    """A line without the note after its one-line puzzle (a solution of the same length is
    not a note: "puzzle solution" lines keep both)."""
    noted = _NOTED.fullmatch(text)
    if noted is None:
        return text
    puzzle, after = noted.group(1), noted.group(2)
    if len(puzzle.strip()) in _LINE_LENGTHS and len(after) != len(puzzle.strip()):
        return puzzle
    return text


def _blocks(text: str) -> Iterator[list[_Line]]:
    """Runs of non-blank lines; `#` starts a comment, and comment-only lines do not end a run;
    a title line ("Grid 01") does; a section line ("[Puzzle]") and a note after a one-line
    puzzle are skipped."""
    block: list[_Line] = []
    lines = text.splitlines()
    sdk = any(line.strip().lower() == PUZZLE_SECTION for line in lines)
    skipping = False  # in a section of a .sdk file other than [Puzzle]
    for number, raw in enumerate(lines, 1):
        body = raw.strip()
        if _SECTION.fullmatch(body):
            skipping = sdk and body.lower() != PUZZLE_SECTION
            if block:
                yield block
            block = []
            continue
        if skipping:
            continue
        if not body or _TITLE.fullmatch(body):
            if block:
                yield block
            block = []
        elif not body.startswith(COMMENTS):
            after_border = bool(block) and block[-1].is_separator  # a band's edge
            text_ = _without_note(raw.split("#", 1)[0].rstrip())
            block.append(_Line(number, text_, after_break=after_border))
    if block:
        yield block


def _bands_joined(blocks: Iterable[list[_Line]]) -> Iterator[list[_Line]]:
    """Runs of lines with a grid's bands joined again: runs of h rows of n cells each, where h
    divides n, up to n rows, are one grid written with blank lines between its bands (rows of
    one-line length stay apart: they may be one-line puzzles)."""
    pending: list[_Line] = []
    for block in blocks:
        if pending and _next_band(pending, block):
            block[0].after_break = True
            pending = pending + block
            continue
        if pending:
            yield pending
        pending = block
    if pending:
        yield pending


def _space_hint(line: _Line) -> str:
    """Why a row came out short, when spaces inside it look like blanks ("53  7  6"; not the
    indentation of a printed grid, whose cells one space apart)."""
    if "  " in line.text.strip():
        return (
            "; spaces are read as blanks only in a file of one such grid: write '.' or '0' for "
            "an empty cell"
        )
    return ""


def _grid_rows(block: list[_Line]) -> list[_Line]:
    """A block's rows without its borders."""
    return [line for line in block if not line.is_separator]


def _next_band(grid: list[_Line], block: list[_Line]) -> bool:
    """Whether `block` is the next band of the grid begun in `grid`: as many rows as its first
    band, of as many cells, not overfilling it."""
    rows, band = _grid_rows(grid), _grid_rows(block)
    counts = {len(row.cells) for row in rows + band}
    if len(counts) != 1:
        return False
    (n,) = counts
    height = next((k for k in range(1, len(rows)) if rows[k].after_break), len(rows))
    return (
        n in DETECTED_SIZES
        and not _could_be_one_liners(rows + band, n)
        and 1 < height < n
        and n % height == 0
        and len(band) == height
        and len(rows) + height <= n
    )


def _could_be_one_liners(rows: list[_Line], n: int) -> bool:
    """Whether bare rows of n cells may each be a one-line puzzle (16 cells: a 4x4), so stay
    apart: not when a cell holds a value too large for that puzzle ('7' in a 4x4), as a
    16x16 grid's bands written without borders always do."""
    shape = _shape_for(n, None)
    if shape is None or not all(row.is_bare for row in rows):
        return False
    fits = set(ALPHABET[: shape.n]) | set(BLANKS) | set(_EXTRA_BLANKS) | {"-"}
    return all(ch.upper() in fits for row in rows for _, ch in row.cells)


def _spaces_as_blanks(text: str) -> str | None:
    """`text` with its one grid's spaces written as '.', when the file holds a single n x n
    grid typed with spaces for blanks ("53  7    ": n lines of digits and spaces, none longer
    than n, some cell a space; editors may cut a row's trailing spaces, or a blank row to
    nothing); None for any other text. More than one such grid stays refused: where one grid
    ends and the next starts cannot be told."""
    lines = text.splitlines()
    rows = [k for k, line in enumerate(lines) if not _comment(line)]
    given = [k for k in rows if _has_digit(lines[k])]
    if not given:
        return None
    span = [k for k in rows if given[0] <= k <= given[-1]]
    for body in (rows, span):  # the whole file is the grid, else its lines with digits
        n = len(body)
        cells = [lines[k] for k in body]
        if n not in DETECTED_SIZES or n > 9:
            continue
        if any(len(line) > n or set(line) - set("123456789 ") for line in cells):
            continue
        if all(len(line) == n and " " not in line for line in cells):
            return None  # bare rows, read as they are
        filled = list(lines)
        for k in body:
            filled[k] = lines[k].replace(" ", ".").ljust(n, ".")
        return "\n".join(filled)
    return None


def _has_digit(line: str) -> bool:
    return any(ch.isdigit() for ch in line)


def _comment(line: str) -> bool:
    return line.lstrip().startswith(COMMENTS)


def _parse_plain(text: str, source: str, shape: Shape | None) -> list[PuzzleRecord]:
    text = _spaces_as_blanks(text) or text
    records: list[PuzzleRecord] = []
    for block in _bands_joined(_blocks(text)):
        rows = _grid_rows(block)
        k = 0
        while k < len(rows):
            line = rows[k]
            if _starts_grid(rows, k, shape):
                record, k = _read_grid(rows, k, source, shape)
            else:
                record, k = _read_one_line(line, source, shape, records), k + 1
            record.id = str(len(records))
            records.append(record)
    return records


def _starts_grid(rows: list[_Line], k: int, shape: Shape | None) -> bool:
    """Whether rows[k] is the first row of a grid rather than a one-line puzzle."""
    line = rows[k]
    count = len(line.cells)
    if shape is not None:
        return count == shape.n and count != shape.cells
    pair = _puzzle_and_solution(line)
    if pair is not None:
        count = len(pair[0].group())
    if _shape_for(count, None) is None:
        # Not a one-line length: a short line is meant as a grid row, a long one as a line.
        return count <= max(DETECTED_SIZES)
    if count not in DETECTED_SIZES:
        return False
    # 16 cells is both a 4x4 one-line puzzle and a 16x16 grid row: a grid if the row looks like
    # a grid row (separators or spaced cells) or the whole run is sixteen bare 16-cell rows.
    rest = rows[k : k + count]
    if len(rest) < count or any(len(r.cells) != count for r in rest):
        return False
    return not line.is_bare or (k == 0 and len(rows) == count)


def _puzzle_and_solution(line: _Line) -> list[re.Match[str]] | None:
    """The two words of a "puzzle solution" line (equal lengths, no separators), else None."""
    words = list(re.finditer(r"\S+", line.text))
    if len(words) != 2 or len(words[0].group()) != len(words[1].group()):
        return None
    return None if any(ch in _SEPARATORS for ch in line.text) else words


def _read_one_line(
    line: _Line, source: str, shape: Shape | None, done: list[PuzzleRecord]
) -> PuzzleRecord:
    """A one-line puzzle, optionally followed by its solution after whitespace."""
    pair = _puzzle_and_solution(line)
    parts = [line.cells]
    if pair is not None:
        parts = [[(m.start() + i + 1, ch) for i, ch in enumerate(m.group())] for m in pair]
    count = len(parts[0])
    found = _shape_for(count, shape)
    if found is None:
        n = shape.n if shape else done[-1].puzzle.n if done else _nearest_size(count)
        column = parts[0][n * n][0] if count > n * n else len(line.text) + 1
        raise PuzzleError(
            f"line has {count} cells; a {n}x{n} sudoku needs {n * n}{_space_hint(line)}",
            source=source,
            line=line.number,
            column=column,
        )
    zero = _zero_based(parts[0], found.n)  # the puzzle's blanks say; its solution has none
    grids = [Sudoku(found, _values(cells, found.n, source, line.number, zero)) for cells in parts]
    solution = grids[1] if len(grids) > 1 else None
    return PuzzleRecord(grids[0], solution, source=source, line=line.number)


def _read_grid(
    rows: list[_Line], k: int, source: str, shape: Shape | None
) -> tuple[PuzzleRecord, int]:
    """An n-line grid starting at rows[k]; returns the record and the index after it."""
    first = rows[k]
    n = shape.n if shape else len(first.cells)
    if shape is None and n not in DETECTED_SIZES:
        size = _nearest_size(n, per_row=True)
        raise PuzzleError(
            f"line has {n} cells; a {size}x{size} grid row needs {size} "
            f"(a one-line puzzle {size * size}){_space_hint(first)}",
            source=source,
            line=first.number,
            column=1,
        )
    grid_rows = rows[k : k + n]
    for row in grid_rows:
        count = len(row.cells)
        if count != n:
            column = row.cells[n][0] if count > n else len(row.text) + 1
            raise PuzzleError(
                f"grid row has {count} cells; a {n}x{n} sudoku needs {n} per row{_space_hint(row)}",
                source=source,
                line=row.number,
                column=column,
            )
    if len(grid_rows) < n:
        last = grid_rows[-1]
        raise PuzzleError(
            f"grid ends after {len(grid_rows)} rows; a {n}x{n} sudoku needs {n}",
            source=source,
            line=last.number + 1,
            column=1,
        )
    zero = _zero_based([cell for row in grid_rows for cell in row.cells], n)
    values = [v for row in grid_rows for v in _values(row.cells, n, source, row.number, zero)]
    grid_shape = shape or _grid_shape(n, grid_rows)
    return PuzzleRecord(Sudoku(grid_shape, tuple(values)), source=source, line=first.number), k + n


def _grid_shape(n: int, rows: list[_Line]) -> Shape:
    """The box shape a grid draws (6x6 may be 2x3 or 3x2): by where the first `|` falls; else
    the usual shape or its transpose, as its cells are grouped ("34 61 52") or its bands
    break (a border or a blank line every 3 rows); else the usual shape."""
    for row in rows:
        bar = next((at for at, ch in enumerate(row.text, 1) if ch in _BARS), 0)
        if bar:
            width = sum(1 for col, _ in row.cells if col <= bar)
            if 1 < width < n and n % width == 0:
                return Shape(n // width, width)
            break
    usual = Shape.for_size(n)
    choices = {usual.box_cols: usual, usual.box_rows: Shape(usual.box_cols, usual.box_rows)}
    runs = {len(word) for row in rows for word in row.text.split()}
    if len(runs) == 1 and (width := runs.pop()) in choices:
        return choices[width]
    breaks = [k for k in range(1, n) if rows[k].after_break]
    height = breaks[0] if breaks else 0
    even = bool(breaks) and breaks == list(range(height, n, height))
    if even and height in (usual.box_rows, usual.box_cols):
        return Shape(height, n // height)
    return usual


# --- grids of delimited cells (a spreadsheet's) -------------------------------------------------


def _parse_cells(text: str, source: str, shape: Shape | None) -> list[PuzzleRecord]:
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
        values: list[int] = []
        for number, line in rows_of_grid:
            values += _values(_delimited_cells(line, layout, n), n, source, number)
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
    text: str, what: str, source: str, line: int, column: int, shape: Shape | None
) -> Sudoku:
    """A puzzle or solution given as one string (CSV field, JSON value); `column` = its start."""
    body = text.strip()
    column += len(text) - len(text.lstrip())
    found = _shape_for(len(body), shape)
    if found is None:
        n = shape.n if shape else _nearest_size(len(body))
        raise PuzzleError(
            f"{what} has {len(body)} cells; a {n}x{n} sudoku needs {n * n}",
            source=source,
            line=line,
            column=column,
        )
    cells = [(column + i, ch) for i, ch in enumerate(body)]
    return Sudoku(found, _values(cells, found.n, source, line, _zero_based(cells, found.n)))


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


def _parse_csv(
    text: str, source: str, shape: Shape | None, delimiter: str = ","
) -> list[PuzzleRecord]:
    lines = text.splitlines()
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] | None = None
    records: list[PuzzleRecord] = []
    puzzle_at, solution_at, id_at, level_at = 0, None, None, None
    for fields in reader:
        number = reader.line_num
        if not any(f.strip() for f in fields) or (header is None and fields[0].startswith("#")):
            continue
        if header is None:
            header = [f.strip().lower() for f in fields]
            found = [name for name in _PUZZLE_COLUMNS if name in header]
            if not found:
                named = _clipped(", ".join(header))
                raise PuzzleError(
                    f"CSV header has no 'puzzle' (or 'quizzes') column; found: {named}",
                    source=source,
                    line=number,
                    column=1,
                )
            puzzle_at = header.index(found[0])
            solution_at = next((header.index(c) for c in _SOLUTION_COLUMNS if c in header), None)
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
        puzzle = _grid_from_string(
            fields[puzzle_at], "puzzle", source, number, columns[puzzle_at], shape
        )
        solution = None
        if solution_at is not None and fields[solution_at].strip():
            solution = _grid_from_string(
                fields[solution_at],
                "solution",
                source,
                number,
                columns[solution_at],
                puzzle.shape,
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
    if isinstance(value, list):
        flat = [v for row in value for v in row] if value and isinstance(value[0], list) else value
        if all(isinstance(v, int) and not isinstance(v, bool) for v in flat):
            found = _shape_for(len(flat), shape)
            if found is not None and all(0 <= v <= found.n for v in flat):
                return Sudoku(found, tuple(flat))
    raise PuzzleError(
        f"'{what}' must be a line string such as \"53..7....\" or a list of rows of values",
        source=source,
        line=line,
        column=1,
    )


def _parse_jsonl(text: str, source: str, shape: Shape | None) -> list[PuzzleRecord]:
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
        if not isinstance(item, dict) or "puzzle" not in item:
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
        if record_shape is None and isinstance(box, list) and len(box) == 2:
            record_shape = Shape(int(box[0]), int(box[1]))
        puzzle = _json_grid(item["puzzle"], "puzzle", raw, source, number, record_shape)
        solution = None
        if item.get("solution"):
            solution = _json_grid(item["solution"], "solution", raw, source, number, puzzle.shape)
        extra = {"puzzle", "solution", "id", "level", "meta", "kind"}
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


# ---------------------------------------------------------------------------------------------
# Writing.


def format_line(s: Sudoku, blank: str = ".") -> str:
    """The one-line form: n*n characters, `blank` for empty cells."""
    return s.to_line(blank)


def format_grid(s: Sudoku, blank: str = ".") -> str:
    """A plain-text grid with `|` and `-+-` box separators (parse_text reads it back)."""
    shape, n = s.shape, s.n
    symbols = [ALPHABET[v - 1] if 1 <= v <= len(ALPHABET) else blank for v in s.cells]
    stacks = n // shape.box_cols
    width = 2 * shape.box_cols - 1
    parts = ["-" * (width + 2)] * stacks
    parts[0], parts[-1] = parts[0][1:], parts[-1][:-1]
    if stacks == 1:
        parts = ["-" * width]
    rule = "+".join(parts)
    lines = []
    for r in range(n):
        if r and r % shape.box_rows == 0:
            lines.append(rule)
        row = symbols[r * n : (r + 1) * n]
        boxes = [row[c : c + shape.box_cols] for c in range(0, n, shape.box_cols)]
        lines.append(" | ".join(" ".join(box) for box in boxes))
    return "\n".join(lines) + "\n"


def render_grid(puzzle: Sudoku, answer: Sudoku | None = None) -> Any:
    """A rich Text grid: givens bold, answer cells cyan (red where they contradict a given)."""
    from rich.text import Text

    shape, n = puzzle.shape, puzzle.n
    shown = answer if answer is not None and answer.shape == shape else None
    # Each cell is " X" and each box border " │", so a rule segment spans 2 * box_cols + 1.
    parts = ["─" * (2 * shape.box_cols + 1)] * (n // shape.box_cols)
    rule = "┼".join(parts)[:-1]
    text = Text()
    for r in range(n):
        if r and r % shape.box_rows == 0:
            text.append(rule + "\n", style="dim")
        for c in range(n):
            if c and c % shape.box_cols == 0:
                text.append(" │", style="dim")
            cell = r * n + c
            given = puzzle.cells[cell]
            value = shown.cells[cell] if shown is not None else given
            symbol = ALPHABET[value - 1] if 1 <= value <= len(ALPHABET) else "."
            if given and value != given:
                style = "bold red"
            elif given:
                style = "bold"
            elif value:
                style = "cyan"
            else:
                style = "dim"
            text.append(" ")
            text.append(symbol, style=style)
        text.append("\n")
    text.rstrip()
    return text
