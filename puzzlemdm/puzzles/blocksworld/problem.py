"""Blocksworld: integer-coded states, moves, the 4-action PDDL form, and the plan verifier.

Vocabulary: blocks are numbered 1..n (names kept for text); a *state* is a tuple `s` with
`s[k - 1]` = what block k rests on: 0 = the table, j = block j. A *goal* has the same shape
with UNSET (-1) for blocks it says nothing about (PlanBench goals are a few `on` facts). A
*move* `(block, onto)` takes a clear block onto the table (0) or onto another clear block. The
PDDL form has four actions with a hand: pick-up / put-down (table) and unstack / stack
(blocks); one move = two actions, and plan lengths are counted in actions, as PlanBench does.
An *action* is `(op, block, under)` with `under` = 0 for pick-up / put-down.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from puzzlemdm.puzzles.base import Verdict, Violation

UNSET = -1  # goal entry for a block the goal does not constrain
TABLE = 0

State = tuple[int, ...]
Move = tuple[int, int]
Action = tuple[str, int, int]
OPS = ("pick-up", "put-down", "stack", "unstack")


@dataclass(frozen=True)
class Blocksworld:
    """A problem: block names, the initial state, and a (possibly partial) goal."""

    names: tuple[str, ...]
    init: State
    goal: State
    # the goal asks the hand empty too (PDDL's `(handempty)`): a plan of actions may end
    # holding a block; the state-trajectory form never does
    hand_empty: bool = False

    @property
    def n(self) -> int:
        return len(self.names)

    def name(self, block: int) -> str:
        """A block's name ("table" for 0)."""
        return "table" if block == TABLE else self.names[block - 1]


def clear_blocks(state: State) -> list[int]:
    """Blocks with nothing on them."""
    covered = set(state)
    return [k for k in range(1, len(state) + 1) if k not in covered]


def is_state(state: Sequence[int]) -> bool:
    """Each block on the table or on another block, no block carries two, and no cycles."""
    n = len(state)
    below = [s for s in state if s != TABLE]
    if any(not 0 <= s <= n for s in state) or len(below) != len(set(below)):
        return False
    for k in range(1, n + 1):
        seen, cur = 0, k
        while cur != TABLE:
            cur, seen = state[cur - 1], seen + 1
            if seen > n:
                return False
    return True


def goal_problems(goal: Sequence[int], n: int) -> list[str]:
    """Why a (partial) goal cannot be reached: two blocks on one, a cycle; empty when fine."""
    if len(goal) != n or any(not UNSET <= g <= n for g in goal):
        return [f"goal must give {n} entries in -1..{n}"]
    problems = []
    below = [g for g in goal if g > 0]
    if len(below) != len(set(below)):
        problems.append("the goal puts two blocks on one block")
    for k in range(1, n + 1):
        seen, cur = 0, k
        while cur > 0:
            cur, seen = goal[cur - 1], seen + 1
            if seen > n:
                problems.append("the goal stacks blocks in a cycle")
                return problems
    return problems


def satisfies(state: State, goal: State) -> bool:
    """Every constrained block rests where the goal says."""
    return all(g == UNSET or s == g for s, g in zip(state, goal, strict=True))


def legal_moves(state: State) -> Iterator[Move]:
    """Every move: a clear block onto the table (if not there) or onto another clear block."""
    clear = clear_blocks(state)
    for b in clear:
        if state[b - 1] != TABLE:
            yield (b, TABLE)
        for d in clear:
            if d != b and state[b - 1] != d:
                yield (b, d)


def apply_move(state: State, move: Move) -> State:
    """The state after a (legal) move."""
    b, d = move
    out = list(state)
    out[b - 1] = d
    return tuple(out)


def move_actions(state: State, move: Move) -> tuple[Action, Action]:
    """The two PDDL actions of a move from `state`."""
    b, d = move
    under = state[b - 1]
    take = ("pick-up", b, 0) if under == TABLE else ("unstack", b, under)
    put = ("put-down", b, 0) if d == TABLE else ("stack", b, d)
    return take, put


def moves_to_actions(init: State, moves: Sequence[Move]) -> list[Action]:
    """PDDL actions of a move sequence (two per move)."""
    out: list[Action] = []
    state = init
    for move in moves:
        out.extend(move_actions(state, move))
        state = apply_move(state, move)
    return out


@dataclass
class Replay:
    """Where a PDDL plan leads: the state, the block in hand, and the first illegal step."""

    state: list[int]
    holding: int = 0
    error: Violation | None = None


