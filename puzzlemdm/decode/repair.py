"""Verifier-guided repair: re-open the cells behind a violated rule and decode them again.

After a path ends invalid, the positions in violated all-different rules (the clashing pair, or
with scope "unit" every position that must differ from both, i.e. the rest of the shared row /
column / box) are masked again, together with the positions the kind's verifier names (the
cells of each broken clue, duplicate, ...: `kind_violations`) and the `extra` least-confident
decisions of the path (lowest margin when they were made: a wrong early guess may sit outside
the clashing unit). The grid is then decoded again with the same step config. At most `rounds`
rounds, and NFE includes them, so repair never silently turns into unbounded search. A row
whose broken rule names no cell has nothing to re-open and stays as it is.
"""

from __future__ import annotations

import time

import torch

from puzzlemdm.decode.judge import Violated
from puzzlemdm.decode.rules import Verifier, conflict_cells, differ_verifier
from puzzlemdm.decode.step import StepConfig, Walk
from puzzlemdm.decode.trace import DecodeResult, append
from puzzlemdm.puzzles.grid import MASK


def decision_margins(result: DecodeResult, length: int) -> torch.Tensor:
    """[B, L] margin of the latest decision at each position (+inf where none was made)."""
    margin = torch.full(
        (result.batch, length), float("inf"), dtype=torch.float64, device=result.tokens.device
    )
    if result.chosen_margin is None:
        return margin
    # later decisions overwrite earlier ones: write them in time order, column by column.
    for column in range(result.order.shape[1]):
        position = result.order[:, column]
        rows = (position >= 0).nonzero().squeeze(1)
        margin[rows, position[rows]] = result.chosen_margin[rows, column]
    return margin


def repair_mask(
    tokens: torch.Tensor,
    condition: torch.Tensor,
    differ: torch.Tensor | None,
    margin: torch.Tensor,
    *,
    extra: int = 2,
    scope: str = "unit",
    named: torch.Tensor | None = None,
) -> torch.Tensor:
    """[B, L] positions to re-mask: those in violated `differ` rules and those `named` (by the
    kind's verifier), plus the `extra` lowest-margin decisions elsewhere; givens
    (`condition`) never."""
    cells = torch.zeros_like(condition) if differ is None else conflict_cells(tokens, differ, scope)
    if named is not None:
        cells = cells | named
    cells = cells & ~condition
    if extra > 0:
        doubt = margin.masked_fill(condition | cells | (tokens == MASK), float("inf"))
        # only rows that broke a rule get the extra re-masks
        cells = cells | (weakest(doubt, extra) & cells.any(1, keepdim=True))
    return cells


def weakest(score: torch.Tensor, count: int) -> torch.Tensor:
    """[B, L] the `count` positions of each row with the lowest finite `score` (+inf = never)."""
    lowest = (-score).topk(min(count, score.shape[1]), dim=1)
    return torch.zeros(score.shape, dtype=torch.bool, device=score.device).scatter(
        1, lowest.indices, torch.isfinite(lowest.values)
    )


@torch.no_grad()
def repair(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    result: DecodeResult,
    *,
    differ: torch.Tensor | None = None,
    rounds: int = 3,
    extra: int = 2,
    scope: str = "unit",
    config: StepConfig = StepConfig(),
    prune: bool = True,
    verifier: Verifier | None = None,
    violations: Violated | None = None,
    generator: torch.Generator | None = None,
) -> DecodeResult:
    """Repair the invalid rows of `result` (decoded from `tokens`) for at most `rounds` rounds.

    differ: the all-different rules ([L, L]; None when the kind has none).
    prune: re-decode with the rules applied (values held by a conflicting written position
        are excluded), whatever the first pass did.
    verifier: batched final tokens -> bool (default: the rules, `differ`; without rules, no
        position masked).
    violations: the positions the kind's verifier names (`kind_violations`): re-opened too,
        and a row with any is invalid.
    The returned trace continues `result`'s (re-decided positions appear again), NFE and time
    include the repairs; info gains repair_rounds [B] and repaired [B] (invalid before, valid
    after).
    """
    start = time.perf_counter()
    differ = None if differ is None else differ.to(tokens.device)
    check = verifier or (
        differ_verifier(differ) if differ is not None else lambda t: (t != MASK).all(1)
    )

    def judge(final: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(accepted [B], named positions [B, L] or None) of final tokens."""
        if violations is None:
            return check(final), None
        named = violations(final)
        return check(final) & ~named.any(1), named

    condition = tokens != MASK
    current = result
    margin = decision_margins(result, tokens.shape[1])
    was_ok, named = judge(result.tokens)
    ok = was_ok
    used = torch.zeros(tokens.shape[0], dtype=torch.long, device=tokens.device)
    for _ in range(rounds):
        reopen = repair_mask(
            current.tokens, condition, differ, margin, extra=extra, scope=scope, named=named
        )
        reopen &= ~ok[:, None]
        rows = reopen.any(1).nonzero().squeeze(1)
        if rows.numel() == 0:
            break
        grids = torch.where(reopen, MASK, current.tokens)[rows]
        walk = Walk(
            model,
            grids,
            allowed[rows],
            config,
            generator=generator,
            differ=differ if prune else None,
        )
        again = walk.run()
        current = append(current, again, rows)
        margin[rows] = torch.where(
            reopen[rows], decision_margins(again, tokens.shape[1]), margin[rows]
        )
        used[rows] += 1
        ok, named = judge(current.tokens)
    current.info.update({"repair_rounds": used, "repaired": ~was_ok & ok})
    current.seconds = result.seconds + time.perf_counter() - start
    return current
