"""Accuracy of an MDM checkpoint on its kind's test splits, per decoding order.

Every answer is judged by the kind's verifier (rules + givens). Reports whole-puzzle solve
rate, cell accuracy on the blanks, mean forward passes, throughput, and, where the data set
records it (meta.search_guesses), the solve rate bucketed by the number of guesses a plain MRV
search needs. Splits are named as in puzzlemdm.bench.splits.

    puzzlemdm bench orders --orders margin,top-prob,entropy,random,left-to-right \
        --out benchmarks/results/mdm_sudoku_orders
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch

from puzzlemdm.bench.measured import load_measured, require_scores_every_cell
from puzzlemdm.bench.outputs import command_line, fresh_folder, refuse_mixing
from puzzlemdm.bench.splits import (
    Item,
    by_guesses,
    level_splits,
    load_split,
    names_given,
    names_in,
)
from puzzlemdm.decode import ORDERS
from puzzlemdm.decode.core import decode
from puzzlemdm.decode.puzzles import judged_answers
from puzzlemdm.model.checkpoint import provenance
from puzzlemdm.puzzles.base import PuzzleKind
from puzzlemdm.puzzles.grid import GridSpec, stack
from puzzlemdm.usage import UsageError

PRUNES = {"off": [False], "on": [True], "both": [False, True]}


@dataclass
class OrdersConfig:
    """The options of `puzzlemdm bench orders` (same names, same defaults)."""

    checkpoint: str | None = None  # None: the shipped model of the splits' kind
    splits: str | None = None  # comma-separated names or paths; None: the kind's level tests
    orders: str = "margin,top-prob,entropy,random,left-to-right"
    prune: str = "off"  # off | on | both: exclude values the rules forbid (rules, no search)
    limit: int | None = None  # first N puzzles of each split
    batch_size: int = 500
    device: str = "auto"
    threads: int = 0  # torch threads (0: torch's default)
    seed: int = 0
    out: str | None = None  # write OUT.json and OUT.md; None: runs/bench-orders-<time>/orders


def run_split(
    model: Any,
    kind: PuzzleKind,
    spec: GridSpec,
    split: str,
    items: list[Item],
    order: str,
    prune: bool,
    config: OrdersConfig,
    device: torch.device,
) -> dict[str, Any]:
    """One decoding order (one path per puzzle) on one split; its row of the table."""
    generator = torch.Generator(device=device).manual_seed(config.seed)
    differ = torch.as_tensor(spec.differ, device=device) if prune else None
    solved, cells_right, cells_total, nfe = [], 0, 0, 0
    began = time.perf_counter()
    for start in range(0, len(items), config.batch_size):
        chunk = [it.record for it in items[start : start + config.batch_size]]
        batch = stack([kind.encode(r.puzzle, r.solution, spec) for r in chunk])
        result = decode(
            model,
            torch.as_tensor(batch["tokens"], device=device),
            torch.as_tensor(batch["allowed"], device=device),
            order=order,
            generator=generator,
            differ=differ,
        )
        final = result.tokens.cpu().numpy()
        blanks = batch["tokens"] < 0
        cells_right += int(((final == batch["target"]) & blanks).sum())
        cells_total += int(blanks.sum())
        nfe += int(result.nfe.sum())
        puzzles = [record.puzzle for record in chunk]
        solved += [ok for _, ok in judged_answers(kind, puzzles, final, spec)]
    seconds = time.perf_counter() - began
    row = {
        "split": split,
        "order": order,
        "prune": prune,
        "puzzles": len(items),
        "solve_rate": sum(solved) / len(items),
        "cell_accuracy": cells_right / max(cells_total, 1),
        "mean_nfe": nfe / len(items),
        "puzzles_per_s": len(items) / seconds,
    }
    guesses = [it.guesses for it in items]
    if None not in guesses:  # only data sets that record them
        row["by_search_guesses"] = by_guesses(guesses, solved)
    return row


def run_orders(config: OrdersConfig) -> list[dict[str, Any]]:
    """Every split x prune x order of `config`; writes OUT.json and OUT.md (OUT: a fresh
    folder under runs/ unless `out` is set)."""
    if config.prune not in PRUNES:
        raise UsageError(f"--prune must be one of {', '.join(PRUNES)}, not {config.prune!r}")
    unknown = [order for order in names_given(config.orders, "--orders") if order not in ORDERS]
    if unknown:
        raise UsageError(f"unknown orders {unknown}; choose from {', '.join(ORDERS)}")
    measured = load_measured(config.checkpoint, config.device, config.threads, splits=config.splits)
    require_scores_every_cell(measured, "bench orders")
    checkpoint, model, device = measured.checkpoint, measured.model, measured.device
    kind, spec = measured.kind, measured.spec
    if True in PRUNES[config.prune] and spec.differ is None:
        raise UsageError(f"--prune {config.prune}: {kind.name} has no all-different rules")
    if config.out is None:
        config = replace(config, out=str(fresh_folder("bench-orders") / "orders"))
        print(f"writing to {config.out}.json and .md", flush=True)
    table = Path(config.out + ".json")
    if table.exists():  # rewritten below: only by a run of the same weights on the same device
        try:
            earlier = json.loads(table.read_text())
        except (OSError, ValueError):
            raise UsageError(
                f"{table} is there and is not a bench orders table: give another --out"
            ) from None
        refuse_mixing([earlier], provenance(checkpoint, model, device, config.seed), config.out)
    # The table records the options as run, defaults resolved.
    splits = level_splits(kind) if config.splits is None else names_given(config.splits, "--splits")
    ran = replace(config, checkpoint=checkpoint, splits=",".join(splits))
    results = []
    for split in names_in(ran.splits):
        items = load_split(split, kind, config.limit)
        for prune in PRUNES[config.prune]:
            for order in names_in(config.orders):
                result = run_split(model, kind, spec, split, items, order, prune, config, device)
                results.append(result)
                print(
                    f"{split} {order:>13} prune={prune!s:5} solve {result['solve_rate']:.2%} "
                    f"cells {result['cell_accuracy']:.2%} nfe {result['mean_nfe']:.1f} "
                    f"{result['puzzles_per_s']:.1f} puzzles/s",
                    flush=True,
                )
    header = {
        **provenance(checkpoint, model, device, config.seed),
        "kind": kind.name,
        "command": command_line(
            "puzzlemdm bench orders", {k: v for k, v in asdict(ran).items() if v is not None}
        ),
    }
    Path(config.out).parent.mkdir(parents=True, exist_ok=True)
    table.write_text(json.dumps({**header, "results": results}, indent=2) + "\n")
    Path(config.out + ".md").write_text(markdown(header, results))
    return results


def markdown(header: dict[str, Any], results: list[dict[str, Any]]) -> str:
    """The table of OUT.md."""
    bucketed = any("by_search_guesses" in r for r in results)
    lines = [
        f"Checkpoint `{header['checkpoint']}` ({header['parameters']:,} parameters), device "
        f"{header['device']} ({header['threads']} threads), seed {header['seed']}.",
        "",
        f"Command: `{header['command']}`",
        "",
        "| split | order | prune | puzzles | solved | cell acc. | mean NFE | puzzles/s "
        + ("| solved by MRV guesses |" if bucketed else "|"),
        "|---|---|---|---|---|---|---|---|" + ("---|" if bucketed else ""),
    ]
    for r in results:
        buckets = ", ".join(
            f"{k}: {v['solve_rate']:.0%} ({v['n']})"
            for k, v in r.get("by_search_guesses", {}).items()
        )
        lines.append(
            f"| {r['split']} | {r['order']} | {'yes' if r['prune'] else 'no'} | {r['puzzles']} | "
            f"{r['solve_rate']:.1%} | {r['cell_accuracy']:.1%} | {r['mean_nfe']:.1f} | "
            f"{r['puzzles_per_s']:.1f} |" + (f" {buckets} |" if bucketed else "")
        )
    return "\n".join(lines) + "\n"
