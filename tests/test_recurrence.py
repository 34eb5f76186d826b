"""A recurrent backbone: its blocks run several times per forward (weight-tied refinement),
every run supervised in training, and it can start from a plain model's weights."""

import json

import pytest
import torch
from safetensors.torch import load_file

from puzzlemdm.bench.outputs import refuse_mixing
from puzzlemdm.model.backbone import Backbone, BackboneConfig
from puzzlemdm.model.checkpoint import CheckpointError, load_checkpoint, provenance, runs_changed
from puzzlemdm.puzzles.grid import MASK
from puzzlemdm.solving import UsageError
from puzzlemdm.train.config import config_from_dict
from puzzlemdm.train.loop import run_training
from tests.test_train import corpus, tiny_config  # noqa: F401 (a fixture)


def test_a_recurrent_model_started_from_a_plain_one_answers_as_it_did(corpus, tmp_path):  # noqa: F811
    plain = run_training(config_from_dict(tiny_config(corpus, tmp_path / "plain", steps=3)))
    recipe = tiny_config(corpus, tmp_path / "loop", steps=1)
    recipe["init"] = str(plain / "last")
    recipe["model"]["recurrence"] = 3
    recipe["optim"].update(lr=0.0, min_lr=0.0)  # a zero step: the weights stay the init's
    looped = run_training(config_from_dict(recipe))
    start = json.loads((looped / "metrics.jsonl").read_text().splitlines()[0])
    assert start["init"]["recurrence"] == [1, 3]

    before, after = load_checkpoint(plain / "last"), load_checkpoint(looped / "last")
    assert after.config.backbone.recurrence == 3
    assert after.num_parameters() == before.num_parameters() + 16 * 16  # one projection more
    tokens = torch.full((2, 81), MASK)
    tokens[:, :9] = torch.arange(9)
    runs = after(tokens, every_run=True)
    assert runs.shape == (3, 2, 81, 9)
    for logits in (*runs, after(tokens)):
        torch.testing.assert_close(logits, before(tokens))


def test_every_run_is_supervised_and_the_feedback_learns(corpus, tmp_path):  # noqa: F811
    recipe = tiny_config(corpus, tmp_path, steps=4)
    recipe["model"]["recurrence"] = 2
    run = run_training(config_from_dict(recipe))
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    logged = [r for r in rows if "loss" in r]
    assert logged and all({"loss_run1", "loss_run2"} <= r.keys() for r in logged)
    for r in logged:  # the loss is the runs' mean
        assert r["loss"] == pytest.approx((r["loss_run1"] + r["loss_run2"]) / 2, rel=1e-4)
    feedback = load_file(str(run / "last" / "model.safetensors"))["backbone.feedback.weight"]
    assert feedback.abs().max() > 0  # zero at the start, moved by the second run's loss


def test_a_causal_backbone_cannot_recur():
    with pytest.raises(ValueError, match="recurrence"):
        Backbone(BackboneConfig(causal=True, recurrence=2))
    with pytest.raises(ValueError, match="recurrence"):
        Backbone(BackboneConfig(recurrence=0))


def test_a_recurrent_model_runs_as_many_times_as_asked(corpus, tmp_path):  # noqa: F811
    recipe = tiny_config(corpus, tmp_path, steps=4)
    recipe["model"]["recurrence"] = 2
    folder = run_training(config_from_dict(recipe)) / "last"
    tokens = torch.full((2, 81), MASK)
    tokens[:, :9] = torch.arange(9)
    trained = load_checkpoint(folder)
    every = trained(tokens, every_run=True)
    assert not runs_changed(trained)

    once = load_checkpoint(folder, runs=1)
    torch.testing.assert_close(once(tokens), every[0])  # the first run's answer, alone
    assert runs_changed(once) == {"runs": 1}
    thrice = load_checkpoint(folder, runs=3)
    three = thrice(tokens, every_run=True)
    assert three.shape[0] == 3
    torch.testing.assert_close(three[:2], every)  # the trained runs, then one more
    assert not torch.allclose(three[2], every[1])
    assert provenance(folder, thrice, torch.device("cpu"), 0)["runs"] == 3


def test_runs_are_refused_where_there_is_nothing_to_run_again(corpus, tmp_path):  # noqa: F811
    plain = run_training(config_from_dict(tiny_config(corpus, tmp_path, steps=1))) / "last"
    assert not runs_changed(load_checkpoint(plain, runs=1))
    with pytest.raises(CheckpointError, match="recurrent"):
        load_checkpoint(plain, runs=2)
    with pytest.raises(ValueError, match="at least 1"):
        Backbone(BackboneConfig(recurrence=2)).set_runs(0)


