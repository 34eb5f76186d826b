"""Tests for the human-strategy Sudoku solver, its techniques and the grade."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.sudoku import techniques as T
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku
from puzzlemdm.puzzles.sudoku.strategy import (
    LEVELS,
    Grade,
    StrategyDecision,
    grade,
    run_strategy,
    solve_strategy,
)
from puzzlemdm.puzzles.sudoku.techniques import TECHNIQUES, CandidateState, Step

NINE = Shape(3, 3)
ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / ".." / "shared" / "benchmarks" / "sudoku"


def at(name: str) -> int:
    """Flat index of an r1c1-style cell name on a 9x9 board."""
    r, c = name[1:].split("c")
    return (int(r) - 1) * 9 + int(c) - 1


def cells(names: str) -> tuple[int, ...]:
    return tuple(at(n) for n in names.split())


def without(digit: int, keep: str, unit: tuple[int, ...]) -> dict[int, set[int]]:
    """Candidates that remove `digit` from every cell of `unit` except those named in `keep`."""
    kept = set(cells(keep))
    return {c: set(range(1, 10)) - {digit} for c in unit if c not in kept}


def merge(*parts: dict[int, set[int]]) -> dict[int, set[int]]:
    """Intersect several candidate restrictions cell by cell."""
    out: dict[int, set[int]] = {}
    for part in parts:
        for c, digits in part.items():
            out[c] = out.get(c, set(range(1, 10))) & digits
    return out


def read_csv(name: str) -> list[dict[str, str]]:
    path = BENCH / name
    if not path.exists():
        pytest.skip(f"benchmark file {path} is missing (needs ../shared next to the repo)")
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def solution_grid(shape: Shape, rng: np.random.Generator) -> list[int]:
    """A valid solved grid for any box shape: the shifted-band pattern, digits and rows permuted."""
    br, bc, n = shape.box_rows, shape.box_cols, shape.n
    digits = rng.permutation(n) + 1
    order = [band * br + r for band in rng.permutation(bc) for r in rng.permutation(br)]
    return [int(digits[(bc * (r % br) + r // br + c) % n]) for r in order for c in range(n)]


def is_solution(puzzle: Sudoku, answer: Sudoku) -> bool:
    """Independent check: every unit holds every value once and the givens are kept."""
    full = set(range(1, puzzle.n + 1))
    units_ok = all({answer.cells[c] for c in unit} == full for unit in puzzle.shape.units)
    return units_ok and all(g in (0, a) for g, a in zip(puzzle.cells, answer.cells, strict=True))


# ---------------------------------------------------------------- technique finders


def test_naked_single_places_cells_with_one_candidate() -> None:
    state = CandidateState.from_candidates(NINE, {at("r5c5"): {7}, at("r1c1"): {3}})
    assert T.find_naked_single(state) == [
        Step(T.NAKED_SINGLE, placements=((at("r1c1"), 3),), cells=(at("r1c1"),), digits=(3,)),
        Step(T.NAKED_SINGLE, placements=((at("r5c5"), 7),), cells=(at("r5c5"),), digits=(7,)),
    ]


def test_hidden_single_in_a_row() -> None:
    state = CandidateState.from_candidates(NINE, without(4, "r3c6", NINE.rows[2]))
    assert T.find_hidden_single(state) == [
        Step(T.HIDDEN_SINGLE, ((at("r3c6"), 4),), cells=(at("r3c6"),), digits=(4,), units=(2,))
    ]


def test_hidden_single_found_twice_is_reported_once() -> None:
    # 4 fits only r3c6 both in row 3 and in column 6: one step, naming the row (found first)
    restrict = merge(without(4, "r3c6", NINE.rows[2]), without(4, "r3c6", NINE.cols[5]))
    steps = T.find_hidden_single(CandidateState.from_candidates(NINE, restrict))
    assert [(s.placements, s.units) for s in steps] == [(((at("r3c6"), 4),), (2,))]


def test_locked_candidates_pointing() -> None:
    # in box 1, 5 fits only r1c1/r1c2 (row 1): it leaves the rest of row 1
    state = CandidateState.from_candidates(NINE, without(5, "r1c1 r1c2", NINE.boxes[0]))
    expected = tuple((c, 5) for c in cells("r1c4 r1c5 r1c6 r1c7 r1c8 r1c9"))
    assert T.find_locked_candidates(state) == [
        Step(T.LOCKED_CANDIDATES, (), expected, cells("r1c1 r1c2"), (5,), (18, 0))
    ]


def test_locked_candidates_claiming() -> None:
    # in row 5, 8 fits only r5c4/r5c5 (box 5): it leaves the rest of box 5
    state = CandidateState.from_candidates(NINE, without(8, "r5c4 r5c5", NINE.rows[4]))
    expected = tuple((c, 8) for c in cells("r4c4 r4c5 r4c6 r6c4 r6c5 r6c6"))
    assert T.find_locked_candidates(state) == [
        Step(T.LOCKED_CANDIDATES, (), expected, cells("r5c4 r5c5"), (8,), (4, 22))
    ]


def test_naked_pair() -> None:
    state = CandidateState.from_candidates(NINE, {at("r1c1"): {2, 6}, at("r1c5"): {2, 6}})
    others = cells("r1c2 r1c3 r1c4 r1c6 r1c7 r1c8 r1c9")
    expected = tuple((c, v) for c in others for v in (2, 6))
    assert T.find_naked_pair(state) == [
        Step(T.NAKED_PAIR, (), expected, cells("r1c1 r1c5"), (2, 6), (0,))
    ]


def test_hidden_pair() -> None:
    # in column 3, 1 and 9 both fit only r2c3 and r7c3: those cells keep only 1 and 9
    col = NINE.cols[2]
    restrict = merge(without(1, "r2c3 r7c3", col), without(9, "r2c3 r7c3", col))
    state = CandidateState.from_candidates(NINE, restrict)
    expected = tuple((c, v) for c in cells("r2c3 r7c3") for v in range(2, 9))
    assert T.find_hidden_pair(state) == [
        Step(T.HIDDEN_PAIR, (), expected, cells("r2c3 r7c3"), (1, 9), (9 + 2,))
    ]


def test_naked_triple_without_any_cell_holding_all_three() -> None:
    trio = {at("r4c4"): {1, 2}, at("r5c5"): {2, 3}, at("r6c6"): {1, 3}}
    state = CandidateState.from_candidates(NINE, trio)
    others = cells("r4c5 r4c6 r5c4 r5c6 r6c4 r6c5")
    expected = tuple((c, v) for c in others for v in (1, 2, 3))
    assert T.find_naked_pair(state) == []
    assert T.find_naked_triple(state) == [
        Step(T.NAKED_TRIPLE, (), expected, cells("r4c4 r5c5 r6c6"), (1, 2, 3), (22,))
    ]


def test_hidden_triple() -> None:
    # in row 9: 3 fits c2/c4, 5 fits c4/c8, 7 fits c2/c8: those cells keep only 3, 5, 7
    row = NINE.rows[8]
    restrict = merge(
        without(3, "r9c2 r9c4", row), without(5, "r9c4 r9c8", row), without(7, "r9c2 r9c8", row)
    )
    state = CandidateState.from_candidates(NINE, restrict)
    expected = tuple((c, v) for c in cells("r9c2 r9c4 r9c8") for v in (1, 2, 4, 6, 8, 9))
    assert T.find_hidden_pair(state) == []
    assert T.find_hidden_triple(state) == [
        Step(T.HIDDEN_TRIPLE, (), expected, cells("r9c2 r9c4 r9c8"), (3, 5, 7), (8,))
    ]


def test_x_wing() -> None:
    # 4 fits only columns 3 and 7 in rows 2 and 6: it leaves the rest of columns 3 and 7
    restrict = merge(without(4, "r2c3 r2c7", NINE.rows[1]), without(4, "r6c3 r6c7", NINE.rows[5]))
    state = CandidateState.from_candidates(NINE, restrict)
    others = [r for r in range(1, 10) if r not in (2, 6)]
    expected = tuple((at(f"r{r}c{c}"), 4) for c in (3, 7) for r in others)
    assert T.find_x_wing(state) == [
        Step(T.X_WING, (), expected, cells("r2c3 r2c7 r6c3 r6c7"), (4,), (1, 5, 11, 15))
    ]


def test_x_wing_on_columns() -> None:
    # the transpose: 6 fits only rows 1 and 8 in columns 4 and 9
    restrict = merge(without(6, "r1c4 r8c4", NINE.cols[3]), without(6, "r1c9 r8c9", NINE.cols[8]))
    steps = T.find_x_wing(CandidateState.from_candidates(NINE, restrict))
    others = [c for c in range(1, 10) if c not in (4, 9)]
    expected = {(at(f"r{r}c{c}"), 6) for r in (1, 8) for c in others}
    assert [(set(s.eliminations), s.units) for s in steps] == [(expected, (12, 17, 0, 7))]


def test_swordfish_where_no_x_wing_exists() -> None:
    # 7 in rows 1, 5, 9 fits only columns 2, 5, 8 (c2/c5, c5/c8, c2/c8)
    restrict = merge(
        without(7, "r1c2 r1c5", NINE.rows[0]),
        without(7, "r5c5 r5c8", NINE.rows[4]),
        without(7, "r9c2 r9c8", NINE.rows[8]),
    )
    state = CandidateState.from_candidates(NINE, restrict)
    others = [r for r in range(1, 10) if r not in (1, 5, 9)]
    expected = tuple((at(f"r{r}c{c}"), 7) for c in (2, 5, 8) for r in others)
    pattern = cells("r1c2 r1c5 r5c5 r5c8 r9c2 r9c8")
    assert T.find_x_wing(state) == []
    assert T.find_swordfish(state) == [
        Step(T.SWORDFISH, (), expected, pattern, (7,), (0, 4, 8, 10, 13, 16))
    ]


def test_xy_wing() -> None:
    # pivot r5c5 {1,2} sees r4c4 {1,3} and r5c8 {2,3}: one of them is 3, so every cell seeing
    # both loses 3
    wing = {at("r5c5"): {1, 2}, at("r4c4"): {1, 3}, at("r5c8"): {2, 3}}
    state = CandidateState.from_candidates(NINE, wing)
    expected = tuple((c, 3) for c in cells("r4c7 r4c8 r4c9 r5c4 r5c6"))
    assert T.find_xy_wing(state) == [
        Step(T.XY_WING, (), expected, cells("r5c5 r4c4 r5c8"), (1, 2, 3))
    ]


def test_naked_quad() -> None:
    quad = {at("r7c1"): {1, 2}, at("r7c2"): {2, 3}, at("r7c3"): {3, 4}, at("r7c4"): {1, 4}}
    state = CandidateState.from_candidates(NINE, quad)
    expected = tuple((c, v) for c in cells("r7c5 r7c6 r7c7 r7c8 r7c9") for v in (1, 2, 3, 4))
    assert T.find_naked_triple(state) == []
    assert T.find_naked_quad(state) == [
        Step(T.NAKED_QUAD, (), expected, cells("r7c1 r7c2 r7c3 r7c4"), (1, 2, 3, 4), (6,))
    ]


def test_hidden_quad() -> None:
    # in box 9, 1..4 fit only r7c7, r7c9, r8c8, r9c9 (each value in two of them, in a cycle)
    box = NINE.boxes[8]
    restrict = merge(
        without(1, "r7c7 r8c8", box),
        without(2, "r8c8 r9c9", box),
        without(3, "r9c9 r7c9", box),
        without(4, "r7c9 r7c7", box),
    )
    state = CandidateState.from_candidates(NINE, restrict)
    quad = cells("r7c7 r7c9 r8c8 r9c9")
    expected = tuple((c, v) for c in quad for v in (5, 6, 7, 8, 9))
    assert T.find_hidden_triple(state) == []
    assert T.find_hidden_quad(state) == [
        Step(T.HIDDEN_QUAD, (), expected, quad, (1, 2, 3, 4), (26,))
    ]


def test_every_technique_has_a_finder_that_sees_nothing_on_a_blank_grid() -> None:
    assert tuple(T.FINDERS) == TECHNIQUES
    blank = CandidateState.blank(NINE)
    assert all(T.FINDERS[name](blank) == [] for name in TECHNIQUES)


def test_finders_do_not_change_the_state() -> None:
    wing = {at("r5c5"): {1, 2}, at("r4c4"): {1, 3}, at("r5c8"): {2, 3}, at("r1c1"): {6}}
    state = CandidateState.from_candidates(NINE, wing)
    before = (state.values[:], state.cands[:])
    for find in T.FINDERS.values():
        find(state)
    assert (state.values, state.cands) == before


def test_step_describe() -> None:
    state = CandidateState.from_candidates(NINE, without(5, "r1c1 r1c2", NINE.boxes[0]))
    (step,) = T.find_locked_candidates(state)
    assert step.describe(NINE) == (
        "locked_candidates in box 1, row 1 on r1c1 r1c2 with 5: "
        "r1c4<>5, r1c5<>5, r1c6<>5, r1c7<>5, r1c8<>5, r1c9<>5"
    )


# ---------------------------------------------------------------- solver

EASY = "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3.."
EASY_SOLUTION = "483921657967345821251876493548132976729564138136798245372689514814253769695417382"


def test_easy_puzzle_is_solved_with_singles_only() -> None:
    puzzle = Sudoku.from_line(EASY)
    result = solve_strategy(puzzle)
    assert result.answer is not None and result.answer.to_line() == EASY_SOLUTION
    assert result.solver == "strategy"
    assert sorted(d.cell for d in result.trace) == list(puzzle.blanks)
    assert all(EASY_SOLUTION[d.cell] == str(d.value) for d in result.trace)
    assert {d.reason for d in result.trace} <= set(T.SINGLES)
    assert all(isinstance(d, StrategyDecision) and d.depth == 0 for d in result.trace)
    assert all(d.enabled_by == d.reason for d in result.trace)
    harder = {name: result.stats[name] for name in TECHNIQUES[2:]}
    assert set(harder.values()) == {0}
    assert result.stats["naked_single"] + result.stats["hidden_single"] == len(puzzle.blanks)
    assert (result.stats["stuck_blanks"], result.stats["contradiction"]) == (0, 0)


def test_hard_puzzle_gets_stuck_without_a_wrong_answer() -> None:
    row = read_csv("norvig_hardest.csv")[10]
    result = solve_strategy(Sudoku.from_line(row["puzzle"]))
    assert result.answer is None
    assert result.stats["stuck_blanks"] == 57 and result.stats["contradiction"] == 0
    assert all(row["solution"][d.cell] == str(d.value) for d in result.trace)
    assert grade(Sudoku.from_line(row["puzzle"]), search=False).level == "hard"


def test_enabled_by_names_the_technique_that_unlocked_a_placement() -> None:
    # norvig "hardest" #8 needs a swordfish: the placement right after it is enabled by it
    row = read_csv("norvig_hardest.csv")[8]
    result = solve_strategy(Sudoku.from_line(row["puzzle"]))
    assert result.answer is not None and result.answer.to_line() == row["solution"]
    enabled = [d.enabled_by for d in result.trace]
    assert "swordfish" in enabled
    rank = T.RANK
    assert all(rank[d.enabled_by] >= rank[d.reason] for d in result.trace)


def test_clashing_givens_are_a_contradiction() -> None:
    puzzle = Sudoku.from_line("55" + EASY[2:])
    result = solve_strategy(puzzle)
    assert result.answer is None and result.stats["contradiction"] == 1
    with pytest.raises(PuzzleError, match="no solution"):
        grade(puzzle, search=False)


def test_a_wrong_given_that_clashes_only_later_is_a_contradiction() -> None:
    # r1c1 is 4 in the unique solution; a 5 there breaks no rule yet, but has no solution
    puzzle = Sudoku.from_line("5" + EASY[1:])
    result = solve_strategy(puzzle)
    assert result.answer is None and result.stats["contradiction"] == 1


def test_a_value_with_no_place_in_a_unit_is_a_contradiction() -> None:
    # no finder reports "5 fits nowhere in row 1"; the solver must still not call it solvable
    state = CandidateState.from_candidates(NINE, without(5, "", NINE.rows[0]))
    assert state.dead_unit() == 0
    run = run_strategy(state)
    assert run.contradiction and not run.solved


def test_run_with_fewer_techniques_gets_stuck_where_the_hardest_was_needed() -> None:
    # because the solver always tries easier techniques first, dropping the hardest one used
    # leaves the run identical up to that point, and then stuck
    for row in read_csv("norvig_hardest.csv")[:9]:
        puzzle = Sudoku.from_line(row["puzzle"])
        run = run_strategy(CandidateState.from_puzzle(puzzle))
        if not run.solved or run.hardest is None:
            continue
        easier = TECHNIQUES[: T.RANK[run.hardest]]
        weaker = run_strategy(CandidateState.from_puzzle(puzzle), easier)
        assert not weaker.solved and not weaker.contradiction
        assert weaker.steps == run.steps[: len(weaker.steps)]


def test_every_deduction_on_benchmarks_agrees_with_the_known_solution() -> None:
    rows = read_csv("royle_17clue_sample500.csv")[:200] + read_csv("norvig_top95.csv")
    for row in rows:
        solution = [int(ch) for ch in row["solution"]]
        run = run_strategy(CandidateState.from_puzzle(Sudoku.from_line(row["puzzle"])))
        assert not run.contradiction
        for step in run.steps:
            assert all(solution[c] == v for c, v in step.placements), step
            assert all(solution[c] != v for c, v in step.eliminations), step


@given(
    box=st.sampled_from([(2, 2), (2, 3), (3, 2), (3, 3), (2, 4)]),
    seed=st.integers(0, 2**32 - 1),
    blank_share=st.floats(0.3, 0.85),
)
def test_deductions_are_sound_for_any_shape(box, seed, blank_share) -> None:
    # random blanks may leave many solutions: every deduction must still fit the known one,
    # and finishing the grid means it was the only one
    shape = Shape(*box)
    rng = np.random.default_rng(seed)
    solution = solution_grid(shape, rng)
    puzzle = Sudoku(shape, tuple(0 if rng.random() < blank_share else v for v in solution))
    run = run_strategy(CandidateState.from_puzzle(puzzle))
    assert not run.contradiction
    for step in run.steps:
        assert all(solution[c] == v for c, v in step.placements)
        assert all(solution[c] != v for c, v in step.eliminations)
    if run.solved:
        assert run.state.values == solution


@given(
    box=st.sampled_from([(2, 2), (2, 3), (3, 3)]),
    seed=st.integers(0, 2**32 - 1),
    corrupt=st.integers(0, 3),
)
def test_an_answer_is_always_a_solution(box, seed, corrupt) -> None:
    # corrupted givens may make the puzzle unsolvable: it must then never come back solved
    shape = Shape(*box)
    rng = np.random.default_rng(seed)
    cells = [0 if rng.random() < 0.6 else v for v in solution_grid(shape, rng)]
    for cell in rng.choice(shape.cells, size=corrupt, replace=False):
        cells[cell] = int(rng.integers(1, shape.n + 1))
    puzzle = Sudoku(shape, tuple(cells))
    result = solve_strategy(puzzle)
    if result.answer is not None:
        assert is_solution(puzzle, result.answer)
        assert result.stats["contradiction"] == 0


# ---------------------------------------------------------------- grade


def test_levels_and_grade_json() -> None:
    assert LEVELS == ("easy", "medium", "hard")
    row = read_csv("norvig_hardest.csv")[0]
    g = grade(Sudoku.from_line(row["puzzle"]), search=False)
    assert (g.level, g.hardest, g.stuck_blanks) == ("medium", "locked_candidates", 0)
    assert list(g.techniques) == ["naked_single", "hidden_single", "locked_candidates"]
    data = json.loads(json.dumps(g.to_json()))
    assert data["level"] == "medium" and data["search_guesses"] is None
    assert Grade(**data) == g


def test_grade_of_a_full_grid_is_easy() -> None:
    g = grade(Sudoku.from_line(EASY_SOLUTION), search=False)
    assert (g.level, g.hardest, g.techniques) == ("easy", None, {})


def test_easy_level_matches_zero_search_guesses_on_all_royle_rows() -> None:
    # the benchmark's search_guesses is what a singles + MRV solver needs: 0 iff singles finish
    rows = read_csv("royle_17clue_sample500.csv")
    assert len(rows) == 500
    mismatched = [
        row["idx"]
        for row in rows
        if (grade(Sudoku.from_line(row["puzzle"]), search=False).level == "easy")
        != (row["search_guesses"] == "0")
    ]
    assert mismatched == []


def test_grade_search_counters() -> None:
    pytest.importorskip("puzzlemdm.puzzles.sudoku.search", reason="search solver not written yet")
    rows = read_csv("royle_17clue_sample500.csv")
    rng = np.random.default_rng(7)
    for i in rng.choice(len(rows), size=60, replace=False):
        g = grade(Sudoku.from_line(rows[i]["puzzle"]))
        assert g.solutions == 1
        assert g.search_guesses is not None and g.search_nodes is not None
        # proving uniqueness costs at least one guess unless singles alone finish the grid
        assert (g.level == "easy") == (g.search_guesses == 0)
        assert g.search_nodes == g.search_guesses + 1
        assert 0 <= g.search_backtracks <= g.search_guesses


def test_the_kind_grades_many_guesses_extreme_and_keeps_the_technique_level() -> None:
    from puzzlemdm.puzzles.registry import get_kind
    from puzzlemdm.puzzles.sudoku.extreme import EXTREME_GUESSES

    kind = get_kind("sudoku")
    levels = set()
    for row in read_csv("magictour_top1465.csv")[:20]:
        graded = kind.grade(Sudoku.from_line(row["puzzle"]))
        levels.add(graded["level"])
        by_techniques = grade(Sudoku.from_line(row["puzzle"]))
        assert graded["search_guesses"] == by_techniques.search_guesses
        many = by_techniques.search_guesses >= EXTREME_GUESSES
        assert graded["level"] == ("extreme" if many else by_techniques.level)
        assert graded["technique_level"] == by_techniques.level
    assert "extreme" in levels
    generated = ROOT / "datasets" / "sudoku" / "extreme" / "validation.jsonl"
    for line in generated.read_text().splitlines()[:10]:  # what --level extreme makes
        assert kind.grade(Sudoku.from_line(json.loads(line)["puzzle"]))["level"] == "extreme"
