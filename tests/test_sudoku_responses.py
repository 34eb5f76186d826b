"""A Sudoku answer found in a language model's response (sudoku/responses.py)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from test_sudoku_io import SHAPES, grids

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.sudoku.board import ALPHABET, Sudoku
from puzzlemdm.puzzles.sudoku.formats import format_line
from puzzlemdm.puzzles.sudoku.kind import KIND
from puzzlemdm.puzzles.sudoku.responses import response_cells


def _rows(grid: Sudoku) -> list[list[str]]:
    n = grid.shape.n
    return [
        [ALPHABET[v - 1] if v else "." for v in grid.cells[r * n : (r + 1) * n]] for r in range(n)
    ]


def _written(grid: Sudoku, style: str) -> str:
    """The grid as language models write one."""
    rows, shape = _rows(grid), grid.shape
    if style == "line":
        return format_line(grid)
    if style == "run together":
        return "\n".join("".join(r) for r in rows)
    if style == "spaced":
        return "\n".join(" ".join(r) for r in rows)
    if style == "boxed":
        lines = []
        for k, r in enumerate(rows):
            if k and k % shape.box_rows == 0:
                lines.append(
                    "+".join(["-" * (2 * shape.box_cols + 1)] * (shape.n // shape.box_cols))
                )
            boxes = [" ".join(r[c : c + shape.box_cols]) for c in range(0, shape.n, shape.box_cols)]
            lines.append(" | ".join(boxes))
        return "\n".join(lines)
    if style == "markdown":
        return "\n".join(["|" + "---|" * shape.n] + ["| " + " | ".join(r) + " |" for r in rows])
    if style == "labelled":
        return "\n".join(f"Row {k + 1}: " + ", ".join(r) for k, r in enumerate(rows))
    if style == "json rows":
        return json.dumps({"reasoning": "...", "solution": [[_number(c) for c in r] for r in rows]})
    if style == "json pretty":
        return json.dumps({"solution": [[_number(c) for c in r] for r in rows]}, indent=2)
    return json.dumps({"answer": format_line(grid)})


def _number(cell: str) -> int:
    return 0 if cell == "." else ALPHABET.index(cell) + 1


STYLES = ["line", "run together", "spaced", "boxed", "markdown", "labelled", "json rows",
          "json pretty", "json string"]  # fmt: skip


@given(grids([s for s in SHAPES if s.n <= 9]), st.sampled_from(STYLES), st.sampled_from(STYLES))
def test_the_last_grid_of_a_response_is_its_answer(pair, restated, answered) -> None:
    puzzle, solution = pair
    response = "\n".join(
        [
            "Let me restate the puzzle:",
            _written(puzzle, restated),
            "Row 1 needs a few digits; trying 3 and 4 in boxes 1 and 2...",
            "",
            "Final answer:",
            "```",
            _written(solution, answered),
            "```",
            "Each row, column and box holds every digit once.",
        ]
    )
    assert response_cells(response, solution.shape) == format_line(solution)
    assert KIND.parse_answer(puzzle, response) == solution


def test_a_response_without_a_whole_grid_is_refused_with_the_plain_reason() -> None:
    puzzle = Sudoku.from_line("." * 81)
    for response in ["I could not solve it.", "1 2 3\n4 5 6", "Answer: 12345"]:
        assert response_cells(response, puzzle.shape) is None
        try:
            KIND.parse_answer(puzzle, response)
        except PuzzleError as err:
            assert "\n" not in str(err)
        else:
            raise AssertionError(response)
