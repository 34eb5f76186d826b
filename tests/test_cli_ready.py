"""Issue 14, items 1, 2, 3, 7, 9: Ctrl-C, --threads, progress and output, every option
validated, and the smaller things (README paths, verify --json, models, --help text)."""

import glob
import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from rich.console import Console
from typer.testing import CliRunner

from puzzlemdm.cli import app

ROOT = Path(__file__).resolve().parent.parent
EASY = ROOT / "datasets" / "sudoku" / "easy" / "validation.jsonl"
HARD = ROOT / "datasets" / "sudoku" / "hard" / "validation.jsonl"
BBEH = ROOT.parent / "shared" / "benchmarks" / "zebra" / "bbeh_zebra_structured.jsonl"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def first_puzzles(path: Path, count: int) -> str:
    rows = path.read_text().splitlines()[:count]
    return "\n".join(json.loads(r)["puzzle"] for r in rows) + "\n"


# --- 1. Ctrl-C -----------------------------------------------------------------------------


def interrupt_after_first_line(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Start `puzzlemdm ARGS`, send it a real SIGINT once it printed its first stdout line."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "puzzlemdm", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the signal reaches this process group only, not pytest
    )
    first = process.stdout.readline()
    process.send_signal(signal.SIGINT)
    # read through the same buffered files (communicate() would skip what readline buffered)
    rest, err = process.stdout.read(), process.stderr.read()
    return process.wait(timeout=60), first + rest, err


def test_ctrl_c_during_guided_search_stops_workers_and_prints_the_summary(tmp_path):
    puzzles = tmp_path / "hard.txt"
    puzzles.write_text(first_puzzles(HARD, 200))
    # small batches: the first is printed early, the signal lands while the next is searched
    code, out, err = interrupt_after_first_line(
        ["solve", str(puzzles), "--json", "--batch-size", "4"], ROOT
    )
    assert code == 130, err  # not SIGABRT ("terminate called without an active exception")
    assert "terminate called" not in err and "Traceback" not in err
    done = [json.loads(line) for line in out.splitlines()]
    assert 1 <= len(done) < 200 and all(row["verified"] for row in done)
    summary = re.search(r"interrupted after (\d+) of 200 puzzles: (\d+)/(\d+) solved", err)
    assert summary, err
    # a puzzle is counted once printed: the signal may land between the two
    assert int(summary[1]) == int(summary[2]) == int(summary[3]) in (len(done) - 1, len(done))


def test_ctrl_c_during_generate_with_workers_stops_them(tmp_path):
    code, out, err = interrupt_after_first_line(
        ["generate", "sudoku", "--level", "easy", "--n", "5000", "--workers", "2"], tmp_path
    )
    assert code == 130 and "Traceback" not in err
    written = len(out.splitlines())
    said = re.search(r"interrupted: (\d+) of 5000 puzzles written", err)
    assert said and 1 <= written < 5000 and int(said[1]) in (written - 1, written)


def test_stopping_batched_searches_frees_every_waiting_search():
    from puzzlemdm.decode.guided import BatchedForward, SearchStopped

    shared = BatchedForward(torch.nn.Identity(), searches=2)
    shared.stop()  # as on Ctrl-C: a search asking now must not wait for its partner
    with pytest.raises(SearchStopped):
        shared.ask(0, torch.zeros(1, 4, dtype=torch.long), torch.ones(1, 4, 3, dtype=torch.bool))


# --- 2. --threads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["solve"], ["bench", "methods"], ["bench", "orders"], ["analyze", "orders"], ["train"]],
)
def test_long_commands_take_threads(command):
    result = run(*command, "--help")
    assert result.exit_code == 0 and "--threads" in result.stdout


def test_threads_default_is_one_and_is_applied(tmp_path):
    from puzzlemdm.solving import DEFAULT_THREADS, SolveConfig

    assert SolveConfig().threads == DEFAULT_THREADS == 1
    puzzles = tmp_path / "p.txt"
    puzzles.write_text(first_puzzles(EASY, 1))
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        assert run("solve", str(puzzles), "--json").exit_code == 0
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


# --- 3. progress and output -----------------------------------------------------------------


def test_progress_shows_on_a_terminal_only_and_not_when_quiet():
    from puzzlemdm.progress import CountProgress

    def shown(terminal: bool, quiet: bool) -> str:
        file = io.StringIO()
        console = Console(file=file, force_terminal=terminal, width=100)
        with CountProgress(console, 4, "solving", quiet) as bar:
            for solved in (True, False, True):
                bar.advance(solved)
            if bar.progress is not None:
                bar.progress.refresh()
        return file.getvalue()

    assert "3/4" in shown(True, False) and "2 solved" in shown(True, False)
    assert shown(False, False) == "" and shown(True, True) == ""


