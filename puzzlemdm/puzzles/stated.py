"""The short answer a response states to a puzzle's question (a value, a house, a choice's
letter), as benchmarks ask language models for one: the `answer` of its last JSON object
(ZeroEval's `{"reasoning": ..., "answer": ...}`), else its last "Answer: ..." / "the answer is
..." line (BBEH's `ANSWER:`), else the whole response when it is one short line of no JSON.
Pure text; each kind says what the stated words name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

ANSWER_LINE = re.compile(r"\banswer\b\s*(?:is\b\s*:?|:|=)\s*(.+?)\s*$", re.IGNORECASE)
SHORT = 80  # characters: a response this short with no "answer" line is the answer itself
DECORATION = " \t*_`\"'.,;!"  # markdown emphasis, quotes and a closing stop around the words


def stated_answer(text: str) -> str | None:
    """The words a response gives as its answer, without decoration; None when it states none."""
    said = _json_answer(text)
    if said is None:
        lines = [line for line in text.splitlines() if line.strip()]
        stated = [m.group(1) for line in lines if (m := ANSWER_LINE.search(line))]
        if stated:
            said = stated[-1]
        elif len(lines) == 1 and len(lines[0].strip()) <= SHORT and lines[0].strip()[0] not in "{[":
            said = lines[0]  # a short line, but no JSON (a whole answer's, or one unreadable)
    said = None if said is None else said.strip(DECORATION)
    return said or None


def _json_answer(text: str) -> str | None:
    """The `answer` (any case of the key) of the last JSON object holding one, as text."""
    decoder = json.JSONDecoder()
    found, at = None, text.find("{")
    while at != -1:
        try:
            obj, _ = decoder.raw_decode(text, at)
        except json.JSONDecodeError:
            obj = None
        if isinstance(obj, dict):
            value = next((v for k, v in obj.items() if str(k).lower() == "answer"), None)
            if isinstance(value, str | int) and not isinstance(value, bool):
                found = str(value)
        at = text.find("{", at + 1)  # objects inside objects are looked at too
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
