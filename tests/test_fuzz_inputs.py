"""Fuzzing every parser: random bytes, near-valid grids, mutated clue sets and plans, through
each kind's parse path and through `puzzlemdm solve` / `verify` on a file. Whatever comes in,
the answer is a one-line error or a verified one: never a traceback, never a wrong "solved".

Bounded (derandomized, a few dozen examples per test) so that the whole file takes seconds.
"""

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from puzzlemdm.cli import app
from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.registry import KIND_PACKAGES, detect_kind, get_kind
from puzzlemdm.solving import SOLVED, SolveConfig, solve_records

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

EXAMPLE_LINES = (ROOT / "examples" / "sudoku.txt").read_text().splitlines()
SUDOKU_LINES = [
    *[line for line in EXAMPLE_LINES if line and not line.startswith("#")][:3],
    "1.3..2.4....4..1",
    "." * 36,
]
ZEBRA_JSON = json.loads((ROOT / "datasets/zebra/easy/validation.jsonl").read_text().splitlines()[0])
ZEBRA_TEXT = (ROOT / "examples" / "zebra.txt").read_text().splitlines()
ZEBRALOGIC_JSON = json.loads((ROOT / "examples" / "zebralogic.jsonl").read_text())
ZEBRALOGIC_TEXT = ZEBRALOGIC_JSON["puzzle"].splitlines()
BLOCKS_JSON = json.loads(
    (ROOT / "datasets/blocksworld/easy/validation.jsonl").read_text().splitlines()[0]
)


# --- what every outcome must satisfy ---------------------------------------------------------
def sudoku_rules_hold(puzzle_line: str, answer_line: str) -> bool:
    """An independent Sudoku check (not the package's verifier): a complete grid whose rows,
    columns and boxes hold every value once, agreeing with the givens."""
    n = round(len(answer_line) ** 0.5)
    values = set(answer_line)
    if n * n != len(answer_line) or len(values) != n or len(puzzle_line) != n * n:
        return False
    rows = [answer_line[r * n : (r + 1) * n] for r in range(n)]
    cols = ["".join(row[c] for row in rows) for c in range(n)]
    box_r = max(d for d in range(1, n) if n % d == 0 and d * d <= n)
    box_c = n // box_r
    boxes = [
        "".join(rows[r][c] for r in range(br, br + box_r) for c in range(bc, bc + box_c))
        for br in range(0, n, box_r)
        for bc in range(0, n, box_c)
    ]
    kept = all(p in ".0" or p == a for p, a in zip(puzzle_line, answer_line, strict=True))
    return kept and all(len(set(group)) == n for group in rows + cols + boxes)


def check_library(text: str) -> None:
    """Every kind's parser: a one-line PuzzleError, or records whose solved outcomes verify."""
    for name in KIND_PACKAGES:
        kind = get_kind(name)
        assert isinstance(kind.sniff(text, "<fuzz>"), bool)
        try:
            records = kind.parse_text(text, "<fuzz>")
            outcomes = list(solve_records(kind, records[:3], SolveConfig(solver=kind.solvers[0])))
        except PuzzleError as exc:
            assert "\n" not in str(exc) and str(exc)
            continue
        for outcome in outcomes:
            if outcome.status == SOLVED:
                assert kind.verify(outcome.record.puzzle, outcome.answer).ok
            else:
                assert outcome.message and "\n" not in outcome.message
    try:
        detect_kind(text, "<fuzz>")
    except PuzzleError as exc:
        assert "\n" not in str(exc)


def check_cli(path: Path, content: bytes, *args: str) -> None:
    """`puzzlemdm ARGS FILE`: an exit code of the documented four, no traceback, errors on one
    line, and every "solved" Sudoku row right by an independent check."""
    path.write_bytes(content)
    command, *rest = args
    result = runner.invoke(app, [command, str(path), *rest])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1, 2, 3), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    if result.exit_code in (1, 2) and not rows and command == "solve":
        (line,) = result.stderr.strip().splitlines()  # one line, and an error
        assert line.startswith("error:")
    for row in rows:
        assert row["verified"] == (row["status"] == SOLVED)
        if row["verified"] and row["kind"] == "sudoku":
            assert sudoku_rules_hold(row["puzzle"], row["answer"])


