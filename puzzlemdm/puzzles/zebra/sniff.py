"""Is a file Zebra? JSONL of kind zebra or with BBEH's keys, or the plain-text format (text.py).

The text format's line shapes are defined here, next to the test that relies on them, and
text.py reads with the same ones, so that what the sniffer claims is what the reader reads.
"""

from __future__ import annotations

import re

from puzzlemdm.puzzles.base import first_json_object

BBEH_KEYS = frozenset({"categories", "values", "clues"})

# "colour: red, green, white": an attribute line. The name may not start like JSON, PDDL, a
# comment, a numbered clue or a solver's status line (a check mark), nor hold a comma (a CSV
# header is never an attribute line).
# What may stand before a clue: its number ("12.", "12)", "12:", "(12)", "Clue 12:"), else a
# bullet ("-", "*"); group 1 or 2 is the number.
_NUMBER = r"(?:clue\s*)?(?:\((\d+)\)|(\d+)\s*[.):])\s*|[-*\u2022]\s+"
NUMBER = re.compile(rf"^(?:{_NUMBER})", re.IGNORECASE)
_NUMBERED = _NUMBER.replace("(\\d+)", "\\d+")  # the same, capturing nothing
ATTRIBUTE_LINE = re.compile(
    rf"^(?!{_NUMBERED})([^\s:,#;{{}}\[\]()\"'\u2713\u2717][^:,{{}}\[\]\"]*?)\s*:\s*(.*)$",
    re.IGNORECASE,
)
# "Clues:", "Hints:" before the clues: skipped (an attribute with no values is refused instead)
HEADING = re.compile(
    r"^(?:the\s+)?(?:clues?|hints?|constraints|rules|facts|statements|questions?|attributes|"
    r"categories|houses|people|puzzle)\s*:$",
    re.IGNORECASE,
)
SEPARATOR = re.compile(r"^-{3,}$")  # "---" ends a puzzle
# ZebraLogic's opening line, or reasoning-gym's copy of its generator's (zebra/zebralogic.py
# reads their puzzles); group 1 counts the houses, group 2 or 3 numbers the last
HOUSES_LINE = re.compile(
    r"^\s*(?:question:\s*)?(?:this is a logic puzzle\.\s*)?there are (\d+) houses"
    r"(?:, numbered 1 to (\d+)\b| \(numbered 1 on the left, (\d+) on the right\))",
    re.IGNORECASE | re.MULTILINE,
)
# a clue (or the question): words, optionally numbered; what it says is text.py's business
_SENTENCE = re.compile(rf"^(?:{_NUMBERED})?[^\s{{}}\[\]()<>;]+\s+\S", re.IGNORECASE)


def sniff_text(text: str) -> bool:
    """Attribute lines with two or more values each, then an English sentence (first 4 KiB)."""
    rows = [r.strip() for r in text[:4096].splitlines()]
    rows = [r for r in rows if r and not r.startswith("#") and not HEADING.match(r)]
    count = 0
    while count < len(rows):
        match = ATTRIBUTE_LINE.match(rows[count])
        if match is None or "," not in match.group(2):
            break
        count += 1
    if count == 0:
        return False
    if count == len(rows):  # a header longer than the head, or no clues yet: still zebra text
        return count >= 2
    return bool(_SENTENCE.match(rows[count]))


def zebralogic_text(text: str) -> bool:
    """Whether a text holds ZebraLogic's opening line (in its first 4 KiB)."""
    return HOUSES_LINE.search(text[:4096]) is not None


def sniff(text: str, source: str) -> bool:
    """A JSONL file whose first object says kind zebra, has BBEH's zebra structure or
    ZebraLogic's puzzle text, or the plain-text format: attribute lines (`colour: red, green,
    white`) then English clues, or ZebraLogic's text."""
    obj = first_json_object(text)
    if obj is not None:
        puzzle = obj.get("puzzle")
        zebralogic = isinstance(puzzle, str) and zebralogic_text(puzzle)
        return obj.get("kind") == "zebra" or obj.keys() >= BBEH_KEYS or zebralogic
    return sniff_text(text) or zebralogic_text(text)
