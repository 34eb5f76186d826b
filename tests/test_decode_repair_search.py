"""Verifier-guided repair and MDM-guided complete search, on toy models."""

import json
from pathlib import Path

import pytest
import torch
from decode_toys import (
    GIVENS,
    SOLUTION,
    Counting,
    EarlyMistake,
    FixedLogits,
    LinearToy,
    Oracle,
    grid,
)

from puzzlemdm.decode import (
    MethodConfig,
    classical_nodes,
    guided_search,
    guided_search_batch,
    kind_violations,
    repair,
    run_method,
)
from puzzlemdm.decode.core import decode_path
from puzzlemdm.decode.repair import repair_mask
from puzzlemdm.decode.rules import conflict_cells, differ_verifier
from puzzlemdm.puzzles.grid import MASK
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku
from puzzlemdm.puzzles.sudoku.search import solve_search
from puzzlemdm.puzzles.sudoku.tokens import sudoku_spec
from puzzlemdm.puzzles.sudoku.verify import verify

SUDOKU = get_kind("sudoku")
SPEC = sudoku_spec(2, 2)  # 4x4: rows of 4, boxes 2x2
SPEC9 = sudoku_spec(3, 3)
DIFFER = torch.as_tensor(SPEC.differ)


def given_puzzle(givens: list[int]) -> Sudoku:
    """The 4x4 puzzle whose givens are SOLUTION's at `givens`."""
    cells = [int(v) + 1 if i in givens else 0 for i, v in enumerate(SOLUTION)]
    return Sudoku(Shape(2, 2), tuple(cells))


def test_conflict_cells_pair_and_unit_scopes():
    partial = torch.full((1, 16), MASK)
    partial[0, [0, 2]] = 0  # cells 0 and 2: same row, different boxes
    assert conflict_cells(partial, DIFFER, "pair")[0].nonzero().flatten().tolist() == [0, 2]
    assert conflict_cells(partial, DIFFER, "unit")[0].nonzero().flatten().tolist() == [0, 1, 2, 3]
    boxed = torch.full((1, 16), MASK)
    boxed[0, [0, 1]] = 3  # cells 0 and 1 share a row and a box
    assert conflict_cells(boxed, DIFFER)[0].nonzero().flatten().tolist() == [0, 1, 2, 3, 4, 5]
    wrong = SOLUTION.clone()[None]
    wrong[0, 2] = 0  # clashes with cell 0 (row) and cell 6 (column and box)
    assert conflict_cells(wrong, DIFFER, "pair")[0].nonzero().flatten().tolist() == [0, 2, 6]
    assert differ_verifier(DIFFER)(torch.cat([SOLUTION[None], wrong])).tolist() == [True, False]
    assert not differ_verifier(DIFFER)(partial).item()  # masked cells left: not an answer


def test_repair_mask_adds_lowest_margin_decisions_and_never_givens():
    wrong = SOLUTION.clone()[None]
    wrong[0, 2] = 0  # row 0, column 2 and box 1 are broken
    condition = torch.zeros(1, 16, dtype=torch.bool)
    condition[0, 0] = True
    margin = torch.linspace(0.9, 0.1, 16, dtype=torch.float64)[None]  # cell 15 is least sure
    mask = repair_mask(wrong, condition, DIFFER, margin, extra=2)
    # {0,1,2,3} + column {2,6,10,14} + box {2,3,6,7}, less given 0, plus 15 and 13 (14 is in)
    assert mask[0].nonzero().flatten().tolist() == [1, 2, 3, 6, 7, 10, 13, 14, 15]
    assert not repair_mask(SOLUTION[None], condition, DIFFER, margin, extra=2).any()


REOPENED = [1, 4, 5, 6, 7, 9, 13]  # row 1 + box 0 + column 1 (clashes 4-5 and 5-13), not givens


