"""A compact pre-norm transformer over token grids (bidirectional, or causal for ARMs).

Inputs are value tokens plus per-position integer coordinates (summed embeddings, so the model
knows row/col/box or house/attribute without a fixed 1-D order). Optionally each layer adds a
learned per-head bias to its attention logits, one scalar per relation type of the pair
(same row / column / box ...): the puzzle's constraint graph, given to the model for free.
Pairs that a row's own clues tie (`LinkedTypes`) add their types' biases on top of the static
ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn


class LinkedTypes(NamedTuple):
    """The grid's static types [L, L] plus, per row, a few typed pairs: entry n ties query
    `queries[n]` to key `keys[n]` in row `rows[n]` with type `types[n]` (sparse: a clue links a
    handful of the L * L pairs, and a dense per-row one-hot would cost more than the model).
    A stream whose static types differ by row (an ARM's) gives them as a one-hot
    [B, L, L, S] over the first S types instead."""

    static: torch.Tensor
    rows: torch.Tensor
    queries: torch.Tensor
    keys: torch.Tensor
    types: torch.Tensor


def relation_rows(
    relation: torch.Tensor | LinkedTypes, rows: torch.Tensor, batch: int
) -> torch.Tensor | LinkedTypes:
    """The per-row relation of batch rows `rows` only (one-hot [B, L, L, S] or LinkedTypes)."""
    if isinstance(relation, torch.Tensor):
        return relation[rows]
    where = torch.full((batch,), -1, dtype=torch.long, device=rows.device)
    where[rows] = torch.arange(len(rows), device=rows.device)
    keep = where[relation.rows] >= 0
    static = relation.static[rows] if relation.static.dim() == 4 else relation.static
    return LinkedTypes(
        static,
        where[relation.rows[keep]],
        relation.queries[keep],
        relation.keys[keep],
        relation.types[keep],
    )


class StreamLinks(NamedTuple):
    """The linked types of one new stream token per row (see Attention.extend): entry n adds
    type `types[n]` to its pair with key `keys[n]` in row `rows[n]`."""

    rows: torch.Tensor
    keys: torch.Tensor
    types: torch.Tensor


@dataclass
class BackboneConfig:
    """Sizes of the transformer; `coord_sizes` and `n_relations` come from the GridSpec."""

    n_layers: int = 6
    d_model: int = 128
    n_heads: int = 8
    ffn_mult: int = 4
    coord_sizes: list[int] = field(default_factory=lambda: [9, 9, 9])
    n_relations: int = 8
    relation_bias: bool = True
    causal: bool = False
    dropout: float = 0.0
    # The blocks run this many times per forward, each run reading the last one's output (a
    # weight-tied refinement, as in the recursive reasoning models): more computation per
    # answer for no more parameters than one projection. 1 = a plain transformer.
    recurrence: int = 1

    def __post_init__(self) -> None:
        # a config.json typed by hand ("6", 6.0, null) fails here by name, not deep in torch
        for name, kind in self.__annotations__.items():
            value = getattr(self, name)
            if kind == "int" and type(value) is not int:
                raise TypeError(f"backbone.{name} must be a whole number, not {value!r}")
            if kind == "float" and type(value) not in (int, float):
                raise TypeError(f"backbone.{name} must be a number, not {value!r}")
            if kind == "bool" and type(value) is not bool:
                raise TypeError(f"backbone.{name} must be true or false, not {value!r}")
            listed = isinstance(value, list) and all(type(v) is int for v in value)
            if kind == "list[int]" and not listed:
                raise TypeError(f"backbone.{name} must be a list of whole numbers, not {value!r}")

    def to_dict(self) -> dict:
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


class Attention(nn.Module):
    def __init__(self, cfg: BackboneConfig) -> None:
        super().__init__()
        self.n_heads = cfg.n_heads
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=False)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model, bias=False)
        self.dropout = cfg.dropout
        # One learned scalar per (relation type, head); zero-init = plain attention at start.
        self.relation_bias = (
            nn.Parameter(torch.zeros(cfg.n_relations, cfg.n_heads)) if cfg.relation_bias else None
        )

    def forward(
        self,
        x: torch.Tensor,
        relation: torch.Tensor | LinkedTypes | None,
        attn_mask: torch.Tensor | None,
    ) -> torch.Tensor:
        b, length, d = x.shape
        q, k, v = self.qkv(x).view(b, length, 3, self.n_heads, d // self.n_heads).unbind(2)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # [B, H, L, Dh]
        bias = attn_mask
        if self.relation_bias is not None and isinstance(relation, LinkedTypes):
            if relation.static.is_floating_point():  # one-hot [B, L, L, S]: see Backbone
                first = self.relation_bias[: relation.static.shape[-1]].to(x.dtype)
                rel = (relation.static.to(x.dtype) @ first).permute(0, 3, 1, 2).contiguous()
            else:
                static = self.relation_bias[relation.static].permute(2, 0, 1).to(x.dtype)
                # Written in SDPA's [B, H, L, L] layout from the start: a zero [B, L, L, H]
                # buffer added through a permuted view cost more than the attention itself.
                rel = static.expand(b, -1, -1, -1).contiguous()
            heads = torch.arange(self.n_heads, device=x.device)
            rel = rel.index_put(
                (relation.rows[:, None], heads, relation.queries[:, None], relation.keys[:, None]),
                self.relation_bias[relation.types].to(x.dtype),
                accumulate=True,
            )
            bias = rel if bias is None else bias + rel
        elif self.relation_bias is not None and relation is not None:
            if relation.is_floating_point():  # one-hot types per row [B, L, L, R]: a matmul,
                # whose backward is another (indexing B * L * L entries backward is a slow
                # scatter on CPU)
                rel = (relation @ self.relation_bias.to(relation.dtype)).permute(0, 3, 1, 2)
            else:  # one grid's types [L, L]
                rel = self.relation_bias[relation].permute(2, 0, 1)[None]
            bias = rel if bias is None else bias + rel
        y = F.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=bias.to(q.dtype) if bias is not None else None,
            dropout_p=self.dropout if self.training else 0.0,
        )
        return self.proj(y.transpose(1, 2).reshape(b, length, d))

    def extend(
        self,
        x: torch.Tensor,
        relation: torch.Tensor | None,
        cache: list[torch.Tensor],
        linked: StreamLinks | None = None,
        hidden_keys: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """One new token per row of a causal stream: x [B, 1, D] attends to the cached keys and
        values of the tokens before it (`cache` = [K, V], [B, H, T, Dh], extended in place)
        and to itself; relation [B, 1, T + 1] (types of its pairs with them and itself);
        `linked`: the types its row's clues add on top, to some of those keys; `hidden_keys`
        [B, T + 1]: keys it must not attend to (padding)."""
        b, _, d = x.shape
        q, k, v = self.qkv(x).view(b, 1, 3, self.n_heads, d // self.n_heads).unbind(2)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # [B, H, 1, Dh]
        cache[0] = k if cache[0] is None else torch.cat([cache[0], k], 2)
        cache[1] = v if cache[1] is None else torch.cat([cache[1], v], 2)
        bias = None
        if self.relation_bias is not None and relation is not None:
            bias = self.relation_bias[relation].permute(0, 3, 1, 2).to(q.dtype)  # [B, H, 1, T+1]
            if linked is not None:
                heads = torch.arange(self.n_heads, device=x.device)
                bias = bias.index_put(
                    (linked.rows[:, None], heads, torch.zeros_like(heads), linked.keys[:, None]),
                    self.relation_bias[linked.types].to(q.dtype),
                    accumulate=True,
                )
        if hidden_keys is not None:
            blocked = torch.zeros(hidden_keys.shape, dtype=q.dtype, device=q.device)
            blocked = blocked.masked_fill(hidden_keys, float("-inf"))[:, None, None, :]
            bias = blocked if bias is None else bias + blocked
        y = F.scaled_dot_product_attention(q, cache[0], cache[1], attn_mask=bias)
        return self.proj(y.transpose(1, 2).reshape(b, 1, d))


class Block(nn.Module):
    def __init__(self, cfg: BackboneConfig) -> None:
        super().__init__()
        self.norm1 = RMSNorm(cfg.d_model)
        self.attn = Attention(cfg)
        self.norm2 = RMSNorm(cfg.d_model)
        hidden = cfg.ffn_mult * cfg.d_model
        self.mlp = nn.Sequential(
            nn.Linear(cfg.d_model, hidden, bias=False),
            nn.GELU(),
            nn.Linear(hidden, cfg.d_model, bias=False),
        )

    def forward(
        self,
        x: torch.Tensor,
        relation: torch.Tensor | LinkedTypes | None,
        attn_mask: torch.Tensor | None,
    ) -> torch.Tensor:
        x = x + self.attn(self.norm1(x), relation, attn_mask)
        return x + self.mlp(self.norm2(x))

    def extend(
        self,
        x: torch.Tensor,
        relation: torch.Tensor | None,
        cache: list[torch.Tensor],
        linked: StreamLinks | None = None,
        hidden_keys: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """`forward` for one new token of a causal stream (see Attention.extend)."""
        x = x + self.attn.extend(self.norm1(x), relation, cache, linked, hidden_keys)
        return x + self.mlp(self.norm2(x))


class Backbone(nn.Module):
    """Embeds coordinates, runs the blocks, returns normalised hidden states [B, L, D]."""

    def __init__(self, cfg: BackboneConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.coord_embeddings = nn.ModuleList(
            nn.Embedding(size, cfg.d_model) for size in cfg.coord_sizes
        )
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.norm = RMSNorm(cfg.d_model)
        if cfg.recurrence < 1 or (cfg.recurrence > 1 and cfg.causal):
            raise ValueError(
                f"recurrence must be 1 for a causal backbone and >= 1 otherwise, not "
                f"{cfg.recurrence}"
            )
        # How a run's output enters the next run's input. Zero at first (see zero_feedback):
        # a recurrent model warm-started from a plain one then begins as that model.
        self.feedback = (
            nn.Linear(cfg.d_model, cfg.d_model, bias=False) if cfg.recurrence > 1 else None
        )
        # How many runs a forward makes: the trained count unless `set_runs` says otherwise.
        self.n_runs = cfg.recurrence
        self.settling = False  # set_runs(settle=True): n_runs is a ceiling, see `settle`

    def set_runs(self, runs: int, settle: bool = False) -> None:
        """Run the blocks `runs` times per forward from now on (inference): every run of a
        recurrent backbone was trained to answer, so fewer runs trade accuracy for speed and
        more may refine further. A plain backbone has no feedback to run again with.
        `settle`: `runs` is a ceiling instead; each row runs as often as trained, then on only
        while its answer still changes from one run to the next (`settle`'s `settled`)."""
        if runs < 1:
            raise ValueError(f"runs must be at least 1, not {runs}")
        if runs > 1 and self.feedback is None:
            raise ValueError(
                f"{runs} runs need a recurrent model (`recurrence` > 1); this one runs its "
                "blocks once"
            )
        if settle and runs <= self.cfg.recurrence:
            raise ValueError(
                f"settling runs past the trained {self.cfg.recurrence} up to a ceiling above "
                f"them, not {runs}"
            )
        self.n_runs = runs
        self.settling = settle

    def zero_feedback(self) -> None:
        """Make every run after the first repeat the first (the model's initial state)."""
        if self.feedback is not None:
            nn.init.zeros_(self.feedback.weight)

    def embed_coordinates(self, coords: torch.Tensor) -> torch.Tensor:
        """The summed coordinate embeddings of positions `coords` [..., C] -> [..., D]."""
        return sum(embedding(coords[..., i]) for i, embedding in enumerate(self.coord_embeddings))

    def forward(
        self,
        x: torch.Tensor,
        coords: torch.Tensor | None,
        relation: torch.Tensor | LinkedTypes | None,
        condition: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """x: token embeddings [B, L, D]; coords [L, C] or [B, L, C] (None: `x` already holds
        them); relation [L, L] or [B, L, L] (types), LinkedTypes or None; condition
        [B, n_layers, D]: a vector added to every position before each block (a latent
        variable's say)."""
        return self.runs(x, coords, relation, condition)[-1]

    def runs(
        self,
        x: torch.Tensor,
        coords: torch.Tensor | None,
        relation: torch.Tensor | LinkedTypes | None,
        condition: torch.Tensor | None = None,
    ) -> list[torch.Tensor]:
        """`forward`'s hidden states after each of the `n_runs` runs of the blocks (the last is
        `forward`'s): what deep supervision trains, one loss per run."""
        x, relation = self._inputs(x, coords, relation)
        attn_mask = None
        if self.cfg.causal:
            length = x.shape[1]
            attn_mask = torch.full((length, length), float("-inf"), device=x.device).triu(1)
        outputs: list[torch.Tensor] = []
        for _ in range(self.n_runs):
            previous = None if not outputs else outputs[-1]
            outputs.append(self._run(x, previous, relation, condition, attn_mask))
        return outputs

    def _inputs(
        self,
        x: torch.Tensor,
        coords: torch.Tensor | None,
        relation: torch.Tensor | LinkedTypes | None,
    ) -> tuple[torch.Tensor, torch.Tensor | LinkedTypes | None]:
        """The first run's input (coordinates added) and the relation as the blocks take it."""
        if coords is not None:
            x = x + self.embed_coordinates(coords)
        if isinstance(relation, torch.Tensor) and relation.dim() == 3:  # a matrix per row
            relation = F.one_hot(relation, self.cfg.n_relations).to(x.dtype)
        return x, relation

    def _run(
        self,
        x: torch.Tensor,
        previous: torch.Tensor | None,
        relation: torch.Tensor | LinkedTypes | None,
        condition: torch.Tensor | None,
        attn_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """One run of the blocks over embedded `x`, reading the last run's output."""
        h = x if previous is None else x + self.feedback(previous)
        for i, block in enumerate(self.blocks):
            if condition is not None:
                h = h + condition[:, i, None]
            h = block(h, relation, attn_mask)
        return self.norm(h)

    def settle(
        self,
        x: torch.Tensor,
        coords: torch.Tensor,
        relation: torch.Tensor | LinkedTypes | None,
        settled: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
        condition: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """`forward` with adaptive depth (a recurrent model's halting): each row runs the
        blocks at least as often as trained and at most `n_runs` times, stopping once
        `settled(before, after, rows)` [R] says a run left its output as the run before had
        it; settled rows leave the batch, so a settled row costs its trained runs. Returns the
        hidden states [B, L, D] and the runs each row made [B]."""
        x, relation = self._inputs(x, coords, relation)
        per_row = isinstance(relation, LinkedTypes) or (
            isinstance(relation, torch.Tensor) and relation.dim() == 4
        )
        batch = x.shape[0]
        rows = torch.arange(batch, device=x.device)  # still running
        made = torch.zeros(batch, dtype=torch.long, device=x.device)
        out = torch.empty_like(x)
        last = None
        for run in range(1, self.n_runs + 1):
            step = self._run(
                x[rows],
                last,
                relation_rows(relation, rows, batch) if per_row else relation,
                None if condition is None else condition[rows],
            )
            done = (
                torch.ones_like(rows, dtype=torch.bool)
                if run == self.n_runs
                else settled(last, step, rows)
                if run >= self.cfg.recurrence
                else torch.zeros_like(rows, dtype=torch.bool)
            )
            out[rows[done]], made[rows[done]] = step[done], run
            rows, last = rows[~done], step[~done]
            if not len(rows):
                break
        return out, made

    def new_cache(self) -> list[list[torch.Tensor | None]]:
        """Empty key/value caches, one [K, V] per block, for `extend`."""
        return [[None, None] for _ in self.blocks]

    def extend(
        self,
        x: torch.Tensor,
        relation: torch.Tensor | None,
        cache: list[list[torch.Tensor]],
        linked: StreamLinks | None = None,
        hidden_keys: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """A causal backbone's output [B, 1, D] for one new token x [B, 1, D] (coordinates
        included) after the tokens `cache` holds: the same as `forward` on the whole stream,
        read at its last position, for one token's work per block."""
        if not self.cfg.causal:
            raise ValueError("only a causal backbone extends a stream token by token")
        for block, kv in zip(self.blocks, cache, strict=True):
            x = block.extend(x, relation, kv, linked, hidden_keys)
        return self.norm(x)
