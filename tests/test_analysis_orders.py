"""Order analysis: Kendall tau, the kinds' decision facts, and tau of a solver-order path."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from puzzlemdm.analysis.kendall import kendall_tau, tau_between
from puzzlemdm.analysis.paths import analyse_path, reference_orders
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.sudoku import orders
from puzzlemdm.puzzles.sudoku.board import Sudoku
from puzzlemdm.puzzles.sudoku.search import solve_search
from puzzlemdm.puzzles.sudoku.strategy import grade, solve_strategy
from puzzlemdm.puzzles.sudoku.techniques import RANK, SINGLES

# Singles finish it (graded easy); the strategy solver places every blank.
EASY = "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3.."
# Needs more than singles (graded medium by the strategy solver: see the assertion below).
MEDIUM = "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......"
SUDOKU = get_kind("sudoku")


def brute_tau_b(a: list[float], b: list[float]) -> float:
    """tau-b by counting every pair (the definition)."""
    concordant = discordant = ties_a = ties_b = 0
    for i, j in itertools.combinations(range(len(a)), 2):
        da, db = a[i] - a[j], b[i] - b[j]
        if da == 0:
            ties_a += 1
        if db == 0:
            ties_b += 1
        if da * db > 0:
            concordant += 1
        elif da * db < 0:
            discordant += 1
    pairs = len(a) * (len(a) - 1) // 2
    denominator = math.sqrt((pairs - ties_a) * (pairs - ties_b))
    return (concordant - discordant) / denominator if denominator else math.nan


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=2, max_size=30))
def test_kendall_tau_matches_a_brute_force_pair_count(pairs: list[tuple[int, int]]) -> None:
    a = [float(x) for x, _ in pairs]
    b = [float(y) for _, y in pairs]
    fast, slow = kendall_tau(a, b), brute_tau_b(a, b)
    assert (math.isnan(fast) and math.isnan(slow)) or math.isclose(fast, slow, abs_tol=1e-12)


def test_kendall_tau_of_equal_and_reversed_orders() -> None:
    assert kendall_tau([0, 1, 2, 3], [0, 1, 2, 3]) == 1.0
    assert kendall_tau([0, 1, 2, 3], [3, 2, 1, 0]) == -1.0
    assert math.isnan(kendall_tau([1], [1]))
    # only cells both orders rank count: the strategy solver may stop before the end
    assert tau_between({5: 0.0, 7: 1.0, 9: 2.0}, [5, 9]) == (1.0, 2)


def _replay_in_strategy_order(line: str) -> tuple[Sudoku, list, list]:
    puzzle = Sudoku.from_line(line)
    trace = solve_strategy(puzzle).trace
    facts = orders.replay(puzzle, [d.cell for d in trace], [d.value - 1 for d in trace])
    return puzzle, trace, facts


def test_forced_cells_agree_with_the_strategy_solver_on_an_easy_puzzle() -> None:
    puzzle, trace, facts = _replay_in_strategy_order(EASY)
    assert grade(puzzle, search=False).level == "easy"
    assert len(trace) == len(puzzle.blanks)
    for decision, fact in zip(trace, facts, strict=True):
        # a single the solver found stays a single while it places its siblings
        assert fact.forced, decision
        assert fact.technique in SINGLES
        if decision.reason == "naked_single":
            assert fact.technique == "naked_single" and fact.candidates == 1
        assert fact.fewest <= fact.candidates


def test_technique_labels_agree_with_the_strategy_solver_on_a_medium_puzzle() -> None:
    puzzle, trace, facts = _replay_in_strategy_order(MEDIUM)
    hardest = grade(puzzle, search=False).hardest
    assert hardest not in SINGLES
    labels = [f.technique for f in facts]
    # no decision on the solver's own path needs more than the solver used ...
    assert all(RANK.get(t, -1) <= RANK[hardest] for t in labels)
    # ... the cells it could place only after a harder technique are not forced by singles,
    # and their label is the technique that unlocked them
    unlocked = [(d, f) for d, f in zip(trace, facts, strict=True) if d.enabled_by not in SINGLES]
    assert unlocked
    first, fact = unlocked[0]
    assert not fact.forced
    assert fact.technique == first.enabled_by
    assert hardest in labels


def test_a_forced_cell_by_hand() -> None:
    # r1c9 is a naked single: its row holds 1..8
    puzzle = Sudoku.from_line("12345678." + "." * 72)
    facts = orders.replay(puzzle, [8], [8])
    assert facts[0].forced and facts[0].technique == "naked_single" and facts[0].candidates == 1
    # r2c1 is open with 6 candidates and no single in any unit: not forced
    facts = orders.replay(puzzle, [9], [3])
    assert not facts[0].forced and facts[0].candidates == 6


def test_cells_of_one_step_are_judged_on_the_board_before_it() -> None:
    # r1c8 and r1c9 may each hold 8 or 9; once one is written the other is a naked single
    puzzle = Sudoku.from_line("1234567.." + "." * 72)
    one_by_one = orders.replay(puzzle, [7, 8], [7, 8])
    assert [f.forced for f in one_by_one] == [False, True]
    together = orders.replay(puzzle, [7, 8], [7, 8], steps=[0, 0])  # one MED step
    assert [f.forced for f in together] == [False, False]
    assert [f.candidates for f in together] == [2, 2]
    assert orders.replay(puzzle, [7, 8], [7, 8], steps=[0, 1]) == one_by_one


def test_step_groups_split_a_path_by_its_calls() -> None:
    from puzzlemdm.puzzles.base import step_groups

    assert step_groups([5, 6, 7], [1, 2, 3], [0, 0, 2]) == [[(5, 1), (6, 2)], [(7, 3)]]
    assert step_groups([5, 6], [1, 2]) == [[(5, 1)], [(6, 2)]]


def test_a_path_in_the_strategy_solvers_order_scores_tau_one() -> None:
    puzzle = Sudoku.from_line(EASY)
    solution = solve_search(puzzle).answer
    spec = SUDOKU.spec_for([puzzle])
    record = SUDOKU.parse_text(EASY + "\n")[0]
    grid = SUDOKU.encode(puzzle, solution, spec)
    cells = [d.cell for d in solve_strategy(puzzle).trace]
    trace = {
        "id": "easy",
        "order": cells,
        "values": [solution.cells[c] - 1 for c in cells],
        "step": list(range(len(cells))),
        "chosen_entropy": [0.0] * len(cells),
        "chosen_margin": [1.0] * len(cells),
        "cumulative_entropy": 0.0,
        "nfe": len(cells),
        "solved": True,
    }
    masked = np.asarray(grid.tokens) < 0
    references = reference_orders(SUDOKU, record, spec, masked)
    path = analyse_path(
        SUDOKU, spec, record, trace, "easy", references, grid.target, SUDOKU.order_facts()
    )
    assert path.tau["strategy"] == 1.0
    assert path.compared["strategy"] == len(puzzle.blanks)
    assert path.forced.all()
    assert path.first_wrong is None
    assert path.multi_steps == 0


def test_cells_decided_together_are_checked_for_relations() -> None:
    puzzle = Sudoku.from_line(EASY)
    spec = SUDOKU.spec_for([puzzle])
    record = SUDOKU.parse_text(EASY + "\n")[0]
    blanks = list(puzzle.blanks)
    # step 0: two cells of one row (peers); step 1: two cells with no unit in common
    a, b = blanks[0], next(c for c in blanks[1:] if c // 9 == blanks[0] // 9)
    c = next(x for x in blanks if x // 9 not in (0, 1, 2) and x % 9 not in (a % 9, b % 9))
    d = next(x for x in blanks if x // 9 not in (c // 9, 0, 1, 2) and (x % 9) // 3 != (c % 9) // 3)
    trace = {
        "id": "x",
        "order": [a, b, c, d],
        "values": [0, 0, 0, 0],
        "step": [0, 0, 1, 1],
        "chosen_entropy": [0.0] * 4,
        "chosen_margin": [0.0] * 4,
        "cumulative_entropy": 0.0,
        "nfe": 2,
        "solved": False,
    }
    path = analyse_path(SUDOKU, spec, record, trace, "easy", {}, None, None)
    assert (path.multi_steps, path.independent_steps, path.related_pairs, path.pairs) == (
        2,
        1,
        1,
        2,
    )


def test_blocksworld_facts_follow_the_one_move_rule() -> None:
    kind = get_kind("blocksworld")
    record = kind.parse_text(
        '{"id": "t", "kind": "blocksworld", "puzzle": {"blocks": ["a", "b", "c"], '
        '"init": ["ontable a", "ontable b", "ontable c"], '
        '"goal": ["on a b", "on b c", "ontable c"]}}\n'
    )[0]
    spec = kind.spec_for([record.puzzle])
    facts_module = kind.order_facts()
    # row 1: block a moves onto b; then block b (column 1) in row 1 must stay on the table
    facts = facts_module.replay(record.puzzle, [3, 4], [2, 0], spec)
    assert not facts[0].forced
    assert facts[1].forced and facts[1].candidates == 1 and facts[1].technique == "determined"
    together = facts_module.replay(record.puzzle, [3, 4], [2, 0], spec, steps=[0, 0])
    assert together[0] == facts[0] and not together[1].forced  # b's move not yet known
    assert "planner" in facts_module.reference_orders(record.puzzle, spec)


def test_zebra_forced_cells_agree_with_the_strategy_solver() -> None:
    from puzzlemdm.bench.splits import load_split

    kind = get_kind("zebra")
    facts_module = kind.order_facts()
    checked, before = 0, []
    for item in load_split("hard", kind, 30):
        record = item.record
        spec = kind.spec_for([record.puzzle])
        trace = kind.solve(record.puzzle, "strategy").trace
        reasons = [d.reason for d in trace]
        if "lookahead" not in reasons:
            continue
        positions = kind.cell_positions(record.puzzle, spec)
        facts = facts_module.replay(
            record.puzzle, [int(positions[d.cell]) for d in trace], [d.value for d in trace], spec
        )
        first = reasons.index("lookahead")
        # the cell the solver needed lookahead for is never fixed by propagation ...
        assert not facts[first].forced and facts[first].technique == "guess"
        before += [f.technique in ("direct", "propagation") for f in facts[:first]]
        checked += 1
    assert checked >= 10
    # ... and what its propagation fixed before is fixed so in the replay, nearly always (the
    # replay rebuilds the domains from the clues and the placed cells; in 3 of 25 puzzles here
    # the solver's own propagation order fixes a cell or two that the rebuilt one leaves open)
    assert sum(before) / len(before) >= 0.95


def test_zebra_depth_of_a_deduction_by_hand() -> None:
    from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Ref, Zebra, person_cell

    # red lives in house 1; green is directly right of red. One round fixes red (the clue
    # alone); green needs red fixed first (round 2), and blue is what is left (round 2).
    puzzle = Zebra(
        ("colour",),
        (("red", "green", "blue"),),
        (
            Clue(1, "same", ((Ref(0, 0),), (Ref(POSITION, 0),))),
            Clue(2, "left_of_imm", ((Ref(0, 0),), (Ref(0, 1),))),
        ),
    )
    kind = get_kind("zebra")
    spec = kind.spec_for([puzzle])
    facts_module = kind.order_facts()
    positions = kind.cell_positions(puzzle, spec)
    red, green, blue = (int(positions[person_cell(0, v, 1)]) for v in range(3))
    green_first = facts_module.replay(puzzle, [green, red, blue], [1, 0, 2], spec)
    assert [f.technique for f in green_first] == ["propagation", "direct", "direct"]
    assert [f.forced for f in green_first] == [False, True, True]
    assert green_first[0].candidates == 2 and green_first[0].fewest == 1
    assert green_first[0].open_forced == 1 / 3  # of red, green, blue only red is one round away
    red_first = facts_module.replay(puzzle, [red, green, blue], [0, 1, 2], spec)
    assert all(f.forced for f in red_first)
    wrong = facts_module.replay(puzzle, [red, green, blue], [1, 0, 2], spec)
    assert wrong[0].forced and wrong[1].technique == "inconsistent"
    # in one step, green and blue are judged before red is placed: deeper than one round
    together = facts_module.replay(puzzle, [green, red, blue], [1, 0, 2], spec, steps=[4, 4, 4])
    assert [f.technique for f in together] == ["propagation", "direct", "propagation"]


def test_closest_reference_shares_ties_and_partial_taus_say_how_many_paths() -> None:
    from puzzlemdm.analysis.paths import PathAnalysis
    from puzzlemdm.analysis.summary import markdown, summarise

    def path(taus: dict[str, float]) -> PathAnalysis:
        two = np.zeros(2)
        return PathAnalysis(
            "x", "s", "m", True, 1, 0.0, np.array([0, 1]), np.array([0, 1]), two, two,
            tau=taus, compared=dict.fromkeys(taus, 2),
        )  # fmt: skip

    row = summarise([path({"a": 1.0, "b": 1.0}), path({"a": 0.5, "b": 0.0})], np.array([0, 0]))
    assert row["closest"] == {"a": 0.75, "b": 0.25}
    row = summarise([path({"a": 1.0, "b": 0.2}), path({"a": np.nan, "b": 0.0})], np.array([0, 0]))
    assert row["tau"]["a"]["tau_paths"] == 1 and row["tau"]["a"]["mean_cells"] == 2
    header = {
        "checkpoint": "c", "weights_sha256": "w", "parameters": 1, "device": "cpu",
        "threads": 1, "machine": "m", "seed": 0, "command": "x",
    }  # fmt: skip
    table = markdown(header, [{**row, "split": "s", "method": "m"}])
    assert "| 1.00 [1 of 2] | 0.10 |" in table
