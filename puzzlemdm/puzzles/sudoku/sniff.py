"""Is a file Sudoku? A cheap test of its first 4 KiB (only `sheets`, as light, is imported)."""

from __future__ import annotations

import re

from puzzlemdm.puzzles.sudoku.sheets import cell_rows, layout_of

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


# the names of a table's puzzle column and solution column (Kaggle's: quizzes, solutions)
PUZZLE_COLUMNS = ("puzzle", "quizzes", "quiz")
SOLUTION_COLUMNS = ("solution", "solutions")
_NAMES = "|".join(PUZZLE_COLUMNS)
# a header naming a puzzle column, of a CSV or TSV (or of a table of that column alone): the
# name is a whole cell, so that a sentence with a comma that mentions a puzzle is no header
_CSV_HEADER = re.compile(rf'^(?:[^\n]*[,\t])?\s*"?({_NAMES})"?\s*(?:[,\t][^\n]*)?$', re.IGNORECASE)
# JSON lines without a "kind": Sudoku's give the puzzle as a string of cells or as a list
# (another kind's, such as ZebraLogic's text, is no Sudoku for a "puzzle" key and a comma)
_JSON_PUZZLE = re.compile(rf'"({_NAMES})"\s*:\s*("[0-9A-Za-z.\-]{{16,}}"|\[)')


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
    if layout_of(cell_rows(outside_other_sections(whole), COMMENTS)):
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
