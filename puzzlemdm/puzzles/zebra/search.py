"""Zebra solvers: the traced strategy solver and the complete search (uniqueness, forced houses).

The strategy solver uses the cheapest deduction that makes progress, in order:
1. single-clue propagation + permutation singles (`propagate`), counted in sweeps;
2. lookahead: assume a value is in a house, propagate, and drop the house on a contradiction
   (this is where several clues must be combined);
3. guess: depth-first search with propagation (decisions on the final path carry depth >= 1).
It records each (house, attribute) cell the moment its value becomes known, with the deduction
that fixed it: Decision(cell = house * A + attribute, value, reason, depth).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from puzzlemdm.puzzles.base import Decision, SolveResult
from puzzlemdm.puzzles.zebra.propagate import (
    Contradiction,
    Domains,
    copy_domains,
    domains_to_grid,
    fixed_cells,
    initial_domains,
    is_complete,
    propagate,
)
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Grid, Ref, Zebra, verify_grid


@dataclass
class _Tracer:
    """Appends a Decision for every cell that became fixed since the last call."""

    dom: Domains
    attributes: int
    depth: int
    known: set[tuple[int, int]] = field(default_factory=set)
    trace: list[Decision] = field(default_factory=list)

    def __call__(self, reason: str) -> None:
        for (h, a), v in sorted(fixed_cells(self.dom).items()):
            if (h, a) not in self.known:
                self.known.add((h, a))
                self.trace.append(Decision(h * self.attributes + a, v, reason, self.depth))

    def child(self, dom: Domains) -> _Tracer:
        return _Tracer(dom, self.attributes, self.depth + 1, set(self.known), [])


def _branch_ref(dom: Domains) -> tuple[int, int] | None:
    """The undecided value with the fewest houses left (MRV), or None when complete."""
    best, best_count = None, 1 << 30
    for a, row in enumerate(dom):
        for v, m in enumerate(row):
            c = m.bit_count()
            if 1 < c < best_count:
                best, best_count = (a, v), c
    return best


def _lookahead_step(dom: Domains, puzzle: Zebra, stats: dict[str, int]) -> bool:
    """Drop one (value, house) pair whose assumption propagates to a contradiction."""
    for a, row in enumerate(dom):
        for v, m in enumerate(row):
            if m & (m - 1) == 0:
                continue
            for h in range(puzzle.houses):
                if not m >> h & 1:
                    continue
                test = copy_domains(dom)
                test[a][v] = 1 << h
                stats["probes"] += 1
                try:
                    propagate(test, puzzle)
                except Contradiction:
                    row[v] = m & ~(1 << h)
                    return True
    return False


def _guess(
    dom: Domains, puzzle: Zebra, tracer: _Tracer, stats: dict[str, int]
) -> tuple[Grid, list[Decision]] | None:
    """Depth-first search below propagated domains; the decisions of the successful path."""
    pick = _branch_ref(dom)
    if pick is None:
        grid = domains_to_grid(dom)
        return (grid, []) if verify_grid(puzzle, grid).ok else None
    a, v = pick
    for h in range(puzzle.houses):
        if not dom[a][v] >> h & 1:
            continue
        stats["guesses"] += 1
        child = copy_domains(dom)
        child[a][v] = 1 << h
        sub = tracer.child(child)
        try:
            sub("guess")
            propagate(child, puzzle, sub)
        except Contradiction:
            continue
        found = _guess(child, puzzle, sub, stats)
        if found is not None:
            return found[0], sub.trace + found[1]
    return None


def strategy_solve(puzzle: Zebra, *, lookahead: bool = True) -> SolveResult:
    """Solve with propagation, then lookahead, then guesses; traced (see the module docstring)."""
    start = time.perf_counter()
    dom = initial_domains(puzzle)
    tracer = _Tracer(dom, len(puzzle.attributes), 0)
    stats = {"sweeps": 0, "lookahead": 0, "probes": 0, "guesses": 0}
    answer: Grid | None = None
    try:
        stats["sweeps"] += propagate(dom, puzzle, tracer)
        while lookahead and not is_complete(dom) and _lookahead_step(dom, puzzle, stats):
            stats["lookahead"] += 1
            tracer("lookahead")
            stats["sweeps"] += propagate(dom, puzzle, tracer)
        found = _guess(dom, puzzle, tracer, stats)
        if found is not None:
            answer = found[0]
            tracer.trace.extend(found[1])
    except Contradiction:
        answer = None
    stats["seconds"] = time.perf_counter() - start
    return SolveResult(answer, tracer.trace, "strategy", stats)


def _search(dom: Domains, puzzle: Zebra, out: list[Grid], limit: int, stats: dict) -> None:
    try:
        propagate(dom, puzzle)
    except Contradiction:
        return
    stats["nodes"] += 1
    pick = _branch_ref(dom)
    if pick is None:
        grid = domains_to_grid(dom)
        if verify_grid(puzzle, grid).ok:
            out.append(grid)
        return
    a, v = pick
    for h in range(puzzle.houses):
        if dom[a][v] >> h & 1 and len(out) < limit:
            child = copy_domains(dom)
            child[a][v] = 1 << h
            _search(child, puzzle, out, limit, stats)


def find_solutions(puzzle: Zebra, limit: int = 2) -> tuple[list[Grid], int]:
    """Up to `limit` grids satisfying every clue (complete search) and the search nodes used."""
    out: list[Grid] = []
    stats = {"nodes": 0}
    _search(initial_domains(puzzle), puzzle, out, limit, stats)
    return out, stats["nodes"]


def is_unique(puzzle: Zebra) -> bool:
    """Exactly one grid satisfies every clue."""
    return len(find_solutions(puzzle, 2)[0]) == 1


def possible_houses(puzzle: Zebra, person: tuple[Ref, ...]) -> list[int]:
    """Houses (0-based) where `person` (alternatives) lives in some grid meeting every clue."""
    out = []
    for h in range(puzzle.houses):
        pinned = Clue(0, "same", (person, (Ref(POSITION, h),)))
        if find_solutions(puzzle.with_clues((*puzzle.clues, pinned)), 1)[0]:
            out.append(h)
    return out
