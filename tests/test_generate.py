"""Unique-puzzle generator: full grids, minimal puzzles, target givens, levels, determinism."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku
from puzzlemdm.puzzles.sudoku.constraint import count_solutions_python_constraint
from puzzlemdm.puzzles.sudoku.generate import (
    GeneratedPuzzle,
    generate,
    minimal_puzzle,
    puzzle_with_givens,
    random_solution,
)
from puzzlemdm.puzzles.sudoku.search import count_solutions, solve_search


def _is_full_valid(grid: Sudoku) -> bool:
    want = set(range(1, grid.n + 1))
    return all({grid.cells[i] for i in unit} == want for unit in grid.shape.units)


def _agrees(puzzle: Sudoku, solution: Sudoku) -> bool:
    return all(g in (0, s) for g, s in zip(puzzle.cells, solution.cells, strict=True))


@dataclass(frozen=True)
class _FakeGrade:
    level: str


def _guess_grade(puzzle: Sudoku) -> _FakeGrade:
    """Stand-in grader: easy when singles suffice, hard when the search has to guess."""
    guesses = solve_search(puzzle, max_solutions=2, trace=False).stats["guesses"]
    return _FakeGrade("easy" if guesses == 0 else "hard")


@pytest.mark.parametrize("shape", [Shape(2, 2), Shape(2, 3), Shape(3, 3), Shape(4, 4)])
def test_random_solution_is_a_valid_full_grid(shape: Shape):
    grid = random_solution(np.random.default_rng(7), shape)
    assert grid.shape == shape
    assert _is_full_valid(grid)


def test_random_solutions_differ_across_seeds_and_repeat_within():
    a = random_solution(np.random.default_rng(1))
    b = random_solution(np.random.default_rng(2))
    assert a != b
    assert a == random_solution(np.random.default_rng(1))


@pytest.mark.parametrize("shape", [Shape(2, 2), Shape(2, 3), Shape(3, 3)])
def test_minimal_puzzle_is_unique_and_minimal(shape: Shape):
    rng = np.random.default_rng(3)
    for _ in range(2):
        solution = random_solution(rng, shape)
        puzzle = minimal_puzzle(rng, solution)
        assert _agrees(puzzle, solution)
        assert solve_search(puzzle, max_solutions=2).stats["solutions"] == 1
        assert solve_search(puzzle).answer == solution
        for cell, value in enumerate(puzzle.cells):
            if value:
                fewer = list(puzzle.cells)
                fewer[cell] = 0
                assert count_solutions(puzzle.with_cells(fewer)) == 2, f"given {cell} not needed"


def test_node_limit_keeps_givens_but_stays_unique():
    solution = random_solution(np.random.default_rng(3))  # a seed where one check must search
    full = minimal_puzzle(np.random.default_rng(2), solution)
    # node_limit=1 allows no guess: only removals that propagation settles are made.
    capped = minimal_puzzle(np.random.default_rng(2), solution, node_limit=1)
    assert capped.givens > full.givens
    assert count_solutions(capped) == 1
    assert _agrees(capped, solution)


def test_generated_puzzles_unique_by_python_constraint():
    rng = np.random.default_rng(11)
    for shape in (Shape(2, 2), Shape(2, 3), Shape(3, 3), Shape(3, 3)):
        solution = random_solution(rng, shape)
        puzzle = minimal_puzzle(rng, solution)
        assert count_solutions_python_constraint(puzzle, limit=2) == 1


def test_minimal_9x9_has_few_givens():
    rng = np.random.default_rng(5)
    givens = [minimal_puzzle(rng, random_solution(rng)).givens for _ in range(5)]
    # Random minimal 9x9 puzzles have about 20-27 givens; 17 is the proven floor.
    assert all(17 <= g <= 30 for g in givens), givens


def test_puzzle_with_givens_exact_and_unique():
    rng = np.random.default_rng(9)
    solution = random_solution(rng)
    puzzle = puzzle_with_givens(rng, solution, 32)
    assert puzzle is not None
    assert puzzle.givens == 32
    assert _agrees(puzzle, solution)
    assert count_solutions(puzzle) == 1
    assert puzzle_with_givens(rng, solution, 81) == solution


def test_puzzle_with_givens_impossible_target_is_none():
    rng = np.random.default_rng(9)
    # No 9x9 Sudoku with 16 givens has a unique solution (McGuire et al. 2012).
    assert puzzle_with_givens(rng, random_solution(rng), 16) is None


def test_generate_is_deterministic():
    a = generate(np.random.default_rng(42))
    b = generate(np.random.default_rng(42))
    assert a == b
    assert a.grade is None  # no level, no grade_fn: not graded
    assert generate(np.random.default_rng(43)).puzzle != a.puzzle


@pytest.mark.parametrize("level", ["easy", "hard"])
def test_generate_rejection_samples_to_level(level: str):
    out = generate(np.random.default_rng(0), level, grade_fn=_guess_grade)
    assert isinstance(out, GeneratedPuzzle)
    assert out.grade.level == level
    assert _guess_grade(out.puzzle).level == level
    assert count_solutions(out.puzzle) == 1


def test_generate_with_givens_and_other_shape():
    out = generate(np.random.default_rng(4), shape=Shape(2, 3), givens=14)
    assert out.puzzle.givens == 14
    assert out.puzzle.shape == Shape(2, 3)
    assert count_solutions(out.puzzle) == 1


def test_generate_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="unknown level"):
        generate(rng, "impossible", grade_fn=_guess_grade)
    with pytest.raises(PuzzleError, match="in 3 tries"):
        generate(rng, "medium", grade_fn=_guess_grade, max_tries=3)  # the fake never says medium
    with pytest.raises(PuzzleError, match="17 givens"):
        generate(rng, givens=17, max_tries=2)
    # below the proven fewest givens of a unique puzzle: refused at once, not after the tries
    for shape, fewest in ((Shape(3, 3), 17), (Shape(2, 2), 4), (Shape(2, 3), 8)):
        with pytest.raises(ValueError, match=f"fewer than {fewest} givens has one solution"):
            generate(rng, shape=shape, givens=fewest - 1)
    smallest = generate(np.random.default_rng(1), shape=Shape(2, 2), givens=4, max_tries=500)
    assert count_solutions(smallest.puzzle) == 1  # the bound is reached


def test_generate_with_strategy_grader():
    strategy = pytest.importorskip("puzzlemdm.puzzles.sudoku.strategy")
    if not hasattr(strategy, "grade"):
        pytest.skip("puzzlemdm.solvers.strategy.grade not written yet")
    out = generate(np.random.default_rng(1), "easy")
    assert out.grade.level == "easy"
    assert strategy.grade(out.puzzle).level == "easy"


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_generated_puzzle_agrees_with_its_solution(seed: int):
    out = generate(np.random.default_rng(seed))
    assert _is_full_valid(out.solution)
    assert _agrees(out.puzzle, out.solution)
    result = solve_search(out.puzzle, max_solutions=2)
    assert result.stats["solutions"] == 1
    assert result.answer == out.solution


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_extreme_climb_reaches_its_guesses_unique_and_minimal(seed: int):
    from puzzlemdm.puzzles.sudoku.extreme import climb

    made = climb(np.random.default_rng(seed), min_guesses=8)
    stats = solve_search(made.puzzle, max_solutions=2, trace=False).stats
    assert stats["solutions"] == 1 and stats["guesses"] == made.guesses >= 8
    assert _agrees(made.puzzle, made.solution) and _is_full_valid(made.solution)
    cells = list(made.puzzle.cells)
    for cell in (c for c, v in enumerate(cells) if v):  # minimal: every given is needed
        without = made.puzzle.with_cells([0 if c == cell else v for c, v in enumerate(cells)])
        assert count_solutions(without) == 2


def test_extreme_level_is_deterministic_and_reports_its_climb():
    from puzzlemdm.puzzles.registry import get_kind

    kind = get_kind("sudoku")
    first, again = (kind.generate(np.random.default_rng(3), "extreme") for _ in range(2))
    assert first.puzzle == again.puzzle and first.level == "extreme"
    assert first.meta["search_guesses"] >= 30 and first.meta["climb_moves"] >= 0
    with pytest.raises(ValueError, match="at least 30 MRV guesses"):  # grade would say easier
        kind.generate(np.random.default_rng(3), "extreme", min_guesses=10)
    # random minimal puzzles rarely need 10 guesses: the climb is what gets there
    plain = [
        kind.generate(np.random.default_rng(s), "mixed").meta["search_guesses"] for s in range(10)
    ]
    assert sorted(plain)[5] < 10
    with pytest.raises(ValueError, match="minimal 9x9"):
        kind.generate(np.random.default_rng(0), "extreme", givens=30)
    with pytest.raises(ValueError, match="extreme level only"):
        kind.generate(np.random.default_rng(0), "hard", min_guesses=5)
    with pytest.raises(PuzzleError, match="no puzzle needing"):
        from puzzlemdm.puzzles.sudoku.extreme import climb

        climb(np.random.default_rng(0), min_guesses=10**6, max_moves=1, restarts=1)


def test_generation_options_are_the_generators_typed_keyword_parameters():
    from puzzlemdm.generation import check_request
    from puzzlemdm.solving import UsageError

    check_request("zebra", "easy", {"houses": 4, "generator_version": 1})
    check_request("blocksworld", "easy", {"blocks": 3, "goal": "full", "max_length": None})
    for kind, options, said in (
        ("zebra", {"bogus": 1}, "zebra generation takes no option 'bogus'"),
        ("blocksworld", {"blocks": "3"}, "blocks must be an integer, not '3'"),
        ("sudoku", {"max_tries": True}, "max_tries must be an integer, not True"),
    ):
        with pytest.raises(UsageError, match=said):
            check_request(kind, "easy", options)


def test_a_refused_request_leaves_the_output_file_as_it_was(tmp_path):
    from typer.testing import CliRunner

    from puzzlemdm.cli import app

    kept = tmp_path / "keep.jsonl"
    kept.write_text("earlier puzzles\n")
    for args, said in (
        (["sudoku", "--size", "5"], "size 5 is not one of"),
        (["blocksworld", "--level", "easy", "-O", "blocks=1"], "blocks must be 2.."),
        (["zebra", "--level", "easy", "-O", "houses=8"], "grade hard at least, not easy"),
        (["zebra", "--level", "easy", "-O", "houses=9"], "sizes must be 2..8 houses"),
    ):
        result = CliRunner().invoke(app, ["generate", *args, "--n", "1", "-o", str(kept)])
        assert result.exit_code == 2 and said in result.stderr, result.stderr
        assert kept.read_text() == "earlier puzzles\n"
    done = CliRunner().invoke(app, ["generate", "zebra", "--level", "easy", "-o", str(kept)])
    assert done.exit_code == 0 and len(kept.read_text().splitlines()) == 10
    assert [p.name for p in tmp_path.iterdir()] == ["keep.jsonl"]  # no partial file left
    link = tmp_path / "link.jsonl"  # a symlink is written through, never replaced by a file
    link.symlink_to(kept)
    done = CliRunner().invoke(
        app, ["generate", "sudoku", "--level", "easy", "-n", "1", "-o", str(link)]
    )
    assert done.exit_code == 0 and link.is_symlink() and len(kept.read_text().splitlines()) == 1


def test_a_zebra_of_a_fixed_size_is_still_of_the_level_asked() -> None:
    from puzzlemdm.puzzles.zebra.levels import generate_level

    for seed in range(3):
        _, _, info = generate_level(np.random.default_rng(seed), "medium", attributes=3)
        assert info["level"] == "medium" and info["attributes"] == 3
