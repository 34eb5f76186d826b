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
accept either), never one guessed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from puzzlemdm.puzzles.base import PuzzleError, PuzzleRecord
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Grid, Ref, Zebra
from puzzlemdm.puzzles.zebra.sniff import HOUSES_LINE
from puzzlemdm.puzzles.zebra.text import fill

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
    "norwegian": ("norway",),
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


def sniff(text: str) -> bool:
    """Whether a text holds ZebraLogic's opening line (first 4 KiB, or inside a JSON line)."""
    return HOUSES_LINE.search(text[:4096]) is not None


def _forms(value: str) -> set[str]:
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


class _People:
    """Reads a phrase as the person whose value it names."""

    def __init__(self, values: Sequence[Sequence[str]]) -> None:
        self.refs: dict[str, list[Ref]] = {}
        for a, names in enumerate(values):
            for v, name in enumerate(names):
                for form in _forms(name):
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


def _attribute_name(description: str) -> str:
    """A short name from a characteristic line: "Each person has a unique type of pet" ->
    "pet", "The mothers' names in different houses are unique" -> "mothers' names", "Each
    person lives in a unique style of house" -> "style of house"."""
    text = " ".join(description.split())
    subject = re.match(r"^(?:the\s+)?(.+?)\s+(?:in different houses\s+)?are unique$", text, re.I)
    if subject:
        return subject.group(1)
    words = text.split()
    markers = {"unique", "a", "an", "their", "for", "of", "different", "favourite"}
    cuts = [i for i, w in enumerate(words[:-1]) if w.lower() in markers]
    name = " ".join(words[cuts[-1] + 1 :]) if cuts else text
    if name.lower() in ("house", "houses") and len(cuts) > 1:  # "a unique style of house"
        name = " ".join(words[cuts[-2] + 1 :])
    return name


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
    attributes = _unique_names(list(names or [_attribute_name(d) for d in descriptions]))
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
    """(attribute, house) a question asks, the attribute found by `_attribute_named`."""
    said, house = match.group(1), int(match.group(2))
    found = _attribute_named(said, attributes, values, choices)
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
        **{k: obj[k] for k in ("size", "choices", "answer") if k in obj},
    }
    return PuzzleRecord(puzzle, grid, str(obj.get("id", "")), None, meta)


def parse_text(text: str, source: str = "<text>") -> list[PuzzleRecord]:
    """Every puzzle of a text holding ZebraLogic puzzles, each from its opening line."""
    lines = text.removeprefix("\ufeff").splitlines()
    starts = [i for i, row in enumerate(lines) if HOUSES_LINE.search(row)]
    records = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        puzzle = parse_puzzle("\n".join(lines[start:end]), source, start + 1)
        meta = {"format": "zebralogic"}
        records.append(PuzzleRecord(puzzle, None, "", None, meta, source, start + 1))
    return records


HOUSE_KEY = re.compile(r"^\s*house\s*(\d+)\s*$", re.IGNORECASE)


def _key(name: str) -> str:
    return re.sub(r"[\s_]+", "", name.lower())


IRREGULAR = {"children": "child", "people": "person"}
# words of an attribute's name that do not tell it from another ("favorite color" is Color)
NAME_FILLER = frozenset({"favorite", "favourite", "type", "kind", "of", "unique", "different"})


