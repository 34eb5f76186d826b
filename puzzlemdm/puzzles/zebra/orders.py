"""What the order analysis needs to know about Zebra decisions (`kind.order_facts()`).

A model's decision writes value v into the cell (house h, attribute a). Replaying a path, the
house-set domains of `propagate` hold the clues and the earlier decisions; a cell's
*candidates* are the values whose domain still holds its house after single-clue propagation,
and a decision is *forced* (technique "propagation") when one is left. Otherwise the strategy
solver would need lookahead or a guess ("guess"); "inconsistent" once earlier decisions
contradict the clues.
"""

from __future__ import annotations

from collections.abc import Sequence

from puzzlemdm.puzzles.base import DecisionFacts
from puzzlemdm.puzzles.grid import GridSpec
from puzzlemdm.puzzles.zebra.propagate import Contradiction, initial_domains, propagate
from puzzlemdm.puzzles.zebra.puzzle import Zebra
from puzzlemdm.puzzles.zebra.search import strategy_solve
from puzzlemdm.puzzles.zebra.tokens import cell_positions, shape

PROPAGATION, GUESS, INCONSISTENT = "propagation", "guess", "inconsistent"
GROUPS = {PROPAGATION: "propagation", GUESS: "guess", INCONSISTENT: "inconsistent"}


def reference_orders(puzzle: Zebra, spec: GridSpec) -> dict[str, list[int]]:
    """The strategy solver's order of the cells (propagation, lookahead, then guesses)."""
    positions = cell_positions(puzzle, spec)
    return {"strategy": [int(positions[d.cell]) for d in strategy_solve(puzzle).trace]}


def replay(
    puzzle: Zebra, positions: Sequence[int], values: Sequence[int], spec: GridSpec
) -> list[DecisionFacts]:
    """Facts of each decision of a path writing token `values` at `positions`, in order."""
    _, width = shape(spec)
    houses = puzzle.houses
    dom = initial_domains(puzzle)
    consistent = _propagate(dom, puzzle)
    open_cells = {(h, a) for h in range(houses) for a in range(len(puzzle.attributes))}
    out = []
    for position, value in zip(positions, values, strict=True):
        h, a = divmod(int(position), width)
        counts = {cell: _count(dom, *cell) for cell in open_cells}
        mine = counts.get((h, a), 0)
        forced = consistent and mine == 1
        technique = PROPAGATION if forced else (GUESS if consistent else INCONSISTENT)
        out.append(
            DecisionFacts(
                forced=forced,
                candidates=mine,
                fewest=min(counts.values()) if counts else 0,
                technique=technique,
                open_forced=sum(c == 1 for c in counts.values()) / max(len(counts), 1),
            )
        )
        open_cells.discard((h, a))
        if consistent and 0 <= value < houses:
            for v in range(houses):  # value `value` is in house h, and nothing else is
                dom[a][v] = (1 << h) if v == value else dom[a][v] & ~(1 << h)
            consistent = _propagate(dom, puzzle)
    return out


def _count(dom: list[list[int]], h: int, a: int) -> int:
    """How many values of attribute a may still be in house h."""
    return sum(1 for mask in dom[a] if mask >> h & 1)


def _propagate(dom: list[list[int]], puzzle: Zebra) -> bool:
    """Propagate in place to a true fixpoint; False on a contradiction (or an emptied domain).

    `propagate` stops after a sweep in which no clue changed anything, even when the singles
    applied at that sweep's start did; calling it again until nothing changes reaches what the
    strategy solver (which applies the singles after every clue) reaches."""
    try:
        before = None
        while before != dom:
            before = [row[:] for row in dom]
            propagate(dom, puzzle)
    except Contradiction:
        return False
    return all(all(row) for row in dom)
