"""The Blocksworld puzzle kind: the PuzzleKind protocol over the blocksworld_* modules.

Puzzle = `Blocksworld` (blocksworld_model), answer = a PDDL plan (list of actions). Files:
PDDL problem files (PlanBench), the project's JSONL and PlanBench's instances.jsonl. Solvers:
"astar" (optimal, the default) and "bfs" (exhaustive, small n). The trace has one Decision per
move: cell = t * n + (block - 1) of the state trajectory (row t = after move t), value = what
the block now rests on (0 = table). Levels: see blocksworld_random.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from puzzlemdm.puzzles.base import (
    Decision,
    KindPackage,
    PuzzleError,
    PuzzleRecord,
    SolveResult,
    Verdict,
    Violation,
    answer_json,
)
from puzzlemdm.puzzles.blocksworld.astar import PlanningLimit, SearchStats, astar_plan, bfs_plan
from puzzlemdm.puzzles.blocksworld.formats import parse_lines, puzzle_to_json
from puzzlemdm.puzzles.blocksworld.pddl import (
    FactError,
    goal_facts,
    parse_pddl,
    parse_plan,
    plan_to_text,
    problem_to_pddl,
)
from puzzlemdm.puzzles.blocksworld.plan_files import SHOWN_PLAN, plan_file_steps
from puzzlemdm.puzzles.blocksworld.problem import (
    TABLE,
    UNSET,
    Blocksworld,
    Move,
    goal_problems,
    moves_to_actions,
    verify_plan,
)
from puzzlemdm.puzzles.blocksworld.random_states import (
    LEVELS,
    draw_blocks,
    level_of,
    random_problem,
)
from puzzlemdm.puzzles.blocksworld.sniff import sniff_pddl

SOLVE_MAX_EXPANDED = 2_000_000  # states before `solve` gives up (A*: about 2.5 GB)
GENERATE_MAX_EXPANDED = 300_000  # deterministic cut-off: harder draws are redrawn
# Draws before a length window (min_length / max_length) is given up as one the level's
# problems do not have; redraws for a window a level does have take a handful.
MAX_DRAWS = 1_000


def towers(state: tuple[int, ...]) -> list[list[int]]:
    """Stacks bottom to top, in order of their bottom block."""
    above = {s: k for k, s in enumerate(state, start=1) if s != TABLE}
    out = []
    for k, s in enumerate(state, start=1):
        if s == TABLE:
            stack = [k]
            while stack[-1] in above:
                stack.append(above[stack[-1]])
            out.append(stack)
    return out


def _trace(puzzle: Blocksworld, moves: list[Move], reason: str) -> list[Decision]:
    return [
        Decision(t * puzzle.n + block - 1, dest, reason, 0)
        for t, (block, dest) in enumerate(moves, start=1)
    ]


class BlocksworldKind(KindPackage):
    """Blocksworld planning problems (4-action PDDL, optimal plans)."""

    name = "blocksworld"
    levels = LEVELS
    generator_version = 1
    propagates = False
    package = "puzzlemdm.puzzles.blocksworld"
    solvers = ("astar", "bfs")

    def parse_text(self, text: str, source: str = "<text>") -> list[PuzzleRecord]:
        """Every problem of a PDDL file or a JSONL file."""
        if sniff_pddl(text) or text.lstrip().startswith("("):
            records = parse_pddl(text, source)
            stem = source.rsplit("/", 1)[-1].removesuffix(".pddl")
            for i, record in enumerate(records):
                record.id = stem if len(records) == 1 else f"{stem}-{i + 1}"
            return records
        return parse_lines(text, source)

    def puzzle_text(self, record: PuzzleRecord) -> str:
        """A PDDL problem in PlanBench's layout, named by the record's id (a file may hold
        several)."""
        return problem_to_pddl(record.puzzle, name=record.id or None)

    def parse_answer(self, puzzle: Blocksworld, text: str, source: str = "<text>") -> Any:
        """A plan file (action lines as planners write them, or PlanBench's English:
        plan_files.py), or JSON: a list of actions, or `solve --json`'s row."""
        is_json, value = answer_json(text, self.name, source)
        if is_json and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise PuzzleError(
                'a JSON plan is a list of actions such as "(unstack b c)"', source=source
            )
        try:
            return parse_plan(puzzle, value if is_json else plan_file_steps(text, puzzle.names))
        except FactError as err:
            raise PuzzleError(str(err), source=source) from None

    def verify(self, puzzle: Blocksworld, answer: Any) -> Verdict:
        """Replays the plan (actions or `(op ...)` strings): first illegal step, then the goal."""
        if answer is None:
            return Verdict((Violation("answer", (), "no plan"),))
        if answer and isinstance(answer[0], str):
            try:
                answer = parse_plan(puzzle, answer)
            except FactError as err:
                return Verdict((Violation("plan", (), str(err)),))
        return verify_plan(puzzle, answer)

    def check_givens(self, puzzle: Blocksworld) -> Verdict:
        """The goal can be reached at all (no two blocks on one, no cycle)."""
        problems = goal_problems(puzzle.goal, puzzle.n)
        return Verdict(tuple(Violation("goal", (), p) for p in problems))

    def check(self, puzzle: Blocksworld) -> Verdict:
        """Every consistent goal is reachable (blocks can always go to the table first)."""
        return self.check_givens(puzzle)

    def count_solutions(self, puzzle: Blocksworld, limit: int = 2) -> int | None:
        """Not counted: a reachable goal has endlessly many plans (a block can always go up
        and down again); plan quality is reported as optimality instead."""
        return None

    def solve(self, puzzle: Blocksworld, solver: str) -> SolveResult:
        """An optimal plan from A* (default) or BFS; None past the state limit."""
        start = time.perf_counter()
        stats = SearchStats()
        try:
            if solver == "astar":
                moves = astar_plan(puzzle, max_expanded=SOLVE_MAX_EXPANDED, stats=stats)
            elif solver == "bfs":
                moves = bfs_plan(puzzle, max_states=SOLVE_MAX_EXPANDED)
            else:
                raise PuzzleError(
                    f"unknown blocksworld solver {solver!r} (known: {', '.join(self.solvers)})"
                )
        except PlanningLimit:
            info = {
                "expanded": stats.expanded,
                "seconds": time.perf_counter() - start,
                "max_expanded": SOLVE_MAX_EXPANDED,
            }
            return SolveResult(None, [], solver, info)
        plan = moves_to_actions(puzzle.init, moves)
        info = {
            "plan_length": len(plan),
            "expanded": stats.expanded,
            "seconds": time.perf_counter() - start,
        }
        return SolveResult(plan, _trace(puzzle, moves, solver), solver, info)

    def explain(self, puzzle: Blocksworld) -> list[str]:
        """An optimal plan (A*), one action a line."""
        result = self.solve(puzzle, "astar")
        if result.answer is None:
            return ["A* gave up within its state limit"]
        plan = plan_to_text(puzzle, result.answer)
        return plan or ["the initial state already meets the goal: no action"]

    def grade(self, puzzle: Blocksworld) -> dict[str, Any]:
        """Level (by blocks), optimal plan length in actions, goal size, A* effort."""
        result = self.solve(puzzle, "astar")
        constrained = sum(g != UNSET for g in puzzle.goal)
        return {
            "level": level_of(puzzle.n),
            "blocks": puzzle.n,
            "goal": "full" if constrained == puzzle.n else "partial",
            "goal_facts": len(goal_facts(puzzle)),
            "plan_length": None if result.answer is None else len(result.answer),
            "expanded": result.stats.get("expanded"),
        }

    def generate(
        self,
        rng: np.random.Generator,
        level: str,
        *,
        blocks: int | None = None,
        goal: str = "mixed",
        min_length: int = 0,
        max_length: int | None = None,
    ) -> PuzzleRecord:
        """Uniform initial state and goal with an optimal plan.

        Options: blocks (n, else drawn from the level; it must be of the level, which the
        block count defines), goal ("full", "partial" or "mixed", the default: a fair coin per
        puzzle), min_length / max_length (PDDL actions; draws outside are redrawn).
        """
        # A count of another level would give puzzles whose level field contradicts the level
        # asked for (and the generated ids, which name it).
        if blocks is not None and level_of(blocks) != level:
            raise ValueError(
                f"{blocks} blocks make a problem of level {level_of(blocks)}, not {level}: "
                f"ask for level {level_of(blocks)}"
            )
        if goal not in ("full", "partial", "mixed"):
            raise ValueError(f"goal must be full, partial or mixed, not {goal!r}")
        if min_length < 0:
            raise ValueError(f"min_length must be 0 or more, not {min_length}")
        if max_length is not None and max_length < min_length:
            raise ValueError(f"max_length {max_length} is below min_length {min_length}")
        for _ in range(MAX_DRAWS):
            n = draw_blocks(rng, level, blocks)
            kind = goal if goal != "mixed" else ("full", "partial")[int(rng.integers(2))]
            puzzle = random_problem(rng, n, kind)
            stats = SearchStats()
            try:
                moves = astar_plan(puzzle, max_expanded=GENERATE_MAX_EXPANDED, stats=stats)
            except PlanningLimit:
                continue
            length = 2 * len(moves)
            if length >= min_length and (max_length is None or length <= max_length):
                break
        else:  # lengths the level's problems (almost) never have: say so instead of looping
            raise ValueError(
                f"no {level} problem with an optimal plan of {min_length}-"
                f"{max_length if max_length is not None else 'any'} actions in {MAX_DRAWS} "
                "draws: widen min_length / max_length"
            )
        meta = {
            "blocks": n,
            "goal": kind,
            "optimal_length": length,
            "expanded": stats.expanded,
            "generator_version": self.generator_version,
        }
        plan = moves_to_actions(puzzle.init, moves)
        return PuzzleRecord(puzzle, plan, "", level_of(n), meta)

    def record_to_json(self, record: PuzzleRecord) -> dict[str, Any]:
        """A project JSONL line (parse_text reads it back)."""
        solution = record.solution
        return {
            "id": record.id,
            "kind": self.name,
            "level": record.level,
            "puzzle": puzzle_to_json(record.puzzle),
            "solution": None if solution is None else plan_to_text(record.puzzle, solution),
            "meta": record.meta,
        }

    def answer_to_json(self, puzzle: Blocksworld, answer: Any) -> Any:
        """The plan as PDDL action strings `["(unstack b c)", ...]`, or None.

        Its length (`plan_length`, in actions) is in the solvers' SolveResult.stats.
        """
        return None if answer is None else plan_to_text(puzzle, answer)

    def optimal(self, record: PuzzleRecord, answer: Any | None) -> bool | None:
        """A plan as short as the record's optimal length (ours and PlanBench's record it), or as
        the plan the record carries."""
        if answer is not None and len(answer) == 0:
            return True  # a goal the initial state meets: no plan is shorter than none
        best = record.meta.get("optimal_length")
        if best is None and record.solution is not None:
            best = len(record.solution)  # corpora carry A*'s optimal plans
        if best is None:
            return None
        # a corpus's plan is the best known; a valid plan no longer than it is never "longer"
        return answer is not None and len(answer) <= int(best)

    def render(self, puzzle: Blocksworld, answer: Any, verbose: bool = False) -> Any:
        """Initial stacks, goal facts and the plan, as plain rich Text (no markup parsing)."""
        from rich.text import Text

        def show(state: tuple[int, ...]) -> str:
            return "  ".join(
                "[" + " ".join(puzzle.name(k) for k in stack) + "]" for stack in towers(state)
            )

        lines = [
            f"init (bottom to top): {show(puzzle.init)}",
            f"goal: {', '.join(goal_facts(puzzle)) or '(nothing)'}",
        ]
        if answer is not None and not answer:
            lines.append(f"{SHOWN_PLAN.format(0)} the initial state meets the goal")
        elif answer is not None:
            lines.append(SHOWN_PLAN.format(len(answer)))
            lines += [f"  {i}. {a}" for i, a in enumerate(plan_to_text(puzzle, answer), 1)]
        return Text("\n".join(lines))


KIND = BlocksworldKind()
