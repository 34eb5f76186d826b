"""Human Sudoku techniques on a bitmask candidate grid, for any box shape.

Vocabulary: a `CandidateState` holds, for every cell, either its placed value or the bitmask
of values still possible there (bit v-1 stands for value v). A *finder* is a pure function
`find_<technique>(state) -> list[Step]` that reports every deduction the technique makes in
that state, without changing it; `CandidateState.apply` carries a step out. `TECHNIQUES`
names them from easiest to hardest, and `FINDERS` maps each name to its finder.
Every technique here is sound without assuming a unique solution (no uniqueness rectangles),
so whatever they deduce holds in every solution of the puzzle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku, mask_values

NAKED_SINGLE = "naked_single"
HIDDEN_SINGLE = "hidden_single"
LOCKED_CANDIDATES = "locked_candidates"
NAKED_PAIR = "naked_pair"
HIDDEN_PAIR = "hidden_pair"
NAKED_TRIPLE = "naked_triple"
HIDDEN_TRIPLE = "hidden_triple"
X_WING = "x_wing"
XY_WING = "xy_wing"
SWORDFISH = "swordfish"
NAKED_QUAD = "naked_quad"
HIDDEN_QUAD = "hidden_quad"

TECHNIQUES = (
    NAKED_SINGLE,
    HIDDEN_SINGLE,
    LOCKED_CANDIDATES,
    NAKED_PAIR,
    HIDDEN_PAIR,
    NAKED_TRIPLE,
    HIDDEN_TRIPLE,
    X_WING,
    XY_WING,
    SWORDFISH,
    NAKED_QUAD,
    HIDDEN_QUAD,
)
SINGLES = (NAKED_SINGLE, HIDDEN_SINGLE)
RANK = {name: i for i, name in enumerate(TECHNIQUES)}


def bit(value: int) -> int:
    """The candidate bit of a value (1-based)."""
    return 1 << (value - 1)


def unit_name(shape: Shape, unit: int) -> str:
    """Human name of `shape.units[unit]` (1-based): "row 3", "column 5", "box 9"."""
    kind, index = divmod(unit, shape.n)
    return f"{('row', 'column', 'box')[kind]} {index + 1}"


@dataclass(frozen=True)
class Step:
    """One deduction: values to place and/or (cell, value) candidates to remove, and why.

    `cells`, `digits` and `units` (indices into `shape.units`) describe the pattern that
    justifies it; for locked candidates `units` is (where the digit is confined, where it
    is eliminated from), for fish (base lines..., cover lines...).
    """

    technique: str
    placements: tuple[tuple[int, int], ...] = ()
    eliminations: tuple[tuple[int, int], ...] = ()
    cells: tuple[int, ...] = ()
    digits: tuple[int, ...] = ()
    units: tuple[int, ...] = ()

    def describe(self, shape: Shape) -> str:
        """One line for people, e.g. "hidden_single in row 3: r3c4=7"."""
        where = ", ".join(unit_name(shape, u) for u in self.units)
        parts = [self.technique + (f" in {where}" if where else "")]
        if self.cells and not self.placements:
            cells = " ".join(shape.name(c) for c in self.cells)
            parts.append(f"on {cells} with {''.join(map(str, self.digits))}")
        done = [f"{shape.name(c)}={v}" for c, v in self.placements]
        done += [f"{shape.name(c)}<>{v}" for c, v in self.eliminations]
        return " ".join(parts) + ": " + ", ".join(done)


@dataclass
class CandidateState:
    """The working grid: placed values and, for open cells, candidate bitmasks.

    `values[i]` is the placed value (0 = open); `cands[i]` the candidate mask of an open cell
    and 0 for a placed one, so OR-ing masks over a unit sees only open cells. `contradiction`
    turns True when a change leaves an open cell without candidates or places a value that
    was ruled out; the state is then meaningless and callers should stop.
    """

    shape: Shape
    values: list[int]
    cands: list[int]
    contradiction: bool = field(default=False)

    @classmethod
    def blank(cls, shape: Shape) -> CandidateState:
        """An empty grid: every cell open with every value."""
        full = (1 << shape.n) - 1
        return cls(shape, [0] * shape.cells, [full] * shape.cells)

    @classmethod
    def from_puzzle(cls, puzzle: Sudoku) -> CandidateState:
        """Place the givens (removing each from its peers); clashing givens set `contradiction`."""
        state = cls.blank(puzzle.shape)
        for cell, value in enumerate(puzzle.cells):
            if not 0 <= value <= puzzle.n:
                raise PuzzleError(f"{puzzle.shape.name(cell)} holds {value}, outside 0..{puzzle.n}")
            if value:
                state.place(cell, value)
        return state

    @classmethod
    def from_candidates(
        cls,
        shape: Shape,
        candidates: Mapping[int, Iterable[int]] | None = None,
        values: Mapping[int, int] | None = None,
    ) -> CandidateState:
        """Any position, for tests and explanations: `values` are placed, `candidates` restrict
        open cells, every other cell keeps all values. Nothing is propagated."""
        state = cls.blank(shape)
        for cell, digits in (candidates or {}).items():
            state.cands[cell] = sum(bit(v) for v in set(digits))
        for cell, value in (values or {}).items():
            state.values[cell], state.cands[cell] = value, 0
        return state

    def copy(self) -> CandidateState:
        """An independent copy."""
        return CandidateState(self.shape, self.values[:], self.cands[:], self.contradiction)

    @property
    def open_cells(self) -> int:
        """How many cells are still open."""
        return self.values.count(0)

    def candidates(self, cell: int) -> tuple[int, ...]:
        """The values still possible in `cell` (its value alone if placed)."""
        return (self.values[cell],) if self.values[cell] else mask_values(self.cands[cell])

    def to_sudoku(self) -> Sudoku:
        """The placed values as a grid (0 for open cells)."""
        return Sudoku(self.shape, tuple(self.values))

    def place(self, cell: int, value: int) -> bool:
        """Write `value` into `cell` and remove it from the peers; False if nothing changed."""
        if self.values[cell]:
            if self.values[cell] != value:
                self.contradiction = True
            return False
        b = bit(value)
        if not self.cands[cell] & b:
            self.contradiction = True
            return False
        values, cands = self.values, self.cands
        values[cell], cands[cell] = value, 0
        for peer in self.shape.peers[cell]:
            if cands[peer] & b:
                cands[peer] ^= b
                if not cands[peer]:
                    self.contradiction = True
            elif values[peer] == value:
                self.contradiction = True
        return True

    def eliminate(self, cell: int, value: int) -> bool:
        """Remove `value` from an open cell's candidates; False if it was not there."""
        b = bit(value)
        if not self.cands[cell] & b:
            if self.values[cell] == value:
                self.contradiction = True
            return False
        self.cands[cell] ^= b
        if not self.cands[cell]:
            self.contradiction = True
        return True

    def apply(self, step: Step) -> int:
        """Carry out a step; returns how many placements and eliminations changed the grid."""
        changed = sum(self.place(c, v) for c, v in step.placements)
        return changed + sum(self.eliminate(c, v) for c, v in step.eliminations)

    def dead_unit(self) -> int | None:
        """A unit where some value is neither placed nor possible (a contradiction), or None."""
        full = (1 << self.shape.n) - 1
        for index, unit in enumerate(self.shape.units):
            seen = 0
            for c in unit:
                seen |= self.cands[c] | (bit(self.values[c]) if self.values[c] else 0)
            if seen != full:
                return index
        return None


