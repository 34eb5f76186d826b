"""Puzzle <-> token grid: the one representation every model and decoder works on.

A grid has L positions. `tokens[i]` is a value index in 0..V-1, or MASK (= -1) where the
value is unknown. Condition positions (givens, clues) are never masked. Every position carries
small integer coordinates (row/col/box for Sudoku) that the model embeds, an `allowed` row of
the values it may take, and each pair of positions a small relation type (same row/col/box...)
that the model may turn into a learned attention bias. Static parts (coordinates, relations)
live in a `GridSpec` shared by all puzzles of one kind and shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from puzzlemdm.puzzles.sudoku import Shape, Sudoku

MASK = -1


@dataclass(frozen=True)
class GridSpec:
    """What a model must agree on with the data: sizes, coordinates, relation types."""

    kind: str
    length: int
    vocab: int
    coord_sizes: tuple[int, ...]
    coords: np.ndarray  # [L, C] int64
    relation: np.ndarray  # [L, L] int64 relation type per pair
    n_relations: int
    params: tuple[tuple[str, Any], ...] = ()  # kind-specific shape, e.g. (("box", (3, 3)),)
    differ: np.ndarray | None = None  # [L, L] bool: pairs that must hold different values

    def signature(self) -> dict[str, Any]:
        """A JSON-able description, stored in checkpoints to catch mismatched models."""
        return {
            "kind": self.kind,
            "length": self.length,
            "vocab": self.vocab,
            "coord_sizes": list(self.coord_sizes),
            "n_relations": self.n_relations,
            **{k: list(v) if isinstance(v, tuple) else v for k, v in self.params},
        }


@dataclass
class TokenGrid:
    """One puzzle as tokens: values (MASK where unknown), condition flags, allowed values."""

    spec: GridSpec
    tokens: np.ndarray  # [L] int64, MASK where unknown
    is_condition: np.ndarray  # [L] bool
    allowed: np.ndarray  # [L, V] bool
    target: np.ndarray | None = None  # [L] int64: the solution's tokens, when known

    @property
    def coords(self) -> np.ndarray:
        return self.spec.coords

    @property
    def relation(self) -> np.ndarray:
        return self.spec.relation


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
    same = lambda a: (a[:, None] == a[None, :]).astype(np.int64)  # noqa: E731
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


def allowed_rows(tokens: np.ndarray, is_condition: np.ndarray, free: np.ndarray) -> np.ndarray:
    """[L, V] allowed values: a condition position only its own value, the others `free`."""
    allowed = free.copy()
    allowed[is_condition] = False
    allowed[is_condition, tokens[is_condition]] = True
    return allowed


def encode_sudoku(puzzle: Sudoku, solution: Sudoku | None = None) -> TokenGrid:
    """Givens become condition tokens, blanks MASK; the solution (if given) is the target."""
    spec = sudoku_spec(puzzle.shape.box_rows, puzzle.shape.box_cols)
    values = np.asarray(puzzle.cells, dtype=np.int64)
    is_condition = values > 0
    tokens = np.where(is_condition, values - 1, MASK)
    free = np.ones((spec.length, spec.vocab), dtype=bool)
    target = None if solution is None else np.asarray(solution.cells, dtype=np.int64) - 1
    return TokenGrid(spec, tokens, is_condition, allowed_rows(tokens, is_condition, free), target)


def decode_sudoku(puzzle: Sudoku, tokens: np.ndarray) -> Sudoku:
    """Tokens back to a grid; positions still masked become blanks."""
    tokens = np.asarray(tokens)
    return puzzle.with_cells(np.where(tokens == MASK, 0, tokens + 1))


@cache
def encoders() -> dict[str, tuple[Any, Any]]:
    """kind -> (encode, decode). The other kinds' modules import this one, hence the delay."""
    from puzzlemdm.tokens_blocksworld import decode_blocksworld, encode_blocksworld
    from puzzlemdm.tokens_zebra import decode_zebra, encode_zebra

    return {
        "sudoku": (encode_sudoku, decode_sudoku),
        "zebra": (encode_zebra, decode_zebra),
        "blocksworld": (encode_blocksworld, decode_blocksworld),
    }


def encode(kind: str, puzzle: Any, solution: Any | None = None) -> TokenGrid:
    """The token grid of `puzzle` (with `solution` as target when given)."""
    return encoders()[kind][0](puzzle, solution)


def decode_tokens(kind: str, puzzle: Any, tokens: np.ndarray) -> Any:
    """The answer written by `tokens` for `puzzle`."""
    return encoders()[kind][1](puzzle, tokens)


def stack(grids: list[TokenGrid]) -> dict[str, np.ndarray]:
    """A batch of same-spec grids as arrays: tokens, is_condition, allowed (and target)."""
    specs = {id(g.spec) for g in grids}
    if len(specs) != 1:
        raise ValueError("a batch must share one grid spec (same kind and shape)")
    batch = {
        "tokens": np.stack([g.tokens for g in grids]),
        "is_condition": np.stack([g.is_condition for g in grids]),
        "allowed": np.stack([g.allowed for g in grids]),
    }
    if all(g.target is not None for g in grids):
        batch["target"] = np.stack([g.target for g in grids])
    return batch
