"""English for zebra clues: "The Brit lives in the red house."

Each generator attribute has three phrases: a noun ("the Brit", "the dog owner"), a predicate
("is the Brit", "owns the dog") and its negation. Attributes from elsewhere (BBEH categories)
fall back to "the person whose <attribute> is <value>". An ordering clue that names people
only by their house colour speaks of the houses themselves: "The green house is directly to the
left of the white house." (not "The person in the green house lives directly to the left of the
person in the white house.").
"""

from __future__ import annotations

from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Ref, Zebra

# attribute -> (values, noun, predicate, negated predicate); "{}" is the value
BANK: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "nationality": (
        ("Brit", "Swede", "Dane", "Norwegian", "German", "Japanese", "Spaniard", "Italian"),
        "the {}",
        "is the {}",
        "is not the {}",
    ),
    "colour": (
        ("red", "green", "white", "yellow", "blue", "ivory", "orange", "purple"),
        "the person in the {} house",
        "lives in the {} house",
        "does not live in the {} house",
    ),
    "pet": (
        ("dog", "bird", "cat", "horse", "fish", "zebra", "snail", "fox"),
        "the {} owner",
        "owns the {}",
        "does not own the {}",
    ),
    "drink": (
        ("tea", "coffee", "milk", "beer", "water", "juice", "cocoa", "lemonade"),
        "the {} drinker",
        "drinks {}",
        "does not drink {}",
    ),
    "smoke": (
        ("Pall Mall", "Dunhill", "Blend", "Blue Master", "Prince", "Marlboro", "Camel", "Winfield"),
        "the {} smoker",
        "smokes {}",
        "does not smoke {}",
    ),
    "sport": (
        ("football", "tennis", "chess", "golf", "hockey", "rugby", "cricket", "polo"),
        "the {} player",
        "plays {}",
        "does not play {}",
    ),
    "name": (
        ("Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi"),
        "{}",
        "is {}",
        "is not {}",
    ),
}

# other names people give BANK's attributes in a puzzle's header ("Color: red, ..."): text.py
# reads BANK's phrases ("the person in the red house") for them too
ATTRIBUTE_SYNONYMS: dict[str, str] = {
    "color": "colour",
    "colors": "colour",
    "colours": "colour",
    "house colour": "colour",
    "house color": "colour",
    "nation": "nationality",
    "nationalities": "nationality",
    "pets": "pet",
    "animal": "pet",
    "drinks": "drink",
    "beverage": "drink",
    "smokes": "smoke",
    "cigarette": "smoke",
    "cigarettes": "smoke",
    "cigarette brand": "smoke",
    "cigarette brands": "smoke",
    "tobacco": "smoke",
    "cigar": "smoke",
    "animals": "pet",
    "beverages": "drink",
    "sports": "sport",
    "names": "name",
}

# attributes whose values name the house itself: "the {} house"
HOUSE_NOUNS: dict[str, str] = {"colour": "the {} house"}
# ordering relations -> what "the <first> house is", the other houses filling the braces
ORDER_PHRASES: dict[str, str] = {
    "left_of": "somewhere to the left of {}",
    "left_of_imm": "directly to the left of {}",
    "next_to": "next to {}",
    "not_next_to": "not next to {}",
    "between": "somewhere between {} and {}, in that order",
}
# Every other clue speaks of people. These tables (with BANK, HOUSE_NOUNS and ORDER_PHRASES) are
# the whole grammar: zebra/text.py reads sentences back by inverting them.
# the person in house k (1-based): noun, predicate, negated predicate
POSITION_PHRASES = ("the person in house {}", "lives in house {}", "does not live in house {}")
# an attribute outside BANK: "the person whose <attribute> is <value>"; predicates "is <noun>"
OTHER_NOUN = "the person whose {} is {}"
OR = " or "  # between the alternatives of an ambiguous arg
# ends a negated clue whose alternatives the puzzle leaves open (BBEH's names of two values):
# "X is not A or B" alone says neither
OPEN = " (one of them, unsaid which)"
NEGATED = ("not_same", "not_next_to")
# a question asking one attribute's value in one house (1-based), ZebraLogic's words
VALUE_QUESTION = "What is {} of the person who lives in House {}?"
# relation -> sentence over the args' nouns; "same" and "not_same" take this form only when the
# second arg has alternatives, else "<noun> <predicate>" ("The Brit lives in the red house.")
PERSON_PHRASES: dict[str, str] = {
    "same": "{} is {}",
    "not_same": "{} is not {}",
    "left_of": "{} lives somewhere to the left of {}",
    "left_of_imm": "{} lives directly to the left of {}",
    "next_to": "{} lives next to {}",
    "not_next_to": "{} does not live next to {}",
    "between": "{} lives somewhere between {} and {}, in that order",
    "end": "{} lives in the first or the last house",
    "one_between": "there is one house between {} and {}",
    "two_between": "there are two houses between {} and {}",
}


