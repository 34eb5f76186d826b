"""A Sudoku answer found in a language model's response (sudoku/responses.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_sudoku_io import SHAPES, grids

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.sudoku.board import ALPHABET, Sudoku
from puzzlemdm.puzzles.sudoku.kind import KIND
from puzzlemdm.puzzles.sudoku.responses import response_cells
from puzzlemdm.puzzles.sudoku.writing import format_line


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
    assert response_cells(response, puzzle) == format_line(solution)
    assert KIND.parse_answer(puzzle, response) == solution


def test_a_response_without_a_whole_grid_is_refused_with_the_plain_reason() -> None:
    puzzle = Sudoku.from_line("." * 81)
    for response in ["I could not solve it.", "1 2 3\n4 5 6", "Answer: 12345"]:
        assert response_cells(response, puzzle) is None
        try:
            KIND.parse_answer(puzzle, response)
        except PuzzleError as err:
            assert "\n" not in str(err)
        else:
            raise AssertionError(response)


EXAMPLE = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"
SOLVED = "534678912672195348198342567859761423426853791713924856961537284287419635345286179"


def _grid_rows(line: str, sep: str = " ") -> list[str]:
    return [sep.join(line[r * 9 : (r + 1) * 9]) for r in range(9)]


def test_no_draft_is_judged_when_the_last_grid_cannot_be_read() -> None:
    puzzle = Sudoku.from_line(EXAMPLE)
    wrong = SOLVED[:9] + SOLVED[18:27] + SOLVED[9:18] + SOLVED[27:]  # rows 2 and 3 swapped
    # a right draft, then a final grid with a row of 8 cells: refused, not the draft judged
    short = _grid_rows(wrong)
    short[4] = short[4][:-2]
    response = "\n".join(["First try:", *_grid_rows(SOLVED), "Final answer:", *short])
    with pytest.raises(PuzzleError, match=r"looks like a grid|give digits again"):
        KIND.parse_answer(puzzle, response)
    # ... a final grid as a numbered list is the answer judged
    numbered = [f"{k + 1}. {row}" for k, row in enumerate(_grid_rows(wrong))]
    answer = KIND.parse_answer(
        puzzle, "\n".join(["First try:", *_grid_rows(SOLVED), "Final:", *numbered])
    )
    assert format_line(answer) == wrong
    # a final grid written on one line another way than the reader knows: refused
    slashed = "Final answer: " + " - ".join(_grid_rows(wrong, ""))
    with pytest.raises(PuzzleError, match=r"looks like a grid|give digits again"):
        KIND.parse_answer(puzzle, "\n".join(["First try:", *_grid_rows(SOLVED), slashed]))
    # a grid taken back in words after it: refused, not judged
    with pytest.raises(PuzzleError, match="takes its answer back"):
        KIND.parse_answer(
            puzzle, f"First try:\n{SOLVED}\nCorrected: row 9 should be 1 2 9 instead."
        )
    # the last grid introduced as a draft: refused, whatever it holds
    with pytest.raises(PuzzleError, match="draft"):
        text = ["Final answer:", *_grid_rows(wrong), "My earlier draft:", *_grid_rows(SOLVED)]
        KIND.parse_answer(puzzle, "\n".join(text))
    # ten rows are no grid: none dropped to make one
    with pytest.raises(PuzzleError):
        KIND.parse_answer(puzzle, "\n".join(["Answer:", *_grid_rows(SOLVED), "1 2 3 4 5 6 7 8 9"]))


def test_headers_full_stops_the_puzzle_restated_and_solve_rows_read_as_meant() -> None:
    puzzle = Sudoku.from_line(EXAMPLE)
    header = "| " + " | ".join(str(c) for c in range(1, 10)) + " |"
    table = [header, "|--" * 9 + "|", *("| " + r + " |" for r in _grid_rows(SOLVED, " | "))]
    for response in (
        "\n".join(["Solution:", *table]),
        f"The solution is {SOLVED}.",
        f"Solution: {SOLVED}...",
        json.dumps({"solution": [list(r) for r in _grid_rows(SOLVED, "")], "puzzle": EXAMPLE}),
        f"Final answer: {' '.join(_grid_rows(SOLVED, ''))}",  # nine rows on one line
        f"Final answer: {'/'.join(_grid_rows(SOLVED, ''))}",
    ):
        assert format_line(KIND.parse_answer(puzzle, response)) == SOLVED, response
    # the puzzle itself after the answer: which grid answers cannot be told
    with pytest.raises(PuzzleError, match="is the puzzle itself"):
        text = ["Answer:", *_grid_rows(SOLVED), "", "The puzzle was:", *_grid_rows(EXAMPLE)]
        KIND.parse_answer(puzzle, "\n".join(text))
    row = json.dumps({"id": "p", "kind": "sudoku", "status": "unsolved", "answer": None})
    with pytest.raises(PuzzleError, match="holds no answer"):
        KIND.parse_answer(puzzle, row)
