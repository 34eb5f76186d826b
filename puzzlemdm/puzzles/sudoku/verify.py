"""The Sudoku verifier: every rule an answer breaks, in words; the givens' own consistency."""

from __future__ import annotations

from collections.abc import Iterable

from puzzlemdm.puzzles.base import Verdict, Violation
from puzzlemdm.puzzles.sudoku.board import ALPHABET, Shape, Sudoku

# ---------------------------------------------------------------------------------------------
# Verifying.

_UNIT_NAMES = ("row", "column", "box")
_TIMES = {2: "twice", 3: "three times"}


def _symbol(value: int) -> str:
    return ALPHABET[value - 1] if 1 <= value <= len(ALPHABET) else str(value)


def _cell_list(shape: Shape, cells: Iterable[int], limit: int = 6) -> str:
    names = [shape.name(i) for i in cells]
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def _range_violations(s: Sudoku, what: str) -> list[Violation]:
    return [
        Violation("range", (i,), f"{s.shape.name(i)} {what} {v}, outside 1..{s.n}")
        for i, v in enumerate(s.cells)
        if v and not 1 <= v <= s.n
    ]


def _duplicates(s: Sudoku) -> list[Violation]:
    """Every value that occurs more than once in a row, column or box (blanks ignored)."""
    shape, found = s.shape, []
    for kind, units in zip(_UNIT_NAMES, (shape.rows, shape.cols, shape.boxes), strict=True):
        for index, unit in enumerate(units, 1):
            where: dict[int, list[int]] = {}
            for cell in unit:
                value = s.cells[cell]
                if 1 <= value <= s.n:
                    where.setdefault(value, []).append(cell)
            for value, cells in sorted(where.items()):
                if len(cells) > 1:
                    times = _TIMES.get(len(cells), f"{len(cells)} times")
                    message = (
                        f"value {_symbol(value)} {times} in {kind} {index} "
                        f"({_cell_list(shape, cells)})"
                    )
                    found.append(Violation(kind, tuple(cells), message))
    return found


def verify(puzzle: Sudoku, answer: Sudoku) -> Verdict:
    """Is `answer` a complete, valid grid that keeps every given of `puzzle`? Lists what is not."""
    if answer.shape != puzzle.shape:
        return Verdict(
            (
                Violation(
                    "shape",
                    (),
                    f"the answer is {_describe(answer.shape)} but the puzzle is "
                    f"{_describe(puzzle.shape)}",
                ),
            )
        )
    violations: list[Violation] = []
    blanks = answer.blanks
    if blanks:
        count = f"{len(blanks)} cell{'s' if len(blanks) > 1 else ''}"
        violations.append(
            Violation("blank", blanks, f"{count} left blank ({_cell_list(answer.shape, blanks)})")
        )
    violations += _range_violations(answer, "holds")
    for cell, (given, value) in enumerate(zip(puzzle.cells, answer.cells, strict=True)):
        if given and value and given != value:
            violations.append(
                Violation(
                    "given",
                    (cell,),
                    f"{puzzle.shape.name(cell)} is given {_symbol(given)} "
                    f"but the answer has {_symbol(value)}",
                )
            )
    violations += _duplicates(answer)
    return Verdict(tuple(violations))


def check_givens(puzzle: Sudoku) -> Verdict:
    """Duplicates and out-of-range values among the givens alone: a contradictory puzzle."""
    return Verdict(tuple(_range_violations(puzzle, "is given") + _duplicates(puzzle)))


def _describe(shape: Shape) -> str:
    return f"{shape.n}x{shape.n} (boxes {shape.box_rows}x{shape.box_cols})"
