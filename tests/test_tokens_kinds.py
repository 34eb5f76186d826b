"""Zebra and Blocksworld token grids: lossless, verifier-consistent, and the MDM reads them."""

from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from puzzlemdm.model.backbone import BackboneConfig
from puzzlemdm.model.mdm import MaskedDiffusionModel, ModelConfig, spec_from_signature
from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.grid import MASK, stack
from puzzlemdm.puzzles.registry import get_kind

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["zebra", "blocksworld"]


def records(kind: str, level: str, count: int = 25):
    path = ROOT / "datasets" / kind / level / "test.jsonl"
    lines = path.read_text().splitlines()[:count]
    return get_kind(kind).parse_text("\n".join(lines) + "\n", str(path))


def check_grid(kind_name: str, puzzle, solution) -> None:
    kind = get_kind(kind_name)
    grid = get_kind(kind_name).encode(puzzle, solution)
    cond = grid.is_condition
    assert (grid.tokens[cond] == grid.target[cond]).all()  # conditions are the target's own
    assert (grid.tokens[~cond] == MASK).all()
    assert grid.allowed[np.arange(grid.spec.length), grid.target].all()  # target allowed
    assert (grid.allowed[cond].sum(1) == 1).all()
    answer = get_kind(kind_name).decode_tokens(puzzle, grid.target)
    assert kind.verify(puzzle, answer).ok
    assert not kind.verify(puzzle, get_kind(kind_name).decode_tokens(puzzle, grid.tokens)).ok
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
    pad = grid.spec.vocab - 1
    clue_tokens = grid.tokens[cells:].reshape(-1, 7)
    assert (clue_tokens[: len(puzzle.clues)] != pad).any(1).all()
    assert (clue_tokens[len(puzzle.clues) :] == pad).all()
    many = puzzle.with_clues(puzzle.clues * 40)
    with pytest.raises(PuzzleError, match="do not fit"):
        get_kind("zebra").encode(many)


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
