"""The Sudoku symmetry group, and a canonical form per orbit.

Every transformation here keeps a solved grid valid and a puzzle's difficulty unchanged: value
relabelling, row permutations inside a band, column permutations inside a stack, band
permutations, stack permutations and, when boxes are square, transposition. A *band* is a row
of boxes (box_rows rows), a *stack* a column of boxes (box_cols columns).

`canonical_form` names an orbit: two grids get the same string exactly when one is a
transformation of the other, so it de-duplicates corpora against held-out test splits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from puzzlemdm.puzzles.sudoku.board import ALPHABET, Shape, Sudoku


def _permutation(items: Sequence[int], size: int, what: str, first: int = 0) -> tuple[int, ...]:
    perm = tuple(int(x) for x in items)
    if sorted(perm) != list(range(first, first + size)):
        raise ValueError(
            f"{what} must be a permutation of {first}..{first + size - 1}, got {list(perm)}"
        )
    return perm


def _split(
    mapping: Sequence[int], size: int
) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """A block-respecting line map -> (block order, order inside each output block)."""
    blocks = len(mapping) // size
    order = tuple(mapping[i * size] // size for i in range(blocks))
    inside = tuple(tuple(mapping[i * size + k] % size for k in range(size)) for i in range(blocks))
    return order, inside


def _inverse(perm: Sequence[int]) -> tuple[int, ...]:
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


@dataclass(frozen=True)
class Symmetry:
    """One group element: transpose (optional), then move rows and columns, then relabel.

    Output band i shows input band `bands[i]`, whose row `rows[i][k]` becomes its k-th row;
    stacks and columns likewise; value v becomes `values[v - 1]`.
    """

    shape: Shape
    values: tuple[int, ...]
    bands: tuple[int, ...]
    rows: tuple[tuple[int, ...], ...]
    stacks: tuple[int, ...]
    cols: tuple[tuple[int, ...], ...]
    transpose: bool = False

    def __post_init__(self) -> None:
        shape = self.shape
        n, br, bc = shape.n, shape.box_rows, shape.box_cols
        object.__setattr__(self, "values", _permutation(self.values, n, "values", first=1))
        object.__setattr__(self, "bands", _permutation(self.bands, n // br, "bands"))
        object.__setattr__(self, "stacks", _permutation(self.stacks, n // bc, "stacks"))
        if len(self.rows) != n // br or len(self.cols) != n // bc:
            raise ValueError("need one row order per band and one column order per stack")
        rows = tuple(_permutation(r, br, "rows inside a band") for r in self.rows)
        cols = tuple(_permutation(c, bc, "columns inside a stack") for c in self.cols)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "cols", cols)
        if self.transpose and br != bc:
            raise ValueError(f"transposing needs square boxes, not {br}x{bc}")

    @staticmethod
    def identity(shape: Shape) -> Symmetry:
        """The transformation that changes nothing."""
        n, br, bc = shape.n, shape.box_rows, shape.box_cols
        return Symmetry(
            shape,
            tuple(range(1, n + 1)),
            tuple(range(n // br)),
            tuple(tuple(range(br)) for _ in range(n // br)),
            tuple(range(n // bc)),
            tuple(tuple(range(bc)) for _ in range(n // bc)),
        )

    @cached_property
    def row_map(self) -> tuple[int, ...]:
        """Output row r shows row `row_map[r]` of the (possibly transposed) input."""
        br = self.shape.box_rows
        return tuple(
            b * br + k for b, inside in zip(self.bands, self.rows, strict=True) for k in inside
        )

    @cached_property
    def col_map(self) -> tuple[int, ...]:
        """Output column c shows column `col_map[c]` of the (possibly transposed) input."""
        bc = self.shape.box_cols
        return tuple(
            s * bc + k for s, inside in zip(self.stacks, self.cols, strict=True) for k in inside
        )

    @cached_property
    def cell_map(self) -> tuple[int, ...]:
        """Output cell i shows input cell `cell_map[i]`."""
        n, rows, cols = self.shape.n, self.row_map, self.col_map
        if self.transpose:
            return tuple(cols[c] * n + rows[r] for r in range(n) for c in range(n))
        return tuple(rows[r] * n + cols[c] for r in range(n) for c in range(n))

    def apply(self, s: Sudoku) -> Sudoku:
        """The transformed grid (puzzle or answer alike; blanks stay blank)."""
        if s.shape != self.shape:
            raise ValueError(f"symmetry for {self.shape} applied to a grid of {s.shape}")
        if any(not 0 <= v <= s.n for v in s.cells):
            raise ValueError(f"cell values must lie in 0..{s.n}")
        relabel, cells = (0, *self.values), s.cells
        return Sudoku(self.shape, tuple(relabel[cells[i]] for i in self.cell_map))

    def apply_pair(self, puzzle: Sudoku, solution: Sudoku | None) -> tuple[Sudoku, Sudoku | None]:
        """The same transformation on a puzzle and its solution (which then still match)."""
        return self.apply(puzzle), None if solution is None else self.apply(solution)

    def inverse(self) -> Symmetry:
        """The transformation that undoes this one."""
        shape = self.shape
        values = _inverse([v - 1 for v in self.values])
        rows, cols = _inverse(self.row_map), _inverse(self.col_map)
        if self.transpose:
            # Undoing "transpose, then move" moves first and transposes last; moving rows of the
            # transposed grid is moving columns of the original, hence the swap.
            rows, cols = cols, rows
        bands, inside_bands = _split(rows, shape.box_rows)
        stacks, inside_stacks = _split(cols, shape.box_cols)
        return Symmetry(
            shape,
            tuple(v + 1 for v in values),
            bands,
            inside_bands,
            stacks,
            inside_stacks,
            self.transpose,
        )


def random_symmetry(rng: np.random.Generator, shape: Shape) -> Symmetry:
    """A uniformly random element of the group (transposing only when boxes are square)."""
    n, br, bc = shape.n, shape.box_rows, shape.box_cols

    def perm(size: int) -> tuple[int, ...]:
        return tuple(int(x) for x in rng.permutation(size))

    return Symmetry(
        shape,
        tuple(v + 1 for v in perm(n)),
        perm(n // br),
        tuple(perm(br) for _ in range(n // br)),
        perm(n // bc),
        tuple(perm(bc) for _ in range(n // bc)),
        br == bc and bool(rng.integers(2)),
    )


def augment(
    puzzle: Sudoku, solution: Sudoku | None, rng: np.random.Generator
) -> tuple[Sudoku, Sudoku | None]:
    """A random equivalent (puzzle, solution) pair: training-data augmentation."""
    return random_symmetry(rng, puzzle.shape).apply_pair(puzzle, solution)


# --- the generators, one function each ------------------------------------------------------


def relabel(s: Sudoku, values: Sequence[int]) -> Sudoku:
    """Rename the values: v becomes values[v - 1] (a permutation of 1..n)."""
    return replace(Symmetry.identity(s.shape), values=tuple(values)).apply(s)


def permute_rows(s: Sudoku, band: int, order: Sequence[int]) -> Sudoku:
    """Reorder the rows inside one band (row order[k] of the band is shown at k)."""
    ident = Symmetry.identity(s.shape)
    rows = list(ident.rows)
    rows[band] = tuple(order)
    return replace(ident, rows=tuple(rows)).apply(s)


def permute_cols(s: Sudoku, stack: int, order: Sequence[int]) -> Sudoku:
    """Reorder the columns inside one stack (column order[k] of the stack is shown at k)."""
    ident = Symmetry.identity(s.shape)
    cols = list(ident.cols)
    cols[stack] = tuple(order)
    return replace(ident, cols=tuple(cols)).apply(s)


def permute_bands(s: Sudoku, order: Sequence[int]) -> Sudoku:
    """Reorder whole bands (band order[i] is shown at i)."""
    return replace(Symmetry.identity(s.shape), bands=tuple(order)).apply(s)


def permute_stacks(s: Sudoku, order: Sequence[int]) -> Sudoku:
    """Reorder whole stacks (stack order[i] is shown at i)."""
    return replace(Symmetry.identity(s.shape), stacks=tuple(order)).apply(s)


def transpose(s: Sudoku) -> Sudoku:
    """Mirror on the main diagonal (square boxes only)."""
    return replace(Symmetry.identity(s.shape), transpose=True).apply(s)


# --- canonical form --------------------------------------------------------------------------
#
# The canonical string is the lexicographically smallest one-line form ('.' < '1' < ... < 'A')
# over the whole group, values renamed 1, 2, 3... in order of first appearance. It is found
# row by row: every candidate arrangement that ties for the smallest prefix so far is kept
# (a "state"), and the next output row is tried with every row the band structure allows.
#
# Columns are not enumerated up front (3! ** 4 * 3! orders for 9x9). A state keeps them as an
# ordered partition: "cells" of columns whose order inside is still open because every row
# read so far looks the same under any order (all blank there, or a run of values seen for
# the first time, which read as consecutive labels whatever the order). Reading a row either
# splits a cell (blanks first) or pins the one column that gives the smallest label; only real
# ties branch. A value first seen in an open cell is *anchored* to its column: its label is
# base + (final position of that column), so asking for its smallest label pins the anchor to
# the front of its cell. Group-label ranges never overlap, so equal label candidates come from
# the same run and are genuine ties.


class _State:
    """One partial arrangement that ties for the smallest prefix read so far."""

    __slots__ = (
        "anchor",
        "band",
        "base",
        "free_stacks",
        "grid",
        "next_label",
        "perm",
        "pos",
        "start",
        "used_bands",
        "used_rows",
    )

    def __init__(self, grid: list[tuple[int, ...]], n: int, stacks: int) -> None:
        self.grid = grid
        self.used_rows = self.used_bands = self.band = 0
        self.free_stacks = (1 << stacks) - 1
        self.perm = [-1] * n  # output position -> input column (-1: stack not chosen yet)
        self.pos = [-1] * n  # input column -> output position
        self.start = [False] * n + [True]  # start[p]: a cell begins at position p
        self.anchor = [-1] * (n + 1)  # value -> column where it was first read (-1: unseen)
        self.base = [0] * (n + 1)  # value -> label minus its anchor's position
        self.next_label = 1

    def copy(self) -> _State:
        other = _State.__new__(_State)
        other.grid = self.grid
        other.used_rows = self.used_rows
        other.used_bands = self.used_bands
        other.band = self.band
        other.free_stacks = self.free_stacks
        other.perm = self.perm[:]
        other.pos = self.pos[:]
        other.start = self.start[:]
        other.anchor = self.anchor[:]
        other.base = self.base[:]
        other.next_label = self.next_label
        return other

    def key(self) -> tuple:
        """Two states with equal keys read every future row alike: keep one."""
        return (
            id(self.grid),
            self.used_rows,
            tuple(self.perm),
            tuple(self.start),
            tuple(self.anchor),
            tuple(self.base),
        )

    def front(self, column: int) -> int:
        """Pin `column` to the first position of its cell; returns that position."""
        p = self.pos[column]
        first = p
        while not self.start[first]:
            first -= 1
        if first != p:
            other = self.perm[first]
            self.perm[first], self.perm[p] = column, other
            self.pos[column], self.pos[other] = first, p
        self.start[first + 1] = True
        return first

    def place(self, row: tuple[int, ...], column: int, j: int) -> int:
        """Put `column` at position j (the front of its cell) and return the label read there."""
        self.front(column)
        value = row[column]
        if value == 0:
            return 0
        anchor = self.anchor[value]
        if anchor < 0:
            label = self.next_label
            self.next_label += 1
            self.anchor[value], self.base[value] = column, label - j
            return label
        if anchor == column:
            return self.base[value] + j
        return self.base[value] + self.front(anchor)


class _Level:
    """The smallest row string found at this level and the states that reach it."""

    __slots__ = ("best", "states")

    def __init__(self) -> None:
        self.best: list[int] | None = None
        self.states: dict[tuple, _State] = {}


def _read(st: _State, row: tuple[int, ...], j: int, out: list[int], level: _Level, bc: int) -> None:
    """Read `row` from position j on into `out`, branching on ties; record finished states."""
    n = len(row)
    perm, pos, start, anchor, base = st.perm, st.pos, st.start, st.anchor, st.base
    best = level.best
    while j < n:
        if best is not None and out > best[: len(out)]:
            return
        if perm[j] < 0:
            # Only while reading the first row: choose the stack shown in this block.
            for stack in range(n // bc):
                if st.free_stacks >> stack & 1:
                    child = st.copy()
                    child.free_stacks &= ~(1 << stack)
                    for k in range(bc):
                        child.perm[j + k] = stack * bc + k
                        child.pos[stack * bc + k] = j + k
                    child.start[j] = child.start[j + bc] = True
                    _read(child, row, j, out[:], level, bc)
            return
        end = j + 1
        while not start[end]:
            end += 1
        if end == j + 1:
            out.append(st.place(row, perm[j], j))
            j += 1
            continue
        cols = perm[j:end]
        new = n * n + 1  # above every label
        labels = []
        for c in cols:
            v = row[c]
            if v == 0:
                labels.append(0)
                continue
            a = anchor[v]
            if a < 0:
                labels.append(new)
            elif a == c:
                labels.append(base[v] + j)
            else:
                first = pos[a]
                while not start[first]:
                    first -= 1
                # An anchor in this very cell can come no earlier than j + 1 (c takes j).
                labels.append(base[v] + (j + 1 if first == j else first))
        smallest = min(labels)
        if smallest == 0:
            blanks = [c for c, k in zip(cols, labels, strict=True) if k == 0]
            rest = [c for c, k in zip(cols, labels, strict=True) if k != 0]
            perm[j:end] = blanks + rest
            for p in range(j, end):
                pos[perm[p]] = p
            start[j + len(blanks)] = True
            out.extend([0] * len(blanks))
            j += len(blanks)
            continue
        if smallest == new and len({row[c] for c in cols}) == len(cols):
            # All first sightings: labels run consecutively whatever the order; keep it open.
            for c in cols:
                anchor[row[c]], base[row[c]] = c, st.next_label - j
            out.extend(range(st.next_label, st.next_label + len(cols)))
            st.next_label += len(cols)
            j = end
            continue
        ties = [c for c, k in zip(cols, labels, strict=True) if k == smallest]
        if len(ties) == 1:
            out.append(st.place(row, ties[0], j))
            j += 1
            continue
        for c in ties:
            child = st.copy()
            _read(child, row, j + 1, [*out, child.place(row, c, j)], level, bc)
        return
    if best is None or out < best:
        level.best, level.states = out, {st.key(): st}
    elif out == best:
        level.states.setdefault(st.key(), st)


def orbit_invariant(s: Sudoku) -> tuple:
    """A cheap fingerprint that every grid of the orbit shares (unlike `canonical_form`, two
    orbits may share it too): the sorted counts of each value, and the sorted given-counts of
    rows and of columns (as an unordered pair, since a transpose swaps them).

    Used to skip the exact canonical form for grids that cannot be equivalent to any of a set.
    """
    n = s.n
    rows = tuple(sorted(sum(1 for v in s.cells[r * n : (r + 1) * n] if v) for r in range(n)))
    cols = tuple(sorted(sum(1 for v in s.cells[c::n] if v) for c in range(n)))
    values = tuple(sorted(s.cells.count(v) for v in range(1, n + 1)))
    lines = (rows, cols) if s.shape.box_rows != s.shape.box_cols else tuple(sorted((rows, cols)))
    return (values, lines)


def canonical_form(s: Sudoku) -> str:
    """The orbit's name: the smallest line over the whole group, values renamed by first sight.

    Equal strings <=> one grid is a transformation of the other (exact, for one box shape).
    """
    shape, n = s.shape, s.n
    if any(not 0 <= v <= n for v in s.cells):
        raise ValueError(f"cell values must lie in 0..{n}")
    br, bc = shape.box_rows, shape.box_cols
    grid = [s.cells[r * n : (r + 1) * n] for r in range(n)]
    grids = [grid, [tuple(col) for col in zip(*grid, strict=True)]] if br == bc else [grid]
    frontier = [_State(g, n, n // bc) for g in grids]
    labels: list[int] = []
    for i in range(n):
        level = _Level()
        for st in frontier:
            if i % br == 0:  # a new band: any row of a band not used yet
                rows = [r for r in range(n) if not st.used_bands >> (r // br) & 1]
            else:  # the rest of the current band
                first = st.band * br
                rows = [r for r in range(first, first + br) if not st.used_rows >> r & 1]
            for r in rows:
                child = st.copy()
                child.used_rows |= 1 << r
                child.used_bands |= 1 << (r // br)
                child.band = r // br
                _read(child, child.grid[r], 0, [], level, bc)
        assert level.best is not None
        labels += level.best
        frontier = list(level.states.values())
    return "".join(ALPHABET[v - 1] if v else "." for v in labels)
