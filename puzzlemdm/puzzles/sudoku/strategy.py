"""The human-strategy Sudoku solver and the difficulty grade built on it.

The solver applies the techniques of `techniques.TECHNIQUES` from easiest to hardest and
restarts from the easiest after any progress, so a harder technique is used only when every
easier one is stuck. It never guesses: it finishes the grid, gets stuck, or finds a
contradiction. `grade` turns that into a level and adds what plain MRV search needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from puzzlemdm.puzzles.base import Decision, PuzzleError, SolveResult
from puzzlemdm.puzzles.sudoku.board import Sudoku
from puzzlemdm.puzzles.sudoku.techniques import (
    FINDERS,
    RANK,
    SINGLES,
    TECHNIQUES,
    CandidateState,
    Step,
)

LEVELS = ("easy", "medium", "hard")
SOLVER_NAME = "strategy"


@dataclass(frozen=True)
class StrategyDecision(Decision):
    """A placement (`reason` = the single that placed it) plus `enabled_by`: the hardest
    technique applied since the previous round of placements, i.e. the hardest one it took to
    reach the position where this placement was found."""

    enabled_by: str = ""


@dataclass
class StrategyRun:
    """Everything one run of the strategy solver did."""

    state: CandidateState  # the final position
    steps: list[Step] = field(default_factory=list)  # steps that changed the grid, in order
    decisions: list[StrategyDecision] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # technique -> steps that changed it
    contradiction: bool = False

    @property
    def solved(self) -> bool:
        return not self.contradiction and self.state.open_cells == 0

    @property
    def hardest(self) -> str | None:
        """The hardest technique that changed the grid (None if nothing was needed)."""
        used = [name for name, count in self.counts.items() if count]
        return max(used, key=RANK.__getitem__) if used else None


def run_strategy(state: CandidateState, techniques: Sequence[str] = TECHNIQUES) -> StrategyRun:
    """Apply `techniques` (easiest first, restarting after any progress) to a copy of `state`."""
    state = state.copy()
    order = sorted(techniques, key=RANK.__getitem__)
    run = StrategyRun(state, counts=dict.fromkeys(order, 0), contradiction=state.contradiction)
    since = -1  # rank of the hardest elimination applied since the last placements
    while not state.contradiction and state.open_cells:
        for name in order:
            rank = RANK[name]
            enabled_by = TECHNIQUES[max(rank, since)]
            progressed = placed = False
            for step in FINDERS[name](state):
                # steps found in one position stay valid after applying their siblings:
                # each is a sound deduction, so a clash can only mean a contradiction
                changed = False
                for cell, value in step.placements:
                    if state.place(cell, value):
                        changed = placed = True
                        run.decisions.append(StrategyDecision(cell, value, name, 0, enabled_by))
                for cell, value in step.eliminations:
                    changed = state.eliminate(cell, value) or changed
                if state.contradiction:
                    break
                if changed:
                    progressed = True
                    run.counts[name] += 1
                    run.steps.append(step)
            if placed:
                since = -1
            elif progressed:
                since = max(since, rank)
            if progressed or state.contradiction:
                break
        else:
            break  # every technique is stuck
    # a value with no place left in some unit is a contradiction the finders do not report
    if not state.contradiction and state.dead_unit() is not None:
        state.contradiction = True
    run.contradiction = state.contradiction
    return run


def solve_strategy(puzzle: Sudoku) -> SolveResult:
    """Solve with human techniques only; answer is None when they get stuck or hit a
    contradiction. stats: steps per technique, placements, eliminations, stuck_blanks
    (open cells left), contradiction (0/1). The trace holds `StrategyDecision`s."""
    run = run_strategy(CandidateState.from_puzzle(puzzle))
    stats: dict[str, int | float] = dict.fromkeys(TECHNIQUES, 0)
    stats.update(run.counts)
    stats["placements"] = len(run.decisions)
    stats["eliminations"] = sum(len(s.eliminations) for s in run.steps)
    stats["stuck_blanks"] = 0 if run.solved else run.state.open_cells
    stats["contradiction"] = int(run.contradiction)
    answer = run.state.to_sudoku() if run.solved else None
    return SolveResult(answer, list(run.decisions), SOLVER_NAME, stats)


@dataclass(frozen=True)
class Grade:
    """A puzzle's difficulty.

    level: "easy" (singles finish it), "medium" (the technique list finishes it, beyond
    singles), "hard" (the technique list gets stuck: it needs search). techniques: steps per
    technique used, easiest first. The search_* counters come from MRV search asked for two
    solutions (solving and proving uniqueness); solutions is how many it found (at most 2).
    They are None when grade was called with search=False.
    """

    level: str
    techniques: dict[str, int]
    hardest: str | None
    stuck_blanks: int
    search_guesses: int | None = None
    search_backtracks: int | None = None
    search_nodes: int | None = None
    solutions: int | None = None

    def to_json(self) -> dict[str, Any]:
        """A plain dict for JSON (corpus meta, `grade --json`)."""
        return asdict(self)


def grade(puzzle: Sudoku, *, search: bool = True) -> Grade:
    """Grade a puzzle by the techniques it needs; raises PuzzleError if it has no solution.

    search=False skips the MRV counters (much cheaper when only the level matters, e.g. in a
    generator's rejection loop).
    """
    run = run_strategy(CandidateState.from_puzzle(puzzle))
    if run.contradiction:
        raise PuzzleError("the puzzle has no solution (the givens lead to a contradiction)")
    hardest = run.hardest
    if not run.solved:
        level = "hard"
    elif hardest is None or hardest in SINGLES:
        level = "easy"
    else:
        level = "medium"
    used = {name: count for name, count in run.counts.items() if count}
    result = Grade(level, used, hardest, run.state.open_cells)
    if not search:
        return result
    # imported here so that the strategy solver does not depend on the search module
    from puzzlemdm.puzzles.sudoku.search import solve_search

    found = solve_search(puzzle, max_solutions=2, trace=False)
    solutions = int(found.stats["solutions"])
    if solutions == 0:
        raise PuzzleError("the puzzle has no solution (search found none)")
    return Grade(
        level,
        used,
        hardest,
        run.state.open_cells,
        search_guesses=int(found.stats["guesses"]),
        search_backtracks=int(found.stats["backtracks"]),
        search_nodes=int(found.stats["nodes"]),
        solutions=solutions,
    )