def test_status_line_names_the_puzzle_before_its_grid(tmp_path):
    puzzles = tmp_path / "p.txt"
    puzzles.write_text(first_puzzles(EASY, 2))
    result = run("solve", str(puzzles), "--solver", "search")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert lines[0].startswith(f"✓ {puzzles}:1: solved by search in")
    assert "│" in lines[1]  # the grid comes after its status line
    second = next(i for i, line in enumerate(lines) if line.startswith(f"✓ {puzzles}:2:"))
    assert "│" in lines[second - 1] and "│" in lines[second + 1]


def test_each_puzzle_has_its_own_time_in_a_batch():
    from puzzlemdm.solving import _own_seconds

    decoded = SimpleNamespace(info={}, nfe=torch.tensor([2, 4]))
    assert _own_seconds(decoded, 1.0) == [0.5, 1.0]  # decided after 2 of the batch's 4 passes
    searched = SimpleNamespace(info={"seconds": torch.tensor([0.1, 0.3])}, nfe=None)
    assert _own_seconds(searched, 9.0) == pytest.approx([0.1, 0.3])


@pytest.mark.skipif(not BBEH.is_file(), reason="needs ../shared/benchmarks (BBEH)")
def test_bbeh_zebra_answer_fits_80_columns_and_names_the_asked_house(tmp_path):
    one = tmp_path / "bbeh.jsonl"
    one.write_text(BBEH.read_text().splitlines()[0] + "\n")
    plain = run("solve", str(one), "--solver", "strategy")
    # the answer, after the status line (and a note on uniqueness)
    answer = [line for line in plain.stdout.splitlines() if not line.startswith(("✓", "!"))]
    assert plain.exit_code == 0 and max(len(line) for line in answer) <= 80
    assert re.search(r"^Answer: house \d \(\w+\)\.$", plain.stdout, re.M)
    assert "1. " not in plain.stdout  # no clue echo by default
    verbose = run("solve", str(one), "--solver", "strategy", "--verbose")
    assert "1. " in verbose.stdout


def test_classic_zebra_prints_a_table_and_the_asked_person():
    result = run("solve", str(ROOT / "examples" / "zebra.txt"), "--solver", "strategy")
    assert result.exit_code == 0 and "house 5" in result.stdout
    assert "Answer: house 2 (the zebra owner: the German)." in result.stdout


# --- 7. every option validated --------------------------------------------------------------

USAGE_ERRORS = {
    "select": (["solve", "{easy}", "--select", "foo"], "unknown selection 'foo'"),
    "round paths": (
        ["solve", "{easy}", "--paths", "4", "--round-paths", "2"],  # entropy: no stopping rule
        "--round-paths needs verified-first",
    ),
    "tau": (["solve", "{easy}", "--tau", "5"], "--tau is a probability"),
    "med-lambda": (["solve", "{easy}", "--med-lambda", "-1"], "--med-lambda is an entropy"),
    "kind": (["solve", "{easy}", "--kind", "foo"], "foo"),
    "verify kind": (["verify", "{easy}", "--kind", "foo"], "foo"),
    "trace": (["solve", "{easy}", "--trace", "/nonexistent/t.jsonl"], "does not exist"),
    "threads": (["solve", "{easy}", "--threads", "-1"], "'--threads'"),
    "unknown flag": (["solve", "{easy}", "--no-such-flag"], "--no-such-flag"),
    "generate output": (["generate", "sudoku", "-o", "/nonexistent/x.jsonl"], "does not exist"),
    "size 5": (["generate", "sudoku", "--size", "5"], "size 5 is not one of 4, 6, 9, 16"),
    "option": (["generate", "sudoku", "-O", "tries=5"], "no option 'tries'"),
    "max_tries": (
        ["generate", "sudoku", "--size", "4", "-O", "max_tries=5"],
        "could not generate level 'medium' for 4x4 in 5 tries",
    ),
    "size 16": (["generate", "sudoku", "--size", "16", "--level", "easy"], "--givens"),
    "size 4 medium": (["generate", "sudoku", "--size", "4", "--n", "1"], "could not generate"),
    "zebra option": (
        ["generate", "zebra", "-O", "bogus=1"],
        "no option 'bogus'; it takes houses, attributes, generator_version",
    ),
    "blocksworld option": (
        ["generate", "blocksworld", "-O", "bogus=1"],
        "no option 'bogus'; it takes blocks, goal, min_length, max_length",
    ),
    "option type": (
        ["generate", "sudoku", "-O", "max_tries=abc"],
        "sudoku option max_tries must be an integer, not 'abc'",
    ),
    "blocks of another level": (  # the default level is medium, 3 blocks an easy problem
        ["generate", "blocksworld", "-O", "blocks=3"],
        "3 blocks make a problem of level easy, not medium",
    ),
    "resume and overwrite": (
        ["train", "--config", "{easy}", "--resume", "--overwrite"],
        "--resume continues a run, --overwrite replaces it",
    ),
}


