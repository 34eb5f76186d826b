"""Blocksworld: uniform states, optimal planning, verifier, PDDL, token-grid trajectories."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind
from puzzlemdm.puzzles.blocksworld.astar import astar_plan, bfs_plan, heuristic
from puzzlemdm.puzzles.blocksworld.kind import BlocksworldKind
from puzzlemdm.puzzles.blocksworld.pddl import parse_pddl, parse_plan, plan_to_text, problem_to_pddl
from puzzlemdm.puzzles.blocksworld.problem import (
    UNSET,
    Blocksworld,
    actions_to_moves,
    check_plan,
    is_state,
    moves_to_actions,
    satisfies,
    verify_plan,
)
from puzzlemdm.puzzles.blocksworld.random_states import count_states, random_problem, random_state
from puzzlemdm.puzzles.blocksworld.trajectory import (
    plan_from_trajectory,
    trajectory_grid,
)

PLANBENCH = Path("../shared/benchmarks/blocksworld")
KIND = BlocksworldKind()
SMALL = [
    random_problem(np.random.default_rng([5, i]), 3 + i % 3, ("full", "partial")[i % 2])
    for i in range(30)
]


def test_kind_implements_protocol() -> None:
    assert isinstance(KIND, PuzzleKind)


def test_state_counts_match_the_known_sequence() -> None:
    assert [count_states(n) for n in range(1, 9)] == [1, 3, 13, 73, 501, 4051, 37633, 394353]


def test_random_states_are_uniform() -> None:
    rng = np.random.default_rng(0)
    counts = Counter(random_state(rng, 3) for _ in range(6500))
    assert len(counts) == 13  # every state of 3 blocks appears
    # 500 expected each; 5 sigma is about 110
    assert all(390 < c < 610 for c in counts.values()), counts


@given(st.integers(1, 12), st.integers(0, 10_000))
def test_random_states_are_valid(n: int, seed: int) -> None:
    assert is_state(random_state(np.random.default_rng(seed), n))


@pytest.mark.parametrize("index", range(len(SMALL)))
def test_astar_is_optimal_against_bfs(index: int) -> None:
    puzzle = SMALL[index]
    moves = astar_plan(puzzle)
    assert len(moves) == len(bfs_plan(puzzle))
    assert heuristic(puzzle.init, puzzle.goal) <= len(moves)
    plan = moves_to_actions(puzzle.init, moves)
    assert verify_plan(puzzle, plan).ok


def _oracle(puzzle: Blocksworld, plan) -> tuple[int | None, bool]:
    """First illegal step (1-based) and goal reached, from a fact-set simulation."""
    on = {(k, s) for k, s in enumerate(puzzle.init, start=1)}  # s = 0: on the table
    hand = 0
    for i, (op, x, y) in enumerate(plan, start=1):
        clear_x = not any(s == x for _, s in on) and hand != x
        placed = {k: s for k, s in on}
        if op == "pick-up" and (hand or not clear_x or placed.get(x) != 0):
            return i, False
        if op == "unstack" and (hand or not clear_x or placed.get(x) != y):
            return i, False
        if op in ("put-down", "stack") and hand != x:
            return i, False
        if op == "stack" and (any(s == y for _, s in on) or hand == y):
            return i, False
        if op in ("pick-up", "unstack"):
            on.discard((x, placed[x]))
            hand = x
        else:
            on.add((x, 0 if op == "put-down" else y))
            hand = 0
    placed = {k: s for k, s in on}
    reached = all(g == UNSET or placed.get(k) == g for k, g in enumerate(puzzle.goal, 1))
    return None, reached


@given(st.integers(0, len(SMALL) - 1), st.data())
def test_verifier_catches_every_corrupted_plan(index: int, data) -> None:
    puzzle = SMALL[index]
    plan = moves_to_actions(puzzle.init, astar_plan(puzzle))
    n = puzzle.n
    action = st.tuples(
        st.sampled_from(["pick-up", "put-down", "stack", "unstack"]),
        st.integers(1, n),
        st.integers(1, n),
    ).map(lambda a: (a[0], a[1], a[2] if a[0] in ("stack", "unstack") else 0))
    edits = data.draw(st.lists(st.tuples(st.integers(0, 40), action), min_size=1, max_size=3))
    corrupt = list(plan)
    for where, new in edits:
        if corrupt and data.draw(st.booleans()):
            del corrupt[where % len(corrupt)]
        else:
            corrupt.insert(where % (len(corrupt) + 1), new)
    verdict = verify_plan(puzzle, corrupt)
    bad_step, reached = _oracle(puzzle, corrupt)
    assert verdict.ok == (bad_step is None and reached)
    if bad_step is not None:
        assert verdict.violations[0].constraint == f"step {bad_step}"
    elif not reached:
        assert {v.constraint for v in verdict.violations} == {"goal"}


def test_verifier_messages_and_gap() -> None:
    puzzle = Blocksworld(("a", "b"), (0, 0), (2, UNSET))  # goal: a on b
    assert verify_plan(puzzle, [("pick-up", 1, 0), ("stack", 1, 2)]).ok
    illegal = verify_plan(puzzle, [("unstack", 1, 2)])
    assert illegal.violations[0].message.startswith("step 1 (unstack a b) is illegal")
    unmet = verify_plan(puzzle, [])
    assert unmet.violations[0].message == "goal: a must be on b (it is on table)"
    detour = [("pick-up", 1, 0), ("put-down", 1, 0), ("pick-up", 1, 0), ("stack", 1, 2)]
    report = check_plan(puzzle, detour, optimal_length=2)
    assert report.verdict.ok
    assert report.gap == 2


def test_pddl_round_trip_and_export_layout() -> None:
    for puzzle in SMALL:
        text = problem_to_pddl(puzzle)
        assert KIND.sniff(text, "x.pddl")
        (record,) = KIND.parse_text(text, "dir/x.pddl")
        assert record.puzzle == puzzle
        assert record.id == "x"
        plan = moves_to_actions(puzzle.init, astar_plan(puzzle))
        assert KIND.verify(puzzle, plan_to_text(puzzle, plan)).ok


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (
            "(define (problem p) (:domain blocksworld)\n(:objects a b)\n(:init (on a b))\n"
            "(:goal (on b a)))",
            "init does not place b",
            1,
        ),
        (
            "(define (problem p) (:domain blocksworld)\n(:objects a)\n(:init (ontable a)\n"
            "(:goal (on a a)))",
            "unclosed",
            1,
        ),
        (
            "(define (problem p) (:domain blocksworld)\n(:objects a)\n(:init (ontable a)))\n)",
            "unbalanced",
            4,
        ),
        (
            "(define (problem p) (:domain blocksworld) (:objects a) (:init (holding a)) "
            "(:goal (ontable a)))",
            "hand",
            1,
        ),
        (
            "(define (problem p) (:domain blocksworld) (:objects a b) (:init (ontable a) "
            "(ontable b)) (:goal (clear a)))",
            "unsupported goal fact",
            1,
        ),
        (
            "(define (problem p) (:domain blocksworld) (:objects a) (:init (ontable a)))",
            "missing (:goal",
            1,
        ),
        (  # a goal that puts a block in two places: met by no state, never the last fact
            "(define (problem p) (:domain blocksworld) (:objects a b c)\n(:init (ontable a)\n"
            "(ontable b) (ontable c))\n(:goal (and (on a b)\n(on a c))))",
            "the goal places block 'a' twice",
            5,
        ),
        (  # two goals: the last one won unsaid
            "(define (problem x) (:objects a b) (:init (ontable a) (ontable b))\n"
            "(:goal (and (on a b)))\n(:goal (and (on b a))))",
            "given twice",
            3,
        ),
        (  # a misspelt block: the line of the fact that names it
            "(define (problem p) (:domain blocksworld) (:objects a b)\n(:init (ontable a)\n"
            "(ontable b))\n(:goal (on a bb)))",
            "unknown block 'bb'",
            4,
        ),
    ],
)
def test_pddl_errors_name_the_line(text: str, message: str, line: int) -> None:
    with pytest.raises(PuzzleError, match=message.replace("(", r"\(")) as info:
        parse_pddl(text, "bad.pddl")
    assert info.value.line == line
    assert info.value.source == "bad.pddl"


@pytest.mark.parametrize("index", range(0, len(SMALL), 3))
def test_trajectory_round_trip(index: int) -> None:
    puzzle = SMALL[index]
    plan = moves_to_actions(puzzle.init, astar_plan(puzzle))
    grid = trajectory_grid(puzzle, plan)
    n, steps = puzzle.n, len(plan) // 2
    assert grid.shape == (2 * n + 1, n)
    assert tuple(grid[0]) == puzzle.init
    assert (np.abs(np.diff(grid[: steps + 1], axis=0)).sum(axis=1) > 0).all()  # one move a row
    assert (grid[steps:] == grid[steps]).all()  # no-op rows pad at the end
    assert satisfies(tuple(int(x) for x in grid[-1]), puzzle.goal)
    assert plan_from_trajectory(puzzle, grid) == plan


def test_trajectory_rejects_two_changes_in_one_row() -> None:
    puzzle = Blocksworld(("a", "b", "c"), (0, 0, 0), (2, 3, UNSET))
    grid = np.array([[0, 0, 0], [2, 3, 0]] + [[2, 3, 0]] * 5)
    with pytest.raises(PuzzleError, match="differ in 2 blocks"):
        plan_from_trajectory(puzzle, grid)
    assert actions_to_moves(puzzle, [("pick-up", 1, 0), ("put-down", 1, 0)]) == []


def test_generate_is_deterministic_and_round_trips() -> None:
    a = KIND.generate(np.random.default_rng([9, 1]), "medium")
    b = KIND.generate(np.random.default_rng([9, 1]), "medium")
    line = json.dumps(KIND.record_to_json(a))
    assert line == json.dumps(KIND.record_to_json(b))
    assert KIND.sniff(line, "x.jsonl")
    (back,) = KIND.parse_text(line, "x.jsonl")
    assert back.puzzle == a.puzzle and back.solution == a.solution
    assert a.level == "medium" and 5 <= a.puzzle.n <= 6
    assert KIND.grade(a.puzzle)["plan_length"] == a.meta["optimal_length"] == len(a.solution)
    assert KIND.answer_to_json(a.puzzle, a.solution) == json.loads(line)["solution"]
    assert KIND.solve(a.puzzle, "astar").stats["plan_length"] == len(a.solution)


def test_generate_options() -> None:
    rng = np.random.default_rng([9, 2])
    record = KIND.generate(rng, "easy", blocks=4, goal="full", min_length=6)
    assert record.puzzle.n == 4
    assert UNSET not in record.puzzle.goal
    assert record.meta["optimal_length"] >= 6
    # the block count defines the level: another level's count would mislabel the puzzles
    with pytest.raises(ValueError, match="3 blocks make a problem of level easy, not medium"):
        KIND.generate(rng, "medium", blocks=3)
    # a length window the level's problems (almost) never have is refused, not searched forever
    with pytest.raises(ValueError, match="max_length 4 is below min_length 6"):
        KIND.generate(rng, "easy", min_length=6, max_length=4)
    with pytest.raises(ValueError, match="min_length must be 0 or more, not -1"):
        KIND.generate(rng, "easy", min_length=-1)
    with pytest.raises(ValueError, match="no easy problem with an optimal plan of 40-any"):
        KIND.generate(rng, "easy", min_length=40)  # 4 blocks need at most 16 actions


def test_solve_trace_follows_the_moves() -> None:
    puzzle = SMALL[4]
    result = KIND.solve(puzzle, "astar")
    grid = trajectory_grid(puzzle, result.answer)
    for t, decision in enumerate(result.trace, start=1):
        row, col = divmod(decision.cell, puzzle.n)
        assert row == t and grid[t, col] == decision.value
    assert len(KIND.solve(puzzle, "bfs").answer) == len(result.answer)


def test_sniff_is_specific() -> None:
    assert not KIND.sniff('{"kind": "zebra"}', "x.jsonl")
    assert not KIND.sniff("(define (problem p) (:domain logistics))", "x.pddl")
    assert not KIND.sniff("..3.2.6..9..3.5..1..18.64....", "x.txt")


@pytest.mark.skipif(not PLANBENCH.exists(), reason="../shared/benchmarks/blocksworld missing")
def test_planbench_instances_solve_optimally_and_verify() -> None:
    solved = 0
    for subset in ("basic", "basic_3blocks"):
        folder = PLANBENCH / subset
        index = KIND.parse_text((folder / "instances.jsonl").read_text(), "instances.jsonl")
        lengths = {int(r.id.rsplit("-", 1)[1]): r.meta["optimal_length"] for r in index}
        for record in index:
            assert KIND.verify(record.puzzle, record.solution).ok
        for path in sorted((folder / "pddl").glob("*.pddl")):
            text = path.read_text()
            assert KIND.sniff(text, str(path))
            (record,) = KIND.parse_text(text, str(path))
            result = KIND.solve(record.puzzle, "astar")
            assert KIND.verify(record.puzzle, result.answer).ok
            assert len(result.answer) == lengths[int(path.stem.split("-")[1])]
            solved += 1
    assert solved == 602


def test_optimal_compares_a_plan_with_the_records_optimal_length() -> None:
    from puzzlemdm.puzzles.registry import get_kind

    kind = get_kind("blocksworld")
    text = Path(__file__).resolve().parent.parent / "datasets/blocksworld/medium/test.jsonl"
    record = kind.parse_text(text.read_text().splitlines()[0], "medium")[0]
    plan = record.solution
    assert kind.optimal(record, plan) is True
    detour = ["(unstack d e)", "(stack d e)", *[str(a) for a in plan_to_text(record.puzzle, plan)]]
    longer = parse_plan(record.puzzle, detour)
    assert kind.verify(record.puzzle, longer).ok and kind.optimal(record, longer) is False
    assert kind.optimal(record, None) is False
    assert get_kind("sudoku").optimal(record, plan) is None  # every right grid is as good


def test_bfs_gives_up_past_its_state_limit_instead_of_filling_memory() -> None:
    from puzzlemdm.puzzles.blocksworld.astar import PlanningLimit

    puzzle = max(SMALL, key=lambda p: len(astar_plan(p)))
    assert len(bfs_plan(puzzle, max_states=10_000)) == len(astar_plan(puzzle))
    with pytest.raises(PlanningLimit, match="more than 3 states"):
        bfs_plan(puzzle, max_states=3)


def test_a_plan_reads_from_lines_a_string_of_lines_or_word_lists() -> None:
    (record,) = KIND.parse_text(
        '{"instance_id": 1, "objects": ["a", "b"], "init": ["handempty", "ontable a", '
        '"ontable b", "clear a", "clear b"], "goal": ["on a b"], '
        '"optimal_plan": "(pick-up a)\\n(stack a b)\\n", "plan_length": 2}\n'
    )
    puzzle = record.puzzle
    as_lines = parse_plan(puzzle, ["(pick-up a)", "(stack a b)"])
    assert (
        record.solution == as_lines == parse_plan(puzzle, [["pick-up", "a"], ["stack", "a", "b"]])
    )
    assert KIND.verify(puzzle, record.solution).ok
    with pytest.raises(ValueError, match="plan step 2: '' is not a blocksworld action"):
        parse_plan(puzzle, ["(pick-up a)", "", "(stack a b)"])
    with pytest.raises(ValueError, match="step 2: '\\(stack a z\\)' names block 'z', which"):
        parse_plan(puzzle, ["(pick-up a)", "(stack a z)"])


DOMAIN = """(define (domain blocksworld-4ops)
  (:requirements :strips)
  (:predicates (clear ?x) (ontable ?x) (handempty) (holding ?x) (on ?x ?y)))
