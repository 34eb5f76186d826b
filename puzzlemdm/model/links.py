"""Relation types that a row's own condition tokens name (`GridSpec.links`), in torch.

A clue "the green person lives left of the tea drinker" names two cells; which two is in the
clue's tokens, so the attention bias that ties them is built per row: a list of typed pairs
(`LinkedTypes`) that the backbone adds on top of the grid's static types.
"""

from __future__ import annotations

import torch
from torch import nn

from puzzlemdm.model.backbone import LinkedTypes
from puzzlemdm.puzzles.grid import GridSpec


class LinkedRelation(nn.Module):
    """[B, L] tokens -> LinkedTypes: the static types plus the pairs the links name (see Links)."""

    def __init__(self, spec: GridSpec) -> None:
        super().__init__()
        links = spec.links
        if links is None:
            raise ValueError(f"the {spec.describe()} names no links")
        self.roles, self.heads = links.roles, links.heads
        long = lambda a: torch.as_tensor(a, dtype=torch.long)  # noqa: E731
        self.register_buffer("static", long(spec.relation), persistent=False)
        self.register_buffer("target", long(links.target), persistent=False)
        # every (pointer, member of its segment): the named cell <-> that member, by role
        members = links.segments[links.segment]  # [P, S]
        self.register_buffer(
            "member_pointer", long(links.pointers).repeat(members.shape[1]), persistent=False
        )
        self.register_buffer("member", long(members.T.reshape(-1)), persistent=False)
        role = long(links.role).repeat(members.shape[1])
        self.register_buffer("member_type", links.first + role, persistent=False)
        # every ordered pair of pointers of one segment (other roles): by head value and roles
        same = (links.segment[:, None] == links.segment[None, :]) & (
            links.role[:, None] != links.role[None, :]
        )
        p, q = same.nonzero()
        self.register_buffer("pair_p", long(links.pointers[p]), persistent=False)
        self.register_buffer("pair_q", long(links.pointers[q]), persistent=False)
        self.register_buffer("pair_head", long(links.head[links.segment[p]]), persistent=False)
        pair_roles = links.first + 2 * links.roles + links.role[p] * links.roles + links.role[q]
        self.register_buffer("pair_type", long(pair_roles), persistent=False)

    def forward(self, tokens: torch.Tensor) -> LinkedTypes:
        def named(positions: torch.Tensor) -> torch.Tensor:  # a masked pointer names nothing
            token = tokens[:, positions]
            return torch.where(token >= 0, self.target[token.clamp(0, len(self.target) - 1)], -1)

        batch = torch.arange(tokens.shape[0], device=tokens.device)[:, None]
        cell = named(self.member_pointer)  # [B, P * S]; -1: the pointer names nothing
        head = tokens[:, self.pair_head].clamp(0, self.heads - 1)
        pair_type = self.pair_type + head * self.roles**2
        first, second = named(self.pair_p), named(self.pair_q)
        rows, queries, keys, types = [], [], [], []
        for query, key, kind, valid in (
            (cell, self.member, self.member_type, cell >= 0),
            (self.member, cell, self.member_type + self.roles, cell >= 0),
            (first, second, pair_type, (first >= 0) & (second >= 0)),
        ):
            shape = valid.shape
            rows.append(batch.expand(shape)[valid])
            queries.append(query.expand(shape)[valid])
            keys.append(key.expand(shape)[valid])
            types.append(kind.expand(shape)[valid])
        return LinkedTypes(self.static, *(torch.cat(t) for t in (rows, queries, keys, types)))
