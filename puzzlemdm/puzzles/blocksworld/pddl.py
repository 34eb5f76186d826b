"""Blocksworld facts and PDDL text: problem files (PlanBench style) and plans, both ways.

A problem file is `(define (problem NAME) (:domain blocksworld...) (:objects ...) (:init
facts) (:goal (and facts)))`. Init facts: `on`, `ontable`, `clear`, `handempty` (checked for
consistency); goal facts: `on`, `ontable` and `handempty` (kept for plans of actions, which may end
holding a block; `clear` / `holding` goals cannot be written in the state-trajectory form and
are rejected). Plans are action lines
`(unstack b c)`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from puzzlemdm.puzzles.base import PuzzleError, PuzzleRecord
from puzzlemdm.puzzles.blocksworld.problem import (
    OPS,
    TABLE,
    UNSET,
    Action,
    Blocksworld,
    action_text,
    clear_blocks,
    goal_problems,
    is_state,
)


class FactError(ValueError):
    """A fact list that does not describe a blocksworld problem; `fact`, when one fact is at
    fault: ("init" or "goal", its index in that list), for an error to point at."""

    def __init__(self, message: str, fact: tuple[str, int] | None = None) -> None:
        super().__init__(message)
        self.fact = fact


def _split(fact: str | Sequence[str]) -> list[str]:
    if isinstance(fact, str):
        words = fact.strip().strip("()").lower().split()
    elif isinstance(fact, list | tuple) and all(isinstance(t, str) for t in fact):
        words = [t.lower() for t in fact]
    else:
        raise FactError(f"a fact is a string or a list of words, not {fact!r}")
    return words


def _fact_words(fact: str | Sequence[str]) -> list[str]:
    words = _split(fact)
    if not words:
        raise FactError("an empty fact")
    return words


def _facts(facts: object, what: str) -> Sequence[str | Sequence[str]]:
    """`facts` when it is a list of facts; a string is one fact of many letters, refused."""
    if not isinstance(facts, list | tuple):
        raise FactError(f"{what} must be a list of facts, not {facts!r}")
    return facts


def problem_from_facts(
    names: Sequence[str], init: Sequence[str | Sequence[str]], goal: Sequence[str | Sequence[str]]
) -> Blocksworld:
    """A problem from object names and fact lists ("on a b", "ontable c", ...)."""
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
        raise FactError(f"the blocks are a list of names, not {names!r}")
    init, goal = _facts(init, "init"), _facts(goal, "goal")
    names = [n.lower() for n in names]
    if len(set(names)) != len(names) or not names:
        raise FactError("objects must be distinct and non-empty")
    index = {name: k for k, name in enumerate(names, start=1)}

    def block(token: str) -> int:
        if token not in index:
            raise FactError(f"unknown block {token!r}")
        return index[token]

    state = [UNSET] * len(names)
    clear_given: set[int] = set()
    for at, fact in enumerate(init):
        pred, *args = _fact_words(fact)
        if pred == "on" and len(args) == 2:
            placed, under = block(args[0]), block(args[1])
        elif pred == "ontable" and len(args) == 1:
            placed, under = block(args[0]), TABLE
        elif pred == "clear" and len(args) == 1:
            clear_given.add(block(args[0]))
            continue
        elif pred == "handempty" and not args:
            continue
        elif pred == "holding":
            raise FactError("initial states with a block in the hand are not supported")
        else:
            raise FactError(f"unexpected init fact ({' '.join([pred, *args])})")
        if state[placed - 1] != UNSET:
            raise FactError(f"block {names[placed - 1]!r} is placed twice", fact=("init", at))
        state[placed - 1] = under
    missing = [names[k] for k, s in enumerate(state) if s == UNSET]
    if missing:
        raise FactError(f"init does not place {', '.join(missing)}")
    if not is_state(state):
        raise FactError("init puts two blocks on one block or stacks in a cycle")
    if clear_given and clear_given != set(clear_blocks(tuple(state))):
        raise FactError("init's clear facts disagree with its on/ontable facts")
    target = [UNSET] * len(names)
    hand_empty = False
    for at, fact in enumerate(goal):
        pred, *args = _fact_words(fact)
        if pred == "on" and len(args) == 2:
            placed, under = block(args[0]), block(args[1])
        elif pred == "ontable" and len(args) == 1:
            placed, under = block(args[0]), TABLE
        elif pred == "handempty" and not args:
            hand_empty = True
            continue
        else:
            raise FactError(f"unsupported goal fact ({' '.join([pred, *args])})")
        if target[placed - 1] not in (UNSET, under):  # kept, the last would win unsaid
            raise FactError(
                f"the goal places block {names[placed - 1]!r} twice: no state meets both facts",
                fact=("goal", at),
            )
        target[placed - 1] = under
    problems = goal_problems(target, len(names))
    if problems:
        raise FactError("; ".join(problems))
    return Blocksworld(tuple(names), tuple(state), tuple(target), hand_empty)


def init_facts(puzzle: Blocksworld) -> list[str]:
    """The initial state as PlanBench writes it: on/ontable, then clear, with handempty."""
    place = [
        f"on {puzzle.name(k)} {puzzle.name(s)}" if s != TABLE else f"ontable {puzzle.name(k)}"
        for k, s in enumerate(puzzle.init, start=1)
    ]
    clear = [f"clear {puzzle.name(k)}" for k in clear_blocks(puzzle.init)]
    return ["handempty", *place, *clear]


def goal_facts(puzzle: Blocksworld) -> list[str]:
    """The goal's facts."""
    placed = [
        f"on {puzzle.name(k)} {puzzle.name(g)}" if g != TABLE else f"ontable {puzzle.name(k)}"
        for k, g in enumerate(puzzle.goal, start=1)
        if g != UNSET
    ]
    return [*placed, "handempty"] if puzzle.hand_empty else placed