def test_repair_fixes_a_planted_conflict():
    # While more than 8 cells are masked the model is sure that cell 5 holds cell 4's value, so
    # it goes first and the path ends with duplicates. Re-opened (7 cells), it comes out right.
    model = Counting(EarlyMistake(SOLUTION, 4, cell=5, twin=4, crowd=8))
    tokens, allowed = grid(GIVENS)
    first = decode_path(model, tokens, allowed)
    assert first.order[0, 0] == 5 and first.tokens[0, 5] == SOLUTION[4]
    assert not differ_verifier(DIFFER)(first.tokens).item()
    fixed = repair(model, tokens, allowed, first, differ=DIFFER, rounds=3, extra=0)
    assert fixed.tokens[0].tolist() == SOLUTION.tolist()
    assert fixed.info["repaired"].tolist() == [True] and fixed.info["repair_rounds"].tolist() == [1]
    assert fixed.nfe.item() == 12 + 7 == model.grids
    decisions = fixed.order[0][fixed.order[0] >= 0].tolist()
    assert decisions[:12] == first.order[0].tolist() and sorted(decisions[12:]) == REOPENED
    assert fixed.n_steps.item() == 19 and fixed.step_entropy.shape[1] == 19
    assert fixed.step[0, 12:].tolist() == list(range(12, 19))
    assert fixed.cumulative_entropy.item() == pytest.approx(fixed.step_entropy.sum().item())


def test_repair_is_bounded_by_its_rounds():
    # A model that always writes a duplicate (rules off): every round fails, NFE counts each.
    stubborn = SOLUTION.clone()
    stubborn[5] = stubborn[4]
    model = Counting(Oracle(stubborn, 4, confidence=0.99))
    tokens, allowed = grid(GIVENS)
    first = decode_path(model, tokens, allowed)
    fixed = repair(model, tokens, allowed, first, differ=DIFFER, rounds=2, extra=1, prune=False)
    assert fixed.info["repair_rounds"].tolist() == [2]
    assert fixed.info["repaired"].tolist() == [False]
    assert fixed.nfe.item() == model.grids == 12 + 2 * (7 + 1)  # re-opened + 1 extra, twice


def test_sudoku_verifier_names_the_clashing_cells_inside_the_unit_scope():
    puzzle = given_puzzle(GIVENS)
    wrong = SOLUTION.clone()[None]
    wrong[0, 2] = 0  # clashes with cell 0 (row) and cell 6 (column and box)
    named = kind_violations(SUDOKU, [puzzle], SPEC)(wrong)
    assert named[0].nonzero().flatten().tolist() == [0, 2, 6]
    assert not (named & ~conflict_cells(wrong, DIFFER, "unit")).any()  # the union changes nothing
    assert not kind_violations(SUDOKU, [puzzle], SPEC)(SOLUTION[None]).any()


def test_repair_with_the_kinds_violations_matches_the_rules_alone_on_sudoku():
    puzzle = given_puzzle(GIVENS)
    tokens, allowed = grid(GIVENS)
    outs = []
    for violations in (None, kind_violations(SUDOKU, [puzzle], SPEC)):
        model = EarlyMistake(SOLUTION, 4, cell=5, twin=4, crowd=8)
        first = decode_path(model, tokens, allowed)
        outs.append(repair(model, tokens, allowed, first, differ=DIFFER, violations=violations))
    assert torch.equal(outs[0].tokens, outs[1].tokens) and torch.equal(outs[0].order, outs[1].order)
    assert outs[1].info["repaired"].tolist() == [True]


def test_run_method_repairs_only_invalid_rows_and_names_itself():
    model = EarlyMistake(SOLUTION, 4, cell=5, twin=4, crowd=8)
    tokens, allowed = grid(GIVENS)
    easy, easy_allowed = grid([i for i in range(16) if i != 9])
    batch = torch.cat([tokens, easy]), torch.cat([allowed, easy_allowed])
    result = run_method(model, *batch, MethodConfig(repair=True, repair_extra=0), differ=DIFFER)
    assert result.info["repair_rounds"].tolist() == [1, 0]
    assert (result.tokens == SOLUTION).all(1).tolist() == [True, True]
    assert result.nfe.tolist() == [19, 1]
    assert result.info["method"] == "margin+repair3"


