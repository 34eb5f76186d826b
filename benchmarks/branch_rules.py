"""Where should the model branch? Guided-search nodes under several branching rules against MRV.

    python benchmarks/branch_rules.py --split magictour_top1465 [--every 3] \
        [--rules margin,fewest,top-prob,fail,fail-first,soft0.3,noisy0.01,tie-random,tie-last]

The shipped Sudoku MDM (or --checkpoint) guides the kind's own search (propagation, depth-first,
values in the model's order); only the rule that picks the position to branch on changes. For
each rule: mean / median nodes, the geometric-mean ratio to MRV's nodes on the same puzzles
(the same search with MRV's choice), and model calls. Rules (scores over the open positions,
highest first; `counts` = values left):

- margin: the model's top-1 minus top-2 probability (decode.guided, `branch="margin"`);
- fewest: margin among the positions with the fewest values left (`branch="fewest"`);
- top-prob: the top probability; fail: least (1 - top) * (counts - 1), the chance the first
  value is wrong times the siblings it would cost; fail-first: the least sure among the fewest;
- soft<lambda>: margin - lambda * counts;
- noisy<eps>: margin after Gaussian noise of scale eps on the logits; tie-random / tie-last:
  margin with ties broken at random / by the last position (robustness checks of margin).

The library's rules (margin, fewest) were chosen with this script on the extreme validation
split (datasets/sudoku/extreme/validation.jsonl), not on the sets they are reported on.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from puzzlemdm.bench.measured import load_measured
from puzzlemdm.bench.splits import load_split
from puzzlemdm.decode import guided, scores


def rule_scores(
    rule: str, logits: torch.Tensor, allowed: torch.Tensor, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """(position scores [L], log-probabilities [L, V] whose order the values are tried in)."""
    if rule.startswith("noisy"):
        noise = torch.randn(logits.shape, generator=generator, dtype=torch.float64)
        logits = logits + float(rule[5:]) * noise
    logp = torch.log_softmax(logits.masked_fill(~allowed, float("-inf")), -1)
    counts = allowed.sum(1).double()
    margin = scores.margin(logp)
    top = logp.max(-1).values.exp()
    fewest = counts == counts.masked_fill(counts < 2, float("inf")).min()
    if rule == "margin" or rule.startswith("noisy"):
        return margin, logp
    if rule == "fewest":
        return margin.masked_fill(~fewest, float("-inf")), logp
    if rule == "fail-first":
        return (-margin).masked_fill(~fewest, float("-inf")), logp
    if rule == "top-prob":
        return top, logp
    if rule == "fail":
        return -(1 - top) * (counts - 1), logp
    if rule.startswith("soft"):
        return margin - float(rule[4:]) * counts, logp
    if rule == "tie-random":
        return margin + 1e-9 * torch.rand(
            margin.shape, generator=generator, dtype=torch.float64
        ), logp
    if rule == "tie-last":
        return margin + 1e-12 * torch.arange(margin.shape[0], dtype=torch.float64), logp
    raise SystemExit(f"unknown rule {rule!r}")


class RuleChooser(guided.ModelChooser):
    """The model's chooser with another branching rule (values still in the model's order)."""

    def __init__(self, model: torch.nn.Module, rule: str, seed: int) -> None:
        super().__init__(model, torch.device("cpu"))
        self.rule = rule
        self.generator = torch.Generator().manual_seed(seed)

    def __call__(self, allowed: np.ndarray) -> guided.Choice:
        open_positions, allowed_t, tokens = self._state(allowed)
        if not bool(open_positions.any()):
            return None
        logits = self.model(tokens[None], allowed_t[None])[0].double()
        self.calls += 1
        score, logp = rule_scores(self.rule, logits, allowed_t, self.generator)
        position = int(score.masked_fill(~open_positions, float("-inf")).argmax())
        ranked = logp[position].argsort(descending=True, stable=True).tolist()
        return position, [v for v in ranked if allowed[position, v]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=None, help="default: the shipped sudoku-mdm")
    parser.add_argument("--split", required=True)
    parser.add_argument("--every", type=int, default=1, help="every k-th puzzle of the split")
    parser.add_argument("--rules", default="margin,fewest,top-prob,fail,fail-first")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    measured = load_measured(args.checkpoint, "cpu", 1)
    model, kind, spec = measured.model, measured.kind, measured.spec
    puzzles = [it.record.puzzle for it in load_split(args.split, kind)[:: args.every]]
    mrv = np.array([guided.classical_nodes(kind, p, spec) for p in puzzles])
    print(
        f"{args.split}, every {args.every} ({len(puzzles)} puzzles), {measured.checkpoint}, CPU, "
        f"1 thread; MRV mean / median nodes {mrv.mean():.1f} / {np.median(mrv):.0f}\n"
    )
    print("| rule | mean / median nodes | geo-mean ratio to MRV | model calls | seconds |")
    print("|---|---|---|---|---|")
    for rule in args.rules.split(","):
        began = time.perf_counter()
        nodes, calls = [], []
        for puzzle in puzzles:
            chooser = RuleChooser(model, rule, args.seed)
            solved = guided.kind_search(kind, puzzle, spec, chooser, 200_000)
            nodes.append(int(solved.stats["nodes"]))
            calls.append(chooser.calls)
        ratio = float(np.exp(np.mean(np.log(np.array(nodes) / mrv))))
        print(
            f"| {rule} | {np.mean(nodes):.1f} / {np.median(nodes):.0f} | {ratio:.2f} | "
            f"{np.mean(calls):.1f} | {time.perf_counter() - began:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
