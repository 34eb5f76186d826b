"""Blocksworld JSON lines: the project's corpus lines and PlanBench's instances.jsonl.

Project line: `{"id", "kind": "blocksworld", "level", "puzzle": {"blocks": [names],
"init": ["ontable a", "on b a", ...], "goal": ["on a b", ...]}, "solution": ["(unstack b a)",
...] or null, "meta": {"optimal_length", ...}}`. PlanBench line: `objects`, `init`, `goal`
(the same fact strings), `optimal_plan` and `plan_length`, read as they are.
"""

from __future__ import annotations

from typing import Any

from puzzlemdm.puzzles.base import PuzzleRecord, read_json_lines
from puzzlemdm.puzzles.blocksworld.pddl import (
    FactError,
    goal_facts,
    init_facts,
    parse_plan,
    problem_from_facts,
)
from puzzlemdm.puzzles.blocksworld.sniff import PLANBENCH_KEYS


def puzzle_to_json(puzzle: Any) -> dict[str, Any]:
    """The `puzzle` object of a project line (on/ontable facts only)."""
    place = [f for f in init_facts(puzzle) if f.startswith("on")]
    return {"blocks": list(puzzle.names), "init": place, "goal": goal_facts(puzzle)}


def _record(obj: dict[str, Any]) -> PuzzleRecord:
    if obj.keys() >= PLANBENCH_KEYS:
        puzzle = problem_from_facts(obj["objects"], obj["init"], obj["goal"])
        plan = obj.get("optimal_plan")
        meta = {
            "optimal_length": obj.get("plan_length"),
            "format": "planbench",
            "instance_id": obj.get("instance_id"),  # how PlanBench's results name it
        }
        ident = f"{obj.get('set', 'planbench')}-{obj.get('instance_id', '')}"
        return PuzzleRecord(puzzle, parse_plan(puzzle, plan) if plan else None, ident, None, meta)
    body = obj.get("puzzle")
    if not isinstance(body, dict) or not {"blocks", "init", "goal"} <= body.keys():
        raise FactError("expected a 'puzzle' object with 'blocks', 'init' and 'goal'")
    puzzle = problem_from_facts(body["blocks"], body["init"], body["goal"])
    plan = obj.get("solution")
    solution = parse_plan(puzzle, plan) if plan is not None else None
    meta = dict(obj.get("meta") or {})
    return PuzzleRecord(puzzle, solution, str(obj.get("id", "")), obj.get("level"), meta)


def parse_lines(text: str, source: str = "<text>") -> list[PuzzleRecord]:
    """Every JSON line of a blocksworld file; errors name the source and line."""
    return read_json_lines(text, source, "blocksworld", _record, (FactError,))
