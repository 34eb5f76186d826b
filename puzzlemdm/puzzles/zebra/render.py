"""A Zebra answer for the terminal: a table when it fits 80 columns, one line per house when not.

BBEH puzzles have up to 7 houses x 18 wordy attributes ("supports a different NBA team"): a
table of those is ~250 columns wide and a terminal would cut value names. The asked person's
house (BBEH's question) is printed as the answer it is.
"""

from __future__ import annotations

import textwrap
from typing import Any, NamedTuple

from puzzlemdm.puzzles.zebra.english import classic_attribute, ref_phrases
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Grid, Ref, Zebra, house_of

PEOPLE = ("nationality", "name")  # attributes whose values are who someone is

WIDTH = 80  # columns the answer must fit


def table_width(puzzle: Zebra, answer: Grid) -> int:
    """Columns a rich table of the answer takes (rich's default box: 3 per column + 1)."""
    widths = [max(len("attribute"), *(len(a) for a in puzzle.attributes))]
    for h in range(puzzle.houses):
        names = [puzzle.values[a][answer[a][h]] for a in range(len(puzzle.attributes))]
        widths.append(max(len(f"house {h + 1}"), *(len(n) for n in names)))
    return sum(widths) + 3 * len(widths) + 1


class Asked(NamedTuple):
    """One asked person: how the answer names them, every house (0-based) the clues allow
    them, and who lives there when the clues decide it ("the Japanese"), else None."""

    person: str
    houses: list[int]
    resident: str | None


def asked_houses(puzzle: Zebra, answer: Grid) -> list[list[Asked]]:
    """Per question, each asked person (alternatives of an ambiguous name), with every house
    the clues allow them, not only `answer`'s; [] without a question."""
    from puzzlemdm.puzzles.zebra.search import possible_houses

    questions = []
    for alternatives in puzzle.questions:
        asked = []
        for ref in alternatives:
            who = puzzle.values[ref.attribute][ref.value] if ref.attribute != POSITION else None
            if who is None or classic_attribute(puzzle.attributes[ref.attribute]) is not None:
                who = ref_phrases(puzzle, ref)[0]  # good English for the classic attributes
            houses = possible_houses(puzzle, (ref,)) or [house_of(answer, ref)]
            resident = _resident(puzzle, answer, houses[0], ref) if len(houses) == 1 else None
            asked.append(Asked(who, houses, resident))
        questions.append(asked)
    return questions


class AskedValue(NamedTuple):
    """One asked value: the attribute, the house (0-based), the answer's value there, and
    whether the clues decide it (every answer has that value there)."""

    attribute: str
    house: int
    value: str
    decided: bool


def asked_values(puzzle: Zebra, answer: Grid) -> list[AskedValue]:
    """Each value question's answer ("What is Smoothie of the person who lives in House 3?")."""
    from puzzlemdm.puzzles.zebra.search import possible_houses

    said = []
    for attribute, house in puzzle.asked_values:
        value = answer[attribute][house]
        decided = possible_houses(puzzle, (Ref(attribute, value),)) == [house]
        name = puzzle.values[attribute][value]
        said.append(AskedValue(puzzle.attributes[attribute], house, name, decided))
    return said


def _resident(puzzle: Zebra, answer: Grid, house: int, asked: Ref) -> str | None:
    """Who lives in `house` by the first attribute ("the Japanese": the answer to "Who owns the
    zebra?"), when it is a classic one that names people, not the one asked about, and the
    clues decide it (another answer could house someone else there); else None."""
    from puzzlemdm.puzzles.zebra.search import possible_houses

    name = puzzle.attributes[0]
    if classic_attribute(name) not in PEOPLE or asked.attribute == 0:
        return None
    resident = Ref(0, answer[0][house])
    if possible_houses(puzzle, (resident,)) != [house]:
        return None
    return ref_phrases(puzzle, resident)[0]


def asked_line(puzzle: Zebra, answer: Grid) -> str | None:
    """ "Answer: house 2 (the zebra owner)." for a puzzle with a question ("Answers: ...; ..."
    for several), else None. Where the clues leave a house open, the line names every house
    they allow and says so."""
    answers = []
    for asked in asked_houses(puzzle, answer):
        said = []
        for who, houses, resident in asked:
            if len(houses) == 1:
                named = f": {resident}" if resident else ""
                said.append(f"house {houses[0] + 1} ({who}{named})")
            else:
                listed = ", ".join(str(h + 1) for h in houses[:-1]) + f" or {houses[-1] + 1}"
                said.append(f"not decided by the clues: house {listed} ({who})")
        answers.append(" or ".join(said))
    for asked in asked_values(puzzle, answer):
        where = f"{asked.attribute} of house {asked.house + 1}"
        answers.append(
            f"{where}: {asked.value}"
            if asked.decided
            else f"not decided by the clues: {where} (this answer's: {asked.value})"
        )
    if not answers:
        return None
    return f"Answer: {answers[0]}." if len(answers) == 1 else f"Answers: {'; '.join(answers)}."


def wrapped(line: str) -> str:
    """`line` folded at word boundaries into WIDTH columns, later lines indented."""
    return textwrap.fill(
        line, WIDTH, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )


def render_answer(puzzle: Zebra, answer: Grid | None, clues: list[str] | None = None) -> Any:
    """The answer (a table, or per-house lines beyond 80 columns), the asked person's house,
    and `clues` (English lines) before them when given."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    # Text, so that names are not read as markup; folded here, as the CLI prints soft-wrapped
    parts: list[Any] = [Text("\n".join(map(wrapped, clues)))] if clues else []
    if answer is None:
        return Group(*parts) if parts else Text("(no answer)")
    if table_width(puzzle, answer) <= WIDTH:
        table = Table("attribute", *(f"house {h + 1}" for h in range(puzzle.houses)))
        for a, name in enumerate(puzzle.attributes):
            table.add_row(name, *(puzzle.values[a][v] for v in answer[a]))
        parts.append(table)
    else:  # values in attribute order, wrapped at word boundaries: nothing is cut
        for h in range(puzzle.houses):
            names = [puzzle.values[a][answer[a][h]] for a in range(len(puzzle.attributes))]
            parts.append(Text(wrapped(f"house {h + 1}: " + ", ".join(names))))
    asked = asked_line(puzzle, answer)
    if asked:
        parts.append(Text(wrapped(asked), style="bold"))
    return Group(*parts)
