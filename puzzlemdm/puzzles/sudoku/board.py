"""Sudoku of any size n = box_rows * box_cols (4x4, 6x6, 9x9, 16x16, ...).

Vocabulary: a *cell* is a flat index r * n + c; a *unit* is a row, column or box (a set of n
cells that must hold every value once); a cell's *peers* are the other cells of its units.
Values are 1..n; 0 is a blank. In text, values are written 1-9 then A, B, ... (10, 11, ...),
and a blank is `.` or `0`.

Beside the grid, in this folder: reading every supported text format (`formats.parse_text`,
with positions in every error), writing (`writing.py`) and the verifier (`verify.py`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

ALPHABET = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BLANKS = ".0"


@dataclass(frozen=True)
class Shape:
    """Board geometry: side n and the box shape; precomputed units and peers (Norvig-style)."""

    box_rows: int
    box_cols: int

    @property
    def n(self) -> int:
        return self.box_rows * self.box_cols

    @property
    def cells(self) -> int:
        return self.n * self.n

    @property
    def rows(self) -> tuple[tuple[int, ...], ...]:
        return _units(self.box_rows, self.box_cols)[0]

    @property
    def cols(self) -> tuple[tuple[int, ...], ...]:
        return _units(self.box_rows, self.box_cols)[1]

    @property
    def boxes(self) -> tuple[tuple[int, ...], ...]:
        return _units(self.box_rows, self.box_cols)[2]

    @property
    def units(self) -> tuple[tuple[int, ...], ...]:
        """All 3n units: rows, then columns, then boxes."""
        r, c, b = _units(self.box_rows, self.box_cols)
        return r + c + b

    @property
    def peers(self) -> tuple[tuple[int, ...], ...]:
        return _peers(self.box_rows, self.box_cols)

    def row_of(self, cell: int) -> int:
        return cell // self.n

    def col_of(self, cell: int) -> int:
        return cell % self.n

    def box_of(self, cell: int) -> int:
        r, c = divmod(cell, self.n)
        return (r // self.box_rows) * self.box_rows + c // self.box_cols

    def name(self, cell: int) -> str:
        """Human cell name, r1c1 style (1-based)."""
        r, c = divmod(cell, self.n)
        return f"r{r + 1}c{c + 1}"

    @staticmethod
    def for_size(n: int) -> Shape:
        """The usual box shape for side n: as square as possible, wider than tall (6 -> 2x3)."""
        if n < 1 or n > len(ALPHABET):
            raise ValueError(f"unsupported sudoku size {n} (1..{len(ALPHABET)})")
        rows = math.isqrt(n)
        while n % rows:
            rows -= 1
        return Shape(rows, n // rows)


def mask_values(mask: int) -> tuple[int, ...]:
    """The values (1-based, ascending) whose bits are set in a candidate mask (value v at bit
    v - 1, as the solvers keep a cell's candidates)."""
    values = []
    while mask:
        low = mask & -mask
        values.append(low.bit_length())
        mask ^= low
    return tuple(values)


@cache
def _units(br: int, bc: int):
    n = br * bc
    rows = tuple(tuple(r * n + c for c in range(n)) for r in range(n))
    cols = tuple(tuple(r * n + c for r in range(n)) for c in range(n))
    boxes = tuple(
        tuple((R + r) * n + C + c for r in range(br) for c in range(bc))
        for R in range(0, n, br)
        for C in range(0, n, bc)
    )
    return rows, cols, boxes


@cache
def _peers(br: int, bc: int) -> tuple[tuple[int, ...], ...]:
    shape = Shape(br, bc)
    peers: list[set[int]] = [set() for _ in range(shape.cells)]
    for unit in shape.units:
        for cell in unit:
            peers[cell].update(unit)
    return tuple(tuple(sorted(p - {i})) for i, p in enumerate(peers))


@dataclass(frozen=True)
class Sudoku:
    """A grid: `cells[i]` in 0..n (0 = blank), row-major. Used both for puzzles and answers."""

    shape: Shape
    cells: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.cells) != self.shape.cells:
            raise ValueError(f"expected {self.shape.cells} cells, got {len(self.cells)}")

    @property
    def n(self) -> int:
        return self.shape.n

    @property
    def givens(self) -> int:
        return sum(1 for v in self.cells if v)

    @property
    def blanks(self) -> tuple[int, ...]:
        return tuple(i for i, v in enumerate(self.cells) if not v)

    def with_cells(self, cells) -> Sudoku:
        return Sudoku(self.shape, tuple(int(v) for v in cells))

    def to_line(self, blank: str = ".") -> str:
        """The compact one-line form: n*n characters, `blank` for empty cells."""
        return "".join(ALPHABET[v - 1] if v else blank for v in self.cells)

    @staticmethod
    def from_line(line: str, shape: Shape | None = None) -> Sudoku:
        """Parse a compact line (no error positions; use `parse_text` for user input)."""
        line = line.strip()
        if shape is None:
            shape = Shape.for_size(math.isqrt(len(line)))
        values = []
        for ch in line:
            if ch in BLANKS:
                values.append(0)
            else:
                values.append(ALPHABET.index(ch.upper()) + 1)
        return Sudoku(shape, tuple(values))

    def __str__(self) -> str:
        return self.to_line()
