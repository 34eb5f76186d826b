"""Is a file Blocksworld? A blocksworld PDDL problem, or JSONL of its kind or PlanBench's."""

from __future__ import annotations

import re

from puzzlemdm.puzzles.base import first_json_object

PROBLEM_RE = re.compile(r"\(\s*define\s*\(\s*problem\b", re.IGNORECASE)
# a blocksworld domain file, given where a problem is wanted: claimed, so that it is named
DOMAIN_FILE_RE = re.compile(r"\(\s*define\s*\(\s*domain\s+(blocks|bw\b)", re.IGNORECASE)
DOMAIN_RE = re.compile(r"\(\s*:domain\s+(blocks|bw\b)", re.IGNORECASE)
PLANBENCH_KEYS = frozenset({"objects", "init", "goal"})


def sniff_pddl(text: str) -> bool:
    """A PDDL problem for a blocksworld domain."""
    problem = PROBLEM_RE.search(text) and DOMAIN_RE.search(text)
    return bool(problem or DOMAIN_FILE_RE.search(text))


def sniff(text: str, source: str) -> bool:
    """A blocksworld PDDL problem, or JSONL with kind blocksworld / PlanBench's keys."""
    obj = first_json_object(text)
    jsonl = obj is not None and (obj.get("kind") == "blocksworld" or obj.keys() >= PLANBENCH_KEYS)
    return sniff_pddl(text) or jsonl
