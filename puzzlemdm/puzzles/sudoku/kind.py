"""Sudoku as a PuzzleKind: the glue between the CLI and the Sudoku modules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from puzzlemdm.puzzles.base import (
    Choose,
    KindPackage,
    PuzzleError,
    PuzzleRecord,
    SolveResult,
    Verdict,
    Violation,
    answer_json,
    solve_row,
)
from puzzlemdm.puzzles.grid import GridSpec
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku
from puzzlemdm.puzzles.sudoku.formats import parse_text
from puzzlemdm.puzzles.sudoku.verify import check_givens, verify
from puzzlemdm.puzzles.sudoku.writing import format_line, render_grid

SIZES = (4, 6, 9, 16)  # sides the generator makes (square-ish boxes; README)
COUNT_NODE_LIMIT = 50_000  # search nodes for telling a unique puzzle from one with several


class SudokuKind(KindPackage):
    """n x n Sudoku (9x9 by default; 4x4, 6x6, 16x16 by the same code)."""

    name = "sudoku"
    # "mixed" = random minimal puzzles with no rejection (every level, graded): training corpora;
    # "extreme" = minimal puzzles climbed to many MRV guesses (puzzles/sudoku/extreme.py).
    levels = ("easy", "medium", "hard", "mixed", "extreme")
    solvers = ("search", "strategy", "python-constraint")
    generator_version = "sudoku-1"
    propagates = True
    package = "puzzlemdm.puzzles.sudoku"

    def parse_text(self, text: str, source: str = "<text>") -> list[PuzzleRecord]:
        return parse_text(text, source)

    def check_givens(self, puzzle: Sudoku) -> Verdict:
        return check_givens(puzzle)

    def check(self, puzzle: Sudoku) -> Verdict:
        """A puzzle is valid when its givens agree and it has at least one solution."""
        verdict = check_givens(puzzle)
        if not verdict.ok:
            return verdict
        from puzzlemdm.puzzles.sudoku.search import count_solutions

        if count_solutions(puzzle, limit=1) == 0:
            return Verdict((Violation("solvable", (), "the puzzle has no solution"),))
        return verdict

    def verify(self, puzzle: Sudoku, answer: Sudoku) -> Verdict:
        return verify(puzzle, answer)

    def puzzle_text(self, record: PuzzleRecord) -> str:
        """The one-line form: a line of cells, '.' for a blank."""
        return format_line(record.puzzle) + "\n"

    def parse_answer(self, puzzle: Sudoku, text: str, source: str = "<text>") -> Sudoku:
        """A filled grid in any puzzle format (a line, a grid), `solve --json`'s line, or the
        last grid of a language model's response (`responses.py`)."""
        from puzzlemdm.puzzles.sudoku.responses import response_cells

        try:
            is_json, value = answer_json(text, self.name, source)
            if is_json and not isinstance(value, str):
                raise PuzzleError("a JSON answer is the grid as one string of cells", source=source)
            records = parse_text(value + "\n" if is_json else text, source, puzzle.shape)
            if len(records) != 1:
                raise PuzzleError(
                    f"{len(records)} grids where one answer was expected", source=source
                )
        except PuzzleError:
            if solve_row(text):  # solve --json's row says what it holds
                raise
            try:
                cells = response_cells(text, puzzle)  # a response, its grid amid words
            except ValueError as err:
                raise PuzzleError(str(err), source=source) from None
            if cells is None:
                raise
            records = parse_text(cells + "\n", source, puzzle.shape)
        answer = records[0].puzzle
        blanks = answer.cells.count(0)
        if blanks:
            raise PuzzleError(f"the answer leaves {blanks} cells blank", source=source)
        return answer

    def count_solutions(self, puzzle: Sudoku, limit: int = 2) -> int | None:
        """Solutions up to `limit` by the MRV search; None past COUNT_NODE_LIMIT nodes (a
        16x16 puzzle can take long to prove unique, and a report must not stall a solve)."""
        from puzzlemdm.puzzles.sudoku.search import solve_search

        stats = solve_search(
            puzzle, max_solutions=limit, node_limit=COUNT_NODE_LIMIT, trace=False
        ).stats
        found = int(stats["solutions"])
        return None if stats["node_limit_hit"] and found < limit else found

    def solve(self, puzzle: Sudoku, solver: str) -> SolveResult:
        if solver == "search":
            from puzzlemdm.puzzles.sudoku.search import solve_search

            return solve_search(puzzle)
        if solver == "strategy":
            from puzzlemdm.puzzles.sudoku.strategy import solve_strategy

            return solve_strategy(puzzle)
        if solver == "python-constraint":
            from puzzlemdm.puzzles.sudoku.constraint import solve_python_constraint

            return solve_python_constraint(puzzle)
        raise ValueError(f"unknown sudoku solver {solver!r}; choose from {', '.join(self.solvers)}")

    def explain(self, puzzle: Sudoku) -> list[str]:
        """The strategy solver's steps ("hidden_single in row 3: r3c4=7"), easiest technique
        first; where the techniques run out, how many cells are left to search."""
        from puzzlemdm.puzzles.sudoku.strategy import run_strategy
        from puzzlemdm.puzzles.sudoku.techniques import CandidateState

        run = run_strategy(CandidateState.from_puzzle(puzzle))
        lines = [step.describe(puzzle.shape) for step in run.steps]
        if run.contradiction:
            lines.append("contradiction: the givens allow no solution")
        elif not run.solved:
            left = run.state.open_cells
            lines.append(f"stuck: the techniques fix no more; {left} cells are left to search")
        return lines

    def grade(self, puzzle: Sudoku) -> dict[str, Any]:
        """The technique level (strategy.grade), except that a 9x9 puzzle whose singles + MRV
        search makes at least extreme.EXTREME_GUESSES guesses is "extreme", the measure the
        generator's extreme level climbs (its technique level stays under `technique_level`:
        subsets, wings and fish finish about a quarter of such puzzles without guessing)."""
        from puzzlemdm.puzzles.sudoku.extreme import EXTREME_GUESSES
        from puzzlemdm.puzzles.sudoku.strategy import grade

        graded = grade(puzzle).to_json()
        graded["technique_level"] = graded["level"]
        if puzzle.shape.n == 9 and graded["search_guesses"] >= EXTREME_GUESSES:
            graded["level"] = "extreme"
        return graded

    def generate(
        self,
        rng: np.random.Generator,
        level: str,
        *,
        size: int = 9,
        givens: int | None = None,
        max_tries: int | None = None,
        min_guesses: int | None = None,
    ) -> PuzzleRecord:
        """A unique puzzle of `level` (minimal, or with `givens`), drawn in at most `max_tries`
        candidates (default generate.DEFAULT_MAX_TRIES); level "extreme" climbs to a minimal
        9x9 puzzle needing at least `min_guesses` MRV guesses (default extreme.EXTREME_GUESSES)."""
        from puzzlemdm.puzzles.sudoku.generate import DEFAULT_MAX_TRIES, generate
        from puzzlemdm.puzzles.sudoku.strategy import grade

        if level == "extreme":
            return self._extreme(rng, size, givens, min_guesses)
        if min_guesses is not None:
            raise ValueError("min_guesses is an option of the extreme level only")
        if max_tries is not None and max_tries < 1:
            raise ValueError(f"max_tries must be at least 1, not {max_tries}")
        if size not in SIZES:
            raise ValueError(f"size {size} is not one of {', '.join(map(str, SIZES))}")
        if size == 16 and givens is None:
            # a minimal 16x16 puzzle checks each removal for uniqueness: over 60 s one on 2 cores
            raise ValueError(
                "minimal 16x16 puzzles take minutes each to generate; ask for a number of "
                "givens (--givens 120 takes under a second a puzzle)"
            )
        made = generate(
            rng,
            level=None if level == "mixed" else level,
            shape=Shape.for_size(size),
            givens=givens,
            grade_fn=grade,
            max_tries=max_tries or DEFAULT_MAX_TRIES,
        )
        grade = made.grade.to_json() if made.grade is not None else {}
        return _generated(made.puzzle, made.solution, made.grade.level, grade)

    def _extreme(
        self, rng: np.random.Generator, size: int, givens: int | None, min_guesses: int | None
    ) -> PuzzleRecord:
        from puzzlemdm.puzzles.sudoku.extreme import EXTREME_GUESSES, climb
        from puzzlemdm.puzzles.sudoku.strategy import grade

        if size != 9 or givens is not None:
            raise ValueError("extreme puzzles are minimal 9x9 puzzles (no --size, no --givens)")
        if min_guesses is not None and min_guesses < EXTREME_GUESSES:  # grade would say easier
            raise ValueError(
                f"min_guesses: extreme puzzles need at least {EXTREME_GUESSES} MRV guesses (as "
                f"grade says), not {min_guesses}"
            )
        made = climb(rng, EXTREME_GUESSES if min_guesses is None else min_guesses)
        grade_json = grade(made.puzzle).to_json()  # its technique level, under "level" in meta
        climbed = {"climb_moves": made.moves, "climb_restarts": made.restarts}
        return _generated(made.puzzle, made.solution, "extreme", {**grade_json, **climbed})

    def record_to_json(self, record: PuzzleRecord) -> dict[str, Any]:
        return {
            "id": record.id,
            "kind": self.name,
            "level": record.level,
            "puzzle": record.puzzle.to_line(),
            "solution": record.solution.to_line() if record.solution is not None else None,
            "meta": record.meta,
        }

    def answer_cells(self, puzzle: Sudoku, answer: Sudoku) -> tuple[int, ...]:
        """Every digit of the grid, row by row (an answer that changes a given loses it)."""
        return answer.cells

    def answer_to_json(self, puzzle: Sudoku, answer: Sudoku | None) -> str | None:
        return None if answer is None else answer.to_line()

    def render(self, puzzle: Sudoku, answer: Sudoku | None, verbose: bool = False) -> Any:
        return render_grid(puzzle, answer)

    def equivalent_to_any(
        self, records: Sequence[PuzzleRecord], held_out: Sequence[PuzzleRecord]
    ) -> list[bool]:
        """Equal canonical forms under the validity-preserving group."""
        from puzzlemdm.puzzles.sudoku.symmetry import canonical_form, orbit_invariant

        # The exact form costs ~1 ms a puzzle: it is computed only where the cheap invariant
        # matches, on both sides.
        by_invariant: dict[Any, list[Sudoku]] = {}
        for r in held_out:
            by_invariant.setdefault(orbit_invariant(r.puzzle), []).append(r.puzzle)
        forms: dict[Any, set[Any]] = {}
        found = []
        for r in records:
            invariant = orbit_invariant(r.puzzle)
            if invariant not in by_invariant:
                found.append(False)
                continue
            if invariant not in forms:
                forms[invariant] = {canonical_form(p) for p in by_invariant[invariant]}
            found.append(canonical_form(r.puzzle) in forms[invariant])
        return found

    def guided_search(
        self, puzzle: Sudoku, spec: GridSpec, choose: Choose, node_limit: int | None = None
    ) -> SolveResult:
        """The MRV search's propagation (naked + hidden singles), branching where `choose` says."""
        from puzzlemdm.puzzles.sudoku.search import solve_search, token_chooser

        return solve_search(puzzle, node_limit=node_limit, choose=token_chooser(puzzle, choose))

    def solver_order(self, record: PuzzleRecord, spec: GridSpec) -> list[int]:
        """The strategy solver's placements, then, where it gets stuck, the cells left in the
        order MRV search fixed them (Shah et al.'s solver order). Read from the corpus line's
        meta when the generator recorded it (free), else solved here."""
        meta = record.meta or {}
        if "strategy_order" in meta and "search_order" in meta:
            orders = meta
        else:
            orders = _trace_summary(record.puzzle)
        fixed = list(orders["strategy_order"])
        placed = set(fixed)
        return fixed + [cell for cell in orders["search_order"] if cell not in placed]


def _generated(puzzle: Sudoku, solution: Sudoku, level: str, extra: dict[str, Any]) -> PuzzleRecord:
    """A generated puzzle's record: its givens and box, `extra` (grade, ...) and solver orders."""
    meta = {"givens": puzzle.givens, "box": [puzzle.shape.box_rows, puzzle.shape.box_cols]}
    meta.update(extra)
    meta.update(_trace_summary(puzzle))
    return PuzzleRecord(puzzle, solution, level=level, meta=meta)


def _trace_summary(puzzle: Sudoku) -> dict[str, Any]:
    """Orders in which the classical solvers fix the cells (for ARM solver-order and analysis)."""
    from puzzlemdm.puzzles.sudoku.search import solve_search
    from puzzlemdm.puzzles.sudoku.strategy import solve_strategy

    strategy = solve_strategy(puzzle)
    search = solve_search(puzzle)
    return {
        "strategy_order": [d.cell for d in strategy.trace],
        "search_order": [d.cell for d in search.trace],
    }


KIND = SudokuKind()
