"""A short answer to a zebra puzzle's one question, judged against what the clues decide:
ZebraLogic's multiple-choice question (one attribute's value in one house: the value, or its
choice's letter) or the question of whose house (BBEH's, the classic "Who owns the zebra?":
the house's number, or who lives there)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from puzzlemdm.puzzles.stated import choice_letter, stated_answer
from puzzlemdm.puzzles.zebra.puzzle import Grid, Zebra
from puzzlemdm.puzzles.zebra.render import Asked, AskedValue, asked_houses, asked_values
from puzzlemdm.puzzles.zebra.zebralogic import value_forms

ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
HOUSE = re.compile(r"(?:house\s*(?:number\s*)?(?:#\s*)?)?(\d+)", re.IGNORECASE)


def judge_short(puzzle: Zebra, truth: Grid, text: str, choices: Sequence[Any] = ()) -> str | None:
    """'' when the answer `text` states is the one the clues decide (as `truth` holds it), the
    problem when it is not; None when the puzzle asks not exactly one question or `text` states
    no short answer (a grid, or nothing)."""
    said = stated_answer(text)
    if said is None:
        return None
    values, houses = asked_values(puzzle, truth), asked_houses(puzzle, truth)
    if len(values) + len(houses) != 1:
        return None
    index = choice_letter(said, choices)
    said = ARTICLE.sub("", str(choices[index]) if index is not None else said).strip()
    if values:
        return _value_judged(puzzle, values[0], said)
    return _house_judged(puzzle, truth, houses[0], said)


def _value_judged(puzzle: Zebra, asked: AskedValue, said: str) -> str:
    where = f"{asked.attribute} of house {asked.house + 1}"
    if not asked.decided:
        return f"not judged: the clues do not decide {where}"
    attribute = puzzle.attributes.index(asked.attribute)
    names = {form: v for v in puzzle.values[attribute] for form in value_forms(v)}
    names |= {v.lower(): v for v in puzzle.values[attribute]}  # a value's own name first
    named = names.get(said.lower())
    if named is None:
        listed = ", ".join(puzzle.values[attribute])
        return f"the answer {said!r} is none of the values of {asked.attribute} ({listed})"
    if named != asked.value:
        return f"the answer is wrong: {where} is {asked.value}, not {named}"
    return ""


def _house_judged(puzzle: Zebra, truth: Grid, asked: list[Asked], said: str) -> str:
    """Right when `said` is the house of the asked person (any reading of an ambiguous name)
    or, where the clues decide it, who lives there ("the Japanese", "Japanese")."""
    undecided = [a.person for a in asked if len(a.houses) != 1]
    if undecided:
        return f"not judged: the clues do not decide where {undecided[0]} lives"
    houses = {a.houses[0] for a in asked}
    number = HOUSE.fullmatch(said)
    if number is not None:
        house = int(number.group(1)) - 1
        if house in houses:
            return ""
        right = " or ".join(str(h + 1) for h in sorted(houses))
        return f"the answer is wrong: {asked[0].person} lives in house {right}, not {house + 1}"
    residents = {ARTICLE.sub("", a.resident).lower() for a in asked if a.resident}
    for a in asked:
        if a.resident:  # the first attribute's value there, in any of its forms
            residents |= value_forms(puzzle.values[0][truth[0][a.houses[0]]])
    if said.lower() in residents:
        return ""
    who = next((f" ({a.resident})" for a in asked if a.resident), "")
    right = " or ".join(str(h + 1) for h in sorted(houses))
    return f"the answer is wrong: {asked[0].person} lives in house {right}{who}, not {said!r}"