def find_naked_single(state: CandidateState) -> list[Step]:
    """Open cells with one candidate left."""
    steps = []
    for cell, mask in enumerate(state.cands):
        if mask and not mask & (mask - 1):
            v = mask.bit_length()
            steps.append(Step(NAKED_SINGLE, placements=((cell, v),), cells=(cell,), digits=(v,)))
    return steps


def find_hidden_single(state: CandidateState) -> list[Step]:
    """Values with one possible cell in a unit (reported once per cell and value)."""
    cands, steps, seen = state.cands, [], set()
    for index, unit in enumerate(state.shape.units):
        once = more = 0
        for c in unit:
            m = cands[c]
            more |= once & m
            once |= m
        only = once & ~more
        while only:
            low = only & -only
            only ^= low
            cell = next(c for c in unit if cands[c] & low)
            v = low.bit_length()
            if (cell, v) not in seen:
                seen.add((cell, v))
                steps.append(
                    Step(HIDDEN_SINGLE, ((cell, v),), cells=(cell,), digits=(v,), units=(index,))
                )
    return steps


@cache
def _intersections(shape: Shape) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """Every box x line overlap: (overlap, rest of box, rest of line, box unit, line unit)."""
    n, out = shape.n, []
    for b, box in enumerate(shape.boxes):
        box_set = set(box)
        for offset, lines in ((0, shape.rows), (n, shape.cols)):
            for li, line in enumerate(lines):
                inter = tuple(c for c in line if c in box_set)
                if not inter:
                    continue
                box_rest = tuple(c for c in box if c not in inter)
                line_rest = tuple(c for c in line if c not in inter)
                out.append((inter, box_rest, line_rest, (2 * n + b,), (offset + li,)))
    return tuple(out)


