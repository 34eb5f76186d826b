"""Re-measure the forced share of rows a `puzzlemdm bench models` table already holds.

    python benchmarks/recount_forced.py OUT --model NAME=CHECKPOINT \
        --methods margin/steps5,top-prob/steps10 [--splits medium,hard]

Each rows file OUT/<split>/<NAME>/<method>.jsonl is decoded again exactly as `bench models`
decoded it (same chunks, same seeds) and only its `forced_share` is replaced; the decode must be
the same (solved, NFE, cell accuracy per puzzle), else nothing is written (`--allow-different N`
lets up to N puzzles a file differ: their rows keep their decode, take this machine's share and
say `forced_of_another_decode`). Timings stay those of
the machine that made the table. Written for the multi-cell rows measured before a MED or
k-step path's cells were judged on the board before their step (the erratum of 2026-11-29).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from puzzlemdm.bench.measured import Measured, load_measured
from puzzlemdm.bench.methods import run_batch
from puzzlemdm.bench.models import ModelsConfig, chunk_seed, summarise
from puzzlemdm.bench.names import parse_method
from puzzlemdm.bench.splits import load_split, names_in, split_label
from puzzlemdm.model.checkpoint import provenance

SAME = ("solved", "nfe", "cell_accuracy")
BATCH = ModelsConfig.batch_size  # bench models' default, which made the chunks and seeds


def recount(
    out: Path, name: str, measured: Measured, split: str, method: str, seed: int, allowed: int
) -> tuple[int, int]:
    """Rewrite one rows file's forced shares; returns how many rows changed and how many
    decoded differently here."""
    kind = measured.kind
    path = out / split_label(split, kind) / name / f"{method}.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    everything = load_split(split, kind)
    by_id = {item.id: item for item in everything}
    missing = [row["id"] for row in rows if row["id"] not in by_id]
    if missing:
        raise SystemExit(f"{path}: puzzles no longer in the {split} split, e.g. {missing[:3]}")
    items = [by_id[row["id"]] for row in rows]
    config = parse_method(method)
    fresh = []
    for start in range(0, len(items), BATCH):
        chunk = items[start : start + BATCH]
        decoded_with = chunk_seed(seed, split_label(split, kind), method, chunk[0].index)
        fresh += run_batch(
            measured.model, kind, measured.spec, chunk, config, decoded_with, measured.device,
            forced=kind.order_facts() is not None,
        )  # fmt: skip
    differ = [r["id"] for r, f in zip(rows, fresh, strict=True) if any(r[k] != f[k] for k in SAME)]
    if len(differ) > allowed:
        raise SystemExit(f"{path}: {len(differ)} puzzles decode differently, e.g. {differ[:3]}")
    for row in rows:
        if row["id"] in differ:  # its share is of this machine's decode: flagged, and counted
            row["forced_of_another_decode"] = True
            print(f"{path}: {row['id']} decodes differently here", flush=True)
    pairs = list(zip(rows, fresh, strict=True))
    changed = sum(row.get("forced_share") != new["forced_share"] for row, new in pairs)
    for row, new in pairs:
        row["forced_share"] = new["forced_share"]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return changed, len(differ)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the bench models folder")
    parser.add_argument("--model", required=True, help="NAME=CHECKPOINT")
    parser.add_argument("--methods", required=True, help="comma-separated method names")
    parser.add_argument("--splits", default="medium,hard")
    parser.add_argument(
        "--allow-different",
        type=int,
        default=0,
        help="puzzles per file that may decode differently here (a sampled latent on another "
        "CPU); their share is of this machine's decode, and the row says so",
    )
    args = parser.parse_args()
    name, _, checkpoint = args.model.partition("=")
    headers = json.loads((args.out / "models.json").read_text())
    header = next((h for h in headers if h["model"] == name), None)
    if header is None:
        raise SystemExit(f"{args.out} has no model {name!r}: {[h['model'] for h in headers]}")
    measured = load_measured(checkpoint, "cpu", 1)
    weights = provenance(checkpoint, measured.model, measured.device, header["seed"])
    if weights["weights_sha256"] != header["weights_sha256"]:
        raise SystemExit(f"{checkpoint} holds other weights than the table's {name}")
    for split in names_in(args.splits):
        for method in names_in(args.methods):
            changed, differ = recount(
                args.out, name, measured, split, method, header["seed"], args.allow_different
            )
            same = "same decode" if not differ else f"{differ} puzzles decoded differently"
            print(f"{split} {name} {method}: {same}, {changed} forced shares changed")
    baseline = json.loads((args.out / "summary.json").read_text())["baseline"]
    summarise(args.out, headers, baseline, header["seed"])


if __name__ == "__main__":
    main()
