"""The autoregressive baseline (ARM): the MDM's backbone made causal, over the grid's cells
read in a decision order, as Shah et al. frame it: a stream of (cell, value) moves.

A puzzle is a sequence of tokens: a start token, then for every cell in the order (the givens
first, in position order, then the blanks in the order they are decided) a *cell token*
(the cell's coordinates) followed by a *value token* (its value, with the coordinates again).
The output at a value token (or the start) names the next cell: a softmax over the cells not
yet placed; the output at a cell token gives that cell's value. So the model chooses *where*
next and *what* there, and the value is predicted by a state that knows which cell it is for.
Trained on a solver's order it learns both; trained left to right, "where" is fixed and only the
values count. Relation biases follow the cells through the stream (the two tokens of one cell
relate as the cell does to itself), so the constraint graph is the same gift as for the MDM.
On a clue-linked grid (Zebra) the pairs a row's clues tie follow their cells too. The links are
read from the puzzle's conditions only (a masked pointer names nothing), and the conditions come
first in the stream, so they tell the model nothing that it has to predict.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from puzzlemdm.model.backbone import Backbone, LinkedTypes, StreamLinks
from puzzlemdm.model.links import LinkedRelation
from puzzlemdm.model.mdm import NEG_INF, ModelConfig, computing_in
from puzzlemdm.puzzles.grid import GridSpec

# The orders an ARM is trained on; at test time the solver-order ARM chooses its own.
ARM_ORDERS = ("left-to-right", "solver")
# How givens enter the stream: two tokens like every cell (the first ARMs), or one.
STREAMS = ("pairs", "compact")


class StreamLayout(NamedTuple):
    """Where each slot's tokens sit in a batch's stream of `length` tokens: `cell_index`
    [B, L] its cell token (-1: none, a given read as one token), `value_index` [B, L] its value
    token (the last slot's lies past the end: nothing reads it)."""

    cell_index: torch.Tensor
    value_index: torch.Tensor
    length: int


def stream_layout(length: int, prefix: torch.Tensor) -> StreamLayout:
    """The layout of a stream whose first `prefix[b]` slots are one token each (the givens of
    a compact stream; 0 for the pairs stream): the start, then those, then a cell token and a
    value token per slot. Rows end at 2L - prefix; shorter rows are padded after their end."""
    slot = torch.arange(length, device=prefix.device)
    single = slot < prefix[:, None]
    cell_index = torch.where(single, -1, 1 + 2 * slot - prefix[:, None])
    value_index = torch.where(single, 1 + slot, 2 + 2 * slot - prefix[:, None])
    longest = 2 * length - int(prefix.min()) if len(prefix) else 2 * length
    return StreamLayout(cell_index, value_index, longest)


class AutoregressiveModel(nn.Module):
    """p(next cell | moves so far) and p(its value | moves so far, the cell)."""

    family = "arm"

    def __init__(self, config: ModelConfig, spec: GridSpec) -> None:
        super().__init__()
        if not config.backbone.causal:
            raise ValueError("an ARM's backbone must be causal")
        if config.backbone.n_relations != spec.n_relations + 1:
            raise ValueError("an ARM needs one relation type more than its grid: the start's")
        if config.order not in ARM_ORDERS or config.stream not in STREAMS:
            raise ValueError(
                f"an ARM's order is one of {', '.join(ARM_ORDERS)} and its stream one of "
                f"{', '.join(STREAMS)}, not {config.order!r} and {config.stream!r}"
            )
        self.config = config
        self.vocab = spec.vocab
        self.length = spec.length
        # Types: the grid's static ones, the start token's, then the clue links' (if any), so
        # that a stream's per-row static types are a small one-hot (see stream_links).
        self.links = None if spec.links is None else LinkedRelation(spec)
        self.start_relation = spec.n_relations if spec.links is None else spec.links.first
        d = config.backbone.d_model
        self.value_embedding = nn.Embedding(spec.vocab, d)
        self.token_type = nn.Embedding(2, d)  # 0 = cell token, 1 = value token
        self.start = nn.Parameter(torch.zeros(d))
        self.backbone = Backbone(config.backbone)
        self.cell_head = nn.Linear(d, spec.length, bias=False)
        self.value_head = nn.Linear(d, spec.vocab, bias=False)
        self.register_buffer(
            "coords", torch.as_tensor(spec.coords, dtype=torch.long), persistent=False
        )
        self.register_buffer(
            "relation", torch.as_tensor(spec.relation, dtype=torch.long), persistent=False
        )
        for module in self.modules():
            if isinstance(module, nn.Linear | nn.Embedding):
                nn.init.normal_(module.weight, std=0.02)
        self.compute_dtype: torch.dtype | None = None

    @property
    def order(self) -> str:
        """The order it was trained on (`left-to-right` or `solver`)."""
        return self.config.order

    @property
    def compact(self) -> bool:
        """Whether a given cell is one token in the stream (its value and where) rather than
        two: the givens are read, never predicted, so a second token buys nothing and costs
        attention (Zebra's clues are most of its grid)."""
        return self.config.stream == "compact"

    def layout(self, order: torch.Tensor, puzzle: torch.Tensor | None) -> StreamLayout:
        """Where the tokens of each slot of `order` [B, L] sit in the stream: with the compact
        stream the givens of `puzzle` [B, L] (MASK at the blanks) take one token each."""
        if not self.compact:
            prefix = torch.zeros(order.shape[0], dtype=torch.long, device=order.device)
        elif puzzle is None:
            raise ValueError("a compact-stream ARM needs the puzzle to count its givens")
        else:
            prefix = (puzzle >= 0).sum(1)
        return stream_layout(order.shape[1], prefix)

    def stream_cells(self, order: torch.Tensor, layout: StreamLayout) -> torch.Tensor:
        """[B, T] the cell each stream token belongs to (-1: the start, or padding after a
        row's last token)."""
        batch, length = order.shape
        out = torch.full((batch, 2 * length + 2), -1, dtype=torch.long, device=order.device)
        dummy = 2 * length + 1  # where a given's missing cell token is written, then dropped
        out.scatter_(1, layout.value_index, order)
        out.scatter_(1, layout.cell_index.where(layout.cell_index >= 0, dummy), order)
        out = out[:, : layout.length]
        # a row ends before its last slot's value token (2L - its one-token slots)
        ends = layout.value_index[:, -1:]
        return out.where(torch.arange(layout.length, device=out.device) < ends, -1)

    def stream_relations(self, queries: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """[B, Q, K] relation types between stream tokens of cells `queries` [B, Q] and `keys`
        [B, K]: a token relates to another as their cells do (the two tokens of one cell as the
        cell to itself); the start and padding (cell -1) have their own type."""
        types = self.relation[queries.clamp_min(0)[:, :, None], keys.clamp_min(0)[:, None, :]]
        start = (queries[:, :, None] < 0) | (keys[:, None, :] < 0)
        return torch.where(start, self.start_relation, types)

    def clue_links(self, puzzle: torch.Tensor | None) -> LinkedTypes | None:
        """The pairs of cells that the clues of `puzzle` [B, L] (its conditions; MASK at the
        blanks) tie, by type; None on a grid without links."""
        if self.links is None:
            return None
        if puzzle is None:
            raise ValueError("an ARM on a clue-linked grid needs the puzzle to read its links")
        linked = self.links(puzzle)
        return linked._replace(types=linked.types + 1)  # past the start's type

    def stream_links(
        self, order: torch.Tensor, layout: StreamLayout, cells: torch.Tensor, linked: LinkedTypes
    ) -> LinkedTypes:
        """The stream's types as LinkedTypes: the static ones one-hot [B, T, T, S] (they differ
        by row), and each clue link between two cells on every pair of their tokens (the
        causal mask hides those still in the future)."""
        slot = order.argsort(1)  # [B, L] each cell's slot
        tokens = torch.stack([layout.cell_index, layout.value_index], 2).gather(
            1, slot[..., None].expand(-1, -1, 2)
        )  # [B, L(cell), 2] the stream indices of each cell's tokens (-1: none)
        queries = tokens[linked.rows, linked.queries]  # [N, 2]
        keys = tokens[linked.rows, linked.keys]
        queries, keys = queries[:, :, None].expand(-1, 2, 2), keys[:, None, :].expand(-1, 2, 2)
        ends = layout.value_index[linked.rows, -1][:, None, None]  # past a row's last token
        kept = (queries >= 0) & (keys >= 0) & (queries < ends) & (keys < ends)
        rows = linked.rows[:, None, None].expand(-1, 2, 2)[kept]
        types = linked.types[:, None, None].expand(-1, 2, 2)[kept]
        static = F.one_hot(self.stream_relations(cells, cells), self.start_relation + 1).float()
        return LinkedTypes(static, rows, queries[kept], keys[kept], types)

    def hidden(
        self, order: torch.Tensor, values: torch.Tensor, puzzle: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, StreamLayout]:
        """order [B, L]: the cell placed at each slot; values [B, L]: its value (only what
        precedes a token matters: the backbone is causal); `puzzle` [B, L]: the conditions
        (the compact stream counts its givens, a linked grid reads its clues there).
        -> the stream's outputs [B, T, D] and its layout: the token before a slot's first one
        names its cell, the slot's cell token gives its value."""
        batch, length = order.shape
        layout = self.layout(order, puzzle)
        width = 2 * length + 2  # room for every index the layout names, and the dummy
        index = lambda i: i.where(i >= 0, width - 1)[..., None].expand(-1, -1, self.start.numel())  # noqa: E731
        x = torch.zeros(batch, width, self.start.numel(), device=order.device)
        x = x.scatter(1, index(layout.value_index), self.value_token(order, values))
        x = x.scatter(1, index(layout.cell_index), self.cell_token(order))
        x = torch.cat([self.start.expand(batch, 1, -1), x[:, 1 : layout.length]], 1)
        cells = self.stream_cells(order, layout)
        linked = self.clue_links(puzzle)
        relation = (
            self.stream_relations(cells, cells)
            if linked is None
            else self.stream_links(order, layout, cells, linked)
        )
        with computing_in(order.device.type, self.compute_dtype):
            return self.backbone(x, None, relation), layout

    def cell_token(self, cells: torch.Tensor) -> torch.Tensor:
        """The embedding [..., D] of the cell tokens of `cells` [...]: where the move is."""
        return self.backbone.embed_coordinates(self.coords[cells]) + self.token_type.weight[0]

    def value_token(self, cells: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
        """The embedding [..., D] of the value tokens: the value written there, and where."""
        where = self.backbone.embed_coordinates(self.coords[cells])
        return where + self.value_embedding(values) + self.token_type.weight[1]

    def extend(
        self,
        token: torch.Tensor,
        cell: torch.Tensor,
        cells: torch.Tensor,
        cache: list,
        linked: LinkedTypes | None = None,
        padding: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The output [B, D] at one new stream token `token` [B, D] of cell `cell` [B] (-1 for
        the start) after the tokens of `cells` [B, T] whose keys and values `cache` holds
        (`Backbone.new_cache()`, extended here): decoding costs one token per call. `linked`:
        the puzzle's `clue_links` on a clue-linked grid; `padding` [B, T]: earlier tokens it
        must not see (rows aligned by padding in front)."""
        stream = torch.cat([cells, cell[:, None]], 1)
        relation = self.stream_relations(cell[:, None], stream)
        links = None if linked is None else token_links(linked, cell, stream)
        hidden_keys = None
        if padding is not None:
            hidden_keys = torch.cat([padding, padding.new_zeros(len(padding), 1)], 1)
        with computing_in(token.device.type, self.compute_dtype):
            out = self.backbone.extend(token[:, None], relation, cache, links, hidden_keys)
            return out[:, 0]

    def cell_logits(self, hidden: torch.Tensor, open_cells: torch.Tensor) -> torch.Tensor:
        """hidden [..., D] at a start/value token -> [..., L] logits of the next cell; cells
        not in `open_cells` [..., L] get -1e9."""
        with computing_in(hidden.device.type, self.compute_dtype):
            out = self.cell_head(hidden)
        return out.float().masked_fill(~open_cells, NEG_INF)

    def value_logits(self, hidden: torch.Tensor, allowed: torch.Tensor | None) -> torch.Tensor:
        """hidden [..., D] at a cell token -> [..., V] logits of its value; values not
        `allowed` [..., V] get -1e9."""
        with computing_in(hidden.device.type, self.compute_dtype):
            out = self.value_head(hidden)
        out = out.float()
        return out if allowed is None else out.masked_fill(~allowed, NEG_INF)

    def forward(
        self,
        order: torch.Tensor,
        values: torch.Tensor,
        allowed: torch.Tensor | None = None,
        puzzle: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher forcing: (cell logits [B, L(slot), L(cell)], value logits [B, L(slot), V]).
        At slot j the cells of slots < j are ruled out; `allowed` [B, L(cell), V] restricts
        each slot's cell's values; `puzzle` [B, L] (MASK at the blanks) gives a linked grid's
        clue links."""
        hidden, layout = self.hidden(order, values, puzzle)
        length = order.shape[1]
        slots = torch.arange(length, device=order.device)
        open_cells = order.argsort(1)[:, None, :] >= slots[None, :, None]  # [B, slot, cell]
        # a given read as one token has no cell token: its slot reads anything (no loss there)
        reads = layout.cell_index.where(layout.cell_index >= 0, slots)
        names = (layout.cell_index - 1).where(layout.cell_index >= 0, slots)
        at = lambda i: hidden.gather(1, i[..., None].expand(-1, -1, hidden.shape[-1]))  # noqa: E731
        cells = self.cell_logits(at(names), open_cells)
        slot_allowed = (
            None
            if allowed is None
            else allowed.gather(1, order[..., None].expand(-1, -1, allowed.shape[-1]))
        )
        return cells, self.value_logits(at(reads), slot_allowed)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def token_links(linked: LinkedTypes, cell: torch.Tensor, stream: torch.Tensor) -> StreamLinks:
    """The clue links of a new token of cell `cell` [B] (-1: the start, which has none) to the
    stream's tokens so far, itself included (`stream` [B, T + 1]: the cell of each token)."""
    hit = linked.queries == cell[linked.rows]
    rows, keys, types = linked.rows[hit], linked.keys[hit], linked.types[hit]
    entry, position = (stream[rows] == keys[:, None]).nonzero(as_tuple=True)
    return StreamLinks(rows[entry], position, types[entry])


def decision_order(tokens: torch.Tensor, rank: torch.Tensor | None = None) -> torch.Tensor:
    """[B, L] the position at each slot: givens first in position order, then the blanks by
    `rank` [B, L] (smaller first; e.g. a solver's order), or left to right without one."""
    length = tokens.shape[1]
    position = torch.arange(length, device=tokens.device).expand_as(tokens)
    blank = tokens < 0
    key = position if rank is None else torch.where(blank, rank, position)
    return (blank.long() * 2 * length + key).argsort(dim=1, stable=True)


def order_ranks(order: list[int], length: int) -> np.ndarray:
    """[length] each position's place in `order`; positions it misses come after, in
    position order (a solver's trace may skip cells it never had to fix)."""
    rank = length + np.arange(length)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
    return rank
