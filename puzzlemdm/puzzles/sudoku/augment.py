"""On-the-fly symmetry augmentation of Sudoku token grids, batched in torch.

Each row of the batch gets its own random element of the validity-preserving group: value
relabelling, row permutations inside bands, band permutations, the same for columns/stacks,
and (square boxes only) a transpose. Puzzle and solution get the same transform, so a unique
puzzle stays unique and its difficulty is unchanged.
"""

from __future__ import annotations

import torch

from puzzlemdm.puzzles.augment import pin_givens
from puzzlemdm.puzzles.grid import MASK, GridSpec


def _line_permutation(
    batch: int, groups: int, size: int, generator: torch.Generator | None, device: torch.device
) -> torch.Tensor:
    """[B, groups*size]: permute the groups (bands), then the lines inside each group."""
    group_order = torch.rand(batch, groups, generator=generator, device=device).argsort(1)
    inner = torch.rand(batch, groups, size, generator=generator, device=device).argsort(2)
    return (group_order[:, :, None] * size + inner).reshape(batch, groups * size)


def sudoku_cell_permutation(
    batch: int,
    box_rows: int,
    box_cols: int,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
) -> torch.Tensor:
    """[B, n*n] source cell for every destination cell, one random symmetry per row."""
    device = torch.device(device)
    n = box_rows * box_cols
    rows = _line_permutation(batch, n // box_rows, box_rows, generator, device)  # bands of rows
    cols = _line_permutation(batch, n // box_cols, box_cols, generator, device)  # stacks of cols
    source = rows[:, :, None] * n + cols[:, None, :]  # [B, n, n]
    if box_rows == box_cols:
        flip = torch.rand(batch, generator=generator, device=device) < 0.5
        source = torch.where(flip[:, None, None], source.transpose(1, 2), source)
    return source.reshape(batch, n * n)


def augment(
    tokens: torch.Tensor,
    target: torch.Tensor,
    allowed: torch.Tensor,
    spec: GridSpec,
    generator: torch.Generator | None = None,
    carry: torch.Tensor | None = None,
) -> tuple[torch.Tensor, ...]:
    """One random symmetry per row of (puzzle tokens, solution tokens, allowed values).

    `carry` [B, L] (e.g. each cell's rank in a solver's order) moves with its cell and is
    returned fourth: a solver's order of the transformed puzzle is the transformed order."""
    box_rows, box_cols = dict(spec.params)["box"]
    tokens, target, carry = transform_sudoku(tokens, target, box_rows, box_cols, generator, carry)
    # blanks allow every value, givens (moved and relabelled) only their own
    allowed = pin_givens(tokens, torch.ones_like(allowed), spec.vocab)
    return (tokens, target, allowed) if carry is None else (tokens, target, allowed, carry)


def transform_sudoku(
    tokens: torch.Tensor,
    target: torch.Tensor,
    box_rows: int,
    box_cols: int,
    generator: torch.Generator | None = None,
    carry: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Apply one random symmetry per row to (puzzle tokens, solution tokens, carry)."""
    batch, _ = tokens.shape
    n = box_rows * box_cols
    cells = sudoku_cell_permutation(batch, box_rows, box_cols, generator, tokens.device)
    relabel = torch.rand(batch, n, generator=generator, device=tokens.device).argsort(1)
    tokens = tokens.gather(1, cells)
    target = target.gather(1, cells)
    new_target = relabel.gather(1, target)
    new_tokens = torch.where(tokens == MASK, tokens, relabel.gather(1, tokens.clamp_min(0)))
    return new_tokens, new_target, None if carry is None else carry.gather(1, cells)
