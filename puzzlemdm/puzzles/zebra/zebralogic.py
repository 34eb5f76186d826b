"""ZebraLogic's puzzles (Lin et al. 2025, ZebraLogicBench's grid mode), read in their own words.

    There are 3 houses, numbered 1 to 3 from left to right, as seen from across the street.
    Each house is occupied by a different person. Each house has a unique attribute for each of
    the following characteristics:
     - Each person has a unique name: `Peter`, `Eric`, `Arnold`
     - Each person has a unique favorite drink: `tea`, `water`, `milk`

    ## Clues:
    1. Peter is in the second house.
    2. Arnold is directly left of the one who only drinks water.
    3. There is one house between Arnold and the person who likes milk.

The dataset's JSON lines hold that text as `puzzle`, with `id`, `size` ("3*2") and the answer
as `solution: {"header": ["House", "Name", ...], "rows": [["1", "Arnold", ...], ...]}`. Its
generator describes each person with a phrase of its own per value ("the person who keeps
horses", "the British person", "the person's child is named Fred"), and lists no phrases; so a
phrase is read by the value it names (by word, in any case, with plural and a few demonym forms).
Where two attributes share a value (a Name and a Child both `Alice`, a Color and a HairColor both
`red`), the phrase's other words decide: the puzzle's unambiguous phrases show which wording
each attribute uses ("the person who has {} hair"), then the characteristic line's own words;
a phrase still undecided keeps both readings as alternatives (the verifier and the search
accept either), never one guessed. The multiple-choice mode's lines (`question`, `choices`)
are read too, and each puzzle's level is ZeroEval's size group (`zeroeval_level`), its
`search_space` the paper's group (`search_space_group`), so that `verify --answers` reports
the accuracy of both groupings.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from puzzlemdm.puzzles.base import (
    SEARCH_SPACE,
    SEARCH_SPACE_GROUPS,
    PuzzleError,
    PuzzleRecord,
)
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Grid, Ref, Zebra
from puzzlemdm.puzzles.zebra.sniff import HOUSES_LINE
from puzzlemdm.puzzles.zebra.text import fill
from puzzlemdm.puzzles.zebra.zebralogic_names import attribute_named, name_from_description

CHARACTERISTIC = re.compile(r"^\s*[-*]\s*([^:`]+?)\s*:\s*(.+?)\s*\.?\s*$")
CLUE = re.compile(r"^\s*(\d+)\s*[.)]\s*(.+?)\s*$")
# the multiple-choice mode's question (and reasoning-gym's): one attribute's value in one house
ASKED_VALUE = re.compile(
    r"what is (?:the )?(.+?) of the person who lives in house (\d+)\s*\?", re.IGNORECASE
)
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")

# (template, relation, which "{}" is each of the relation's args); a "{}" is a person, but
# the one after "the" in "in the {} house", which is an ordinal. Tried in this order: the
# catch-all "{} is {}" last. ZebraLogic's generator writes the relations it knows; the three
# it does not ("not next to", "somewhere between", "first or last") are for the puzzles
# `generate --format zebralogic` writes, in the same style.
TEMPLATES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("there is one house between {} and {}", "one_between", (0, 1)),
    ("there are two houses between {} and {}", "two_between", (0, 1)),
    ("{} and {} are next to each other", "next_to", (0, 1)),
    ("{} is directly left of {}", "left_of_imm", (0, 1)),
    ("{} is directly right of {}", "left_of_imm", (1, 0)),
    ("{} is somewhere to the left of {}", "left_of", (0, 1)),
    ("{} is somewhere to the right of {}", "left_of", (1, 0)),
    ("{} and {} are not next to each other", "not_next_to", (0, 1)),
    ("{} is somewhere between {} and {}, in that order", "between", (0, 1, 2)),
    ("{} is in the first or the last house", "end", (0,)),
    ("{} is not in the {} house", "not_same", (0, 1)),
    ("{} is in the {} house", "same", (0, 1)),
    ("{} and {} are in the same house", "same", (0, 1)),
    ("the same house has {} and {}", "same", (0, 1)),
    ("a single house contains both {} and {}", "same", (0, 1)),
    ("{} is not {}", "not_same", (0, 1)),
    ("{} is {}", "same", (0, 1)),
)
# how the generator names some values in its phrases other than by the value itself
DEMONYMS = {
    "brit": ("british",),
    "swede": ("swedish",),
    "dane": ("danish",),
}
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTHS = {month[:3]: (month,) for month in MONTH_NAMES} | {"sept": ("september",)}
# words that say nothing of which attribute a phrase is about
FILLER = frozenset(
    re.findall(
        r"\w+",
        "a an the of in is are has have who whose person people one each every everyone unique "
        "different their they to and with for by on at",
    )
)

HYPHENS = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013", "-"))  # as "-"
Reading = tuple[Ref, str]  # a phrase's person and its wording: the phrase with "{}" for the value


def value_forms(value: str) -> set[str]:
    """The words a phrase may name a value by: itself, hyphenated ("hip-hop", "f-150"), plural
    or singular, a demonym, a month in full ("jan": "january"), a verb ("painting": "paints")."""
    word = value.lower()
    spellings = {word, word.replace(" ", "-"), re.sub(r"([a-z])(\d)", r"\1-\2", word)}
    forms = set(spellings) | set(DEMONYMS.get(word, ())) | set(MONTHS.get(word, ()))
    for spelt in spellings:
        forms |= {spelt + "s", spelt + "es"}
        if spelt.endswith("y"):
            forms.add(spelt[:-1] + "ies")
        if len(spelt) > 4 and spelt.endswith("ies"):
            forms.add(spelt[:-3] + "y")
        if len(spelt) > 3 and spelt.endswith("s"):
            forms.add(spelt[:-1])
        if len(spelt) > 5 and spelt.endswith("ing"):
            forms |= {spelt[:-3], spelt[:-3] + "s"}
    return forms


def value_names(values: Sequence[str]) -> dict[str, str]:
    """Every form an answer may name each of `values` by (lower case) -> the value; a value's
    own name wins over another's form."""
    names = {form: v for v in values for form in value_forms(v)}
    return names | {v.lower(): v for v in values}


