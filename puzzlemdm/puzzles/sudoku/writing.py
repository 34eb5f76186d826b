"""Sudoku grids written out: the one-line form, a plain-text grid that reads back, and the
rich grid `solve` prints (givens bold, answers coloured)."""

from __future__ import annotations

from typing import Any

from puzzlemdm.puzzles.sudoku.board import ALPHABET, Sudoku


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