SUDOKU_9 = Path("datasets/sudoku/hard/test.jsonl")


def hard_puzzles(count: int) -> list[tuple[Sudoku, Sudoku]]:
    if not SUDOKU_9.exists():
        pytest.skip("datasets/sudoku/hard/test.jsonl is missing")
    rows = [json.loads(line) for line in SUDOKU_9.read_text().splitlines()[:count]]
    return [(Sudoku.from_line(r["puzzle"]), Sudoku.from_line(r["solution"])) for r in rows]


def test_guided_search_solves_hard_puzzles_even_with_a_clueless_model():
    flat = FixedLogits(torch.zeros(1, 81, 9, dtype=torch.float64))
    for puzzle, solution in hard_puzzles(3):
        out = guided_search(flat, SUDOKU, puzzle, SPEC9)
        assert out.answer == solution and verify(puzzle, out.answer).ok
        assert out.nodes >= 1 and out.nfe <= out.nodes


def test_guided_search_with_an_oracle_never_backtracks():
    for puzzle, solution in hard_puzzles(3):
        oracle = Oracle(torch.tensor(solution.cells) - 1, 9)
        out = guided_search(oracle, SUDOKU, puzzle, SPEC9)
        assert out.answer == solution
        assert out.backtracks == 0 and out.nodes == out.guesses + 1


def test_guided_search_returns_none_on_invalid_puzzles():
    clueless = FixedLogits(torch.zeros(1, 16, 4, dtype=torch.float64))
    clash = Sudoku(Shape(2, 2), (1, 1) + (0,) * 14)  # two 1s in a row
    empty_cell = Sudoku(Shape(2, 2), (1, 2, 0, 0, 0, 0, 3, 0, 0, 0, 4) + (0,) * 5)
    assert guided_search(clueless, SUDOKU, clash, SPEC).answer is None
    assert guided_search(clueless, SUDOKU, empty_cell, SPEC).answer is None  # cell 2: nothing


def test_guided_search_batch_is_a_trace_with_node_counts():
    puzzles = hard_puzzles(2)
    flat = Counting(FixedLogits(torch.zeros(1, 81, 9, dtype=torch.float64)))
    result = guided_search_batch(
        flat, SUDOKU, [p for p, _ in puzzles], SPEC9, compare_classical=True
    )
    for row, (puzzle, solution) in enumerate(puzzles):
        assert (result.tokens[row] + 1).tolist() == list(solution.cells)
        # the path: every blank once, at its position, with the answer's value
        path = result.order[row][result.order[row] >= 0]
        assert sorted(path.tolist()) == list(puzzle.blanks)
        assert torch.equal(result.values[row][: len(path)], result.tokens[row][path])
    assert result.info["found"].tolist() == [True, True]
    assert result.nfe.sum().item() == flat.grids
    assert (result.info["nodes"] >= 1).all()
    assert result.step_entropy.shape[1] == int(result.nfe.max())


def test_classical_nodes_in_token_space_are_the_mrv_search_s():
    # MRV over the token grid's allowed arrays (fewest values, ascending) is the Sudoku search's
    # own MRV: the same nodes, puzzle by puzzle, including one that needs backtracking.
    puzzles = [p for p, _ in hard_puzzles(8)]
    ours = [classical_nodes(SUDOKU, p, SPEC9) for p in puzzles]
    assert ours == [solve_search(p).stats["nodes"] for p in puzzles]
    assert max(ours) > 2
    flat = FixedLogits(torch.zeros(1, 81, 9, dtype=torch.float64))
    result = guided_search_batch(flat, SUDOKU, puzzles[:2], SPEC9, compare_classical=True)
    assert result.info["classical_nodes"].tolist() == ours[:2]


