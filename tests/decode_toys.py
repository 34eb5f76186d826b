"""Toy models with known distributions for the decoding tests (float64, no training)."""

from __future__ import annotations

import math

import torch

from puzzlemdm.puzzles.grid import MASK

NEG = -1e9


def logits_of(rows: list[list[float]]) -> torch.Tensor:
    """[1, L, V] float64 log-probabilities from probability rows."""
    return torch.log(torch.tensor(rows, dtype=torch.float64))[None]


def entropy_of(row: list[float]) -> float:
    return -sum(p * math.log(p) for p in row if p > 0)


def restrict(logits: torch.Tensor, allowed: torch.Tensor | None) -> torch.Tensor:
    return logits if allowed is None else logits.masked_fill(~allowed, NEG)


class FixedLogits(torch.nn.Module):
    """Ignores the state: position i always predicts the same distribution."""

    def __init__(self, logits: torch.Tensor) -> None:
        super().__init__()
        self.logits = logits

    def forward(self, tokens, allowed=None):
        return restrict(self.logits.expand(tokens.shape[0], -1, -1).clone(), allowed)


class LinearToy(torch.nn.Module):
    """State-dependent and exact: logits = base[i] + sum_j W[i, j] * onehot(token_j), float64."""

    def __init__(self, length: int, vocab: int, seed: int = 0, strength: float = 1.5) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.vocab = vocab
        self.base = 2.0 * torch.randn(length, vocab, generator=g, dtype=torch.float64)
        self.weight = strength * torch.randn(length, length, generator=g, dtype=torch.float64)

    def forward(self, tokens, allowed=None):
        onehot = torch.nn.functional.one_hot(tokens.clamp_min(0), self.vocab).double()
        onehot = onehot * (tokens != MASK)[..., None]
        logits = self.base[None] + torch.einsum("ij,bjv->biv", self.weight, onehot)
        return restrict(logits, allowed)


class Branch(torch.nn.Module):
    """Position 0 is a coin (50/50 over values 0 and 1, vocab 2); the others are sure (0.97)
    once it is 0, uncertain (0.6) while it is masked or 1. Decode it left to right."""

    def forward(self, tokens, allowed=None):
        b, length = tokens.shape
        sure = torch.log(torch.tensor([0.97, 0.03], dtype=torch.float64))
        unsure = torch.log(torch.tensor([0.6, 0.4], dtype=torch.float64))
        rest = torch.where((tokens[:, :1] == 0)[..., None], sure, unsure).expand(b, length, 2)
        logits = rest.clone()
        logits[:, 0] = math.log(0.5)
        return restrict(logits, allowed)


class Coupled(torch.nn.Module):
    """3 positions, 2 values. Position 0 is the most certain (0.95) but tells nothing; deciding
    position 1 (0.8) makes position 2 sure (0.99 instead of 0.6): info-gain prefers 1."""

    def forward(self, tokens, allowed=None):
        b = tokens.shape[0]
        rows = torch.tensor([[0.95, 0.05], [0.8, 0.2], [0.6, 0.4]], dtype=torch.float64)
        probs = rows.expand(b, 3, 2).clone()
        known = tokens[:, 1] != MASK
        probs[known, 2] = torch.tensor([0.99, 0.01], dtype=torch.float64)
        return restrict(probs.log(), allowed)


class Counting(torch.nn.Module):
    """Wraps a model and counts the grids it evaluates."""

    def __init__(self, inner: torch.nn.Module) -> None:
        super().__init__()
        self.inner = inner
        self.calls = 0
        self.grids = 0

    def forward(self, tokens, allowed=None):
        self.calls += 1
        self.grids += tokens.shape[0]
        return self.inner(tokens, allowed)


class Oracle(torch.nn.Module):
    """Knows the solution tokens: p = `confidence` on it, the rest spread evenly."""

    def __init__(self, solution: torch.Tensor, vocab: int, confidence: float = 0.9) -> None:
        super().__init__()
        self.solution, self.vocab, self.confidence = solution, vocab, confidence

    def distribution(self, batch: int) -> torch.Tensor:
        other = (1 - self.confidence) / (self.vocab - 1)
        probs = torch.full((batch, self.solution.shape[0], self.vocab), other, dtype=torch.float64)
        probs.scatter_(2, self.solution.expand(batch, -1)[..., None], self.confidence)
        return probs

    def forward(self, tokens, allowed=None):
        return restrict(self.distribution(tokens.shape[0]).log(), allowed)


class EarlyMistake(Oracle):
    """An oracle that, while more than `crowd` positions are masked, is very sure that position
    `cell` holds the value of position `twin` (a wrong value that clashes with the twin)."""

    def __init__(self, solution, vocab, cell: int, twin: int, crowd: int) -> None:
        super().__init__(solution, vocab)
        self.cell, self.twin, self.crowd = cell, twin, crowd

    def forward(self, tokens, allowed=None):
        probs = self.distribution(tokens.shape[0])
        early = (tokens == MASK).sum(1) > self.crowd
        wrong = torch.full((self.vocab,), 0.001 / (self.vocab - 1), dtype=torch.float64)
        wrong[self.solution[self.twin]] = 0.999
        probs[early, self.cell] = wrong
        return restrict(probs.log(), allowed)


# A 4x4 Sudoku (boxes 2x2) and its solution as tokens (value - 1), for decoding tests.
SOLUTION = torch.tensor([0, 1, 2, 3, 2, 3, 0, 1, 1, 0, 3, 2, 3, 2, 1, 0])
GIVENS = [0, 3, 10, 15]


def grid(givens: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Tokens with only the positions `givens` filled from SOLUTION; all values allowed."""
    tokens = torch.full((1, 16), MASK)
    tokens[0, givens] = SOLUTION[givens]
    allowed = torch.ones(1, 16, 4, dtype=torch.bool)
    allowed[0, givens] = False
    allowed[0, givens, SOLUTION[givens]] = True
    return tokens, allowed
