"""Sudoku as a PuzzleKind: the glue between the CLI and the Sudoku modules."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from puzzlemdm.puzzles import sudoku
from puzzlemdm.puzzles.base import PuzzleRecord, SolveResult, Verdict, Violation
from puzzlemdm.puzzles.sudoku import Shape, Sudoku

GENERATOR_VERSION = "sudoku-1"

# An 16..256-character line of puzzle characters, or a CSV header with a puzzle column.
_LINE = re.compile(r"^[0-9A-Za-z.]{16,256}\s*$", re.MULTILINE)
_CSV_HEADER = re.compile(r"^[^\n]*\b(puzzle|quizzes)\b[^\n]*,", re.IGNORECASE)


class SudokuKind:
    """n x n Sudoku (9x9 by default; 4x4, 6x6, 16x16 by the same code)."""

    name = "sudoku"
    # "mixed" = random minimal puzzles with no rejection (every level, graded): training corpora.
    levels = ("easy", "medium", "hard", "mixed")
    solvers = ("search", "strategy", "python-constraint")

    def sniff(self, text: str, source: str) -> bool:
        head = text[:4096]
        if '"kind"' in head:
            return '"kind": "sudoku"' in head or '"kind":"sudoku"' in head
        if _CSV_HEADER.search(head):
            return True
        if "(define" in head:
            return False
        grid_lines = [ln for ln in head.splitlines() if ln.strip() and not ln.startswith("#")]
        if not grid_lines:
            return False
        return bool(_LINE.search(head)) or all(
            re.fullmatch(r"[0-9A-Za-z.|+\- ]+", ln) for ln in grid_lines
        )

    def parse_text(self, text: str, source: str = "<text>") -> list[PuzzleRecord]:
        return sudoku.parse_text(text, source)

    def check_givens(self, puzzle: Sudoku) -> Verdict:
        return sudoku.check_givens(puzzle)

    def check(self, puzzle: Sudoku) -> Verdict:
        """A puzzle is valid when its givens agree and it has at least one solution."""
        verdict = sudoku.check_givens(puzzle)
        if not verdict.ok:
            return verdict
        from puzzlemdm.solvers.search import count_solutions

        if count_solutions(puzzle, limit=1) == 0:
            return Verdict((Violation("solvable", (), "the puzzle has no solution"),))
        return verdict

    def verify(self, puzzle: Sudoku, answer: Sudoku) -> Verdict:
        return sudoku.verify(puzzle, answer)

    def solve(self, puzzle: Sudoku, solver: str) -> SolveResult:
        if solver == "search":
            from puzzlemdm.solvers.search import solve_search

            return solve_search(puzzle)
        if solver == "strategy":
            from puzzlemdm.solvers.strategy import solve_strategy

            return solve_strategy(puzzle)
        if solver == "python-constraint":
            from puzzlemdm.solvers.constraint import solve_python_constraint

            return solve_python_constraint(puzzle)
        raise ValueError(f"unknown sudoku solver {solver!r}; choose from {', '.join(self.solvers)}")

    def grade(self, puzzle: Sudoku) -> dict[str, Any]:
        from puzzlemdm.solvers.strategy import grade

        return grade(puzzle).to_json()

    def generate(
        self, rng: np.random.Generator, level: str, *, size: int = 9, givens: int | None = None
    ) -> PuzzleRecord:
        from puzzlemdm.puzzles.sudoku_generate import generate
        from puzzlemdm.solvers.strategy import grade

        made = generate(
            rng,
            level=None if level == "mixed" else level,
            shape=Shape.for_size(size),
            givens=givens,
            grade_fn=grade,
        )
        level = made.grade.level
        grade = made.grade.to_json() if made.grade is not None else {}
        meta = {
            "givens": made.puzzle.givens,
            "box": [made.puzzle.shape.box_rows, made.puzzle.shape.box_cols],
            **grade,
        }
        meta.update(_trace_summary(made.puzzle))
        return PuzzleRecord(made.puzzle, made.solution, level=level, meta=meta)

    def record_to_json(self, record: PuzzleRecord) -> dict[str, Any]:
        return {
            "id": record.id,
            "kind": self.name,
            "level": record.level,
            "puzzle": record.puzzle.to_line(),
            "solution": record.solution.to_line() if record.solution is not None else None,
            "meta": record.meta,
        }

    def answer_to_json(self, puzzle: Sudoku, answer: Sudoku | None) -> str | None:
        return None if answer is None else answer.to_line()

    def render(self, puzzle: Sudoku, answer: Sudoku | None) -> Any:
        return sudoku.render_grid(puzzle, answer)


def _trace_summary(puzzle: Sudoku) -> dict[str, Any]:
    """Orders in which the classical solvers fix the cells (for ARM solver-order and analysis)."""
    from puzzlemdm.solvers.search import solve_search
    from puzzlemdm.solvers.strategy import solve_strategy

    strategy = solve_strategy(puzzle)
    search = solve_search(puzzle)
    return {
        "strategy_order": [d.cell for d in strategy.trace],
        "search_order": [d.cell for d in search.trace],
    }
