"""A classical solve stays light: no torch, and no kind but the one the file holds."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from typer.testing import CliRunner
from puzzlemdm.cli import app
result = CliRunner().invoke(app, ["solve", sys.argv[1], "--solver", sys.argv[2]])
loaded = [m for m in sys.modules if m == "torch" or m.endswith(".kind")]
print(json.dumps({"exit": result.exit_code, "loaded": loaded}))
"""


def loaded_by(puzzle_file: str, solver: str) -> dict:
    """Exit code and heavy modules loaded by one `puzzlemdm solve` in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, puzzle_file, solver],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_classical_sudoku_solve_imports_neither_torch_nor_other_kinds():
    probe = loaded_by("examples/sudoku.txt", "search")
    assert probe["exit"] == 0
    assert probe["loaded"] == ["puzzlemdm.puzzles.sudoku.kind"]


def test_classical_zebra_solve_loads_only_zebra():
    probe = loaded_by("datasets/zebra/easy/validation.jsonl", "strategy")
    assert probe["exit"] == 0
    assert probe["loaded"] == ["puzzlemdm.puzzles.zebra.kind"]


def test_importing_the_package_imports_no_torch_and_no_kind():
    probe = "import sys, puzzlemdm; print([m for m in sys.modules if m == 'torch' or 'kind' in m])"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"