def _singular(word: str) -> str:
    word = word.lower()
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _name_words(name: str) -> set[str]:
    """A column's or attribute's words, singular: "BookGenre" and "favorite book genres" share
    {"book", "genre"}, "Nationality" and "nationalities" {"nationality"}."""
    return {_singular(w) for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", name)}


def _attribute_named(
    said: str,
    attributes: Sequence[str],
    values: Sequence[Sequence[str]] = (),
    choices: Sequence[Any] = (),
) -> int | None:
    """The attribute a column name or a question names: by its name; else the one whose name
    holds its words with the fewest others ("Color": "favorite color", not "hair colors");
    else the one whose values hold `choices` (a question's, "Food" for "lunch"); else None."""
    named = [a for a, name in enumerate(attributes) if _key(name) == _key(said)]
    if named:
        return named[0]
    words = _name_words(said)
    others = {
        a: len(_name_words(name) - words - NAME_FILLER)
        for a, name in enumerate(attributes)
        if words <= _name_words(name)
    }
    fewest = [a for a, n in others.items() if n == min(others.values(), default=0)]
    if len(fewest) == 1:
        return fewest[0]
    chosen = {str(c).lower() for c in choices}
    holding = [
        a for a, names in enumerate(values) if chosen and chosen <= {v.lower() for v in names}
    ]
    return holding[0] if len(holding) == 1 else None


def houses_answer(puzzle: Zebra, obj: Any) -> dict[str, list[str]] | None:
    """ZebraLogic's answer, `{"House 1": {"Name": "Arnold", ...}, ...}` (alone, or as the
    `solution` of a response's JSON), as `{attribute: [value of house 1, ...]}`; None when
    `obj` is no such object. A column is the attribute of its name, else of its values."""
    if isinstance(obj, dict) and isinstance(obj.get("solution"), dict):
        obj = obj["solution"]
    if not isinstance(obj, dict) or not obj or not all(HOUSE_KEY.match(str(k)) for k in obj):
        return None
    rows = {int(HOUSE_KEY.match(str(k)).group(1)): row for k, row in obj.items()}  # type: ignore[union-attr]
    if sorted(rows) != list(range(1, puzzle.houses + 1)) or not all(
        isinstance(row, dict) for row in rows.values()
    ):
        raise ValueError(
            f"the answer gives houses {sorted(rows)}; expected houses 1 to {puzzle.houses}, each "
            "an object {attribute: value}"
        )
    columns = {str(c): [str(rows[h].get(c, "")) for h in sorted(rows)] for c in rows[1]}
    answer: dict[str, list[str]] = {}
    for a, name in enumerate(puzzle.attributes):
        values = {form: v for v in puzzle.values[a] for form in _forms(v)}
        values |= {v.lower(): v for v in puzzle.values[a]}  # a value's own name first
        named = [c for c in columns if _key(c) == _key(name)]
        own = sorted(puzzle.values[a])
        by_values = [
            c
            for c, said in columns.items()
            if sorted(values.get(s.lower(), s) for s in said) == own
        ]
        by_words = [c for c in columns if _name_words(c) <= _name_words(name)]
        column = (named or by_values or by_words or [None])[0]
        if column is None:
            raise ValueError(f"the answer has no column for {name!r} (it has {', '.join(columns)})")
        answer[name] = [values.get(s.lower(), s) for s in columns.pop(column)]
    return answer


def response_answer(puzzle: Zebra, text: str) -> dict[str, list[str]] | None:
    """The last ZebraLogic answer a language model's response holds as JSON (in fences or
    amid its reasoning, as ZeroEval's prompt asks for it), or None. A draft that cannot be
    read is passed over for a later one; when none can be read, the last one's problem is
    raised (ValueError)."""
    decoder = json.JSONDecoder()
    found, problem, at = None, None, text.find("{")
    while at != -1:
        try:
            obj, end = decoder.raw_decode(text, at)
            answer = houses_answer(puzzle, obj)
        except json.JSONDecodeError:
            answer, end = None, at + 1  # no JSON here: look inside
        except ValueError as err:
            answer, problem = None, err  # an answer, unreadable: look past it
        else:
            found = answer if answer is not None else found
            end = end if answer is not None else at + 1  # not an answer: look inside it
        at = text.find("{", end)
    if found is None and problem is not None:
        raise problem
    return found


def _written(rel: str, positional: bool) -> str:
    """The template a relation is written in: its first, args in order (a house as an
    ordinal for `positional` same / not_same)."""
    return next(
        template
        for template, said, order in TEMPLATES
        if said == rel
        and order == tuple(range(len(order)))
        and ("the {} house" in template) == positional
    )


def puzzle_text(puzzle: Zebra) -> str:
    """A puzzle in ZebraLogic's words (its opening, characteristic lines, numbered clues), which
    `parse_puzzle` reads back; a person is named as the project's English names them."""
    from puzzlemdm.puzzles.zebra.english import ref_phrases

    n = puzzle.houses
    if n > len(ORDINALS):
        raise ValueError(f"ZebraLogic's text names houses up to the {ORDINALS[-1]}")
    lines = [
        f"There are {n} houses, numbered 1 to {n} from left to right, as seen from across the "
        "street. Each house is occupied by a different person. Each house has a unique "
        "attribute for each of the following characteristics:"
    ]
    lines += [
        f" - Each person has a unique {name}: " + ", ".join(f"`{v}`" for v in values)
        for name, values in zip(puzzle.attributes, puzzle.values, strict=True)
    ]
    lines += ["", "## Clues:"]
    for clue in puzzle.clues:
        if any(len(alternatives) != 1 for alternatives in clue.args):
            raise ValueError(f"clue {clue.id} names alternatives, which ZebraLogic's text cannot")
        refs = [alternatives[0] for alternatives in clue.args]
        positional = refs[-1].attribute == POSITION
        said = [
            ORDINALS[ref.value] if ref.attribute == POSITION else ref_phrases(puzzle, ref)[0]
            for ref in refs
        ]
        sentence = _written(clue.rel, positional).format(*said)
        lines.append(f"{clue.id}. {sentence[0].upper()}{sentence[1:]}.")
    for attribute, house in puzzle.asked_values:
        lines += [
            "",
            f"What is {puzzle.attributes[attribute]} of the person who lives in House {house + 1}?",
        ]
    return "\n".join(lines) + "\n"


def dataset_line(record: PuzzleRecord) -> str:
    """A record as a line of ZebraLogic's dataset: `id`, `size`, `puzzle` (its text) and the
    `solution` as `{"header": ["House", ...], "rows": [...]}` (JSON, one line)."""
    puzzle, grid = record.puzzle, record.solution
    line: dict[str, Any] = {
        "id": record.id,
        "size": f"{puzzle.houses}*{len(puzzle.attributes)}",
        "puzzle": puzzle_text(puzzle),
    }
    if grid is not None:
        line["solution"] = {
            "header": ["House", *puzzle.attributes],
            "rows": [
                [str(h + 1), *(puzzle.values[a][grid[a][h]] for a in range(len(grid)))]
                for h in range(puzzle.houses)
            ],
        }
    return json.dumps(line) + "\n"
