"""The README's set-up commands stay true: CI runs exactly the documented test command."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = ROOT / "README.md"
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    command = next(line for line in ci_lines if "pytest" in line)
    assert f"```bash\n{command}\n```" in readme.read_text()


def test_readme_example_file_exists_and_parses():
    from puzzlemdm.puzzles.sudoku.formats import parse_text

    text = (ROOT / "examples" / "sudoku.txt").read_text()
    assert "puzzlemdm solve examples/sudoku.txt" in (ROOT / "README.md").read_text()
    assert len(parse_text(text, "examples/sudoku.txt")) == 6