def _union(cands: list[int], cells: Iterable[int]) -> int:
    mask = 0
    for c in cells:
        mask |= cands[c]
    return mask


def find_locked_candidates(state: CandidateState) -> list[Step]:
    """Pointing (a box's value confined to one line) and claiming (a line's value confined to
    one box): the value goes from the rest of the other unit."""
    cands, steps = state.cands, []
    for inter, box_rest, line_rest, (box_u,), (line_u,) in _intersections(state.shape):
        mi = _union(cands, inter)
        if not mi:
            continue
        mb, ml = _union(cands, box_rest), _union(cands, line_rest)
        # pointing: confined within the box, removed from the line; claiming: the converse
        for found, source, target, rest in (
            (mi & ~mb & ml, box_u, line_u, line_rest),
            (mi & ~ml & mb, line_u, box_u, box_rest),
        ):
            for v in mask_values(found):
                b = bit(v)
                elims = tuple((c, v) for c in rest if cands[c] & b)
                pattern = tuple(c for c in inter if cands[c] & b)
                steps.append(Step(LOCKED_CANDIDATES, (), elims, pattern, (v,), (source, target)))
    return steps


def _naked_subsets(state: CandidateState, size: int, name: str) -> list[Step]:
    """`size` open cells of a unit holding `size` values between them: the values leave the
    unit's other cells."""
    cands, steps = state.cands, []
    for index, unit in enumerate(state.shape.units):
        open_cells = [c for c in unit if cands[c]]
        if len(open_cells) <= size:
            continue
        pool = [c for c in open_cells if 2 <= cands[c].bit_count() <= size]
        for group in combinations(pool, size):
            mask = _union(cands, group)
            if mask.bit_count() != size:
                continue
            elims = tuple(
                (c, v) for c in open_cells if c not in group for v in mask_values(cands[c] & mask)
            )
            if elims:
                steps.append(Step(name, (), elims, group, mask_values(mask), (index,)))
    return steps


def _hidden_subsets(state: CandidateState, size: int, name: str) -> list[Step]:
    """`size` values confined to `size` cells of a unit: those cells lose their other values."""
    cands, n, steps = state.cands, state.shape.n, []
    for index, unit in enumerate(state.shape.units):
        where = [0] * n  # where[v - 1]: bitmask of positions in the unit that allow v
        open_count = 0
        for i, c in enumerate(unit):
            m = cands[c]
            open_count += m > 0
            while m:
                low = m & -m
                where[low.bit_length() - 1] |= 1 << i
                m ^= low
        if open_count <= size:
            continue
        pool = [d for d in range(n) if 2 <= where[d].bit_count() <= size]
        for group in combinations(pool, size):
            spots = 0
            for d in group:
                spots |= where[d]
            if spots.bit_count() != size:
                continue
            keep = sum(1 << d for d in group)
            cells = tuple(unit[i] for i in range(len(unit)) if spots >> i & 1)
            elims = tuple((c, v) for c in cells for v in mask_values(cands[c] & ~keep))
            if elims:
                steps.append(Step(name, (), elims, cells, tuple(d + 1 for d in group), (index,)))
    return steps