@pytest.mark.parametrize("case", USAGE_ERRORS)
def test_a_bad_option_is_exit_2_in_one_line(case, tmp_path):
    args, said = USAGE_ERRORS[case]
    easy = tmp_path / "easy.txt"
    easy.write_text(first_puzzles(EASY, 1))
    result = run(*(a.format(easy=easy) for a in args))
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and said in result.stderr


def test_node_limit_reached_is_said(tmp_path):
    puzzles = tmp_path / "hard.txt"
    puzzles.write_text(first_puzzles(HARD, 1))
    result = run("solve", str(puzzles), "--search", "guided", "--node-limit", "1", "--json")
    assert result.exit_code == 3
    assert "stopped at --node-limit 1" in json.loads(result.stdout)["message"]


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")  # torch, on the foreign bytes
def test_a_corrupt_resume_state_is_one_line(tmp_path):
    from puzzlemdm.model.checkpoint import CheckpointError
    from puzzlemdm.train.loop import load_resume_state

    damaged, foreign = tmp_path / "damaged.pt", tmp_path / "foreign.pt"
    torch.save({"step": 1}, damaged)
    damaged.write_bytes(damaged.read_bytes()[:40])
    foreign.write_bytes(b"\x80\x04\x95" + b"garbage" * 20)
    # a long state cut past its first records, text in its place, a state lacking its parts
    whole = {"model": {"w": torch.zeros(3000)}, "optimizer": {}, "step": 4, "generators": []}
    long_cut, text, partial = tmp_path / "long.pt", tmp_path / "text.pt", tmp_path / "part.pt"
    torch.save(whole, long_cut)
    long_cut.write_bytes(long_cut.read_bytes()[:9000])
    text.write_text("resume me\n" * 50)
    torch.save({**whole, "step": "4"}, partial)
    for path in (damaged, foreign, long_cut, text, partial):
        with pytest.raises(CheckpointError) as raised:
            load_resume_state(path)
        message = str(raised.value)
        assert "weights_only" not in message and "\n" not in message and str(path) in message


def test_bench_orders_takes_a_level_shortcut(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # shortcuts name the repository's datasets/
    out = tmp_path / "orders"
    result = run(
        "bench", "orders", "--splits", "easy", "--limit", "1", "--orders", "margin",
        "--device", "cpu", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(out.with_suffix(".json").read_text())


# --- 9. smaller things ----------------------------------------------------------------------


def test_readme_solve_paths_exist():
    text = (ROOT / "README.md").read_text()
    patterns = re.findall(r"^puzzlemdm solve (\S+)", text, re.M)
    checked = [p for p in patterns if "/" in p and not p.startswith("../shared")]
    checked += [p for p in patterns if p.startswith("../shared") and (ROOT / "../shared").is_dir()]
    assert checked
    for pattern in checked:
        assert glob.glob(str(ROOT / pattern)), f"README names {pattern}, which does not exist"


def test_verify_json_rows():
    result = run("verify", str(ROOT / "examples" / "sudoku.txt"), "--json")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and len(rows) == 6
    assert all(r["ok"] and r["kind"] == "sudoku" and r["problem"] is None for r in rows)


def test_models_lists_shipped_checkpoints_from_their_files():
    from puzzlemdm.shipped import SHIPPED

    result = run("models", "--json")
    rows = {r["name"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert result.exit_code == 0 and "sudoku-mdm" in rows
    sudoku = rows["sudoku-mdm"]
    config = json.loads((SHIPPED / "sudoku-mdm" / "config.json").read_text())
    assert sudoku["parameters"] == config["parameters"] and sudoku["kind"] == "sudoku"
    assert sudoku["headline"].startswith("validation: ") and sudoku["megabytes"] > 1
    assert "sudoku-mdm" in run("models").stdout


def test_generate_help_keeps_the_seed_text():
    assert "rng([seed, i])" in run("generate", "--help").stdout
