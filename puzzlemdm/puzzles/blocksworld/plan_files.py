"""Plans as people hand them in: planners' plan files and PlanBench's English, as action lines.

Planners write `(unstack b c)` a line (VAL, Fast Downward, with `; cost = 6` comments), "step 0:
UNSTACK B C" (FF) or "0.000: (unstack b c) [1]" (timed planners). PlanBench prompts a language
model in English ("unstack the blue block from on top of the orange block"), naming its PDDL
objects a..l by colour, and reads the answer between "[PLAN]" and "[PLAN END]"; models number
their steps and end them with full stops. `plan_file_steps` turns any of these into the
`(op block ...)` strings pddl.parse_plan reads, so that a plan in any of them is judged by the
same verifier.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from puzzlemdm.puzzles.blocksworld.problem import OPS

# PlanBench's names for its objects (plan-bench/configs/blocksworld.yaml, encoded_objects)
PLANBENCH_COLOURS = {
    "a": "red", "b": "blue", "c": "orange", "d": "yellow", "e": "white", "f": "magenta",
    "g": "black", "h": "cyan", "i": "green", "j": "violet", "k": "silver", "l": "gold",
}  # fmt: skip
# PlanBench's English for the four actions (its `actions`), "{}" a block ("the red block")
ACTION_PHRASES = {
    "pick-up": "pick up the {}",
    "put-down": "put down the {}",
    "stack": "stack the {} on top of the {}",
    "unstack": "unstack the {} from on top of the {}",
}
# what planners and models write around an action: "step 0:", "0:", "0.000:", "1." before it,
# "[1]" or a full stop after it
_STEP_NUMBER = re.compile(r"^(?:step\s*)?\d+(?:\.\d+)?\s*[:.)]\s*", re.IGNORECASE)
_AFTER = re.compile(r"\s*(\[[\d.]+\]|\.)$")
_MARKERS = ("[plan]", "[plan end]")
_PATTERNS = {
    op: re.compile(re.escape(phrase).replace(r"\{\}", "(.+?)") + "$")
    for op, phrase in ACTION_PHRASES.items()
}


def plan_file_steps(text: str, names: Sequence[str]) -> list[str]:
    """The action lines of a plan file, English steps written as `(op block ...)` with the
    problem's block `names` (PlanBench's colours for a..l, or the names themselves)."""
    blocks = {f"{name} block": name for name in names}  # "the a block"
    blocks.update({name: name for name in names})
    blocks.update({f"{PLANBENCH_COLOURS[n]} block": n for n in names if n in PLANBENCH_COLOURS})
    steps = []
    for line in text.removeprefix("\ufeff").splitlines():
        body = line.split(";", 1)[0].strip()
        if body.lower() in _MARKERS:
            continue
        body = _AFTER.sub("", _STEP_NUMBER.sub("", body))
        if body:
            steps.append(_from_english(body, blocks) or _as_pddl(body))
    return steps


def _as_pddl(step: str) -> str:
    """ "(unstack b c)" for "UNSTACK B C" or "(unstack b c)"; any other step as it is."""
    words = step.strip("()").lower().split()
    return f"({' '.join(words)})" if words and words[0] in OPS else step


def _from_english(step: str, blocks: dict[str, str]) -> str | None:
    """ "(unstack b c)" for "Unstack the blue block from on top of the orange block", or None."""
    lowered = " ".join(step.lower().split())
    for op, pattern in _PATTERNS.items():
        match = pattern.match(lowered)
        if match and all(phrase in blocks for phrase in match.groups()):
            return f"({op} {' '.join(blocks[phrase] for phrase in match.groups())})"
    return None
