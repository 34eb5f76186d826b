"""One decoded path, analysed: per decision (forced? candidates? technique? entropy, margin)
and per path (Kendall tau against each reference order, share forced, first wrong decision,
whether cells decided in one step are mutually unrelated).

Everything kind-specific comes from the kind's `orders` module (see `PuzzleKind.order_facts`);
a kind without one still gets entropies, margins, tau against row-major and step independence.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from puzzlemdm.analysis.kendall import tau_between
from puzzlemdm.puzzles.base import PuzzleKind, PuzzleRecord
from puzzlemdm.puzzles.grid import GridSpec


@dataclass
class PathAnalysis:
    """The analysis of one path; arrays are per decision, in decision order."""

    id: str
    split: str
    method: str
    solved: bool
    nfe: int
    cumulative_entropy: float
    positions: np.ndarray  # token position of decision d
    step: np.ndarray  # step at which decision d was made
    entropy: np.ndarray
    margin: np.ndarray
    forced: np.ndarray | None = None  # bool; None when the kind has no order facts
    candidates: np.ndarray | None = None
    fewest: np.ndarray | None = None
    technique: list[str] | None = None
    open_forced: np.ndarray | None = None  # share of open cells forced at decision d (chance)
    tau: dict[str, float] = field(default_factory=dict)  # reference name -> tau-b
    compared: dict[str, int] = field(default_factory=dict)  # reference name -> cells compared
    reference_rank: dict[str, np.ndarray] = field(default_factory=dict)  # rank in ref, -1 absent
    first_wrong: dict[str, Any] | None = None
    multi_steps: int = 0  # steps that decided two or more cells
    independent_steps: int = 0  # ... of which no two cells are related (peers)
    related_pairs: int = 0  # related pairs of cells decided in one step
    pairs: int = 0  # pairs of cells decided in one step

    @property
    def decisions(self) -> int:
        return len(self.positions)

    def row(self) -> dict[str, Any]:
        """A JSON-able summary of the path (no per-decision arrays but the technique counts)."""
        out = {
            k: v
            for k, v in asdict(self).items()
            if not isinstance(v, np.ndarray) and k not in ("technique", "reference_rank")
        }
        out["decisions"] = self.decisions
        if self.forced is not None:
            out["forced_share"] = float(self.forced.mean()) if self.decisions else None
            out["mean_candidates"] = float(self.candidates.mean()) if self.decisions else None
            out["fewest_share"] = (
                float((self.candidates == self.fewest).mean()) if self.decisions else None
            )
            counts: dict[str, int] = {}
            for name in self.technique or []:
                counts[name] = counts.get(name, 0) + 1
            out["techniques"] = counts
        return _no_nan(out)


def _no_nan(value: Any) -> Any:
    """`value` with NaN (a tau over fewer than two cells) as None: JSON has no NaN."""
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return None if isinstance(value, float) and math.isnan(value) else value


def reference_orders(
    kind: PuzzleKind, record: PuzzleRecord, spec: GridSpec, masked: np.ndarray
) -> dict[str, list[int]]:
    """Each reference order as token positions: the kind's (if it has order facts) and
    row-major over the masked positions (the order of the token grid)."""
    facts = kind.order_facts() if hasattr(kind, "order_facts") else None
    orders = dict(facts.reference_orders(record.puzzle, spec)) if facts is not None else {}
    orders.setdefault("row-major", [int(p) for p in np.flatnonzero(masked)])
    return orders


def analyse_path(
    kind: PuzzleKind,
    spec: GridSpec,
    record: PuzzleRecord,
    trace: dict[str, Any],
    split: str,
    references: dict[str, list[int]],
    target: np.ndarray | None,
    facts: Any | None,
) -> PathAnalysis:
    """Analyse one trace row (as `analysis.decoding` writes it) of `record`.

    target: the known solution's tokens [L] (for the first wrong decision), or None.
    facts: the kind's order-facts module, or None.
    """
    positions = np.asarray(trace["order"], dtype=np.int64)
    step = np.asarray(trace["step"], dtype=np.int64)
    values = np.asarray(trace["values"], dtype=np.int64)
    path = PathAnalysis(
        id=str(trace["id"]),
        split=split,
        method=str(trace.get("method", "")),
        solved=bool(trace["solved"]),
        nfe=int(trace["nfe"]),
        cumulative_entropy=float(trace["cumulative_entropy"]),
        positions=positions,
        step=step,
        entropy=np.asarray(trace["chosen_entropy"], dtype=float),
        margin=np.asarray(trace["chosen_margin"], dtype=float),
    )
    if facts is not None:
        # each decision judged on the board before its step: a MED step's cells were chosen
        # together, none of them seeing the others (judged one after another they looked
        # forced by each other)
        found = facts.replay(
            record.puzzle, positions.tolist(), values.tolist(), spec, steps=step.tolist()
        )
        path.forced = np.array([f.forced for f in found], dtype=bool)
        path.candidates = np.array([f.candidates for f in found], dtype=np.int64)
        path.fewest = np.array([f.fewest for f in found], dtype=np.int64)
        path.technique = [f.technique for f in found]
        if found and all(f.open_forced is not None for f in found):
            path.open_forced = np.array([f.open_forced for f in found], dtype=float)
    model_rank = {int(p): float(s) for p, s in zip(positions, step, strict=True)}
    for name, order in references.items():
        path.tau[name], path.compared[name] = tau_between(model_rank, order)
        where = {int(p): i for i, p in enumerate(order)}
        path.reference_rank[name] = np.array([where.get(int(p), -1) for p in positions])
    if target is not None and not path.solved:
        wrong = np.flatnonzero(values != target[positions])
        if len(wrong):
            path.first_wrong = _decision(path, int(wrong[0]))
    _independence(path, spec)
    return path


def _decision(path: PathAnalysis, d: int) -> dict[str, Any]:
    """One decision's facts as a dict (for the first wrong decision)."""
    out: dict[str, Any] = {
        "index": d,
        # by step, not by decision: a step deciding several cells decides them at once
        "fraction": int(path.step[d]) / max(int(path.step.max()), 1),
        "step": int(path.step[d]),
        "position": int(path.positions[d]),
        "entropy": float(path.entropy[d]),
        "margin": float(path.margin[d]),
    }
    if path.forced is not None:
        out.update(
            forced=bool(path.forced[d]),
            candidates=int(path.candidates[d]),
            fewest=int(path.fewest[d]),
            technique=path.technique[d],
        )
    return out


def _independence(path: PathAnalysis, spec: GridSpec) -> None:
    """Count steps with several decisions and whether their cells are mutually unrelated
    (relation type 0 in the grid: for Sudoku, not peers; for Blocksworld, neither the same
    time step nor the same block)."""
    if not len(path.step):
        return
    for s in np.unique(path.step):
        group = path.positions[path.step == s]
        if len(group) < 2:
            continue
        related = spec.relation[np.ix_(group, group)] != 0
        np.fill_diagonal(related, False)
        n_related = int(related.sum()) // 2
        path.multi_steps += 1
        path.independent_steps += int(n_related == 0)
        path.related_pairs += n_related
        path.pairs += len(group) * (len(group) - 1) // 2
