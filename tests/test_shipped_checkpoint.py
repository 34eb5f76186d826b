"""The shipped Sudoku MDM: loads, matches its committed recipes, solves easy puzzles alone."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from puzzlemdm.cli import app
from puzzlemdm.model.checkpoint import load_checkpoint
from puzzlemdm.shipped import shipped_checkpoint
from puzzlemdm.train.config import config_from_dict, load_config

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = shipped_checkpoint("sudoku-mdm")


PLAIN = ROOT / "benchmarks" / "results" / "recurrence_cpu" / "sudoku-mdm-plain-checkpoint"


def test_shipped_files_and_size():
    for name in ("model.safetensors", "config.json", "metrics.jsonl", "README.md"):
        assert (SHIPPED / name).is_file(), name
    assert (SHIPPED / "model.safetensors").stat().st_size < 10 * 2**20


def recipe_and_run(recipe_file: Path, folder: Path) -> tuple[dict, dict, list[dict]]:
    """A committed recipe, the one a checkpoint folder records, and its training log, rebuilt
    through the dataclasses so that keys added since the run (with neutral defaults) compare
    equal, while any value that differs fails."""
    recipe = json.loads(json.dumps(load_config(recipe_file).to_dict()))
    shipped = json.loads((folder / "config.json").read_text())
    trained = json.loads(json.dumps(config_from_dict(shipped["recipe"]).to_dict()))
    events = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]
    return recipe, trained, events


def test_config_matches_the_committed_recipe_and_is_its_best_validated_step():
    recipe, trained, events = recipe_and_run(
        ROOT / "train" / "sudoku-mdm-extreme-gpu-r4.toml", SHIPPED
    )
    shipped = json.loads((SHIPPED / "config.json").read_text())
    # A time-scheduled run: the guard (the GPU call's share, a little under the recipe's) ends
    # it, and the weights kept are its best validated step.
    assert trained.pop("max_minutes") == pytest.approx(recipe.pop("max_minutes"), abs=0.5)
    assert trained == recipe and recipe["optim"]["schedule"] == "time"
    assert events[-1] == {"event": "stopped", "step": 1065, "reason": "time limit"}
    validated = [e for e in events if "val_solve_rate" in e]
    best = max(validated, key=lambda e: e["val_solve_rate"])
    assert shipped["step"] == best["step"] and shipped["val_solve_rate"] == best["val_solve_rate"]
    model = load_checkpoint(SHIPPED)
    assert model.num_parameters() == shipped["parameters"] == events[0]["parameters"]
    assert model.backbone.cfg.recurrence == recipe["model"]["recurrence"] == 4
    # run as its card's tables were made: as trained, then on while a run moves a pick, up to 8
    assert shipped["inference"] == {"runs": 8, "settle": True}
    assert (model.backbone.n_runs, model.backbone.settling) == (8, True)


def test_it_grew_from_the_plain_model_of_the_gpu_recipe():
    grown = load_config(ROOT / "train" / "sudoku-mdm-extreme-gpu-r4.toml")
    base = load_config(ROOT / "train" / "sudoku-mdm-gpu.toml")
    assert Path(grown.init) == Path(base.out_dir) / base.name / "last"
    recipe, trained, events = recipe_and_run(ROOT / "train" / "sudoku-mdm-gpu.toml", PLAIN)
    # That run's guard (sized from the calibration) never fired; the recipe has none, so that a
    # slower GPU still runs every step.
    assert not [e for e in events if e.get("event") == "stopped"]
    assert trained.pop("max_minutes") > 0 and recipe.pop("max_minutes") == 0
    assert trained == recipe
    assert json.loads((PLAIN / "config.json").read_text())["step"] == events[-1]["step"]
    assert grown.model.n_layers == base.model.n_layers and grown.model.d_model == base.model.d_model


def test_cpu_recipes_chain_and_share_the_architecture():
    stage1 = load_config(ROOT / "train" / "sudoku-mdm.toml")
    stage2 = load_config(ROOT / "train" / "sudoku-mdm-stage2.toml")
    assert Path(stage2.init) == Path(stage1.out_dir) / stage1.name / "last"
    assert stage1.model == stage2.model
    assert stage1.device == stage2.device == "auto"
    # the shipped model's CPU recipe starts where its GPU one did, from weights in the repo
    cpu = load_config(ROOT / "train" / "sudoku-mdm-extreme-r4.toml")
    gpu = load_config(ROOT / "train" / "sudoku-mdm-extreme-gpu-r4.toml")
    assert ROOT / cpu.init == PLAIN and (PLAIN / "model.safetensors").is_file()
    assert cpu.model == gpu.model and cpu.data.train == gpu.data.train
    assert cpu.device == "cpu" and 0 < cpu.max_minutes <= 90


def test_solves_easy_puzzles_with_the_model_alone(tmp_path):
    rows = (ROOT / "datasets" / "sudoku" / "easy" / "validation.jsonl").read_text().splitlines()[:8]
    puzzles = tmp_path / "easy.txt"
    puzzles.write_text("\n".join(json.loads(r)["puzzle"] for r in rows) + "\n")
    result = CliRunner().invoke(
        app, ["solve", str(puzzles), "--json", "--device", "cpu", "--search", "none"]
    )
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 8
    assert all(r["solver"] == "sudoku-mdm/margin" for r in out)  # the model, no fallback
    solved = sum(r["verified"] for r in out)
    assert solved >= 7, f"only {solved}/8 easy puzzles solved"
    assert all(r["nfe"] == r["puzzle"].count(".") for r in out)  # one position per step


def test_bf16_precision_solves_with_the_model_and_other_precisions_are_refused(tmp_path):
    rows = (ROOT / "datasets" / "sudoku" / "easy" / "validation.jsonl").read_text().splitlines()[:4]
    puzzles = tmp_path / "easy.txt"
    puzzles.write_text("\n".join(json.loads(r)["puzzle"] for r in rows) + "\n")
    args = ["solve", str(puzzles), "--json", "--device", "cpu", "--search", "none"]
    result = CliRunner().invoke(app, [*args, "--precision", "bf16"])
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["solver"] for r in out] == ["sudoku-mdm/margin"] * 4
    assert [r["answer"] for r in out if r["verified"]] == [
        json.loads(r)["solution"] for r, o in zip(rows, out, strict=True) if o["verified"]
    ]
    assert sum(r["verified"] for r in out) >= 3
    refused = CliRunner().invoke(app, [*args, "--precision", "fp16"])
    assert refused.exit_code == 2 and "--precision" in refused.stderr


def test_default_is_the_model_guided_search_and_solves_hard_puzzles(tmp_path):
    rows = (ROOT / "datasets" / "sudoku" / "hard" / "validation.jsonl").read_text().splitlines()
    puzzles = tmp_path / "hard.txt"
    puzzles.write_text("\n".join(json.loads(r)["puzzle"] for r in rows[:6]) + "\n")
    result = CliRunner().invoke(app, ["solve", str(puzzles), "--json", "--device", "cpu"])
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["solver"] for r in out] == ["sudoku-mdm/guided-search"] * 6
    assert all(r["verified"] for r in out)
    answers = [json.loads(r)["solution"] for r in rows[:6]]
    assert [r["answer"] for r in out] == answers


def test_path_options_choose_path_decoding_and_clash_with_guided(tmp_path):
    puzzles = tmp_path / "p.txt"
    rows = (ROOT / "datasets" / "sudoku" / "easy" / "validation.jsonl").read_text().splitlines()
    puzzles.write_text(json.loads(rows[0])["puzzle"] + "\n")
    for given in (["--paths", "2"], ["--order", "margin"], ["--paths", "1"]):  # given = a path
        result = CliRunner().invoke(app, ["solve", str(puzzles), "--json", *given])
        assert result.exit_code in (0, 3), result.stderr
        assert json.loads(result.stdout)["solver"].startswith("sudoku-mdm/margin"), given
    traced = CliRunner().invoke(
        app, ["solve", str(puzzles), "--json", "--trace", str(tmp_path / "t")]
    )
    assert json.loads(traced.stdout)["solver"] == "sudoku-mdm/guided-search"  # not a path option
    clash = CliRunner().invoke(app, ["solve", str(puzzles), "--search", "guided", "--paths", "2"])
    assert clash.exit_code == 2 and "--paths" in clash.stderr and "--search none" in clash.stderr


def test_model_refuses_a_puzzle_of_another_size(tmp_path):
    puzzles = tmp_path / "four.txt"
    puzzles.write_text("1.3..4.....2.1..\n")
    result = CliRunner().invoke(app, ["solve", str(puzzles), "--solver", "mdm"])
    assert result.exit_code == 2  # the model asked for cannot read it: a usage error
    assert "9x9 sudoku" in result.stderr and "4x4" in result.stderr


@pytest.mark.parametrize("order", ["top-prob", "entropy", "random", "left-to-right"])
def test_every_order_runs_and_verifies_or_reports(order, tmp_path):
    rows = (ROOT / "datasets" / "sudoku" / "easy" / "validation.jsonl").read_text().splitlines()[:2]
    puzzles = tmp_path / "p.txt"
    puzzles.write_text("\n".join(json.loads(r)["puzzle"] for r in rows) + "\n")
    result = CliRunner().invoke(app, ["solve", str(puzzles), "--json", "--order", order])
    assert result.exit_code in (0, 3)
    assert all(
        json.loads(line)["solver"] == f"sudoku-mdm/{order}" for line in result.stdout.splitlines()
    )


def test_paths_in_rounds_stop_once_verified(tmp_path):
    rows = [json.loads(r) for r in (ROOT / "datasets/sudoku/hard/validation.jsonl").open()][:6]
    puzzles = tmp_path / "hard.txt"
    puzzles.write_text("\n".join(r["puzzle"] for r in rows) + "\n")
    args = ["solve", str(puzzles), "--json", "--device", "cpu", "--search", "none"]
    one = [json.loads(line) for line in CliRunner().invoke(app, args).stdout.splitlines()]
    rounds = CliRunner().invoke(
        app, [*args, "--paths", "8", "--round-paths", "2", "--select", "verified-first"]
    )
    out = [json.loads(line) for line in rounds.stdout.splitlines()]
    assert [r["solver"] for r in out] == ["sudoku-mdm/margin+bon8-vf-rounds2"] * 6
    for row, greedy, given in zip(out, one, rows, strict=True):
        blanks = given["puzzle"].count(".")
        paths, rest = divmod(row["nfe"], blanks)  # a margin path decides one blank per call
        assert rest == 0 and paths in (2, 4, 6, 8)
        if greedy["verified"]:  # path 0 is the greedy path: the first round is enough
            assert row["verified"] and paths == 2
        if row["verified"]:
            assert row["answer"] == given["solution"]
        else:
            assert paths == 8  # no verified path: every round was drawn


def test_every_shipped_checkpoint_is_complete_and_all_fit_the_budget():
    from puzzlemdm.shipped import SHIPPED as ROOT_OF_SHIPPED

    folders = [f for f in sorted(ROOT_OF_SHIPPED.iterdir()) if f.is_dir()]
    for folder in folders:
        for name in ("model.safetensors", "config.json", "metrics.jsonl", "README.md"):
            assert (folder / name).is_file(), f"{folder.name}/{name}"
    total = sum(f.stat().st_size for folder in folders for f in folder.rglob("*") if f.is_file())
    assert total <= 40 * 10**6, f"shipped checkpoints {total / 1e6:.1f} MB, budget 40 MB"
