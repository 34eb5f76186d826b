"""Zebra JSON: the project's JSONL lines and BBEH's structured lines, both ways, with clear errors.

Project line: `{"id", "kind": "zebra", "level", "puzzle": {"attributes": {name: [values...]},
"clues": [{"id", "rel", "args"}], "question"? (the arg whose house is asked), or "questions"
(several)}, "solution": {name: [value of house 1, ...]},
"meta"}`. An arg is `[attribute, value]`, `["position", k]` (house k, 1-based) or
`["ambiguous", [[attribute, value], ...]]` (BBEH's phrases that fit several attributes).
BBEH line (sijial430/bbeh, structured): `categories`, `values`, `clues` in the same arg syntax,
`question_entity` and `target` (1-based house of the asked person), read as they are.
Plain text (attribute lines, then English clues) is zebra/text.py's; `parse_any` reads either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from puzzlemdm.puzzles.base import PuzzleRecord, read_json_lines
from puzzlemdm.puzzles.zebra import zebralogic
from puzzlemdm.puzzles.zebra.puzzle import POSITION, RELATIONS, Clue, Grid, Ref, Zebra
from puzzlemdm.puzzles.zebra.sniff import BBEH_KEYS, zebralogic_text
from puzzlemdm.puzzles.zebra.text import parse_text


class ZebraFormatError(ValueError):
    """A format problem inside one line (turned into a PuzzleError with source and line)."""


def _ref(arg: Any, index: dict[str, dict[str, int]], houses: int) -> tuple[Ref, ...]:
    if not isinstance(arg, list) or len(arg) != 2:
        raise ZebraFormatError(f"clue arg {arg!r} must be [attribute, value]")
    name, value = arg
    if name == "position":
        if not isinstance(value, int) or not 1 <= value <= houses:
            raise ZebraFormatError(f"position {value!r} must be an integer in 1..{houses}")
        return (Ref(POSITION, value - 1),)
    if name == "ambiguous":
        if not isinstance(value, list) or not value:
            raise ZebraFormatError(
                "an ambiguous arg needs a list of [attribute, value] alternatives"
            )
        return tuple(r for alt in value for r in _ref(alt, index, houses))
    if name not in index:
        raise ZebraFormatError(f"unknown attribute {name!r} (known: {', '.join(index)})")
    if value not in index[name]:
        raise ZebraFormatError(f"unknown value {value!r} of attribute {name!r}")
    return (Ref(list(index).index(name), index[name][value]),)


def _clue(obj: Any, index: dict[str, dict[str, int]], houses: int, number: int) -> Clue:
    if not isinstance(obj, dict) or "rel" not in obj or "args" not in obj:
        raise ZebraFormatError(f"clue {number} must be an object with 'rel' and 'args'")
    rel = obj["rel"]
    if rel not in RELATIONS:
        raise ZebraFormatError(
            f"clue {number}: unknown relation {rel!r} (known: {', '.join(RELATIONS)})"
        )
    args = obj["args"]
    if not isinstance(args, list) or len(args) != RELATIONS[rel]:
        raise ZebraFormatError(f"clue {number}: {rel} takes {RELATIONS[rel]} args")
    return Clue(int(obj.get("id", number)), rel, tuple(_ref(a, index, houses) for a in args))


def puzzle_from_json(
    attributes: dict[str, list[str]],
    clues: list[Any],
    questions: Sequence[Any] = (),
    asked_values: Sequence[Any] = (),
) -> Zebra:
    """A Zebra from attribute -> values, clue objects, the args its questions ask and the
    `[attribute, house]` whose values it asks."""
    if not isinstance(attributes, dict) or not attributes:
        raise ZebraFormatError("'attributes' must map each attribute to its list of values")
    sizes = {len(v) for v in attributes.values() if isinstance(v, list)}
    if len(sizes) != 1 or not all(isinstance(v, list) for v in attributes.values()):
        raise ZebraFormatError(
            "every attribute needs a list of values, all of the same length (houses)"
        )
    (houses,) = sizes
    if "position" in attributes:
        raise ZebraFormatError("'position' is reserved for house numbers")
    index = {}
    for name, vals in attributes.items():
        if not all(isinstance(v, str) and v.strip() for v in vals):
            raise ZebraFormatError(
                f'attribute {name!r}: values are names, written as strings ("42", not 42)'
            )
        if len(set(vals)) != len(vals):
            raise ZebraFormatError(f"attribute {name!r} repeats a value")
        index[name] = {v: i for i, v in enumerate(vals)}
    if not isinstance(clues, list):
        raise ZebraFormatError("'clues' must be a list")
    parsed = tuple(_clue(c, index, houses, i + 1) for i, c in enumerate(clues))
    if not isinstance(questions, list | tuple):
        raise ZebraFormatError("'questions' must be a list of the people asked about")
    asked = tuple(_ref(q, index, houses) for q in questions)
    return Zebra(
        tuple(attributes),
        tuple(tuple(v) for v in attributes.values()),
        parsed,
        asked,
        _asked_values(asked_values, list(attributes), houses),
    )


def _asked_values(asked: Any, names: list[str], houses: int) -> tuple[tuple[int, int], ...]:
    """`[[attribute, house (1-based)], ...]` as (attribute index, house index) pairs."""
    if not isinstance(asked, list | tuple):
        raise ZebraFormatError("'asked_values' must be a list of [attribute, house]")
    pairs = []
    lowered = [name.lower() for name in names]  # as the text format reads them, in any case
    for item in asked:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or str(item[0]).lower() not in lowered
            or type(item[1]) is not int
            or not 1 <= item[1] <= houses
        ):
            raise ZebraFormatError(
                f"an asked value {item!r} must be [attribute, house in 1..{houses}]"
            )
        pairs.append((lowered.index(str(item[0]).lower()), item[1] - 1))
    return tuple(pairs)


def _asked(obj: dict[str, Any], one: str) -> list[Any]:
    """The args of an object's questions: `one` names a lone question, "questions" several."""
    if one in obj and obj[one] is not None:
        return [obj[one]]
    return obj.get("questions", [])


