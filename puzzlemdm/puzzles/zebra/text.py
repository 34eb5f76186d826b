"""Zebra puzzles as plain text that people type or paste: attribute lines, then English clues.

    # Lines starting with '#' are comments; blank lines are ignored.
    nationality: Brit, Swede, Dane
    colour: red, green, white
    pet: dog, bird, cat

    1. The Brit lives in the red house.
    2. The green house is directly to the left of the white house.
    3. The Swede lives next to the dog owner.
    4. The person in house 3 does not own the bird.
    ---
    (the next puzzle, if any)

Attribute lines `name: value, value, ...` come first; each attribute has one value per house, so
the number of values is the number of houses (numbered from 1 on the left); a classic
attribute under another name or case ("Color", "Pets", "Drinks": english.ATTRIBUTE_SYNONYMS)
keeps it: BANK's phrases write and read it ("the red house"), and so does its own name ("the
person whose Color is red"). Then one clue per
line, optionally numbered `1.` or `1)` (an unnumbered clue takes the next number), in the
sentences english.py writes; its tables are the grammar read here, so the two cannot drift:

- `<person> <predicate>`: "The Brit lives in the red house.", "The Dane does not own the cat.",
  "The Swede lives in house 2.", "The dog owner is not the person whose car is Honda."
- `<person> is <person>` / `<person> is not <person>` (when the second has alternatives)
- `<person> lives next to | does not live next to | lives directly to the left of | lives
  somewhere to the left of <person>`
- `<person> lives somewhere between <person> and <person>, in that order.`
- `<person> lives in the first or the last house.`
- `The green house is next to | not next to | directly to the left of | somewhere to the left
  of the white house.` (and "somewhere between ... and ..., in that order")

A person is one of the attribute's noun phrases in english.BANK ("the Brit", "the person in the
red house", "the dog owner", "the tea drinker", "the Blend smoker", "the chess player", "Alice"),
"the person in house 3", or, for an attribute outside BANK, "the person whose <attribute> is
<value>"; "<person> or <person>" when a clue allows either (BBEH's ambiguous phrases). The
classic puzzle's own words are read too (zebra/classic.py: "Coffee is drunk in the green house.",
"The man who smokes Chesterfields lives in the house next to the man with the fox.", "the
middle house", "immediately to the right of"), and a line "There are five houses." is checked
against the attribute lines. A line ending in '?', "Which house does <person> live in?" (BBEH)
or "Who owns the zebra?", records whose house is asked; one line may ask several. A line
`---` ends a puzzle. A sentence's first letter may take either case; runs of spaces and a
missing full stop are forgiven. format_text writes this format and parse_text reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from puzzlemdm.puzzles.base import PuzzleError, PuzzleRecord
from puzzlemdm.puzzles.zebra.classic import (
    CONTRACTIONS,
    COUNT_LINE,
    COUNT_WORDS,
    HOUSE_OF,
    LIVING,
    MIDDLE,
    MORE_NOUNS,
    MORE_ORDER_PHRASES,
    MORE_PERSON_PHRASES,
    MORE_PREDICATES,
    NEIGHBOUR_PHRASES,
    ORDINALS,
    PASSIVE,
    PASSIVE_FORMS,
    PERSON_WORDS,
    QUESTION_OPENERS,
    QUESTIONS,
    UNSAID_DISTANCE,
    WHO_NOUNS,
)
from puzzlemdm.puzzles.zebra.english import (
    HOUSE_NOUNS,
    NEGATED,
    OPEN,
    OR,
    ORDER_PHRASES,
    OTHER_NOUN,
    PERSON_PHRASES,
    VALUE_QUESTION,
    classic_attribute,
    clue_text,
    puzzle_text,
    ref_phrases,
)
from puzzlemdm.puzzles.zebra.puzzle import POSITION, RELATIONS, Clue, Ref, Zebra
from puzzlemdm.puzzles.zebra.sniff import ATTRIBUTE_LINE, HEADING, NUMBER, SEPARATOR

QUESTION = "Which house does {} live in?"  # the asked person (one of Zebra.questions)
SEPARATOR_LINE = "---"
QUESTION_BREAK = re.compile(r"(?<=\?)\s+")  # between the questions of one line


def _words(text: str) -> str:
    """Runs of whitespace as one space (typed text is forgiven its spacing)."""
    return " ".join(text.split())


Slot = Callable[[str], Any]  # a slot's reading of some text, or None when it reads none


def _without_open(body: str) -> str:
    """A sentence without the `OPEN` that marks its alternatives as left open."""
    mark = OPEN.strip().lower()
    trimmed = body.rstrip().rstrip(".").rstrip()
    if not trimmed.lower().endswith(mark):
        return body
    return trimmed[: len(trimmed) - len(mark)].rstrip() + "."


def fill(text: str, template: str, slots: Sequence[Slot]) -> list[Any] | None:
    """What each "{}" of `template` reads (by `slots`) when `text` is the template filled in, or
    None. Every split of `text` at the template's words is tried, so a value holding those
    words ("Dolce and Gabbana" in "... between {} and {}") cannot mislead it."""
    parts = template.split("{}")
    if not text.startswith(parts[0]):
        return None
    return _fill_from(text[len(parts[0]) :], parts[1:], slots)


def _fill_from(rest: str, parts: list[str], slots: Sequence[Slot]) -> list[Any] | None:
    # `rest` is a slot, then parts[0], the next slot, parts[1], ..., ending with parts[-1]
    if len(parts) == 1:
        if not rest.endswith(parts[0]):
            return None
        value = slots[0](rest[: len(rest) - len(parts[0])])
        return None if value is None else [value]
    start = 1  # a slot is never empty
    while (at := rest.find(parts[0], start)) != -1:
        value = slots[0](rest[:at])
        if value is not None:
            more = _fill_from(rest[at + len(parts[0]) :], parts[1:], slots[1:])
            if more is not None:
                return [value, *more]
        start = at + 1
    return None


class _Grammar:
    """Every sentence english.py can write about one puzzle's people, read back."""

    def __init__(self, puzzle: Zebra) -> None:
        self.puzzle = puzzle
        self.nouns: dict[str, Ref] = {}
        self.predicates: dict[str, tuple[str, Ref]] = {}
        self.houses: dict[str, Ref] = {}
        self.things: dict[str, Ref] = {}  # classic.PASSIVE: "coffee is drunk"
        self.extras: dict[str, dict[str, Ref | None]] = {}  # classic.py's words, gathered
        self.clashes: list[str] = []
        refs = [Ref(POSITION, h) for h in range(puzzle.houses)]
        refs += [Ref(a, v) for a, vals in enumerate(puzzle.values) for v in range(len(vals))]
        for ref in refs:
            phrases = [ref_phrases(puzzle, ref)]
            name = puzzle.attributes[ref.attribute] if ref.attribute != POSITION else ""
            classic = classic_attribute(name) if name else None
            value = puzzle.values[ref.attribute][ref.value] if name else ""
            if classic is not None and classic != name:  # "Color": written as "colour" is,
                noun = OTHER_NOUN.format(name, value)  # and read in its own name too
                phrases.append((noun, f"is {noun}", f"is not {noun}"))
            for noun, pred, neg in phrases:
                self._add(self.nouns, noun, ref)
                self._add(self.predicates, pred, ("same", ref))
                self._add(self.predicates, neg, ("not_same", ref))
            if classic in HOUSE_NOUNS:
                self._add(self.houses, HOUSE_NOUNS[classic].format(value), ref)
            self._classic_words(ref, phrases, classic, value)
        self._merge_classic_words()
        # (template, relation, what each "{}" is); english.py's own tables, in its words
        people = self.people

        def house(text: str) -> tuple[Ref] | None:  # `text` is lowered, as the tables are
            return (self.houses[text],) if text in self.houses else None

        def same(n: int) -> tuple[int, ...]:
            return tuple(range(n))

        # (template, relation, what each "{}" is, which "{}" is each of the relation's args)
        self.forms: list[tuple[str, str, list[Slot], tuple[int, ...]]] = [
            (template.lower(), rel, [people] * RELATIONS[rel], same(RELATIONS[rel]))
            for rel, template in PERSON_PHRASES.items()
        ]
        self.forms += [
            ("{} is " + phrase.lower(), rel, [house] * RELATIONS[rel], same(RELATIONS[rel]))
            for rel, phrase in ORDER_PHRASES.items()
        ]
        self.forms += [(t, rel, [people] * len(o), o) for t, rel, o in MORE_PERSON_PHRASES]
        self.forms += [(t, rel, [people, self._doer], (0, 1)) for t, rel in NEIGHBOUR_PHRASES]
        self.forms += [("{} is " + t, rel, [house] * len(o), o) for t, rel, o in MORE_ORDER_PHRASES]
        said = {"thing": self.thing, "place": self.place}  # the relation's args: thing, place
        self.forms += [
            (t, rel, [said[k] for k in kinds], (kinds.index("thing"), kinds.index("place")))
            for t, rel, kinds in PASSIVE_FORMS
        ]

    def _add(self, table: dict[str, Any], phrase: str, meaning: object) -> None:
        # two people read alike ("the person whose a is b c" / "... whose a is b is c"): the
        # text could not tell them apart, so the puzzle is refused rather than misread
        # Sentences are read without case ("the brit lives ..." as "The Brit lives ..."): two
        # names that differ only in case cannot be told apart either.
        phrase = phrase.lower()
        if phrase in table and table[phrase] != meaning:
            self.clashes.append(phrase)
        table[phrase] = meaning

    def _classic_words(
        self, ref: Ref, phrases: list[tuple[str, str, str]], classic: str | None, value: str
    ) -> None:
        """classic.py's other words for `ref`, gathered apart: the puzzle's own phrases win."""
        nouns = [noun for noun, _, _ in phrases]
        predicates = [pred for _, pred, _ in phrases]
        if classic is not None:
            nouns += [n.format(value) for n in MORE_NOUNS.get(classic, ())]
            predicates += [p.format(value) for p in MORE_PREDICATES.get(classic, ())]
            for thing in PASSIVE.get(classic, ()):
                self._extra("things", thing.format(value), ref)
        if ref.attribute == POSITION:  # "the first house", "the middle house", "the last house"
            self._extra("houses", f"house {ref.value + 1}", ref)  # "Milk is drunk in house 3."
            for house in self._row_words(ref.value):
                self._extra("houses", house, ref)
                self._extra("not", f"does not live in {house}", ref)
                nouns.append(f"the person in {house}")
                predicates.append(f"lives in {house}")
        for pred in predicates:
            self._extra("predicates", pred, ref)
            nouns += [who.format(pred) for who in WHO_NOUNS]
            if pred.startswith("lives "):  # "the man living in the centre house"
                nouns += [living.format(pred.removeprefix("lives ")) for living in LIVING]
        for noun in nouns:
            self._extra("nouns", noun, ref)
            if noun.startswith("the person "):
                for word in PERSON_WORDS:
                    self._extra("nouns", word + noun.removeprefix("the person"), ref)

    def _row_words(self, house: int) -> list[str]:
        """A house's names by its place in the row ("the first house", "the middle house")."""
        count = self.puzzle.houses
        words = [ORDINALS[house]] if house < len(ORDINALS) else []
        words += ["last"] if house == count - 1 else []
        words += list(MIDDLE) if count % 2 == 1 and house == count // 2 else []
        houses = [f"the {word} house" for word in words]
        ends = {0: " on the left", count - 1: " on the right"}  # "the first house on the left"
        return houses + [h + ends[house] for h in houses if house in ends]

    def _extra(self, table: str, phrase: str, ref: Ref) -> None:
        # a phrase two people share names neither (None): an extra word never refuses a puzzle
        said = self.extras.setdefault(table, {})
        phrase = phrase.lower()
        said[phrase] = ref if said.get(phrase, ref) == ref else None

    def _merge_classic_words(self) -> None:
        """The gathered classic words into the grammar's tables, where they name one person and
        the puzzle's own phrases do not use them."""
        extras = self.extras
        meanings = {
            "nouns": (self.nouns, lambda ref: ref),
            "houses": (self.houses, lambda ref: ref),
            "things": (self.things, lambda ref: ref),
            "predicates": (self.predicates, lambda ref: ("same", ref)),
            "not": (self.predicates, lambda ref: ("not_same", ref)),
        }
        for name, (table, meaning) in meanings.items():
            for phrase, ref in extras.get(name, {}).items():
                if ref is not None and phrase not in table:
                    table[phrase] = meaning(ref)

    def thing(self, text: str) -> tuple[Ref] | None:
        """A value said of a house ("coffee is drunk", "the horse is kept"), or None."""
        return (self.things[text],) if text in self.things else None

    def place(self, text: str) -> tuple[Ref, ...] | None:
        """A house: by its colour or place ("the green house", "the middle house"), or by
        what is in it ("the house where the horse is kept", "the house of the Brit")."""
        if text in self.houses:
            return (self.houses[text],)
        where = fill(text, HOUSE_OF[0], [lambda t: self.thing(t) or self.people(_lives(t))])
        of = fill(text, HOUSE_OF[1], [self.people])
        said = where or of
        return self.people(text) if said is None else said[0]  # a person: where they live

    def _doer(self, text: str) -> tuple[Ref] | None:
        """The person a predicate names ("owns the zebra"), or None."""
        said = self.predicates.get(text)
        return (said[1],) if said is not None and said[0] == "same" else None

    def stated_count(self, body: str) -> int | None:
        """The count a line "There are five houses." states, or None for any other line."""
        for text in _variants(body.lower(), "."):
            said = fill(text, COUNT_LINE, [_count])
            if said is not None:
                return said[0]
        return None

    def people(self, text: str) -> tuple[Ref, ...] | None:
        """The alternatives "<noun> or <noun> ..." name, or None."""
        if text in self.nouns:
            return (self.nouns[text],)
        start = 1  # every split at " or " is tried: a noun may hold one ("the tea or coffee ...")
        while (at := text.find(OR, start)) != -1:
            first = self.nouns.get(text[:at])
            rest = None if first is None else self.people(text[at + len(OR) :])
            if first is not None and rest is not None:
                return (first, *rest)
            start = at + 1
        return None

    def clue(self, body: str, clue_id: int) -> Clue | None:
        """The clue a sentence (without number) says, or None when it is no known sentence."""
        body = _without_open(body).lower() + " "
        for short, long in CONTRACTIONS.items():  # "doesn't own" as "does not own"
            body = body.replace(short, long)
        for text in _variants(body.strip(), "."):
            said = fill(text, "{} {}", [self.people, self.predicates.get])
            if said is not None:  # "<person> <predicate>"
                x, (rel, ref) = said
                return Clue(clue_id, rel, (x, (ref,)))
            for template, rel, slots, order in self.forms:
                args = fill(text, template, slots)
                if args is not None:
                    return Clue(clue_id, rel, tuple(args[i] for i in order))
        return None

    def asked(self, body: str) -> tuple[Ref, ...] | None:
        """The person a question asks about, or None."""
        body = body.lower()
        for opener in QUESTION_OPENERS:  # "Now, who drinks water?"
            body = body.removeprefix(opener)
        for text in _variants(body, ""):
            said = fill(text, QUESTION.lower(), [self.people])
            for who in QUESTIONS:  # "Who owns the zebra?"
                said = said or fill(text, who, [self._doer])
            if said is not None:
                return said[0]
        return None

    def examples(self) -> str:
        """Two sentences in this puzzle's own words, for error messages."""
        first, last = Ref(0, 0), Ref(len(self.puzzle.attributes) - 1, self.puzzle.houses - 1)
        clues = [
            Clue(1, "same", ((first,), (Ref(POSITION, 0),))),
            Clue(2, "next_to", ((first,), (last,))),
        ]
        return " or ".join(repr(clue_text(self.puzzle, c)) for c in clues)


