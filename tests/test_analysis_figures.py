"""The order study end to end on a handful of puzzles: table, per-path rows, every figure."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from puzzlemdm.analysis.figures import draw_all
from puzzlemdm.analysis.study import StudyConfig, run_study
from puzzlemdm.cli import app
from puzzlemdm.solving import UsageError

FIGURES = (
    "step_heatmap",
    "rank_vs_reference",
    "entropy_along_path",
    "forced_by_step",
    "accuracy_vs_nfe",
    "tau_by_difficulty",
    "step_by_row",
)


def test_a_small_sudoku_study_writes_the_table_and_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "study"
    config = StudyConfig(splits="easy,hard", methods="margin,med0.01", limit=2, out=str(out))
    summary = run_study(config)
    rows = summary["results"]
    assert [(r["split"], r["method"]) for r in rows] == [
        ("easy", "margin"),
        ("hard", "margin"),
        ("easy", "med0.01"),
        ("hard", "med0.01"),
    ]
    margin = rows[0]
    assert margin["puzzles"] == 2
    assert set(margin["tau"]) >= {"strategy", "mrv", "row-major"}
    assert 0.0 <= margin["forced_share"] <= 1.0
    assert margin["multi_steps"] == 0  # one cell a step
    assert rows[2]["mean_nfe"] < margin["mean_nfe"]  # MED decides several cells a step
    text = (out / "summary.md").read_text()
    assert "tau vs strategy" in text and "Command: `puzzlemdm analyze orders" in text
    assert json.loads((out / "summary.json").read_text())["kind"] == "sudoku"
    for name in FIGURES:
        for suffix in (".png", ".svg"):
            assert (out / "figures" / f"{name}{suffix}").stat().st_size > 1000, name
    # a second study on the same folder reuses the traces and draws the same figures
    before = {p.name: p.read_bytes() for p in (out / "figures").iterdir()}
    again = run_study(config)
    assert again["results"][0]["solved"] == margin["solved"]
    assert before == {p.name: p.read_bytes() for p in (out / "figures").iterdir()}
    # a larger --limit decodes only the puzzles the traces lack and keeps the rows they had
    trace = out / "traces" / "easy__margin.jsonl"
    kept = trace.read_text().splitlines()
    grown = run_study(replace(config, methods="margin", limit=3, figures=False))
    assert [r["puzzles"] for r in grown["results"]] == [3, 3]
    lines = trace.read_text().splitlines()
    assert lines[:2] == kept and [json.loads(line)["index"] for line in lines] == [0, 1, 2]
    # --no-decode analyses each trace as it is: margin on 3 puzzles, MED on its 2, in one table
    as_is = run_study(replace(config, limit=None, decode=False, figures=False))
    assert [r["puzzles"] for r in as_is["results"]] == [3, 3, 2, 2]
    with pytest.raises(UsageError, match="never decoded"):
        run_study(replace(config, methods="random", decode=False, figures=False))
    # traces of other weights or another seed are never published under this run's name
    other = replace(config, checkpoint="puzzlemdm/checkpoints/sudoku-mdm-matched", figures=False)
    with pytest.raises(UsageError, match="holds a table of weights"):
        run_study(other)
    with pytest.raises(UsageError, match="holds a table of seed 0; this run's is 4"):
        run_study(replace(config, seed=4, figures=False))


def test_figures_are_deterministic(tmp_path: Path) -> None:
    import numpy as np

    from puzzlemdm.analysis.paths import PathAnalysis
    from puzzlemdm.puzzles.sudoku.tokens import sudoku_spec

    spec = sudoku_spec(3, 3)
    rng = np.random.default_rng(0)
    paths = []
    for i in range(4):
        order = rng.permutation(81)[:50]
        paths.append(
            PathAnalysis(
                id=str(i),
                split="easy",
                method="margin",
                solved=i % 2 == 0,
                nfe=50,
                cumulative_entropy=1.0,
                positions=order,
                step=np.arange(50),
                entropy=rng.random(50),
                margin=rng.random(50),
                forced=rng.random(50) < 0.8,
                tau={"strategy": 0.5},
                compared={"strategy": 50},
                reference_rank={"strategy": np.arange(50)},
            )
        )
    rows = [
        {
            "split": "easy",
            "method": "margin",
            "mean_nfe": 50.0,
            "solve_rate": 0.5,
            "step_by_row": {"0": 0.2, "1": 0.4},
        },
    ]
    first = draw_all({("easy", "margin"): paths}, rows, spec, tmp_path / "a", seed=3)
    second = draw_all({("easy", "margin"): paths}, rows, spec, tmp_path / "b", seed=3)
    assert len(first) == 2 * len(FIGURES)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_analyze_orders_command_on_blocksworld(tmp_path: Path) -> None:
    out = tmp_path / "bw"
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            "orders",
            "--checkpoint",
            "puzzlemdm/checkpoints/blocksworld-mdm",
            "--splits",
            "easy",
            "--methods",
            "margin",
            "--limit",
            "2",
            "--no-figures",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = (out / "summary.md").read_text()
    assert "tau vs planner" in text and "tau vs row-major" in text


def test_analyze_orders_rejects_an_unknown_method(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["analyze", "orders", "--methods", "sideways", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "unknown method 'sideways'" in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--methods", "med-1"], "method 'med-1': med_lambda is an entropy"),
        (["--methods", "steps0"], "method 'steps0'"),
        (["--no-decode"], "--no-decode analyses a study's traces: name its folder with --out"),
        (["--methods", "arm"], "takes MDM orders, not arm"),
        (
            ["--checkpoint", "puzzlemdm/checkpoints/sudoku-arm-solver", "--methods", "margin"],
            "takes only arm",
        ),
    ],
)
def test_analyze_orders_refuses_what_it_cannot_measure_and_writes_nothing(
    args: list[str], said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(__file__).resolve().parent.parent
    args = [str(root / a) if a.startswith("puzzlemdm/") else a for a in args]
    monkeypatch.chdir(tmp_path)  # a fresh run folder would go under ./runs
    result = CliRunner().invoke(app, ["analyze", "orders", "--limit", "1", *args])
    assert result.exit_code == 2 and said in result.output, result.output
    assert not (tmp_path / "runs").exists()
