"""Sudoku puzzle files: which format a text is in (`detect_format`) and its puzzles read by that
format's reader (`parse_text`): one puzzle per line and n-line grids (`grids.py`), spreadsheet
grids, CSV / TSV and JSON lines (`tables.py`); source:line:column in every error. Writing them
out: `writing.py`."""

from __future__ import annotations

import re
from pathlib import Path

from puzzlemdm.puzzles.base import PuzzleError, PuzzleRecord
from puzzlemdm.puzzles.sudoku.board import Shape
from puzzlemdm.puzzles.sudoku.grids import parse_plain
from puzzlemdm.puzzles.sudoku.sheets import cell_rows, layout_of
from puzzlemdm.puzzles.sudoku.sniff import COMMENTS, PUZZLE_COLUMNS, outside_other_sections
from puzzlemdm.puzzles.sudoku.tables import parse_cells, parse_csv, parse_jsonl

_NAMES = "|".join(PUZZLE_COLUMNS)
_TSV_HEADER = re.compile(rf'^"?({_NAMES})"?\t|\t"?({_NAMES})"?(\t|$)', re.IGNORECASE)
_LONE_HEADER = re.compile(rf'"?({_NAMES})"?', re.IGNORECASE)  # a one-column table
_PUZZLE_THEN_NOTE = re.compile(r"[0-9A-Za-z.\-_*]{16,}\s")  # a one-line puzzle, then words
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
        if _PUZZLE_THEN_NOTE.match(line):  # "53..7.... rated 7.1, SE": a note may hold commas
            return "text"
        # A comma never occurs in the line or grid formats (outside a trailing comment or note).
        return "csv" if "," in line.split("#", 1)[0] else "text"
    return "text"


def parse_text(text: str, source: str = "<text>", shape: Shape | None = None) -> list[PuzzleRecord]:
    """All puzzles in `text` (any supported format); raises PuzzleError naming source:line:col.

    Givens that already conflict are not a parse error: `check_givens` reports them.
    """
    text = text.removeprefix("\ufeff")
    fmt = detect_format(text)
    if fmt == "jsonl":
        records = parse_jsonl(text, source, shape)
    elif fmt in ("csv", "tsv"):
        records = parse_csv(text, source, shape, "\t" if fmt == "tsv" else ",")
    elif fmt == "cells":
        records = parse_cells(text, source, shape)
    else:
        records = parse_plain(text, source, shape)
    if not records:
        raise PuzzleError(f"no sudoku found; {_FORMATS_HELP}", source=source)
    return records


def parse_file(path: str | Path, shape: Shape | None = None) -> list[PuzzleRecord]:
    """Read and parse a puzzle file; a missing, unreadable or binary file is a PuzzleError."""
    from puzzlemdm.puzzles.corpus import read_text

    return parse_text(read_text(path), str(path), shape)
