"""Independent cross-check of the search solver with python-constraint's BacktrackingSolver.

One variable per blank cell, its domain the values no given peer uses, and one
AllDifferentConstraint per unit over that unit's blanks. Slow (generic CSP code), so meant for
tests and small samples, not for corpora.
"""

from __future__ import annotations

from itertools import islice

import constraint

from puzzlemdm.puzzles.base import Decision, SolveResult
from puzzlemdm.puzzles.sudoku.board import Sudoku

SOLVER_NAME = "python-constraint"


def _problem(puzzle: Sudoku) -> constraint.Problem | None:
    """The CSP for the blanks of `puzzle`; None if the givens clash or leave a cell empty."""
    shape, cells = puzzle.shape, puzzle.cells
    for unit in shape.units:
        givens = [cells[i] for i in unit if cells[i]]
        if len(givens) != len(set(givens)):
            return None
    problem = constraint.Problem(constraint.BacktrackingSolver())
    for i in puzzle.blanks:
        used = {cells[p] for p in shape.peers[i]}
        domain = [v for v in range(1, shape.n + 1) if v not in used]
        if not domain:
            return None
        problem.addVariable(i, domain)
    for unit in shape.units:
        blanks = [i for i in unit if not cells[i]]
        if len(blanks) > 1:
            problem.addConstraint(constraint.AllDifferentConstraint(), blanks)
    return problem


def _solutions(puzzle: Sudoku):
    """python-constraint's solution iterator (dicts cell -> value); empty if contradictory."""
    if puzzle.givens == puzzle.shape.cells:
        # No variables: python-constraint yields nothing, but a full consistent grid is a solution.
        return iter([{}] if _problem(puzzle) is not None else [])
    problem = _problem(puzzle)
    return iter(()) if problem is None else problem.getSolutionIter()


def solve_python_constraint(puzzle: Sudoku) -> SolveResult:
    """Solve with python-constraint; the trace follows the order its solution assigned cells."""
    solution = next(_solutions(puzzle), None)
    if solution is None:
        return SolveResult(answer=None, solver=SOLVER_NAME, stats={"solutions": 0})
    cells = list(puzzle.cells)
    for cell, value in solution.items():
        cells[cell] = value
    # The solver's assignment dict keeps insertion order along the current search path, so its
    # key order is the order in which this solution's cells were decided.
    trace = [Decision(cell, value, SOLVER_NAME, 0) for cell, value in solution.items()]
    return SolveResult(
        answer=puzzle.with_cells(cells), trace=trace, solver=SOLVER_NAME, stats={"solutions": 1}
    )


def count_solutions_python_constraint(puzzle: Sudoku, limit: int = 2) -> int:
    """Number of solutions python-constraint finds, counted up to `limit`."""
    return sum(1 for _ in islice(_solutions(puzzle), limit))
