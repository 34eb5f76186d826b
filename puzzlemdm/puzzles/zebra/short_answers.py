"""A short answer to a zebra puzzle's one question, judged against what the clues decide:
ZebraLogic's multiple-choice question (one attribute's value in one house: the value, or its
choice's letter) or the question of whose house (BBEH's, the classic "Who owns the zebra?":
the house's number, or who lives there).

Only an answer stated exactly is judged right: one value, one letter, one house ("2", "house
2", "the second house") or its resident ("the German"), as `solve` prints it too ("house 2
(the zebra owner: the German)"). A sentence around it, a note that says more, or words after
the answer that name another house or value are never judged right: reading meaning out of
prose is how a wrong answer gets judged right ("not house 2", "house 2 minus one").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from puzzlemdm.puzzles.base import NOT_JUDGED
from puzzlemdm.puzzles.stated import Statement, choice_letter, statement
from puzzlemdm.puzzles.zebra.puzzle import Grid, Zebra
from puzzlemdm.puzzles.zebra.render import Asked, AskedValue, asked_houses, asked_values
from puzzlemdm.puzzles.zebra.zebralogic import value_names

ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight")
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_NUMBER = r"(\d+)(?:st|nd|rd|th)?|(" + "|".join(NUMBER_WORDS) + ")|(" + "|".join(ORDINALS) + ")"
# a house alone: "2", "house 2", "House #2", "house two", "the second house", "the 2nd"
HOUSE = re.compile(
    rf"(?:the\s+)?(?:house\s*(?:number\s*)?(?:#\s*)?)?(?:{_NUMBER})(?:\s+house)?", re.IGNORECASE
)
# a house named anywhere (in the words after an answer)
HOUSE_NAMED = re.compile(
    rf"\bhouse\s*(?:number\s*)?#?\s*(?:{_NUMBER})\b|\b(?:{_NUMBER})\s+house\b", re.IGNORECASE
)
NOTE = re.compile(r"^(.+?)\s*\(([^()]*)\)$")  # "house 2 (the zebra owner: the German)"
OWN_LINE = re.compile(r"^[\w\s'-]+ of house (\d+)\s*:\s*(.+)$", re.IGNORECASE)  # solve's
CHOICE_WORD = re.compile(r"^(?:option|choice)\s+", re.IGNORECASE)  # "Option C"

# what a whole answer looks like, in the forms `parse_answer` reads: a line a house, a drawn
# table, ZebraLogic's JSON; a response holding one is judged as a whole answer
GRID_ATTEMPT = re.compile(
    r'^\s*house\s*\d+\s*:|[\u2502\u2503|].*[\u2502\u2503|]|"house\s*\d+"\s*:',
    re.IGNORECASE | re.MULTILINE,
)


def short_answer(puzzle: Zebra, text: str) -> Statement | None:
    """The short answer `text` states to the puzzle's question, or None: when the puzzle asks
    none, `text` states none, or it holds a whole answer (a grid, whose problems are its own
    to report). UnclearAnswer when words after it take it back."""
    if not (puzzle.asked_values or puzzle.questions) or GRID_ATTEMPT.search(text):
        return None
    return statement(text)


def judge_short(puzzle: Zebra, truth: Grid, said: Statement, choices: Sequence[Any] = ()) -> str:
    """'' when the answer stated is the one the clues decide (as `truth` holds it), else the
    problem."""
    asks = len(puzzle.asked_values) + len(puzzle.questions)
    if asks > 1:
        return f"the puzzle asks {asks} questions, and a short answer answers one: give the grid"
    values, houses = asked_values(puzzle, truth), asked_houses(puzzle, truth)
    if values:
        return _value_judged(puzzle, values[0], said, choices)
    return _house_judged(puzzle, truth, houses[0], said)


def _value_judged(puzzle: Zebra, asked: AskedValue, said: Statement, choices: Sequence[Any]) -> str:
    where = f"{asked.attribute} of house {asked.house + 1}"
    if not asked.decided:
        return f"{NOT_JUDGED}the clues do not decide {where}"
    attribute = puzzle.attributes.index(asked.attribute)
    names = value_names(puzzle.values[attribute])
    words = said.words
    own = OWN_LINE.match(words)  # "animals of house 3: snake"
    if own is not None:
        if int(own.group(1)) != asked.house + 1:
            return f"the answer names house {own.group(1)}; the question asks {where}"
        words = own.group(2).strip()
    words = CHOICE_WORD.sub("", words)
    index = choice_letter(words, choices)
    words = ARTICLE.sub("", str(choices[index]) if index is not None else words).strip()
    named = names.get(words.lower())
    if named is None:
        listed = ", ".join(puzzle.values[attribute])
        return (
            f"the answer {said.words!r} is not one of the values of {asked.attribute} ({listed}) "
            "alone: not judged right"
        )
    others = [name for name in _named_in(said.after, names) if name != named]
    if others:
        return f"the words after the answer name {others[0]} too: which is meant cannot be told"
    if named != asked.value:
        return f"the answer is wrong: {where} is {asked.value}, not {named}"
    return ""


def _house_judged(puzzle: Zebra, truth: Grid, asked: list[Asked], said: Statement) -> str:
    """Right when the answer is exactly the house of the asked person (any reading of an
    ambiguous name), or, where the clues decide it, who lives there ("the Japanese"), with
    at most a note that names no other house or person."""
    undecided = [a.person for a in asked if len(a.houses) != 1]
    if undecided:
        return f"{NOT_JUDGED}the clues do not decide where {undecided[0]} lives"
    houses = {a.houses[0] for a in asked}
    who = next((f" ({a.resident})" for a in asked if a.resident), "")
    right = " or ".join(str(h + 1) for h in sorted(houses))
    residents = {value for a in asked if a.resident for value in [truth[0][a.houses[0]]]}
    people = value_names(puzzle.values[0])
    main, note = said.words, ""
    if (noted := NOTE.match(said.words)) is not None:
        main, note = noted.group(1), noted.group(2)
    house = _house_of(ARTICLE.sub("", main).strip())
    person = people.get(ARTICLE.sub("", main).strip().lower()) if who else None
    if house is None and person is None:
        return (
            f"the answer {said.words!r} is not one house or who lives there alone: not judged right"
        )
    # a note as `solve` writes one names the asked person and who lives there, nothing else
    allowed = {"the", "a", "an"} | {w for a in asked for w in _words(a.person)}
    allowed |= {w for r in residents for w in _words(puzzle.values[0][r])}
    allowed |= {w for a in asked if a.resident for w in _words(a.resident)}
    if _words(note) - allowed:
        return f"the note {note!r} says more than the answer: not judged right"
    named = _named_in(f"{note} {said.after}", people) if who else []
    later = {
        _house_of(m.group().replace("house", " ").strip()) for m in HOUSE_NAMED.finditer(said.after)
    }
    if later - {house} or any(puzzle.values[0].index(name) not in residents for name in named):
        return "the words after the answer name another house or person: not judged right"
    if house is not None and house not in houses:
        return (
            f"the answer is wrong: {asked[0].person} lives in house {right}{who}, not {house + 1}"
        )
    if person is not None and puzzle.values[0].index(person) not in residents:
        return f"the answer is wrong: {asked[0].person} lives in house {right}{who}, not {person}"
    return ""


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w']+", text.lower()))


def _house_of(words: str) -> int | None:
    """The house (0-based) that `words` are exactly ("2", "house two", "the 2nd"), else None."""
    match = HOUSE.fullmatch(words)
    if match is None:
        return None
    digits, number, ordinal = match.groups()
    if digits:
        return int(digits) - 1
    return NUMBER_WORDS.index(number.lower()) if number else ORDINALS.index(ordinal.lower())


def _named_in(text: str, names: dict[str, str]) -> list[str]:
    """The distinct names (`names`' values) that `text` mentions by any of their forms (the
    keys), as whole words, a longer form first ("blue master" before "blue")."""
    lowered, found = text.lower(), []
    for form in sorted(names, key=len, reverse=True):
        match = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", lowered)
        if match:
            lowered = lowered[: match.start()] + " " * len(form) + lowered[match.end() :]
            found.append(names[form])
    return list(dict.fromkeys(found))