def problem_to_pddl(
    puzzle: Blocksworld, name: str | None = None, domain: str = "blocksworld-4ops"
) -> str:
    """A PDDL problem file in PlanBench's layout."""
    lines = [
        f"(define (problem {name or f'BW-rand-{puzzle.n}'})",
        f"(:domain {domain})",
        f"(:objects {' '.join(puzzle.names)} )",
        "(:init",
        *(f"({f})" for f in init_facts(puzzle)),
        ")",
        "(:goal",
        "(and",
        *(f"({f})" for f in goal_facts(puzzle)),
        ")",
        ")",
        ")",
    ]
    return "\n".join(lines) + "\n"


def plan_to_text(puzzle: Blocksworld, plan: Sequence[Action]) -> list[str]:
    """Each action as `(op args)`."""
    return [action_text(puzzle, a) for a in plan]


def parse_plan(puzzle: Blocksworld, lines: Sequence[str] | str) -> list[Action]:
    """Actions from `(unstack b c)` strings, or one string of them a line (as PlanBench stores
    its plans); FactError names the bad one."""
    if isinstance(lines, str):
        lines = [line for line in lines.splitlines() if line.strip()]
    index = {name: k for k, name in enumerate(puzzle.names, start=1)}
    plan = []
    for i, line in enumerate(lines, start=1):
        words = _split(line)
        op, args = (words[0], words[1:]) if words else ("", [])  # an empty step: no action
        want = 2 if op in ("stack", "unstack") else 1
        if op in OPS and len(args) == want and any(a not in index for a in args):
            unknown = next(a for a in args if a not in index)
            raise FactError(
                f"plan step {i}: {line!r} names block {unknown!r}, which the problem does not "
                f"have (blocks: {', '.join(puzzle.names)})"
            )
        if op not in OPS or len(args) != want:
            raise FactError(f"plan step {i}: {line!r} is not a blocksworld action")
        plan.append((op, index[args[0]], index[args[1]] if want == 2 else 0))
    return plan


@dataclass
class _Node:
    """An s-expression: an atom (text) or a list (items), with where it starts."""

    text: str | None
    items: list[_Node]
    line: int
    column: int


