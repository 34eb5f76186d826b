"""The Sudoku symmetry group and the canonical form of an orbit."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from puzzlemdm.puzzles.sudoku.board import ALPHABET, Shape, Sudoku
from puzzlemdm.puzzles.sudoku.formats import parse_file
from puzzlemdm.puzzles.sudoku.symmetry import (
    Symmetry,
    augment,
    canonical_form,
    orbit_invariant,
    permute_bands,
    permute_cols,
    permute_rows,
    permute_stacks,
    random_symmetry,
    relabel,
    transpose,
)
from puzzlemdm.puzzles.sudoku.verify import verify

BENCHMARKS = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "sudoku"
SHAPES = [Shape(2, 2), Shape(2, 3), Shape(3, 2), Shape(3, 3), Shape(4, 4)]


def solved(shape: Shape) -> Sudoku:
    """A valid solved grid: row r of band b is the first row shifted by box_cols * r + b."""
    n, br, bc = shape.n, shape.box_rows, shape.box_cols
    return Sudoku(
        shape, tuple((bc * (r % br) + r // br + c) % n + 1 for r in range(n) for c in range(n))
    )


def is_valid_solution(grid: Sudoku) -> bool:
    return verify(Sudoku(grid.shape, (0,) * grid.shape.cells), grid).ok


def with_blanks(grid: Sudoku, rng: np.random.Generator, p: float) -> Sudoku:
    return grid.with_cells(0 if rng.random() < p else v for v in grid.cells)


seeds = st.integers(0, 2**32 - 1)


def test_pattern_grids_are_valid():
    assert all(is_valid_solution(solved(shape)) for shape in SHAPES)


@pytest.mark.parametrize("shape", SHAPES)
def test_each_generator_keeps_a_solved_grid_valid(shape):
    grid = solved(shape)
    n, bands, stacks = shape.n, shape.n // shape.box_rows, shape.n // shape.box_cols
    moved = [
        relabel(grid, [*range(2, n + 1), 1]),
        permute_rows(grid, bands - 1, list(reversed(range(shape.box_rows)))),
        permute_cols(grid, 0, list(reversed(range(shape.box_cols)))),
        permute_bands(grid, list(reversed(range(bands)))),
        permute_stacks(grid, list(reversed(range(stacks)))),
    ]
    if shape.box_rows == shape.box_cols:
        moved.append(transpose(grid))
    for other in moved:
        assert other != grid and is_valid_solution(other)


def test_generators_move_what_they_say():
    grid = solved(Shape(3, 3))
    rows = [grid.cells[r * 9 : (r + 1) * 9] for r in range(9)]

    def rows_of(s):
        return [s.cells[r * 9 : (r + 1) * 9] for r in range(9)]

    assert rows_of(permute_bands(grid, [2, 0, 1])) == rows[6:9] + rows[0:3] + rows[3:6]
    assert rows_of(permute_rows(grid, 1, [1, 2, 0])) == [
        *rows[:3],
        rows[4],
        rows[5],
        rows[3],
        *rows[6:],
    ]
    assert permute_cols(grid, 2, [2, 1, 0]).cells[:9] == (1, 2, 3, 4, 5, 6, 9, 8, 7)
    assert permute_stacks(grid, [1, 2, 0]).cells[:9] == (4, 5, 6, 7, 8, 9, 1, 2, 3)
    assert transpose(grid).cells[1] == grid.cells[9]
    assert relabel(grid, [9, 8, 7, 6, 5, 4, 3, 2, 1]).cells[:3] == (9, 8, 7)
    assert transpose(transpose(grid)) == grid


def test_bad_symmetries_are_rejected():
    with pytest.raises(ValueError, match="square boxes"):
        transpose(solved(Shape(2, 3)))
    with pytest.raises(ValueError, match="permutation"):
        permute_bands(solved(Shape(3, 3)), [0, 0, 1])
    with pytest.raises(ValueError, match="permutation"):
        relabel(solved(Shape(2, 2)), [1, 2, 3, 5])
    with pytest.raises(ValueError):
        Symmetry.identity(Shape(3, 3)).apply(solved(Shape(2, 2)))


@given(st.sampled_from(SHAPES), seeds)
def test_random_symmetry_keeps_puzzle_and_solution_consistent(shape, seed):
    rng = np.random.default_rng(seed)
    solution = random_symmetry(rng, shape).apply(solved(shape))
    puzzle = with_blanks(solution, rng, 0.6)
    new_puzzle, new_solution = augment(puzzle, solution, rng)
    assert is_valid_solution(new_solution)
    assert verify(new_puzzle, new_solution).ok
    assert new_puzzle.givens == puzzle.givens


@given(st.sampled_from(SHAPES), seeds)
def test_inverse_undoes_a_symmetry(shape, seed):
    rng = np.random.default_rng(seed)
    grid = with_blanks(solved(shape), rng, 0.3)
    sym = random_symmetry(rng, shape)
    assert sym.inverse().apply(sym.apply(grid)) == grid
    assert sym.apply(sym.inverse().apply(grid)) == grid


def test_augment_is_deterministic_per_seed():
    grid = solved(Shape(3, 3))
    first = augment(grid, grid, np.random.default_rng(5))
    assert first == augment(grid, grid, np.random.default_rng(5))
    assert first != augment(grid, grid, np.random.default_rng(6))
    assert augment(grid, None, np.random.default_rng(5))[1] is None


# --- canonical form ------------------------------------------------------------------------------


@given(st.sampled_from(SHAPES), seeds, st.sampled_from([0.0, 0.3, 0.7]))
def test_canonical_form_is_invariant(shape, seed, blank_rate):
    rng = np.random.default_rng(seed)
    if shape.n == 16:
        # The full 16x16 pattern grid has a huge automorphism group: seconds, not milliseconds.
        blank_rate = max(blank_rate, 0.3)
    grid = with_blanks(random_symmetry(rng, shape).apply(solved(shape)), rng, blank_rate)
    form = canonical_form(grid)
    image = random_symmetry(rng, shape).apply(grid)
    assert canonical_form(image) == form
    assert orbit_invariant(image) == orbit_invariant(grid)
    # The form is itself a member of the orbit (so it is its own canonical form).
    assert canonical_form(Sudoku.from_line(form, shape)) == form
    # Renaming values keeps how often each occurs, and the blanks.
    counts = sorted(grid.cells.count(v) for v in set(grid.cells) - {0})
    assert sorted(form.count(ch) for ch in set(form) - {"."}) == counts
    assert form.count(".") == grid.cells.count(0)


def brute_force_form(s: Sudoku) -> str:
    """The smallest relabelled line over every element of the group, by enumeration."""
    shape, n = s.shape, s.n

    def line_maps(size: int) -> list[list[int]]:
        blocks = n // size
        insides = list(itertools.permutations(range(size)))
        return [
            [b * size + k for b, inside in zip(order, choice, strict=True) for k in inside]
            for order in itertools.permutations(range(blocks))
            for choice in itertools.product(insides, repeat=blocks)
        ]

    grids = [s.cells]
    if shape.box_rows == shape.box_cols:
        grids.append(tuple(s.cells[c * n + r] for r in range(n) for c in range(n)))
    best = None
    for cells in grids:
        for rows in line_maps(shape.box_rows):
            for cols in line_maps(shape.box_cols):
                names: dict[int, str] = {}
                line = "".join(
                    names.setdefault(v, ALPHABET[len(names)]) if v else "."
                    for v in (cells[rows[r] * n + cols[c]] for r in range(n) for c in range(n))
                )
                best = line if best is None or line < best else best
    return best


@given(seeds, st.sampled_from([0.0, 0.2, 0.5, 0.8]), st.booleans())
def test_canonical_form_matches_brute_force_4x4(seed, blank_rate, scramble):
    # Exact both ways: equal to the true minimum over the whole group, also for grids that break
    # the rules (random values), where no structure helps the search.
    rng = np.random.default_rng(seed)
    shape = Shape(2, 2)
    grid = with_blanks(random_symmetry(rng, shape).apply(solved(shape)), rng, blank_rate)
    if scramble:
        grid = grid.with_cells(int(v) for v in rng.integers(0, 5, size=16))
    assert canonical_form(grid) == brute_force_form(grid)


@settings(max_examples=4)
@given(st.sampled_from([Shape(2, 3), Shape(3, 2)]), seeds, st.sampled_from([0.0, 0.4, 0.7]))
def test_canonical_form_matches_brute_force_6x6(shape, seed, blank_rate):
    rng = np.random.default_rng(seed)
    grid = with_blanks(random_symmetry(rng, shape).apply(solved(shape)), rng, blank_rate)
    assert canonical_form(grid) == brute_force_form(grid)


def minirow_invariant(grid: Sudoku) -> int:
    """Pairs of equal 3-value mini-rows (or mini-columns) in one stack (band), different bands
    (stacks): unchanged by every symmetry, so grids where it differs lie in different orbits."""
    rows = [grid.cells[r * 9 : (r + 1) * 9] for r in range(9)]
    total = 0
    for lines in (rows, list(zip(*rows, strict=True))):
        for s in range(3):
            minis = [frozenset(line[3 * s : 3 * s + 3]) for line in lines]
            total += sum(
                minis[a] == minis[b]
                for a, b in itertools.combinations(range(9), 2)
                if a // 3 != b // 3
            )
    return total


def test_different_orbits_get_different_forms():
    grid = solved(Shape(3, 3))
    # Swapping 1 and 4 inside the first band keeps the grid valid but leaves the orbit.
    other = grid.with_cells(
        {1: 4, 4: 1}.get(v, v) if i < 27 else v for i, v in enumerate(grid.cells)
    )
    assert is_valid_solution(other)
    assert minirow_invariant(grid) != minirow_invariant(other)
    assert canonical_form(grid) != canonical_form(other)
    # Two givens sharing a row vs sharing only a box: no symmetry maps one onto the other.
    same_row = Sudoku.from_line("12" + "." * 79)
    same_box = Sudoku.from_line("1" + "." * 9 + "2" + "." * 70)
    far_apart = Sudoku.from_line("1" + "." * 79 + "2")
    forms = {canonical_form(s) for s in (same_row, same_box, far_apart)}
    assert len(forms) == 3
    assert canonical_form(same_row) == "." * 79 + "12"


def test_canonical_form_of_the_pattern_grid():
    # Every row of the smallest form starts with the relabelled first row 1..9.
    form = canonical_form(solved(Shape(3, 3)))
    assert form[:9] == "123456789"
    assert is_valid_solution(Sudoku.from_line(form))


@pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="../shared/benchmarks is not checked out here")
def test_royle_17_clue_puzzles_are_pairwise_inequivalent():
    # Royle's list holds one puzzle per orbit, so 500 puzzles must give 500 forms.
    records = parse_file(BENCHMARKS / "royle_17clue_sample500.csv")
    assert len({canonical_form(r.puzzle) for r in records}) == 500
