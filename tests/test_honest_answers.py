"""Answers say what they are: a puzzle with several solutions is reported as such, `verify`
says what it checked and rejects an unsolvable puzzle, and each kind counts solutions."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from puzzlemdm.cli import app
from puzzlemdm.puzzles.registry import get_kind

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

FIVE_GIVENS = "1........" + ".2......." + "..3......" + "...4....." + "....5...." + "." * 36
NO_SOLUTION = "12345678." + "........9" + "." * 63  # r1c9 must be 9; column 9 holds one
ZEBRA = ROOT / "datasets" / "zebra" / "easy" / "validation.jsonl"
BLOCKS = ROOT / "datasets" / "blocksworld" / "easy" / "validation.jsonl"


def zero_clue_zebra(tmp_path: Path) -> Path:
    """A dataset zebra with its clues (and solution) taken away: every grid fits."""
    line = json.loads(ZEBRA.read_text().splitlines()[0])
    line["puzzle"] = {"attributes": line["puzzle"]["attributes"], "clues": []}
    line["solution"] = None
    path = tmp_path / "zero.jsonl"
    path.write_text(json.dumps(line) + "\n")
    return path


def sudoku(line: str):
    return get_kind("sudoku").parse_text(line + "\n")[0].puzzle


def test_each_kind_counts_solutions_up_to_the_limit(tmp_path):
    kind = get_kind("sudoku")
    unique = kind.parse_text((ROOT / "examples" / "sudoku.txt").read_text())[0].puzzle
    assert kind.count_solutions(unique, 2) == 1
    assert kind.count_solutions(sudoku(FIVE_GIVENS), 2) == 2
    assert kind.count_solutions(sudoku(FIVE_GIVENS), 3) == 3
    assert kind.count_solutions(sudoku(NO_SOLUTION), 2) == 0

    zebra = get_kind("zebra")
    assert zebra.count_solutions(zebra.parse_text(ZEBRA.read_text())[0].puzzle) == 1
    empty = zebra.parse_text(zero_clue_zebra(tmp_path).read_text())[0].puzzle
    assert zebra.count_solutions(empty, 2) == 2

    blocks = get_kind("blocksworld")
    assert blocks.count_solutions(blocks.parse_text(BLOCKS.read_text())[0].puzzle) is None


def test_solving_a_puzzle_with_several_solutions_says_so(tmp_path):
    path = tmp_path / "five.txt"
    path.write_text(FIVE_GIVENS + "\n")
    rows = runner.invoke(app, ["solve", str(path), "--solver", "search", "--json"])
    assert rows.exit_code == 0, rows.output  # the answer is right: exit 0, with the warning
    row = json.loads(rows.stdout)
    assert row["verified"] is True and row["unique"] is False
    assert "1 with several solutions" in rows.stderr

    human = runner.invoke(app, ["solve", str(path), "--solver", "search"])
    assert human.exit_code == 0
    assert "several solutions" in human.stdout


def test_a_unique_puzzle_is_reported_unique(tmp_path):
    rows = runner.invoke(
        app, ["solve", str(ROOT / "examples" / "sudoku.txt"), "--solver", "search", "--json"]
    )
    assert rows.exit_code == 0
    assert [json.loads(line)["unique"] for line in rows.stdout.splitlines()] == [True] * 6


def test_zebra_with_no_clues_is_solved_but_flagged(tmp_path):
    path = zero_clue_zebra(tmp_path)
    solved = runner.invoke(app, ["solve", str(path), "--solver", "strategy", "--json"])
    assert solved.exit_code == 0
    assert json.loads(solved.stdout)["unique"] is False
    graded = runner.invoke(app, ["grade", str(path), "--json"])
    assert json.loads(graded.stdout)["unique"] is False
    assert "several solutions" in graded.stderr


def test_guided_search_proving_no_solution_offers_no_half_grid_as_an_answer(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text(NO_SOLUTION + "\n")
    result = runner.invoke(app, ["solve", str(path), "--json"])
    row = json.loads(result.stdout)
    assert result.exit_code == 1 and row["solver"] == "sudoku-mdm/guided-search"
    assert row["status"] == "invalid" and "no solution" in row["message"]
    assert row["answer"] is None and "rejected_answer" not in row  # it was the givens, blanks


def test_verify_rejects_an_unsolvable_puzzle_and_says_what_it_checked(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text(NO_SOLUTION + "\n")
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code == 1
    assert "no solution" in result.stdout
    assert "0/1 verified (checked: givens consistent, solvable)" in result.stderr


@pytest.mark.parametrize(
    ("line", "code", "said"),
    [(FIVE_GIVENS, 0, "1 with several solutions"), ("11" + "." * 79, 1, "0/1 verified")],
)
def test_verify_exit_codes(line, code, said, tmp_path):
    path = tmp_path / "p.txt"
    path.write_text(line + "\n")
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code == code, result.output
    assert said in result.stderr


def test_verify_checks_the_files_own_solutions(tmp_path):
    lines = ZEBRA.read_text().splitlines()[:3]
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["verify", str(good)])
    assert result.exit_code == 0
    assert "3 given solutions right" in result.stderr and "3 unique" in result.stderr

    wrong = json.loads(lines[0])
    first = next(iter(wrong["solution"]))
    wrong["solution"][first] = wrong["solution"][first][::-1]  # two houses swapped
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(wrong) + "\n")
    result = runner.invoke(app, ["verify", str(bad)])
    assert result.exit_code == 1
    assert "solution is wrong" in result.stdout
