"""The shipped Zebra and Blocksworld MDMs: their files, their recipes, and the model alone
solving a few validation puzzles through `puzzlemdm solve` (every answer verified)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from puzzlemdm.cli import app
from puzzlemdm.model.checkpoint import load_checkpoint, shipped_checkpoint
from puzzlemdm.train.config import config_from_dict, load_config

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("zebra", "blocksworld")


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_files_and_size(kind):
    folder = shipped_checkpoint(f"{kind}-mdm")
    for name in ("model.safetensors", "config.json", "metrics.jsonl", "README.md"):
        assert (folder / name).is_file(), name
    assert (folder / "model.safetensors").stat().st_size < 10 * 2**20


@pytest.mark.parametrize("kind", KINDS)
def test_config_matches_the_committed_recipe(kind):
    folder = shipped_checkpoint(f"{kind}-mdm")
    shipped = json.loads((folder / "config.json").read_text())
    recipe = json.loads(json.dumps(load_config(ROOT / "train" / f"{kind}-mdm.toml").to_dict()))
    trained = json.loads(json.dumps(config_from_dict(shipped["recipe"]).to_dict()))
    events = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]
    # A run the wall-clock guard ended is reproduced by the recipe's stop_at (any machine).
    stopped = [e for e in events if e.get("event") == "stopped"]
    if stopped:
        assert recipe["optim"].pop("stop_at") == stopped[0]["step"] == shipped["step"]
        trained["optim"].pop("stop_at")
    else:
        assert shipped["step"] == recipe["optim"]["steps"]
    assert trained == recipe
    model = load_checkpoint(folder)
    assert model.config.grid["kind"] == kind
    assert model.num_parameters() == events[0]["parameters"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_model_alone_solves_validation_puzzles_verified(kind, tmp_path):
    rows = (ROOT / "datasets" / kind / "easy" / "validation.jsonl").read_text().splitlines()[:6]
    puzzles = tmp_path / "few.jsonl"
    puzzles.write_text("\n".join(rows) + "\n")
    result = CliRunner().invoke(app, ["solve", str(puzzles), "--json", "--search", "none"])
    assert result.exit_code in (0, 3), result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 6
    assert all(r["solver"] == f"{kind}-mdm/margin" for r in out)  # the model, no fallback
    assert all(r["verified"] == (r["status"] == "solved") for r in out)
    assert sum(r["verified"] for r in out) >= 3  # easy puzzles: the model alone gets most


def test_zebra_default_is_the_model_guiding_a_complete_search():
    result = CliRunner().invoke(app, ["solve", str(ROOT / "examples" / "zebra.txt"), "--json"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout.splitlines()[0])
    assert row["solver"] == "zebra-mdm/guided-search" and row["verified"]