# --- strategies ------------------------------------------------------------------------------
@st.composite
def near_sudoku(draw: st.DrawFn) -> str:
    """A real puzzle (or random givens) with a few characters changed, in one of the layouts."""
    if draw(st.booleans()):
        line = list(draw(st.sampled_from(SUDOKU_LINES)))
    else:
        line = draw(st.lists(st.sampled_from("......123456789"), min_size=81, max_size=81))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(line)))
        edit = draw(st.sampled_from(["set", "delete", "insert"]))
        char = draw(st.sampled_from("0123456789.x |+-,#\tAG"))
        if edit == "insert" or at == len(line):
            line.insert(at, char)
        elif edit == "delete":
            del line[at]
        else:
            line[at] = char
    text = "".join(line)
    n = round(len(text) ** 0.5) or 1  # rows of the nearest square (off when edits changed it)
    layout = draw(st.sampled_from(["line", "grid", "csv", "jsonl"]))
    if layout == "grid":
        return "\n".join(text[i : i + n] for i in range(0, len(text), n)) + "\n"
    if layout == "csv":
        return f"puzzle,solution\n{text},\n"
    if layout == "jsonl":
        return json.dumps({"kind": "sudoku", "puzzle": text}) + "\n"
    return text + "\n"


def paths_of(obj: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON value (dict keys, list indices), for mutating one of them."""
    found = [prefix]
    items = (
        obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else []
    )
    for key, value in items:
        found += paths_of(value, (*prefix, key))
    return found


def strings_of(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in [k, *strings_of(v)]]
    if isinstance(obj, list):
        return [s for v in obj for s in strings_of(v)]
    return [obj] if isinstance(obj, str) else []


@st.composite
def mutated_json(draw: st.DrawFn, original: dict) -> str:
    """`original` with one to three places dropped, duplicated or replaced by near-valid junk
    (strings the object already holds, small ints, None, short lists)."""
    obj = json.loads(json.dumps(original))
    junk = st.one_of(
        st.sampled_from(strings_of(original)),
        st.none(),
        st.booleans(),
        st.integers(-2, 9),
        st.text(max_size=6),
        st.lists(st.sampled_from(strings_of(original)), max_size=3),
        st.just({}),
    )
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in paths_of(obj) if p]
        if not places:
            break
        *parent_path, key = draw(st.sampled_from(places))
        parent = obj
        for step in parent_path:
            parent = parent[step]
        action = draw(st.sampled_from(["drop", "replace", "duplicate"]))
        if action == "drop":
            del parent[key]
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, parent[key])
        else:
            parent[key] = draw(junk)
    return json.dumps(obj) + "\n"


@st.composite
def mutated_lines(draw: st.DrawFn, lines: list[str]) -> str:
    """A text file with lines dropped, repeated, or a word swapped for another of the file."""
    lines = list(lines)
    words = sorted({w for line in lines for w in line.split()})
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "word", "truncate"]))
        if action == "drop" and len(lines) > 1:
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at])
        elif action == "truncate":
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
        elif lines[at].split():
            parts = lines[at].split()
            parts[draw(st.integers(0, len(parts) - 1))] = draw(st.sampled_from(words))
            lines[at] = " ".join(parts)
    return "\n".join(lines) + "\n"


def blocks_pddl() -> list[str]:
    kind = get_kind("blocksworld")
    from puzzlemdm.puzzles.blocksworld.pddl import problem_to_pddl

    record = kind.parse_text(json.dumps(BLOCKS_JSON) + "\n")[0]
    return problem_to_pddl(record.puzzle).splitlines()


# --- the tests -------------------------------------------------------------------------------
@FUZZ
@given(content=st.binary(max_size=400))
def test_random_bytes(content, tmp_path):
    text = content.decode("utf-8", errors="replace")
    check_library(text)
    check_cli(tmp_path / "fuzz.txt", content, "verify")
    check_cli(tmp_path / "fuzz.txt", content, "solve", "--solver", "search", "--json")


@FUZZ
@given(text=st.text(alphabet=st.sampled_from('.0123456789\n|+-,{}[]"():# abon'), max_size=300))
def test_random_text_of_puzzle_characters(text, tmp_path):
    check_library(text)
    check_cli(tmp_path / "fuzz.txt", text.encode(), "verify")


def check_everywhere(text: str, tmp_path: Path, solver: str) -> None:
    """A near-valid file through every parser, then `solve` (with a classical `solver`) and
    `verify` on it."""
    check_library(text)
    check_cli(tmp_path / "fuzz.txt", text.encode(), "solve", "--solver", solver, "--json")
    check_cli(tmp_path / "fuzz.txt", text.encode(), "verify")


@FUZZ
@given(text=near_sudoku())
def test_near_valid_sudoku_grids(text, tmp_path):
    check_everywhere(text, tmp_path, "search")


@FUZZ
@given(text=st.one_of(mutated_json(ZEBRA_JSON), mutated_lines(ZEBRA_TEXT)))
def test_near_valid_zebra_clue_sets(text, tmp_path):
    check_everywhere(text, tmp_path, "strategy")


@FUZZ
@given(text=st.one_of(mutated_json(ZEBRALOGIC_JSON), mutated_lines(ZEBRALOGIC_TEXT)))
def test_near_valid_zebralogic_puzzles(text, tmp_path):
    check_everywhere(text, tmp_path, "strategy")


@FUZZ
@given(text=st.one_of(mutated_json(BLOCKS_JSON), mutated_lines(blocks_pddl())))
def test_near_valid_blocksworld_problems_and_plans(text, tmp_path):
    check_everywhere(text, tmp_path, "astar")


# --- answers given apart (verify --answer) ---------------------------------------------------
def answers_to_fuzz() -> dict[str, tuple[str, list[str]]]:
    """Per kind: a puzzle file and a right answer's lines in a form `verify --answer` reads."""
    sudoku_line = SUDOKU_LINES[0]
    sudoku = get_kind("sudoku")
    (record,) = sudoku.parse_text(sudoku_line + "\n")
    solved = sudoku.solve(record.puzzle, "search").answer.to_line()
    blocks = get_kind("blocksworld")
    pddl = (ROOT / "examples" / "blocksworld.pddl").read_text()
    (problem,) = blocks.parse_text(pddl)
    plan = blocks.answer_to_json(problem.puzzle, blocks.solve(problem.puzzle, "astar").answer)
    zebra = get_kind("zebra")
    einstein = (ROOT / "examples" / "einstein.txt").read_text()
    (riddle,) = zebra.parse_text(einstein)
    grid = zebra.answer_to_json(riddle.puzzle, zebra.solve(riddle.puzzle, "strategy").answer)
    houses = [
        f"house {h + 1}: " + ", ".join(values[h] for values in grid.values())
        for h in range(riddle.puzzle.houses)
    ]
    rows = [solved[r * 9 : (r + 1) * 9] for r in range(9)]
    drawn = [" " + " \u2502 ".join(" ".join(row[c : c + 3]) for c in (0, 3, 6)) for row in rows]
    for band in (6, 3):
        drawn.insert(band, "\u2500" * 7 + "\u253c" + "\u2500" * 7 + "\u253c" + "\u2500" * 7)
    table = [
        f"\u2502 {name} \u2502 " + " \u2502 ".join(values) + " \u2502"
        for name, values in grid.items()
    ]
    line = ZEBRALOGIC_JSON
    header, solution_rows = line["solution"]["header"], line["solution"]["rows"]
    response = ["Reasoning first.", "```json", '{"solution": {']
    response += [
        f'  "House {row[0]}": '
        + json.dumps(dict(zip(header[1:], row[1:], strict=True)))
        + ("," if row is not solution_rows[-1] else "")
        for row in solution_rows
    ]
    response += ["}}", "```"]
    animal = header.index("Animal")
    choices = sorted(row[animal] for row in solution_rows)
    asked = {
        **line,
        "question": "What is Animal of the person who lives in House 3?",
        "choices": choices,
    }
    letter = "ABCDE"[choices.index(solution_rows[2][animal])]
    chosen = ["House 3 keeps it.", f'{{"reasoning": "...", "answer": "{letter}"}}', "Answer: B"]
    return {
        "sudoku": (sudoku_line + "\n", rows),
        "zebralogic": (json.dumps(line) + "\n", response),
        "zebralogic choice": (json.dumps(asked) + "\n", chosen),
        "sudoku drawn": (sudoku_line + "\n", drawn),
        "sudoku response": (
            sudoku_line + "\n",
            ["Let me work through it.", "Final answer:", "```", *rows, "```", "Each row checks."],
        ),
        "blocksworld": (pddl, ["[PLAN]", *plan, "[PLAN END]"]),
        "zebra": (einstein, houses),
        "zebra table": (einstein, table),
    }


ANSWERS = answers_to_fuzz()


@FUZZ
@given(form=st.sampled_from(sorted(ANSWERS)), data=st.data())
def test_near_right_answers_given_apart(form, data, tmp_path):
    # an answer with lines dropped, repeated, cut or a word swapped: a one-line error or a
    # verdict, never a traceback; a Sudoku grid judged right is right by an independent check
    puzzle_text, lines = ANSWERS[form]
    kind_name = {"zebralogic": "zebra"}.get(form.split()[0], form.split()[0])
    answer = data.draw(mutated_lines(lines))
    kind = get_kind(kind_name)
    (record,) = kind.parse_text(puzzle_text, "<fuzz>")
    try:
        parsed = kind.parse_answer(record.puzzle, answer, "<fuzz>")
    except PuzzleError as exc:
        assert "\n" not in str(exc) and str(exc)
        short = kind.judge_short_answer(record, answer)  # a value or a house alone, maybe
        if short is None:
            return
        assert "\n" not in short
    else:
        verdict = kind.verify(record.puzzle, parsed)
        if verdict.ok and kind_name == "sudoku":
            assert sudoku_rules_hold(record.puzzle.to_line(), parsed.to_line())
    (tmp_path / "answer.txt").write_text(answer)
    puzzle = tmp_path / "puzzle.txt"
    check_cli(puzzle, puzzle_text.encode(), "verify", "--answer", str(tmp_path / "answer.txt"))
