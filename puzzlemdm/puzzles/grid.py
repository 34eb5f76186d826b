"""The one token representation every model and decoder works on: GridSpec, TokenGrid, MASK.

A grid has L positions. `tokens[i]` is a value index in 0..V-1, or MASK (= -1) where the
value is unknown. Condition positions (givens, clues, padding) are never masked. Every position
carries small integer coordinates that the model embeds, an `allowed` row of the values it may
take, and each pair of positions a small relation type (same row / column / box ...) that the
model may turn into a learned attention bias. Static parts (coordinates, relations) live in a
`GridSpec` shared by all puzzles of one kind and shape; each kind builds its own (its
`tokens.py`). Some relations depend on the puzzle: a clue that names two cells ties them, and
which cells it names is in its tokens; `Links` says how to read them (the model builds those
relation types per row from the condition tokens). Pure numpy: no torch, no kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

MASK = -1


@dataclass(frozen=True)
class Links:
    """Condition segments (clues) whose tokens name positions of the grid.

    Pointer p is the token at position `pointers[p]`; its value t names position `target[t]`
    (-1: nothing, e.g. a house number rather than a person). It is argument
    `role[p]` of segment `segment[p]`, whose positions are `segments[g]` and whose meaning (the
    relation) is the token at `head[g]`, one of `heads` values. The relation types a row gains
    (numbered from the grid's static ones, `first`): a named position -> each position of its
    segment, by role; each segment position -> the named position, by role; and between two
    positions named by one segment, by the segment's head value and the two roles.
    """

    pointers: np.ndarray  # [P] int64
    target: np.ndarray  # [V] int64
    segment: np.ndarray  # [P] int64
    role: np.ndarray  # [P] int64
    segments: np.ndarray  # [G, S] int64
    head: np.ndarray  # [G] int64
    heads: int
    roles: int
    first: int

    @property
    def types(self) -> int:
        """How many relation types the links add."""
        return 2 * self.roles + self.heads * self.roles * self.roles


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
    links: Links | None = None  # relations named by condition tokens (n_relations counts them)
    # the coordinates that lay a cell out in a picture (its row, its column), and whether those
    # rows have an order worth plotting against (Sudoku's rows, Blocksworld's time steps; not
    # values that training relabels freely)
    picture: tuple[int, int] = (0, 1)
    ordered_rows: bool = True

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

    def describe(self) -> str:
        """The grid in words, for error messages ("zebra grid (houses 6, attributes 6)")."""
        shape = ", ".join(
            f"{k} {'x'.join(map(str, v)) if isinstance(v, tuple) else v}" for k, v in self.params
        )
        return f"{self.kind} grid ({shape})" if shape else f"{self.kind} grid of {self.length}"


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


def same(values: np.ndarray) -> np.ndarray:
    """[L, L] int64: 1 where two positions share `values` (a row, a column, a step...)."""
    return (values[:, None] == values[None, :]).astype(np.int64)


def allowed_rows(tokens: np.ndarray, is_condition: np.ndarray, free: np.ndarray) -> np.ndarray:
    """[L, V] allowed values: a condition position only its own value, the others `free`."""
    allowed = free.copy()
    allowed[is_condition] = False
    allowed[is_condition, tokens[is_condition]] = True
    return allowed


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
