"""Optimal blocksworld planning: A* over integer-coded states, and plain BFS to check it.

Heuristic: the number of blocks that must move at least once. A block must move when the goal
puts it elsewhere, when the block under it must move, or when the goal wants another block
on the block under it. A move changes that status for the moved block only (nothing rests on
a block being moved), so the heuristic is consistent and A* returns an optimal plan.

Pruning: when a clear block can go straight to its goal place on a base that never has to
move (a *constructive* move), some optimal plan makes that move now (Gupta & Nau's argument:
the block's later moves can be dropped and any temporary use of its destination moved to the
table), so the search only expands that move. Costs are in moves; PDDL length = 2 x moves.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from dataclasses import dataclass, field

from puzzlemdm.puzzles.blocksworld.problem import (
    TABLE,
    UNSET,
    Blocksworld,
    Move,
    State,
    apply_move,
    clear_blocks,
    legal_moves,
    satisfies,
)


class PlanningLimit(Exception):
    """The search hit its node or time limit before finding the optimum."""


def must_move(state: State, goal: State) -> list[bool]:
    """For each block (index k - 1): whether every plan has to move it."""
    n = len(state)
    owner = {g: k for k, g in enumerate(goal, start=1) if g > 0}  # block -> who goes onto it
    memo: list[bool | None] = [None] * n

    def bad(k: int) -> bool:
        known = memo[k - 1]
        if known is not None:
            return known
        under, want = state[k - 1], goal[k - 1]
        result = want != UNSET and under != want
        if not result and under != TABLE:
            result = owner.get(under, k) != k or bad(under)
        memo[k - 1] = result
        return result

    return [bad(k) for k in range(1, n + 1)]


def heuristic(state: State, goal: State) -> int:
    """Admissible, consistent lower bound on the moves left: blocks that must move."""
    return sum(must_move(state, goal))


def constructive_move(state: State, goal: State, bad: list[bool]) -> Move | None:
    """A clear misplaced block that can go to its goal place on a block that stays put."""
    clear = clear_blocks(state)
    clear_set = set(clear)
    for b in clear:
        d = goal[b - 1]
        if not bad[b - 1] or d == UNSET:
            continue
        if d == TABLE or (d in clear_set and not bad[d - 1]):
            return (b, d)
    return None


@dataclass
class SearchStats:
    """Counters of one planner run."""

    expanded: int = 0
    generated: int = 0
    seconds: float = 0.0
    extra: dict[str, int] = field(default_factory=dict)


def astar_plan(
    puzzle: Blocksworld,
    *,
    max_expanded: int | None = None,
    time_limit: float | None = None,
    stats: SearchStats | None = None,
) -> list[Move]:
    """An optimal move sequence (A*); raises PlanningLimit past `max_expanded` / `time_limit`."""
    stats = stats if stats is not None else SearchStats()
    start_time = time.perf_counter()
    deadline = None if time_limit is None else start_time + time_limit
    goal = puzzle.goal
    start = puzzle.init
    best = {start: 0}
    parent: dict[State, tuple[State, Move]] = {}
    heap = [(heuristic(start, goal), 0, 0, 0, start)]
    counter = 0
    while heap:
        _, _, _, g, state = heapq.heappop(heap)
        if g > best[state]:
            continue  # a stale entry: reached more cheaply since
        if satisfies(state, goal):
            stats.seconds = time.perf_counter() - start_time
            return _path(parent, start, state)
        stats.expanded += 1
        if max_expanded is not None and stats.expanded > max_expanded:
            raise PlanningLimit(f"more than {max_expanded} states expanded")
        if deadline is not None and stats.expanded % 1024 == 0 and time.perf_counter() > deadline:
            raise PlanningLimit(f"more than {time_limit} s")
        bad = must_move(state, goal)
        forced = constructive_move(state, goal, bad)
        for move in [forced] if forced is not None else legal_moves(state):
            child = apply_move(state, move)
            if g + 1 < best.get(child, 1 << 30):
                best[child] = g + 1
                parent[child] = (state, move)
                h = heuristic(child, goal)
                counter += 1
                stats.generated += 1
                # ties on f: prefer the deeper node (smaller h) to reach the goal sooner
                heapq.heappush(heap, (g + 1 + h, h, counter, g + 1, child))
    raise ValueError("the goal cannot be reached")


def bfs_plan(puzzle: Blocksworld, max_states: int | None = None) -> list[Move]:
    """A shortest move sequence by exhaustive breadth-first search (small n only); raises
    PlanningLimit once more than `max_states` states are held."""
    start = puzzle.init
    parent: dict[State, tuple[State, Move]] = {}
    seen = {start}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if satisfies(state, puzzle.goal):
            return _path(parent, start, state)
        for move in legal_moves(state):
            child = apply_move(state, move)
            if child not in seen:
                seen.add(child)
                parent[child] = (state, move)
                queue.append(child)
        if max_states is not None and len(seen) > max_states:
            raise PlanningLimit(f"more than {max_states} states held")
    raise ValueError("the goal cannot be reached")


def _path(parent: dict[State, tuple[State, Move]], start: State, end: State) -> list[Move]:
    moves = []
    while end != start:
        end, move = parent[end]
        moves.append(move)
    return moves[::-1]