HOUSE_LINE = re.compile(r"^\s*house\s+(\d+)\s*:\s*(.+)$", re.IGNORECASE)


TABLE_BAR = "\u2502"  # │, between the cells of a row of the table `solve` prints


def answer_from_printout(puzzle: Zebra, text: str) -> dict[str, list[str]] | None:
    """An answer as `solve` prints it, as `{attribute: [value of house 1, ...]}` (values in
    any case): its table (a row an attribute) or, for wide puzzles, one line a house ("house
    1: Norwegian, yellow, ..."); None when the text holds neither."""
    rows = [line.strip().strip(TABLE_BAR).split(TABLE_BAR) for line in text.splitlines()]
    table = {cells[0].strip(): [c.strip() for c in cells[1:]] for cells in rows if len(cells) > 1}
    if table:
        return {
            name: [_named(puzzle, a, v) for v in table.get(name, [])]
            for a, name in enumerate(puzzle.attributes)
        }
    return _answer_from_house_lines(puzzle, text)


def _named(puzzle: Zebra, attribute: int, said: str) -> str:
    """A value as the puzzle spells it, when `said` differs only in case."""
    return {v.lower(): v for v in puzzle.values[attribute]}.get(said.lower(), said)


def _answer_from_house_lines(puzzle: Zebra, text: str) -> dict[str, list[str]] | None:
    """One line a house ("house 1: Norwegian, yellow, ..."): every house 1..n once, each
    with a value of every attribute; None when the text holds no such line."""
    houses: dict[int, list[str]] = {}
    for line in _unwrapped(text.splitlines()):
        match = HOUSE_LINE.match(line)
        if match:
            house = int(match.group(1))
            if house in houses:
                raise ZebraFormatError(f"house {house} is given twice")
            houses[house] = [v.strip() for v in match.group(2).split(",")]
    if not houses:
        return None
    if sorted(houses) != list(range(1, puzzle.houses + 1)):
        raise ZebraFormatError(f"the answer must give houses 1 to {puzzle.houses}, each once")
    answer: dict[str, list[str]] = {name: [] for name in puzzle.attributes}
    for house, said in sorted(houses.items()):
        if len(said) != len(puzzle.attributes):
            raise ZebraFormatError(
                f"house {house} has {len(said)} values; each house has one of each of the "
                f"{len(puzzle.attributes)} attributes, in their order"
            )
        for a, value in enumerate(said):
            answer[puzzle.attributes[a]].append(_named(puzzle, a, value))
    return answer


def _unwrapped(lines: list[str]) -> list[str]:
    """Lines with the indented continuations `solve` wraps long house lines into joined back."""
    joined: list[str] = []
    for line in lines:
        if joined and line.startswith(" ") and line.strip() and HOUSE_LINE.match(joined[-1]):
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    return joined


