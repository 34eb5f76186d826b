"""Does the VMD's latent matter? (issue 12) Three measurements, written as one Markdown file:

1. generation with no givens: the share of valid full grids among N samples, MDM vs VMD, at a
   budget of 5 / 10 / 20 steps (margin order, values sampled);
2. diversity for best-of-N: on hard puzzles, 8 paths that differ by their z only vs 8 that differ
   by Gumbel noise only (z = 0): distinct answers per puzzle, and how often some path is right;
3. the KL per token along training (from the run's metrics.jsonl, beside the checkpoint).

    python benchmarks/vmd_latents.py --mdm puzzlemdm/checkpoints/sudoku-mdm-matched \
        --vmd puzzlemdm/checkpoints/sudoku-vmd --out benchmarks/results/mdm_vs_vmd/latents.md
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from puzzlemdm.decode import StepConfig, decode_path
from puzzlemdm.model.checkpoint import load_checkpoint
from puzzlemdm.puzzles.corpus import read_corpus
from puzzlemdm.puzzles.grid import MASK, stack
from puzzlemdm.puzzles.registry import get_kind

BUDGETS = (5, 10, 20)


def valid_grids(tokens: torch.Tensor, spec) -> torch.Tensor:
    """[B] whether each filled 9x9 grid is a valid Sudoku (every unit holds every digit)."""
    n = 9
    grid = tokens.view(-1, n, n)
    boxes = grid.view(-1, 3, 3, 3, 3).permute(0, 1, 3, 2, 4).reshape(-1, n, n)
    ok = torch.ones(tokens.shape[0], dtype=torch.bool)
    for units in (grid, grid.transpose(1, 2), boxes):
        ok &= (units.sort(-1).values == torch.arange(n)).all(-1).all(-1)
    return ok


def generation(models: dict, samples: int, seed: int) -> list[str]:
    kind = get_kind("sudoku")
    lines = [
        f"Generation with no givens: {samples} samples per row, margin order, values sampled at "
        "temperature 1 (a VMD path also draws its z once).",
        "",
        "| model | schedule | valid grids % | distinct valid | s |",
        "|---|---|---|---|---|",
    ]
    for name, model in models.items():
        spec = kind.spec_from_signature(model.config.grid)
        tokens = torch.full((samples, spec.length), MASK)
        allowed = torch.ones(samples, spec.length, spec.vocab, dtype=torch.bool)
        for budget in BUDGETS:
            step = StepConfig(schedule="steps", steps=budget, sample=True)
            began = time.perf_counter()
            generator = torch.Generator().manual_seed(seed)
            result = decode_path(model, tokens, allowed, step, generator=generator)
            ok = valid_grids(result.tokens, spec)
            distinct = len({tuple(row) for row in result.tokens[ok].tolist()})
            label = f"{budget} steps"
            lines.append(
                f"| {name} | {label} | {100 * ok.float().mean():.1f} | {distinct} | "
                f"{time.perf_counter() - began:.0f} |"
            )
    return lines


def diversity(vmd, split: str, puzzles: int, paths: int, seed: int) -> list[str]:
    kind = get_kind("sudoku")
    records = read_corpus(split, "sudoku")[1][:puzzles]
    spec = kind.spec_from_signature(vmd.config.grid)
    batch = stack([kind.encode(r.puzzle, r.solution, spec) for r in records])
    tokens = torch.as_tensor(batch["tokens"]).repeat_interleave(paths, 0)
    allowed = torch.as_tensor(batch["allowed"]).repeat_interleave(paths, 0)
    target = torch.as_tensor(batch["target"]).repeat_interleave(paths, 0)
    lines = [
        "",
        f"Diversity of {paths} paths per puzzle on the first {puzzles} puzzles of `{split}` "
        "(margin order, greedy values):",
        "",
        "| paths differ by | distinct answers / puzzle | some path right % | mean path right % |",
        "|---|---|---|---|",
    ]
    configs = {
        "z from the prior (no noise)": StepConfig(latent="prior"),
        "Gumbel noise 0.1 (z = 0)": StepConfig(latent="zero", gumbel_scale=0.1),
        "both": StepConfig(latent="prior", gumbel_scale=0.1),
    }
    for label, step in configs.items():
        generator = torch.Generator().manual_seed(seed)
        result = decode_path(vmd, tokens, allowed, step, generator=generator)
        right = (result.tokens == target).all(1).view(puzzles, paths)
        answers = result.tokens.view(puzzles, paths, -1)
        distinct = sum(len({tuple(a) for a in answers[b].tolist()}) for b in range(puzzles))
        lines.append(
            f"| {label} | {distinct / puzzles:.2f} | {100 * right.any(1).float().mean():.1f} | "
            f"{100 * right.float().mean():.1f} |"
        )
    return lines


def kl_along_training(checkpoint: Path) -> list[str]:
    metrics = checkpoint / "metrics.jsonl"
    if not metrics.exists():
        return ["", f"(no metrics.jsonl beside {checkpoint})"]
    rows = [json.loads(line) for line in metrics.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if "kl_per_token" in r]
    picked = [r for r in rows if r["step"] % 100 == 0] or rows
    return [
        "",
        "KL(q(z | x_0, x_t) || N(0, I)) per target token along training (nats; the free-bits "
        "floor is not included):",
        "",
        "| step | " + " | ".join(str(r["step"]) for r in picked) + " |",
        "|---|" + "---|" * len(picked),
        "| KL / token | " + " | ".join(f"{r['kl_per_token']:.3f}" for r in picked) + " |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mdm", required=True)
    parser.add_argument("--vmd", required=True)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--split", default="datasets/sudoku/hard/test.jsonl")
    parser.add_argument("--puzzles", type=int, default=50)
    parser.add_argument("--paths", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    models = {"mdm": load_checkpoint(args.mdm), "vmd": load_checkpoint(args.vmd, family="vmd")}
    lines = [
        f"# Does the VMD's latent matter? (`{args.vmd}` vs `{args.mdm}`)",
        "",
        f"`python benchmarks/vmd_latents.py --mdm {args.mdm} --vmd {args.vmd} --samples "
        f"{args.samples} --puzzles {args.puzzles} --paths {args.paths}` on CPU "
        f"({torch.get_num_threads()} threads), seed {args.seed}.",
        "",
        *generation(models, args.samples, args.seed),
        *diversity(models["vmd"], args.split, args.puzzles, args.paths, args.seed),
        *kl_along_training(Path(args.vmd)),
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
