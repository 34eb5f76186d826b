"""A short answer to a zebra puzzle's one question, judged against what the clues decide:
ZebraLogic's multiple-choice question (one attribute's value in one house: the value, or its
choice's letter) or the question of whose house (BBEH's, the classic "Who owns the zebra?":
the house's number, or who lives there)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from puzzlemdm.puzzles.stated import choice_letter, not_plain, stated_answer
from puzzlemdm.puzzles.zebra.puzzle import Grid, Zebra
from puzzlemdm.puzzles.zebra.render import Asked, AskedValue, asked_houses, asked_values
from puzzlemdm.puzzles.zebra.zebralogic import value_forms

ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
HOUSE = re.compile(r"(?:house\s*(?:number\s*)?(?:#\s*)?)?(\d+)", re.IGNORECASE)


# what a whole answer looks like, in the forms `parse_answer` reads: a line a house, a drawn
# table, ZebraLogic's JSON; a response holding one is judged as a whole answer
GRID_ATTEMPT = re.compile(
    r'^\s*house\s*\d+\s*:|[\u2502\u2503|].*[\u2502\u2503|]|"house\s*\d+"\s*:',
    re.IGNORECASE | re.MULTILINE,
)


def short_answer(puzzle: Zebra, text: str) -> str | None:
    """The short answer `text` states to the puzzle's question, or None: when the puzzle asks
    none, `text` states none, or it holds a whole answer (a grid, whose problems are its own
    to report)."""
    if not (puzzle.asked_values or puzzle.questions) or GRID_ATTEMPT.search(text):
        return None
    said = stated_answer(text)
    if said is not None and ":" in said:  # as `solve` says it: "animals of house 3: snake"
        said = said.rsplit(":", 1)[1].strip() or None
    return said


def judge_short(puzzle: Zebra, truth: Grid, said: str, choices: Sequence[Any] = ()) -> str:
    """'' when `said` (`short_answer`'s) is the answer the clues decide (as `truth` holds it),
    else the problem."""
    asks = len(puzzle.asked_values) + len(puzzle.questions)
    if asks > 1:
        return f"the puzzle asks {asks} questions, and a short answer answers one: give the grid"
    values, houses = asked_values(puzzle, truth), asked_houses(puzzle, truth)
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
    if named is None:  # a sentence ("House 3 keeps the snake."): the one value it names
        if (word := not_plain(said)) is not None:
            return _unplain(said, word)
        mentioned = named_in(said, names)
        if len(mentioned) > 1:
            return f"the answer names several values of {asked.attribute}: {', '.join(mentioned)}"
        named = mentioned[0] if mentioned else None
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
    who = next((f" ({a.resident})" for a in asked if a.resident), "")
    right = " or ".join(str(h + 1) for h in sorted(houses))
    wrong = f"the answer is wrong: {asked[0].person} lives in house {right}{who}, not "
    number = HOUSE.fullmatch(said)
    if number is not None:
        house = int(number.group(1)) - 1
        return "" if house in houses else wrong + str(house + 1)
    residents = {ARTICLE.sub("", a.resident).lower() for a in asked if a.resident}
    for a in asked:
        if a.resident:  # the first attribute's value there, in any of its forms
            residents |= value_forms(puzzle.values[0][truth[0][a.houses[0]]])
    if said.lower() in residents:
        return ""
    # a sentence ("The Japanese owns the zebra.", "It is house 5."): the house and the person
    # it names, each at most one, and every one named right
    if (word := not_plain(said)) is not None:
        return _unplain(said, word)
    numbers = {int(n) - 1 for n in re.findall(r"house\s*(?:number\s*)?#?\s*(\d+)", said, re.I)}
    numbers = numbers or {int(n) - 1 for n in re.findall(r"(?<!\w)(\d+)(?!\w)", said)}
    forms = {form: v for v in puzzle.values[0] for form in value_forms(v)} if who else {}
    people = named_in(said, forms)
    if len(numbers) > 1 or len(people) > 1 or not (numbers or people):
        return wrong + repr(said)
    right_person = {v for v in people if value_forms(v) & residents}
    return "" if numbers <= houses and len(right_person) == len(people) else wrong + repr(said)


def _unplain(said: str, word: str) -> str:
    return (
        f"the answer {said!r} does not state one plainly ({word!r}): not judged right; state "
        "the value or house alone"
    )


def named_in(text: str, names: dict[str, str]) -> list[str]:
    """The distinct names (`names`' values) that `text` mentions by any of their forms (the
    keys), as whole words, a longer form first ("blue master" before "blue")."""
    lowered, found = text.lower(), []
    for form in sorted(names, key=len, reverse=True):
        match = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", lowered)
        if match:
            lowered = lowered[: match.start()] + " " * len(form) + lowered[match.end() :]
            found.append(names[form])
    return list(dict.fromkeys(found))
