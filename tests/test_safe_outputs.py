"""Safe defaults for files: benchmarks write to a fresh folder under runs/ unless --out is
given, never add rows of other weights or another device to a table, and `train` never
replaces a run by accident."""

import json
from pathlib import Path

import pytest
from test_train import tiny_config, write_corpus
from typer.testing import CliRunner

from puzzlemdm.bench.outputs import command_line, fresh_folder
from puzzlemdm.cli import app

ROOT = Path(__file__).resolve().parent.parent
EASY = ROOT / "datasets" / "sudoku" / "easy" / "validation.jsonl"
runner = CliRunner()


def few(tmp_path: Path, count: int = 2) -> str:
    path = tmp_path / "few.jsonl"
    path.write_text("\n".join(EASY.read_text().splitlines()[:count]) + "\n")
    return str(path)


def methods(*args: str):
    return runner.invoke(app, ["bench", "methods", "--methods", "search", "--threads", "1", *args])


def test_bench_methods_writes_a_fresh_folder_under_runs(tmp_path, monkeypatch):
    split = few(tmp_path)
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # a second run does not touch the first one's folder
        result = methods("--splits", split)
        assert result.exit_code == 0, result.output
    folders = sorted((tmp_path / "runs").iterdir())
    assert len(folders) == 2 and all(f.name.startswith("bench-methods-") for f in folders)
    assert all((f / "summary.md").is_file() for f in folders)
    assert not (tmp_path / "benchmarks").exists()


def test_options_that_work_on_a_table_folder_need_out(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for flags in (["--report-only"], ["--resume"], ["--shard", "0/2"]):
        result = methods("--splits", few(tmp_path), *flags)
        assert result.exit_code == 2 and "--out" in result.stderr
    assert not (tmp_path / "runs").exists()


def test_a_split_that_cannot_be_read_leaves_no_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = methods("--splits", f"{few(tmp_path)},no-such-split")
    assert result.exit_code != 0 and "no-such-split" in result.stderr
    assert not (tmp_path / "runs").exists() and "writing to" not in result.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--methods", "med-1"], "unknown methods ['med-1']"),
        (["--methods", "margin", "--baseline", "foo"], "--baseline 'foo' is not a method"),
        (
            ["--methods", "guided", "--checkpoint", "puzzlemdm/checkpoints/sudoku-arm-solver"],
            "is an autoregressive model",
        ),
        (["--methods", "search", "--device", "tpu"], "choose auto, cpu, cuda or cuda:N"),
    ],
)
def test_bench_methods_refuses_what_it_cannot_measure_before_writing(
    args, said, tmp_path, monkeypatch
):
    split = few(tmp_path)
    monkeypatch.chdir(ROOT)
    out = tmp_path / "table"
    result = runner.invoke(app, ["bench", "methods", "--splits", split, "--out", str(out), *args])
    assert result.exit_code == 2 and said in result.stderr, result.output
    assert not out.exists()


def test_bench_orders_refuses_an_autoregressive_model(tmp_path):
    arm = str(ROOT / "puzzlemdm/checkpoints/sudoku-arm-solver")
    args = ["bench", "orders", "--checkpoint", arm, "--out", str(tmp_path / "o")]
    result = runner.invoke(app, [*args, "--splits", few(tmp_path), "--limit", "1"])
    assert result.exit_code == 2 and "is an autoregressive model" in result.stderr


def test_rows_of_other_weights_or_device_are_refused(tmp_path):
    out = tmp_path / "table"
    assert methods("--splits", few(tmp_path), "--out", str(out)).exit_code == 0
    (header_file,) = out.glob("run.*.json")
    header = json.loads(header_file.read_text())
    # the same weights on the same device: more rows are welcome
    again = methods("--splits", few(tmp_path), "--out", str(out), "--limit", "1")
    assert again.exit_code == 0, again.output
    for changed in ({"device": "cuda"}, {"weights_sha256": "0123456789abcdef"}):
        header_file.write_text(json.dumps({**header, **changed}))
        refused = methods("--splits", few(tmp_path), "--out", str(out))
        assert refused.exit_code == 2, refused.output
        assert len(refused.stderr.strip().splitlines()) == 1
        assert "holds a table of weights" in refused.stderr


def test_bench_orders_defaults_to_runs_and_keeps_other_tables(tmp_path, monkeypatch):
    split = few(tmp_path)
    monkeypatch.chdir(tmp_path)
    orders = ["bench", "orders", "--splits", split, "--orders", "margin", "--threads", "1"]
    assert runner.invoke(app, orders).exit_code == 0
    (folder,) = (tmp_path / "runs").iterdir()
    assert (folder / "orders.json").is_file() and (folder / "orders.md").is_file()

    table = tmp_path / "mine"
    assert runner.invoke(app, [*orders, "--out", str(table)]).exit_code == 0
    other_seed = runner.invoke(app, [*orders, "--seed", "5", "--out", str(table)])
    assert other_seed.exit_code == 2 and "seed" in other_seed.stderr  # not written over
    assert runner.invoke(app, [*orders, "--out", str(table)]).exit_code == 0  # its own seed
    stored = json.loads((tmp_path / "mine.json").read_text())
    (tmp_path / "mine.json").write_text(json.dumps({**stored, "device": "cuda:0"}))
    refused = runner.invoke(app, [*orders, "--out", str(table)])
    assert refused.exit_code == 2 and "on cuda" in refused.stderr
    assert json.loads((tmp_path / "mine.json").read_text())["device"] == "cuda:0"  # untouched


