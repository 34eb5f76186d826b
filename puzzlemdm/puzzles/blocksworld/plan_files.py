"""Plans as people hand them in: planners' plan files and PlanBench's English, as action lines.

Planners write `(unstack b c)` a line (VAL, Fast Downward, with `; cost = 6` comments), "step 0:
UNSTACK B C" (FF, among its other output) or "0.000: (unstack b c) [1]" (timed planners).
PlanBench prompts a language model in English ("unstack the blue block from on top of the orange
block"), naming its PDDL objects a..l by colour, and reads the answer between "[PLAN]" and
"[PLAN END]"; models number their steps and end them with full stops. `plan_file_steps` turns
any of these into the `(op block ...)` strings pddl.parse_plan reads, so that a plan in any of
them is judged by the same verifier.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from puzzlemdm.puzzles.blocksworld.pddl import FactError
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
# other words models use for them, read (never written); articles are optional everywhere
OTHER_PHRASES = {
    "pick-up": ("pick up {} from the table", "pick up {} from table"),
    "put-down": ("put down {} on the table", "put down {} on table", "put {} down"),
    "stack": ("stack {} on {}", "stack {} onto {}", "put {} on top of {}", "put {} on {}"),
    "unstack": ("unstack {} from {}", "unstack {} off {}", "unstack {} off of {}"),
}
OP_ALIASES = {
    "pickup": "pick-up",
    "pick_up": "pick-up",
    "putdown": "put-down",
    "put_down": "put-down",
}
# what planners and models write around an action: "step 0:", "0:", "0.000:", "1.", "(1)",
# "Step 1 -", a bullet before it; "[1]", a full stop or a comma after it
_STEP_NUMBER = re.compile(
    r"^(?:[-*\u2022]\s+)?(?:step\s*)?(?:\(\d+\)|\d+(?:\.\d+)?\s*(?:[:.)]|\s-))?\s*",
    re.IGNORECASE,
)
_AFTER = re.compile(r"\s*(\[[\d.]+\]|[.,])$")
_MARKER = re.compile(r"^[*_\s]*\[(plan|plan end)\][*_:\s]*", re.IGNORECASE)  # "**[PLAN]**:"
_FENCE = "```"
# the heading `puzzlemdm solve` prints above a plan: what it printed reads back as the plan
SHOWN_PLAN = "plan ({} actions):"
_SHOWN = re.compile("^" + re.escape(SHOWN_PLAN).replace(r"\{\}", r"(\d+)"))
_FF_FOUND = "found legal plan"  # FF's line before its plan
_FF_STEP = re.compile(r"^\s*(?:step\s+)?\d+:\s", re.IGNORECASE)
_ARTICLE = re.compile(r"\bthe\s+")
_ACTION_IN_WORDS = re.compile(r"\((?:un)?stack\b|\(pick-up\b|\(put-down\b", re.IGNORECASE)
# words of a line that may hold a step (a model's own words for a move too: "move e onto
# the table", "take e off b"), so that it is never dropped as prose around the plan
_MOVE_WORD = re.compile(
    r"stack|pick|put|move|take|lay|place|lift|hold|grab|drop|set|block|table|\(", re.IGNORECASE
)


def _pattern(phrase: str) -> re.Pattern[str]:
    words = _ARTICLE.sub("", phrase)  # "unstack {} from on top of {}"
    return re.compile(re.escape(words).replace(r"\{\}", "(.+?)") + "$")


_PATTERNS = [(op, _pattern(phrase)) for op, phrase in ACTION_PHRASES.items()]
_PATTERNS += [(op, _pattern(phrase)) for op, phrases in OTHER_PHRASES.items() for phrase in phrases]


def plan_file_steps(text: str, names: Sequence[str]) -> list[str]:
    """The action lines of a plan file, English steps written as `(op block ...)` with the
    problem's block `names` (PlanBench's colours for a..l, or the names themselves). Only the
    first plan is read: from the first "[PLAN]", if any, up to the next "[PLAN END]", as
    PlanBench does."""
    blocks = {f"{name} block": name for name in names}  # "the a block"
    blocks.update({name: name for name in names})
    blocks.update({f"{PLANBENCH_COLOURS[n]} block": n for n in names if n in PLANBENCH_COLOURS})
    lines = text.removeprefix("\ufeff").splitlines()
    shown = next((k for k, line in enumerate(lines) if _SHOWN.match(line.strip())), None)
    if shown is not None:  # solve's own output: the status, the states, then the plan
        lines = lines[shown + 1 :] if int(_SHOWN.match(lines[shown].strip())[1]) else []
    lines = _ff_plan(lines)
    marked = [k for k, line in enumerate(lines) if _marker(line) == "plan"]
    if marked:
        first = marked[0]
        lines = [_MARKER.sub("", lines[first]), *lines[first + 1 :]]
    # the plan ends at the first "[PLAN END]", also in a raw response that continues the
    # prompt's "[PLAN]" (PlanBench's llm_raw_response) and so does not repeat it
    ends = [k for k, line in enumerate(lines) if _marker(line) == "plan end"]
    lines = _without_prose(_fenced(lines[: ends[0]] if ends else lines, blocks))
    steps = []
    for line in lines:
        for part in _parts(line, blocks):
            body = _AFTER.sub("", _STEP_NUMBER.sub("", part.strip()))
            if body:
                steps.append(_from_english(body, blocks) or _as_pddl(body))
    return steps


def _fenced(lines: list[str], blocks: dict[str, str]) -> list[str]:
    """The code block that holds the plan, when the text fences one in (a model's answer amid
    its words), else the lines without fences. FactError when the text holds other plans
    too (another fenced plan, or steps outside the block): which is the answer cannot be
    told, and a draft is never judged in its place."""
    fences = [k for k, line in enumerate(lines) if line.strip().startswith(_FENCE)]
    pairs = list(zip(fences[::2], fences[1::2], strict=False))
    planned = [(a, b) for a, b in pairs if any(_action(line, blocks) for line in lines[a + 1 : b])]
    if not planned:
        return [line for line in lines if not line.strip().startswith(_FENCE)]
    inside = {k for a, b in pairs for k in range(a, b + 1)}
    outside = [line for k, line in enumerate(lines) if k not in inside and _holds(line, blocks)]
    plans = {tuple(line.strip() for line in lines[a + 1 : b] if line.strip()) for a, b in planned}
    if len(plans) > 1 or outside:
        raise FactError(
            "the response writes more than one plan (fenced or not): which is the answer "
            "cannot be told; give one plan"
        )
    a, b = planned[0]
    return lines[a + 1 : b]


def _holds(line: str, blocks: dict[str, str]) -> bool:
    """Whether a line holds a step (before any comment)."""
    return _action(line.split(";")[0], blocks) is not None


def _without_prose(lines: list[str]) -> list[str]:
    """The lines from the first that may be a step to the last: a model's words before and
    after its plan ("Here is my plan:", "This reaches the goal.") are no steps, but a line
    that numbers a step or speaks of moving a block is never dropped as words."""
    kept = [k for k, line in enumerate(lines) if _may_be_step(line)]
    return lines[kept[0] : kept[-1] + 1] if kept else lines


def _may_be_step(line: str) -> bool:
    body = line.strip()
    if not body or body.endswith(":"):
        return False
    numbered = _STEP_NUMBER.match(body)
    return bool(numbered and numbered.end()) or _MOVE_WORD.search(body) is not None


def _ff_plan(lines: list[str]) -> list[str]:
    """FF's whole output ("ff: found legal plan as follows", the numbered steps, then its
    timings) as its steps alone; any other text as it is."""
    found = next(
        (
            k
            for k, line in enumerate(lines)
            if _FF_FOUND in line.lower() and not line.lstrip().startswith(";")
        ),
        None,
    )
    if found is None:
        return lines
    steps: list[str] = []
    for line in lines[found + 1 :]:
        if _FF_STEP.match(line):
            steps.append(line)
        elif line.strip() and steps:
            break
    return steps or lines  # no step after the marker: the text is some other plan file


def _marker(line: str) -> str | None:
    """ "plan" or "plan end" for a line that starts with PlanBench's marker, else None."""
    match = _MARKER.match(line)
    return match.group(1).lower() if match else None


