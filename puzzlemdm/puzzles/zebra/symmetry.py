"""Zebra symmetries: the same puzzle under other names, attribute order and value labels."""

from __future__ import annotations

from puzzlemdm.puzzles.zebra.puzzle import POSITION, Ref, Zebra


def canonical_key(puzzle: Zebra) -> tuple:
    """The puzzle up to names, attribute order and each attribute's value labels.

    Attributes are numbered in the order the clues first name them, and each attribute's
    values in the order they are first named: two puzzles get the same key exactly when one is
    the other with attributes reordered and values relabelled (clue order kept). House numbers
    (POSITION refs) keep their meaning.
    """
    attribute_ids: dict[int, int] = {}
    value_ids: dict[tuple[int, int], int] = {}
    counts: dict[int, int] = {}

    def ref_key(ref: Ref) -> tuple[int, int]:
        if ref.attribute == POSITION:
            return (-1, ref.value)
        if ref.attribute not in attribute_ids:
            attribute_ids[ref.attribute] = len(attribute_ids)
        if (ref.attribute, ref.value) not in value_ids:
            value_ids[ref.attribute, ref.value] = counts.get(ref.attribute, 0)
            counts[ref.attribute] = value_ids[ref.attribute, ref.value] + 1
        return (attribute_ids[ref.attribute], value_ids[ref.attribute, ref.value])

    clues = tuple(
        (clue.rel, tuple(tuple(ref_key(r) for r in alts) for alts in clue.args))
        for clue in puzzle.clues
    )
    questions = tuple(tuple(ref_key(r) for r in asked) for asked in puzzle.questions)
    return (puzzle.houses, len(puzzle.attributes), clues, questions)