class _People:
    """Reads a phrase as the person whose value it names."""

    def __init__(self, values: Sequence[Sequence[str]]) -> None:
        self.refs: dict[str, list[Ref]] = {}
        for a, names in enumerate(values):
            for v, name in enumerate(names):
                for form in value_forms(name):
                    self.refs.setdefault(form, []).append(Ref(a, v))
        # longest first: "blue master" before "blue", "very tall" before "tall"
        alternation = "|".join(re.escape(f) for f in sorted(self.refs, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")

    def __call__(self, text: str) -> tuple[Reading, ...] | None:
        """The readings of a phrase naming exactly one value (of one or more attributes)."""
        found = list(self.pattern.finditer(text))
        if len(found) != 1:
            return None  # no value, or two people ("the dane and the cat lover")
        (match,) = found
        wording = text[: match.start()] + "{}" + text[match.end() :]
        readings = dict.fromkeys(self.refs[match.group(0)])
        return tuple((ref, wording) for ref in readings)


def _ordinal(houses: int) -> Any:
    """Reads "second" as house 2 of `houses` (0-based 1), or None."""

    def house(text: str) -> tuple[Reading] | None:
        if text in ORDINALS[:houses]:
            return ((Ref(POSITION, ORDINALS.index(text)), ""),)
        return None

    return house


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in FILLER}


def _choose(
    readings: tuple[Reading, ...], usage: Counter, descriptions: Sequence[str]
) -> tuple[Ref, ...]:
    """The person an arg names: its one reading, else the attribute whose wording the puzzle
    uses for this phrase elsewhere, else the one attribute the puzzle names in no other words,
    else whose characteristic line shares its words, else every reading."""
    refs = tuple(ref for ref, _ in readings)
    if len(refs) == 1:
        return refs
    worded = {a for a, _ in usage}  # attributes whose wording the puzzle shows elsewhere
    for score in (
        lambda ref, wording: usage[ref.attribute, wording],
        # an attribute shown in other words only is not this one ("Alice" alone is no Child
        # when Children are "the person's child is named Bella")
        lambda ref, wording: int(ref.attribute not in worded),
        lambda ref, wording: len(_words(wording) & _words(descriptions[ref.attribute])),
    ):
        scores = [score(ref, wording) for ref, wording in readings]
        best = max(scores)
        if best > 0 and scores.count(best) == 1:
            return (refs[scores.index(best)],)
    return refs


def _unique_names(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for name in names:
        seen[name.lower()] += 1
        out.append(name if seen[name.lower()] == 1 else f"{name} {seen[name.lower()]}")
    return out


def _values(listed: str) -> tuple[str, ...]:
    quoted = re.findall(r"`([^`]+)`", listed)
    return tuple(" ".join(v.split()) for v in (quoted or listed.rstrip(".").split(",")))


def parse_puzzle(
    text: str,
    source: str = "<text>",
    line: int = 1,
    names: Sequence[str] | None = None,
    choices: Sequence[Any] = (),
) -> Zebra:
    """One puzzle's text (from its opening line); `names` (a solution's header, without
    "House") names the attributes, else they are named from their characteristic lines;
    `choices` (a multiple-choice question's) tell which attribute its question asks."""
    lines = text.splitlines()
    start = next((i for i, row in enumerate(lines) if HOUSES_LINE.search(row)), None)
    if start is None:
        raise PuzzleError("no 'There are N houses, numbered 1 to N' line", source=source, line=line)
    opening = HOUSES_LINE.search(lines[start])
    houses = int(opening.group(1))  # type: ignore[union-attr]
    last = opening.group(2) or opening.group(3)  # type: ignore[union-attr]
    if int(last) != houses:
        raise PuzzleError(
            f"the opening line numbers {houses} houses 1 to {last}",
            source=source,
            line=line + start,
        )
    descriptions: list[str] = []
    values: list[tuple[str, ...]] = []
    clue_lines: list[tuple[int, int, str]] = []
    for i, row in enumerate(lines[start + 1 :], start=start + 1):
        characteristic = CHARACTERISTIC.match(row)
        numbered = CLUE.match(row)
        if characteristic and not clue_lines and ("`" in row or "," in row):
            descriptions.append(characteristic.group(1))
            values.append(_values(characteristic.group(2)))
        elif numbered and descriptions:
            clue_lines.append((line + i, int(numbered.group(1)), numbered.group(2)))
        elif clue_lines and row.strip() and not row.lstrip().startswith("#"):
            break  # the clues have ended ("## Answer", the next puzzle)
    where = {"source": source, "line": line + start}
    if not values:
        raise PuzzleError("no characteristic lines (' - <what>: `a`, `b`, ...')", **where)
    for description, listed in zip(descriptions, values, strict=True):
        if len(listed) != houses or len({v.lower() for v in listed}) != houses:
            raise PuzzleError(
                f"'{description}' lists {len(listed)} values ({', '.join(listed)}); "
                f"{houses} houses need {houses} different ones",
                **where,
            )
    if not clue_lines:
        raise PuzzleError("no numbered clues after the characteristic lines", **where)
    if names is not None and len(names) != len(values):
        raise PuzzleError(
            f"the solution names {len(names)} attributes, the puzzle lists {len(values)}", **where
        )
    attributes = _unique_names(list(names or [name_from_description(d) for d in descriptions]))
    people = _People(values)
    slots = {"person": people, "ordinal": _ordinal(houses)}
    said: list[tuple[int, int, str, list[tuple[Reading, ...]]]] = []
    for number, clue_id, sentence in clue_lines:
        body = " ".join(sentence.lower().translate(HYPHENS).split()).removesuffix(".")
        for template, rel, order in TEMPLATES:
            kinds = [
                "ordinal" if "the {} house" in template and k == 1 else "person"
                for k in range(template.count("{}"))
            ]
            args = fill(body, template, [slots[k] for k in kinds])
            if args is not None:
                said.append((number, clue_id, rel, [args[k] for k in order]))
                break
        else:
            raise PuzzleError(
                f"clue {clue_id} is no sentence ZebraLogic writes about these people: {sentence!r}",
                source=source,
                line=number,
            )
    usage = Counter(
        (readings[0][0].attribute, readings[0][1])
        for *_, args in said
        for readings in args
        if len(readings) == 1
    )
    clues = tuple(
        Clue(clue_id, rel, tuple(_choose(r, usage, descriptions) for r in args))
        for _, clue_id, rel, args in said
    )
    asked = tuple(
        _asked_value(match, attributes, values, choices, source, line + i)
        for i, row in enumerate(lines)
        for match in ASKED_VALUE.finditer(row)
    )
    return Zebra(tuple(attributes), tuple(values), clues, (), asked)


def _asked_value(
    match: re.Match,
    attributes: Sequence[str],
    values: Sequence[Sequence[str]],
    choices: Sequence[Any],
    source: str,
    line: int,
) -> tuple[int, int]:
    """(attribute, house) a question asks, the attribute found by `attribute_named`."""
    said, house = match.group(1), int(match.group(2))
    found = attribute_named(said, attributes, values, choices)
    houses = len(values[0])
    if found is None or not 1 <= house <= houses:
        raise PuzzleError(
            f"the question {match.group(0)!r} asks for none of the attributes "
            f"({', '.join(attributes)}) or houses 1-{houses}",
            source=source,
            line=line,
        )
    return found, house - 1


def _solution(puzzle: Zebra, solution: Any) -> Grid:
    """The dataset's `{"header": ["House", ...], "rows": [["1", ...], ...]}` as a grid."""
    if not isinstance(solution, dict) or not isinstance(solution.get("rows"), list):
        raise ValueError("'solution' must be {'header': [...], 'rows': [[...], ...]}")
    rows = solution["rows"]
    if len(rows) != puzzle.houses or any(
        not isinstance(r, list) or len(r) != len(puzzle.attributes) + 1 for r in rows
    ):
        raise ValueError(
            f"'solution' must have {puzzle.houses} rows of a house and "
            f"{len(puzzle.attributes)} values"
        )
    grid = []
    for a, names in enumerate(puzzle.values):
        index = {v.lower(): i for i, v in enumerate(names)}
        said = [str(row[a + 1]).lower() for row in rows]
        if sorted(said) != sorted(index):
            raise ValueError(
                f"the solution's {puzzle.attributes[a]!r} column is not {', '.join(names)}"
            )
        grid.append(tuple(index[v] for v in said))
    return tuple(grid)


# Where the ZebraLogic paper's search-space groups end, small to large (ZeroEval's
# `zebra_logic_analysis`; its evaluation lists each group's sizes, and the lists agree with
# these bounds on every size from 2*2 to 6*6); beyond the last, x-large.
_SEARCH_SPACE_BOUNDS = (10**3, 10**6, 10**10)


def search_space_group(puzzle: Zebra) -> str:
    """The ZebraLogic paper's group of a puzzle by its search space, (houses!) ** attributes
    grids: small below 10^3, medium below 10^6, large below 10^10, else x-large."""
    space = math.factorial(puzzle.houses) ** len(puzzle.attributes)
    below = sum(space >= bound for bound in _SEARCH_SPACE_BOUNDS)
    return SEARCH_SPACE_GROUPS[below]


def zeroeval_level(puzzle: Zebra) -> str:
    """ZeroEval's grouping of ZebraLogic's puzzles by size (its "Easy" and "Hard" puzzle
    accuracy): easy up to 2 houses, or 3 houses of at most 3 attributes."""
    houses, attributes = puzzle.houses, len(puzzle.attributes)
    return "easy" if houses <= 2 or (houses == 3 and attributes <= 3) else "hard"


def record(obj: dict[str, Any]) -> PuzzleRecord:
    """A dataset line: `id`, `size`, `puzzle` (the text) and, when given, `solution`."""
    solution = obj.get("solution")
    header = solution.get("header") if isinstance(solution, dict) else None
    names = [str(h) for h in header[1:]] if isinstance(header, list) and header else None
    text = str(obj["puzzle"])
    question = obj.get("question")
    if isinstance(question, str) and question.strip() not in text:  # the multiple-choice mode
        text += "\n" + question
    try:
        choices = obj.get("choices")
        puzzle = parse_puzzle(
            text, names=names, choices=choices if isinstance(choices, list) else ()
        )
    except PuzzleError as err:  # the JSON lines reader names the file and line
        raise ValueError(f"in its puzzle text: {err.reason}") from None
    grid = _solution(puzzle, solution) if solution is not None else None
    meta = {
        "format": "zebralogic",
        SEARCH_SPACE: search_space_group(puzzle),
        **{k: obj[k] for k in ("size", "choices", "answer") if k in obj},
    }
    return PuzzleRecord(puzzle, grid, str(obj.get("id", "")), zeroeval_level(puzzle), meta)


def parse_text(text: str, source: str = "<text>") -> list[PuzzleRecord]:
    """Every puzzle of a text holding ZebraLogic puzzles, each from its opening line."""
    lines = text.removeprefix("\ufeff").splitlines()
    starts = [i for i, row in enumerate(lines) if HOUSES_LINE.search(row)]
    records = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        puzzle = parse_puzzle("\n".join(lines[start:end]), source, start + 1)
        meta = {"format": "zebralogic", SEARCH_SPACE: search_space_group(puzzle)}
        level = zeroeval_level(puzzle)
        records.append(PuzzleRecord(puzzle, None, "", level, meta, source, start + 1))
    return records