def _lives(text: str) -> str:
    """ "the Brit lives" as "the Brit" (of "the house where the Brit lives")."""
    return text.removesuffix(" lives") if text.endswith(" lives") else ""


def _count(text: str) -> int | None:
    """A count in digits or words ("5", "five"), or None."""
    if text.isdigit():
        return int(text)
    return COUNT_WORDS.index(text) + 1 if text in COUNT_WORDS else None


def _variants(body: str, stop: str) -> list[str]:
    """The sentence without its final `stop`, and with it (a value may end in ".")."""
    return [body[: -len(stop)], body] if stop and body.endswith(stop) else [body]


@dataclass
class _Block:
    """The lines of one puzzle, as (line number, stripped text)."""

    header: list[tuple[int, str]] = field(default_factory=list)
    clues: list[tuple[int, str]] = field(default_factory=list)
    questions: list[tuple[int, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.header or self.clues or self.questions)

    @property
    def first_line(self) -> int:
        return min(n for n, _ in self.header + self.clues + self.questions)


def _blocks(text: str) -> list[_Block]:
    """The file split at '---' lines into attribute lines, clue lines and questions."""
    blocks = [_Block()]
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = _words(raw)
        if not line or line.startswith("#"):
            continue
        block = blocks[-1]
        if SEPARATOR.match(line):
            blocks.append(_Block())
        elif HEADING.match(line):
            continue
        elif not block.clues and ATTRIBUTE_LINE.match(line):
            block.header.append((number, line))
        elif line.endswith("?"):
            block.questions.append((number, line))
        else:
            block.clues.append((number, line))
    return [b for b in blocks if not b.empty]


HOUSE_NUMBERS = ("house", "houses", "house number", "position")


def _numbers_the_houses(name: str, values: tuple[str, ...]) -> bool:
    """Whether an attribute line only numbers the houses ("house: 1, 2, 3"): read as an
    attribute, it would let any house hold any number, and the answer be one of many."""
    return name.lower() in HOUSE_NUMBERS and values == tuple(str(k + 1) for k in range(len(values)))


def _attributes(block: _Block, source: str) -> Zebra:
    """The attributes and values of a block's header (no clues yet)."""
    if not block.header:
        number, line = (block.clues + block.questions)[0]
        raise PuzzleError(
            f"expected attribute lines such as 'colour: red, green, white' before {line!r}",
            source=source,
            line=number,
        )
    names: list[str] = []
    values: list[tuple[str, ...]] = []
    for number, line in block.header:
        match = ATTRIBUTE_LINE.match(line)
        assert match is not None  # _blocks put only matching lines here
        name, listed = match.group(1), tuple(_words(v) for v in match.group(2).split(","))
        if _numbers_the_houses(name, listed):  # "house: 1, 2, 3, 4, 5" names no attribute
            continue
        problem = None
        if name == "position":
            problem = "'position' is reserved for house numbers; name the attribute otherwise"
        elif name in names:
            problem = f"attribute {name!r} is listed twice"
        elif not all(listed):
            problem = f"attribute {name!r} has an empty value: list them as 'a, b, c'"
        elif len(set(listed)) != len(listed):
            problem = f"attribute {name!r} repeats a value"
        elif values and len(listed) != len(values[0]):
            problem = (
                f"attribute {name!r} has {len(listed)} values but {names[0]!r} has "
                f"{len(values[0])}: every attribute needs one value per house"
            )
        if problem is not None:
            raise PuzzleError(problem, source=source, line=number)
        names.append(name)
        values.append(listed)
    if not names:
        raise PuzzleError(
            "the attribute lines only number the houses: list the attributes too, such as "
            "'colour: red, green, white'",
            source=source,
            line=block.header[0][0],
        )
    return Zebra(tuple(names), tuple(values), ())


def _puzzle(block: _Block, source: str) -> Zebra:
    """One block as a Zebra; unreadable sentences name their line."""
    bare = _attributes(block, source)
    grammar = _Grammar(bare)
    if grammar.clashes:
        raise PuzzleError(
            f"two people would read alike ({grammar.clashes[0]!r}); rename a value",
            source=source,
            line=block.header[0][0],
        )
    if not block.clues:
        raise PuzzleError(
            f"no clues after the attribute lines (expected sentences such as {grammar.examples()})",
            source=source,
            line=block.header[-1][0],
        )
    clues, next_id = [], 1
    for number, line in block.clues:
        numbered = NUMBER.match(line)
        said_id = numbered and (numbered.group(1) or numbered.group(2))
        clue_id = int(said_id) if said_id else next_id
        body = line[numbered.end() :] if numbered else line
        stated = grammar.stated_count(body)
        if stated is not None and stated != bare.houses:
            raise PuzzleError(
                f"{body!r}, but the attribute lines give {bare.houses} values each (one per house)",
                source=source,
                line=number,
            )
        if stated is not None:  # "There are five houses.": true, and no clue
            next_id = clue_id + 1
            continue
        clue = grammar.clue(body, clue_id)
        alternatives = clue is not None and any(len(a) > 1 for a in clue.args)
        marked = _without_open(body) != body
        if clue is not None and marked and not alternatives:  # a mark with nothing to leave open
            raise PuzzleError(
                f"the clue ends with '{OPEN.strip()}' but names no alternatives ('A or B')",
                source=source,
                line=number,
            )
        if alternatives and clue.rel in NEGATED and not marked:  # neither, or not one of them?
            raise PuzzleError(
                "'not A or B' may mean neither or not one of them: for neither give a clue "
                f"each; for one left open end with '{OPEN.strip()}'",
                source=source,
                line=number,
            )
        if clue is None and ATTRIBUTE_LINE.match(line):
            raise PuzzleError(
                f"attribute line {line!r} after the clues: attribute lines come first, and a "
                "line '---' ends one puzzle before the next",
                source=source,
                line=number,
            )
        middle = any(f"the {word} house" in body.lower() for word in MIDDLE)
        if clue is None and middle and bare.houses % 2 == 0:
            raise PuzzleError(
                f"cannot read the clue {body!r}: {bare.houses} houses have no middle one",
                source=source,
                line=number,
            )
        unsaid = re.search(UNSAID_DISTANCE, body, re.IGNORECASE) if clue is None else None
        if unsaid is not None:
            said = unsaid.group(0).lower()
            raise PuzzleError(
                f"cannot read the clue {body!r}: {said!r} may mean next to or anywhere beyond; "
                f"write 'directly {said.replace('on the', 'to the')}' or 'somewhere "
                f"{said.replace('on the', 'to the')}'",
                source=source,
                line=number,
            )
        if clue is None:
            raise PuzzleError(
                f"cannot read the clue {body!r}: expected a sentence such as "
                f"{grammar.examples()} (forms: puzzlemdm/puzzles/zebra/text.py)",
                source=source,
                line=number,
            )
        clues.append(clue)
        next_id = clue_id + 1
    questions, asked_values = [], []
    for number, line in block.questions:
        for text in QUESTION_BREAK.split(line):  # "Who drinks water? Who owns the zebra?"
            numbered = NUMBER.match(text)  # "16. Who owns the zebra?"
            text = text[numbered.end() :] if numbered else text
            value = fill(  # "What is (the) drink of the person who lives in house 2?"
                text.lower().replace("what is the ", "what is ", 1),
                VALUE_QUESTION.lower(),
                [_attribute_of(bare), _count],
            )
            if value is not None:
                if not 1 <= value[1] <= bare.houses:
                    raise PuzzleError(
                        f"the question asks of house {value[1]}; there are {bare.houses}",
                        source=source,
                        line=number,
                    )
                asked_values.append((value[0], value[1] - 1))
                continue
            asked = grammar.asked(text)
            if asked is None:
                last = Ref(len(bare.attributes) - 1, bare.houses - 1)
                examples = (
                    QUESTION.format(ref_phrases(bare, Ref(0, 0))[0]),
                    f"Who {ref_phrases(bare, last)[1]}?",
                )
                raise PuzzleError(
                    f"cannot read the question {text!r}: expected one such as "
                    f"{examples[0]!r} or {examples[1]!r}",
                    source=source,
                    line=number,
                )
            questions.append(asked)
    return Zebra(bare.attributes, bare.values, tuple(clues), tuple(questions), tuple(asked_values))


def _attribute_of(puzzle: Zebra) -> Slot:
    """Reads an attribute's name (in any case) as its index, or None."""
    names = [name.lower() for name in puzzle.attributes]
    return lambda text: names.index(text) if text in names else None


def parse_text(text: str, source: str = "<text>") -> list[PuzzleRecord]:
    """Every puzzle of a zebra text file (no solutions); errors name the source and line."""
    records = []
    for block in _blocks(text):
        puzzle = _puzzle(block, source)
        meta = {"format": "text"}
        records.append(PuzzleRecord(puzzle, None, "", None, meta, source, block.first_line))
    if not records:
        raise PuzzleError(
            "no zebra puzzle found (expected attribute lines such as 'colour: red, green, "
            "white', then one English clue per line)",
            source=source,
        )
    return records


def _writable(puzzle: Zebra) -> None:
    """Refuse names the format cannot hold (a comma in a value, a colon in a name...)."""
    for name, vals in zip(puzzle.attributes, puzzle.values, strict=True):
        line = f"{name}: {', '.join(vals)}"
        match = ATTRIBUTE_LINE.match(line)
        if match is None or match.group(1) != name or _words(name) != name or name == "position":
            raise ValueError(f"attribute name {name!r} cannot be written as text")
        for value in vals:
            if "," in value or not value or _words(value) != value:
                raise ValueError(f"value {value!r} of {name!r} cannot be written as text")


def format_text(puzzle: Zebra) -> str:
    """The puzzle in the text format (parse_text reads it back): attributes, numbered clues."""
    _writable(puzzle)
    lines = [f"{n}: {', '.join(v)}" for n, v in zip(puzzle.attributes, puzzle.values, strict=True)]
    lines += ["", *puzzle_text(puzzle)]
    for asked in puzzle.questions:
        lines.append(QUESTION.format(OR.join(ref_phrases(puzzle, r)[0] for r in asked)))
    for attribute, house in puzzle.asked_values:
        lines.append(VALUE_QUESTION.format(puzzle.attributes[attribute], house + 1))
    return "\n".join(lines) + "\n"


def format_texts(puzzles: Iterable[Zebra]) -> str:
    """Several puzzles in one text, separated by '---' lines."""
    return f"{SEPARATOR_LINE}\n".join(format_text(p) for p in puzzles)
