"""Sudoku puzzles one a line and n-line grids, as people type and print them: bare, spaced or
bordered rows, bands one after another or apart, a 6x6's boxes told by its bars, spacing or
bands, titles, sections and notes between puzzles; every error at source:line:column."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from puzzlemdm.puzzles.base import PuzzleError, PuzzleRecord
from puzzlemdm.puzzles.sudoku.board import ALPHABET, BLANKS, Shape, Sudoku
from puzzlemdm.puzzles.sudoku.cells import (
    DETECTED_SIZES,
    EXTRA_BLANKS,
    cell_values,
    nearest_size,
    shape_for,
    writes_zero_based,
)
from puzzlemdm.puzzles.sudoku.sniff import BOX_DRAWING, COMMENTS, PUZZLE_SECTION
from puzzlemdm.puzzles.sudoku.sniff import SECTION as _SECTION  # SadMan's "[Puzzle]": skipped

# box borders: ASCII, and box-drawing characters (`solve` prints its grids with them)
_BARS = "|\u2502\u2503\u2551"  # | │ ┃ ║: where a box's column ends
_SEPARATORS = "+-|" + BOX_DRAWING


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
            and shape_for(len(body), None) is not None
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
    shape = shape_for(n, None)
    if shape is None or not all(row.is_bare for row in rows):
        return False
    fits = set(ALPHABET[: shape.n]) | set(BLANKS) | set(EXTRA_BLANKS) | {"-"}
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


def parse_plain(text: str, source: str, shape: Shape | None) -> list[PuzzleRecord]:
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
                _refuse_short_16x16(rows, k, source, shape)
                record, k = _read_one_line(line, source, shape, records), k + 1
            record.id = str(len(records))
            records.append(record)
    return records


def _refuse_short_16x16(rows: list[_Line], k: int, source: str, shape: Shape | None) -> None:
    """A PuzzleError for bare 16-cell rows, several together, that only a 16x16 grid holds (a
    value above 4) but too few for one: read as 4x4 puzzles, they would fail at their first
    such value. (A lone such line stays a 4x4 puzzle with a wrong value.)"""
    line = rows[k]
    if shape is not None or len(line.cells) != 16 or not line.is_bare:
        return
    run = next((j for j in range(k, len(rows)) if len(rows[j].cells) != 16), len(rows)) - k
    if run < 2 or _could_be_one_liners(rows[k : k + run], 16):
        return
    raise PuzzleError(
        f"a 16x16 grid row (it holds values above 4), in a grid of {run} such rows together; "
        "a 16x16 sudoku needs 16 (bands may stand apart, between blank lines, each whole)",
        source=source,
        line=rows[k].number,
        column=1,
    )


def _starts_grid(rows: list[_Line], k: int, shape: Shape | None) -> bool:
    """Whether rows[k] is the first row of a grid rather than a one-line puzzle."""
    line = rows[k]
    count = len(line.cells)
    if shape is not None:
        return count == shape.n and count != shape.cells
    pair = _puzzle_and_solution(line)
    if pair is not None:
        count = len(pair[0].group())
    if shape_for(count, None) is None:
        # Not a one-line length: a short line is meant as a grid row, a long one as a line.
        return count <= max(DETECTED_SIZES)
    if count not in DETECTED_SIZES:
        return False
    # 16 cells is both a 4x4 one-line puzzle and a 16x16 grid row: a grid if the row looks like
    # a grid row (separators or spaced cells) or the whole run is bare 16-cell rows, sixteen
    # a grid (grids one after another, no blank line between), that no 4x4 puzzle could be (a
    # value above 4 in them).
    rest = rows[k : k + count]
    if len(rest) < count or any(len(r.cells) != count for r in rest):
        return False
    whole = (
        k % count == 0
        and len(rows) % count == 0
        and all(len(r.cells) == count for r in rows)
        and not _could_be_one_liners(rows, count)
    )
    return not line.is_bare or whole


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
    found = shape_for(count, shape)
    if found is None:
        n = shape.n if shape else done[-1].puzzle.n if done else nearest_size(count)
        column = parts[0][n * n][0] if count > n * n else len(line.text) + 1
        raise PuzzleError(
            f"line has {count} cells; a {n}x{n} sudoku needs {n * n}{_space_hint(line)}",
            source=source,
            line=line.number,
            column=column,
        )
    # one encoding for both: the puzzle's blanks beside a 0 say 0-F, and so does a solution
    # holding each of 0-F (a puzzle may give no 0 at all)
    zero = any(writes_zero_based(cells, found.n) for cells in parts)
    grids = [
        Sudoku(found, cell_values(cells, found.n, source, line.number, zero)) for cells in parts
    ]
    solution = grids[1] if len(grids) > 1 else None
    return PuzzleRecord(grids[0], solution, source=source, line=line.number)


def _read_grid(
    rows: list[_Line], k: int, source: str, shape: Shape | None
) -> tuple[PuzzleRecord, int]:
    """An n-line grid starting at rows[k]; returns the record and the index after it."""
    first = rows[k]
    n = shape.n if shape else len(first.cells)
    if shape is None and n not in DETECTED_SIZES:
        size = nearest_size(n, per_row=True)
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
    zero = writes_zero_based([cell for row in grid_rows for cell in row.cells], n)
    values = [v for row in grid_rows for v in cell_values(row.cells, n, source, row.number, zero)]
    grid_shape = shape or _grid_shape(n, grid_rows)
    return PuzzleRecord(Sudoku(grid_shape, tuple(values)), source=source, line=first.number), k + n


def _grid_shape(n: int, rows: list[_Line]) -> Shape:
    """The box shape a grid draws (6x6 may be 2x3 or 3x2): by how many cells stand before the
    first `|` that has any (a border before the first cell is no box edge); else the usual
    shape or its transpose, as its cells are grouped ("34 61 52") or its bands break (a border
    or a blank line every 3 rows); else the usual shape."""
    for row in rows:
        bars = [at for at, ch in enumerate(row.text, 1) if ch in _BARS]
        widths = [sum(1 for col, _ in row.cells if col <= bar) for bar in bars]
        width = next((w for w in widths if w > 0), 0)
        if width:
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
