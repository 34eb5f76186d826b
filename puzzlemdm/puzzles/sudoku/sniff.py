"""Is a file Sudoku? A cheap test of its first 4 KiB (no other module is imported)."""

from __future__ import annotations

import re

# An 16..256-character line of puzzle characters (indented, or followed by a # comment, as
# the parser allows), or a CSV header with a puzzle column.
_LINE = re.compile(r"^[ \t]*[0-9A-Za-z._*]{16,256}[ \t]*(#.*)?$", re.MULTILINE)
# an 81-cell line with a note after it (Sudoku Explainer's ratings), and a .sdk section line
_NOTED_LINE = re.compile(r"^[ \t]*[0-9._*]{81}[ \t]+\S", re.MULTILINE)
SECTION = re.compile(r"\[[A-Za-z ]*\]")  # the parser skips these lines too
PUZZLE_SECTION = "[puzzle]"  # SadMan's .sdk: the other sections ([State], [Properties]) are not
# a line starting so is a comment ('!': some collections' headers; a check mark or a cross:
# the status lines of `solve`'s printout, whose grids read back)
COMMENTS = ("#", "!", "\u2713", "\u2717")
BOX_DRAWING = "".join(chr(c) for c in range(0x2500, 0x2580))  # the grids `solve` prints


def outside_other_sections(lines: list[str]) -> list[str]:
    """Lines that are no section line; in a SadMan .sdk file (one with a [Puzzle] section),
    only those of its [Puzzle] section (a saved [State] is no second puzzle, [Properties] no
    puzzle at all). Elsewhere a bracketed line ("[Hard]") is a heading, skipped alone."""
    sdk = any(line.strip().lower() == PUZZLE_SECTION for line in lines)
    kept, skipping = [], False
    for line in lines:
        if SECTION.fullmatch(line.strip()):
            skipping = sdk and line.strip().lower() != PUZZLE_SECTION
        elif not skipping:
            kept.append(line)
    return kept


# a header naming a puzzle column, of a CSV or TSV (or of a table of that column alone): the
# name is a whole cell, so that a sentence with a comma that mentions a puzzle is no header
_CSV_HEADER = re.compile(
    r'^(?:[^\n]*[,\t])?\s*"?(puzzle|quizzes)"?\s*(?:[,\t][^\n]*)?$', re.IGNORECASE
)
# JSON lines without a "kind": Sudoku's give the puzzle as a string of cells or as a list
# (another kind's, such as ZebraLogic's text, is no Sudoku for a "puzzle" key and a comma)
_JSON_PUZZLE = re.compile(r'"(puzzle|quizzes)"\s*:\s*("[0-9A-Za-z.\-]{16,}"|\[)')


# a grid a row a line, its cells between delimiters and an empty cell blank, as a spreadsheet
# saves one ("5,3,,,7,,,,"); sizes as the parser detects them
CELL_DELIMITERS = (",", ";", "\t")
_ROW_SIZES = (4, 6, 9, 12, 16, 25)
_CELL = re.compile(r'\s*"?\s*[0-9A-Za-z.]{0,2}\s*"?\s*')


def cell_rows(lines: list[str]) -> list[str]:
    """The lines that may be rows of delimited cells: not comments, and not blank, but for a
    row of empty cells between tabs (which is only whitespace)."""
    return [
        ln
        for ln in lines
        if (ln.strip() or ln.count("\t") >= min(_ROW_SIZES) - 1)
        and not ln.lstrip().startswith(COMMENTS)
    ]


def cells_delimiter(lines: list[str]) -> str | None:
    """The delimiter when every line of `lines` (`cell_rows`) is a grid row of cells between
    it, the same number a line; None otherwise. Tabs must leave a cell empty
    somewhere: a grid spaced by tabs, every cell written, is read as spaced cells."""
    for delimiter in CELL_DELIMITERS:
        counts = set()
        for line in lines:
            fields = line.split(delimiter)
            if len(fields) not in _ROW_SIZES or not all(_CELL.fullmatch(f) for f in fields):
                break
            counts.add(len(fields))
        else:
            empty = any(not f.strip(' "') for line in lines for f in line.split(delimiter))
            if len(counts) == 1 and (delimiter != "\t" or empty):
                return delimiter
    return None


def sniff(text: str, source: str) -> bool:
    """81-character lines, n-line grids (a spreadsheet's too), a CSV with a puzzle column, or
    JSONL of kind sudoku."""
    head = text[:4096].removeprefix("\ufeff")  # a byte-order mark, as editors on Windows write
    if '"kind"' in head:
        return '"kind": "sudoku"' in head or '"kind":"sudoku"' in head
    if "(define" in head:
        return False
    grid_lines = [
        ln
        for ln in outside_other_sections(head.splitlines())
        if ln.strip() and not ln.lstrip().startswith(COMMENTS)  # as the parser skips them
    ]
    whole = head.splitlines()[: None if len(text) <= 4096 else -1]  # the last may be cut
    if cells_delimiter(cell_rows(outside_other_sections(whole))):
        return True  # a spreadsheet's grids (a row of empty cells between tabs is whitespace)
    if not grid_lines:
        return False
    if grid_lines[0].lstrip().startswith(("{", "[")):  # JSON: a puzzle as cells or a list
        return bool(_JSON_PUZZLE.search(head))
    if _CSV_HEADER.search(grid_lines[0]):  # a header, not a comment that names puzzles
        return True
    kept = "\n".join(grid_lines)
    return bool(_LINE.search(kept) or _NOTED_LINE.search(kept)) or all(
        re.fullmatch(rf"[0-9A-Za-z._*|+\- \t{BOX_DRAWING}]+", ln) for ln in grid_lines
    )