def grid_from_json(puzzle: Zebra, obj: Any) -> Grid:
    """`{attribute: [value of house 1, ...]}` -> grid."""
    if not isinstance(obj, dict) or set(obj) != set(puzzle.attributes):
        raise ZebraFormatError("solution must map every attribute to its values by house")
    grid = []
    for a, name in enumerate(puzzle.attributes):
        row = obj[name]
        if not isinstance(row, list) or sorted(row) != sorted(puzzle.values[a]):
            unknown = (
                [v for v in dict.fromkeys(row) if v not in puzzle.values[a]]
                if isinstance(row, list)
                else []
            )
            said = f" ({', '.join(map(repr, unknown))} is none of them)" if unknown else ""
            raise ZebraFormatError(f"solution for {name!r} must list each of its values once{said}")
        grid.append(tuple(puzzle.values[a].index(v) for v in row))
    return tuple(grid)


def _arg_json(puzzle: Zebra, alts: tuple[Ref, ...]) -> list[Any]:
    def one(r: Ref) -> list[Any]:
        if r.attribute == POSITION:
            return ["position", r.value + 1]
        return [puzzle.attributes[r.attribute], puzzle.values[r.attribute][r.value]]

    return one(alts[0]) if len(alts) == 1 else ["ambiguous", [one(r) for r in alts]]


def puzzle_to_json(puzzle: Zebra) -> dict[str, Any]:
    """The `puzzle` object of a project line."""
    out: dict[str, Any] = {
        "attributes": {n: list(v) for n, v in zip(puzzle.attributes, puzzle.values, strict=True)},
        "clues": [
            {"id": c.id, "rel": c.rel, "args": [_arg_json(puzzle, a) for a in c.args]}
            for c in puzzle.clues
        ],
    }
    asked = [_arg_json(puzzle, q) for q in puzzle.questions]
    if len(asked) == 1:  # one question keeps the key it has always had
        out["question"] = asked[0]
    elif asked:
        out["questions"] = asked
    if puzzle.asked_values:
        out["asked_values"] = [[puzzle.attributes[a], h + 1] for a, h in puzzle.asked_values]
    return out


def grid_to_json(puzzle: Zebra, grid: Grid | None) -> dict[str, list[str]] | None:
    """`{attribute: [value of house 1, ...]}` (None stays None)."""
    if grid is None:
        return None
    return {
        name: [puzzle.values[a][v] for v in grid[a]] for a, name in enumerate(puzzle.attributes)
    }


def _record(obj: dict[str, Any]) -> PuzzleRecord:
    if isinstance(obj.get("puzzle"), str) and zebralogic_text(obj["puzzle"]):
        return zebralogic.record(obj)
    if obj.keys() >= BBEH_KEYS:
        values, categories = obj["values"], obj["categories"]
        if not isinstance(values, dict) or not isinstance(categories, list):
            raise ZebraFormatError(
                "a BBEH line's 'categories' is a list of names and its 'values' maps each to "
                "its values"
            )
        if not all(isinstance(c, str) for c in categories):
            raise ZebraFormatError("a BBEH line's 'categories' must be names (strings)")
        twice = sorted({c for c in categories if categories.count(c) > 1})
        if twice:
            raise ZebraFormatError(f"a BBEH line's 'categories' name {', '.join(twice)} twice")
        attributes = {c: values.get(c) for c in categories}
        puzzle = puzzle_from_json(attributes, obj["clues"], _asked(obj, "question_entity"))
        meta = {k: obj[k] for k in ("idx", "has_ambiguous_phrase") if k in obj}
        if "target" in obj:
            meta["target"] = int(obj["target"])
        meta["format"] = "bbeh"
        return PuzzleRecord(puzzle, None, f"bbeh-zebra-{obj.get('idx', '')}", None, meta)
    body = obj.get("puzzle", obj)
    if not isinstance(body, dict) or "attributes" not in body or "clues" not in body:
        raise ZebraFormatError(
            "expected a 'puzzle' object with 'attributes' and 'clues' (or a BBEH line)"
        )
    puzzle = puzzle_from_json(
        body["attributes"],
        body["clues"],
        _asked(body, "question"),
        body.get("asked_values", ()),
    )
    solution = obj.get("solution")
    grid = grid_from_json(puzzle, solution) if solution is not None else None
    meta = obj.get("meta") or {}
    return PuzzleRecord(puzzle, grid, str(obj.get("id", "")), obj.get("level"), dict(meta))


def parse_lines(text: str, source: str = "<text>") -> list[PuzzleRecord]:
    """Every JSON line of a zebra file; errors name the source and line."""
    return read_json_lines(text, source, "zebra", _record, (ZebraFormatError,))


def parse_any(text: str, source: str = "<text>") -> list[PuzzleRecord]:
    """JSON lines when the first line that is not blank or a comment is an object, else text."""
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()[:1] not in ("", "#")), "")
    if first.removeprefix("\ufeff").startswith("{"):
        return parse_lines(text, source)
    if zebralogic_text(text):
        return zebralogic.parse_text(text, source)
    return parse_text(text, source)
