"""ZebraLogic's answers, as its prompt asks language models for them: `{"House 1": {"Name":
"Arnold", ...}, ...}`, alone, as a response's `solution`, or amid a raw response."""

from __future__ import annotations

import json
import re
from typing import Any

from puzzlemdm.puzzles.base import json_raw_decode
from puzzlemdm.puzzles.zebra.puzzle import Zebra
from puzzlemdm.puzzles.zebra.zebralogic import value_names
from puzzlemdm.puzzles.zebra.zebralogic_names import name_key, name_words

HOUSE_KEY = re.compile(r"^\s*house\s*(\d+)\s*$", re.IGNORECASE)


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
        values = value_names(puzzle.values[a])
        named = [c for c in columns if name_key(c) == name_key(name)]
        own = sorted(puzzle.values[a])
        by_values = [
            c
            for c, said in columns.items()
            if sorted(values.get(s.lower(), s) for s in said) == own
        ]
        by_words = [c for c in columns if name_words(c) <= name_words(name)]
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
    found, problem, at = None, None, text.find("{")
    while at != -1:
        try:
            obj, end = json_raw_decode(text, at)
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
