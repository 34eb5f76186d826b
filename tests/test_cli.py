"""The command line: exit codes, one-line errors, JSON rows, determinism across workers."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from puzzlemdm.cli import app

ROOT = Path(__file__).resolve().parent.parent
EASY = ROOT / "datasets" / "sudoku" / "easy" / "validation.jsonl"
PLAIN = ROOT / "benchmarks" / "results" / "recurrence_cpu" / "sudoku-mdm-plain-checkpoint"
HARD = ROOT / "datasets" / "sudoku" / "hard" / "validation.jsonl"
runner = CliRunner()

# Consistent givens, no solution: r1c9 can only be 9, but column 9 already holds a 9.
NO_SOLUTION = "12345678." + "........9" + "." * 63
DUPLICATE_GIVENS = "11" + "." * 79


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def first_lines(path: Path, count: int, field: str = "puzzle") -> str:
    rows = path.read_text().splitlines()[:count]
    return "\n".join(json.loads(r)[field] for r in rows) + "\n"


def test_search_solves_and_json_rows_have_the_promised_fields(tmp_path):
    puzzles = tmp_path / "p.txt"
    puzzles.write_text(first_lines(EASY, 3))
    result = run("solve", str(puzzles), "--solver", "search", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    for row, line in zip(rows, first_lines(EASY, 3).split(), strict=False):
        assert row["puzzle"] == line and row["verified"] is True and row["solver"] == "search"
        assert len(row["answer"]) == 81 and "." not in row["answer"] and row["seconds"] >= 0


def test_unsolved_by_strategy_exits_3_and_leaves_open_cells(tmp_path):
    puzzles = tmp_path / "hard.txt"
    puzzles.write_text(first_lines(HARD, 2))
    result = run("solve", str(puzzles), "--solver", "strategy", "--json")
    assert result.exit_code == 3
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(not r["verified"] and r["status"] == "unsolved" for r in rows)
    assert all("needs search" in r["message"] for r in rows)


@pytest.mark.parametrize("line", [NO_SOLUTION, DUPLICATE_GIVENS])
def test_invalid_puzzles_exit_1(line, tmp_path):
    puzzles = tmp_path / "bad.txt"
    puzzles.write_text(line + "\n")
    result = run("solve", str(puzzles), "--solver", "search", "--json")
    assert result.exit_code == 1
    row = json.loads(result.stdout)
    assert row["status"] == "invalid" and row["verified"] is False


def test_malformed_file_is_one_line_with_position(tmp_path):
    puzzles = tmp_path / "broken.txt"
    puzzles.write_text("." * 81 + "\n" + "." * 40 + "x" + "." * 40 + "\n")
    result = run("solve", str(puzzles), "--solver", "search")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert f"{puzzles}:2:41" in message and "'x'" in message


def test_missing_file_and_usage_errors():
    missing = run("solve", "no/such/file.txt")
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    assert run("solve", str(EASY), "--solver", "telepathy").exit_code == 2
    assert run("solve", str(EASY), "--order", "sideways").exit_code == 2
    assert run("solve", str(EASY), "--no-such-flag").exit_code == 2
    assert run("generate", "sudoku", "--level", "impossible").exit_code == 2
    no_model = run("solve", str(EASY), "--solver", "search", "--runs", "2")
    assert no_model.exit_code == 2 and "uses no model" in no_model.stderr
    plain = ["--checkpoint", str(PLAIN), "--search", "none"]  # the shipped model recurs
    again = run("solve", str(EASY), "--runs", "2", *plain)
    assert again.exit_code == 1 and "need a recurrent model" in again.stderr
    settling = run("solve", str(EASY), "--settle", *plain)
    assert settling.exit_code == 1 and "--settle needs a recurrent model" in settling.stderr


def test_stdin_is_read_for_dash():
    result = run("solve", "-", "--solver", "search", "--json", stdin=first_lines(EASY, 1))
    assert result.exit_code == 0 and json.loads(result.stdout)["verified"]


def test_verify_catches_a_corrupted_solution(tmp_path):
    row = json.loads(EASY.read_text().splitlines()[0])
    solution = row["solution"]
    row["solution"] = solution[1] + solution[0] + solution[2:]
    corrupted = tmp_path / "c.jsonl"
    corrupted.write_text(json.dumps(row) + "\n")
    assert run("verify", str(EASY)).exit_code == 0
    result = run("verify", str(corrupted))
    assert result.exit_code == 1 and "column" in result.stdout


def test_grade_reports_levels_as_json(tmp_path):
    puzzles = tmp_path / "p.txt"
    puzzles.write_text(first_lines(EASY, 2) + first_lines(HARD, 1))
    result = run("grade", str(puzzles), "--json")
    assert result.exit_code == 0
    levels = [json.loads(line)["level"] for line in result.stdout.splitlines()]
    assert levels == ["easy", "easy", "hard"]


def test_generate_is_identical_for_any_worker_count(tmp_path):
    one, two = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    common = ["generate", "sudoku", "--level", "medium", "--n", "6", "--seed", "11"]
    assert run(*common, "-o", str(one)).exit_code == 0
    assert run(*common, "--workers", "2", "-o", str(two)).exit_code == 0
    assert one.read_bytes() == two.read_bytes()
    rows = [json.loads(line) for line in one.read_text().splitlines()]
    assert {r["level"] for r in rows} == {"medium"} and len(rows) == 6


def test_python_dash_m_entry_point_never_prints_a_traceback(tmp_path):
    broken = tmp_path / "b.txt"
    broken.write_bytes(b"\xff\xfe not text")
    done = subprocess.run(
        [sys.executable, "-m", "puzzlemdm", "solve", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "not a text file" in done.stderr


def test_a_gpu_recipe_on_a_machine_without_cuda_is_a_usage_error():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    recipe = Path(__file__).resolve().parent.parent / "train" / "sudoku-mdm-gpu.toml"
    result = CliRunner().invoke(app, ["train", "--config", str(recipe)])
    assert result.exit_code == 2
    assert "no CUDA GPU" in result.stderr and "--device cpu" in result.stderr


def test_solve_policy_is_resolved_per_kind_by_the_library():
    from puzzlemdm.puzzles.registry import get_kind, has_shipped_model
    from puzzlemdm.solving import SolveConfig, UsageError, resolve

    sudoku, zebra = get_kind("sudoku"), get_kind("zebra")
    chosen = resolve(sudoku, SolveConfig())
    assert (chosen.solver, chosen.search) == ("mdm", "guided")  # the shipped model, guided
    assert resolve(sudoku, SolveConfig(method={"paths": 2})).search == "none"  # asks for a path
    shipped = "mdm" if has_shipped_model("zebra") else zebra.solvers[0]
    assert resolve(zebra, SolveConfig()).solver == shipped
    assert resolve(zebra, SolveConfig(checkpoint=Path("any"))).solver == "mdm"
    # no propagation to guide: the model decodes a path unless guided search is asked for
    blocksworld = get_kind("blocksworld")
    plain = resolve(blocksworld, SolveConfig(checkpoint=Path("any")))
    assert (plain.search, plain.fallback) == ("none", "astar")  # misses go on to A*
    alone = resolve(blocksworld, SolveConfig(checkpoint=Path("any"), search="none"))
    assert alone.fallback is None  # --search none: the model alone
    assert resolve(blocksworld, SolveConfig(search="guided")).search == "guided"
    assert resolve(sudoku, SolveConfig(search="none")).fallback is None
    with pytest.raises(UsageError, match="--search none"):
        resolve(sudoku, SolveConfig(search="guided", method={"paths": 2}))
    with pytest.raises(UsageError, match="does not solve zebra"):
        resolve(zebra, SolveConfig(solver="search"))
    with pytest.raises(UsageError, match="--fallback 'astar'"):
        resolve(zebra, SolveConfig(fallback="astar"))
