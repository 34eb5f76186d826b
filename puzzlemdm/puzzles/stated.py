"""The short answer a response states to a puzzle's question (a value, a house, a choice's
letter), as benchmarks ask language models for one: the `answer` of a JSON object (ZeroEval's
`{"reasoning": ..., "answer": ...}`) or a line that opens with "Answer:" / "The answer is"
(BBEH's `ANSWER:`), whichever comes last, else the whole response when it is one short line
of no JSON. Pure text; each kind says what the stated words name. Never a guess at a wrong
answer's favour: words after the answer that take it back make it unclear, and `not_plain`
names the word (a negation, a hedge) that keeps a sentence from stating one.
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
# words after an answer that take it back ("Wait, that's wrong: ..."): the answer is unclear
REVISED = re.compile(
    r"\b(wait|wrong|mistake|actually|correct(?:ed|ion)|incorrect|instead|oops|reconsider|"
    r"revised?)\b",
    re.IGNORECASE,
)
# words that keep an answer from being plain: a negation, a hedge, another place than named
NOT_PLAIN = re.compile(
    r"\b(not|no|never|cannot|can't|isn't|doesn't|don't|nor|neither|except|or|either|maybe|"
    r"perhaps|possibly|probably|likely|unknown|unsure|guess|left|right|next|beside|besides|"
    r"neighbou?rs?|adjacent|between|near|from|before|after)\b|n't\b",
    re.IGNORECASE,
)


class UnclearAnswer(ValueError):
    """A response whose stated answer cannot be taken at its word (it is taken back after)."""


def stated_answer(text: str) -> str | None:
    """The words a response gives as its answer, without decoration; None when it states
    none; UnclearAnswer when words after the last statement take it back."""
    said = [*_json_answers(text), *_answer_lines(text)]
    if said:
        _, end, words = max(said)  # the last statement in the response
        check_not_taken_back(text, end)
    else:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        short = (
            len(lines) == 1
            and len(lines[0]) <= SHORT
            and lines[0][0] not in "{["
            and not ANSWER_LINE.match(lines[0])  # "Answer:" and nothing after it
        )
        words = lines[0] if short else ""
    return words.strip(DECORATION) or None


def check_not_taken_back(text: str, end: int) -> None:
    """UnclearAnswer when the words after an answer (ending at `end`) take it back ("Wait,
    that's wrong", "Corrected: ... instead")."""
    taken_back = REVISED.search(text, end)
    if taken_back:
        raise UnclearAnswer(
            f"the response takes its answer back after stating it ({taken_back.group()!r}): "
            "state the final answer last"
        )


def not_plain(words: str) -> str | None:
    """The word that keeps `words` from stating an answer plainly (a negation, a hedge, a
    place named relative to another: "not house 6", "beer or coffee", "left of house 6"), or
    None when they state it plainly."""
    match = NOT_PLAIN.search(words)
    return match.group() if match else None


def _answer_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, words) of each line that states an answer."""
    found, offset = [], 0
    for line in text.splitlines(keepends=True):
        match = ANSWER_LINE.match(line.rstrip("\r\n"))
        if match and match.group(1).strip(DECORATION):
            found.append((offset, offset + len(line), match.group(1)))
        offset += len(line)
    return found


def _json_answers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, value as text) of the `answer` (any case of the key) of each JSON object;
    an object's own answer, not one nested in it, unless it has none."""
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
            found.append((at, end, str(value)))
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
