"""What the order analysis needs to know about Zebra decisions (`kind.order_facts()`).

A model's decision places a person (attribute a, value v) in house h. Replaying a path, what is
*known* at a decision is the clues and the people placed before it. Propagation (every clue on
its own, chained with the permutation singles) fixes most people of most puzzles from the clues
alone, so "would propagation fix it" says little about an order; how *far* the deduction is
says more. It is measured in rounds: a round applies every clue once to what the previous round
knew, then the singles; a person's *depth* is the round at which their house becomes fixed.
A decision is *forced* (technique "direct") at depth <= 1, Zebra's counterpart of a Sudoku
single: one look at the clues and the placed people fixes it. Deeper cells are "propagation"
(a chain of such deductions), cells propagation never fixes "guess" (the strategy solver would
need lookahead or a search), and "inconsistent" once earlier decisions contradict the clues. A
person's *candidates* are the houses one round leaves them.
"""

from __future__ import annotations

from collections.abc import Sequence

from puzzlemdm.puzzles.base import DecisionFacts, step_groups
from puzzlemdm.puzzles.grid import GridSpec
from puzzlemdm.puzzles.zebra.propagate import (
    Contradiction,
    Domains,
    apply_clue,
    apply_singles,
    copy_domains,
    initial_domains,
)
from puzzlemdm.puzzles.zebra.puzzle import Zebra
from puzzlemdm.puzzles.zebra.search import strategy_solve
from puzzlemdm.puzzles.zebra.tokens import cell_positions, shape

DIRECT, PROPAGATION, GUESS, INCONSISTENT = "direct", "propagation", "guess", "inconsistent"
GROUPS = {DIRECT: DIRECT, PROPAGATION: PROPAGATION, GUESS: GUESS, INCONSISTENT: INCONSISTENT}


def reference_orders(puzzle: Zebra, spec: GridSpec) -> dict[str, list[int]]:
    """The strategy solver's order of the cells (propagation, lookahead, then guesses)."""
    positions = cell_positions(puzzle, spec)
    return {"strategy": [int(positions[d.cell]) for d in strategy_solve(puzzle).trace]}


def replay(
    puzzle: Zebra,
    positions: Sequence[int],
    values: Sequence[int],
    spec: GridSpec,
    steps: Sequence[int] | None = None,
) -> list[DecisionFacts]:
    """Facts of each decision of a path writing token `values` at `positions`, in order, each
    before its step (`steps`, see base.step_groups)."""
    _, width = shape(spec)
    houses = puzzle.houses
    known = initial_domains(puzzle)  # the placed people (and the houses that excludes)
    consistent = True
    open_cells = {(v, a) for v in range(houses) for a in range(len(puzzle.attributes))}
    out = []
    for group in step_groups(positions, values, steps):
        depths, after_one = {}, known
        if consistent:
            try:  # the rounds run to propagation's fixpoint: a contradiction shows there
                depths, after_one = deduction_depths(known, puzzle)
            except Contradiction:
                consistent = False
        counts = {cell: _count(after_one, *cell) for cell in open_cells}
        fewest = min(counts.values()) if counts else 0
        chance = sum(depths.get(cell, 2) <= 1 for cell in open_cells) / max(len(open_cells), 1)
        for position, _ in group:
            v, a = divmod(position, width)
            depth = depths.get((v, a))
            forced = consistent and depth is not None and depth <= 1
            if not consistent:
                technique = INCONSISTENT
            else:
                technique = GUESS if depth is None else DIRECT if forced else PROPAGATION
            out.append(
                DecisionFacts(
                    forced=forced,
                    candidates=counts.get((v, a), 0),
                    fewest=fewest,
                    technique=technique,
                    open_forced=chance,
                )
            )
        for position, house in group:
            v, a = divmod(position, width)
            open_cells.discard((v, a))
            if consistent and 0 <= house < houses:
                for other in range(houses):  # the person is in `house`, no one else of a is
                    mask = known[a][other]
                    known[a][other] = (1 << house) if other == v else mask & ~(1 << house)
    return out


def deduction_depths(dom: Domains, puzzle: Zebra) -> tuple[dict[tuple[int, int], int], Domains]:
    """The round at which propagation from `dom` fixes each person's house (0: fixed in `dom`;
    people it never fixes are absent), and the domains after one round. A round applies every
    clue to the previous round's domains (so the clues' order does not matter), then the
    permutation singles. Raises Contradiction."""
    houses = puzzle.houses
    depths: dict[tuple[int, int], int] = {}
    current, first, rounds = copy_domains(dom), None, 0
    for a, row in enumerate(current):
        for v, m in enumerate(row):
            if m.bit_count() == 1:
                depths[(v, a)] = 0
    while True:
        rounds += 1
        narrowed = copy_domains(current)
        for clue in puzzle.clues:
            alone = copy_domains(current)
            if apply_clue(alone, clue, houses):
                for a, row in enumerate(alone):
                    for v, m in enumerate(row):
                        narrowed[a][v] &= m
        if any(not m for row in narrowed for m in row):
            raise Contradiction("a person without a house")
        apply_singles(narrowed, houses)
        for a, row in enumerate(narrowed):
            for v, m in enumerate(row):
                if m.bit_count() == 1:
                    depths.setdefault((v, a), rounds)
        first = first or copy_domains(narrowed)
        if narrowed == current:
            return depths, first
        current = narrowed


def _count(dom: list[list[int]], v: int, a: int) -> int:
    """How many houses the person (a, v) may still be in."""
    return dom[a][v].bit_count()
