"""The Zebra puzzle kind: the PuzzleKind protocol over the zebra_* modules.

Puzzle = `Zebra` (zebra_model), answer = grid `grid[a][h]` (value index of attribute a in
house h). Files: the project's JSONL and BBEH's structured JSONL (formats.py), and plain
text: attribute lines, then one English clue per line (text.py). Solvers:
"strategy" (traced propagation / lookahead / guesses) and "python-constraint". Levels: see
zebra_levels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from puzzlemdm.puzzles.base import (
    NOT_JUDGED,
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
from puzzlemdm.puzzles.zebra.english import puzzle_text
from puzzlemdm.puzzles.zebra.formats import (
    ZebraFormatError,
    answer_from_printout,
    grid_from_json,
    grid_to_json,
    parse_any,
    puzzle_to_json,
)
from puzzlemdm.puzzles.zebra.generate import GENERATOR_VERSION
from puzzlemdm.puzzles.zebra.levels import LEVELS, generate_level
from puzzlemdm.puzzles.zebra.levels import grade as grade_zebra
from puzzlemdm.puzzles.zebra.propagate import Contradiction, initial_domains, propagate
from puzzlemdm.puzzles.zebra.puzzle import Grid, Zebra, verify_grid
from puzzlemdm.puzzles.zebra.search import find_solutions, strategy_solve
from puzzlemdm.puzzles.zebra.zebralogic_answers import response_answer

# the strategy solver's reasons (zebra/propagate.py, search.py) in words for `explain`
REASONS = {
    "only_house": "no other house is left for it",
    "only_value": "no other value is left for that house",
    "lookahead": "any other house leads to a contradiction",
    "guess": "a guess",
}


class ZebraKind(KindPackage):
    """Zebra (Einstein) puzzles."""

    name = "zebra"
    levels = LEVELS
    generator_version = GENERATOR_VERSION  # 2: clues between two values of one attribute
    propagates = True
    package = "puzzlemdm.puzzles.zebra"
    solvers = ("strategy", "python-constraint")

    def parse_text(self, text: str, source: str = "<text>") -> list[PuzzleRecord]:
        """Every puzzle of a project or BBEH JSONL file, or of a zebra text file."""
        return parse_any(text, source)

    def puzzle_text(self, record: PuzzleRecord) -> str:
        """Attribute lines and English clues (text.py's format), then the '---' that ends a
        puzzle."""
        from puzzlemdm.puzzles.zebra.text import SEPARATOR_LINE, format_text

        return format_text(record.puzzle) + SEPARATOR_LINE + "\n"

    def writers(self) -> dict[str, Any]:
        """`zebralogic`: ZebraLogic's dataset lines (its text, and the solution as its header
        and rows); `zebralogic-mc`: its multiple-choice mode's (a question of one value, its
        choices and answer); for evaluating language models on fresh puzzles."""
        from puzzlemdm.puzzles.zebra.zebralogic_write import dataset_line, multiple_choice_line

        return {"zebralogic": dataset_line, "zebralogic-mc": multiple_choice_line}

    def parse_answer(self, puzzle: Zebra, text: str, source: str = "<text>") -> Grid:
        """`{attribute: [value of house 1, ...]}` in JSON, `solve --json`'s row, ZebraLogic's
        `{"House 1": {attribute: value}, ...}` (alone, or in a language model's response), or
        the answer as `solve` prints it (its table, or one line a house for wide puzzles)."""
        try:
            value = response_answer(puzzle, text)  # ZebraLogic's: the last one a response holds
            if value is None:
                is_json, value = answer_json(text, self.name, source)
                value = value if is_json else answer_from_printout(puzzle, text)
            if value is None:
                short = "\n" not in text.strip() and len(text.strip()) <= 80
                unasked = short and not (puzzle.asked_values or puzzle.questions)
                raise ZebraFormatError(
                    "a zebra answer is JSON: {attribute: [value of house 1, ...]}, as solve "
                    '--json writes it, or ZebraLogic\'s {"House 1": {attribute: value}, ...}, '
                    "or as solve prints it (a table, or one line a house: 'house 1: <its values "
                    "in attribute order>')"
                    + (
                        "; a short answer (a value, a house) answers a puzzle's question, and "
                        "this puzzle asks none"
                        if unasked
                        else ""
                    )
                )
            return grid_from_json(puzzle, value)
        except (ZebraFormatError, ValueError) as err:
            raise PuzzleError(str(err), source=source) from None

    def verify(self, puzzle: Zebra, answer: Any) -> Verdict:
        """Any grid (or `{attribute: [values by house]}`) satisfying every clue verifies."""
        if answer is None:
            return Verdict((Violation("answer", (), "no answer"),))
        if isinstance(answer, dict):
            try:
                answer = grid_from_json(puzzle, answer)
            except ZebraFormatError as err:
                return Verdict((Violation("shape", (), str(err)),))
        return verify_grid(puzzle, answer)

    def check_givens(self, puzzle: Zebra) -> Verdict:
        """Single-clue propagation finds no contradiction (no search)."""
        try:
            propagate(initial_domains(puzzle), puzzle)
        except Contradiction as err:
            return Verdict((Violation("clues", (), f"the clues contradict each other ({err})"),))
        return Verdict()

    def check(self, puzzle: Zebra) -> Verdict:
        """Valid when some grid satisfies every clue (BBEH grids need not be unique)."""
        verdict = self.check_givens(puzzle)
        if verdict.ok and not find_solutions(puzzle, 1)[0]:
            return Verdict((Violation("solvable", (), "no grid satisfies every clue"),))
        return verdict

    def count_solutions(self, puzzle: Zebra, limit: int = 2) -> int | None:
        """Grids satisfying every clue, up to `limit` (complete search with propagation)."""
        if not self.check_givens(puzzle).ok:
            return 0
        return len(find_solutions(puzzle, limit)[0])

    def solve(self, puzzle: Zebra, solver: str) -> SolveResult:
        """Run a named classical solver."""
        if solver == "strategy":
            return strategy_solve(puzzle)
        if solver == "python-constraint":
            # imported here: the model and its training never need python-constraint
            from puzzlemdm.puzzles.zebra.constraint import constraint_solve

            return constraint_solve(puzzle)
        raise PuzzleError(f"unknown zebra solver {solver!r} (known: {', '.join(self.solvers)})")

    def explain(self, puzzle: Zebra) -> list[str]:
        """Each person's house as the strategy solver fixes it ("the Norwegian lives in house
        1 (propagation)"): clue by clue, then lookahead, then guesses (marked with their
        depth)."""
        from puzzlemdm.puzzles.zebra.english import ref_phrases
        from puzzlemdm.puzzles.zebra.puzzle import Ref

        result = strategy_solve(puzzle)
        if result.answer is None:
            return ["contradiction: the clues allow no solution"]
        attributes = len(puzzle.attributes)
        lines = []
        for decision in result.trace:
            value, attribute = divmod(decision.cell, attributes)
            noun = ref_phrases(puzzle, Ref(attribute, value))[0]
            how = REASONS.get(decision.reason, decision.reason).replace("clue:", "clue ")
            how += f", guess at depth {decision.depth}" if decision.depth else ""
            lines.append(f"{noun[0].upper()}{noun[1:]} lives in house {decision.value + 1} ({how})")
        return lines

    def grade(self, puzzle: Zebra) -> dict[str, Any]:
        """Level, size and the strategy solver's counters."""
        return grade_zebra(puzzle)

    def generate(
        self,
        rng: np.random.Generator,
        level: str,
        *,
        houses: int | None = None,
        attributes: int | None = None,
        generator_version: int = GENERATOR_VERSION,
    ) -> PuzzleRecord:
        """A unique, clue-minimal puzzle at `level` (options: houses, attributes, and
        generator_version: 1 rebuilds the committed splits, which predate within-attribute
        clues)."""
        puzzle, grid, info = generate_level(rng, level, houses, attributes, generator_version)
        meta = {**info, "generator_version": generator_version}
        return PuzzleRecord(puzzle, grid, "", info["level"], meta)

    def record_to_json(self, record: PuzzleRecord) -> dict[str, Any]:
        """A project JSONL line (parse_text reads it back); `text` holds the English clues."""
        puzzle = {**puzzle_to_json(record.puzzle), "text": puzzle_text(record.puzzle)}
        return {
            "id": record.id,
            "kind": self.name,
            "level": record.level,
            "puzzle": puzzle,
            "solution": grid_to_json(record.puzzle, record.solution),
            "meta": record.meta,
        }

    def answer_cells(self, puzzle: Zebra, answer: Grid) -> tuple[int, ...]:
        """Every attribute's value in every house."""
        return tuple(value for row in answer for value in row)

    def answer_to_json(self, puzzle: Zebra, answer: Grid | None) -> Any:
        """`{attribute: [value of house 1, ...]}`, or None."""
        return grid_to_json(puzzle, answer)

    def answer_facts(self, puzzle: Zebra, answer: Grid) -> dict[str, Any]:
        """A question's answer: `{"question": [{"person", "houses" (1-based, every one the
        clues allow), "decided", "resident"? (who lives there, when the clues decide it)}]}`
        (one entry per reading of an ambiguous name);
        `{"questions": [[...], ...]}` for a puzzle that asks several; `{"asked_values":
        [{"attribute", "house" (1-based), "value", "decided"}]}` for ZebraLogic's questions of
        one attribute's value in one house."""
        from puzzlemdm.puzzles.zebra.render import asked_houses, asked_values

        values = [
            {"attribute": a.attribute, "house": a.house + 1, "value": a.value, "decided": a.decided}
            for a in asked_values(puzzle, answer)
        ]
        facts = {"asked_values": values} if values else {}

        asked = [
            [
                {
                    "person": who,
                    "houses": [h + 1 for h in houses],
                    "decided": len(houses) == 1,
                    **({"resident": resident} if resident else {}),
                }
                for who, houses, resident in question
            ]
            for question in asked_houses(puzzle, answer)
        ]
        if len(asked) == 1:
            return {"question": asked[0], **facts}
        return {"questions": asked, **facts} if asked else facts

    def judge_short_answer(self, record: PuzzleRecord, text: str) -> str | None:
        """ZebraLogic's multiple-choice answer (the value, or its letter among the record's
        `choices`) or the house a question asks for (BBEH's number, or who lives there),
        judged against the record's solution, else the one the clues allow."""
        from puzzlemdm.puzzles.stated import UnclearAnswer
        from puzzlemdm.puzzles.zebra.short_answers import judge_short, short_answer

        puzzle = record.puzzle
        if solve_row(text):  # solve --json's row holds a whole answer (or says it has none)
            return None
        try:
            said = short_answer(puzzle, text)
        except UnclearAnswer as err:
            return str(err)
        if said is None:
            return None
        truth = record.solution
        if truth is None:
            grids = find_solutions(puzzle, 1)[0]
            if not grids:
                return f"{NOT_JUDGED}no grid satisfies every clue"
            truth = grids[0]
        choices = record.meta.get("choices")
        return judge_short(puzzle, truth, said, choices if isinstance(choices, list) else ())

    def recorded_answer(self, record: PuzzleRecord) -> str | None:
        """BBEH's `target` (a house) or ZebraLogic's multiple-choice `answer` (a value)."""
        for key in ("answer", "target"):
            if isinstance(record.meta.get(key), str | int):
                return str(record.meta[key])
        return None

    def render(self, puzzle: Zebra, answer: Grid | None, verbose: bool = False) -> Any:
        """The answer (and the asked person's house) in 80 columns; the clues in English when
        there is no answer or with `verbose`."""
        from puzzlemdm.puzzles.zebra.render import render_answer

        return render_answer(puzzle, answer, puzzle_text(puzzle) if verbose else None)

    def guided_search(
        self, puzzle: Any, spec: GridSpec, choose: Choose, node_limit: int | None = None
    ) -> SolveResult | None:
        """Single-clue propagation + permutation singles, branching where `choose` says."""
        from puzzlemdm.puzzles.zebra.search import guided_search

        return guided_search(puzzle, spec, choose, node_limit)


KIND = ZebraKind()
