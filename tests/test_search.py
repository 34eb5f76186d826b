"""Search solver (propagation + MRV) and its python-constraint cross-check."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku, mask_values
from puzzlemdm.puzzles.sudoku.constraint import (
    count_solutions_python_constraint,
    solve_python_constraint,
)
from puzzlemdm.puzzles.sudoku.search import (
    REASONS,
    count_solutions,
    has_solution,
    initial_candidates,
    is_unique,
    mrv,
    propagate,
    search,
    solve_search,
)

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "sudoku"
# Exactly two solutions: a full grid with a 2-box "deadly rectangle" blanked, then thinned.
TWO_SOLUTIONS = ".5.....3....8.41......7...8..6.4.3......68....4.59....4.2..16..6.....8935.8....4."


def _rows(name: str) -> list[dict[str, str]]:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"shared benchmark {path} not found (expected ../shared beside the repo)")
    with path.open() as f:
        return list(csv.DictReader(f))


def _is_valid_solution(puzzle: Sudoku, answer: Sudoku) -> bool:
    """Full, every unit a permutation of 1..n, and every given kept."""
    want = set(range(1, puzzle.n + 1))
    units_ok = all({answer.cells[i] for i in unit} == want for unit in answer.shape.units)
    kept = all(g in (0, a) for g, a in zip(puzzle.cells, answer.cells, strict=True))
    return units_ok and kept


def _pattern_grid(shape: Shape) -> Sudoku:
    """A valid full grid for any box shape (the classic shifted-rows pattern)."""
    n, br, bc = shape.n, shape.box_rows, shape.box_cols
    cells = [(bc * (r % br) + r // br + c) % n + 1 for r in range(n) for c in range(n)]
    return Sudoku(shape, tuple(cells))


def _blank(grid: Sudoku, fraction: float, seed: int) -> Sudoku:
    rng = np.random.default_rng(seed)
    drop = rng.random(grid.shape.cells) < fraction
    return grid.with_cells(0 if d else v for v, d in zip(grid.cells, drop, strict=True))


def _replay(puzzle: Sudoku, result) -> list[int]:
    cells = list(puzzle.cells)
    for d in result.trace:
        assert cells[d.cell] == 0, f"trace fills {d.cell} twice or fills a given"
        cells[d.cell] = d.value
    return cells


def test_norvig_hardest_all_solved_and_unique():
    for row in _rows("norvig_hardest.csv"):
        result = solve_search(Sudoku.from_line(row["puzzle"]), max_solutions=2)
        assert result.answer.to_line() == row["solution"], row["idx"]
        assert result.stats["solutions"] == 1
        assert result.stats["node_limit_hit"] is False


def test_magictour_sample_solved_and_unique():
    rows = _rows("magictour_top1465.csv")
    for row in rows[:: len(rows) // 30][:30]:
        result = solve_search(Sudoku.from_line(row["puzzle"]), max_solutions=2)
        assert result.answer.to_line() == row["solution"], row["idx"]
        assert result.stats["solutions"] == 1
        assert result.stats["guesses"] > 0  # magictour puzzles all need search


@pytest.mark.parametrize(
    ("shape", "fraction"), [(Shape(2, 2), 0.6), (Shape(2, 3), 0.6), (Shape(4, 4), 0.55)]
)
def test_other_sizes_solved(shape: Shape, fraction: float):
    puzzle = _blank(_pattern_grid(shape), fraction, seed=shape.n)
    result = solve_search(puzzle)
    assert result.solved
    assert _is_valid_solution(puzzle, result.answer)
    assert result.answer.shape == shape


def test_empty_4x4_has_288_solutions():
    assert count_solutions(Sudoku(Shape(2, 2), (0,) * 16), limit=1000) == 288


def test_two_solutions_detected():
    puzzle = Sudoku.from_line(TWO_SOLUTIONS)
    assert count_solutions(puzzle, limit=10) == 2
    assert not is_unique(puzzle)
    result = solve_search(puzzle, max_solutions=2)
    assert result.stats["solutions"] == 2
    assert _is_valid_solution(puzzle, result.answer)


def test_contradictory_puzzles_have_no_solution():
    clash = Sudoku.from_line("11" + "." * 79)  # two 1s in row 1
    assert count_solutions(clash) == 0
    assert initial_candidates(clash) is None
    result = solve_search(clash)
    assert result.answer is None and result.trace == []
    # No clash among givens, but r1c1 sees 1-8 in its row and 9 in its column: no candidate.
    dead = Sudoku.from_line(".12345678" + "9" + "." * 71)
    assert count_solutions(dead) == 0
    assert not has_solution(dead.cells, dead.shape)


def test_trace_covers_blanks_and_replays_to_answer():
    rows = _rows("norvig_hardest.csv")
    for row in rows[:4]:
        puzzle = Sudoku.from_line(row["puzzle"])
        result = solve_search(puzzle)
        assert sorted(d.cell for d in result.trace) == list(puzzle.blanks)
        assert _replay(puzzle, result) == list(result.answer.cells)
        assert {d.reason for d in result.trace} <= set(REASONS)
        guesses = [d for d in result.trace if d.reason == "guess"]
        # Depth counts guesses on the stack: the k-th guess kept on the path is at depth k.
        assert [d.depth for d in guesses] == list(range(1, len(guesses) + 1))
        assert all(d.depth == 0 for d in result.trace[: result.trace.index(guesses[0])])


def test_trace_of_easy_puzzle_has_no_guess():
    puzzle = _blank(_pattern_grid(Shape(3, 3)), 0.3, seed=1)
    result = solve_search(puzzle)
    assert result.stats == {
        "nodes": 1,
        "guesses": 0,
        "backtracks": 0,
        "solutions": 1,
        "node_limit_hit": False,
    }
    assert len(result.trace) == len(puzzle.blanks)
    assert all(d.depth == 0 and d.reason != "guess" for d in result.trace)


def test_counters_and_trace_flag():
    puzzle = Sudoku.from_line(_rows("norvig_hardest.csv")[1]["puzzle"])
    result = solve_search(puzzle, max_solutions=2, trace=False)
    stats = result.stats
    assert result.trace == []
    assert stats["nodes"] == 1 + stats["guesses"]  # every node below the root is one guess
    assert 0 < stats["backtracks"] < stats["guesses"]


def test_node_limit_stops_search():
    puzzle = Sudoku.from_line(_rows("magictour_top1465.csv")[0]["puzzle"])
    result = solve_search(puzzle, node_limit=3)
    assert result.answer is None
    assert result.stats["node_limit_hit"] is True
    assert result.stats["nodes"] == 3


def test_custom_chooser_reaches_same_unique_answer():
    row = _rows("norvig_hardest.csv")[2]
    puzzle = Sudoku.from_line(row["puzzle"])

    def last_cell_descending(cands: list[int]):
        open_cells = [i for i, m in enumerate(cands) if m & (m - 1)]
        if not open_cells:
            return None
        cell = open_cells[-1]
        # Also propose an impossible value (0 is never a candidate bit): it must be skipped.
        return cell, [*reversed(mask_values(cands[cell])), 1 if not cands[cell] & 1 else 2]

    result = solve_search(puzzle, choose=last_cell_descending, max_solutions=2)
    assert result.answer.to_line() == row["solution"]
    assert result.stats["solutions"] == 1


def test_propagation_core_reusable():
    puzzle = Sudoku.from_line(_rows("norvig_hardest.csv")[0]["puzzle"])
    root = initial_candidates(puzzle)
    assert root is not None and len(root) == 81
    assert all(root[i] == 1 << (v - 1) for i, v in enumerate(puzzle.cells) if v)
    cell, values = mrv(root)
    assert values == list(mask_values(root[cell])) and len(values) >= 2
    # Fixing a wrong value and propagating must fail somewhere below; the right one succeeds.
    answer = solve_search(puzzle).answer
    right = list(root)
    right[cell] = 1 << (answer.cells[cell] - 1)
    assert propagate(right, [cell], puzzle.shape)
    out = search(right, puzzle.shape, max_solutions=2)
    assert len(out.solutions) == 1
    assert [m.bit_length() for m in out.solutions[0]] == list(answer.cells)


def test_has_solution_exclude():
    grid = _pattern_grid(Shape(3, 3))
    cells = list(grid.cells)
    cells[0] = 0
    assert has_solution(cells, grid.shape)
    assert not has_solution(cells, grid.shape, exclude=(0, grid.cells[0]))


def test_has_solution_node_limit_gives_unknown():
    row = _rows("magictour_top1465.csv")[0]
    puzzle, solution = Sudoku.from_line(row["puzzle"]), Sudoku.from_line(row["solution"])
    root = initial_candidates(puzzle)
    # A wrong value that propagation alone cannot refute: only search shows there is no solution.
    for cell in puzzle.blanks:
        for value in mask_values(root[cell]):
            cells = list(puzzle.cells)
            cells[cell] = value
            if value != solution.cells[cell] and initial_candidates(puzzle.with_cells(cells)):
                assert has_solution(cells, puzzle.shape) is False
                assert has_solution(cells, puzzle.shape, node_limit=2) is None
                return
    pytest.fail("no wrong value survived propagation")


# --- python-constraint cross-check -------------------------------------------------------------


def _easy_9x9(seed: int) -> Sudoku:
    """A CSV solution with 65% of cells blanked (some unique, some not): quick for both solvers."""
    row = _rows("norvig_top95.csv")[seed]
    return _blank(Sudoku.from_line(row["solution"]), 0.65, seed)


@pytest.mark.parametrize("seed", range(6))
def test_python_constraint_agrees_on_4x4(seed: int):
    puzzle = _blank(_pattern_grid(Shape(2, 2)), 0.75, seed)
    assert count_solutions_python_constraint(puzzle, limit=500) == count_solutions(
        puzzle, limit=500
    )
    result = solve_python_constraint(puzzle)
    assert _is_valid_solution(puzzle, result.answer)
    assert sorted(d.cell for d in result.trace) == list(puzzle.blanks)
    assert _replay(puzzle, result) == list(result.answer.cells)


@pytest.mark.parametrize("seed", range(3))
def test_python_constraint_agrees_on_9x9(seed: int):
    puzzle = _easy_9x9(seed)
    expected = count_solutions(puzzle, limit=2)
    assert count_solutions_python_constraint(puzzle, limit=2) == expected
    result = solve_python_constraint(puzzle)
    assert _is_valid_solution(puzzle, result.answer)
    if expected == 1:
        assert result.answer == solve_search(puzzle).answer


def test_python_constraint_agrees_on_17_clue_puzzle():
    row = _rows("royle_17clue_sample500.csv")[0]  # ~0.1 s for python-constraint
    puzzle = Sudoku.from_line(row["puzzle"])
    assert count_solutions_python_constraint(puzzle) == 1
    assert solve_python_constraint(puzzle).answer.to_line() == row["solution"]


def test_python_constraint_contradictions_and_full_grid():
    assert count_solutions_python_constraint(Sudoku.from_line("11" + "." * 79)) == 0
    dead = Sudoku.from_line(".12345678" + "9" + "." * 71)
    assert count_solutions_python_constraint(dead) == 0
    assert solve_python_constraint(dead).answer is None
    full = _pattern_grid(Shape(2, 2))
    assert count_solutions_python_constraint(full) == 1
    assert solve_python_constraint(full).answer == full
    assert count_solutions_python_constraint(Sudoku.from_line(TWO_SOLUTIONS), limit=5) == 2
