"""How many of a test split's puzzles a training corpus holds up to the kind's symmetries, and
what a model's committed rows solve of the rest.

    puzzlemdm generate zebra --level easy --n 6000 --seed 1301 -o data/zebra-train-easy.jsonl
    python benchmarks/training_overlap.py data/zebra-train-easy.jsonl \
        datasets/zebra/easy/test.jsonl \
        benchmarks/results/recurrence_cpu/zebra-mdm-gpu-stage3-r2-stage2/easy/margin \
        benchmarks/results/zebra_mdm_vs_arm/easy/zebra-mdm/margin

Each rows argument is a table's rows of one method (its `.jsonl` files, shards included, by
their common stem); a row is a puzzle by its id, solved or not.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from puzzlemdm.puzzles.corpus import read_corpus


def main(corpus: str, split: str, *rows: str) -> None:
    kind, held = read_corpus(split)
    _, training = read_corpus(corpus, kind.name)
    keys = {kind.canonical_key(r.puzzle, r.solution) for r in training}
    seen = {r.id for r in held if kind.canonical_key(r.puzzle, r.solution) in keys}
    inside = sum(kind.equivalent_to_any(training, held))
    print(
        f"{split}: {len(seen)} of {len(held)} puzzles are in {corpus} up to {kind.name}'s "
        f"symmetries ({inside} of its {len(training)} puzzles equal one of them)"
    )
    for stem in rows:
        folder, name = Path(stem).parent, Path(stem).name
        table = [
            json.loads(line)
            for path in sorted(folder.glob(f"{name}*.jsonl"))
            if path.name == f"{name}.jsonl" or path.name.startswith(f"{name}.shard")
            for line in path.read_text().splitlines()
        ]
        parts = {
            "all": table,
            "unseen": [r for r in table if r["id"] not in seen],
            "seen": [r for r in table if r["id"] in seen],
        }
        said = ", ".join(
            f"{part} {sum(r['solved'] for r in got)}/{len(got)}"
            + (f" ({100 * sum(r['solved'] for r in got) / len(got):.1f}%)" if got else "")
            for part, got in parts.items()
        )
        print(f"{stem}: solved {said}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
