"""`puzzlemdm bench`: the model benchmarks write tables whose figures come from their rows."""

import json
from pathlib import Path

from typer.testing import CliRunner

from puzzlemdm.cli import app

ROOT = Path(__file__).resolve().parent.parent
EASY = ROOT / "datasets" / "sudoku" / "easy" / "validation.jsonl"


def small_split(tmp_path: Path, count: int = 4) -> Path:
    path = tmp_path / "few.jsonl"
    path.write_text("\n".join(EASY.read_text().splitlines()[:count]) + "\n")
    return path


def test_methods_rows_summary_and_resume(tmp_path):
    split, out = small_split(tmp_path), tmp_path / "out"
    label = f"{tmp_path.name}-few"  # folder + stem: two test.jsonl files stay apart
    args = ["bench", "methods", "--splits", str(split), "--methods", "margin,guided,mrv",
            "--threads", "1", "--out", str(out)]  # fmt: skip
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    rows = [json.loads(x) for x in (out / label / "margin.jsonl").read_text().splitlines()]
    assert len(rows) == 4 and all(r["method"] == "margin" for r in rows)
    summary = json.loads((out / "summary.json").read_text())
    by_method = {m["method"]: m for m in summary["methods"]}
    assert by_method["margin"]["accuracy"] == sum(r["solved"] for r in rows) / 4
    assert by_method["guided"]["accuracy"] == 1.0 and by_method["mrv"]["accuracy"] == 1.0
    assert summary["nodes"][0]["puzzles"] == 4
    assert "puzzlemdm bench methods --splits" in (out / "summary.md").read_text()

    again = CliRunner().invoke(app, [*args, "--resume"])
    assert again.exit_code == 0 and "0 new, 4 kept" in again.output
    assert len((out / label / "margin.jsonl").read_text().splitlines()) == 4
    assert len(list(out.glob("run.*.json"))) == 1  # a resumed command is the same command


def test_methods_shards_add_up_to_one_command(tmp_path):
    split, out = small_split(tmp_path), tmp_path / "out"
    for shard in ("0/2", "1/2"):
        result = CliRunner().invoke(
            app,
            ["bench", "methods", "--splits", str(split), "--methods", "mrv", "--shard", shard,
             "--out", str(out)],
        )  # fmt: skip
        assert result.exit_code == 0 and "--report-only" in result.output  # no half report
    report = CliRunner().invoke(app, ["bench", "methods", "--report-only", "--out", str(out)])
    assert report.exit_code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["methods"][0]["puzzles"] == 4
    commands = {run["command"] for run in summary["runs"]}
    assert len(commands) == 1 and "--shard i/k" in commands.pop()
    bad = CliRunner().invoke(app, ["bench", "methods", "--methods", "telepathy"])
    assert bad.exit_code == 2 and "unknown methods" in bad.stderr


def test_orders_table_and_unknown_benchmark(tmp_path):
    out = tmp_path / "orders"
    result = CliRunner().invoke(
        app,
        ["bench", "orders", "--splits", str(small_split(tmp_path, 2)), "--orders",
         "margin,random", "--threads", "1", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = json.loads(Path(str(out) + ".json").read_text())
    assert [r["order"] for r in table["results"]] == ["margin", "random"]
    assert all(r["puzzles"] == 2 for r in table["results"])
    unknown = CliRunner().invoke(app, ["bench", "nope"])
    assert unknown.exit_code == 2 and "methods, orders" in unknown.stderr
