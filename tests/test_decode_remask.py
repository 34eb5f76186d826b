"""Re-masking loops: the model's self-check, what it re-opens, and the loop's bookkeeping."""

import math

import torch
from decode_toys import GIVENS, SOLUTION, Counting, EarlyMistake, Oracle, grid

from puzzlemdm.decode import MethodConfig, run_method
from puzzlemdm.decode.core import decode_path
from puzzlemdm.decode.remask import remask_loop, reopen_mask, self_check
from puzzlemdm.decode.rules import differ_verifier
from puzzlemdm.puzzles.grid import MASK
from puzzlemdm.puzzles.sudoku.tokens import sudoku_spec

DIFFER = torch.as_tensor(sudoku_spec(2, 2).differ)


def stubborn_path():
    """A model sure of a grid with a duplicate (cell 5 = cell 4), and its first path."""
    stubborn = SOLUTION.clone()
    stubborn[5] = stubborn[4]
    model = Counting(Oracle(stubborn, 4, confidence=0.99))
    tokens, allowed = grid(GIVENS)
    return stubborn, model, tokens, allowed, decode_path(model, tokens, allowed)


def test_self_check_scores_every_decision_once_in_groups_calls():
    model = Counting(Oracle(SOLUTION, 4, confidence=0.9))
    tokens, allowed = grid(GIVENS)
    answer = SOLUTION.clone()[None]
    answer[0, 5] = 0  # wrong (the oracle gives it 0.1 / 3)
    condition = tokens != MASK
    checked = self_check(
        model, answer, condition, allowed, 3, generator=torch.Generator().manual_seed(0)
    )
    assert model.grids == 3
    assert (checked[condition] == 0).all()
    expected = torch.full((16,), math.log(0.9), dtype=torch.float64)
    expected[5] = math.log(0.1 / 3)
    decided = ~condition[0]
    assert torch.allclose(checked[0, decided], expected[decided])


def test_reopen_mask_takes_doubted_and_lowest_margin_decisions_never_givens():
    condition = torch.tensor([[True, False, False, False, False]])
    checked = torch.log(torch.tensor([[1.0, 0.9, 0.2, 0.95, 0.99]], dtype=torch.float64))
    checked[0, 0] = 0.0
    margin = torch.tensor([[0.0, 0.5, 0.9, 0.1, 0.3]], dtype=torch.float64)
    assert reopen_mask(checked, condition, 0.5).tolist() == [[False, False, True, False, False]]
    # half of the 4 decisions by margin, besides the doubted one: positions 3 and 4
    both = reopen_mask(checked, condition, 0.5, margin, fraction=0.5)
    assert both.tolist() == [[False, False, True, True, True]]


def test_the_loop_fixes_an_early_mistake_the_self_check_sees():
    # The early mistake at cell 5 (a clash with cell 4) is made while the grid is crowded; in
    # the self-check the grid is nearly full, the model knows better and re-opens cell 5 only.
    model = Counting(EarlyMistake(SOLUTION, 4, cell=5, twin=4, crowd=8))
    tokens, allowed = grid(GIVENS)
    first = decode_path(model, tokens, allowed)
    assert first.tokens[0, 5] == SOLUTION[4]
    fixed = remask_loop(
        model, tokens, allowed, first, rounds=3, groups=4,
        generator=torch.Generator().manual_seed(0),
    )  # fmt: skip
    assert fixed.tokens[0].tolist() == SOLUTION.tolist()
    assert fixed.info["remask_rounds"].tolist() == [1]  # then a fixed point
    assert fixed.info["chosen_round"].tolist() == [1]
    assert fixed.nfe.item() == model.grids == 12 + 4 + 1 + 4  # path, check, cell 5, check
    assert fixed.order[0, 12].item() == 5


def test_a_self_consistent_wrong_answer_is_a_fixed_point_the_loop_cannot_see():
    # The model believes a grid with a duplicate, everywhere: its check doubts nothing.
    stubborn, model, tokens, allowed, first = stubborn_path()
    out = remask_loop(model, tokens, allowed, first, rounds=3, groups=2)
    assert out.info["remask_rounds"].tolist() == [0]
    assert out.tokens[0].tolist() == stubborn.tolist()
    assert not differ_verifier(DIFFER)(out.tokens).item()


def test_with_a_fraction_every_round_runs_until_the_verifier_accepts():
    _, model, tokens, allowed, first = stubborn_path()
    out = remask_loop(
        model, tokens, allowed, first, rounds=2, groups=1, fraction=0.25,
        verifier=differ_verifier(DIFFER),
    )  # fmt: skip
    assert out.info["remask_rounds"].tolist() == [2]  # 3 of 12 decisions re-opened each round
    assert out.nfe.item() == model.grids == 12 + 3 * 1 + 2 * 3


def test_run_method_names_the_loop_and_keeps_verified_answers():
    model = EarlyMistake(SOLUTION, 4, cell=5, twin=4, crowd=8)
    tokens, allowed = grid(GIVENS)
    method = MethodConfig(remask_rounds=2, remask_groups=4, select="verified-first")
    out = run_method(model, tokens, allowed, method, differ=DIFFER)
    assert method.name.endswith("+remask2g4-vf")
    assert out.tokens[0].tolist() == SOLUTION.tolist()
