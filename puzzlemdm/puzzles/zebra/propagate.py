"""Zebra propagation: house-set domains, one-clue narrowing and the permutation singles.

A *domain* is `dom[a][v]`, the bitmask of houses where value v of attribute a may still be.
Each clue narrows the domains of the refs it names to the houses that still have support
(arc consistency for one clue at a time); the permutation rules then fix values whose house is
the only one left ("only_house") and houses with only one value left ("only_value"). These are
the single-clue deductions; combining clues is left to the strategy solver (lookahead, search).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

from puzzlemdm.puzzles.zebra.puzzle import DISTANCES, POSITION, Clue, Ref, Zebra

Domains = list[list[int]]


class Contradiction(Exception):
    """The domains admit no grid (raised inside propagation; the search catches it)."""


def initial_domains(puzzle: Zebra) -> Domains:
    """Every value may be in every house."""
    full = (1 << puzzle.houses) - 1
    return [[full] * puzzle.houses for _ in puzzle.attributes]


def copy_domains(dom: Domains) -> Domains:
    """An independent copy (domains are small lists of ints)."""
    return [row[:] for row in dom]


def _single(m: int) -> bool:
    return m != 0 and m & (m - 1) == 0


def _low(m: int) -> int:
    """Index of the lowest set bit."""
    return (m & -m).bit_length() - 1


def _above(i: int) -> int:
    """Mask of houses strictly greater than house i (unbounded on the left; callers intersect)."""
    return ~((1 << (i + 1)) - 1)


def narrow(rel: str, masks: tuple[int, ...], houses: int) -> tuple[int, ...] | None:
    """The supported house sets of each arg under `rel`, or None when some set becomes empty."""
    full = (1 << houses) - 1
    if rel == "end":
        out: tuple[int, ...] = (masks[0] & (1 | (1 << (houses - 1))),)
    elif rel == "between":
        x, y, z = masks
        if not (x and y and z):
            return None
        x &= _above(_low(y)) & ((1 << (z.bit_length() - 1)) - 1)
        if not x:
            return None
        y &= (1 << (x.bit_length() - 1)) - 1
        z &= _above(_low(x)) & full
        out = (x, y, z)
    else:
        x, y = masks
        if rel == "same":
            x = y = x & y
        elif rel == "not_same":
            if _single(y):
                x &= ~y
            if _single(x):
                y &= ~x
        elif rel == "left_of":
            if not (x and y):
                return None
            x &= (1 << (y.bit_length() - 1)) - 1
            y &= _above(_low(x)) & full if x else 0
        elif rel == "left_of_imm":
            x &= y >> 1
            y &= x << 1
        elif rel in DISTANCES:
            d = DISTANCES[rel]
            x &= ((y << d) | (y >> d)) & full
            y &= ((x << d) | (x >> d)) & full
        elif rel == "not_next_to":
            if _single(y):
                x &= ~((y << 1) | (y >> 1))
            if _single(x):
                y &= ~((x << 1) | (x >> 1))
        else:
            raise ValueError(f"unknown zebra relation {rel!r}")
        out = (x, y)
    return None if 0 in out else out


def ref_mask(dom: Domains, ref: Ref) -> int:
    """The houses where the person `ref` names may live."""
    return 1 << ref.value if ref.attribute == POSITION else dom[ref.attribute][ref.value]


def apply_clue(dom: Domains, clue: Clue, houses: int) -> bool:
    """Narrow the domains by one clue; True if something changed. Raises Contradiction.

    With ambiguous args the clue is a disjunction over choices of alternatives: choices that
    narrow some arg to nothing are impossible, and a single possible choice is then applied.
    """
    feasible = []
    for choice in product(*clue.args):
        out = narrow(clue.rel, tuple(ref_mask(dom, r) for r in choice), houses)
        if out is not None:
            feasible.append((choice, out))
            if len(feasible) > 1:
                return False
    if not feasible:
        raise Contradiction(f"clue {clue.id}")
    changed = False
    choice, out = feasible[0]
    for ref, m in zip(choice, out, strict=True):
        if ref.attribute == POSITION:
            continue
        row = dom[ref.attribute]
        new = row[ref.value] & m
        if new != row[ref.value]:
            if not new:
                raise Contradiction(f"clue {clue.id}")
            row[ref.value] = new
            changed = True
    return changed


def apply_singles(dom: Domains, houses: int) -> tuple[bool, bool]:
    """Permutation rules to a fixpoint; returns (only_house changed, only_value changed)."""
    by_house = by_value = False
    for row in dom:
        while True:
            step = False
            taken = 0
            for m in row:
                if _single(m):
                    if taken & m:
                        raise Contradiction("two values in one house")
                    taken |= m
            for v, m in enumerate(row):
                if not _single(m) and m & taken:
                    m &= ~taken
                    if not m:
                        raise Contradiction("value without a house")
                    row[v] = m
                    step = by_house = True
            for h in range(houses):
                bit = 1 << h
                holders = [v for v, m in enumerate(row) if m & bit]
                if not holders:
                    raise Contradiction("house without a value")
                if len(holders) == 1 and row[holders[0]] != bit:
                    row[holders[0]] = bit
                    step = by_value = True
            if not step:
                break
    return by_house, by_value


OnStep = Callable[[str], None]


def propagate(dom: Domains, puzzle: Zebra, on_step: OnStep | None = None) -> int:
    """Single-clue deductions to a fixpoint; returns the number of sweeps over the clues.

    `on_step(reason)` is called after each change ("clue:<id>", "only_house", "only_value") so a
    caller can attribute newly fixed cells to the deduction that fixed them.
    """
    houses = puzzle.houses
    sweeps = 0
    while True:
        by_house, by_value = apply_singles(dom, houses)
        if on_step is not None and (by_house or by_value):
            on_step("only_value" if by_value else "only_house")
        changed = False
        for clue in puzzle.clues:
            if apply_clue(dom, clue, houses):
                changed = True
                if on_step is not None:
                    # attribute cells to the clue first, then to the singles it unlocked
                    on_step(f"clue:{clue.id}")
                    by_house, by_value = apply_singles(dom, houses)
                    if by_house or by_value:
                        on_step("only_value" if by_value else "only_house")
        if not changed:
            return sweeps
        sweeps += 1


def is_complete(dom: Domains) -> bool:
    """Every value has exactly one house."""
    return all(_single(m) for row in dom for m in row)


def domains_to_grid(dom: Domains) -> tuple[tuple[int, ...], ...]:
    """The grid `grid[a][h]` of complete domains."""
    grid = []
    for row in dom:
        line = [0] * len(row)
        for v, m in enumerate(row):
            line[_low(m)] = v
        grid.append(tuple(line))
    return tuple(grid)


def fixed_people(dom: Domains) -> dict[tuple[int, int], int]:
    """(attribute, value) -> house for every value whose house is known."""
    return {(a, v): _low(m) for a, row in enumerate(dom) for v, m in enumerate(row) if _single(m)}
