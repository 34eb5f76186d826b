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
    assert "none of the values" in KIND.judge_short_answer(asked, "Answer: unicornish")


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


def test_a_sentence_is_judged_by_the_one_house_and_person_it_names() -> None:
    (record,) = parse_text((ROOT / "examples" / "einstein.txt").read_text(), "einstein.txt")
    _water, zebra = record.puzzle.questions
    one = replace(record, puzzle=replace(record.puzzle, questions=(zebra,)))
    for said in ("The Japanese owns the zebra.", "It is house 5.", "The Japanese, in house 5"):
        assert KIND.judge_short_answer(one, said) == "", said
    for said in ("The Norwegian owns the zebra.", "The Japanese, in house 4"):
        assert KIND.judge_short_answer(one, said).startswith("the answer is wrong"), said
    # a negation, a hedge, a place named from another: never judged right
    for said in (
        "Houses 4 or 5",
        "The zebra owner is not in house 5.",
        "The Japanese does not own the zebra.",
        "The Japanese's neighbour owns the zebra.",
        "The person left of house 5 owns the zebra.",
        "Answer: 5\nWait, that's wrong: it is house 4.",
    ):
        assert KIND.judge_short_answer(one, said) != "", said


def test_a_sentence_answering_a_value_question_names_one_value() -> None:
    record = _generated(11)
    puzzle, grid = record.puzzle, record.solution
    asked = replace(record, puzzle=replace(puzzle, asked_values=((0, 0),)), solution=None)
    right, other = puzzle.values[0][grid[0][0]], puzzle.values[0][grid[0][1]]
    assert KIND.judge_short_answer(asked, f"House 1 has the {right}.") == ""
    assert KIND.judge_short_answer(asked, f"House 1 has the {other}.").startswith("the answer is")
    both = KIND.judge_short_answer(asked, f"House 1 has {right}, house 2 {other}.")
    assert both.startswith("the answer names several values")
    for hedged in (f"Either {right} or {other}.", f"House 1 does not have the {right}."):
        assert "does not state one plainly" in KIND.judge_short_answer(asked, hedged)
