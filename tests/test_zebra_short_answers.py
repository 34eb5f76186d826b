"""Short answers to a zebra puzzle's question judged (zebra/short_answers.py, through the
kind's `judge_short_answer`): ZebraLogic's multiple-choice answers and BBEH's house numbers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from puzzlemdm.puzzles.base import PuzzleRecord
from puzzlemdm.puzzles.zebra.kind import KIND
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Ref, house_of
from puzzlemdm.puzzles.zebra.text import parse_text

ROOT = Path(__file__).resolve().parents[1]


def _generated(seed: int) -> PuzzleRecord:
    return KIND.generate(np.random.default_rng(seed), "easy")


@st.composite
def asked_of(draw) -> tuple[PuzzleRecord, int, int]:
    """A generated easy puzzle, one of its attributes and a house (or value) index."""
    record = _generated(draw(st.integers(0, 10_000)))
    attribute = draw(st.integers(0, len(record.puzzle.attributes) - 1))
    return record, attribute, draw(st.integers(0, record.puzzle.houses - 1))


@given(asked_of(), st.data())
@settings(max_examples=25, deadline=None)
def test_a_value_question_is_judged_by_value_and_by_letter(drawn, data) -> None:
    record, a, h = drawn
    puzzle, grid = record.puzzle, record.solution
    choices = data.draw(st.permutations(list(puzzle.values[a])))
    asked = replace(record, puzzle=replace(puzzle, asked_values=((a, h),)), solution=None)
    asked.meta = {"choices": choices}
    right = puzzle.values[a][grid[a][h]]
    letter = "ABCDEFGH"[choices.index(right)]
    for said in (right, right.upper(), f"Answer: {letter}", f'{{"answer": "{letter}"}}'):
        assert KIND.judge_short_answer(asked, said) == "", said
    for other in puzzle.values[a]:
        if other != right:
            problem = KIND.judge_short_answer(asked, f"The answer is {other}.")
            assert problem.startswith("the answer is wrong") and right in problem
    assert "not one of the values" in KIND.judge_short_answer(asked, "Answer: unicornish")


@given(asked_of())
@settings(max_examples=25, deadline=None)
def test_a_house_question_is_judged_by_its_number(drawn) -> None:
    record, a, v = drawn
    puzzle, grid = record.puzzle, record.solution
    asked = replace(record, puzzle=replace(puzzle, questions=((Ref(a, v),),)))
    house = house_of(grid, Ref(a, v)) + 1
    for said in (str(house), f"ANSWER: {house}", f"House {house}", f"house #{house}"):
        assert KIND.judge_short_answer(asked, said) == "", said
    wrong = KIND.judge_short_answer(asked, f"ANSWER: {house % puzzle.houses + 1}")
    assert wrong.startswith("the answer is wrong") and f"house {house}" in wrong


def test_whose_house_may_be_answered_by_who_lives_there() -> None:
    (record,) = parse_text((ROOT / "examples" / "einstein.txt").read_text(), "einstein.txt")
    _water, zebra = record.puzzle.questions  # "Who drinks water? Who owns the zebra?"
    one = replace(record, puzzle=replace(record.puzzle, questions=(zebra,)))
    for said in ("Japanese", "the Japanese", "Answer: 5", "5"):
        assert KIND.judge_short_answer(one, said) == "", said
    assert KIND.judge_short_answer(one, "Norwegian").startswith("the answer is wrong")
    # both questions asked: one short answer cannot say which it answers
    assert "asks 2 questions" in KIND.judge_short_answer(record, "Japanese")


def test_a_question_the_clues_leave_open_is_not_judged_and_a_grid_is_no_short_answer() -> None:
    record = _generated(5)
    puzzle = replace(record.puzzle, clues=(), asked_values=((0, 0),))
    loose = replace(record, puzzle=puzzle, solution=None)
    assert KIND.judge_short_answer(loose, puzzle.values[0][0]).startswith("not judged")
    assert KIND.judge_short_answer(loose, '{"House 1": {"Name": "x"}}') is None
    assert KIND.judge_short_answer(record, puzzle.values[0][0]) is None  # it asks nothing


def test_a_whole_answer_is_judged_as_one_even_with_an_answer_line() -> None:
    # a grid with a fault and the line `solve` prints under it: the grid's fault is reported,
    # never hidden behind a right "Answer:" line
    (record,) = parse_text((ROOT / "examples" / "einstein.txt").read_text(), "einstein.txt")
    _water, zebra = record.puzzle.questions
    one = replace(record, puzzle=replace(record.puzzle, questions=(zebra,)))
    grid = KIND.solve(one.puzzle, "strategy").answer
    rows = [
        f"house {h + 1}: "
        + ", ".join(one.puzzle.values[a][grid[a][h]] for a in range(len(one.puzzle.attributes)))
        for h in range(one.puzzle.houses)
    ]
    rows[0] = rows[0].replace(",", ", zebra,", 1)  # one value too many
    text = "\n".join([*rows, "Answer: house 5 (the zebra owner: the Japanese)."])
    assert KIND.judge_short_answer(one, text) is None
    assert KIND.judge_short_answer(one, "Answer: house 5 (the zebra owner: the Japanese).") == ""


def test_a_question_of_an_unsolvable_puzzle_reads_the_answer_first() -> None:
    record = _generated(3)
    person = (Ref(0, 0),)
    pinned = [Clue(0, "same", (person, (Ref(POSITION, h),))) for h in (0, 1)]  # both: none
    puzzle = replace(record.puzzle, asked_values=((0, 0),))
    broken = replace(record, puzzle=puzzle.with_clues((*puzzle.clues, *pinned)), solution=None)
    assert KIND.judge_short_answer(broken, "") is None  # nothing stated: nothing to judge
    said = KIND.judge_short_answer(broken, puzzle.values[0][0])
    assert said == "not judged: no grid satisfies every clue"


def test_only_an_exact_answer_is_judged_right_never_a_sentence() -> None:
    (record,) = parse_text((ROOT / "examples" / "einstein.txt").read_text(), "einstein.txt")
    _water, zebra = record.puzzle.questions
    one = replace(record, puzzle=replace(record.puzzle, questions=(zebra,)))
    # the house or its resident alone, as numbers, words, ordinals or `solve`'s own line
    for said in (
        "5", "house five", "the fifth house", "the 5th", "House #5", "Japanese",
        "Answer: house 5 (the zebra owner: the Japanese).", "Final: house 5", "$\\boxed{5}$",
    ):  # fmt: skip
        assert KIND.judge_short_answer(one, said) == "", said
    # sentences, notes that say more, and words after that name another house: never right
    for said in (
        "The Japanese owns the zebra.",
        "The zebra owner is not in house 5.",
        "The zebra is in house 5 minus one.",
        "Final answer: house 5 (if counting from the right)",
        "Answer: 5\nThe Norwegian lives in house 1.",
        "Answer: 5\nScratch that: house 4.",
        "house 5 (no, house 4)",
    ):
        assert KIND.judge_short_answer(one, said) != "", said
    assert KIND.judge_short_answer(one, "Answer: 4").startswith("the answer is wrong")


def test_a_value_question_takes_the_value_alone_or_solves_own_line() -> None:
    record = _generated(11)
    puzzle, grid = record.puzzle, record.solution
    asked = replace(record, puzzle=replace(puzzle, asked_values=((0, 0),)), solution=None)
    right, other = puzzle.values[0][grid[0][0]], puzzle.values[0][grid[0][1]]
    name = puzzle.attributes[0]
    assert KIND.judge_short_answer(asked, f"Answer: {name} of house 1: {right}.") == ""
    assert KIND.judge_short_answer(asked, f"Answer: {name} of house 2: {right}.") != ""
    for said in (f"House 1 has the {right}.", f"Answer: {right}\nHouse 2 has the {other}."):
        assert KIND.judge_short_answer(asked, said) != "", said


def test_a_short_answer_to_a_puzzle_that_asks_nothing_is_told_so() -> None:
    import pytest

    from puzzlemdm.puzzles.base import PuzzleError

    record = KIND.generate(np.random.default_rng(4), "easy")  # generated puzzles ask nothing
    assert not (record.puzzle.asked_values or record.puzzle.questions)
    assert KIND.judge_short_answer(record, "house 2") is None
    with pytest.raises(PuzzleError, match="and this puzzle asks none"):
        KIND.parse_answer(record.puzzle, "house 2")


def test_verify_judges_the_short_answer_a_file_records() -> None:
    import json

    from typer.testing import CliRunner

    from puzzlemdm.cli import app

    made = CliRunner().invoke(
        app, ["generate", "zebra", "--level", "easy", "--n", "1", "--seed", "3",
              "--format", "zebralogic-mc"],
    )  # fmt: skip
    line = json.loads(made.stdout.splitlines()[0])
    wrong = next(c for c in line["choices"] if c != line["answer"])
    for answer, code in ((line["answer"], 0), (wrong, 1)):
        text = json.dumps({**line, "answer": answer}) + "\n"
        result = CliRunner().invoke(app, ["verify", "-"], input=text)
        assert result.exit_code == code, result.output
    assert f"the file's answer {wrong!r}" in result.output
    right = CliRunner().invoke(app, ["verify", "-"], input=json.dumps(line) + "\n")
    assert "1 recorded answers right" in right.output
