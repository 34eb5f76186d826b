"""Blocksworld symmetries: the same problem under other block names."""

from __future__ import annotations

from puzzlemdm.puzzles.blocksworld.problem import TABLE, UNSET, Blocksworld


def canonical_key(puzzle: Blocksworld, solution: object = None) -> tuple:
    """The problem up to block names: equal keys exactly when one problem is the other with
    its blocks renamed.

    Blocks are linked by what they rest on in the initial state and in the goal; every block
    has at most one link of each kind (below / above, init / goal), so fixing one block of a
    connected group fixes the numbering of the whole group by a walk that follows the links
    in that order. A group's code is the smallest over its starting blocks; the key is the
    sorted codes of the groups (O(n^2), no search over n! renamings).
    """
    init, goal = puzzle.init, puzzle.goal
    init_above = {s: k for k, s in enumerate(init, start=1) if s > 0}
    goal_above = {g: k for k, g in enumerate(goal, start=1) if g > 0}

    def links(k: int) -> list[int]:
        found = (init[k - 1], init_above.get(k, 0), goal[k - 1], goal_above.get(k, 0))
        return [x for x in found if x > 0]

    def walk(start: int, group: set[int]) -> list[int]:
        order, seen = [start], {start}
        for k in order:
            for x in links(k):
                if x not in seen:
                    seen.add(x)
                    order.append(x)
        return order + sorted(group - seen)  # only an invalid goal leaves blocks unreached

    def code(order: list[int]) -> tuple:
        label = {k: i for i, k in enumerate(order)}

        def name(x: int) -> int:
            return -1 if x == TABLE else -2 if x == UNSET else label.get(x, -3)

        return tuple((name(init[k - 1]), name(goal[k - 1])) for k in order)

    neighbours: dict[int, set[int]] = {k: set() for k in range(1, puzzle.n + 1)}
    for k in neighbours:
        for x in links(k):
            if x in neighbours:  # both directions: an invalid goal may link one way only
                neighbours[k].add(x)
                neighbours[x].add(k)
    groups, placed = [], set()
    for k in neighbours:
        if k in placed:
            continue
        group, todo = {k}, [k]
        while todo:
            for x in neighbours[todo.pop()] - group:
                group.add(x)
                todo.append(x)
        placed |= group
        groups.append(min(code(walk(start, group)) for start in group))
    return (puzzle.n, tuple(sorted(groups)))
