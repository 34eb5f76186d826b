"""The autoregressive baseline: causal masking, decision orders, its decoder and checkpoints."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from puzzlemdm.decode.arm import decode_arm
from puzzlemdm.model.arm import STREAMS, AutoregressiveModel, decision_order, order_ranks
from puzzlemdm.model.backbone import BackboneConfig
from puzzlemdm.model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from puzzlemdm.model.mdm import MaskedDiffusionModel, ModelConfig
from puzzlemdm.puzzles.corpus import read_corpus
from puzzlemdm.puzzles.grid import stack
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.sudoku.tokens import sudoku_spec

SUDOKU = get_kind("sudoku")


def tiny_arm(
    spec, order: str = "solver", seed: int = 0, stream: str = "pairs"
) -> AutoregressiveModel:
    torch.manual_seed(seed)
    backbone = BackboneConfig(
        n_layers=2,
        d_model=32,
        n_heads=4,
        coord_sizes=[int(size) for size in spec.coord_sizes],
        n_relations=spec.n_relations + 1,
        causal=True,
    )
    config = ModelConfig(backbone, spec.signature(), "arm", order, stream=stream)
    return AutoregressiveModel(config, spec).eval()


def sudoku_batch(n: int = 4):
    records = read_corpus("datasets/sudoku/medium/validation.jsonl", "sudoku")[1][:n]
    spec = SUDOKU.spec_for([r.puzzle for r in records])
    batch = stack([SUDOKU.encode(r.puzzle, r.solution, spec) for r in records])
    as_tensor = {k: torch.as_tensor(v) for k, v in batch.items()}
    return records, spec, as_tensor


def test_causal_mask_hides_the_future():
    """Changing the value placed at slot s changes no output of slots <= s (slot s + 1 is the
    first to read it), neither the cells named nor the values given."""
    _, spec, batch = sudoku_batch(1)
    model = tiny_arm(spec)
    order = decision_order(batch["tokens"])
    values = batch["target"].gather(1, order)
    changed = values.clone()
    changed[0, 50] = (changed[0, 50] + 1) % spec.vocab
    for before, after in zip(model(order, values), model(order, changed), strict=True):
        assert torch.equal(before[:, :51], after[:, :51])
        assert not torch.equal(before[:, 51:], after[:, 51:])


def test_a_causal_model_cannot_learn_an_answer_that_comes_later():
    """A toy on a 4x4 grid where slot 1's target is the value read at slot 3 (a later
    decision): the causal model stays at chance, the same backbone without the mask learns it."""
    spec = sudoku_spec(2, 2)
    gen = torch.Generator().manual_seed(0)
    losses = {}
    for causal in (True, False):
        model = tiny_arm(spec)
        model.backbone.cfg.causal = causal
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
        order = torch.arange(spec.length).expand(64, -1)
        for _ in range(200):
            values = torch.randint(spec.vocab, (64, spec.length), generator=gen)
            logits = model(order, values)[1][:, 1]  # slot 1's value, trained to be ...
            loss = torch.nn.functional.cross_entropy(logits, values[:, 2])  # ... slot 2's
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses[causal] = loss.item()
    chance = float(np.log(spec.vocab))
    assert losses[True] > 0.9 * chance
    assert losses[False] < 0.5 * chance


def test_decision_order_puts_givens_first_then_blanks_by_rank():
    tokens = torch.tensor([[3, -1, -1, 0, -1]])
    assert decision_order(tokens).tolist() == [[0, 3, 1, 2, 4]]
    rank = torch.tensor([[9, 2, 0, 9, 1]])
    assert decision_order(tokens, rank).tolist() == [[0, 3, 2, 4, 1]]


def test_solver_order_replays_to_the_solution():
    """The solver-order sequence (givens, then the solver's placements) rebuilds the solution,
    every blank exactly once."""
    records, spec, batch = sudoku_batch(8)
    for row, record in enumerate(records):
        order = SUDOKU.solver_order(record, spec)
        blanks = set(np.flatnonzero(batch["tokens"][row].numpy() < 0).tolist())
        assert sorted(order) == sorted(blanks)
        rank = torch.as_tensor(order_ranks(order, spec.length))[None]
        slots = decision_order(batch["tokens"][row : row + 1], rank)[0]
        grid = batch["tokens"][row].clone()
        givens = int((grid >= 0).sum())
        assert slots[givens:].tolist() == order
        for cell in slots[givens:]:
            assert grid[cell] < 0
            grid[cell] = batch["target"][row, cell]
        answer = SUDOKU.decode_tokens(record.puzzle, grid.numpy(), spec)
        assert answer == record.solution


def test_augmentation_carries_the_solver_order_with_its_cells():
    """Carrying each cell's own index shows where every cell went: the moved grid is the
    original one read through that map, up to one relabelling of the digits."""
    _, spec, batch = sudoku_batch(4)
    source = torch.arange(spec.length).expand(4, -1)
    augment = SUDOKU.augmentation()
    gen = torch.Generator().manual_seed(1)
    tokens, target, _, moved = augment(
        batch["tokens"], batch["target"], batch["allowed"], spec, gen, carry=source
    )
    assert not torch.equal(moved, source)
    for row in range(4):
        came_from = moved[row]
        assert sorted(came_from.tolist()) == list(range(spec.length))
        assert torch.equal(tokens[row] < 0, batch["tokens"][row, came_from] < 0)
        relabel = dict(
            zip(batch["target"][row, came_from].tolist(), target[row].tolist(), strict=True)
        )
        assert len(relabel) == spec.vocab and len(set(relabel.values())) == spec.vocab
        assert all(
            relabel[int(a)] == int(b)
            for a, b in zip(batch["target"][row, came_from], target[row], strict=True)
        )


def test_greedy_decode_follows_the_teacher_forced_distribution():
    """Each greedy move (cell, then value) is the argmax of the teacher-forced logits of its
    own path; naming the cell costs a second model call per move."""
    _, spec, batch = sudoku_batch(3)
    model = tiny_arm(spec)
    result = decode_arm(model, batch["tokens"], batch["allowed"], order="model")
    assert (result.tokens >= 0).all()
    assert torch.equal(result.nfe, 2 * (batch["tokens"] < 0).sum(1))
    for row in range(3):
        givens = int((batch["tokens"][row] >= 0).sum())
        decided = result.order[row][result.order[row] >= 0]
        rank = torch.full((spec.length,), 10_000)
        rank[decided] = torch.arange(len(decided))
        slots = decision_order(batch["tokens"][row : row + 1], rank[None])
        values = result.tokens[row : row + 1].gather(1, slots)
        cells, value_logits = model(slots, values, batch["allowed"][row : row + 1])
        for k in (0, 5, len(decided) - 1):
            assert int(cells[0, givens + k].argmax()) == decided[k]
            assert int(value_logits[0, givens + k].argmax()) == result.values[row, k]


def test_left_to_right_and_given_orders_decide_in_that_order():
    records, spec, batch = sudoku_batch(2)
    model = tiny_arm(spec, order="left-to-right")
    l2r = decode_arm(model, batch["tokens"], batch["allowed"])  # auto = its training order
    for row in range(2):
        decided = l2r.order[row][l2r.order[row] >= 0].tolist()
        assert decided == sorted(decided)
    rank = torch.as_tensor(
        np.stack([order_ranks(SUDOKU.solver_order(r, spec), spec.length) for r in records])
    )
    given = decode_arm(model, batch["tokens"], batch["allowed"], order="given", given=rank)
    for row, record in enumerate(records):
        decided = given.order[row][given.order[row] >= 0].tolist()
        assert decided == SUDOKU.solver_order(record, spec)


def test_checkpoints_know_their_family(tmp_path):
    _, spec, _ = sudoku_batch(1)
    arm = tiny_arm(spec)
    save_checkpoint(tmp_path / "arm", arm)
    loaded = load_checkpoint(tmp_path / "arm")
    assert isinstance(loaded, AutoregressiveModel) and loaded.order == "solver"
    for key, value in arm.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value)
    with pytest.raises(CheckpointError, match=r"autoregressive.*masked diffusion"):
        load_checkpoint(tmp_path / "arm", family="mdm")
    backbone = BackboneConfig(n_layers=1, d_model=32, n_heads=4, coord_sizes=[9, 9, 9])
    mdm = MaskedDiffusionModel(ModelConfig(backbone, spec.signature()), spec)
    save_checkpoint(tmp_path / "mdm", mdm)
    with pytest.raises(CheckpointError, match=r"masked diffusion.*autoregressive"):
        load_checkpoint(tmp_path / "mdm", family="arm")


def test_solve_with_an_arm_checkpoint_decodes_alone_and_refuses_guided_search(tmp_path):
    import json

    from typer.testing import CliRunner

    from puzzlemdm.cli import app

    _, spec, _ = sudoku_batch(1)
    save_checkpoint(tmp_path / "arm", tiny_arm(spec))
    puzzle = "examples/sudoku.txt"
    alone = CliRunner().invoke(
        app, ["solve", puzzle, "--checkpoint", str(tmp_path / "arm"), "--search", "none", "--json"]
    )
    rows = [json.loads(line) for line in alone.output.splitlines() if line.startswith("{")]
    assert rows and all(r["solver"].endswith("/arm/model") for r in rows)
    assert all(r["nfe"] == 2 * r["puzzle"].count(".") for r in rows)  # two calls a move
    guided = CliRunner().invoke(
        app, ["solve", puzzle, "--checkpoint", str(tmp_path / "arm"), "--search", "guided"]
    )
    assert guided.exit_code == 2 and "cannot guide a search" in guided.output
    auto = CliRunner().invoke(
        app, ["solve", puzzle, "--checkpoint", str(tmp_path / "arm"), "--json"]
    )
    rows = [json.loads(line) for line in auto.output.splitlines() if line.startswith("{")]
    assert auto.exit_code == 0 and all(r["verified"] for r in rows)  # misses go to the solver


def test_the_order_study_reads_an_arms_own_order(tmp_path):
    import json

    from typer.testing import CliRunner

    from puzzlemdm.cli import app

    _, spec, _ = sudoku_batch(1)
    save_checkpoint(tmp_path / "arm", tiny_arm(spec))
    result = CliRunner().invoke(
        app,
        ["analyze", "orders", "--checkpoint", str(tmp_path / "arm"), "--methods", "arm",
         "--splits", "datasets/sudoku/easy/test.jsonl", "--limit", "3", "--no-figures",
         "--out", str(tmp_path / "study")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "study" / "summary.json").read_text())
    assert "arm" in json.dumps(summary)


def zebra_batch(path: str = "datasets/zebra/hard/validation.jsonl", n: int = 4):
    """Zebra puzzles of several shapes on one 6 x 6 grid (clue-linked; givens vary by row)."""
    zebra, records = read_corpus(path, "zebra", limit=n)
    mixed = records + read_corpus("datasets/zebra/easy/validation.jsonl", "zebra", limit=n)[1]
    spec = zebra.spec_for([r.puzzle for r in mixed])
    batch = stack([zebra.encode(r.puzzle, r.solution, spec) for r in mixed])
    return zebra, mixed, spec, {k: torch.as_tensor(v) for k, v in batch.items()}


def with_random_relation_biases(model: AutoregressiveModel) -> AutoregressiveModel:
    """Zero-initialised biases would hide a link sent to the wrong token."""
    with torch.no_grad():
        for block in model.backbone.blocks:
            block.attn.relation_bias.normal_(0.0, 1.0)
    return model


@pytest.mark.parametrize("stream", STREAMS)
@pytest.mark.parametrize("kind_name", ["zebra", "sudoku"])
def test_cached_decoding_is_the_teacher_forced_stream(stream, kind_name):
    """Every greedy move the key/value-cached decoder makes (rows padded in front to align
    them) is the argmax of one teacher-forced pass over all rows at once (padded after their
    ends), clue links included."""
    if kind_name == "zebra":
        _, _, spec, batch = zebra_batch()
    else:
        _, spec, batch = sudoku_batch(6)
    model = with_random_relation_biases(tiny_arm(spec, stream=stream))
    result = decode_arm(model, batch["tokens"], batch["allowed"], order="model")
    assert (result.tokens >= 0).all()
    givens = (batch["tokens"] >= 0).sum(1)
    rank = torch.full(batch["tokens"].shape, 10_000)
    decided = result.order >= 0
    for row, cells in enumerate(result.order):
        rank[row, cells[decided[row]]] = torch.arange(int(decided[row].sum()))
    slots = decision_order(batch["tokens"], rank)
    cells, values = model(slots, result.tokens.gather(1, slots), batch["allowed"], batch["tokens"])
    for row in range(len(slots)):
        g, n = int(givens[row]), int(decided[row].sum())
        assert n == spec.length - g
        assert cells[row, g : g + n].argmax(1).tolist() == result.order[row, :n].tolist()
        assert values[row, g : g + n].argmax(1).tolist() == result.values[row, :n].tolist()


def test_the_compact_stream_reads_a_given_as_one_token():
    _, _, spec, batch = zebra_batch()
    tokens = batch["tokens"]
    order = decision_order(tokens)
    pairs, compact = (tiny_arm(spec, stream=s) for s in STREAMS)
    assert pairs.layout(order, tokens).length == 2 * spec.length
    layout = compact.layout(order, tokens)
    assert layout.length == spec.length + int((tokens < 0).sum(1).max())
    cells = compact.stream_cells(order, layout)
    for row in range(len(tokens)):
        blanks = set(torch.nonzero(tokens[row] < 0).flatten().tolist())
        count = torch.bincount(cells[row][cells[row] >= 0], minlength=spec.length)
        last = int(order[row, -1])  # nothing reads the last move's value token
        assert all(count[c] == (c in blanks) + (c != last) for c in range(spec.length))


@pytest.mark.parametrize("stream", STREAMS)
def test_clue_links_land_on_every_pair_of_their_cells_tokens(stream):
    """The sparse stream links equal, pair by pair of tokens, the cell links read through the
    cell each token belongs to."""
    _, _, spec, batch = zebra_batch(n=2)
    model = tiny_arm(spec, stream=stream)
    order = decision_order(batch["tokens"])
    layout = model.layout(order, batch["tokens"])
    cells = model.stream_cells(order, layout)
    linked = model.clue_links(batch["tokens"])
    assert len(linked.rows) > 0
    streamed = model.stream_links(order, layout, cells, linked)
    batch_size, length = cells.shape
    got = torch.zeros(batch_size, length, length, dtype=torch.long)
    got.index_put_((streamed.rows, streamed.queries, streamed.keys), streamed.types + 1,
                   accumulate=True)  # fmt: skip
    cell_links = torch.zeros(batch_size, spec.length, spec.length, dtype=torch.long)
    cell_links.index_put_((linked.rows, linked.queries, linked.keys), linked.types + 1,
                          accumulate=True)  # fmt: skip
    named = cells.clamp_min(0)
    expected = cell_links[torch.arange(batch_size)[:, None, None], named[:, :, None],
                          named[:, None, :]]  # fmt: skip
    expected[(cells[:, :, None] < 0) | (cells[:, None, :] < 0)] = 0
    assert torch.equal(got, expected)


def test_a_masked_pointer_names_no_cell():
    _, _, spec, batch = zebra_batch(n=1)
    model = tiny_arm(spec)
    tokens = batch["tokens"][:1].clone()
    links = spec.links
    before = model.clue_links(tokens)
    tokens[0, links.pointers[0]] = -1  # the first clue's first argument, masked
    after = model.clue_links(tokens)
    assert len(after.rows) < len(before.rows)


def test_zebra_solver_order_replays_to_the_solution_and_moves_under_augmentation():
    zebra, records, spec, batch = zebra_batch(n=3)
    rank = torch.as_tensor(
        np.stack([order_ranks(zebra.solver_order(r, spec), spec.length) for r in records])
    )
    for row, record in enumerate(records):
        grid = batch["tokens"][row].clone()
        slots = decision_order(grid[None], rank[row : row + 1])[0]
        givens = int((grid >= 0).sum())
        assert sorted(slots[givens:].tolist()) == torch.nonzero(grid < 0).flatten().tolist()
        for cell in slots[givens:]:
            grid[cell] = batch["target"][row, cell]
        assert zebra.decode_tokens(record.puzzle, grid.numpy(), spec) == record.solution
    source = torch.arange(spec.length).expand(len(records), -1)
    moved = zebra.augmentation()(
        batch["tokens"], batch["target"], batch["allowed"], spec,
        torch.Generator().manual_seed(3), carry=source,
    )  # fmt: skip
    target, came_from = moved[1], moved[3]
    assert not torch.equal(came_from, source)
    for row in range(len(records)):
        assert sorted(came_from[row].tolist()) == list(range(spec.length))
        cells = torch.arange(spec.length) < spec.length - zebra_clue_tokens(spec)
        # a moved person keeps their house; the clue tokens stay where they were
        assert torch.equal(target[row][cells], batch["target"][row, came_from[row]][cells])
        assert torch.equal(came_from[row][~cells], torch.nonzero(~cells).flatten())


def zebra_clue_tokens(spec) -> int:
    return len(spec.links.pointers) + len(spec.links.head)


def test_model_config_keeps_the_stream_and_reads_older_checkpoints_as_pairs():
    _, spec, _ = sudoku_batch(1)
    config = tiny_arm(spec, stream="compact").config
    assert ModelConfig.from_dict(config.to_dict()).stream == "compact"
    older = tiny_arm(spec).config.to_dict()
    assert "stream" not in older and ModelConfig.from_dict(older).stream == "pairs"


@pytest.mark.parametrize("order", ["left-to-right", "solver"])
def test_a_compact_zebra_arm_trains_with_augmentation_and_reloads(order, tmp_path):
    """The whole training path of a clue-linked ARM: solver ranks (moved with their cells by
    the augmentation), the compact stream, finite losses, a checkpoint that reloads as itself."""
    import json

    from puzzlemdm.train.config import config_from_dict
    from puzzlemdm.train.loop import run_training

    corpus = str(tmp_path / "corpus.jsonl")  # a copy: train refuses the split's own file
    (tmp_path / "corpus.jsonl").write_text(
        Path("datasets/zebra/medium/validation.jsonl").read_text()
    )
    recipe = {
        "name": "tiny-zebra-arm",
        "out_dir": str(tmp_path),
        "seed": 0,
        "device": "cpu",
        "save_every": 100,
        "model": {"n_layers": 1, "d_model": 32, "n_heads": 4},
        "objective": {"family": "arm", "order": order, "stream": "compact"},
        "data": {"kind": "zebra", "train": [corpus], "validation": [corpus], "augment": True},
        "optim": {"steps": 30, "batch_size": 8, "warmup": 2, "lr": 3e-3},
        "eval": {"every": 30, "puzzles": 4},
    }
    run = run_training(config_from_dict(recipe))
    losses = [
        r["loss"] for r in map(json.loads, (run / "metrics.jsonl").read_text().splitlines())
        if "loss" in r
    ]  # fmt: skip
    assert losses and all(np.isfinite(losses))
    model = load_checkpoint(run / "last", family="arm")
    assert model.compact and model.order == order