def test_searches_run_together_share_passes_and_match_one_by_one():
    puzzles = [p for p, _ in hard_puzzles(4)]
    alone = Counting(LinearToy(81, 9, seed=3))
    together = Counting(LinearToy(81, 9, seed=3))
    one_by_one = guided_search_batch(alone, SUDOKU, puzzles, SPEC9, batched=False)
    batched = guided_search_batch(together, SUDOKU, puzzles, SPEC9)
    assert torch.equal(one_by_one.tokens, batched.tokens)
    for key in ("nodes", "guesses", "backtracks"):
        assert torch.equal(one_by_one.info[key], batched.info[key]), key
    assert torch.equal(one_by_one.nfe, batched.nfe)
    assert torch.equal(one_by_one.order, batched.order)
    assert alone.calls == int(one_by_one.nfe.sum())  # a pass per node
    assert together.calls == int(batched.nfe.max())  # a pass per round of the longest search
    assert together.grids == alone.grids


@pytest.mark.parametrize("batched", [False, True])
def test_sibling_batches_change_only_the_pass_count(batched):
    puzzles = [p for p, _ in hard_puzzles(4)]
    plain_model = Counting(LinearToy(81, 9, seed=5))
    sibling_model = Counting(LinearToy(81, 9, seed=5))
    plain = guided_search_batch(plain_model, SUDOKU, puzzles, SPEC9, batched=batched)
    siblings = guided_search_batch(
        sibling_model, SUDOKU, puzzles, SPEC9, batched=batched, siblings=True
    )
    # The same search (same choices, same nodes), the same answers and path entropies ...
    assert torch.equal(plain.tokens, siblings.tokens)
    assert torch.equal(plain.order, siblings.order)
    for key in ("nodes", "guesses", "backtracks"):
        assert torch.equal(plain.info[key], siblings.info[key]), key
    torch.testing.assert_close(plain.step_entropy, siblings.step_entropy)
    # ... in fewer passes wherever the search backtracked to a sibling, evaluating more grids.
    assert (siblings.nfe <= plain.nfe).all()
    assert (siblings.nfe < plain.nfe).any()
    assert torch.equal(plain.info["rows"], plain.nfe)
    assert (siblings.info["rows"] >= plain.info["rows"]).all()
    assert sibling_model.grids == int(siblings.info["rows"].sum())


def test_a_failing_model_call_reaches_every_search_instead_of_hanging():
    class Broken(torch.nn.Module):
        def forward(self, tokens, allowed=None):
            raise ValueError("boom")

    puzzles = [p for p, _ in hard_puzzles(3)]
    with pytest.raises(RuntimeError, match="batched model call failed"):
        guided_search_batch(Broken(), SUDOKU, puzzles, SPEC9)


def test_branching_among_the_fewest_values_with_a_clueless_model_is_mrv():
    # Every margin ties, so the model's choice among the fewest-valued positions is the first
    # of them and its value order ascending: MRV itself, node for node.
    puzzles = [p for p, _ in hard_puzzles(8)]
    flat = FixedLogits(torch.zeros(1, 81, 9, dtype=torch.float64))
    fewest = [guided_search(flat, SUDOKU, p, SPEC9, branch="fewest").nodes for p in puzzles]
    assert fewest == [classical_nodes(SUDOKU, p, SPEC9) for p in puzzles]
    anywhere = [guided_search(flat, SUDOKU, p, SPEC9).nodes for p in puzzles]
    assert anywhere != fewest  # the margin rule would branch on the first open position
    with pytest.raises(ValueError, match="branch rule"):
        guided_search(flat, SUDOKU, puzzles[0], SPEC9, branch="widest")


def test_the_solver_checks_branch_rules_against_guided_search_s_own():
    from puzzlemdm.decode.guided import BRANCHES
    from puzzlemdm.solving import GUIDED_BRANCHES, SolveConfig, UsageError

    assert GUIDED_BRANCHES == BRANCHES
    with pytest.raises(UsageError, match="--branch"):
        SolveConfig(branch="widest").check()
