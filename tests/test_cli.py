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
    assert again.exit_code == 2 and "need a recurrent model" in again.stderr
    settling = run("solve", str(EASY), "--settle", *plain)
    assert settling.exit_code == 2 and "--settle: needs a recurrent model" in settling.stderr


@pytest.mark.parametrize(
    ("flags", "said"),
    [  # options that would be ignored are refused, naming them and what they need
        (["--solver", "search", "--paths", "8"], "--solver search uses no model"),
        (["--solver", "search", "--checkpoint", str(PLAIN)], "only the model reads --checkpoint"),
        (["--solver", "search", "--branch", "margin"], "only the model reads --branch"),
        (["--search", "none", "--node-limit", "3"], "--node-limit steer(s) guided search"),
        (["--order", "random", "--branch", "margin"], "--order ask(s) for a decoded path"),
        (["--search", "none", "--steps", "4"], "--steps has no effect without --schedule steps"),
        (["--tau", "0.5"], "--tau has no effect without --schedule threshold"),
        (["--select", "verified-first"], "--select has no effect without --paths"),
        (["--repair-rounds", "2"], "--repair-rounds has no effect without --repair"),
        (["--search", "guided", "--order", "random"], "it branches where --branch says"),
    ],
)
def test_options_that_would_be_ignored_are_usage_errors(flags, said):
    result = run("solve", str(EASY), *flags)
    assert result.exit_code == 2 and result.stdout == ""
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_checkpoint_that_cannot_serve_is_a_usage_error_before_any_puzzle(tmp_path):
    zebra = ROOT / "datasets" / "zebra" / "easy" / "validation.jsonl"
    zebra_file = tmp_path / "z.jsonl"
    zebra_file.write_text(zebra.read_text().splitlines()[0] + "\n")
    mixed = run("solve", str(EASY), str(zebra_file), "--checkpoint", str(PLAIN))
    assert mixed.exit_code == 2 and mixed.stdout == ""  # no Sudoku solved before the refusal
    assert "reads sudoku puzzles, not zebra" in mixed.stderr
    assert "no such folder" in run("solve", str(EASY), "--checkpoint", "nowhere").stderr
    run_folder = tmp_path / "run"
    (run_folder / "best").mkdir(parents=True)
    (run_folder / "config.json").write_text("{}")
    told = run("solve", str(EASY), "--checkpoint", str(run_folder))
    assert told.exit_code == 2 and f"its checkpoints are {run_folder / 'best'}" in told.stderr
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "config.json").write_text((PLAIN / "config.json").read_text())
    (corrupt / "model.safetensors").write_bytes(b"not weights")
    broken = run("solve", str(EASY), "--checkpoint", str(corrupt))
    assert broken.exit_code == 2 and "model.safetensors is corrupt" in broken.stderr


