"""Words of the classic Zebra puzzle as people type it, read by text.py and never written.

english.py's tables are the grammar puzzlemdm writes; the famous puzzle (Life International,
1962, and the many copies of it) says the same things in other words: "The Spaniard owns the
dog.", "Coffee is drunk in the green house.", "Milk is drunk in the middle house.", "The man who
smokes Chesterfields lives in the house next to the man with the fox.", "The green house is
immediately to the right of the ivory house.", and in the version programming sites pose, "In
the yellow house they smoke Dunhill.", "The Swede has a dog.". These tables add such phrasings
to what a puzzle's attribute lines let text.py read. "To the left of" without "directly" or
"somewhere" is not read: copies of the puzzle mean either.
"""

from __future__ import annotations

# read wherever a noun says "the person ..." ("the man in the red house")
PERSON_WORDS = ("the man", "the woman", "the one")
# a person by where they live: "the man living in the centre house" ("{}" follows "lives")
LIVING = ("the person living {}", "the man living {}", "the woman living {}", "the one living {}")
# a person named by what they do: "{}" is any predicate ("the man who smokes Chesterfields")
WHO_NOUNS = (
    "the person who {}",
    "the man who {}",
    "the woman who {}",
    "the one who {}",
    "the owner who {}",
)
# classic attribute -> more nouns and predicates for one of its values ("{}")
MORE_NOUNS: dict[str, tuple[str, ...]] = {
    "nationality": ("the {} man", "the {} woman", "the {} person"),  # "The English man ..."
    "pet": (
        "the person with the {}", "the man with the {}", "the woman with the {}",
        "the owner of the {}", "the {} keeper", "the house with the {}", "the house with {}",
        "the {}",  # "... in the house next to the horse"
    ),
    # "The Norwegian lives next to the blue house.", "The owner of the green house ..."
    "colour": ("the {} house", "the owner of the {} house", "the {} house's owner"),
}  # fmt: skip
MORE_PREDICATES: dict[str, tuple[str, ...]] = {
    "pet": (
        "owns {}",
        "owns a {}",
        "keeps the {}",
        "keeps {}",
        "keeps a {}",
        "rears {}",
        "keeps {} as pets",
        "keeps a {} as a pet",
        "has the {}",
        "has a {}",
        "has {}",
    ),
    "colour": ("lives in a {} house",),
    "drink": ("drinks the {}",),
    "smoke": ("smokes the {}",),
    "sport": ("plays the {}",),
}
# classic attribute -> a value said of a house without a person: "{} in <house>"
PASSIVE: dict[str, tuple[str, ...]] = {
    "drink": ("{} is drunk", "the {} is drunk", "they drink {}"),
    "smoke": ("{} are smoked", "{} is smoked", "the {} are smoked", "they smoke {}"),
    "pet": (
        "the {} is kept", "{} are kept", "the {} lives", "{} live", "they have {}",
        "they have a {}", "they have the {}", "they keep {}", "they keep a {}",
    ),
    "sport": ("{} is played", "they play {}"),
}  # fmt: skip
# a house by its place in the row: ORDINALS[k] is house k + 1; "the last house" is the last
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
MIDDLE = ("middle", "centre", "center")  # of an odd row of houses
# "There are five houses.": a line that states the count, checked against the attribute lines
COUNT_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
COUNT_LINE = "there are {} houses"
# person relations in other words: (template, relation, the args' order in the relation)
MORE_PERSON_PHRASES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("{} lives in the house next to {}", "next_to", (0, 1)),
    ("{} lives next door to {}", "next_to", (0, 1)),
    ("{} lives beside {}", "next_to", (0, 1)),
    ("{} is the neighbour of {}", "next_to", (0, 1)),
    ("{} is the neighbor of {}", "next_to", (0, 1)),
    ("{} lives immediately to the left of {}", "left_of_imm", (0, 1)),
    ("{} lives just to the left of {}", "left_of_imm", (0, 1)),
    ("{} lives directly to the right of {}", "left_of_imm", (1, 0)),
    ("{} lives immediately to the right of {}", "left_of_imm", (1, 0)),
    ("{} lives just to the right of {}", "left_of_imm", (1, 0)),
    ("{} lives somewhere to the right of {}", "left_of", (1, 0)),
)
# a house's order relative to another ("The green house is immediately to the right of ..."):
# (what follows "<house> is", relation, the args' order)
MORE_ORDER_PHRASES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("immediately to the left of {}", "left_of_imm", (0, 1)),
    ("just to the left of {}", "left_of_imm", (0, 1)),
    ("directly to the right of {}", "left_of_imm", (1, 0)),
    ("immediately to the right of {}", "left_of_imm", (1, 0)),
    ("just to the right of {}", "left_of_imm", (1, 0)),
    ("somewhere to the right of {}", "left_of", (1, 0)),
    ("beside {}", "next_to", (0, 1)),
)
# a thing said of a house (PASSIVE): "Coffee is drunk in the green house.", "In the yellow
# house they smoke Dunhill."; (template, relation, what its "{}"s are, in order)
PASSIVE_FORMS: tuple[tuple[str, str, tuple[str, str]], ...] = (
    ("{} in {}", "same", ("thing", "place")),
    ("{} in the house next to {}", "next_to", ("thing", "place")),
    ("{} in a house next to {}", "next_to", ("thing", "place")),
    ("{} next to {}", "next_to", ("thing", "place")),
    ("in {} {}", "same", ("place", "thing")),
    ("in {}, {}", "same", ("place", "thing")),
    ("in the house next to {}, {}", "next_to", ("place", "thing")),
    ("in a house next to {}, {}", "next_to", ("place", "thing")),
)
# a house named by who lives there or what is in it: "the house where the horse is kept"
HOUSE_OF = ("the house where {}", "the house of {}")
# "The Brit has a neighbour who drinks water.": (template, relation); its second "{}" is a
# predicate, the person it names
NEIGHBOUR_PHRASES = (
    ("{} has a neighbour who {}", "next_to"),
    ("{} has a neighbor who {}", "next_to"),
    ("{} lives next to the one who {}", "next_to"),
    ("{} lives next to the person who {}", "next_to"),
)
# contractions typed for the words the grammar has
CONTRACTIONS = {"n't ": " not ", "n\u2019t ": " not "}  # "doesn't own" as "does not own"
# a direction with neither "directly" nor "somewhere": refused, and the message says why
UNSAID_DISTANCE = (
    r"(?<!directly )(?<!somewhere )(?<!immediately )\b(?:to|on) the (?:left|right) of\b"
)
QUESTIONS = ("who {}?",)  # "Who owns the zebra?": the house of the person asked
QUESTION_OPENERS = ("now, ", "so, ", "then, ", "finally, ")  # "Now, who drinks water?"
