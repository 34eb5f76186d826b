#!/bin/bash
# The order study of the README ("What order does the model choose?"), as it was run on a
# 2-core CPU shared with a training run, with one torch thread. Margin decodes the whole easy
# and medium test splits and the first 200 of hard (all 95 of Norvig top95); MED (lambda 0.01,
# 0.05, 0.2) the first 100 of each split, random the first 50, top-prob and entropy the first
# 20; Blocksworld the first 20 of each level its model reads (extreme has 11 blocks, the model
# reads at most 8). Every command decodes only trace files its OUT does not hold yet; the
# last Sudoku command decodes nothing (all traces are there) and writes the table and figures.
set -euo pipefail
export OMP_NUM_THREADS=1
S=easy,medium,hard,norvig_top95
MAIN=runs/order-study-sudoku
puzzlemdm analyze orders --splits easy,medium --methods margin --no-figures --out $MAIN
puzzlemdm analyze orders --splits hard,norvig_top95 --methods margin --limit 200 --no-figures \
    --out $MAIN
puzzlemdm analyze orders --splits $S --methods random --limit 50 --no-figures \
    --out runs/order-study-sudoku-random
puzzlemdm analyze orders --checkpoint puzzlemdm/checkpoints/blocksworld-mdm \
    --splits easy,medium,hard --methods margin,random,med0.01 --limit 20 \
    --out runs/order-study-blocksworld
puzzlemdm analyze orders --splits $S --methods med0.01,med0.2,med0.05 --limit 100 --no-figures \
    --out runs/order-study-sudoku-med
puzzlemdm analyze orders --splits $S --methods top-prob,entropy --limit 20 --no-figures \
    --out runs/order-study-sudoku-topprob
python - <<'PY'
import json, shutil
from pathlib import Path
main = Path("runs/order-study-sudoku/traces")
times = json.loads((main / "times.json").read_text())
for extra in ("random", "med", "topprob"):
    folder = Path(f"runs/order-study-sudoku-{extra}/traces")
    times.update(json.loads((folder / "times.json").read_text()))
    for path in folder.glob("*.jsonl"):
        shutil.copy(path, main / path.name)
(main / "times.json").write_text(json.dumps(times, indent=2) + "\n")
PY
puzzlemdm analyze orders --splits $S \
    --methods margin,top-prob,entropy,random,med0.01,med0.05,med0.2 --out $MAIN
mkdir -p benchmarks/results/order_study/blocksworld
cp $MAIN/summary.md $MAIN/summary.json benchmarks/results/order_study/
cp -r $MAIN/figures benchmarks/results/order_study/
cp runs/order-study-blocksworld/summary.{md,json} benchmarks/results/order_study/blocksworld/
cp -r runs/order-study-blocksworld/figures benchmarks/results/order_study/blocksworld/
