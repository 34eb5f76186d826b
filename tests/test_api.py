"""The Python API (`puzzlemdm.load / parse / verify / judge`): the README's example runs
verbatim, and each call does what its docstring says."""

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

import puzzlemdm
from puzzlemdm.puzzles.base import PuzzleError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sudoku.txt"


def readme_python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)


def test_readme_python_example_runs_verbatim(capsys):
    (block,) = readme_python_blocks()
    cwd = os.getcwd()
    os.chdir(ROOT)  # the example names files relative to the repository
    try:
        exec(compile(block, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 7
    assert all(" solved True " in line for line in printed[:6])


def test_parse_reads_paths_and_text_and_detects_the_kind():
    from_path = puzzlemdm.parse(EXAMPLE)
    from_name = puzzlemdm.parse(str(EXAMPLE))
    from_text = puzzlemdm.parse(EXAMPLE.read_text())
    assert len(from_path) == len(from_name) == len(from_text) == 6
    assert from_path[0].puzzle == from_text[0].puzzle
    zebra = puzzlemdm.parse(ROOT / "examples" / "zebra.txt")
    assert type(zebra[0].puzzle).__module__.startswith("puzzlemdm.puzzles.zebra")
    with pytest.raises(puzzlemdm.PuzzleError, match="<text>:1"):
        puzzlemdm.parse("x" * 81, kind="sudoku")


def test_a_missing_file_is_an_error_not_puzzle_text():
    for name in ("no/such/file", "missing.txt", ROOT / "missing.jsonl"):
        with pytest.raises(puzzlemdm.PuzzleError, match="no such file"):
            puzzlemdm.parse(name)
    assert len(puzzlemdm.parse(EXAMPLE.read_text().splitlines()[2])) == 1  # a line is text


def test_an_answer_of_the_wrong_shape_is_a_clear_error():
    record = puzzlemdm.parse(EXAMPLE)[0]
    for answer in ("123", 7, [[1, 2], [3]]):
        with pytest.raises(puzzlemdm.PuzzleError, match="not a sudoku answer"):
            puzzlemdm.verify(record, answer)


def test_a_classical_solver_needs_no_model_and_verify_judges():
    records = puzzlemdm.parse(EXAMPLE)
    solver = puzzlemdm.load("sudoku", solver="search")
    assert solver.name == "search"
    outcomes = solver.solve([r.puzzle for r in records])  # bare puzzles work too
    assert [o.status for o in outcomes] == ["solved"] * 6
    assert all(puzzlemdm.verify(r, o.answer) for r, o in zip(records, outcomes, strict=True))
    wrong = puzzlemdm.verify(records[0], outcomes[1].answer)
    assert not wrong and wrong.violations


def test_zebra_defaults_to_its_classical_solver():
    solver = puzzlemdm.load("zebra")
    (outcome,) = solver.solve(ROOT / "examples" / "zebra.txt")
    assert outcome.verified and outcome.unique is True


def test_a_checkpoint_folder_loads_its_kind():
    folder = ROOT / "puzzlemdm" / "checkpoints" / "sudoku-mdm"
    solver = puzzlemdm.load(folder)
    assert solver.kind.name == "sudoku" and solver.name == "mdm"
    outcomes = solver.solve(EXAMPLE, search="none", batch_size=6)
    assert all(o.solver.endswith("/margin") for o in outcomes)


def test_usage_errors_are_raised_at_once():
    with pytest.raises(puzzlemdm.PuzzleError, match="neither a puzzle kind"):
        puzzlemdm.load("chess")
    with pytest.raises(puzzlemdm.UsageError, match="--solver"):
        puzzlemdm.load("sudoku", solver="telepathy")
    with pytest.raises(TypeError, match="colour"):
        puzzlemdm.load("sudoku", solver="search").solve(EXAMPLE, colour="red")
    with pytest.raises(puzzlemdm.PuzzleError, match="not a puzzle"):
        puzzlemdm.verify(object(), None)
    zebra = puzzlemdm.parse(ROOT / "examples" / "zebra.txt")
    with pytest.raises(puzzlemdm.PuzzleError, match="not a sudoku puzzle"):
        puzzlemdm.load("sudoku", solver="search").solve(zebra)


def test_solve_takes_one_puzzle_or_lines_and_refuses_wrong_values():
    records = puzzlemdm.parse(EXAMPLE)
    solver = puzzlemdm.load("sudoku", solver="search")
    assert [o.status for o in solver.solve(records[0])] == ["solved"]
    line = EXAMPLE.read_text().splitlines()[2]
    assert [o.status for o in solver.solve([line, line])] == ["solved", "solved"]
    model = puzzlemdm.load("sudoku")
    for wrong, said in (
        ({"batch_size": 0}, "--batch-size must be at least 1"),
        ({"batch_size": -1}, "--batch-size must be at least 1"),
        ({"paths": 0}, "paths must be at least 1"),
        ({"paths": "4"}, "--paths must be int, not '4'"),
        ({"node_limit": "5"}, "--node-limit must be int or None"),
    ):
        with pytest.raises(puzzlemdm.UsageError, match=re.escape(said)):
            model.solve(records[:1], **wrong)


def test_a_puzzle_of_another_kind_is_named_where_it_came_from():
    solver = puzzlemdm.load("sudoku", solver="search")
    zebra = puzzlemdm.parse(ROOT / "examples" / "zebra.txt")
    with pytest.raises(PuzzleError, match="item 0 of the list is not a sudoku puzzle"):
        solver.solve([zebra[0].puzzle])
    with pytest.raises(PuzzleError, match=r"zebra\.txt:\d+ is not a sudoku puzzle"):
        solver.solve(zebra)


def test_an_answer_given_apart_is_read_for_the_verifier():
    (problem,) = puzzlemdm.parse(ROOT / "examples" / "blocksworld.pddl")
    plan = "[PLAN]\nunstack the orange block from on top of the yellow block\n[PLAN END]\n"
    answer = puzzlemdm.parse_answer(problem, plan)
    verdict = puzzlemdm.verify(problem, answer)
    assert not verdict.ok and "goal" in str(verdict.violations[0])  # one legal step, goal unmet
    sudoku = puzzlemdm.parse(EXAMPLE)[0]
    solver = puzzlemdm.load("sudoku", solver="search")
    (solved,) = solver.solve(sudoku)
    line = solved.answer.to_line()
    assert puzzlemdm.verify(sudoku, puzzlemdm.parse_answer(sudoku, line)).ok
    row = json.dumps({"id": "examples/sudoku.txt:3", "kind": "sudoku", "answer": line})
    assert puzzlemdm.parse_answer(sudoku, row) == solved.answer  # a row is text, not a path
    with pytest.raises(PuzzleError, match="cells blank"):
        puzzlemdm.parse_answer(sudoku, sudoku.puzzle.to_line())


def test_judge_takes_whole_answers_and_short_answers_to_a_puzzles_question() -> None:
    from puzzlemdm.puzzles.registry import get_kind
    from puzzlemdm.puzzles.zebra.zebralogic_write import multiple_choice_line

    record = get_kind("zebra").generate(np.random.default_rng(3), "easy")
    record.id = "mc"
    line = json.loads(multiple_choice_line(record))
    (asked,) = puzzlemdm.parse(json.dumps(line) + "\n", kind="zebra")
    wrong = next(c for c in line["choices"] if c != line["answer"])
    right = puzzlemdm.judge(asked, f"Answer: {line['answer']}")
    assert right.ok and right.short and right.problem == ""
    letter = "ABCDEFGH"[line["choices"].index(wrong)]
    said = puzzlemdm.judge(asked, letter)
    assert not said.ok and said.short and wrong in said.problem
    with pytest.raises(PuzzleError):  # no answer to verify: a short one is judged
        puzzlemdm.parse_answer(asked, line["answer"])
    sudoku = puzzlemdm.parse(EXAMPLE)[0]
    (solved,) = puzzlemdm.load("sudoku", solver="search").solve(sudoku)
    assert puzzlemdm.judge(sudoku.puzzle, solved.answer.to_line()).ok
    unread = puzzlemdm.judge(sudoku, "no grid here")
    assert not unread.ok and unread.problem.startswith("the answer cannot be read")


def test_cells_are_counted_against_a_sudokus_solution_givens_too() -> None:
    from puzzlemdm.answers import cell_counts
    from puzzlemdm.puzzles.registry import get_kind

    kind = get_kind("sudoku")
    record = kind.generate(np.random.default_rng(5), "easy")
    size = len(record.solution.cells)
    assert cell_counts(kind, record, record.solution) == (size, size)
    assert cell_counts(kind, record, None) == (0, size)
    blank, given = (
        next(i for i, v in enumerate(record.puzzle.cells) if (v == 0) == want)
        for want in (True, False)
    )
    cells = list(record.solution.cells)
    cells[blank] = cells[given] = cells[blank] % 9 + 1  # one blank and one given made wrong
    changed = type(record.solution)(record.solution.shape, tuple(cells))
    wrong = sum(a != b for a, b in zip(cells, record.solution.cells, strict=True))
    assert wrong >= 1 and cell_counts(kind, record, changed) == (size - wrong, size)
    no_grid = get_kind("blocksworld")
    plans = no_grid.generate(np.random.default_rng(5), "easy")
    assert cell_counts(no_grid, plans, plans.solution) is None


def test_values_of_the_wrong_type_are_a_type_error_that_names_them():
    solver = puzzlemdm.load("sudoku", solver="search")
    for call, said in (
        (lambda: puzzlemdm.parse(None), "not NoneType None"),
        (lambda: puzzlemdm.parse(5), "not int 5"),
        (lambda: puzzlemdm.parse(EXAMPLE, kind=["sudoku"]), "kind must be a kind's name"),
        (lambda: puzzlemdm.judge(puzzlemdm.parse(EXAMPLE)[0], None), "not NoneType None"),
        (lambda: puzzlemdm.load(None), "load() takes a kind's name or a checkpoint folder"),
        (lambda: solver.solve(None), "solve() takes a file, text, a puzzle or record"),
        (lambda: solver.solve(b"53..7"), "not bytes"),
        (lambda: solver.solve({"53..7": 1}), "not dict"),
    ):
        with pytest.raises(TypeError, match=re.escape(said)):
            call()
    assert len(solver.solve(r for r in puzzlemdm.parse(EXAMPLE))) == 6  # any iterable


def test_an_unsolved_outcome_holds_no_answer_and_keeps_the_refused_one_apart():
    hard = [r.puzzle for r in puzzlemdm.parse("datasets/sudoku/hard/test.jsonl")[:12]]
    model = puzzlemdm.load("puzzlemdm/checkpoints/sudoku-mdm-matched", threads=1)
    outcomes = model.solve(hard, search="none")
    unsolved = [o for o in outcomes if not o.verified]
    assert unsolved, "the matched model solves about 60% of hard puzzles by one path"
    for o in unsolved:
        assert o.answer is None and o.rejected is not None
        assert not puzzlemdm.verify(o.record, o.rejected)


def test_api_items_are_named_by_their_place_and_other_kinds_files_said_so():
    line = puzzlemdm.parse("examples/sudoku.txt")[0].puzzle.to_line()
    solver = puzzlemdm.load("sudoku", solver="search")
    assert [o.record.name for o in solver.solve([line, line])] == ["<api>:1", "<api>:2"]
    row = (ROOT / "datasets/sudoku/easy/test.jsonl").read_text().splitlines()[0]
    assert solver.solve([row])[0].record.name == "sudoku-easy-s101-000000"  # its own id
    with pytest.raises(puzzlemdm.PuzzleError, match="holds zebra puzzles; this solver solves"):
        solver.solve("examples/zebra.txt")
    with pytest.raises(puzzlemdm.PuzzleError, match="is a directory"):
        puzzlemdm.parse("examples")
    with pytest.raises(puzzlemdm.UsageError, match="--runs must be at least 1"):
        puzzlemdm.load("sudoku", runs=0)
    record = puzzlemdm.parse("datasets/sudoku/easy/test.jsonl")[0]
    assert puzzlemdm.judge(record, record.solution.to_line()).cells == (81, 81)


def test_a_fallback_keeps_the_model_s_refused_answer():
    from dataclasses import replace

    from puzzlemdm.puzzles.registry import get_kind
    from puzzlemdm.solving import _fall_back, classify

    kind = get_kind("sudoku")
    record = puzzlemdm.parse(str(ROOT / "datasets/sudoku/easy/test.jsonl"))[0]
    cells = list(record.solution.cells)
    blanks = [i for i, v in enumerate(record.puzzle.cells) if v == 0]
    cells[blanks[0]], cells[blanks[1]] = cells[blanks[1]], cells[blanks[0]]
    wrong = replace(record.solution, cells=tuple(cells))
    refused = classify(kind, record, wrong, "sudoku-mdm/margin", 0.1)
    assert refused.rejected == wrong and refused.answer is None
    finished = _fall_back(kind, refused, "search")
    assert finished.verified and finished.rejected == wrong
