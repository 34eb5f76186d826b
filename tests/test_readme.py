"""The README's set-up commands stay true: CI runs exactly the documented test command."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = ROOT / "README.md"
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    command = next(line for line in ci_lines if "pytest" in line)
    assert f"```bash\n{command}\n```" in readme.read_text()


EXAMPLES = sorted((ROOT / "examples").iterdir())
# an example's kind, where its name is not the kind
NAMED_OTHERWISE = {"einstein": "zebra", "zebralogic": "zebra"}


def test_every_kind_with_a_model_has_an_example_the_readme_solves():
    from puzzlemdm.puzzles.registry import KIND_PACKAGES
    from puzzlemdm.shipped import has_shipped_model

    readme = (ROOT / "README.md").read_text()
    named = {path.stem for path in EXAMPLES}
    assert {k for k in KIND_PACKAGES if has_shipped_model(k)} <= named
    for path in EXAMPLES:
        assert f"puzzlemdm solve examples/{path.name}" in readme


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_is_read_as_its_kind_and_has_a_verified_answer(path: Path):
    from puzzlemdm.puzzles.corpus import read_corpus

    kind, records = read_corpus(path, need_solutions=False)
    assert kind.name == NAMED_OTHERWISE.get(path.stem, path.stem)
    assert records
    for record in records:
        result = kind.solve(record.puzzle, kind.solvers[0])
        assert result.solved
        assert kind.verify(record.puzzle, result.answer).ok