def _fish(state: CandidateState, size: int, name: str) -> list[Step]:
    """A value whose places in `size` rows lie in `size` columns (or vice versa): it leaves
    those columns' other cells."""
    shape, cands, n, steps = state.shape, state.cands, state.shape.n, []
    # base lines and cover lines: rows x columns, then columns x rows; base[i][j] is the
    # cell where base line i crosses cover line j (and cover[j][i] is the same cell)
    orientations = ((shape.rows, shape.cols, 0, n), (shape.cols, shape.rows, n, 0))
    for v in range(1, n + 1):
        b = bit(v)
        for base, cover, base_offset, cover_offset in orientations:
            lines = []
            for i, line in enumerate(base):
                spots = 0
                for j, c in enumerate(line):
                    if cands[c] & b:
                        spots |= 1 << j
                if 2 <= spots.bit_count() <= size:
                    lines.append((i, spots))
            for group in combinations(lines, size):
                covered = 0
                for _, spots in group:
                    covered |= spots
                if covered.bit_count() != size:
                    continue
                base_idx = [i for i, _ in group]
                cover_idx = [j for j in range(n) if covered >> j & 1]
                elims = tuple(
                    (c, v)
                    for j in cover_idx
                    for i, c in enumerate(cover[j])
                    if cands[c] & b and i not in base_idx
                )
                if elims:
                    pattern = tuple(
                        sorted(
                            base[i][j] for i in base_idx for j in cover_idx if cands[base[i][j]] & b
                        )
                    )
                    units = tuple(base_offset + i for i in base_idx) + tuple(
                        cover_offset + j for j in cover_idx
                    )
                    steps.append(Step(name, (), elims, pattern, (v,), units))
    return steps


@cache
def _peer_sets(shape: Shape) -> tuple[frozenset[int], ...]:
    return tuple(frozenset(p) for p in shape.peers)


def find_xy_wing(state: CandidateState) -> list[Step]:
    """A two-value pivot {x,y} seeing pincers {x,z} and {y,z}: z leaves every cell that sees
    both pincers (whichever pivot value is true, one pincer is z)."""
    cands, peers, steps = state.cands, _peer_sets(state.shape), []
    for pivot, pm in enumerate(cands):
        if pm.bit_count() != 2:
            continue
        wings = [
            c
            for c in state.shape.peers[pivot]
            if cands[c].bit_count() == 2 and (cands[c] & pm).bit_count() == 1
        ]
        for a, b in combinations(wings, 2):
            ma, mb = cands[a], cands[b]
            z = ma & mb & ~pm
            if (ma & pm) == (mb & pm) or not z:
                continue
            v = z.bit_length()
            targets = sorted(c for c in peers[a] & peers[b] if cands[c] & z and c != pivot)
            if targets:
                steps.append(
                    Step(
                        XY_WING,
                        (),
                        tuple((c, v) for c in targets),
                        (pivot, a, b),
                        mask_values(pm | z),
                    )
                )
    return steps


def find_naked_pair(state: CandidateState) -> list[Step]:
    """Two cells of a unit with the same two candidates."""
    return _naked_subsets(state, 2, NAKED_PAIR)


def find_hidden_pair(state: CandidateState) -> list[Step]:
    """Two values confined to the same two cells of a unit."""
    return _hidden_subsets(state, 2, HIDDEN_PAIR)


def find_naked_triple(state: CandidateState) -> list[Step]:
    """Three cells of a unit holding three values between them."""
    return _naked_subsets(state, 3, NAKED_TRIPLE)


def find_hidden_triple(state: CandidateState) -> list[Step]:
    """Three values confined to the same three cells of a unit."""
    return _hidden_subsets(state, 3, HIDDEN_TRIPLE)


def find_x_wing(state: CandidateState) -> list[Step]:
    """A value in two rows confined to the same two columns (or the transpose)."""
    return _fish(state, 2, X_WING)


def find_swordfish(state: CandidateState) -> list[Step]:
    """A value in three rows confined to the same three columns (or the transpose)."""
    return _fish(state, 3, SWORDFISH)


def find_naked_quad(state: CandidateState) -> list[Step]:
    """Four cells of a unit holding four values between them."""
    return _naked_subsets(state, 4, NAKED_QUAD)


def find_hidden_quad(state: CandidateState) -> list[Step]:
    """Four values confined to the same four cells of a unit."""
    return _hidden_subsets(state, 4, HIDDEN_QUAD)


FINDERS: dict[str, Callable[[CandidateState], list[Step]]] = {
    NAKED_SINGLE: find_naked_single,
    HIDDEN_SINGLE: find_hidden_single,
    LOCKED_CANDIDATES: find_locked_candidates,
    NAKED_PAIR: find_naked_pair,
    HIDDEN_PAIR: find_hidden_pair,
    NAKED_TRIPLE: find_naked_triple,
    HIDDEN_TRIPLE: find_hidden_triple,
    X_WING: find_x_wing,
    XY_WING: find_xy_wing,
    SWORDFISH: find_swordfish,
    NAKED_QUAD: find_naked_quad,
    HIDDEN_QUAD: find_hidden_quad,
}
