"""Zebra symmetries: the same puzzle under other names, attribute order, value labels, clue
order and the order of a symmetric clue's arguments."""

from __future__ import annotations

from itertools import permutations, product
from math import factorial, prod

from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Grid, Ref, Zebra, house_of

# relations that say the same whichever argument comes first ("A is next to B")
SYMMETRIC = frozenset({"same", "not_same", "next_to", "not_next_to", "one_between", "two_between"})
# attribute orders tried among attributes the clues cannot tell apart (6! for a 6 x 6 grid)
MOST_ORDERS = 5040


def canonical_key(puzzle: Zebra, solution: Grid | None = None) -> tuple:
    """The puzzle up to names, attribute order, each attribute's value labels, clue order and
    the order of a symmetric clue's arguments: equal keys exactly when one puzzle is the other
    so rewritten.

    A value is named by the house its (unique) solution puts it in, which two such puzzles
    share; the attributes are then ordered by what the clues say of them, trying every order
    of the ones the clues cannot tell apart, and the least sorted clue list is the key.
    `solution` must be the puzzle's only one (generated corpora and splits have one): it spares
    the search. Without it the puzzle is solved; a puzzle of several solutions (given without
    one), or of more orders than MOST_ORDERS to try, keeps its labels and clue order in the key
    (equal only to itself as written, up to names).
    """
    grid = solution if solution is not None else _only_solution(puzzle)
    if grid is None:
        return ("as written", _written_key(puzzle))
    refs = [r for clue in puzzle.clues for alts in clue.args for r in alts]
    refs += [r for asked in puzzle.questions for r in asked]
    where = {ref: (ref.attribute, house_of(grid, ref)) for ref in refs}  # a house a value
    orders = _orders(puzzle.clues, where, len(puzzle.attributes))
    if orders is None:
        return ("as written", _written_key(puzzle))
    best = min(_relabelled(puzzle, where, order) for order in orders)
    return (puzzle.houses, len(puzzle.attributes), best)


def _only_solution(puzzle: Zebra) -> Grid | None:
    from puzzlemdm.puzzles.zebra.search import find_solutions

    grids, _ = find_solutions(puzzle, 2)
    return grids[0] if len(grids) == 1 else None


def _form(clue: Clue, where: dict[Ref, tuple[int, int]], order: dict[int, int]) -> tuple:
    def place(ref: Ref) -> tuple[int, int]:
        attribute, house = where[ref]
        return (-1 if attribute == POSITION else order[attribute], house)

    args = tuple(tuple(sorted(place(r) for r in alts)) for alts in clue.args)
    return (clue.rel, tuple(sorted(args)) if clue.rel in SYMMETRIC else args)


def _relabelled(puzzle: Zebra, where: dict[Ref, tuple[int, int]], order: dict[int, int]) -> tuple:
    clues = tuple(sorted(_form(clue, where, order) for clue in puzzle.clues))
    questions = tuple(
        tuple(sorted(_form(Clue(0, "ask", (asked,)), where, order)[1][0]))
        for asked in puzzle.questions
    )
    asked_values = tuple(sorted((order[a], house) for a, house in puzzle.asked_values))
    return (clues, questions, asked_values)


def _orders(
    clues: tuple[Clue, ...], where: dict[Ref, tuple[int, int]], attributes: int
) -> list[dict[int, int]] | None:
    """Every numbering of the attributes consistent with what the clues say of each (a
    signature blind to attribute labels), or None when there are more than MOST_ORDERS."""
    said: dict[int, list[tuple]] = {a: [] for a in range(attributes)}
    for clue in clues:
        for role, alts in enumerate(clue.args):
            for ref in alts:
                attribute, house = where[ref]
                if attribute == POSITION:
                    continue
                others = tuple(
                    sorted((where[r][0] == POSITION, where[r][1]) for a in clue.args for r in a)
                )
                said[attribute].append(
                    (clue.rel, 0 if clue.rel in SYMMETRIC else role, house, others)
                )
    signature = {a: tuple(sorted(s)) for a, s in said.items()}
    ranked = sorted(range(attributes), key=lambda a: signature[a])
    groups: list[list[int]] = []
    for a in ranked:
        if groups and signature[groups[-1][0]] == signature[a]:
            groups[-1].append(a)
        else:
            groups.append([a])
    if prod(factorial(len(g)) for g in groups) > MOST_ORDERS:
        return None
    orders = []
    for chosen in product(*(permutations(g) for g in groups)):
        flat = [a for group in chosen for a in group]
        orders.append({a: rank for rank, a in enumerate(flat)})
    return orders


def _written_key(puzzle: Zebra) -> tuple:
    """The puzzle up to names, attributes and values numbered as the clues first name them
    (clue order and argument order kept)."""
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
    asked_values = tuple((attribute_ids.get(a, -1 - a), house) for a, house in puzzle.asked_values)
    return (puzzle.houses, len(puzzle.attributes), clues, questions, asked_values)