def _step_problem(rep: Replay, action: Action) -> str | None:
    op, x, y = action
    s, n = rep.state, len(rep.state)
    if op not in OPS or not 1 <= x <= n or (op in ("stack", "unstack") and not 1 <= y <= n):
        return "unknown action or block"
    clear = x not in s and rep.holding != x
    if op in ("pick-up", "unstack"):
        if rep.holding:
            return "the hand is not empty"
        if not clear:
            return "the block is not clear"
        if op == "pick-up" and s[x - 1] != TABLE:
            return "the block is not on the table"
        if op == "unstack" and s[x - 1] != y:
            return "the block is not on that block"
        return None
    if rep.holding != x:
        return "the hand does not hold that block"
    if op == "stack" and (y in s or rep.holding == y):
        return "the target block is not clear"
    return None


def replay(puzzle: Blocksworld, plan: Sequence[Action]) -> Replay:
    """Run a PDDL plan from the initial state, stopping at the first illegal action."""
    rep = Replay(list(puzzle.init))
    for i, action in enumerate(plan):
        problem = _step_problem(rep, action)
        if problem is not None:
            text = action_text(puzzle, action)
            rep.error = Violation(
                f"step {i + 1}", (action[1] - 1,), f"step {i + 1} {text} is illegal: {problem}"
            )
            return rep
        op, x, y = action
        if op in ("pick-up", "unstack"):
            rep.state[x - 1], rep.holding = -2, x  # -2: in the hand
        else:
            rep.state[x - 1], rep.holding = (TABLE if op == "put-down" else y), 0
    return rep


def action_text(puzzle: Blocksworld, action: Action) -> str:
    """`(unstack b c)` style text."""
    op, x, y = action
    args = [puzzle.name(x)] + ([puzzle.name(y)] if op in ("stack", "unstack") else [])
    return f"({op} {' '.join(args)})"


def verify_plan(puzzle: Blocksworld, plan: Sequence[Action]) -> Verdict:
    """Replays the plan; names the first illegal step, else each goal fact left unmet."""
    rep = replay(puzzle, plan)
    if rep.error is not None:
        return Verdict((rep.error,))
    violations = []
    if puzzle.hand_empty and rep.holding:
        held = puzzle.name(rep.holding)
        message = f"goal: the hand must be empty (it holds {held})"
        violations.append(Violation("goal", (rep.holding - 1,), message))
    for k, (s, g) in enumerate(zip(rep.state, puzzle.goal, strict=True), start=1):
        if g != UNSET and s != g:
            where = "in the hand" if s == -2 else f"on {puzzle.name(s)}"
            violations.append(
                Violation(
                    "goal",
                    (k - 1,),
                    f"goal: {puzzle.name(k)} must be on {puzzle.name(g)} (it is {where})",
                )
            )
    return Verdict(tuple(violations))


@dataclass(frozen=True)
class PlanReport:
    """The verifier's verdict plus lengths: plan, optimal (when known) and the gap."""

    verdict: Verdict
    length: int
    optimal: int | None = None

    @property
    def gap(self) -> int | None:
        """Extra actions over the optimal plan (None when the optimum is unknown)."""
        return None if self.optimal is None else self.length - self.optimal


def check_plan(
    puzzle: Blocksworld, plan: Sequence[Action], optimal_length: int | None = None
) -> PlanReport:
    """Verify a plan and report its optimality gap when the optimal length is given."""
    return PlanReport(verify_plan(puzzle, plan), len(plan), optimal_length)


def actions_to_moves(puzzle: Blocksworld, plan: Sequence[Action]) -> list[Move]:
    """Pair a legal PDDL plan's actions into moves; ValueError if it is illegal or ends holding."""
    rep = replay(puzzle, plan)
    if rep.error is not None:
        raise ValueError(rep.error.message)
    if len(plan) % 2 or rep.holding:
        raise ValueError("the plan ends with a block in the hand")
    moves: list[Move] = []
    state = puzzle.init
    for take, put in zip(plan[::2], plan[1::2], strict=True):
        if take[0] not in ("pick-up", "unstack") or put[1] != take[1]:
            raise ValueError("actions do not pair into moves (take, then put the same block)")
        dest = TABLE if put[0] == "put-down" else put[2]
        if state[take[1] - 1] == dest:
            continue  # taken and put back where it was: no move at all
        moves.append((take[1], dest))
        state = apply_move(state, moves[-1])
    return moves
