"""Token grids, the MDM forward pass, augmentation and the training objective."""

import numpy as np
import pytest
import torch

from puzzlemdm.model.backbone import BackboneConfig
from puzzlemdm.model.mdm import MaskedDiffusionModel, ModelConfig
from puzzlemdm.puzzles.grid import MASK, stack
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.sudoku.augment import sudoku_cell_permutation, transform_sudoku
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku
from puzzlemdm.puzzles.sudoku.tokens import sudoku_spec
from puzzlemdm.train.losses import mask_for_training, mdm_loss


def pattern_solution(box_rows: int, box_cols: int) -> Sudoku:
    """A valid solved grid from the shifted-rows pattern."""
    n = box_rows * box_cols
    cells = [
        ((r % box_rows) * box_cols + r // box_rows + c) % n + 1 for r in range(n) for c in range(n)
    ]
    return Sudoku(Shape(box_rows, box_cols), tuple(cells))


def is_valid(cells: np.ndarray, shape: Shape) -> bool:
    return all(len({int(cells[i]) for i in unit}) == shape.n for unit in shape.units)


@pytest.mark.parametrize("box", [(2, 2), (2, 3), (3, 3)])
def test_encode_decode_round_trip(box):
    solution = pattern_solution(*box)
    puzzle = solution.with_cells([v if i % 3 else 0 for i, v in enumerate(solution.cells)])
    grid = get_kind("sudoku").encode(puzzle, solution)
    assert (grid.tokens[grid.is_condition] >= 0).all() and (
        grid.tokens[~grid.is_condition] == MASK
    ).all()
    assert grid.allowed[grid.is_condition].sum(1).tolist() == [1] * int(grid.is_condition.sum())
    assert get_kind("sudoku").decode_tokens(puzzle, grid.tokens, grid.spec) == puzzle
    assert get_kind("sudoku").decode_tokens(puzzle, grid.target, grid.spec) == solution


def test_relation_types_mark_exactly_the_peers():
    spec = sudoku_spec(3, 3)
    shape = Shape(3, 3)
    for cell in (0, 40, 80):
        peers = set(np.flatnonzero(spec.differ[cell]).tolist())
        assert peers == set(shape.peers[cell])
    assert spec.relation[0, 0] == 7 and spec.relation[0, 80] == 0 and spec.relation[0, 1] == 1 + 4


@pytest.mark.parametrize("box", [(2, 2), (2, 3), (3, 3)])
def test_augmentation_keeps_grids_valid_and_consistent(box):
    shape = Shape(*box)
    solution = pattern_solution(*box)
    puzzle = solution.with_cells([v if i % 2 else 0 for i, v in enumerate(solution.cells)])
    batch = stack([get_kind("sudoku").encode(puzzle, solution)] * 16)
    tokens, target, _ = transform_sudoku(
        torch.as_tensor(batch["tokens"]),
        torch.as_tensor(batch["target"]),
        *box,
        generator=torch.Generator().manual_seed(0),
    )
    assert len({tuple(row) for row in target.tolist()}) > 1  # really transformed
    for row_tokens, row_target in zip(tokens.numpy(), target.numpy(), strict=True):
        assert is_valid(row_target, shape)
        given = row_tokens >= 0
        assert (row_tokens[given] == row_target[given]).all()
        assert given.sum() == sum(1 for v in puzzle.cells if v)


def test_cell_permutation_is_a_permutation():
    perm = sudoku_cell_permutation(32, 3, 3, torch.Generator().manual_seed(1))
    assert (perm.sort(1).values == torch.arange(81)).all()


def tiny_model(seed: int = 0) -> MaskedDiffusionModel:
    torch.manual_seed(seed)
    spec = sudoku_spec(2, 2)
    cfg = ModelConfig(
        BackboneConfig(n_layers=2, d_model=32, n_heads=4, coord_sizes=[4, 4, 4]), spec.signature()
    )
    return MaskedDiffusionModel(cfg, spec)


def test_logits_respect_allowed_values():
    model = tiny_model()
    solution = pattern_solution(2, 2)
    puzzle = solution.with_cells([v if i < 8 else 0 for i, v in enumerate(solution.cells)])
    batch = stack([get_kind("sudoku").encode(puzzle, solution)])
    logits = model(torch.as_tensor(batch["tokens"]), torch.as_tensor(batch["allowed"]))
    chosen = logits.argmax(-1)[0]
    assert (
        chosen[:8] == torch.as_tensor(batch["target"][0, :8])
    ).all()  # givens: one value allowed


def test_bfloat16_compute_applies_in_whichever_thread_calls_the_model():
    import threading

    model = tiny_model().eval()
    tokens = torch.full((3, 16), MASK)
    exact = model(tokens)
    model.compute_dtype = torch.bfloat16
    out = {}
    worker = threading.Thread(target=lambda: out.update(logits=model(tokens)))  # as guided search
    worker.start()
    worker.join()
    assert out["logits"].dtype == torch.float32
    assert not torch.equal(out["logits"], exact)  # bfloat16 products were used ...
    torch.testing.assert_close(out["logits"], exact, atol=0.05, rtol=0.05)  # ... and are close


def test_masking_never_touches_conditions_and_follows_t():
    gen = torch.Generator().manual_seed(0)
    target = torch.randint(0, 9, (512, 81), generator=gen)
    is_condition = torch.zeros(512, 81, dtype=torch.bool)
    is_condition[:, :20] = True
    noisy, masked, t = mask_for_training(target, is_condition, 1e-3, gen)
    assert not masked[:, :20].any()
    assert (noisy[masked] == MASK).all() and (noisy[~masked] == target[~masked]).all()
    rate = masked[:, 20:].float().mean(1)
    assert torch.corrcoef(torch.stack([rate, t]))[0, 1] > 0.9
    assert t.min() >= 1e-3 and t.max() <= 1  # stratified: every slice of [eps, 1] drawn once
    assert (torch.sort(t).values[::64] < torch.linspace(0, 1, 9)[1:]).all()


def test_loss_is_zero_for_perfect_logits_and_weighted_by_inverse_t():
    target = torch.tensor([[0, 1, 2, 3]])
    perfect = torch.nn.functional.one_hot(target, 4).float() * 100
    masked = torch.tensor([[True, True, False, False]])
    assert mdm_loss(perfect, target, masked, torch.tensor([0.5]), torch.tensor([4])) < 1e-6
    uniform = torch.zeros(1, 4, 4)
    loss = mdm_loss(uniform, target, masked, torch.tensor([0.5]), torch.tensor([4]))
    assert loss.item() == pytest.approx(2 * np.log(4) / 0.5 / 4)
