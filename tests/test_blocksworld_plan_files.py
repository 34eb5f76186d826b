"""Plan files as planners and PlanBench's prompts write them, read back as the same actions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from puzzlemdm.puzzles.blocksworld.pddl import FactError
from puzzlemdm.puzzles.blocksworld.plan_files import (
    ACTION_PHRASES,
    PLANBENCH_COLOURS,
    plan_file_steps,
)

NAMES = tuple("abcdefghijkl")


@st.composite
def actions(draw) -> str:
    op = draw(st.sampled_from(sorted(ACTION_PHRASES)))
    count = 2 if op in ("stack", "unstack") else 1
    blocks = draw(st.lists(st.sampled_from(NAMES), min_size=count, max_size=count, unique=True))
    return f"({op} {' '.join(blocks)})"


def english(action: str) -> str:
    op, *blocks = action.strip("()").split()
    phrase = ACTION_PHRASES[op].format(*(f"{PLANBENCH_COLOURS[b]} block" for b in blocks))
    return phrase[0].upper() + phrase[1:]


STYLES = {
    "val": lambda plan: "\n".join(plan) + f"\n; cost = {len(plan)} (unit cost)\n",
    "ff": lambda plan: "\n".join(
        f"{'step' if i == 0 else '    '} {i}: {a.strip('()').upper()}" for i, a in enumerate(plan)
    ),
    "timed": lambda plan: "\n".join(f"{i}.000: {a} [1.000]" for i, a in enumerate(plan)),
    "planbench": lambda plan: "[PLAN]\n" + "\n".join(map(english, plan)) + "\n[PLAN END]\n",
    "numbered": lambda plan: "\n".join(f"{i}. {english(a)}." for i, a in enumerate(plan, 1)),
    "markdown": lambda plan: (
        "**[PLAN]**\n```\n"
        + "\n".join(f"- {english(a)}," for a in plan)
        + "\n```\n**[PLAN END]**\nThis plan reaches the goal.\n"
    ),
    "one line": lambda plan: "; ".join(map(english, plan)),
    "ff output": lambda plan: (
        "ff: parsing domain file\nff: found legal plan as follows\n\n"
        + "\n".join(
            f"{'step' if i == 0 else '    '} {i}: {a.strip('()').upper()}"
            for i, a in enumerate(plan)
        )
        + "\n     \n\ntime spent:    0.00 seconds instantiating 24 easy, 0 hard action templates\n"
    ),
    "one line pddl": lambda plan: "; ".join(a.strip("()") for a in plan),
    "fenced amid words": lambda plan: (
        "Here is my plan:\n```pddl\n" + "\n".join(plan) + "\n```\nIt reaches the goal.\n"
    ),
    "headed": lambda plan: "Plan:\n" + "\n".join(plan) + "\n\nThe goal now holds.\n",
    "calls": lambda plan: "\n".join(
        "{}({})".format(
            a.strip("()").split()[0].replace("-", "_"), ", ".join(a.strip("()").split()[1:])
        )
        for a in plan
    ),
}


@given(st.lists(actions(), min_size=1, max_size=12), st.sampled_from(sorted(STYLES)))
def test_every_style_reads_back_as_the_same_actions(plan: list[str], style: str) -> None:
    assert plan_file_steps(STYLES[style](plan), NAMES) == plan


def test_colours_name_only_the_blocks_a_problem_has_and_unknown_steps_pass_through() -> None:
    # a problem without block "l" leaves "the gold block" unread, for parse_plan to refuse
    steps = plan_file_steps("pick up the gold block\npick up the red block\n", NAMES[:4])
    assert steps == ["pick up the gold block", "(pick-up a)"]
    # blocks named otherwise are read by their names
    assert plan_file_steps("Stack the x on top of the y.", ("x", "y")) == ["(stack x y)"]


def test_only_the_first_marked_plan_is_read_and_comments_stay_comments() -> None:
    one = "unstack the blue block from on top of the orange block"
    two = "put down the blue block"
    text = f"Here is my plan.\n[PLAN]\n{one}\n[PLAN END]\n[PLAN]\n{two}\n[PLAN END]\nDone.\n"
    assert plan_file_steps(text, NAMES) == ["(unstack b c)"]  # PlanBench grades the first
    assert plan_file_steps("(unstack b c) ; the first move\n; cost = 1\n", NAMES) == [
        "(unstack b c)"
    ]
    # a commented-out action is not carried out (VAL would not), nor a comment in English,
    # also after a bracketed action on its line; ';' parts steps written without brackets
    commented = "(unstack c d)\n; (put-down c)\n(pick-up a) ; put down c next\n"
    assert plan_file_steps(commented, NAMES) == ["(unstack c d)", "(pick-up a)"]
    assert plan_file_steps("unstack c d; put-down c", NAMES) == ["(unstack c d)", "(put-down c)"]
    # a comment after a step that holds actions: which are steps cannot be told
    with pytest.raises(FactError, match="comment after a step holds actions"):
        plan_file_steps("(unstack c d) ; then (put-down c)", NAMES)


def test_a_response_with_more_than_one_plan_is_refused_and_words_about_moves_stay() -> None:
    draft, final = "(unstack b c)\n(put-down b)", "(unstack b c)\n(stack b a)"
    for text in (
        f"Draft:\n```\n{draft}\n```\nWait, that is wrong. Final plan:\n```\n{final}\n```\n",
        f"```\n{draft}\n```\nOn reflection, the final plan:\n{final}\n",
    ):
        with pytest.raises(FactError, match="more than one plan"):
            plan_file_steps(text, NAMES)
    # one fenced plan amid words is the answer; the same plan fenced twice is one plan
    once = f"Plan:\n```\n{final}\n```\nIt reaches the goal.\n"
    assert plan_file_steps(once, NAMES) == ["(unstack b c)", "(stack b a)"]
    assert plan_file_steps(once + f"Again:\n```\n{final}\n```\n", NAMES) == plan_file_steps(
        once, NAMES
    )
    # a last line in words that moves a block is a step (for parse_plan to refuse), not prose
    steps = plan_file_steps(f"{final}\nFinally, move b back onto the table.\n", NAMES)
    assert steps[-1] == "Finally, move b back onto the table"


def test_ff_s_words_in_a_comment_do_not_hide_the_plan() -> None:
    plan = "; ff: found legal plan as follows\n(unstack b c)\n(put-down b)\n"
    assert plan_file_steps(plan, NAMES) == ["(unstack b c)", "(put-down b)"]


def test_a_raw_response_continuing_the_prompt_ends_at_its_plan_end() -> None:
    # PlanBench's prompt ends with "[PLAN]": the model's raw response starts with the plan
    raw = "unstack the blue block from on top of the orange block\n[PLAN END]\n\n[STATEMENT]\n"
    assert plan_file_steps(raw + "As initial conditions I have ...\n", NAMES) == ["(unstack b c)"]


def test_what_solve_prints_reads_back_as_its_plan(tmp_path) -> None:
    from typer.testing import CliRunner

    from puzzlemdm.cli import app

    printed = CliRunner().invoke(app, ["solve", "examples/blocksworld.pddl", "--solver", "astar"])
    (tmp_path / "out.txt").write_text(printed.stdout)
    judged = CliRunner().invoke(
        app, ["verify", "examples/blocksworld.pddl", "--answer", str(tmp_path / "out.txt")]
    )
    assert judged.exit_code == 0, judged.output
    assert plan_file_steps("plan (0 actions): the initial state meets the goal\n", ["a"]) == []
