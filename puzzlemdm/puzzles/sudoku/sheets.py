"""Sudoku grids as a spreadsheet saves them: a row a line, the cells between one delimiter
(comma, semicolon or tab), an empty cell blank ("5,3,,,7,,,,"). Told apart from other files by
their shape alone (standard library only: the kind sniffer uses it). A first row of column
names ("c1,c2,...", "A,B,...", "1,2,...") and an empty margin column (a trailing comma, a
selection copied with one more column) are passed over where the rows hold no grid with them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t")
SIZES = (4, 6, 9, 12, 16, 25)
QUOTES = ' \t"'
_SMALL_CELL = re.compile(r"[0-9._*]?")  # up to 9x9: a digit or a blank
_LARGE_CELL = re.compile(r"[0-9A-Za-z._*]{0,2}")  # 12x12 and up: 1-9 and letters, or 10-25
_LABEL = re.compile(r"(?:col(?:umn)?|c)?\s*(\d+)|([a-z])", re.IGNORECASE)


@dataclass(frozen=True)
class Layout:
    """How a file's lines hold delimited grid rows."""

    delimiter: str
    size: int  # cells a row
    header: bool  # its first row names the columns
    lead: bool  # an empty margin column before the cells
    trail: bool  # and after them

    def fields(self, line: str) -> list[str]:
        """A row's cells as written (quotes kept), margins dropped."""
        return self.cells_of(line.split(self.delimiter))

    def cells_of(self, fields: list[str]) -> list[str]:
        return fields[int(self.lead) : len(fields) - int(self.trail)]


def cell_rows(lines: list[str], comments: tuple[str, ...]) -> list[str]:
    """The lines that may be rows: not comments, and not blank, but for a row of empty cells
    between tabs (which is only whitespace)."""
    return [
        line
        for line in lines
        if (line.strip() or line.count("\t") >= min(SIZES) - 1)
        and not line.lstrip().startswith(comments)
    ]


def layout_of(rows: list[str]) -> Layout | None:
    """The layout when `rows` (`cell_rows`) are delimited grid rows, else None. Their fields
    must read as cells (all but one in twenty: a typo is the parser's to name), and two rows
    in three at least have the same number of them (a faulty row is the parser's to name
    too). Tabs must leave some cell empty where spaces would not read the rows: a grid
    spaced by tabs, every cell written, is read as spaced cells."""
    for delimiter in DELIMITERS:
        split = [row.split(delimiter) for row in rows]
        if len(split) < min(SIZES) or any(len(fields) < min(SIZES) for fields in split):
            continue
        layout = _margins(split, delimiter)
        if layout is None:
            continue
        body = split[1:] if layout.header else split
        cells = [f.strip(QUOTES) for fields in body for f in layout.cells_of(fields)]
        shape = _SMALL_CELL if layout.size <= 9 else _LARGE_CELL
        odd = sum(not shape.fullmatch(c) for c in cells)
        if 20 * odd > len(cells) or not any(c and c not in "._*0" for c in cells):
            continue  # no grid of cells (a typo or two is the parser's to name), or no given
        if delimiter == "\t" and (all(cells) or _spaced(rows)):
            continue
        return layout
    return None


def _margins(split: list[list[str]], delimiter: str) -> Layout | None:
    """The header, size and margins that most rows agree on (two in three at least)."""
    labels = _labels([f.strip(QUOTES) for f in split[0]])
    for header in (True, False) if labels else (False,):
        body = split[1:] if header else split
        lead = all(not fields[0].strip(QUOTES) for fields in body)
        trail = all(not fields[-1].strip(QUOTES) for fields in body)
        count, agreeing = Counter(len(fields) for fields in body).most_common(1)[0]
        if 3 * agreeing < 2 * len(body):
            continue
        # margins are dropped only where the count is no size with them
        options = (
            [(False, False)] if count in SIZES else [(lead, trail), (lead, False), (False, trail)]
        )
        for drop_lead, drop_trail in options:
            size = count - drop_lead - drop_trail
            if size not in SIZES or (header and (labels != size or len(body) % size)):
                continue
            return Layout(delimiter, size, header, drop_lead, drop_trail)
    return None


def _labels(fields: list[str]) -> int:
    """How many columns a row names in order (1, 2, ...; 0, 1, ...; c1, c2, ...; A, B, ...;
    an empty corner cell first or last allowed), or 0 when it is no such row."""
    named = [f for f in fields if f] if fields and not (fields[0] and fields[-1]) else fields
    matches = [_LABEL.fullmatch(f) for f in named]
    if len(named) < min(SIZES) or not all(matches):
        return 0
    numbers = [int(m.group(1)) if m.group(1) else ord(m.group(2).lower()) - 97 for m in matches]  # type: ignore[union-attr]
    in_order = numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    return len(numbers) if in_order and numbers[0] in (0, 1) else 0


def _spaced(rows: list[str]) -> bool:
    """Whether every row splits at whitespace into the same count of cells, a grid size."""
    counts = {len(row.split()) for row in rows}
    return len(counts) == 1 and counts.pop() in SIZES
