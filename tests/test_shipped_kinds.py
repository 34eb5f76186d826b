"""The shipped Blocksworld MDM: its files, its recipe, the model alone planning a few
validation problems through `puzzlemdm solve`, and what the default does with the rest."""

import json
from pathlib import Path

from typer.testing import CliRunner

from puzzlemdm.cli import app
from puzzlemdm.model.checkpoint import load_checkpoint, shipped_checkpoint
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.train.config import config_from_dict, load_config

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = shipped_checkpoint("blocksworld-mdm")
KIND = get_kind("blocksworld")


def test_shipped_files_and_size():
    for name in ("model.safetensors", "config.json", "metrics.jsonl", "README.md"):
        assert (SHIPPED / name).is_file(), name
    assert (SHIPPED / "model.safetensors").stat().st_size < 10 * 2**20


def test_config_matches_the_committed_recipe():
    shipped = json.loads((SHIPPED / "config.json").read_text())
    recipe = json.loads(json.dumps(load_config(ROOT / "train" / "blocksworld-mdm.toml").to_dict()))
    trained = json.loads(json.dumps(config_from_dict(shipped["recipe"]).to_dict()))
    events = [json.loads(line) for line in (SHIPPED / "metrics.jsonl").read_text().splitlines()]
    assert not [e for e in events if e.get("event") == "stopped"]  # the time guard never fired
    assert trained == recipe
    assert shipped["step"] == recipe["optim"]["steps"] == events[-1]["step"]
    model = load_checkpoint(SHIPPED)
    assert model.config.grid["kind"] == "blocksworld" and model.config.grid["blocks"] == 8
    assert model.num_parameters() == shipped["parameters"] == events[0]["parameters"]


def solve(lines: list[str], tmp_path: Path, *options: str) -> tuple[int, list[dict]]:
    """`puzzlemdm solve --json` on corpus lines: exit code and rows."""
    problems = tmp_path / "few.jsonl"
    problems.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(app, ["solve", str(problems), "--json", *options])
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def test_the_model_alone_plans_easy_problems_and_every_plan_is_verified(tmp_path):
    lines = (ROOT / "datasets/blocksworld/easy/validation.jsonl").read_text().splitlines()[:16]
    code, rows = solve(lines, tmp_path, "--search", "none")
    assert code in (0, 3) and len(rows) == 16
    assert {r["solver"] for r in rows} == {"blocksworld-mdm/margin"}  # the model, no fallback
    for row, line in zip(rows, lines, strict=True):
        assert row["verified"] == (row["status"] == "solved")
        if row["verified"]:
            record = KIND.parse_text(line, "line")[0]
            assert KIND.verify(record.puzzle, row["answer"]).ok
    assert sum(r["verified"] for r in rows) >= 4  # about half of easy problems, measured


def test_by_default_misses_and_problems_beyond_the_grid_go_to_astar(tmp_path):
    easy = (ROOT / "datasets/blocksworld/easy/validation.jsonl").read_text().splitlines()[:8]
    extreme = (ROOT / "datasets/blocksworld/extreme/validation.jsonl").read_text().splitlines()
    code, rows = solve([*easy, extreme[0]], tmp_path)  # 9-12 blocks: beyond the 8-block grid
    assert code == 0 and all(r["verified"] for r in rows)
    assert rows[-1]["solver"] == "astar" and rows[-1]["beyond_model_grid"]
    solvers = {r["solver"] for r in rows[:-1]}
    assert solvers <= {"blocksworld-mdm/margin", "blocksworld-mdm/margin+astar-fallback"}
    asked, _ = solve([extreme[0]], tmp_path, "--solver", "mdm")  # the model, by name
    assert asked == 1
