"""Sudoku as a token grid: one position per cell, coordinates (row, col, box), 8 relations."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.grid import MASK, GridSpec, TokenGrid, allowed_rows, same
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku


@cache
def sudoku_spec(box_rows: int = 3, box_cols: int = 3) -> GridSpec:
    """Sudoku grid: L = n², coordinates (row, col, box), 8 relation types.

    Relation type = same_row + 2 * same_col + 4 * same_box, so a cell's pair with itself is 7
    and two unrelated cells are 0: the model can learn to attend to exactly the peers.
    """
    shape = Shape(box_rows, box_cols)
    n = shape.n
    cells = np.arange(shape.cells)
    rows, cols = cells // n, cells % n
    boxes = (rows // box_rows) * box_rows + cols // box_cols
    coords = np.stack([rows, cols, boxes], axis=1).astype(np.int64)
    relation = same(rows) + 2 * same(cols) + 4 * same(boxes)
    differ = (relation > 0) & ~np.eye(shape.cells, dtype=bool)
    return GridSpec(
        "sudoku",
        shape.cells,
        n,
        (n, n, n),
        coords,
        relation,
        8,
        (("box", (box_rows, box_cols)),),
        differ,
    )


def spec_from_signature(signature: dict[str, Any]) -> GridSpec:
    """The spec a checkpoint was trained on."""
    return sudoku_spec(*signature["box"])


def spec_for(puzzles: Sequence[Sudoku]) -> GridSpec:
    """The one spec of a corpus; sizes cannot share a model (their vocabularies differ)."""
    shapes = {(p.shape.box_rows, p.shape.box_cols) for p in puzzles}
    if len(shapes) != 1:
        raise PuzzleError(f"one model reads one sudoku size; the corpus mixes boxes {shapes}")
    return sudoku_spec(*shapes.pop())


def encode(
    puzzle: Sudoku, solution: Sudoku | None = None, spec: GridSpec | None = None
) -> TokenGrid:
    """Givens become condition tokens, blanks MASK; the solution (if given) is the target."""
    own = sudoku_spec(puzzle.shape.box_rows, puzzle.shape.box_cols)
    if spec is not None and spec is not own:
        n, (rows, cols) = spec.vocab, dict(spec.params)["box"]
        shape = puzzle.shape
        raise PuzzleError(
            f"the model reads {n}x{n} sudoku (boxes {rows}x{cols}), this puzzle is "
            f"{shape.n}x{shape.n} (boxes {shape.box_rows}x{shape.box_cols})"
        )
    values = np.asarray(puzzle.cells, dtype=np.int64)
    is_condition = values > 0
    tokens = np.where(is_condition, values - 1, MASK)
    free = np.ones((own.length, own.vocab), dtype=bool)
    target = None if solution is None else np.asarray(solution.cells, dtype=np.int64) - 1
    return TokenGrid(own, tokens, is_condition, allowed_rows(tokens, is_condition, free), target)


def decode(puzzle: Sudoku, tokens: np.ndarray, spec: GridSpec | None = None) -> Sudoku:
    """Tokens back to a grid; positions still masked become blanks."""
    tokens = np.asarray(tokens)
    return puzzle.with_cells(np.where(tokens == MASK, 0, tokens + 1))


def cell_positions(puzzle: Sudoku, spec: GridSpec) -> np.ndarray:
    """A cell's flat index is its token position."""
    return np.arange(puzzle.shape.cells)
