"""The one trace every decoding method returns, its recorder, and JSONL output.

A *decision* fixes one position to one value; a *step* is one round of decisions made from the
same model output (one decision per step for one-per-step decoding, several for MED). Traces
are batched: row b belongs to puzzle b, and arrays are padded (-1 for indices, 0 for numbers)
past a row's own length.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import torch


@dataclass
class DecodeResult:
    """Answers and their decoding trace, all batched (row b = puzzle b)."""

    tokens: torch.Tensor  # [B, L] final tokens (MASK left only where a method gave up)
    order: torch.Tensor  # [B, D] position of decision d, in time order (-1 = padding)
    values: torch.Tensor  # [B, D] value written by decision d (-1 = padding)
    step_entropy: torch.Tensor  # [B, S] denoising entropy (mean over masked set) before step s
    chosen_entropy: torch.Tensor  # [B, D] entropy of the decided position when it was decided
    cumulative_entropy: torch.Tensor  # [B] sum of step_entropy along the path
    nfe: torch.Tensor  # [B] model evaluations of one grid spent on this puzzle
    seconds: float  # wall time of the whole batch
    step: torch.Tensor | None = None  # [B, D] step of decision d (-1 = padding)
    chosen_margin: torch.Tensor | None = None  # [B, D] top-1 minus top-2 probability then
    n_steps: torch.Tensor | None = None  # [B] steps taken
    info: dict[str, Any] = field(default_factory=dict)  # method-specific: [B, ...] or scalars

    @property
    def batch(self) -> int:
        return self.tokens.shape[0]

    def rows(self, index: torch.Tensor) -> DecodeResult:
        """The sub-batch of rows `index` (per-row info entries are indexed too)."""
        pick = lambda t: None if t is None else t[index]  # noqa: E731
        info = {k: _index_info(v, index, self.batch) for k, v in self.info.items()}
        return replace(
            self,
            tokens=self.tokens[index],
            order=self.order[index],
            values=self.values[index],
            step_entropy=self.step_entropy[index],
            chosen_entropy=self.chosen_entropy[index],
            cumulative_entropy=self.cumulative_entropy[index],
            nfe=self.nfe[index],
            step=pick(self.step),
            chosen_margin=pick(self.chosen_margin),
            n_steps=pick(self.n_steps),
            info=info,
        )


def _index_info(value: Any, index: torch.Tensor, batch: int) -> Any:
    if isinstance(value, torch.Tensor) and value.dim() > 0 and value.shape[0] == batch:
        return value[index]
    return value


class Recorder:
    """Accumulates a batched trace step by step; rows can be re-indexed (particle resampling).

    One walk decides each masked position once, so `decisions` (the most masked positions of
    any row) bounds the width of every buffer; a step decides at least one position.
    """

    def __init__(self, batch: int, decisions: int, device: torch.device) -> None:
        width = max(decisions, 1)
        long = dict(dtype=torch.long, device=device)
        real = dict(dtype=torch.float64, device=device)
        self.order = torch.full((batch, width), -1, **long)
        self.values = torch.full((batch, width), -1, **long)
        self.step = torch.full((batch, width), -1, **long)
        self.chosen_entropy = torch.zeros(batch, width, **real)
        self.chosen_margin = torch.zeros(batch, width, **real)
        self.step_entropy = torch.zeros(batch, width, **real)  # a step decides >= 1 position
        self.n_decisions = torch.zeros(batch, **long)
        self.n_steps = torch.zeros(batch, **long)
        self.nfe = torch.zeros(batch, **long)

    def record(
        self,
        select: torch.Tensor,
        value: torch.Tensor,
        score: torch.Tensor,
        entropy: torch.Tensor,
        margin: torch.Tensor,
        step_entropy: torch.Tensor,
    ) -> None:
        """Append one step: `select` [B, L] positions (none for finished rows), in score order."""
        count = select.sum(1)
        active = count > 0
        widest = int(count.max()) if count.numel() else 0
        if widest == 0:
            return
        batch = select.shape[0]
        key = score.masked_fill(~select, float("-inf"))
        position = key.topk(widest, dim=1).indices  # best score first within the step
        slot = torch.arange(widest, device=select.device)
        keep = slot[None] < count[:, None]
        row = torch.arange(batch, device=select.device)[:, None].expand(-1, widest)[keep]
        column = (self.n_decisions[:, None] + slot[None])[keep]
        position = position[keep]
        self.order[row, column] = position
        self.values[row, column] = value[row, position]
        self.step[row, column] = self.n_steps[row]
        self.chosen_entropy[row, column] = entropy[row, position]
        self.chosen_margin[row, column] = margin[row, position]
        rows = active.nonzero().squeeze(1)
        self.step_entropy[rows, self.n_steps[rows]] = step_entropy[rows]
        self.n_decisions += count
        self.n_steps += active.long()

    def reindex(self, index: torch.Tensor) -> None:
        """Rows become rows `index` of before (ancestors of resampled particles)."""
        for name in (
            "order",
            "values",
            "step",
            "chosen_entropy",
            "chosen_margin",
            "step_entropy",
            "n_decisions",
            "n_steps",
            "nfe",
        ):
            setattr(self, name, getattr(self, name)[index])

    def result(
        self, tokens: torch.Tensor, seconds: float, info: dict[str, Any] | None = None
    ) -> DecodeResult:
        """The trace so far as a DecodeResult (step columns trimmed to the longest row)."""
        steps = max(int(self.n_steps.max()) if self.n_steps.numel() else 0, 1)
        step_entropy = self.step_entropy[:, :steps]
        return DecodeResult(
            tokens=tokens,
            order=self.order,
            values=self.values,
            step_entropy=step_entropy,
            chosen_entropy=self.chosen_entropy,
            cumulative_entropy=step_entropy.sum(1),
            nfe=self.nfe.clone(),
            seconds=seconds,
            step=self.step,
            chosen_margin=self.chosen_margin,
            n_steps=self.n_steps.clone(),
            info=dict(info or {}),
        )


def append(first: DecodeResult, second: DecodeResult, rows: torch.Tensor) -> DecodeResult:
    """`first` continued by `second` on the rows `rows` of `first` (e.g. a repair round)."""
    batch = first.batch
    n_a, steps_a = _decisions(first), _steps(first)
    n_b = torch.zeros_like(n_a)
    n_b[rows] = _decisions(second)
    steps_b = torch.zeros_like(steps_a)
    steps_b[rows] = _steps(second)
    later = _default_step(second) if second.step is None else second.step
    later = torch.where(later >= 0, later + steps_a[rows][:, None], -1)

    def joined(a: torch.Tensor, b: torch.Tensor, pad: float, per_step: bool = False):
        counts = (steps_a, steps_b) if per_step else (n_a, n_b)
        return _concat_n(a, counts[0], _spread(b, rows, batch, pad), counts[1], pad)

    tokens = first.tokens.clone()
    tokens[rows] = second.tokens
    nfe = first.nfe.clone()
    nfe[rows] += second.nfe
    step_entropy = joined(first.step_entropy, second.step_entropy, 0.0, per_step=True)
    return DecodeResult(
        tokens=tokens,
        order=joined(first.order, second.order, -1),
        values=joined(first.values, second.values, -1),
        step_entropy=step_entropy,
        chosen_entropy=joined(first.chosen_entropy, second.chosen_entropy, 0.0),
        cumulative_entropy=step_entropy.sum(1),
        nfe=nfe,
        seconds=first.seconds + second.seconds,
        step=joined(_default_step(first) if first.step is None else first.step, later, -1),
        chosen_margin=joined(_margin(first), _margin(second), 0.0),
        n_steps=steps_a + steps_b,
        info=dict(first.info),
    )


def overwrite(first: DecodeResult, second: DecodeResult, rows: torch.Tensor) -> DecodeResult:
    """`first` with its rows `rows` replaced by `second`'s (a later, better path of those
    puzzles); per-decision and per-step columns are padded to the wider of the two. Info is
    `first`'s: the caller says what was chosen."""

    def put(a: torch.Tensor, b: torch.Tensor, pad: float) -> torch.Tensor:
        width = max(a.shape[1], b.shape[1])
        out = a.new_full((a.shape[0], width), pad)
        out[:, : a.shape[1]] = a
        out[rows] = pad
        out[rows, : b.shape[1]] = b
        return out

    def row_values(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        out = a.clone()
        out[rows] = b
        return out

    step_entropy = put(first.step_entropy, second.step_entropy, 0.0)
    return DecodeResult(
        tokens=row_values(first.tokens, second.tokens),
        order=put(first.order, second.order, -1),
        values=put(first.values, second.values, -1),
        step_entropy=step_entropy,
        chosen_entropy=put(first.chosen_entropy, second.chosen_entropy, 0.0),
        cumulative_entropy=row_values(first.cumulative_entropy, second.cumulative_entropy),
        nfe=row_values(first.nfe, second.nfe),
        seconds=first.seconds + second.seconds,
        step=put(
            _default_step(first) if first.step is None else first.step,
            _default_step(second) if second.step is None else second.step,
            -1,
        ),
        chosen_margin=put(_margin(first), _margin(second), 0.0),
        n_steps=row_values(_steps(first), _steps(second)),
        info=dict(first.info),
    )


def _spread(t: torch.Tensor, rows: torch.Tensor, batch: int, pad: float) -> torch.Tensor:
    out = t.new_full((batch, *t.shape[1:]), pad)
    out[rows] = t
    return out


def _concat_n(
    a: torch.Tensor, n_a: torch.Tensor, b: torch.Tensor, n_b: torch.Tensor, pad: float
) -> torch.Tensor:
    """Row-wise a[:n_a] followed by b[:n_b], padded with `pad`."""
    width = max(int((n_a + n_b).max()) if n_a.numel() else 0, 1)
    out = a.new_full((a.shape[0], width), pad)
    column = torch.arange(width, device=a.device)[None]
    take_a = column < n_a[:, None]
    out[take_a] = a[:, : min(width, a.shape[1])][take_a[:, : a.shape[1]]]
    take_b = (column >= n_a[:, None]) & (column < (n_a + n_b)[:, None])
    source = (column - n_a[:, None]).clamp(0, max(b.shape[1] - 1, 0))
    out[take_b] = b.gather(1, source)[take_b] if b.shape[1] else out[take_b]
    return out


def _decisions(result: DecodeResult) -> torch.Tensor:
    return (result.order >= 0).sum(1)


def _steps(result: DecodeResult) -> torch.Tensor:
    if result.n_steps is not None:
        return result.n_steps
    return (result.order >= 0).sum(1)


def _default_step(result: DecodeResult) -> torch.Tensor:
    column = torch.arange(result.order.shape[1], device=result.order.device)[None]
    return torch.where(result.order >= 0, column, -1)


def _margin(result: DecodeResult) -> torch.Tensor:
    if result.chosen_margin is not None:
        return result.chosen_margin
    return torch.zeros_like(result.chosen_entropy)


def trace_rows(
    result: DecodeResult, ids: list[str] | None = None, method: str | None = None
) -> list[dict[str, Any]]:
    """One JSON-able dict per puzzle: the decision order, entropies, NFE, time and extras."""
    batch = result.batch
    decisions = _decisions(result).tolist()
    steps = _steps(result).tolist()
    step = result.step if result.step is not None else _default_step(result)
    margin = _margin(result)
    rows = []
    for b in range(batch):
        d, s = decisions[b], steps[b]
        row: dict[str, Any] = {"id": ids[b] if ids is not None else b}
        if method is not None:
            row["method"] = method
        row.update(
            {
                "order": result.order[b, :d].tolist(),
                "values": result.values[b, :d].tolist(),
                "step": step[b, :d].tolist(),
                "chosen_entropy": _round(result.chosen_entropy[b, :d].tolist()),
                "chosen_margin": _round(margin[b, :d].tolist()),
                "step_entropy": _round(result.step_entropy[b, :s].tolist()),
                "cumulative_entropy": round(float(result.cumulative_entropy[b]), 6),
                "nfe": int(result.nfe[b]),
                "steps": s,
                "seconds": round(result.seconds / max(batch, 1), 6),
            }
        )
        for key, value in result.info.items():
            row[key] = _info_value(value, b, batch)
        rows.append(row)
    return rows


def write_traces(
    out: str | Path | IO[str],
    result: DecodeResult,
    ids: list[str] | None = None,
    method: str | None = None,
) -> int:
    """Append one JSON line per puzzle of `result` to `out` (path or open file); returns count."""
    rows = trace_rows(result, ids, method)
    text = "".join(json.dumps(row) + "\n" for row in rows)
    if isinstance(out, str | Path):
        with Path(out).open("a") as fh:
            fh.write(text)
    else:
        out.write(text)
    return len(rows)


def _round(values: list[float]) -> list[float]:
    return [round(v, 6) for v in values]


def _info_value(value: Any, row: int, batch: int) -> Any:
    if isinstance(value, torch.Tensor):
        if value.dim() > 0 and value.shape[0] == batch:
            value = value[row]
        out = value.tolist()
        if isinstance(out, float):
            return round(out, 6)
        if isinstance(out, list) and out and isinstance(out[0], float):
            return _round(out)
        return out
    return value