def test_settling_rows_leave_the_batch_at_the_run_they_settle():
    torch.manual_seed(0)
    backbone = Backbone(BackboneConfig(n_layers=1, d_model=16, n_heads=2, recurrence=2)).eval()
    torch.nn.init.normal_(backbone.feedback.weight, std=0.3)
    backbone.set_runs(5, settle=True)
    x = torch.randn(4, 6, 16)
    coords = torch.zeros(6, 3, dtype=torch.long)
    relation = torch.randint(0, 8, (4, 6, 6))  # one matrix per row: subset with the rows
    asked = []

    def settled(before, after, rows):
        asked.append(rows.tolist())
        return rows % 2 == 0  # even rows settle at the first chance, odd ones never

    with torch.no_grad():
        hidden, made = backbone.settle(x, coords, relation, settled)
        every = backbone.runs(x, coords, relation)
    assert made.tolist() == [2, 5, 2, 5]
    assert asked == [[0, 1, 2, 3], [1, 3], [1, 3]]  # from the trained run on, not at the last
    torch.testing.assert_close(hidden[0::2], every[1][0::2])
    torch.testing.assert_close(hidden[1::2], every[4][1::2])
    with pytest.raises(ValueError, match="ceiling above"):
        backbone.set_runs(2, settle=True)


def test_a_settling_model_answers_with_the_first_run_that_changes_no_pick(corpus, tmp_path):  # noqa: F811
    recipe = tiny_config(corpus, tmp_path, steps=4)
    recipe["model"]["recurrence"] = 2
    folder = run_training(config_from_dict(recipe)) / "last"
    tokens = torch.full((6, 81), MASK)
    tokens[:, :9] = torch.arange(9)
    tokens[3:, 9:78] = torch.arange(69) % 9  # three unknown cells: settles sooner
    allowed = torch.ones(6, 81, 9, dtype=torch.bool)
    allowed[:, 20:40, 0] = False
    settling = load_checkpoint(folder, settle=True)
    assert runs_changed(settling) == {"runs": 4, "settle": True}
    assert provenance(folder, settling, torch.device("cpu"), 0)["settle"] is True
    with torch.no_grad():
        every = load_checkpoint(folder, runs=4)(tokens, allowed, every_run=True)
        got = settling(tokens, allowed)
    picks = every.argmax(-1)
    unknown = tokens == MASK
    runs = []
    for b in range(6):
        # run r + 1 (from the trained 2nd) settles when it picks as run r did; the 4th is the last
        run = next(
            (r + 1 for r in (0, 1) if ((picks[r, b] == picks[r + 1, b]) | ~unknown[b]).all()), 3
        )
        torch.testing.assert_close(got[b], every[run, b])
        runs.append(run)
    assert runs == [3, 3, 3, 1, 1, 1]  # all unknown run to the ceiling; three settle at once

    # a checkpoint can say how it is run by default; a caller's runs still decide
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(
        json.dumps({**config, "inference": {"runs": 4, "settle": True}})
    )
    assert runs_changed(load_checkpoint(folder)) == {"runs": 4, "settle": True}
    assert runs_changed(load_checkpoint(folder, runs=3)) == {"runs": 3}
    with torch.no_grad():
        torch.testing.assert_close(load_checkpoint(folder)(tokens, allowed), got)
    for bad in ({"runs": "8"}, {"settle": 1}, [8], {"runs": 2, "settle": True}):
        (folder / "config.json").write_text(json.dumps({**config, "inference": bad}))
        with pytest.raises(CheckpointError, match="inference"):
            load_checkpoint(folder)


def test_settling_needs_a_recurrent_model(corpus, tmp_path):  # noqa: F811
    plain = run_training(config_from_dict(tiny_config(corpus, tmp_path, steps=1))) / "last"
    with pytest.raises(CheckpointError, match="--settle: needs a recurrent model"):
        load_checkpoint(plain, settle=True)


def test_a_table_of_other_runs_is_another_model():
    header = {"weights_sha256": "abc", "device": "cpu"}
    refuse_mixing([header], dict(header), "out")  # the same weights, run as trained
    with pytest.raises(UsageError, match="run 1x"):
        refuse_mixing([header], {**header, "runs": 1}, "out")
    with pytest.raises(UsageError, match="settling"):
        refuse_mixing([{**header, "runs": 8}], {**header, "runs": 8, "settle": True}, "out")
