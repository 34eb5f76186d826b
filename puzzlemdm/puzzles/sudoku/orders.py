"""What the order analysis needs to know about Sudoku decisions (`kind.order_facts()`).

Vocabulary: the *plain candidates* of an open cell are the values no peer holds (no technique
applied), i.e. what a person sees before any deduction. A decision is *forced* when its cell is
a naked single (one plain candidate) or a hidden single (some plain candidate has no other
place in one of the cell's units) at that moment. Its *technique* is the easiest technique
set under which the strategy solver, started from that moment, places the cell: the single
itself when forced, else the hardest technique used on the way there ("later_single" when
singles reach it only after other placements, "guess" when the strategy solver gets stuck
first, "inconsistent" when earlier wrong values already contradict).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import cache

import numpy as np

from puzzlemdm.puzzles.base import DecisionFacts, step_groups
from puzzlemdm.puzzles.grid import GridSpec
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku
from puzzlemdm.puzzles.sudoku.search import solve_search
from puzzlemdm.puzzles.sudoku.strategy import run_strategy, solve_strategy
from puzzlemdm.puzzles.sudoku.techniques import (
    HIDDEN_SINGLE,
    NAKED_SINGLE,
    RANK,
    SINGLES,
    TECHNIQUES,
    CandidateState,
    find_hidden_single,
    find_naked_single,
)

GUESS, INCONSISTENT, LATER_SINGLE = "guess", "inconsistent", "later_single"
# Coarse technique groups for tables: the strategy solver's techniques, easiest first.
GROUPS = {
    NAKED_SINGLE: "naked single",
    HIDDEN_SINGLE: "hidden single",
    LATER_SINGLE: "singles, later",
    "locked_candidates": "locked",
    "naked_pair": "subsets",
    "hidden_pair": "subsets",
    "naked_triple": "subsets",
    "hidden_triple": "subsets",
    "naked_quad": "subsets",
    "hidden_quad": "subsets",
    "x_wing": "wings/fish",
    "xy_wing": "wings/fish",
    "swordfish": "wings/fish",
    GUESS: "guess",
    INCONSISTENT: "inconsistent",
}
TECHNIQUE_ORDER = (*TECHNIQUES, LATER_SINGLE, GUESS, INCONSISTENT)


@cache
def _cell_units(shape: Shape) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """The units (rows, columns, boxes) each cell belongs to."""
    out: list[list[tuple[int, ...]]] = [[] for _ in range(shape.cells)]
    for unit in shape.units:
        for cell in unit:
            out[cell].append(unit)
    return tuple(tuple(u) for u in out)


def reference_orders(puzzle: Sudoku, spec: GridSpec | None = None) -> dict[str, list[int]]:
    """Classical orders of the blanks (as token positions, which are the cells): the strategy
    solver's placements (only as far as it gets: it never guesses), MRV search's path to the
    solution, row-major, and a control: a random order of forced cells (see below)."""
    search = solve_search(puzzle)
    orders = {
        "strategy": [d.cell for d in solve_strategy(puzzle).trace],
        "mrv": [d.cell for d in search.trace],
        "row-major": list(puzzle.blanks),
    }
    if search.answer is not None:
        seed = zlib.crc32(puzzle.to_line().encode())  # the same control order every run
        orders["random-forced"] = random_forced_order(puzzle, search.answer, seed)
    return orders


def random_forced_order(puzzle: Sudoku, solution: Sudoku, seed: int) -> list[int]:
    """A control: fill the solution, each time into a cell drawn uniformly from the cells
    forced then (naked or hidden singles), or from the cells with the fewest candidates when
    none is. Any such order is as "solver-like" as an order can be, so its tau against the
    strategy solver is what a perfect forced-first decoder with no preference among the
    forced cells would score."""
    rng = np.random.default_rng(seed)
    state = CandidateState.from_puzzle(puzzle)
    order = []
    while state.open_cells:
        forced = sorted({s.cells[0] for s in find_naked_single(state) + find_hidden_single(state)})
        if not forced:
            least = min(
                m.bit_count() for m, v in zip(state.cands, state.values, strict=True) if not v
            )
            forced = [
                c
                for c, (m, v) in enumerate(zip(state.cands, state.values, strict=True))
                if not v and m.bit_count() == least
            ]
        cell = forced[int(rng.integers(len(forced)))]
        state.place(cell, solution.cells[cell])
        order.append(cell)
    return order


def replay(
    puzzle: Sudoku,
    cells: Sequence[int],
    values: Sequence[int],
    spec: GridSpec | None = None,
    steps: Sequence[int] | None = None,
) -> list[DecisionFacts]:
    """Facts of each decision of a path that writes token `values` (digit - 1) into `cells`
    (token positions = cells) in this order, each at the moment it was made: earlier steps'
    decisions applied, right or wrong, and none of its own step's (`steps`, see
    base.step_groups)."""
    shape = puzzle.shape
    full = (1 << shape.n) - 1
    placed = list(puzzle.cells)
    cands = [0 if v else full for v in placed]
    for cell, v in enumerate(placed):
        if v:
            _remove(cands, shape, cell, v)
    units_of = _cell_units(shape)
    out = []
    for group in step_groups(cells, values, steps):
        open_counts = [m.bit_count() for m, v in zip(cands, placed, strict=True) if not v]
        fewest = min(open_counts) if open_counts else 0
        chance = _forced_share(shape, placed, cands, len(open_counts))
        for cell, _ in group:
            count = cands[cell].bit_count()
            forced = True
            if count == 1:
                technique = NAKED_SINGLE
            elif _hidden_single(cands, placed, cell, units_of[cell]):
                technique = HIDDEN_SINGLE
            else:
                forced = False
                technique = _technique(shape, placed, cands, cell)
            out.append(
                DecisionFacts(
                    forced=forced,
                    candidates=count,
                    fewest=fewest,
                    technique=technique,
                    open_forced=chance,
                )
            )
        for cell, token in group:
            digit = token + 1
            placed[cell] = digit
            cands[cell] = 0
            _remove(cands, shape, cell, digit)
    return out


def _forced_share(shape: Shape, placed: list[int], cands: list[int], open_cells: int) -> float:
    """The share of open cells that are naked or hidden singles in this position."""
    if not open_cells:
        return 0.0
    state = CandidateState(shape, placed[:], cands[:])
    forced = {s.cells[0] for s in find_naked_single(state) + find_hidden_single(state)}
    return len(forced) / open_cells


def _remove(cands: list[int], shape: Shape, cell: int, digit: int) -> None:
    b = 1 << (digit - 1)
    for peer in shape.peers[cell]:
        cands[peer] &= ~b


def _hidden_single(
    cands: list[int], placed: list[int], cell: int, units: tuple[tuple[int, ...], ...]
) -> bool:
    """Whether some candidate of `cell` has no other open place in one of its units."""
    mask = cands[cell]
    for unit in units:
        elsewhere = 0
        for other in unit:
            if other != cell and not placed[other]:
                elsewhere |= cands[other]
        if mask & ~elsewhere:
            return True
    return False


def _technique(shape: Shape, placed: list[int], cands: list[int], cell: int) -> str:
    """The hardest technique the strategy solver uses before it places `cell` (it always tries
    easier ones first, so this is the easiest set that reaches the cell)."""
    if any(not v and not m for v, m in zip(placed, cands, strict=True)):
        return INCONSISTENT
    state = CandidateState(shape, placed[:], cands[:])
    run = run_strategy(state)
    hardest = -1
    for decision in run.decisions:
        hardest = max(hardest, RANK[decision.enabled_by])
        if decision.cell == cell:
            # not a single now, but singles reach it after other placements
            return LATER_SINGLE if TECHNIQUES[hardest] in SINGLES else TECHNIQUES[hardest]
    return INCONSISTENT if run.contradiction else GUESS
