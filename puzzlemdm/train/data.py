"""Training data: corpus JSONL -> token tensors, de-duplicated against held-out splits."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from puzzlemdm.puzzles.sudoku import Shape, Sudoku
from puzzlemdm.tokens import GridSpec, encode, stack


@dataclass
class TokenSet:
    """Puzzles of one spec as tensors: tokens (MASK where blank), targets, allowed values."""

    spec: GridSpec
    tokens: torch.Tensor  # [N, L]
    target: torch.Tensor  # [N, L]
    allowed: torch.Tensor  # [N, L, V]
    levels: list[str]

    def __len__(self) -> int:
        return self.tokens.shape[0]

    def to(self, device: torch.device | str) -> TokenSet:
        """The same set with its tensors on `device`."""
        return replace(
            self,
            tokens=self.tokens.to(device),
            target=self.target.to(device),
            allowed=self.allowed.to(device),
        )


def read_sudoku_corpus(path: str | Path) -> list[tuple[Sudoku, Sudoku, str]]:
    """(puzzle, solution, level) from a corpus JSONL (every line needs a solution)."""
    rows = []
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        box = item.get("meta", {}).get("box")
        shape = Shape(*box) if box else None
        if not item.get("solution"):
            raise ValueError(f"{path}:{number}: a training puzzle needs a solution")
        rows.append(
            (
                Sudoku.from_line(item["puzzle"], shape),
                Sudoku.from_line(item["solution"], shape),
                item.get("level") or "",
            )
        )
    return rows


def canonical_keys(rows: list[tuple[Sudoku, Sudoku, str]]) -> set[str]:
    """Canonical forms (under the symmetry group) of the puzzles: for leak-free de-duplication."""
    from puzzlemdm.puzzles.sudoku_symmetry import canonical_form

    return {canonical_form(puzzle) for puzzle, _, _ in rows}


def load_token_set(
    paths: list[str], exclude: list[str] | None = None, limit_each: int | None = None
) -> tuple[TokenSet, int]:
    """Load corpora (the first `limit_each` of each file), drop puzzles equivalent to any in
    `exclude`; returns (set, number dropped)."""
    rows = [row for path in paths for row in read_sudoku_corpus(path)[:limit_each]]
    dropped = 0
    if exclude:
        from puzzlemdm.puzzles.sudoku_symmetry import canonical_form, orbit_invariant

        held_rows = [row for p in exclude for row in read_sudoku_corpus(p)]
        held_out = canonical_keys(held_rows)
        # The exact form costs ~1 ms a puzzle; most puzzles are ruled out by the cheap invariant.
        could_match = {orbit_invariant(puzzle) for puzzle, _, _ in held_rows}
        kept = [
            row
            for row in rows
            if orbit_invariant(row[0]) not in could_match or canonical_form(row[0]) not in held_out
        ]
        dropped = len(rows) - len(kept)
        rows = kept
    if not rows:
        raise ValueError("no training puzzles left")
    grids = [encode("sudoku", puzzle, solution) for puzzle, solution, _ in rows]
    batch = stack(grids)
    return TokenSet(
        grids[0].spec,
        torch.as_tensor(batch["tokens"]),
        torch.as_tensor(batch["target"]),
        torch.as_tensor(batch["allowed"]),
        [level for _, _, level in rows],
    ), dropped


def sample_batch(
    data: TokenSet, batch_size: int, generator: torch.Generator
) -> tuple[torch.Tensor, ...]:
    """A random batch (with replacement across steps): tokens, target, allowed.

    Drawn on the generator's device, where `data` must be too."""
    index = torch.randint(len(data), (batch_size,), generator=generator, device=generator.device)
    return data.tokens[index], data.target[index], data.allowed[index]


def allowed_from_tokens(tokens: torch.Tensor, vocab: int) -> torch.Tensor:
    """Allowed values after augmentation: givens allow only their value, blanks every value."""
    allowed = torch.ones(*tokens.shape, vocab, dtype=torch.bool, device=tokens.device)
    given = tokens >= 0
    one_hot = torch.nn.functional.one_hot(tokens.clamp_min(0), vocab).bool()
    return torch.where(given[..., None], one_hot, allowed)


def level_counts(data: TokenSet) -> dict[str, int]:
    values, counts = np.unique(np.array(data.levels), return_counts=True)
    return {str(v): int(c) for v, c in zip(values, counts, strict=True)}
