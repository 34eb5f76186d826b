"""The whole model path for Zebra and Blocksworld: generate -> train -> reload -> solve.

A tiny model barely learns in 20 steps, so the test does not ask for solves; it asks that the
path works for puzzles of several shapes through one checkpoint, and that nothing is called
solved unless the kind's verifier accepts it.
"""

import json

import pytest
from typer.testing import CliRunner

from puzzlemdm.cli import app
from puzzlemdm.puzzles.registry import get_kind

RECIPE = """
name = "{kind}-tiny"
seed = 0
device = "cpu"
threads = 1
out_dir = "{out}"
save_every = 1000

[model]
n_layers = 2
d_model = 32
n_heads = 4

[data]
kind = "{kind}"
train = ["{corpus}"]
validation = ["{corpus}"]
exclude = ["{held_out}"]
augment = true

[optim]
steps = 20
batch_size = 8
warmup = 2

[eval]
every = 10
puzzles = 8
"""


def size(puzzle) -> tuple[int, ...]:
    """The shape that decides the token grid: (houses, attributes) or (blocks,)."""
    return (puzzle.n,) if hasattr(puzzle, "n") else (puzzle.houses, len(puzzle.attributes))


@pytest.mark.slow
@pytest.mark.parametrize("kind_name", ["zebra", "blocksworld"])
def test_generate_train_reload_and_solve_through_one_checkpoint(kind_name, tmp_path):
    runner = CliRunner()
    kind = get_kind(kind_name)
    corpus = tmp_path / "corpus.jsonl"
    made = runner.invoke(
        app,
        [
            "generate",
            kind_name,
            "--level",
            "easy",
            "--n",
            "24",
            "--seed",
            "4242",
            "-o",
            str(corpus),
        ],
    )
    assert made.exit_code == 0, made.output
    records = kind.parse_text(corpus.read_text(), str(corpus))
    shapes = sorted({size(r.puzzle) for r in records})
    assert len(shapes) > 1  # the grid pads the smaller puzzles
    # held out: the largest and the smallest shapes, so padding goes through the checkpoint
    picked = [next(r for r in records if size(r.puzzle) == s) for s in (shapes[-1], shapes[0])]
    lines = corpus.read_text().splitlines()
    held_out = tmp_path / "few.jsonl"
    held_out.write_text("".join(lines[r.line - 1] + "\n" for r in picked))

    recipe = tmp_path / "recipe.toml"
    out = tmp_path / "runs"
    recipe.write_text(RECIPE.format(kind=kind_name, out=out, corpus=corpus, held_out=held_out))
    trained = runner.invoke(app, ["train", "--config", str(recipe)])
    assert trained.exit_code == 0, trained.output
    run = out / f"{kind_name}-tiny"
    metrics = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert metrics[0]["dropped_as_test_duplicates"] >= len(picked)  # de-duplicated by the kind
    assert [m["step"] for m in metrics if "val_solve_rate" in m] == [10, 20]
    grid = json.loads((run / "last" / "config.json").read_text())["model"]["grid"]
    assert grid["kind"] == kind_name

    solved = runner.invoke(
        app,
        ["solve", str(held_out), "--checkpoint", str(run / "last"), "--search", "none", "--json"],
    )
    assert solved.exit_code in (0, 3), solved.output
    rows = [json.loads(line) for line in solved.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == len(picked)
    for row, record in zip(rows, picked, strict=True):
        assert isinstance(row["verified"], bool) and row["status"] in ("solved", "unsolved")
        assert row["verified"] == (row["status"] == "solved")
        if row["verified"]:  # nothing unverified is ever called solved
            assert kind.verify(record.puzzle, row["answer"]).ok
