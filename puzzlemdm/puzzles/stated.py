"""The short answer a response states to a puzzle's question (a value, a house, a choice's
letter), as benchmarks ask language models for one: the `answer` of a JSON object (ZeroEval's
`{"reasoning": ..., "answer": ...}`) or a line that opens with "Answer:" / "The answer is"
(BBEH's `ANSWER:`), whichever comes last, else the whole response when it is one short line
of no JSON. Pure text; each kind says what the stated words name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from puzzlemdm.puzzles.base import json_raw_decode

# a line that states the answer: it opens so, after markdown ("**Final answer:** snake")
ANSWER_LINE = re.compile(
    r"^[\s*#>_-]*(?:the\s+)?(?:final\s+)?answer\b[\s*_]*(?:is\b[\s*_]*:?|:|=)\s*(.*?)\s*$",
    re.IGNORECASE,
)
SHORT = 80  # characters: a response this short with no "answer" line is the answer itself
DECORATION = " \t*_`\"'.,;!"  # markdown emphasis, quotes and a closing stop around the words
# a note after the answer: "house 5 (the zebra owner: the Japanese)", "snake (E)"
NOTE = re.compile(r"^(.+?)\s*\([^()]*\)$")


def stated_answer(text: str) -> str | None:
    """The words a response gives as its answer, without decoration or a note in brackets;
    None when it states none."""
    said = [*_json_answers(text), *_answer_lines(text)]
    if said:
        words = max(said)[1]  # the last statement in the response
    else:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        short = (
            len(lines) == 1
            and len(lines[0]) <= SHORT
            and lines[0][0] not in "{["
            and not ANSWER_LINE.match(lines[0])  # "Answer:" and nothing after it
        )
        words = lines[0] if short else ""
    words = words.strip(DECORATION)
    note = NOTE.match(words)
    return (note.group(1) if note else words).strip(DECORATION) or None


def _answer_lines(text: str) -> list[tuple[int, str]]:
    """(offset, words) of each line that states an answer."""
    found, offset = [], 0
    for line in text.splitlines(keepends=True):
        match = ANSWER_LINE.match(line.rstrip("\r\n"))
        if match and match.group(1).strip(DECORATION):
            found.append((offset, match.group(1)))
        offset += len(line)
    return found


def _json_answers(text: str) -> list[tuple[int, str]]:
    """(offset, value as text) of the `answer` (any case of the key) of each JSON object; an
    object's own answer, not one nested in it, unless it has none."""
    found, at = [], text.find("{")
    while at != -1:
        try:
            obj, end = json_raw_decode(text, at)
        except json.JSONDecodeError:
            obj, end = None, at + 1
        value = (
            next((v for k, v in obj.items() if str(k).lower() == "answer"), None)
            if isinstance(obj, dict)
            else None
        )
        if isinstance(value, str | int) and not isinstance(value, bool):
            found.append((at, str(value)))
        else:
            end = at + 1  # no answer of its own: look inside
        at = text.find("{", end)
    return found


def choice_letter(said: str, choices: Sequence[object]) -> int | None:
    """The index of the choice a capital letter names ("B", "(B)", "B)", or "B. cherry" when
    cherry is choice B), else None ("A cat" is no letter unless choice A is "cat")."""
    match = re.fullmatch(r"\(?([A-Z])[).:]?(?:\s+(.*))?", said.strip())
    if match is None:
        return None
    index, rest = ord(match.group(1)) - ord("A"), match.group(2)
    if index >= len(choices):
        return None
    if rest and rest.strip(DECORATION).lower() != str(choices[index]).lower():
        return None
    return index
