"""Puzzles written as ZebraLogic's generator writes them, for the reader's tests.

Each attribute: the solution header's name, the characteristic line, its values and how a
phrase names a value. Chosen to hold what makes the text hard to read: values two attributes
share (Name and Child `Alice`, Color and HairColor `red`), values inside values (`tea` and
`boba tea`, `short` and `very short`), plurals ("keeps horses"), demonyms ("the British
person") and several words per value.
"""

from __future__ import annotations

import numpy as np

from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Ref, Zebra

ATTRIBUTES = (
    (
        "Name",
        "Each person has a unique name",
        ("Alice", "Eric", "Peter", "Arnold", "Bob", "Carol"),
        "{}",
    ),
    (
        "Nationality",
        "The people are of nationalities",
        ("brit", "dane", "swede", "german", "norwegian", "chinese"),
        None,
    ),
    (
        "Animal",
        "The people keep unique animals",
        ("horse", "cat", "bird", "snake", "dog", "rabbit"),
        "the person who keeps {}s",
    ),
    (
        "Drink",
        "Each person has a unique favorite drink",
        ("tea", "boba tea", "water", "coffee", "milk", "root beer"),
        "the {} drinker",
    ),
    (
        "Color",
        "Each person has a favorite color",
        ("red", "green", "blue", "yellow", "white", "purple"),
        "the person whose favorite color is {}",
    ),
    (
        "HairColor",
        "People have unique hair colors",
        ("red", "black", "blonde", "brown", "gray", "auburn"),
        "the person who has {} hair",
    ),
    (
        "Children",
        "Each mother is accompanied by their child",
        ("Alice", "Bella", "Fred", "Meredith", "Samantha", "Timothy"),
        "the person's child is named {}",
    ),
    (
        "Height",
        "Everyone has a unique height",
        ("very short", "short", "average", "tall", "very tall", "super tall"),
        "the person who is {}",
    ),
)
DEMONYM = {
    "brit": "the British person",
    "dane": "the Dane",
    "swede": "the Swedish person",
    "german": "the German",
    "norwegian": "the Norwegian",
    "chinese": "the Chinese",
}
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


def phrase(attribute: int, value: str) -> str:
    template = ATTRIBUTES[attribute][3]
    return DEMONYM[value] if template is None else template.format(value)


def random_puzzle(
    rng: np.random.Generator, houses: int, attributes: list[int], clues: int
) -> tuple[Zebra, tuple[tuple[int, ...], ...]]:
    """A random grid and `clues` random clues of ZebraLogic's kinds that hold in it."""
    grid = tuple(tuple(int(v) for v in rng.permutation(houses)) for _ in attributes)
    names = tuple(ATTRIBUTES[a][0] for a in attributes)
    values = tuple(ATTRIBUTES[a][2][:houses] for a in attributes)
    puzzle = Zebra(names, values, ())
    made: list[Clue] = []
    while len(made) < clues:
        a, b = (int(x) for x in rng.integers(len(attributes), size=2))
        h, k = (int(x) for x in rng.integers(houses, size=2))
        x, y = Ref(a, grid[a][h]), Ref(b, grid[b][k])
        if h == k and x != y:
            rel, args = "same", (x, y)
        elif abs(h - k) in (2, 3) and rng.random() < 0.5:
            rel, args = ("one_between", "two_between")[abs(h - k) - 2], (x, y)
        elif abs(h - k) == 1 and rng.random() < 0.5:
            rel, args = "next_to", (x, y)
        elif h + 1 == k:
            rel, args = "left_of_imm", (x, y)
        elif h < k:
            rel, args = "left_of", (x, y)
        elif rng.random() < 0.5:
            rel, args = "same", (x, Ref(POSITION, h))
        else:
            rel, args = "not_same", (x, Ref(POSITION, (h + 1) % houses))
        made.append(Clue(len(made) + 1, rel, tuple((r,) for r in args)))
    return puzzle.with_clues(made), grid


def clue_sentence(puzzle: Zebra, attributes: list[int], clue: Clue, flip: bool) -> str:
    """One clue in the generator's words; `flip` writes a left-of clue as right-of."""
    nouns = []
    for (ref,) in clue.args:
        if ref.attribute == POSITION:
            nouns.append(ORDINALS[ref.value])
        else:
            nouns.append(phrase(attributes[ref.attribute], puzzle.values[ref.attribute][ref.value]))
    x, y = nouns
    if clue.rel == "same" and clue.args[1][0].attribute == POSITION:
        text = f"{x} is in the {y} house"
    elif clue.rel == "not_same":
        text = f"{x} is not in the {y} house"
    elif clue.rel == "same":
        text = f"{x} and {y} are in the same house" if flip else f"{x} is {y}"
    elif clue.rel == "next_to":
        text = f"{x} and {y} are next to each other"
    elif clue.rel == "one_between":
        text = f"There is one house between {x} and {y}"
    elif clue.rel == "two_between":
        text = f"There are two houses between {x} and {y}"
    else:
        how = "directly" if clue.rel == "left_of_imm" else "somewhere to the"
        text = f"{y} is {how} right of {x}" if flip else f"{x} is {how} left of {y}"
    return text[0].upper() + text[1:] + "."


def puzzle_text(puzzle: Zebra, attributes: list[int], flips: list[bool]) -> str:
    """The whole puzzle as the dataset's `puzzle` field holds it."""
    n = puzzle.houses
    lines = [
        f"There are {n} houses, numbered 1 to {n} from left to right, as seen from across the "
        "street. Each house is occupied by a different person. Each house has a unique "
        "attribute for each of the following characteristics:"
    ]
    for a, vals in zip(attributes, puzzle.values, strict=True):
        lines.append(f" - {ATTRIBUTES[a][1]}: " + ", ".join(f"`{v}`" for v in vals))
    lines += ["", "## Clues:"]
    lines += [
        f"{c.id}. {clue_sentence(puzzle, attributes, c, flip)}"
        for c, flip in zip(puzzle.clues, flips, strict=True)
    ]
    return "\n".join(lines) + "\n"


def solution_json(puzzle: Zebra, grid: tuple[tuple[int, ...], ...]) -> dict:
    header = ["House", *puzzle.attributes]
    rows = [
        [str(h + 1), *(puzzle.values[a][grid[a][h]] for a in range(len(grid)))]
        for h in range(puzzle.houses)
    ]
    return {"header": header, "rows": rows}
