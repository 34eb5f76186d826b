"""The puzzle's all-different rules on token batches: pruning, conflicts, a batched verifier.

`differ` is GridSpec.differ as a [L, L] bool tensor: positions that must hold different values
(for Sudoku, two cells sharing a row, column or box). Applying rules is not search: these
helpers only look at the grid as it stands.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from puzzlemdm.puzzles.grid import MASK

Verifier = Callable[[torch.Tensor], torch.Tensor]  # final tokens [B, L] -> accepted [B] bool


def excluded_values(tokens: torch.Tensor, differ: torch.Tensor, vocab: int) -> torch.Tensor:
    """[B, L, V] values already held by a position that must differ from this one."""
    placed = torch.nn.functional.one_hot(tokens.clamp_min(0), vocab).float()
    placed = placed * (tokens >= 0)[..., None]
    return torch.einsum("ij,bjv->biv", differ.to(tokens.device).float(), placed) > 0


def conflict_pairs(tokens: torch.Tensor, differ: torch.Tensor) -> torch.Tensor:
    """[B, L, L] pairs (i, j) that must differ but hold the same (written) value."""
    differ = differ.to(tokens.device)
    same = tokens[:, :, None] == tokens[:, None, :]
    written = tokens >= 0
    return same & differ[None] & written[:, :, None] & written[:, None, :]


def conflict_cells(tokens: torch.Tensor, differ: torch.Tensor, scope: str = "unit") -> torch.Tensor:
    """[B, L] positions involved in a violated rule.

    scope "pair": the two positions of each clashing pair. scope "unit": also every position
    that must differ from *both* of them, i.e. the rest of the shared unit(s); for Sudoku that is
    every cell of a row/column/box holding a duplicate.
    """
    clash = conflict_pairs(tokens, differ)
    cells = clash.any(2)
    if scope == "pair":
        return cells
    if scope != "unit":
        raise ValueError(f"unknown repair scope {scope!r}; choose pair or unit")
    d = differ.to(tokens.device, torch.float32)
    # sum_ij clash[b,i,j] d[i,k] d[j,k] > 0: k is a common peer of some clashing pair.
    common = (d[None] * (clash.float() @ d)).sum(1) > 0
    return cells | common


def differ_verifier(differ: torch.Tensor) -> Verifier:
    """A batched verifier from the rules alone: nothing masked and no clashing pair."""

    def verify(tokens: torch.Tensor) -> torch.Tensor:
        return (tokens != MASK).all(1) & ~conflict_pairs(tokens, differ).flatten(1).any(1)

    return verify
