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
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from puzzlemdm.model.backbone import Backbone
from puzzlemdm.model.mdm import NEG_INF, ModelConfig, computing_in
from puzzlemdm.puzzles.grid import GridSpec

# The orders an ARM is trained on; at test time the solver-order ARM chooses its own.
ARM_ORDERS = ("left-to-right", "solver")


class AutoregressiveModel(nn.Module):
    """p(next cell | moves so far) and p(its value | moves so far, the cell)."""

    family = "arm"

    def __init__(self, config: ModelConfig, spec: GridSpec) -> None:
        super().__init__()
        if not config.backbone.causal:
            raise ValueError("an ARM's backbone must be causal")
        if spec.links is not None:
            # A clue-linked grid (Zebra) gives the MDM per-puzzle attention biases that this
            # stream does not carry yet: an ARM without them would not be a matched baseline.
            raise ValueError(
                f"an ARM cannot read the clue links of the {spec.describe()} yet; "
                "train an MDM or VMD on it"
            )
        if config.backbone.n_relations != spec.n_relations + 1:
            raise ValueError("an ARM needs one relation type more than its grid: the start's")
        self.config = config
        self.vocab = spec.vocab
        self.length = spec.length
        self.start_relation = spec.n_relations  # the grid's types are 0 .. n_relations - 1
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

    def stream_relations(self, order: torch.Tensor) -> torch.Tensor:
        """[B, 2L, 2L] relation types between the stream's tokens: token 0 is the start (its
        own type), tokens 2j + 1 and 2j + 2 belong to the cell decided at slot j."""
        batch, length = order.shape
        cells = order.repeat_interleave(2, 1)[:, : 2 * length - 1]  # tokens 1 .. 2L - 1
        out = torch.full((batch, 2 * length, 2 * length), self.start_relation, device=order.device)
        out[:, 1:, 1:] = self.relation[cells[:, :, None], cells[:, None, :]]
        return out

    def hidden(self, order: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
        """order [B, L]: the cell placed at each slot; values [B, L]: its value (only what
        precedes a token matters: the backbone is causal). -> [B, 2L, D]: token 2j reads the
        moves of slots < j (it names slot j's cell), token 2j + 1 also slot j's cell (it gives
        that cell's value)."""
        batch = order.shape[0]
        cell_tokens, value_tokens = self.cell_token(order), self.value_token(order, values)
        moves = torch.stack([cell_tokens, value_tokens], 2).flatten(1, 2)  # [B, 2L, D]
        start = self.start.expand(batch, 1, -1)
        x = torch.cat([start, moves[:, :-1]], 1)
        with computing_in(order.device.type, self.compute_dtype):
            return self.backbone(x, None, self.stream_relations(order))

    def cell_token(self, cells: torch.Tensor) -> torch.Tensor:
        """The embedding [..., D] of the cell tokens of `cells` [...]: where the move is."""
        return self.backbone.embed_coordinates(self.coords[cells]) + self.token_type.weight[0]

    def value_token(self, cells: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
        """The embedding [..., D] of the value tokens: the value written there, and where."""
        where = self.backbone.embed_coordinates(self.coords[cells])
        return where + self.value_embedding(values) + self.token_type.weight[1]

    def pair_types(self, cell: torch.Tensor, cells: torch.Tensor) -> torch.Tensor:
        """[B, 1, T] relation types of a new token of cell `cell` [B] with tokens of cells
        `cells` [B, T] (-1 = the start token, which has its own type)."""
        types = self.relation[cell.clamp_min(0)[:, None], cells.clamp_min(0)]
        start = (cell[:, None] < 0) | (cells < 0)
        return torch.where(start, self.start_relation, types)[:, None]

    def extend(
        self, token: torch.Tensor, cell: torch.Tensor, cells: torch.Tensor, cache: list
    ) -> torch.Tensor:
        """The output [B, D] at one new stream token `token` [B, D] of cell `cell` [B] (-1 for
        the start) after the tokens of `cells` [B, T] whose keys and values `cache` holds
        (`Backbone.new_cache()`, extended here): decoding costs one token per call."""
        relation = self.pair_types(cell, torch.cat([cells, cell[:, None]], 1))
        with computing_in(token.device.type, self.compute_dtype):
            return self.backbone.extend(token[:, None], relation, cache)[:, 0]

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
        self, order: torch.Tensor, values: torch.Tensor, allowed: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher forcing: (cell logits [B, L(slot), L(cell)], value logits [B, L(slot), V]).
        At slot j the cells of slots < j are ruled out; `allowed` [B, L(cell), V] restricts
        each slot's cell's values."""
        hidden = self.hidden(order, values)
        length = order.shape[1]
        slots = torch.arange(length, device=order.device)
        open_cells = order.argsort(1)[:, None, :] >= slots[None, :, None]  # [B, slot, cell]
        cells = self.cell_logits(hidden[:, 0::2], open_cells)
        slot_allowed = (
            None
            if allowed is None
            else allowed.gather(1, order[..., None].expand(-1, -1, allowed.shape[-1]))
        )
        return cells, self.value_logits(hidden[:, 1::2], slot_allowed)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


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
