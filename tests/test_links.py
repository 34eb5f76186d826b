"""Clue links: a zebra clue's people are tied to its tokens and to each other, per row."""

from pathlib import Path

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from puzzlemdm.model.backbone import Attention, BackboneConfig
from puzzlemdm.model.links import LinkedRelation
from puzzlemdm.puzzles.grid import stack
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.zebra.puzzle import POSITION
from puzzlemdm.puzzles.zebra.tokens import ARGUMENTS, RELATION_INDEX, SLOTS, shape

ROOT = Path(__file__).resolve().parent.parent


def hard_records(count: int = 30) -> list:
    path = ROOT / "datasets" / "zebra" / "hard" / "validation.jsonl"
    lines = path.read_text().splitlines()[:count]
    return get_kind("zebra").parse_text("\n".join(lines) + "\n", str(path))


def expected_links(puzzle, spec) -> set[tuple[int, int, int]]:
    """(query, key, type) of every link, from the puzzle's clues (not from its tokens)."""
    houses, attributes = shape(spec)
    first = spec.links.first
    out = set()
    for index, clue in enumerate(puzzle.clues):
        segment = range(
            houses * attributes + index * SLOTS, houses * attributes + (index + 1) * SLOTS
        )
        people = [
            (role, ref.value * attributes + ref.attribute)
            for role, (ref,) in enumerate(clue.args)
            if ref.attribute != POSITION
        ]
        for role, cell in people:
            out |= {(cell, member, first + role) for member in segment}
            out |= {(member, cell, first + ARGUMENTS + role) for member in segment}
            for other_role, other in people:
                if other_role != role:
                    kind = RELATION_INDEX[clue.rel] * ARGUMENTS**2 + role * ARGUMENTS + other_role
                    out.add((cell, other, first + 2 * ARGUMENTS + kind))
    return out


def test_each_clue_links_its_people_to_its_tokens_and_to_each_other():
    kind = get_kind("zebra")
    records = hard_records()
    spec = kind.spec_for([r.puzzle for r in records])
    tokens = torch.as_tensor(stack([kind.encode(r.puzzle, spec=spec) for r in records])["tokens"])
    linked = LinkedRelation(spec)(tokens)
    assert (linked.types >= spec.links.first).all() and (linked.types < spec.n_relations).all()
    for row, record in enumerate(records):
        mine = linked.rows == row
        found = set(
            zip(
                linked.queries[mine].tolist(),
                linked.keys[mine].tolist(),
                linked.types[mine].tolist(),
                strict=True,
            )
        )
        assert found == expected_links(record.puzzle, spec)


def test_house_numbers_and_unused_segments_link_nothing():
    kind = get_kind("zebra")
    record = hard_records(1)[0]
    spec = kind.spec_for([record.puzzle])
    bare = record.puzzle.with_clues(
        [c for c in record.puzzle.clues if all(r.attribute == POSITION for (r,) in c.args[1:])][:1]
    )
    tokens = torch.as_tensor(kind.encode(bare, spec=spec).tokens)[None]
    linked = LinkedRelation(spec)(tokens)
    people = sum(r.attribute != POSITION for c in bare.clues for (r,) in c.args)
    assert len(linked.rows) == people * 2 * SLOTS  # only the person's ties to its own clue


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_sparse_links_add_their_biases_on_top_of_the_static_types(seed):
    """The backbone's sparse path equals a dense multi-hot relation (static type + every link)."""
    kind = get_kind("zebra")
    records = hard_records(4)
    spec = kind.spec_for([r.puzzle for r in records])
    tokens = torch.as_tensor(stack([kind.encode(r.puzzle, spec=spec) for r in records])["tokens"])
    linked = LinkedRelation(spec)(tokens)
    torch.manual_seed(seed)
    cfg = BackboneConfig(n_layers=1, d_model=32, n_heads=4, n_relations=spec.n_relations)
    attention = Attention(cfg)
    torch.nn.init.normal_(attention.relation_bias)
    dense = torch.nn.functional.one_hot(linked.static, spec.n_relations).float()
    dense = dense[None].repeat(len(records), 1, 1, 1)
    dense.index_put_(
        (linked.rows, linked.queries, linked.keys, linked.types),
        torch.ones(len(linked.rows)),
        accumulate=True,
    )
    x = torch.randn(len(records), spec.length, 32)
    sparse_out, dense_out = attention(x, linked, None), attention(x, dense, None)
    np.testing.assert_allclose(sparse_out.detach(), dense_out.detach(), atol=1e-5)
    # and the biases learn the same: equal gradients through both paths
    grads = [
        torch.autograd.grad(out.square().sum(), attention.relation_bias)[0]
        for out in (sparse_out, dense_out)
    ]
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-4, atol=1e-4)
