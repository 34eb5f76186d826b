"""What the order analysis needs to know about Zebra decisions (`kind.order_facts()`).

A model's decision places a person (attribute a, value v) in house h. Replaying a path, the
house-set domains of `propagate` hold the clues and the earlier decisions; a person's
*candidates* are the houses their domain still holds after single-clue propagation, and a
decision is *forced* (technique "propagation") when one is left. Otherwise the strategy
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
    open_cells = {(v, a) for v in range(houses) for a in range(len(puzzle.attributes))}
    out = []
    for position, house in zip(positions, values, strict=True):
        v, a = divmod(int(position), width)
        counts = {cell: _count(dom, *cell) for cell in open_cells}
        mine = counts.get((v, a), 0)
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
        open_cells.discard((v, a))
        if consistent and 0 <= house < houses:
            for other in range(houses):  # the person is in `house`, and no one else of a is
                dom[a][other] = (1 << house) if other == v else dom[a][other] & ~(1 << house)
            consistent = _propagate(dom, puzzle)
    return out


def _count(dom: list[list[int]], v: int, a: int) -> int:
    """How many houses the person (a, v) may still be in."""
    return dom[a][v].bit_count()


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