"""
PROBLEM = """(define (problem two) (:domain bw) (:objects a b)
  (:init (handempty) (ontable a) (ontable b) (clear a) (clear b))
  (:goal (on a b)))
"""


def test_a_domain_file_is_named_and_a_domain_beside_a_problem_is_skipped() -> None:
    from puzzlemdm.puzzles.registry import detect_kind

    assert detect_kind(DOMAIN, "d.pddl").name == "blocksworld"
    with pytest.raises(PuzzleError, match="a PDDL domain file"):
        KIND.parse_text(DOMAIN, "d.pddl")
    (record,) = KIND.parse_text(DOMAIN + PROBLEM, "both.pddl")
    assert record.puzzle.n == 2 and detect_kind(PROBLEM, "p.pddl").name == "blocksworld"


def test_a_goal_asking_the_hand_empty_rejects_a_plan_that_ends_holding_a_block() -> None:
    problem = (
        "(define (problem p) (:domain blocksworld) (:objects a b c)\n(:init (handempty) "
        "(ontable a) (ontable b) (on c a) (clear b) (clear c))\n(:goal (and (on a b){})))"
    )
    plan = "(unstack c a)\n(put-down c)\n(pick-up a)\n(stack a b)\n(pick-up c)\n"
    (asked,) = KIND.parse_text(problem.format(" (handempty)"), "p.pddl")
    (unsaid,) = KIND.parse_text(problem.format(""), "p.pddl")
    verdict = KIND.verify(asked.puzzle, plan)
    assert not verdict.ok and "the hand must be empty (it holds c)" in str(verdict)
    assert KIND.verify(unsaid.puzzle, plan).ok  # PDDL's goal is met: the hand is not in it
    assert KIND.verify(asked.puzzle, plan.removesuffix("(pick-up c)\n")).ok
    (again,) = KIND.parse_text(problem_to_pddl(asked.puzzle), "p.pddl")
    assert again.puzzle == asked.puzzle


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('"blocks": ["a", "b"], "init": "ontable a", "goal": []', "init must be a list of facts"),
        ('"blocks": ["a", "b"], "init": ["ontable a", "ontable b"], "goal": [""]', "empty fact"),
        ('"blocks": ["a", "b"], "init": [5], "goal": []', "a string or a list of words, not 5"),
        ('"blocks": "ab", "init": ["ontable a"], "goal": []', "a list of names, not 'ab'"),
    ],
)
def test_json_of_the_wrong_types_is_named_not_read_letter_by_letter(body, said) -> None:
    with pytest.raises(PuzzleError, match=said):
        KIND.parse_text('{"puzzle": {' + body + "}}\n", "p.jsonl")
