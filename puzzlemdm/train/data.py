"""Training data: corpus JSONL -> token tensors, de-duplicated against held-out splits."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from puzzlemdm.model.arm import order_ranks
from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind, PuzzleRecord
from puzzlemdm.puzzles.corpus import read_corpora
from puzzlemdm.puzzles.grid import GridSpec, TokenGrid, stack


@dataclass
class TokenSet:
    """Puzzles of one spec as tensors: tokens (MASK where blank), targets, allowed values."""

    spec: GridSpec
    tokens: torch.Tensor  # [N, L]
    target: torch.Tensor  # [N, L]
    allowed: torch.Tensor  # [N, L, V]
    levels: list[str]
    records: list[PuzzleRecord]  # the puzzles themselves, for the kind's verifier
    rank: torch.Tensor | None = None  # [N, L] each blank's place in the solver's order
    weight: torch.Tensor | None = None  # [N] how often each puzzle is drawn (None: uniformly)

    def __len__(self) -> int:
        return self.tokens.shape[0]

    def to(self, device: torch.device | str) -> TokenSet:
        """The same set with its tensors on `device`."""
        return replace(
            self,
            tokens=self.tokens.to(device),
            target=self.target.to(device),
            allowed=self.allowed.to(device),
            rank=None if self.rank is None else self.rank.to(device),
            weight=None if self.weight is None else self.weight.to(device),
        )


def load_token_set(
    paths: list[str],
    exclude: list[str] | None = None,
    limit_each: int | None = None,
    kind_name: str | None = None,
    spec: GridSpec | None = None,
    solver_ranks: bool = False,
    weights: list[float] | None = None,
    training: bool = False,
) -> tuple[TokenSet, int]:
    """Load corpora of one kind (the first `limit_each` of each file) on one grid (`spec`, or
    the smallest that holds them all), dropping puzzles the kind calls equivalent to one in
    `exclude`; returns (set, number dropped). `solver_ranks` adds each puzzle's decision order
    by the kind's classical solver (for ARMs trained on it). `weights` (one per path) set each
    file's share of the draws, whatever its size; without them every puzzle is drawn alike.
    `training`: a training set, also kept apart from the kind's committed test splits whatever
    `exclude` says (a test puzzle copied into a corpus is dropped all the same)."""
    if weights is not None and len(weights) != len(paths):
        raise ValueError(f"{len(weights)} weights for {len(paths)} training files")
    kind, records = read_corpora(paths, kind_name, limit_each=limit_each)
    file_index = {str(p): i for i, p in enumerate(paths)}
    source = np.array([file_index[r.source] for r in records])  # each puzzle's file
    dropped = 0
    if training:
        from puzzlemdm.bench.splits import committed_tests

        given = {Path(p).resolve() for p in exclude or []}
        tests = [t for t in committed_tests(kind) if Path(t).resolve() not in given]
        exclude = [*(exclude or []), *tests]
    if exclude:
        held_out = read_corpora(exclude, kind.name)[1]
        seen = np.asarray(
            kind.equivalent_to_any(records, held_out),
            dtype=bool,
        )
        records = [r for r, equivalent in zip(records, seen, strict=True) if not equivalent]
        dropped = int(seen.sum())
        source = source[~seen]
    if not records:
        raise ValueError("no training puzzles left")
    spec = spec or kind.spec_for([r.puzzle for r in records])
    grids = [_encoded(kind, r, spec) for r in records]
    batch = stack(grids)
    rank = None
    if solver_ranks:
        rank = torch.as_tensor(
            np.stack([order_ranks(kind.solver_order(r, spec), spec.length) for r in records])
        )
    weight = None
    if weights is not None:
        share = np.asarray(weights, dtype=np.float64)
        per_file = np.bincount(source, minlength=len(paths))
        if (share < 0).any() or not (share[per_file > 0] > 0).any():
            raise ValueError(f"training-file weights must be >= 0, some above 0: {weights}")
        weight = torch.as_tensor(share[source] / per_file[source], dtype=torch.float32)
    return TokenSet(
        spec,
        torch.as_tensor(batch["tokens"]),
        torch.as_tensor(batch["target"]),
        torch.as_tensor(batch["allowed"]),
        [r.level or "" for r in records],
        records,
        rank,
        weight,
    ), dropped


def sample_batch(
    data: TokenSet, batch_size: int, generator: torch.Generator
) -> tuple[torch.Tensor, ...]:
    """A random batch (with replacement across steps): tokens, target, allowed, and the solver
    ranks when the set has them (else None).

    Drawn on the generator's device, where `data` must be too."""
    if data.weight is None:
        index = torch.randint(
            len(data), (batch_size,), generator=generator, device=generator.device
        )
    else:
        index = torch.multinomial(data.weight, batch_size, replacement=True, generator=generator)
    rank = None if data.rank is None else data.rank[index]
    return data.tokens[index], data.target[index], data.allowed[index], rank


def level_counts(data: TokenSet) -> dict[str, int]:
    values, counts = np.unique(np.array(data.levels), return_counts=True)
    return {str(v): int(c) for v, c in zip(values, counts, strict=True)}


def _encoded(kind: PuzzleKind, record: PuzzleRecord, spec: GridSpec) -> TokenGrid:
    """A record on the model's grid; a puzzle that does not fit (another size than the training
    puzzles') is an error naming its file and line."""
    try:
        return kind.encode(record.puzzle, record.solution, spec)
    except PuzzleError as exc:
        raise PuzzleError(exc.reason, source=record.source, line=record.line) from None
