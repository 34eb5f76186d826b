"""Complete Sudoku solver: constraint propagation (naked + hidden singles) and depth-first search.

Candidates are kept as one int bitmask per cell (bit v-1 set = value v still possible), so a
state is a plain `list[int]` that is cheap to copy at each branch. The pieces are exposed so
that other searches (e.g. one ordered by a model's margins) can reuse the propagation core:

- `initial_candidates(puzzle)`: the propagated root state, or None on a contradiction;
- `propagate(cands, pending, shape)`: naked + hidden singles to a fixpoint, in place;
- `search(cands, shape, choose=mrv)`: depth-first search whose cell and value order come from
  a `choose(cands) -> (cell, values) | None` callback (None = every cell is fixed);
- `token_chooser(puzzle, choose)`: such a callback from one that reads token-grid allowed
  arrays (the kinds' `guided_search` protocol), so a model can choose.

Counters (in `SolveResult.stats`): `nodes` = search nodes visited (the root plus one per value
tried at a branch); `guesses` = branch values tried, i.e. moves not forced by propagation;
`backtracks` = dead ends (nodes whose propagation hit a contradiction); `solutions` = solutions
found (at most `max_solutions`); `node_limit_hit` = whether the search stopped at `node_limit`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from puzzlemdm.puzzles.base import Choose, Decision, SolveResult
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku, mask_values

SOLVER_NAME = "search"
REASONS = ("naked_single", "hidden_single", "guess")
_NAKED, _HIDDEN, _GUESS = 0, 1, 2

Choice = tuple[int, list[int]] | None
Chooser = Callable[[list[int]], Choice]
# A chooser may also have `prefetch(children)`: the search then hands it every consistent child
# state of a branching before visiting the first (a model evaluates siblings in one batch).
# A log entry: (cell, value bit, reason index, depth); turned into Decisions at the end only.
LogEntry = tuple[int, int, int, int]


@dataclass(frozen=True)
class Geometry:
    """Shape tables flattened for the hot loops (tuples of ints, indexed by cell)."""

    n: int
    full: int
    peers: tuple[tuple[int, ...], ...]
    units: tuple[tuple[int, ...], ...]
    row: tuple[int, ...]
    col: tuple[int, ...]
    box: tuple[int, ...]


@cache
def geometry(shape: Shape) -> Geometry:
    """The (cached) lookup tables the solver needs for `shape`."""
    cells = range(shape.cells)
    return Geometry(
        n=shape.n,
        full=(1 << shape.n) - 1,
        peers=shape.peers,
        units=shape.units,
        row=tuple(shape.row_of(i) for i in cells),
        col=tuple(shape.col_of(i) for i in cells),
        box=tuple(shape.box_of(i) for i in cells),
    )


def _build(geo: Geometry, cells, log: list[LogEntry] | None) -> tuple[list[int], list[int]] | None:
    """Candidates from the givens via per-unit 'used' masks; None if two givens clash.

    Returns the masks and the blank cells already reduced to one candidate (naked singles at the
    root), which still have to be eliminated from their peers by `propagate`.
    """
    n = geo.n
    rows, cols, boxes = [0] * n, [0] * n, [0] * n
    row, col, box = geo.row, geo.col, geo.box
    for i, v in enumerate(cells):
        if v:
            if v > n or v < 0:
                return None
            b = 1 << (v - 1)
            r, c, x = row[i], col[i], box[i]
            if (rows[r] | cols[c] | boxes[x]) & b:
                return None
            rows[r] |= b
            cols[c] |= b
            boxes[x] |= b
    full = geo.full
    cands = [0] * len(cells)
    pending: list[int] = []
    for i, v in enumerate(cells):
        if v:
            cands[i] = 1 << (v - 1)
            continue
        m = full & ~(rows[row[i]] | cols[col[i]] | boxes[box[i]])
        if not m:
            return None
        cands[i] = m
        if not m & (m - 1):
            pending.append(i)
            if log is not None:
                log.append((i, m, _NAKED, 0))
    return cands, pending


def _propagate(
    cands: list[int],
    pending: list[int],
    geo: Geometry,
    log: list[LogEntry] | None,
    depth: int,
) -> bool:
    """Naked singles (eliminate each fixed value from its peers) and hidden singles to a fixpoint.

    `pending` holds fixed cells whose value has not been removed from their peers yet. Returns
    False on a contradiction (a cell with no candidate, a value with no place in a unit, or one
    cell forced to two values); `cands` is then garbage.
    """
    peers, units, full = geo.peers, geo.units, geo.full
    while True:
        while pending:
            c = pending.pop()
            b = cands[c]
            for p in peers[c]:
                m = cands[p]
                if m & b:
                    m ^= b
                    if not m:
                        return False
                    cands[p] = m
                    if not m & (m - 1):
                        pending.append(p)
                        if log is not None:
                            log.append((p, m, _NAKED, depth))
        # Hidden singles: `once` = values seen in the unit, `twice` = values seen in 2+ cells;
        # values seen exactly once must go in the one cell that allows them.
        for unit in units:
            once = twice = 0
            for c in unit:
                m = cands[c]
                twice |= once & m
                once |= m
            if once != full:
                return False
            h = once & ~twice
            if h:
                for c in unit:
                    m = cands[c]
                    hm = m & h
                    if hm and hm != m:
                        if hm & (hm - 1):
                            return False
                        cands[c] = hm
                        pending.append(c)
                        if log is not None:
                            log.append((c, hm, _HIDDEN, depth))
        if not pending:
            return True


def propagate(
    cands: list[int],
    pending: list[int],
    shape: Shape,
    log: list[LogEntry] | None = None,
    depth: int = 0,
) -> bool:
    """Propagate singles in place from the newly fixed `pending` cells; False on contradiction."""
    return _propagate(cands, pending, geometry(shape), log, depth)


def initial_candidates(puzzle: Sudoku, log: list[LogEntry] | None = None) -> list[int] | None:
    """The root state: candidates after the givens and propagation; None if contradictory."""
    geo = geometry(puzzle.shape)
    built = _build(geo, puzzle.cells, log)
    if built is None:
        return None
    cands, pending = built
    return cands if _propagate(cands, pending, geo, log, 0) else None


def mrv(cands: list[int]) -> Choice:
    """Minimum remaining values: the first cell with the fewest candidates, values ascending."""
    best, best_count = -1, 1 << 30
    for i, m in enumerate(cands):
        if m & (m - 1):
            k = m.bit_count()
            if k < best_count:
                best, best_count = i, k
                if k == 2:
                    break
    if best < 0:
        return None
    return best, list(mask_values(cands[best]))


class TokenChooser:
    """A bitmask `Chooser` for `search` that asks a token-space `choose` (the kind protocol's).

    Cell i is token position i and value v is token v - 1, so a state's candidates become an
    allowed array [L, n] and the chosen values come back as 1..n. A `prefetch(children)` of
    `choose` is forwarded with the children as allowed arrays too.
    """

    def __init__(self, n: int, choose: Choose) -> None:
        self.bits = 1 << np.arange(n)
        self.choose = choose
        self.inner_prefetch = getattr(choose, "prefetch", None)
        # `search` looks the attribute up: None means the chooser wants no siblings.
        self.prefetch = self._prefetch if self.inner_prefetch is not None else None

    def allowed(self, cands: list[int]) -> np.ndarray:
        """[L, n] bool: value index v allowed where bit v of the cell's mask is set."""
        return (np.asarray(cands, dtype=np.int64)[:, None] & self.bits) != 0

    def __call__(self, cands: list[int]) -> Choice:
        picked = self.choose(self.allowed(cands))
        if picked is None:
            return None
        cell, values = picked
        return cell, [v + 1 for v in values]

    def _prefetch(self, children: list[list[int]]) -> None:
        self.inner_prefetch([self.allowed(c) for c in children])


def token_chooser(puzzle: Sudoku, choose: Choose) -> Chooser:
    """`choose` over token grids (position = cell, token = value - 1) as a `search` chooser."""
    return TokenChooser(puzzle.shape.n, choose)


@dataclass
class SearchOutcome:
    """What `search` found: solutions as candidate masks (one bit per cell) and its counters."""

    solutions: list[list[int]] = field(default_factory=list)
    trace: list[LogEntry] | None = None  # the log up to the first solution, when one was kept
    nodes: int = 0
    guesses: int = 0
    backtracks: int = 0
    node_limit_hit: bool = False

    def stats(self) -> dict[str, int | float]:
        """The counters as a SolveResult stats dict."""
        return {
            "nodes": self.nodes,
            "guesses": self.guesses,
            "backtracks": self.backtracks,
            "solutions": len(self.solutions),
            "node_limit_hit": self.node_limit_hit,
        }


class _Search:
    """One depth-first search; a class only to keep counters and limits off the argument list."""

    def __init__(self, geo, choose, max_solutions, node_limit, log) -> None:
        self.geo = geo
        self.choose = choose
        self.max_solutions = max_solutions
        self.node_limit = node_limit
        self.log = log
        self.out = SearchOutcome(nodes=1)

    def run(self, cands: list[int], depth: int) -> bool:
        """Explore below the propagated `cands`; True = stop (enough solutions, or the limit)."""
        out = self.out
        choice = self.choose(cands)
        if choice is None:
            out.solutions.append(cands)
            if self.log is not None and out.trace is None:
                out.trace = list(self.log)
            return len(out.solutions) >= self.max_solutions
        cell, values = choice
        log, geo, limit = self.log, self.geo, self.node_limit
        allowed = cands[cell]
        prefetch = getattr(self.choose, "prefetch", None)
        if prefetch is not None:
            prefetch(self.children(cands, cell, values))
        for v in values:
            bit = 1 << (v - 1)
            if not allowed & bit:
                continue  # a custom chooser may propose values already ruled out
            if limit is not None and out.nodes >= limit:
                out.node_limit_hit = True
                return True
            out.nodes += 1
            out.guesses += 1
            child = cands[:]
            child[cell] = bit
            if log is not None:
                mark = len(log)
                log.append((cell, bit, _GUESS, depth + 1))
            if _propagate(child, [cell], geo, log, depth + 1):
                if self.run(child, depth + 1):
                    return True
            else:
                out.backtracks += 1
            if log is not None:
                del log[mark:]
        return False

    def children(self, cands: list[int], cell: int, values: list[int]) -> list[list[int]]:
        """The consistent propagated states below a branching, before any is visited (no log,
        no counters): for a chooser that evaluates siblings together."""
        kids = []
        for v in values:
            bit = 1 << (v - 1)
            if cands[cell] & bit:
                child = cands[:]
                child[cell] = bit
                if _propagate(child, [cell], self.geo, None, 0):
                    kids.append(child)
        return kids


def search(
    cands: list[int],
    shape: Shape,
    *,
    choose: Chooser = mrv,
    max_solutions: int = 1,
    node_limit: int | None = None,
    log: list[LogEntry] | None = None,
    depth: int = 0,
) -> SearchOutcome:
    """Depth-first search from a propagated state (counted as one node); `cands` is not modified.

    `log`, if given, holds the root's entries already; the outcome's `trace` is a copy of it up
    to the first solution.
    """
    s = _Search(geometry(shape), choose, max_solutions, node_limit, log)
    s.run(list(cands), depth)
    return s.out


def _to_sudoku(shape: Shape, masks: list[int]) -> Sudoku:
    return Sudoku(shape, tuple(m.bit_length() for m in masks))


def _to_decisions(entries: list[LogEntry]) -> list[Decision]:
    return [Decision(c, b.bit_length(), REASONS[r], d) for c, b, r, d in entries]


def solve_search(
    puzzle: Sudoku,
    *,
    max_solutions: int = 1,
    node_limit: int | None = None,
    trace: bool = True,
    choose: Chooser = mrv,
) -> SolveResult:
    """Solve by propagation + MRV search; `max_solutions=2` also proves (non-)uniqueness.

    The answer is the first solution found (None if there is none or the node limit came first);
    the trace lists every blank on the path to it, in the order it was filled.
    """
    log: list[LogEntry] | None = [] if trace else None
    cands = initial_candidates(puzzle, log)
    if cands is None:
        out = SearchOutcome(nodes=1, backtracks=1)
    else:
        out = search(
            cands,
            puzzle.shape,
            choose=choose,
            max_solutions=max_solutions,
            node_limit=node_limit,
            log=log,
        )
    answer = _to_sudoku(puzzle.shape, out.solutions[0]) if out.solutions else None
    decisions = _to_decisions(out.trace) if out.trace is not None else []
    return SolveResult(answer=answer, trace=decisions, solver=SOLVER_NAME, stats=out.stats())


def count_solutions(puzzle: Sudoku, limit: int = 2) -> int:
    """Number of solutions, counted up to `limit`."""
    return solve_search(puzzle, max_solutions=limit, trace=False).stats["solutions"]


def is_unique(puzzle: Sudoku) -> bool:
    """Whether the puzzle has exactly one solution."""
    return count_solutions(puzzle, 2) == 1


def has_solution(
    cells, shape: Shape, exclude: tuple[int, int] | None = None, node_limit: int | None = None
) -> bool | None:
    """Whether `cells` (0 = blank) has a solution; `exclude=(cell, value)` forbids one value.

    The generator's uniqueness test: removing given `cell` (value v) keeps a unique puzzle unique
    iff the puzzle without it, with v excluded from that cell, has no solution. Returns None
    when the search stopped at `node_limit` nodes without an answer.
    """
    geo = geometry(shape)
    built = _build(geo, cells, None)
    if built is None:
        return False
    cands, pending = built
    if exclude is not None:
        cell, value = exclude
        m = cands[cell]
        reduced = m & ~(1 << (value - 1))
        if not reduced:
            return False
        if reduced != m:
            cands[cell] = reduced
            if not reduced & (reduced - 1):
                pending.append(cell)
    if not _propagate(cands, pending, geo, None, 0):
        return False
    s = _Search(geo, mrv, 1, node_limit, None)
    s.run(cands, 0)
    if s.out.solutions:
        return True
    return None if s.out.node_limit_hit else False
