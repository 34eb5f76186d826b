#!/bin/bash
# The order study of the README ("What order does the model choose?"), as it was run on a
# 2-core CPU shared with a training run, with one torch thread. Margin decodes the whole easy
# and medium test splits and the first 200 of hard (all 95 of Norvig top95); MED (lambda 0.01,
# 0.05, 0.2) the first 100 of each split, random the first 50, top-prob and entropy the first
# 20; Zebra and Blocksworld the first 60 of each level their models read. Every command
# decodes only trace files its OUT does not hold yet; the last Sudoku command decodes nothing
# (all traces are there) and writes the table and figures.
set -euo pipefail
export OMP_NUM_THREADS=1
S=easy,medium,hard,norvig_top95
MAIN=runs/order-study-sudoku
puzzlemdm analyze orders --splits easy,medium --methods margin --no-figures --out $MAIN
puzzlemdm analyze orders --splits hard,norvig_top95 --methods margin --limit 200 --no-figures \
    --out $MAIN
puzzlemdm analyze orders --splits $S --methods random --limit 50 --no-figures \
    --out runs/order-study-sudoku-random
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
cp $MAIN/summary.md $MAIN/summary.json benchmarks/results/order_study/
cp -r $MAIN/figures benchmarks/results/order_study/
# Zebra and Blocksworld: their shipped models, the first 60 of each level, every order and MED
# (extreme Blocksworld's 9-12 blocks exceed the 8 the model reads), one process each.
for kind in zebra blocksworld; do
  puzzlemdm analyze orders --checkpoint puzzlemdm/checkpoints/$kind-mdm --splits easy,medium,hard \
      --methods margin,top-prob,entropy,random,left-to-right,med0.05 --limit 60 \
      --out runs/order-study-$kind &
done
wait
for kind in zebra blocksworld; do
  mkdir -p benchmarks/results/order_study/$kind
  cp runs/order-study-$kind/summary.{md,json} benchmarks/results/order_study/$kind/
  cp -r runs/order-study-$kind/figures benchmarks/results/order_study/$kind/
done
