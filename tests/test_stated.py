"""The short answer a response states (puzzles/stated.py)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from puzzlemdm.puzzles.stated import UnclearAnswer, choice_letter, stated_answer


@pytest.mark.parametrize(
    ("response", "said"),
    [
        ('{"reasoning": "House 3 keeps the snake.", "answer": "snake"}', "snake"),
        ('Thinking...\n```json\n{"reasoning": "...", "answer": "D"}\n```\nDone.', "D"),
        ('{"answer": "cat"} was a draft; {"reasoning": "x", "answer": "dog"}', "dog"),
        ("I think so.\nANSWER: 6", "6"),
        ("The answer is: **dog**.", "dog"),
        ("Let me answer carefully.\nHouse 2 fits.\nFinal answer: `House 2`", "House 2"),
        ("  snake  ", "snake"),
        ('"B"', "B"),
        ("Working through the clues...\nFinal: house 2", "house 2"),
        ("Working through the clues...\n$\\boxed{2}$", "2"),
        # only a line that opens by stating the answer states it; the last statement counts
        ("ANSWER: 2\nA correct answer is 6.", "2"),
        ("Answer: snake\nI am confident this answer is correct.", "snake"),
        ('{"reasoning": "step", "answer": "snake", "check": {"answer": "bird"}}', "snake"),
        ('I considered {"answer": "bird"} first.\nAnswer: snake', "snake"),
        ('Answer: snake\nIn JSON: {"answer": "bird"}', "bird"),
        ("**Final Answer**: snake", "snake"),
        ("Answer: **C** Carol", "C Carol"),
        # a note in brackets after the answer is kept: the kind judges all it says
        (
            "Answer: house 5 (the zebra owner: the Japanese).",
            "house 5 (the zebra owner: the Japanese)",
        ),
        ("ANSWER: 6 (the Chinese)", "6 (the Chinese)"),
        ("Answer: (B)", "(B)"),
    ],
)
def test_the_answer_a_response_states_is_found(response: str, said: str) -> None:
    assert stated_answer(response) == said


@pytest.mark.parametrize(
    "response",
    [
        "",
        "   \n  ",
        "This response reasons at length about the puzzle without ever stating anything.\nNo.",
        "x" * 81,  # one line, but too long to be an answer by itself
        '{"answer": true}',  # a boolean names nothing
        '{"outer": {"answer": 3}}',  # an answer nested deeper may be a draft's
        "**",
        "Answer:",
        "[" * 100_000,  # nested too deep for the JSON reader
        '{"a":' * 100_000,
    ],
)
def test_a_response_stating_no_answer_gives_none(response: str) -> None:
    assert stated_answer(response) is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
@settings(max_examples=200, deadline=None)
def test_any_value_put_in_zeroevals_json_is_read_back(value: str) -> None:
    response = "Reasoning first.\n" + json.dumps({"reasoning": "r", "answer": value})
    said = stated_answer(response)
    expected = re.sub(r"[*`]+", "", value).strip(" \t*_`\"'.,;!$")  # emphasis marks dropped
    assert said == (expected or None)


@pytest.mark.parametrize(
    ("said", "index"),
    [("B", 1), ("(B)", 1), ("B)", 1), ("B.", 1), ("B. cherry", 1), ("A", 0)],
)
def test_a_choices_letter_names_it(said: str, index: int) -> None:
    assert choice_letter(said, ["apple", "cherry", "plum"]) == index


@pytest.mark.parametrize("said", ["D", "b", "B. plum", "A cat", "apple", "AB"])
def test_what_is_no_letter_of_a_choice_is_not_read_as_one(said: str) -> None:
    assert choice_letter(said, ["apple", "cherry", "plum"]) is None


@pytest.mark.parametrize(
    "response",
    [
        "Answer: bird\nNote: a tempting wrong answer is snake.",
        "Answer: 6\nWait, the Chinese is in house 5.",
        '{"answer": "B"}\nActually, it must be C.',
        "Answer: 2\nScratch that: house 5.",
        "Answer: 2\nOn reflection, house 5.",
        "Answer: 2\nHmm, no. The Spaniard owns it.",
    ],
)
def test_an_answer_taken_back_after_it_is_stated_is_unclear(response: str) -> None:
    with pytest.raises(UnclearAnswer):
        stated_answer(response)
