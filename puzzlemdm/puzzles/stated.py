"""The short answer a response states to a puzzle's question (a value, a house, a choice's
letter), as benchmarks ask language models for one: the `answer` of a JSON object (ZeroEval's
`{"reasoning": ..., "answer": ...}`) or a line that opens with "Answer:" / "The answer is"
(BBEH's `ANSWER:`), whichever comes last, else the whole response when it is one short line
of no JSON (a maths model's last `\\boxed{...}` too). Pure text; each kind says what the stated
words name, and judges only words that name one answer exactly: never a guess in a wrong
answer's favour. Words after the answer that take it back make it unclear.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from puzzlemdm.puzzles.base import json_raw_decode

# a line that states the answer: it opens so, after markdown ("**Final answer:** snake")
ANSWER_LINE = re.compile(
    r"^[\s*#>_-]*(?:the\s+)?(?:final\s+answer|final|answer)\b[\s*_]*(?:is\b[\s*_]*:?|:|=)"
    r"\s*(.*?)\s*$",
    re.IGNORECASE,
)
BOXED = re.compile(r"\\boxed\{([^{}]*)\}")  # LaTeX's \boxed{2}, as maths-tuned models answer
SHORT = 80  # characters: a response this short with no "answer" line is the answer itself
DECORATION = " \t*_`\"'.,;!$"  # markdown emphasis, quotes, a closing stop, TeX's $ around words
# words after an answer that take it back ("Wait, that's wrong: ..."): the answer is unclear
REVISED = re.compile(
    r"\b(wait|wrong|mistake|actually|correct(?:ed|ion)|incorrect|instead|oops|reconsider|"
    r"revised?|scratch|reflection|hold on|hmm+|nope|update[ds]?|however|second thought|draft|"
    r"earlier|previous|swap(?:ped)?|exchange[ds]?|ought)\b",
    re.IGNORECASE,
)


class UnclearAnswer(ValueError):
    """A response whose stated answer cannot be taken at its word (it is taken back after)."""


@dataclass(frozen=True)
class Statement:
    """The words a response states as its answer, and the text after them (for a kind to
    see whether it names another answer)."""

    words: str
    after: str


def stated_answer(text: str) -> str | None:
    """The words a response gives as its answer, without decoration; None when it states
    none; UnclearAnswer when words after the last statement take it back."""
    found = statement(text)
    return None if found is None else found.words


def statement(text: str) -> Statement | None:
    """The last statement of an answer in `text` (see the module doc), or None;
    UnclearAnswer when words after it take it back."""
    said = [*_json_answers(text), *_answer_lines(text), *_boxed(text)]
    if said:
        _, end, words = max(said)  # the last statement in the response
        check_not_taken_back(text, end)
        after = text[end:]
    else:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        short = (
            len(lines) == 1
            and len(lines[0]) <= SHORT
            and lines[0][0] not in "{["
            and not ANSWER_LINE.match(lines[0])  # "Answer:" and nothing after it
        )
        words, after = (lines[0] if short else ""), ""
    words = re.sub(r"[*`]+", "", words).strip(DECORATION)  # "**C** Carol": emphasis inside
    return Statement(words, after) if words else None


def check_not_taken_back(text: str, end: int) -> None:
    """UnclearAnswer when the words after an answer (ending at `end`) take it back ("Wait,
    that's wrong", "Scratch that", "my earlier draft")."""
    taken_back = REVISED.search(text, end)
    if taken_back:
        raise UnclearAnswer(
            f"the response takes its answer back after stating it ({taken_back.group()!r}): "
            "state the final answer last"
        )


def _answer_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, words) of each line that states an answer."""
    found, offset = [], 0
    for line in text.splitlines(keepends=True):
        match = ANSWER_LINE.match(line.rstrip("\r\n"))
        if match and match.group(1).strip(DECORATION):
            found.append((offset, offset + len(line), match.group(1)))
        offset += len(line)
    return found


def _boxed(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in BOXED.finditer(text)]


def _json_answers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, value as text) of each JSON object's own `answer` (any case of the key),
    a string or a number; an answer nested deeper is none (it may be a draft's)."""
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
