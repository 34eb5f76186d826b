"""Zebra and Blocksworld token grids: lossless, verifier-consistent, and the MDM reads them."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from puzzlemdm.model.backbone import BackboneConfig
from puzzlemdm.model.mdm import MaskedDiffusionModel, ModelConfig, spec_from_signature
from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.blocksworld.tokens import blocksworld_spec
from puzzlemdm.puzzles.grid import MASK, stack
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.zebra.tokens import SLOTS, pad_base, zebra_spec

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["zebra", "blocksworld"]


def records(kind: str, level: str, count: int = 25):
    path = ROOT / "datasets" / kind / level / "test.jsonl"
    lines = path.read_text().splitlines()[:count]
    return get_kind(kind).parse_text("\n".join(lines) + "\n", str(path))


def check_grid(kind_name: str, puzzle, solution, spec=None) -> None:
    kind = get_kind(kind_name)
    grid = get_kind(kind_name).encode(puzzle, solution, spec)
    cond = grid.is_condition
    assert (grid.tokens[cond] == grid.target[cond]).all()  # conditions are the target's own
    assert (grid.tokens[~cond] == MASK).all()
    assert grid.allowed[np.arange(grid.spec.length), grid.target].all()  # target allowed
    assert (grid.allowed[cond].sum(1) == 1).all()
    answer = get_kind(kind_name).decode_tokens(puzzle, grid.target, grid.spec)
    assert kind.verify(puzzle, answer).ok
    unsolved = get_kind(kind_name).decode_tokens(puzzle, grid.tokens, grid.spec)
    assert not kind.verify(puzzle, unsolved).ok
    assert spec_from_signature(grid.spec.signature()) is grid.spec


@pytest.mark.parametrize(
    "kind_name,level", [(k, lv) for k in KINDS for lv in ("easy", "medium", "hard")]
)
def test_data_set_grids_round_trip_and_verify(kind_name, level):
    for record in records(kind_name, level):
        check_grid(kind_name, record.puzzle, record.solution)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), level=st.sampled_from(["easy", "medium"]))
def test_generated_puzzles_round_trip(seed, level):
    for kind_name in KINDS:
        record = get_kind(kind_name).generate(np.random.default_rng(seed), level)
        check_grid(kind_name, record.puzzle, record.solution)


def test_zebra_segments_hold_the_clues_and_refuse_too_many():
    record = records("zebra", "easy", 1)[0]
    puzzle = record.puzzle
    grid = get_kind("zebra").encode(puzzle)
    cells = puzzle.houses * len(puzzle.attributes)
    pad = pad_base(puzzle.houses, len(puzzle.attributes))
    clue_tokens = grid.tokens[cells:].reshape(-1, SLOTS)
    assert (clue_tokens[: len(puzzle.clues)] != pad).any(1).all()
    assert (clue_tokens[len(puzzle.clues) :] == pad).all()
    many = puzzle.with_clues(puzzle.clues * 40)
    with pytest.raises(PuzzleError, match="do not fit"):
        get_kind("zebra").encode(many)


@pytest.mark.parametrize("kind_name", KINDS)
def test_one_grid_holds_every_shape_of_a_kind(kind_name):
    """Every puzzle encodes on the corpus-wide grid, round-trips, and its target verifies."""
    kind = get_kind(kind_name)
    mixed = [r for level in ("easy", "hard") for r in records(kind_name, level, 15)]
    spec = kind.spec_for([r.puzzle for r in mixed])
    shapes = {str(kind.spec_for([r.puzzle]).params) for r in mixed}
    assert len(shapes) > 1  # the corpus really mixes shapes
    for record in mixed:
        check_grid(kind_name, record.puzzle, record.solution, spec)
    batch = stack([kind.encode(r.puzzle, r.solution, spec) for r in mixed])  # one batch
    assert batch["tokens"].shape == (len(mixed), spec.length)
    if spec.differ is not None:  # pad cells never clash with the all-different rule
        target = batch["target"]
        assert not (spec.differ[None] & (target[:, :, None] == target[:, None, :])).any()
    small, large = (
        min(mixed, key=lambda r: size(r.puzzle)),
        max(mixed, key=lambda r: size(r.puzzle)),
    )
    with pytest.raises(PuzzleError, match="holds at most"):
        kind.encode(large.puzzle, spec=kind.spec_for([small.puzzle]))


def size(puzzle) -> int:
    return getattr(puzzle, "n", None) or puzzle.houses * len(puzzle.attributes)


def test_zebra_padded_layout_cells_and_positions():
    kind = get_kind("zebra")
    record = next(
        r for r in records("zebra", "easy") if (r.puzzle.houses, len(r.puzzle.attributes)) == (3, 3)
    )
    puzzle = record.puzzle
    for houses, attributes in ((5, 4), (4, 5), (6, 6)):  # (5, 4) and (4, 5) share a length
        spec = zebra_spec(houses, attributes)
        grid = kind.encode(puzzle, record.solution, spec)
        where = kind.cell_positions(puzzle, spec)
        # the cell of person (attribute a, value v) is v * A + a
        assert where.tolist() == [v * attributes + a for v in range(3) for a in range(3)]
        assert (grid.tokens[where] == MASK).all()
        cells = grid.tokens[: houses * attributes].reshape(houses, attributes)
        pads = np.arange(houses)[:, None] + pad_base(houses, attributes)
        assert (cells[3:] == pads[3:]).all() and (cells[:, 3:] == pads).all()
        assert grid.allowed[where].sum(1).tolist() == [3] * 9  # houses 0..2 only
        assert kind.decode_tokens(puzzle, grid.target, grid.spec) == record.solution
        for a, row in enumerate(record.solution):  # a person's cell holds their house
            for house, value in enumerate(row):
                assert grid.target[value * attributes + a] == house
        arguments = grid.tokens[houses * attributes :].reshape(-1, SLOTS)[:, 1:]
        for clue, tokens in zip(puzzle.clues, arguments, strict=False):
            for (ref,), token in zip(clue.args, tokens, strict=False):
                named = attributes if ref.attribute == -1 else ref.attribute
                assert token == named * houses + ref.value  # house k: the attribute past all


def test_blocksworld_padded_columns_and_no_op_rows():
    kind = get_kind("blocksworld")
    record = records("blocksworld", "easy", 1)[0]
    puzzle, n = record.puzzle, record.puzzle.n
    spec = blocksworld_spec(n + 3)
    grid = kind.encode(puzzle, record.solution, spec)
    blocks = n + 3
    tokens = grid.tokens.reshape(-1, blocks)
    target = grid.target.reshape(-1, blocks)
    assert tokens.shape == (2 * blocks + 1, blocks)
    assert (tokens[:, n:] == blocks + 1).all() and grid.is_condition.reshape(tokens.shape)[
        :, n:
    ].all()
    assert (target[2 * n :, :n] == target[-1, :n]).all()  # no-op rows to the end
    goal = np.asarray(puzzle.goal)
    assert (tokens[-1, :n][goal >= 0] == goal[goal >= 0]).all()  # the goal is the last row
    assert kind.verify(puzzle, kind.decode_tokens(puzzle, grid.target, grid.spec)).ok
    allowed = grid.allowed.reshape(*tokens.shape, -1)[1, :n]
    assert (allowed.sum(1) == n).all() and not allowed[:, n + 1 :].any()  # table + other blocks
    where = kind.cell_positions(puzzle, spec)
    assert len(where) == (2 * n + 1) * n and where[n] == blocks  # step 1, block 1


def test_blocksworld_goal_met_at_the_start_leaves_nothing_to_decode():
    kind = get_kind("blocksworld")
    puzzle = records("blocksworld", "easy", 1)[0].puzzle
    met = replace(puzzle, goal=puzzle.init)  # the initial state as a full goal
    grid = kind.encode(met)
    assert grid.is_condition.all() and kind.decode_tokens(met, grid.tokens, grid.spec) == []
    assert not kind.encode(puzzle).is_condition.all()  # a goal still ahead is decoded


def test_blocksworld_relations_tie_each_row_to_its_neighbours():
    spec = blocksworld_spec(4)
    step, block = spec.coords[:, 0], spec.coords[:, 1]
    for query, key in np.ndindex(spec.length, spec.length):
        gap, same_block = step[key] - step[query], block[key] == block[query]
        expected = {
            (0, True): 3,  # itself
            (0, False): 1,  # same step
            (1, True): 4,  # this block one move later
            (-1, True): 5,
            (1, False): 6,  # another block one move later
            (-1, False): 7,
        }.get((gap, same_block), 2 if same_block else 0)
        assert spec.relation[query, key] == expected
    older = spec_from_signature({**spec.signature(), "n_relations": 4})  # earlier checkpoints
    assert older.n_relations == 4 and older.relation.max() == 3
    assert spec_from_signature(spec.signature()) is spec


@pytest.mark.parametrize("kind_name", KINDS)
def test_the_mdm_reads_every_kind_unchanged(kind_name):
    grids = [
        get_kind(kind_name).encode(r.puzzle, r.solution) for r in records(kind_name, "hard", 4)
    ]
    same_spec = [g for g in grids if g.spec is grids[0].spec]
    spec = same_spec[0].spec
    backbone = BackboneConfig(
        n_layers=1, d_model=16, n_heads=2,
        coord_sizes=list(spec.coord_sizes), n_relations=spec.n_relations,
    )  # fmt: skip
    model = MaskedDiffusionModel(ModelConfig(backbone, spec.signature()), spec)
    batch = stack(same_spec)
    logits = model(torch.as_tensor(batch["tokens"]), torch.as_tensor(batch["allowed"]))
    assert logits.shape == (len(same_spec), spec.length, spec.vocab)
    probs = logits.softmax(-1)
    assert (probs[~torch.as_tensor(batch["allowed"])] == 0).all()  # restricted to allowed
