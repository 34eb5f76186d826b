"""Training: a tiny run learns, resume continues exactly, checkpoints reload (or fail clearly)."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from puzzlemdm.model.checkpoint import CheckpointError, load_checkpoint
from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.train.config import config_from_dict, load_config
from puzzlemdm.train.loop import run_training


def write_corpus(path: Path, count: int = 24, seed: int = 5) -> None:
    from puzzlemdm.puzzles.sudoku.generate import minimal_puzzle, random_solution

    with path.open("w") as fh:
        for i in range(count):
            rng = np.random.default_rng([seed, i])
            solution = random_solution(rng)
            puzzle = minimal_puzzle(rng, solution)
            fh.write(
                json.dumps(
                    {
                        "id": str(i),
                        "kind": "sudoku",
                        "level": "x",
                        "puzzle": puzzle.to_line(),
                        "solution": solution.to_line(),
                        "meta": {},
                    }
                )
                + "\n"
            )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "corpus.jsonl"
    write_corpus(path)
    return path


def tiny_config(corpus: Path, out: Path, steps: int = 6) -> dict:
    return {
        "name": "tiny",
        "out_dir": str(out),
        "seed": 3,
        "device": "cpu",
        "save_every": 100,
        "model": {"n_layers": 1, "d_model": 16, "n_heads": 2},
        "data": {"train": [str(corpus)], "validation": [str(corpus)]},
        "optim": {"steps": steps, "batch_size": 8, "warmup": 2},
        "eval": {"every": 3, "puzzles": 4},
    }


def test_tiny_run_writes_metrics_checkpoints_and_resolved_config(corpus, tmp_path):
    run = run_training(config_from_dict(tiny_config(corpus, tmp_path)))
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert rows[0]["event"] == "start" and rows[0]["train_puzzles"] == 24
    assert any("val_solve_rate" in r for r in rows) and any("loss" in r for r in rows)
    assert json.loads((run / "config.json").read_text())["optim"]["steps"] == 6
    model = load_checkpoint(run / "last")
    assert (
        model.num_parameters()
        == json.loads((run / "last" / "config.json").read_text())["parameters"]
    )


def test_relation_biases_learn_at_their_own_scale(corpus, tmp_path):
    """relation_lr_scale speeds up the attention relation biases (zero at the start) only."""

    def biases_after(scale: float, out: Path) -> float:
        recipe = tiny_config(corpus, out, steps=2)
        recipe["optim"]["relation_lr_scale"] = scale
        weights = load_file(
            str(run_training(config_from_dict(recipe)) / "last" / "model.safetensors")
        )
        return max(float(w.abs().max()) for k, w in weights.items() if "relation_bias" in k)

    plain, fast = biases_after(1.0, tmp_path / "plain"), biases_after(30.0, tmp_path / "fast")
    assert plain > 0 and fast > 10 * plain
    with pytest.raises(ValueError, match="relation_lr_scale"):
        config_from_dict({**tiny_config(corpus, tmp_path), "optim": {"relation_lr_scale": 0}})


def test_resume_continues_exactly(corpus, tmp_path):
    straight = run_training(config_from_dict(tiny_config(corpus, tmp_path / "a")))
    halted = config_from_dict(tiny_config(corpus, tmp_path / "b"))
    run_training(halted, stop_after=3)
    resumed = run_training(config_from_dict(tiny_config(corpus, tmp_path / "b")), resume=True)
    first = load_file(str(straight / "last" / "model.safetensors"))
    second = load_file(str(resumed / "last" / "model.safetensors"))
    assert first.keys() == second.keys()
    for key in first:
        assert torch.equal(first[key], second[key]), key


def test_second_stage_starts_from_the_init_checkpoint(corpus, tmp_path):
    first = run_training(config_from_dict(tiny_config(corpus, tmp_path / "a", steps=2)))
    recipe = tiny_config(corpus, tmp_path / "b", steps=1)
    recipe["init"] = str(first / "last")
    recipe["optim"].update(lr=0.0, min_lr=0.0)  # a zero step: the weights must be the init's
    second = run_training(config_from_dict(recipe))
    before = load_file(str(first / "last" / "model.safetensors"))
    after = load_file(str(second / "last" / "model.safetensors"))
    for key in before:
        assert torch.equal(before[key], after[key]), key
    start = json.loads((second / "metrics.jsonl").read_text().splitlines()[0])
    assert start["init"] == {"folder": str(first / "last"), "step": 2, "val_solve_rate": None}

    recipe["model"]["d_model"] = 32
    with pytest.raises(CheckpointError, match="another architecture"):
        run_training(config_from_dict(recipe), overwrite=True)


def test_float16_checkpoints_reload_as_float32_with_the_same_answers(corpus, tmp_path):
    recipe = tiny_config(corpus, tmp_path, steps=3)
    recipe["save_dtype"] = "float16"
    run = run_training(config_from_dict(recipe))
    stored = load_file(str(run / "last" / "model.safetensors"))
    assert {t.dtype for t in stored.values()} == {torch.float16}
    model = load_checkpoint(run / "last")
    assert {p.dtype for p in model.parameters()} == {torch.float32}
    exact = {k: v for k, v in torch.load(run / "resume.pt", weights_only=True)["model"].items()}
    assert {t.dtype for t in exact.values()} == {torch.float32}  # resume stays exact
    for key, value in stored.items():
        torch.testing.assert_close(value.float(), exact[key], rtol=1e-3, atol=1e-4)


def test_unknown_precision_or_save_dtype_is_refused(corpus, tmp_path):
    for key, value in (("precision", "fp8"), ("save_dtype", "int8")):
        recipe = tiny_config(corpus, tmp_path, steps=1)
        recipe[key] = value
        with pytest.raises(ValueError, match=key):
            run_training(config_from_dict(recipe))


def test_a_missing_init_is_refused_before_any_corpus_is_built(corpus, tmp_path):
    from rich.console import Console

    from puzzlemdm.model.errors import CheckpointError
    from puzzlemdm.train.progress import train_with_progress

    recipe = tiny_config(corpus, tmp_path, steps=1)
    recipe["init"] = str(tmp_path / "stage1" / "last")
    unbuilt = tmp_path / "never-built.jsonl"
    recipe["data"] = {**recipe["data"], "train": [str(unbuilt)], "corpora": "no/such.toml"}
    with pytest.raises(CheckpointError, match="train the stage that makes it first"):
        train_with_progress(config_from_dict(recipe), resume=False, console=Console())
    assert not unbuilt.exists() and not (tmp_path / "tiny").exists()


def test_training_puzzles_equal_to_a_held_out_one_up_to_symmetry_are_dropped(corpus, tmp_path):
    from puzzlemdm.puzzles.sudoku.board import Sudoku
    from puzzlemdm.puzzles.sudoku.symmetry import random_symmetry
    from puzzlemdm.train.data import load_token_set

    rows = [json.loads(line) for line in corpus.read_text().splitlines()]
    rng = np.random.default_rng(0)
    held_out = tmp_path / "test.jsonl"
    with held_out.open("w") as fh:
        for row in rows[:3]:  # the first three, each under a random symmetry
            symmetry = random_symmetry(rng, Sudoku.from_line(row["puzzle"]).shape)
            image = {k: symmetry.apply(Sudoku.from_line(row[k])).to_line()
                     for k in ("puzzle", "solution")}  # fmt: skip
            fh.write(json.dumps({**row, **image}) + "\n")
    data, dropped = load_token_set([str(corpus)], [str(held_out)])
    assert (len(data), dropped) == (len(rows) - 3, 3)


def test_the_time_schedule_anneals_on_the_wall_clock_when_that_ends_first(corpus, tmp_path):
    from puzzlemdm.train.loop import learning_rate

    recipe = tiny_config(corpus, tmp_path, steps=1000)
    recipe["max_minutes"] = 10.0
    recipe["optim"] |= {"lr": 1e-3, "min_lr": 0.0, "warmup": 0}
    by_steps = config_from_dict(recipe)
    by_time = config_from_dict({**recipe, "optim": {**recipe["optim"], "schedule": "time"}})
    assert learning_rate(500, by_steps, elapsed_s=540.0) == pytest.approx(5e-4)  # clock ignored
    assert learning_rate(500, by_time, elapsed_s=60.0) == pytest.approx(5e-4)  # steps lead
    assert learning_rate(10, by_time, elapsed_s=300.0) == pytest.approx(5e-4)  # clock leads
    assert learning_rate(10, by_time, elapsed_s=900.0) == pytest.approx(0.0)  # past the guard
    with pytest.raises(ValueError, match="max_minutes"):
        config_from_dict({**recipe, "max_minutes": 0.0, "optim": by_time.optim.__dict__})


def test_file_weights_set_each_files_share_of_the_draws(corpus, tmp_path):
    from puzzlemdm.train.data import load_token_set, sample_batch

    small = tmp_path / "small.jsonl"
    write_corpus(small, count=4, seed=9)
    data, _ = load_token_set([str(corpus), str(small)], weights=[1.0, 3.0])
    assert len(data) == 28
    generator = torch.Generator().manual_seed(0)
    tokens = sample_batch(data, 4000, generator)[0]
    from_small = (tokens[:, None, :] == data.tokens[None, -4:, :]).all(-1).any(-1)
    assert 0.72 < from_small.float().mean().item() < 0.78  # 3/4 from 4 of the 28 puzzles
    with pytest.raises(ValueError, match="2 training files"):
        load_token_set([str(corpus), str(small)], weights=[1.0])


def test_recipe_overrides_and_unknown_keys(tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text('name = "x"\n[optim]\nsteps = 5\n')
    cfg = load_config(recipe, ["optim.lr=0.01", "model.d_model=64"])
    assert (cfg.optim.steps, cfg.optim.lr, cfg.model.d_model) == (5, 0.01, 64)
    recipe.write_text("[optim]\nstep = 5\n")
    with pytest.raises(ValueError, match="unknown key"):
        load_config(recipe)


BAD_VALUES = [
    ("model", "n_layers", "two", '[model] n_layers must be an integer, not "two"'),
    ("model", "n_layers", -1, "[model] n_layers must be at least 1, not -1"),
    ("model", "dropout", 1, "[model] dropout must be at least 0 and below 1, not 1"),
    ("optim", "steps", "3", '[optim] steps must be an integer, not "3"'),
    ("optim", "steps", 0, "[optim] steps must be at least 1, not 0"),
    ("optim", "steps", 2.5, "[optim] steps must be an integer, not 2.5"),
    ("optim", "batch_size", -1, "[optim] batch_size must be at least 1, not -1"),
    ("optim", "lr", -0.1, "[optim] lr must be at least 0, not -0.1"),
    ("optim", "grad_clip", 0, "[optim] grad_clip must be above 0, not 0"),
    ("optim", "lr", True, "[optim] lr must be a number, not true"),  # a bool is no number
    ("optim", "betas", [0.9], "[optim] betas must be a list of 2 numbers, not [0.9]"),
    ("optim", "betas", [0.9, 1.5], "[optim] betas must be at least 0 and below 1, not [0.9, 1.5]"),
    ("optim", "warmup", -5, "[optim] warmup must be at least 0, not -5"),
    ("data", "augment", 1, "[data] augment must be true or false, not 1"),
    ("data", "train", "a.jsonl", '[data] train must be a list of strings, not "a.jsonl"'),
    ("data", "weights", [1, "x"], '[data] weights must be a list of numbers, not [1, "x"]'),
    ("eval", "every", 0, "[eval] every must be at least 1, not 0"),
    ("objective", "latent_dim", 0, "[objective] latent_dim must be at least 1, not 0"),
    ("", "save_every", 0, "save_every must be at least 1, not 0"),
    ("", "max_minutes", -1, "max_minutes must be at least 0, not -1"),
    ("", "name", 7, "name must be a string, not 7"),
]


@pytest.mark.parametrize(("section", "key", "value", "said"), BAD_VALUES, ids=lambda v: str(v))
def test_a_recipe_value_of_the_wrong_type_or_range_is_named(section, key, value, said):
    recipe = {section: {key: value}} if section else {key: value}
    with pytest.raises(ValueError) as raised:
        config_from_dict(recipe)
    assert str(raised.value) == said


def test_recipe_values_take_an_integer_for_a_number_and_a_list_for_a_pair():
    cfg = config_from_dict({"max_minutes": 2, "optim": {"lr": 1, "betas": [0.5, 0.9]}})
    assert (type(cfg.max_minutes), type(cfg.optim.lr)) == (float, float)
    assert cfg.optim.betas == (0.5, 0.9)


def test_recipe_sizes_must_fit_the_attention_heads_and_sections_be_tables():
    with pytest.raises(ValueError, match=r"d_model \(30\) must be a multiple of n_heads \(8\)"):
        config_from_dict({"model": {"d_model": 30, "n_heads": 8}})
    vmd = {"objective": {"family": "vmd", "encoder_d_model": 30}}
    with pytest.raises(ValueError, match="encoder_d_model must be a multiple of the encoder's 4"):
        config_from_dict(vmd)
    with pytest.raises(ValueError, match=r"\[optim\] must be a table"):
        config_from_dict({"optim": 3})


def test_every_range_names_a_field_of_its_section():
    from dataclasses import fields

    from puzzlemdm.train.config import _RANGES, _SECTIONS, TrainConfig

    for section, ranges in _RANGES.items():
        cls = _SECTIONS[section] if section else TrainConfig
        assert set(ranges) <= {f.name for f in fields(cls)}, section


def test_train_says_a_bad_recipe_value_in_one_line_with_exit_2(tmp_path):
    from typer.testing import CliRunner

    from puzzlemdm.cli import app

    recipe = tmp_path / "r.toml"
    recipe.write_text('name = "x"\n[optim]\nsteps = "3"\n')
    for extra, said in (
        ([], '[optim] steps must be an integer, not "3"'),
        (["--set", "optim.steps=0"], "[optim] steps must be at least 1, not 0"),
    ):
        result = CliRunner().invoke(app, ["train", "--config", str(recipe), *extra])
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and said in result.stderr


def test_corrupt_and_mismatched_checkpoints_fail_clearly(corpus, tmp_path):
    run = run_training(config_from_dict(tiny_config(corpus, tmp_path, steps=2)))
    good = run / "last"
    with pytest.raises(CheckpointError, match="not found"):
        load_checkpoint(tmp_path / "nowhere")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text((good / "config.json").read_text())
    (broken / "model.safetensors").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(CheckpointError, match="corrupt"):
        load_checkpoint(broken)
    mismatched = tmp_path / "mismatched"
    mismatched.mkdir()
    config = json.loads((good / "config.json").read_text())
    config["model"]["backbone"]["d_model"] = 32
    (mismatched / "config.json").write_text(json.dumps(config))
    (mismatched / "model.safetensors").write_bytes((good / "model.safetensors").read_bytes())
    with pytest.raises(CheckpointError, match="do not match") as raised:
        load_checkpoint(mismatched)
    assert len(str(raised.value)) < 400  # torch names every tensor; the message does not
    with pytest.raises(CheckpointError, match="training run's folder, not a checkpoint: give its"):
        load_checkpoint(run)  # the run, not its last/ or best/
    with pytest.raises(ValueError, match="device must be auto, cpu, cuda or cuda:N, not 'gpu'"):
        config_from_dict({**tiny_config(corpus, tmp_path), "device": "gpu"})
    (mismatched / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match=r"config\.json"):
        load_checkpoint(mismatched)


def test_ddp_with_two_cpu_processes(corpus, tmp_path):
    """torchrun + gloo: two ranks train in lock-step; rank 0 alone writes the run."""
    import subprocess
    import sys

    recipe = tmp_path / "ddp.toml"
    cfg = tiny_config(corpus, tmp_path / "runs", steps=4)
    lines = [f"{k} = {json.dumps(v)}" for k, v in cfg.items() if not isinstance(v, dict)]
    for section in ("model", "data", "optim", "eval"):
        lines.append(f"[{section}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in cfg[section].items()]
    recipe.write_text("\n".join(lines) + "\n")
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        "-m",
        "puzzlemdm",
        "train",
        "--config",
        str(recipe),
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "OMP_NUM_THREADS": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [
        json.loads(line)
        for line in (tmp_path / "runs" / "tiny" / "metrics.jsonl").read_text().splitlines()
    ]
    assert rows[0]["world"] == 2
    assert sum(1 for r in rows if r.get("event") == "start") == 1  # rank 0 only
    assert load_checkpoint(tmp_path / "runs" / "tiny" / "last").num_parameters() > 0
    state = torch.load(tmp_path / "runs" / "tiny" / "resume.pt", weights_only=True)
    assert len(state["generators"]) == 2 and not torch.equal(*state["generators"])  # per-rank seeds


def test_a_run_stopped_by_a_signal_says_so_until_it_is_resumed(corpus, tmp_path):
    from puzzlemdm.train.loop import stop_reason

    cfg = tiny_config(corpus, tmp_path / "s")
    run = run_training(config_from_dict(cfg), stop_after=2)
    assert stop_reason(run) == "stop_after"
    log = run / "metrics.jsonl"
    log.write_text(log.read_text().replace('"reason": "stop_after"', '"reason": "signal"'))
    assert stop_reason(run) == "signal"
    run_training(config_from_dict(cfg), resume=True)
    assert stop_reason(run) is None


def test_an_unknown_device_name_is_a_clear_error():
    from puzzlemdm.model.checkpoint import resolve_device
    from puzzlemdm.puzzles.base import PuzzleError

    assert resolve_device("cpu").type == "cpu"
    for name in ("tpu", "CPU", "meta", "", "cuda:x"):
        with pytest.raises(PuzzleError, match="choose auto, cpu, cuda"):
            resolve_device(name)


def test_an_override_without_a_value_or_with_no_toml_value_is_refused(tmp_path):
    recipe = tmp_path / "r.toml"
    recipe.write_text('name = "x"\n[data]\nkind = "sudoku"\ntrain = ["a.jsonl"]\n')
    with pytest.raises(ValueError, match=r"expected section\.key=value"):
        load_config(recipe, ["optim.steps"])
    with pytest.raises(ValueError, match="'abc' is not a TOML value"):
        load_config(recipe, ["optim.steps=abc"])
    assert load_config(recipe, ["optim.steps=7"]).optim.steps == 7


def test_recipe_mistakes_found_only_late_are_refused_when_the_recipe_is_read(corpus, tmp_path):
    base = tiny_config(corpus, tmp_path)
    for change, said in (
        ({"eval": {"order": "Margin"}}, "[eval] order must be one of"),
        ({"optim": {"lr": 1e-4, "min_lr": 1e-3}}, "min_lr (0.001) is above lr"),
        ({"name": ""}, "name must name a run folder"),
        ({"name": "../escaped"}, "name must name a run folder"),
        ({"data": {"train": [str(corpus), str(corpus)]}}, "more than once: [data] weights"),
    ):
        with pytest.raises(ValueError, match=re.escape(said)):
            config_from_dict({**base, **change})
    recipe = tmp_path / "r.toml"
    recipe.write_text('name = "x"\n[optim]\nsteps = 3\n')
    with pytest.raises(ValueError, match=r"optim\.steps is a value, not a \[section\]"):
        load_config(recipe, ["optim.steps.x=3"])


def test_an_unusable_out_dir_and_a_changed_model_are_refused_before_training(corpus, tmp_path):
    from puzzlemdm.train.loop import RunMismatch, check_start

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ValueError, match="a file is in the way"):
        check_start(config_from_dict(tiny_config(corpus, blocker)), False, False)
    with pytest.raises(ValueError, match="is a file, not a folder"):
        check_start(config_from_dict(tiny_config(corpus, blocker / "deeper")), False, False)
    check_start(config_from_dict(tiny_config(corpus, tmp_path / "new" / "runs")), False, False)
    assert not (tmp_path / "new").exists()  # checked, not made
    run_training(config_from_dict(tiny_config(corpus, tmp_path / "r")), stop_after=2)
    changed = tiny_config(corpus, tmp_path / "r")
    changed["model"] = {**changed["model"], "n_layers": 2}
    with pytest.raises(RunMismatch, match=r"model\.n_layers = 1; the recipe now says 2"):
        check_start(config_from_dict(changed), True, False)
    longer = tiny_config(corpus, tmp_path / "r", steps=8)  # more steps: the same model
    longer["model"] = {**longer["model"], "dropout": 0.1}  # dropout is no part of the weights
    check_start(config_from_dict(longer), True, False)
    done = re.escape("at step 2 already; the recipe's optim.steps = 2")
    with pytest.raises(RunMismatch, match=done):
        check_start(config_from_dict(tiny_config(corpus, tmp_path / "r", steps=2)), True, False)
    timed = {**tiny_config(corpus, tmp_path / "r"), "max_minutes": 1e-9}  # its minutes spent
    with pytest.raises(RunMismatch, match="leaves none to train: raise it to continue"):
        check_start(config_from_dict(timed), True, False)


def test_a_corpora_entry_of_the_wrong_type_is_named(tmp_path):
    from puzzlemdm.train.corpora import read_corpus_recipes

    recipes = tmp_path / "corpora.toml"
    recipes.write_text('["data/x.jsonl"]\nkind = "sudoku"\nlevel = "easy"\nn = "5"\nseed = 1\n')
    with pytest.raises(PuzzleError, match=r'\["data/x.jsonl"\] n must be an integer, not "5"'):
        read_corpus_recipes(recipes)
    recipes.write_text('["data/x.jsonl"]\nkind = "sudoku"\nlevel = "easy"\nn = 5\n')
    with pytest.raises(PuzzleError, match="no seed"):
        read_corpus_recipes(recipes)


def test_a_validation_puzzle_of_another_size_is_named_by_file_and_line(corpus, tmp_path):
    from puzzlemdm.puzzles.sudoku.board import Shape
    from puzzlemdm.puzzles.sudoku.generate import generate
    from puzzlemdm.train.data import load_token_set

    small = generate(np.random.default_rng(0), shape=Shape(2, 2))
    other = tmp_path / "four.jsonl"
    line = {"puzzle": small.puzzle.to_line(), "solution": small.solution.to_line()}
    other.write_text(json.dumps(line) + "\n")
    trained, _ = load_token_set([str(corpus)])
    with pytest.raises(PuzzleError, match=r"four\.jsonl:1: the model reads 9x9"):
        load_token_set([str(other)], spec=trained.spec)


def test_a_recipe_never_trains_on_an_evaluation_set(corpus, tmp_path):
    for evaluation in (
        "datasets/zebra/easy/test.jsonl",
        "datasets/sudoku/hard/validation.jsonl",
        "../shared/benchmarks/sudoku/norvig_top95.csv",
    ):
        config = tiny_config(corpus, tmp_path)
        config["data"]["train"] = [str(corpus), evaluation]
        with pytest.raises(ValueError, match="an evaluation set"):
            config_from_dict(config)
    config = tiny_config(corpus, tmp_path)
    config["data"]["train"] = ["/test.jsonl"]  # a split's name, shallower than datasets/k/level
    config_from_dict(config)
    config = tiny_config(corpus, tmp_path)
    config["data"]["exclude"] = [str(corpus)]  # the recipe's own tests
    with pytest.raises(ValueError, match="an evaluation set"):
        config_from_dict(config)


def test_a_training_set_drops_test_puzzles_whatever_its_recipe_excludes(corpus, tmp_path):
    from puzzlemdm.train.data import load_token_set

    copied = tmp_path / "with-tests.jsonl"
    tests = Path("datasets/sudoku/easy/test.jsonl").read_text().splitlines()[:3]
    copied.write_text(corpus.read_text() + "\n".join(tests) + "\n")
    _, dropped = load_token_set([str(copied)], training=True)  # no exclude given
    assert dropped == 3
    _, kept = load_token_set([str(copied)])  # a validation set is read as it is
    assert kept == 0