def classic_attribute(name: str) -> str | None:
    """The BANK attribute a header's `name` stands for ("Color", "Pets", "colour"), or None."""
    known = ATTRIBUTE_SYNONYMS.get(name.lower(), name.lower())
    return known if known in BANK else None


def ref_phrases(puzzle: Zebra, ref: Ref) -> tuple[str, str, str]:
    """A person's noun, predicate and negated predicate ("the Brit", "is the Brit", ...)."""
    if ref.attribute == POSITION:
        noun, pred, neg = (p.format(ref.value + 1) for p in POSITION_PHRASES)
        return noun, pred, neg
    name = puzzle.attributes[ref.attribute]
    value = puzzle.values[ref.attribute][ref.value]
    classic = classic_attribute(name)  # "Pets" speaks as "pet" does: "the zebra owner"
    if classic is not None:
        _, noun, pred, neg = BANK[classic]
        return noun.format(value), pred.format(value), neg.format(value)
    noun = OTHER_NOUN.format(name, value)
    return noun, f"is {noun}", f"is not {noun}"


def _noun(puzzle: Zebra, alts: tuple[Ref, ...]) -> str:
    return OR.join(ref_phrases(puzzle, r)[0] for r in alts)


def _house_nouns(puzzle: Zebra, clue: Clue) -> list[str] | None:
    """The houses ("the green house", ...) when every arg is one value of a house attribute."""
    if len(clue.args) < 2 or any(len(alts) != 1 for alts in clue.args):
        return None
    attrs = {alts[0].attribute for alts in clue.args}
    if len(attrs) != 1 or POSITION in attrs:
        return None
    (a,) = attrs
    noun = HOUSE_NOUNS.get(classic_attribute(puzzle.attributes[a]) or "")
    if noun is None:
        return None
    return [noun.format(puzzle.values[a][alts[0].value]) for alts in clue.args]


def _sentence(body: str, clue: Clue | None = None) -> str:
    """A clause as a sentence: its first letter capitalised, a full stop (after `OPEN` for a
    negated clue with alternatives)."""
    open_ = clue is not None and clue.rel in NEGATED and any(len(a) > 1 for a in clue.args)
    return body[0].upper() + body[1:] + (OPEN if open_ else "") + "."


def clue_text(puzzle: Zebra, clue: Clue) -> str:
    """One clue as an English sentence."""
    houses = _house_nouns(puzzle, clue) if clue.rel in ORDER_PHRASES else None
    if houses is not None:
        return _sentence(f"{houses[0]} is {ORDER_PHRASES[clue.rel].format(*houses[1:])}")
    if clue.rel not in PERSON_PHRASES:
        raise ValueError(f"unknown zebra relation {clue.rel!r}")
    nouns = [_noun(puzzle, alts) for alts in clue.args]
    if clue.rel in ("same", "not_same") and len(clue.args[1]) == 1:
        _, pred, neg = ref_phrases(puzzle, clue.args[1][0])
        return _sentence(f"{nouns[0]} {pred if clue.rel == 'same' else neg}", clue)
    return _sentence(PERSON_PHRASES[clue.rel].format(*nouns), clue)


def puzzle_text(puzzle: Zebra) -> list[str]:
    """All clues, numbered: "1. The Brit lives in the red house."."""
    return [f"{c.id}. {clue_text(puzzle, c)}" for c in puzzle.clues]