def test_json_ids_of_plain_files_name_the_file_and_line(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(first_lines(EASY, 2))
    second.write_text(first_lines(HARD, 1))
    result = run("solve", str(first), str(second), "--solver", "search", "--json")
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == [f"{first}:1", f"{first}:2", f"{second}:1"]


def test_standard_input_is_read_once() -> None:
    line = first_lines(EASY, 1)
    for args in (["solve", "-", "-", "--solver", "search"], ["verify", "-", "--answer", "-"]):
        result = run(*args, stdin=line)
        assert result.exit_code == 2 and "can be read once" in result.stderr, args


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


def english(action: str) -> str:
    """An action as PlanBench's prompts word it, its blocks a..f named by PlanBench's colours."""
    colour = dict(
        zip("abcdef", ("red", "blue", "orange", "yellow", "white", "magenta"), strict=True)
    )
    op, *blocks = action.strip("()").split()
    named = [f"the {colour[b]} block" for b in blocks]
    return {
        "pick-up": "Pick up {}", "put-down": "Put down {}", "stack": "Stack {} on top of {}",
        "unstack": "Unstack {} from on top of {}",
    }[op].format(*named)  # fmt: skip


def test_verify_checks_an_answer_given_apart_in_the_forms_people_have(tmp_path):
    problem = str(ROOT / "examples" / "blocksworld.pddl")
    plan = ["(unstack c d)", "(put-down c)", "(pick-up a)", "(stack a c)", "(unstack f e)"]
    plan += ["(stack f a)", "(pick-up d)", "(stack d f)", "(pick-up e)", "(stack e b)"]
    files = {
        "val.txt": "\n".join(plan) + "\n; cost = 10 (unit cost)\n",  # VAL / Fast Downward
        "ff.txt": "\n".join(
            f"{'step ' if i == 0 else ''}{i}: {a.strip('()').upper()}" for i, a in enumerate(plan)
        ),  # FF
        "timed.txt": "\n".join(f"{i}.000: {a} [1]" for i, a in enumerate(plan)),
        "list.json": json.dumps(plan),
        "planbench.txt": "[PLAN]\n"
        + "\n".join(f"{i}. {english(a)}." for i, a in enumerate(plan, 1))
        + "\n[PLAN END]\n",  # a language model's answer to PlanBench's prompt
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        result = run("verify", problem, "--answer", str(tmp_path / name))
        assert result.exit_code == 0 and "the answer right" in result.stderr, name
    (tmp_path / "short.txt").write_text("\n".join(plan[:-1]))
    result = run("verify", problem, "--answer", str(tmp_path / "short.txt"))
    assert result.exit_code == 1 and "the answer is wrong: goal: e must be on b" in result.stdout
    (tmp_path / "bad.txt").write_text("(fly a)\n")
    result = run("verify", problem, "--answer", str(tmp_path / "bad.txt"))
    assert result.exit_code == 1 and "'(fly a)' is not a blocksworld action" in result.stderr
    # Sudoku: a grid, or solve --json's row; one puzzle only
    row = json.loads(EASY.read_text().splitlines()[0])
    (tmp_path / "p.txt").write_text(row["puzzle"] + "\n")
    (tmp_path / "s.txt").write_text(row["solution"] + "\n")
    assert (
        run("verify", str(tmp_path / "p.txt"), "--answer", str(tmp_path / "s.txt")).exit_code == 0
    )
    solved = run("solve", str(tmp_path / "p.txt"), "--solver", "search", "--json").stdout
    (tmp_path / "row.json").write_text(solved)
    assert (
        run("verify", str(tmp_path / "p.txt"), "--answer", str(tmp_path / "row.json")).exit_code
        == 0
    )
    printout = run("solve", str(tmp_path / "p.txt"), "--solver", "search").stdout
    (tmp_path / "printed.txt").write_text(printout)  # the grid as solve draws it
    assert (
        run("verify", str(tmp_path / "p.txt"), "--answer", str(tmp_path / "printed.txt")).exit_code
        == 0
    )
    (tmp_path / "s.txt").write_text(row["puzzle"] + "\n")  # the puzzle itself: blanks left
    result = run("verify", str(tmp_path / "p.txt"), "--answer", str(tmp_path / "s.txt"))
    assert result.exit_code == 1 and "cells blank" in result.stderr
    result = run("verify", str(EASY), "--answer", str(tmp_path / "row.json"))
    assert result.exit_code == 2 and "one puzzle" in result.stderr


def test_grade_lines_leave_out_a_field_that_repeats_the_level(tmp_path):
    puzzles = tmp_path / "p.txt"
    top95_first = (
        "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......"
    )
    puzzles.write_text(first_lines(EASY, 1) + top95_first + "\n")
    easy, extreme = run("grade", str(puzzles)).stdout.splitlines()
    assert "easy (" in easy and "technique_level" not in easy
    assert "extreme (" in extreme and "technique_level medium" in extreme


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
    broken.write_bytes(b"53..7....\xc3\x28 not text")
    done = subprocess.run(
        [sys.executable, "-m", "puzzlemdm", "solve", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "b.txt:1:10: not UTF-8 text" in done.stderr


def test_a_gpu_recipe_on_a_machine_without_cuda_is_a_usage_error():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    recipe = Path(__file__).resolve().parent.parent / "train" / "sudoku-mdm-gpu.toml"
    result = CliRunner().invoke(app, ["train", "--config", str(recipe)])
    assert result.exit_code == 2
    assert "no CUDA GPU" in result.stderr and "--device cpu" in result.stderr


def test_solve_policy_is_resolved_per_kind_by_the_library():
    from puzzlemdm.puzzles.registry import get_kind
    from puzzlemdm.shipped import has_shipped_model
    from puzzlemdm.solving import SolveConfig, UsageError, resolve

    sudoku, zebra = get_kind("sudoku"), get_kind("zebra")
    chosen = resolve(sudoku, SolveConfig())
    assert (chosen.solver, chosen.search) == ("mdm", "guided")  # the shipped model, guided
    assert resolve(sudoku, SolveConfig(method={"paths": 2})).search == "none"  # asks for a path
    shipped = "mdm" if has_shipped_model("zebra") else zebra.solvers[0]
    assert resolve(zebra, SolveConfig()).solver == shipped
    shipped_zebra = ROOT / "puzzlemdm" / "checkpoints" / "zebra-mdm"
    assert resolve(zebra, SolveConfig(checkpoint=shipped_zebra)).solver == "mdm"
    # no propagation to guide: the model decodes a path unless guided search is asked for
    blocksworld = get_kind("blocksworld")
    planner = ROOT / "puzzlemdm" / "checkpoints" / "blocksworld-mdm"
    plain = resolve(blocksworld, SolveConfig(checkpoint=planner))
    assert (plain.search, plain.fallback) == ("none", "astar")  # misses go on to A*
    alone = resolve(blocksworld, SolveConfig(checkpoint=planner, search="none"))
    assert alone.fallback is None  # --search none: the model alone
    assert resolve(blocksworld, SolveConfig(search="guided")).search == "guided"
    assert resolve(sudoku, SolveConfig(search="none")).fallback is None
    with pytest.raises(UsageError, match="--search none"):
        resolve(sudoku, SolveConfig(search="guided", method={"paths": 2}))
    with pytest.raises(UsageError, match="does not solve zebra"):
        resolve(zebra, SolveConfig(solver="search"))
    with pytest.raises(UsageError, match="--fallback 'astar'"):
        resolve(zebra, SolveConfig(fallback="astar"))


def test_json_and_the_status_line_say_whether_a_plan_is_of_optimal_length(tmp_path):
    line = (ROOT / "datasets/blocksworld/easy/validation.jsonl").read_text().splitlines()[0]
    problems = tmp_path / "p.jsonl"
    problems.write_text(line + "\n")
    row = json.loads(run("solve", str(problems), "--solver", "astar", "--json").stdout)
    assert row["verified"] and row["optimal"] is True
    assert ", optimal" in run("solve", str(problems), "--solver", "astar").stdout
    sudoku = json.loads(
        run("solve", str(EASY), "--solver", "search", "--json").stdout.split("\n")[0]
    )
    assert sudoku["optimal"] is None  # every right Sudoku answer is as good as another


def test_the_model_asked_for_never_hands_puzzles_to_another_solver_or_runs_unfit_options(
    tmp_path,
):
    small = tmp_path / "four.txt"
    small.write_text("1.3..4.....2.1..\n")
    alone = run("solve", str(small), "--search", "none")  # the model alone: not "search"
    assert alone.exit_code == 2 and "this puzzle is 4x4" in alone.stderr
    assert run("solve", str(small)).exit_code == 0  # nothing asked: a classical solver serves
    arm = str(ROOT / "puzzlemdm/checkpoints/sudoku-arm-solver")
    ordered = run("solve", str(EASY), "--checkpoint", arm, "--order", "entropy")
    assert ordered.exit_code == 2 and "not defined for an autoregressive model" in ordered.stderr
    one = run("solve", str(EASY), "--smc-particles", "1")
    assert one.exit_code == 2 and "one particle is one path" in one.stderr


def test_json_keeps_a_rejected_answer_apart_from_the_answer():
    from dataclasses import replace

    from puzzlemdm.cli.solve import outcome_json
    from puzzlemdm.puzzles.registry import get_kind
    from puzzlemdm.solving import classify

    sudoku = get_kind("sudoku")
    record = sudoku.parse_text(first_lines(EASY, 1))[0]
    right = sudoku.solve(record.puzzle, "search").answer
    cells = list(right.cells)
    cells[0], cells[1] = cells[1], cells[0]  # two digits swapped: rows stay whole, not boxes
    wrong = replace(right, cells=tuple(cells))
    rejected = outcome_json(sudoku, classify(sudoku, record, wrong, "a model", 0.1))
    assert rejected["status"] == "unsolved" and rejected["answer"] is None
    assert rejected["rejected_answer"] == sudoku.answer_to_json(record.puzzle, wrong)
    accepted = outcome_json(sudoku, classify(sudoku, record, right, "search", 0.1))
    assert accepted["answer"] and "rejected_answer" not in accepted


def test_an_empty_file_says_so_and_a_byte_order_mark_is_dropped(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n")
    result = run("solve", str(empty))
    assert result.exit_code == 1 and "no puzzles found (the file is empty)" in result.stderr
    marked = tmp_path / "bw.pddl"
    marked.write_bytes(b"\xef\xbb\xbf" + (ROOT / "examples" / "blocksworld.pddl").read_bytes())
    solved = run("solve", str(marked), "--solver", "astar", "--json")
    assert solved.exit_code == 0 and json.loads(solved.stdout)["verified"]


def test_solver_help_names_every_kinds_classical_solvers():
    import typer

    from puzzlemdm.puzzles.registry import KIND_PACKAGES, get_kind

    solve = typer.main.get_command(app).commands["solve"]
    said = next(p.help for p in solve.params if p.name == "solver")
    for name in KIND_PACKAGES:
        assert f"{name}: {' | '.join(get_kind(name).solvers)}" in said


def test_interrupted_before_any_answer_reports_no_pace_or_solver(monkeypatch):
    import puzzlemdm.solving

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
        yield  # a generator, as solve_records is

    monkeypatch.setattr(puzzlemdm.solving, "solve_records", interrupted)
    result = run("solve", str(ROOT / "examples" / "sudoku.txt"), "--solver", "search")
    assert result.exit_code == 130
    said = "interrupted after 0 of 6 puzzles: 0/0 solved and verified; 0 unsolved, 0 invalid"
    assert said in result.stderr and "ms/puzzle" not in result.stderr


@pytest.mark.parametrize("kind", ["sudoku", "zebra", "blocksworld"])
def test_generate_as_text_writes_the_same_puzzles_in_the_kind_s_own_format(kind, tmp_path):
    from puzzlemdm.puzzles.registry import detect_kind

    args = ["generate", kind, "--n", "2", "--level", "easy", "--seed", "3", "-q"]
    corpus = run(*args).stdout
    text = run(*args, "--format", "text").stdout
    assert not text.lstrip().startswith("{")
    read = detect_kind(text, "generated.txt")
    assert read.name == kind
    from_text = [r.puzzle for r in read.parse_text(text, "generated.txt")]
    assert from_text == [r.puzzle for r in read.parse_text(corpus, "corpus.jsonl")]
    assert run(*args, "--format", "csv").exit_code == 2


def test_explain_tells_how_a_person_could_solve_each_kind(tmp_path):
    einstein = str(ROOT / "examples" / "einstein.txt")
    result = run("solve", einstein, "--solver", "strategy", "--explain")
    assert result.exit_code == 0 and "How to solve it:" in result.stdout
    assert "The Norwegian lives in house 1 (clue 10)" in result.stdout
    row = json.loads(run("solve", einstein, "--solver", "strategy", "--explain", "--json").stdout)
    assert len(row["explanation"]) == 25  # every person's house, once
    sudoku = tmp_path / "s.txt"
    sudoku.write_text(first_lines(EASY, 1))
    row = json.loads(run("solve", str(sudoku), "--solver", "search", "--json", "--explain").stdout)
    assert row["explanation"][0].startswith(("naked_single", "hidden_single"))
    assert not row["explanation"][-1].startswith("stuck")  # an easy puzzle: singles suffice
    plan = run(
        "solve", str(ROOT / "examples" / "blocksworld.pddl"), "--solver", "astar", "--explain"
    )
    assert "  1. (unstack c d)" in plan.stdout
    assert "explanation" not in run("solve", str(sudoku), "--solver", "search", "--json").stdout


def test_verify_answers_judges_a_file_of_answers_by_id(tmp_path):
    instances = tmp_path / "instances.jsonl"
    instance = {
        "set": "basic", "objects": ["a", "b"], "init": ["handempty", "ontable a", "on b a",
        "clear b"], "goal": ["on a b"], "plan_length": 4,
    }  # fmt: skip
    rows = [{**instance, "instance_id": k} for k in (1, 2, 3)]
    instances.write_text("".join(json.dumps(row) + "\n" for row in rows))
    plan = [
        "unstack the blue block from on top of the red block", "put down the blue block",
        "pick up the red block", "stack the red block on top of the blue block",
    ]  # fmt: skip
    longer = [*plan[:2], "pick up the blue block", "put down the blue block", *plan[2:]]
    results = {  # PlanBench's results file: a language model's raw responses
        "instances": [
            {"instance_id": 1, "llm_raw_response": "\n".join(plan) + "\n[PLAN END]\n"},
            {"instance_id": 2, "llm_raw_response": "\n".join(plan[:3])},
            {"instance_id": 3, "llm_raw_response": "\n".join(longer)},
            {"instance_id": 9, "llm_raw_response": ""},
        ]
    }
    answers = tmp_path / "results.json"
    answers.write_text(json.dumps(results))
    result = run("verify", str(instances), "--answers", str(answers), "--json")
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(v["id"], v["ok"], v["optimal"]) for v in verdicts] == [
        ("basic-1", True, True), ("basic-2", False, None), ("basic-3", True, False),
    ]  # fmt: skip
    assert result.exit_code == 1 and "2/3 answers right (1 of optimal length" in result.stderr
    assert "1 answers for no puzzle given" in result.stderr
    # solve --json's rows are answers too, matched by the names solve gives
    solved = run("solve", str(instances), "--solver", "astar", "--json").stdout
    (tmp_path / "rows.jsonl").write_text(solved)
    result = run("verify", str(instances), "--answers", str(tmp_path / "rows.jsonl"))
    assert result.exit_code == 0 and "3/3 answers right" in result.stderr
    both = run("verify", str(instances), "--answers", str(answers), "--answer", str(answers))
    assert both.exit_code == 2


def test_verify_answers_judges_zeroevals_results_and_counts_cells(tmp_path) -> None:
    # the shipped ZebraLogic-format example: its solution gives the cells to count
    example = ROOT / "examples" / "zebralogic.jsonl"
    line = json.loads(example.read_text())
    header, rows = line["solution"]["header"], line["solution"]["rows"]
    houses = {f"House {row[0]}": dict(zip(header[1:], row[1:], strict=True)) for row in rows}
    swapped = {**houses, "House 1": houses["House 2"], "House 2": houses["House 1"]}
    wrong = f"Reasoning...\n```json\n{json.dumps({'solution': swapped})}\n```"
    results = tmp_path / "results.json"
    results.write_text(json.dumps([{"session_id": line["id"], "output": [wrong]}]))
    result = run("verify", str(example), "--answers", str(results), "--json")
    (verdict,) = [json.loads(row) for row in result.stdout.splitlines()]
    cells = len(header[1:]) * len(rows)
    assert verdict["ok"] is False and verdict["cells"] == cells
    assert verdict["cells_right"] == cells - 2 * len(header[1:])  # two houses' cells wrong
    assert (
        result.exit_code == 1 and f"cells right {verdict['cells_right']}/{cells}" in result.stderr
    )
    results.write_text(json.dumps([{"session_id": line["id"], "output": [json.dumps(houses)]}]))
    result = run("verify", str(example), "--answers", str(results))
    assert result.exit_code == 0 and f"1/1 answers right; cells right {cells}/{cells}" in (
        result.stderr
    )


def test_verify_answers_judges_multiple_choice_answers_and_reports_zeroevals_levels(
    tmp_path,
) -> None:
    # ZebraLogic's multiple-choice mode: the example's puzzle asked for one value; a model
    # answers with the value or its letter, in ZeroEval's JSON or a last "Answer:" line
    line = json.loads((ROOT / "examples" / "zebralogic.jsonl").read_text())
    header, rows = line["solution"]["header"], line["solution"]["rows"]
    animal = header.index("Animal")
    choices = sorted(row[animal] for row in rows)
    right = rows[2][animal]  # house 3's
    wrong = next(c for c in choices if c != right)
    three = "There are 3 houses, numbered 1 to 3 from left to right, as seen from across the "
    small = (
        three + "street. Each house is occupied by a different person. Each house has a unique "
        "attribute for each of the following characteristics:\n - Each person has a unique name: "
        "`Peter`, `Eric`, `Arnold`\n - Each person has a unique favorite drink: `tea`, `water`, "
        "`milk`\n\n## Clues:\n1. Peter is in the second house.\n2. Arnold is directly left of the "
        "one who only drinks water.\n3. There is one house between Arnold and the person who "
        "likes milk.\n"
    )
    question = "What is {} of the person who lives in House {}?"
    puzzles = [
        {"id": "mc-1", "puzzle": line["puzzle"], "question": question.format("Animal", 3),
         "choices": choices},
        {"id": "mc-2", "puzzle": line["puzzle"], "question": question.format("Animal", 3),
         "choices": choices},
        {"id": "mc-3", "puzzle": small, "question": question.format("Drink", 3),
         "choices": ["tea", "water", "milk"]},
    ]  # fmt: skip
    file = tmp_path / "mc.jsonl"
    file.write_text("".join(json.dumps(p) + "\n" for p in puzzles))
    letter = "ABCDE"[choices.index(right)]
    outputs = {
        "mc-1": json.dumps({"reasoning": "...", "answer": letter}),
        "mc-2": f"House 3 keeps the {wrong}.\nAnswer: {wrong}",
        "mc-3": "Answer: milk",
    }
    results = tmp_path / "results.json"
    results.write_text(json.dumps([{"session_id": k, "output": [v]} for k, v in outputs.items()]))
    result = run("verify", str(file), "--answers", str(results), "--json")
    verdicts = {v["id"]: v for v in map(json.loads, result.stdout.splitlines())}
    assert [verdicts[k]["ok"] for k in outputs] == [True, False, True]
    assert all(v["short_answer"] for v in verdicts.values())
    assert f"is {right}, not {wrong}" in verdicts["mc-2"]["problem"]
    assert [verdicts[k]["level"] for k in outputs] == ["hard", "hard", "easy"]
    assert [verdicts[k]["search_space"] for k in outputs] == ["x-large", "x-large", "small"]
    assert result.exit_code == 1 and (
        "2/3 answers right (easy 1/1, hard 1/2; by search space small 1/1, x-large 1/2); "
        "3 of them short" in result.stderr
    )
    # one answer alone, through --answer
    (tmp_path / "one.jsonl").write_text(json.dumps(puzzles[2]) + "\n")
    (tmp_path / "said.txt").write_text("C")
    one = run("verify", str(tmp_path / "one.jsonl"), "--answer", str(tmp_path / "said.txt"))
    assert one.exit_code == 0 and "right" in one.stdout
    (tmp_path / "said.txt").write_text("The answer is: tea")
    one = run("verify", str(tmp_path / "one.jsonl"), "--answer", str(tmp_path / "said.txt"))
    assert one.exit_code == 1 and "is milk, not tea" in one.stdout


@pytest.mark.parametrize("nested", ["[" * 100_000, '{"a":' * 100_000])
def test_json_nested_too_deeply_is_a_clear_one_line_error(tmp_path, nested) -> None:
    # as a puzzle file, and as an answer to each kind: never an internal error, and a long
    # piece of the input is named by its start
    (tmp_path / "deep.jsonl").write_text(nested + "\n")
    (tmp_path / "deep.txt").write_text(nested + "\n")
    results = [run("solve", str(tmp_path / "deep.jsonl"), "--kind", "zebra")]
    for example in ("sudoku.txt", "blocksworld.pddl", "zebralogic.jsonl"):
        puzzle = tmp_path / example
        text = (ROOT / "examples" / example).read_text()
        if example == "sudoku.txt":  # its first puzzle alone
            text = next(line for line in text.splitlines() if line and line[0] not in "#") + "\n"
        puzzle.write_text(text)
        results.append(run("verify", str(puzzle), "--answer", str(tmp_path / "deep.txt")))
    for result in results:
        assert result.exit_code == 1, result.output
        assert "internal error" not in result.output and len(result.stderr) < 400
        assert result.stderr.count("\n") == 1


def test_options_that_would_do_nothing_and_a_wrong_kind_are_said(tmp_path) -> None:
    sudoku = str(ROOT / "examples" / "sudoku.txt")
    unused = run("solve", sudoku, "--fallback", "search")  # guided search misses nothing
    assert unused.exit_code == 2 and "--fallback" in unused.stderr
    classical = run("solve", sudoku, "--batch-size", "4", "--solver", "search")
    assert classical.exit_code == 2 and "--batch-size" in classical.stderr
    # --kind naming another kind than the file's: the error says which the file reads as
    wrong = run("solve", str(ROOT / "examples" / "zebra.txt"), "--kind", "blocksworld")
    assert wrong.exit_code == 1 and "reads as a zebra puzzle: drop --kind" in wrong.stderr
    # an answer that is another kind's solve --json row is named so
    row = run("solve", sudoku, "--solver", "search", "--json").stdout.splitlines()[0]
    (tmp_path / "row.json").write_text(row + "\n")
    zebra = run(
        "verify", str(ROOT / "examples" / "zebra.txt"), "--answer", str(tmp_path / "row.json")
    )
    assert zebra.exit_code == 1 and "row of a 'sudoku' puzzle" in zebra.stderr
    blocks = run(
        "verify",
        str(ROOT / "examples" / "blocksworld.pddl"),
        "--answer",
        str(tmp_path / "row.json"),
    )
    assert blocks.exit_code == 1 and "row.json: the answer is solve --json's row of a 'sudoku'" in (
        blocks.stderr
    )


def test_long_quoted_input_is_cut_but_an_apostrophe_opens_no_quote() -> None:
    from puzzlemdm.puzzles.base import clipped_quotes

    long = "x" * 200
    assert (
        clipped_quotes(f"step 1: {long!r} is no action") == f"step 1: '{'x' * 60}...' is no action"
    )
    words = "ZebraLogic's answer, or as solve prints it " * 3 + "('house 1: ...')"
    assert clipped_quotes(words) == words


def test_answers_by_an_id_two_puzzles_share_or_given_twice_are_refused(tmp_path) -> None:
    rows = [json.loads(line) for line in EASY.read_text().splitlines()[:2]]
    puzzles = tmp_path / "two.jsonl"
    puzzles.write_text("".join(json.dumps({**row, "id": "x"}) + "\n" for row in rows))
    answers = tmp_path / "answers.jsonl"
    answers.write_text(json.dumps({"id": "x", "answer": rows[0]["solution"]}) + "\n")
    shared = run("verify", str(puzzles), "--answers", str(answers))
    assert shared.exit_code == 1 and "fits several puzzles, which share that id" in shared.stderr
    puzzles.write_text("".join(json.dumps(row) + "\n" for row in rows))
    twice = [{"id": rows[0]["id"], "answer": row["solution"]} for row in rows]
    answers.write_text("".join(json.dumps(row) + "\n" for row in twice))
    given = run("verify", str(puzzles), "--answers", str(answers))
    said = f"answers.jsonl:2: the answers give id {rows[0]['id']!r} twice"
    assert given.exit_code == 1 and said in given.stderr


def test_decoding_options_that_cannot_work_or_would_be_mislabelled_are_usage_errors(tmp_path):
    one = tmp_path / "one.txt"
    one.write_text(first_lines(EASY, 1))
    arm = str(ROOT / "puzzlemdm" / "checkpoints" / "sudoku-arm-solver")
    for args, said in (
        (["--threads", "100000"], "--threads 100000: choose 0"),
        (["--seed", str(2**70), "--order", "random"], "choose it in 0 .. 2**63 - 1"),
        (["--schedule", "med", "--med-lambda", "nan"], "--med-lambda is an entropy"),
        (["--smc-particles", "2", "--smc-lambda", "inf"], "--smc-lambda must be a number"),
        (["--info-gain", "--candidates", "1"], "at least 2 candidates"),
        (["--checkpoint", arm, "--paths", "2", "--select", "verified-first", "--round-paths",
          "2"], "not defined for an autoregressive model: --round-paths"),
    ):  # fmt: skip
        result = run("solve", str(one), *args)
        assert result.exit_code == 2 and said in result.stderr, (args, result.stderr)
    blocks = run(
        "solve", str(ROOT / "examples" / "blocksworld.pddl"), "--search", "none", "--prune"
    )
    assert blocks.exit_code == 2 and "no all-different rules" in blocks.stderr
    ruled = run("solve", str(one), "--checkpoint", arm, "--order", "left-to-right", "--json")
    assert json.loads(ruled.stdout.splitlines()[0])["solver"].endswith("/arm/left-to-right")


def test_the_api_checks_decoding_values_as_the_cli_does() -> None:
    import puzzlemdm
    from puzzlemdm.usage import UsageError

    solver = puzzlemdm.load("sudoku")
    puzzle = first_lines(EASY, 1)
    for options in ({"repair": True, "repair_rounds": 0}, {"smc_particles": 2, "smc_every": -1}):
        with pytest.raises(UsageError):
            solver.solve(puzzle, **options)


def test_every_command_s_help_renders():  # rich reads [tags] in help texts as markup
    import typer

    def commands(group: object, path: list[str]) -> list[list[str]]:
        found = [path]
        for name, sub in getattr(group, "commands", {}).items():
            found += commands(sub, [*path, name])
        return found

    every = commands(typer.main.get_command(app), [])
    assert len(every) > 10
    for path in every:
        result = CliRunner().invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)


def test_a_reader_closing_the_pipe_ends_the_run_quietly_as_for_cat():
    import signal

    # rows past a pipe's buffer (64 KiB): the run is still writing when the reader goes
    solve = [sys.executable, "-m", "puzzlemdm", "solve", "datasets/sudoku/easy/test.jsonl",
             "--solver", "search", "--json"]  # fmt: skip
    run = subprocess.Popen(solve, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    run.stdout.readline()
    run.stdout.close()  # as `| head -1` does
    _, errors = run.communicate(timeout=60)
    assert run.returncode == -signal.SIGPIPE and errors == b""  # not 1: no invalid puzzle


def test_a_reader_closing_generate_s_pipe_leaves_no_worker_behind():
    import signal

    command = [sys.executable, "-m", "puzzlemdm", "generate", "sudoku", "--size", "4", "--n",
               "4000", "--level", "easy", "--workers", "2"]  # fmt: skip
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    run.stdout.readline()
    run.stdout.close()
    run.wait(timeout=120)
    assert run.returncode == -signal.SIGPIPE
    marker = b"generate\x00sudoku\x00--size\x004\x00--n\x004000"
    left = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):  # forked workers share the command
        try:
            if marker in cmdline.read_bytes():
                left.append(cmdline.parent.name)
        except OSError:  # a process that ended meanwhile
            pass
    assert left == []