def _parts(line: str, blocks: dict[str, str]) -> list[str]:
    """A line's steps: ';' starts a comment (PDDL's: after "(unstack c d)" whatever follows
    is one), except between actions written without brackets ("put down the blue block; pick
    up the red block", "unstack c d; put-down c", a plan on one line); a comment in words
    ("; put down c next", "; cost = 1") is never carried out."""
    parts = line.split(";")
    if _action(parts[0], blocks) is None or parts[0].strip().startswith("("):
        comment = ";".join(parts[1:])
        if parts[0].strip() and _ACTION_IN_WORDS.search(comment):
            raise FactError(
                f"a comment after a step holds actions ({comment.strip()[:40]!r}): which are "
                "steps cannot be told"
            )
        return parts[:1]  # a comment line, a step for parse_plan to name, or PDDL's comment
    steps = [parts[0]]
    for part in parts[1:]:
        if _action(part, blocks) is None:
            break
        steps.append(part)
    return steps


def _action(part: str, blocks: dict[str, str]) -> str | None:
    """`(op block ...)` for a step that names an action of known blocks, else None."""
    body = _AFTER.sub("", _STEP_NUMBER.sub("", part.strip()))
    if not body:
        return None
    action = _from_english(body, blocks) or _as_pddl(body)
    words = action.strip("()").split()
    if not words:
        return None
    known = action.startswith("(") and all(word in blocks for word in words[1:])
    return (
        action if known and len(words) == (3 if words[0] in ("stack", "unstack") else 2) else None
    )


def _as_pddl(step: str) -> str:
    """ "(unstack b c)" for "UNSTACK B C", "(unstack b c)" or "unstack(b, c)"; any other step
    as it is."""
    words = re.sub(r"[(),]", " ", step).lower().split()
    if words:
        words[0] = OP_ALIASES.get(words[0], words[0])
    return f"({' '.join(words)})" if words and words[0] in OPS else step


def _from_english(step: str, blocks: dict[str, str]) -> str | None:
    """ "(unstack b c)" for "Unstack the blue block from on top of the orange block", or None."""
    lowered = _ARTICLE.sub("", " ".join(step.lower().split()))
    for op, pattern in _PATTERNS:
        match = pattern.match(lowered)
        if match and all(phrase in blocks for phrase in match.groups()):
            return f"({op} {' '.join(blocks[phrase] for phrase in match.groups())})"
    return None
