"""Sudoku cells as files write them: the sizes told without a shape, what a character means
(1-9 then A-Z, '.' / '0' / '_' / '*' blank, or a 16x16 written 0-F), and errors that say what a
cell may hold. Shared by the text grids (`grids.py`) and the tables (`tables.py`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.sudoku.board import ALPHABET, BLANKS, Shape

# Sizes recognised without an explicit shape; others need `shape=` (a wider set would turn a
# mistyped 9x9 row of 8 cells into a silently accepted 8x8 grid).
DETECTED_SIZES = (4, 6, 9, 12, 16, 25)
VALUE_OF = {ch: i + 1 for i, ch in enumerate(ALPHABET)}
EXTRA_BLANKS = "_*"  # blanks some files write; '-' too, in one-line puzzles (_Line.dash_blanks)


def expected_values(n: int) -> str:
    """What a cell may hold, in words, for error messages."""
    if n <= 9:
        values = f"a digit 1-{n}"
    elif n == 10:
        values = "1-9 or A"
    else:
        values = f"1-9 or A-{ALPHABET[n - 1]}"
    return f"{values} or '.'/'0' for a blank"


def nearest_size(count: int, per_row: bool = False) -> int:
    """The detected size whose line (or row) length is closest to `count`, for error messages."""
    return min(DETECTED_SIZES, key=lambda n: abs((n if per_row else n * n) - count))


def shape_for(count: int, shape: Shape | None) -> Shape | None:
    """The shape of a one-line puzzle of `count` cells, or None when no supported size fits."""
    if shape is not None:
        return shape if count == shape.cells else None
    n = math.isqrt(count)
    return Shape.for_size(n) if n * n == count and n in DETECTED_SIZES else None


def writes_zero_based(cells: Iterable[tuple[int, str]], n: int) -> bool:
    """Whether a 16x16 grid writes its values 0-F (hexadecimal): a '0' and no 'G', beside
    other blanks ('.', '_', '*'), or in a whole grid (every one of 0-F sixteen times: a
    solution or an answer, whose 1-G form would hold sixteen Gs). Read as 1-G, its 0s became
    blanks (givens lost) and every other value one off, solved all the same."""
    written = Counter(ch.upper() for _, ch in cells)
    if n != 16 or "0" not in written or "G" in written:
        return False
    whole = all(written[ch] == 16 for ch in "0123456789ABCDEF")
    return whole or any(blank in written for blank in "." + EXTRA_BLANKS)


def cell_values(
    cells: Iterable[tuple[int, str]], n: int, source: str, line: int, zero_based: bool = False
) -> tuple[int, ...]:
    """Cell characters (with their 1-based columns) -> values 0..n, or a PuzzleError;
    `zero_based`: values written 0-F, blanks '.', '_' or '*' (see writes_zero_based)."""
    values = []
    for column, ch in cells:
        if ch == "." or ch in EXTRA_BLANKS or (ch in BLANKS and not zero_based):
            values.append(0)
            continue
        value = VALUE_OF.get(ch.upper(), 0)
        if zero_based and ch.upper() in "0123456789ABCDEF":
            value = int(ch, 16) + 1
        if not 1 <= value <= n:
            what = "cell" if len(ch) > 1 else "character"  # a spreadsheet's cell: "77"
            raise PuzzleError(
                f"unexpected {what} {ch!r}; expected {expected_values(n)}",
                source=source,
                line=line,
                column=column,
            )
        values.append(value)
    return tuple(values)
