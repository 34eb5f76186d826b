"""Zebra solvers: the traced strategy solver and the complete search (uniqueness, forced houses).

The strategy solver uses the cheapest deduction that makes progress, in order:
1. single-clue propagation + permutation singles (`propagate`), counted in sweeps;
2. lookahead: assume a value is in a house, propagate, and drop the house on a contradiction
   (this is where several clues must be combined);
3. guess: depth-first search with propagation (decisions on the final path carry depth >= 1).
It records each person (attribute, value) the moment their house becomes known, with the
deduction that fixed it: Decision(cell = person_cell(attribute, value, A), house, reason, depth).

`guided_search` is the same propagation with a depth-first search whose branching comes from a
`choose` callback over the token grid (a model's, in puzzlemdm.decode.guided).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from puzzlemdm.puzzles.base import Choose, Decision, SolveResult
from puzzlemdm.puzzles.grid import GridSpec
from puzzlemdm.puzzles.zebra.propagate import (
    Contradiction,
    Domains,
    copy_domains,
    domains_to_grid,
    fixed_people,
    initial_domains,
    is_complete,
    propagate,
)
from puzzlemdm.puzzles.zebra.puzzle import (
    POSITION,
    Clue,
    Grid,
    Ref,
    Zebra,
    person_cell,
    verify_grid,
)
from puzzlemdm.puzzles.zebra.tokens import cell_positions, encode


@dataclass
class _Tracer:
    """Appends a Decision for every cell that became fixed since the last call."""

    dom: Domains
    attributes: int
    depth: int
    known: set[tuple[int, int]] = field(default_factory=set)
    trace: list[Decision] = field(default_factory=list)

    def __call__(self, reason: str) -> None:
        fixed = fixed_people(self.dom)
        for a, v in sorted(fixed, key=lambda person: (person[1], person[0])):
            if (a, v) not in self.known:
                self.known.add((a, v))
                cell = person_cell(a, v, self.attributes)
                self.trace.append(Decision(cell, fixed[a, v], reason, self.depth))

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


# --- guided search: the propagation above, branching where a token-space `choose` says -------


class _Guided:
    """One depth-first search over token-grid states; a class to keep counters off the calls.

    A state is propagated domains; `choose` sees it as the token grid's allowed array: the
    person (a, v) at its token position may hold house h while h is in dom[a][v], every other
    position (clues, padding) its encoded token only.
    """

    def __init__(
        self, puzzle: Zebra, spec: GridSpec, choose: Choose, node_limit: int | None
    ) -> None:
        self.puzzle, self.choose, self.node_limit = puzzle, choose, node_limit
        self.attributes = len(puzzle.attributes)
        self.base = encode(puzzle, spec=spec).allowed
        self.positions = np.asarray(cell_positions(puzzle, spec))
        self.cell_of = {int(p): i for i, p in enumerate(self.positions)}
        self.nodes, self.guesses, self.backtracks = 1, 0, 0
        self.node_limit_hit = False

    def allowed(self, dom: Domains) -> np.ndarray:
        """The token grid's [L, V] allowed array of a state."""
        allowed = self.base.copy()
        masks = np.asarray(dom, dtype=np.int64).T  # [values, A]: houses of each person
        houses = np.arange(self.puzzle.houses)
        people = ((masks[..., None] >> houses) & 1).astype(bool)  # [values, A, houses]
        allowed[self.positions] = False
        allowed[self.positions, : len(houses)] = people.reshape(-1, len(houses))
        return allowed

    def run(self, dom: Domains, tracer: _Tracer) -> tuple[Grid, list[Decision]] | None:
        """The first answer below propagated `dom` and the decisions on its path, or None (no
        answer there, or the node limit: see `node_limit_hit`)."""
        picked = self.choose(self.allowed(dom))
        if picked is None:
            grid = domains_to_grid(dom)
            if verify_grid(self.puzzle, grid).ok:
                return grid, []
            self.backtracks += 1  # complete but some clue with alternatives is broken
            return None
        position, values = picked
        if position not in self.cell_of:
            raise ValueError(f"choose picked token position {position}, which is not a cell")
        v, a = divmod(self.cell_of[position], self.attributes)
        for h in values:
            if not 0 <= h < self.puzzle.houses or not dom[a][v] >> h & 1:
                continue  # a custom chooser may propose values already ruled out
            if self.node_limit is not None and self.nodes >= self.node_limit:
                self.node_limit_hit = True
                return None
            self.nodes += 1
            self.guesses += 1
            child = copy_domains(dom)
            child[a][v] = 1 << h
            sub = tracer.child(child)
            try:
                sub("guess")
                propagate(child, self.puzzle, sub)
            except Contradiction:
                self.backtracks += 1
                continue
            found = self.run(child, sub)
            if found is not None:
                return found[0], sub.trace + found[1]
            if self.node_limit_hit:
                return None
        return None


def guided_search(
    puzzle: Zebra, spec: GridSpec, choose: Choose, node_limit: int | None = None
) -> SolveResult:
    """Propagation + depth-first search branching on the cell and values `choose` picks.

    `choose` reads the token grid on `spec` (see `_Guided`); branching on cell (h, a) tries its
    values in the order given, each fixing value v in house h and propagating. Counters as in
    the Sudoku search: nodes (root + one per value tried), guesses, backtracks (dead ends),
    node_limit_hit. The trace lists Decision(person cell, house, reason, depth) on the path.
    """
    search = _Guided(puzzle, spec, choose, node_limit)
    dom = initial_domains(puzzle)
    tracer = _Tracer(dom, search.attributes, 0)
    found = None
    try:
        propagate(dom, puzzle, tracer)
    except Contradiction:
        search.backtracks += 1
    else:
        found = search.run(dom, tracer)
    stats = {
        "nodes": search.nodes,
        "guesses": search.guesses,
        "backtracks": search.backtracks,
        "solutions": int(found is not None),
        "node_limit_hit": search.node_limit_hit,
    }
    if found is None:
        return SolveResult(None, [], "guided", stats)
    return SolveResult(found[0], tracer.trace + found[1], "guided", stats)