def test_fresh_folder_names_are_not_taken(tmp_path):
    first = fresh_folder("x", tmp_path)
    first.mkdir()
    second = fresh_folder("x", tmp_path)
    assert second != first and not second.exists()


def test_a_tables_command_reads_back_as_the_shell_takes_it():
    import shlex

    options = {"checkpoint": "my runs/last", "limit": 5, "figures": False, "settle": True}
    line = command_line("puzzlemdm analyze orders", options)
    assert shlex.split(line) == [
        "puzzlemdm",
        "analyze",
        "orders",
        "--checkpoint",
        "my runs/last",
        "--limit",
        "5",
        "--no-figures",
        "--settle",
    ]


@pytest.fixture
def recipe(tmp_path) -> Path:
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, count=12)
    cfg = tiny_config(corpus, tmp_path / "runs", steps=4)
    cfg["eval"]["every"] = 2
    lines = [f"{k} = {json.dumps(v)}" for k, v in cfg.items() if not isinstance(v, dict)]
    for section in ("model", "data", "optim", "eval"):
        lines.append(f"[{section}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in cfg[section].items()]
    path = tmp_path / "tiny.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_train_refuses_to_replace_a_run_and_says_where_it_resumes(recipe, tmp_path):
    train = ["train", "--config", str(recipe)]
    first = runner.invoke(app, [*train, "--set", "optim.stop_at=2"])
    assert first.exit_code == 0, first.output
    metrics = (tmp_path / "runs" / "tiny" / "metrics.jsonl").read_text()

    again = runner.invoke(app, train)
    assert again.exit_code == 2
    assert "--resume" in again.stderr and "--overwrite" in again.stderr
    assert (tmp_path / "runs" / "tiny" / "metrics.jsonl").read_text() == metrics  # untouched

    resumed = runner.invoke(app, [*train, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "resumed from step 2" in resumed.stderr

    replaced = runner.invoke(app, [*train, "--overwrite"])
    assert replaced.exit_code == 0, replaced.output
    assert "resumed" not in replaced.stderr


def crash_at(monkeypatch, step: int) -> None:
    """Training raises at `step` (as an out-of-memory first step would), after `step` steps."""
    import puzzlemdm.train.loop as loop

    real = loop.objective_for

    def objective_for(cfg):
        objective = real(cfg)

        def crashing(*args):
            if args[-1] >= step:  # the objective's last argument is the step
                raise RuntimeError("CUDA out of memory")
            return objective(*args)

        return crashing

    monkeypatch.setattr(loop, "objective_for", objective_for)


def test_a_run_that_crashed_before_its_first_step_does_not_block_a_fresh_start(
    recipe, tmp_path, monkeypatch
):
    train = ["train", "--config", str(recipe)]
    with monkeypatch.context() as patch:
        crash_at(patch, 0)
        crashed = runner.invoke(app, train)
    run = tmp_path / "runs" / "tiny"
    assert isinstance(crashed.exception, RuntimeError)
    assert (run / "config.json").exists() and not (run / "resume.pt").exists()

    resumed = runner.invoke(app, [*train, "--resume"])  # nothing to resume: says what to do
    assert resumed.exit_code == 2
    assert resumed.stderr.count("\n") == 1
    assert "no resume state" in resumed.stderr and "run without --resume" in resumed.stderr

    fresh = runner.invoke(app, train)
    assert fresh.exit_code == 0, fresh.output
    assert (run / "resume.pt").exists()


def test_a_run_that_saved_checkpoints_but_no_resume_state_says_to_overwrite(
    recipe, tmp_path, monkeypatch
):
    train = ["train", "--config", str(recipe)]
    with monkeypatch.context() as patch:
        crash_at(patch, 2)  # after the step-2 evaluation saved best/, before any resume state
        crashed = runner.invoke(app, train)
    run = tmp_path / "runs" / "tiny"
    assert isinstance(crashed.exception, RuntimeError)
    assert (run / "best").is_dir() and not (run / "resume.pt").exists()

    again = runner.invoke(app, train)
    assert again.exit_code == 2 and again.stderr.count("\n") == 1
    assert "no resume state" in again.stderr and "--overwrite starts it afresh" in again.stderr
    resumed = runner.invoke(app, [*train, "--resume"])
    assert resumed.exit_code == 2 and "--overwrite without --resume" in resumed.stderr
    assert runner.invoke(app, [*train, "--overwrite"]).exit_code == 0