def _sexprs(text: str, source: str) -> list[_Node]:
    root = _Node(None, [], 1, 1)
    stack = [root]
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split(";", 1)[0]
        for match in re.finditer(r"\(|\)|[^\s()]+", code):
            col = match.start() + 1
            tok = match.group()
            if tok == "(":
                node = _Node(None, [], number, col)
                stack[-1].items.append(node)
                stack.append(node)
            elif tok == ")":
                if len(stack) == 1:
                    raise PuzzleError("unbalanced ')'", source=source, line=number, column=col)
                stack.pop()
            else:
                stack[-1].items.append(_Node(tok.lower(), [], number, col))
    if len(stack) > 1:
        node = stack[-1]
        raise PuzzleError("unclosed '('", source=source, line=node.line, column=node.column)
    return root.items


def _fact(node: _Node, source: str) -> list[str]:
    if node.text is not None or any(i.text is None for i in node.items):
        raise PuzzleError(
            "expected a fact like (on a b)", source=source, line=node.line, column=node.column
        )
    return [str(i.text) for i in node.items]


def _named_atom(message: str, nodes: list[_Node]) -> _Node | None:
    """The first atom among `nodes` that a fact error names in quotes ("unknown block 'cc'"),
    so that the error points at it rather than at the problem's start; None if none."""
    named = re.search(r"'([^']+)'", message)
    stack = list(reversed(nodes))
    while named and stack:
        node = stack.pop()
        if node.text == named.group(1).lower():
            return node
        stack.extend(reversed(node.items))
    return None


def _problem(form: _Node, source: str) -> PuzzleRecord:
    head = form.items
    if len(head) < 2 or head[0].text != "define" or head[1].text is not None:
        raise PuzzleError(
            "expected (define (problem NAME) ...)",
            source=source,
            line=form.line,
            column=form.column,
        )
    name = head[1].items[1].text if len(head[1].items) > 1 else ""
    sections = {}
    for part in head[2:]:
        if part.text is None and part.items and part.items[0].text:
            key = part.items[0].text
            if key in sections:  # kept, the last would win unsaid
                raise PuzzleError(
                    f"({key} ...) given twice", source=source, line=part.line, column=part.column
                )
            sections[key] = part
    for key in (":objects", ":init", ":goal"):
        if key not in sections:
            raise PuzzleError(
                f"missing ({key} ...)", source=source, line=form.line, column=form.column
            )
    tokens = [i.text for i in sections[":objects"].items[1:] if i.text is not None]
    objects = [t for i, t in enumerate(tokens) if t != "-" and (i == 0 or tokens[i - 1] != "-")]
    init = [_fact(n, source) for n in sections[":init"].items[1:]]
    goal_node = sections[":goal"].items[1:]
    if len(goal_node) == 1 and goal_node[0].items and goal_node[0].items[0].text == "and":
        goal_node = goal_node[0].items[1:]
    goal = [_fact(n, source) for n in goal_node]
    domain = sections.get(":domain")
    try:
        puzzle = problem_from_facts(objects, init, goal)
    except FactError as err:
        nodes = {"init": sections[":init"].items[1:], "goal": goal_node}
        at = (
            nodes[err.fact[0]][err.fact[1]]
            if err.fact is not None
            else _named_atom(str(err), [sections[":init"], sections[":goal"]]) or form
        )
        raise PuzzleError(str(err), source=source, line=at.line, column=at.column) from None
    meta = {
        "problem": name,
        "domain": domain.items[1].text if domain and len(domain.items) > 1 else None,
    }
    return PuzzleRecord(puzzle, None, "", None, meta, source, form.line)


def parse_pddl(text: str, source: str = "<text>") -> list[PuzzleRecord]:
    """Every (define (problem ...)) form of a PDDL text."""
    forms = _sexprs(text, source)
    problems = [form for form in forms if not _is_domain(form)]  # a domain beside: skipped
    if forms and not problems:
        raise PuzzleError(
            "a PDDL domain file (define (domain ...)): give the problem file, "
            "(define (problem ...)), to solve",
            source=source,
        )
    if not problems:
        raise PuzzleError("no PDDL problem found", source=source)
    return [_problem(form, source) for form in problems]


def _is_domain(form: _Node) -> bool:
    """Whether a top-level form is `(define (domain ...) ...)`."""
    head = form.items[1] if len(form.items) > 1 else None
    return (
        bool(form.items)
        and (form.items[0].text or "").lower() == "define"
        and head is not None
        and bool(head.items)
        and (head.items[0].text or "").lower() == "domain"
    )
