#!/bin/bash
# The order study of the README ("What order does the model choose?"), as it was run on a
# 2-core CPU with one torch thread a process. Margin, top-prob, entropy and random decode the
# whole easy, medium and hard test splits and all 95 of Norvig top95, in two processes side by
# side (one a core); MED (lambda 0.01, 0.05, 0.2) the first 100 of each split. Every command
# decodes only the puzzles its OUT's traces lack; the last Sudoku command decodes nothing
# (--no-decode: each method on the puzzles it was decoded on) and writes the table and figures.
# Zebra and Blocksworld: the first 60 of each level their models read.
# The Sudoku model studied is the plain one (shipped until 2026-11-28), kept beside its
# evaluation. The MED rows of the published summary were re-analysed on 2026-11-29 with each
# decision judged before its step (decoded again into a folder of their own and merged, as
# summary.md says); run as written, this script gives those rows directly. The Zebra and Blocksworld studies are of the shipped models.
set -euo pipefail
export OMP_NUM_THREADS=1
PLAIN=benchmarks/results/recurrence_cpu/sudoku-mdm-plain-checkpoint
S=easy,medium,hard,norvig_top95
MAIN=runs/order-study-sudoku
A=runs/order-study-sudoku-whole-a
B=runs/order-study-sudoku-whole-b
puzzlemdm analyze orders --checkpoint $PLAIN --splits easy,medium --methods margin --no-figures --out $MAIN
(
  puzzlemdm analyze orders --checkpoint $PLAIN --splits easy,hard,norvig_top95 --methods random --no-figures --out $A
  puzzlemdm analyze orders --checkpoint $PLAIN --splits easy,norvig_top95 --methods top-prob,entropy --no-figures \
      --out $A
  puzzlemdm analyze orders --checkpoint $PLAIN --splits hard --methods margin --no-figures --out $A
) &
(
  puzzlemdm analyze orders --checkpoint $PLAIN --splits medium --methods top-prob,entropy,random --no-figures \
      --out $B
  puzzlemdm analyze orders --checkpoint $PLAIN --splits hard --methods top-prob,entropy --no-figures --out $B
) &
wait
puzzlemdm analyze orders --checkpoint $PLAIN --splits $S --methods med0.01,med0.2,med0.05 --limit 100 --no-figures \
    --out $MAIN
python - <<'PY'
import json, shutil
from pathlib import Path
main = Path("runs/order-study-sudoku/traces")
times = json.loads((main / "times.json").read_text())
for extra in ("whole-a", "whole-b"):
    folder = Path(f"runs/order-study-sudoku-{extra}/traces")
    times.update(json.loads((folder / "times.json").read_text()))
    for path in folder.glob("*.jsonl"):
        shutil.copy(path, main / path.name)
(main / "times.json").write_text(json.dumps(times, indent=2) + "\n")
PY
puzzlemdm analyze orders --checkpoint $PLAIN --splits $S \
    --methods margin,top-prob,entropy,random,med0.01,med0.05,med0.2 --no-decode --out $MAIN
cp $MAIN/summary.md $MAIN/summary.json benchmarks/results/order_study/
cp -r $MAIN/figures benchmarks/results/order_study/
# Zebra and Blocksworld: their shipped models (the recurrent Zebra model, Blocksworld stage
# 3), the first 60 of each level, every order and MED (extreme Blocksworld's 9-12 blocks exceed
# the 8 the model reads), one after the other on both cores. order_study/zebra,
# order_study/zebra-gpu and order_study/blocksworld hold the same study of the models these
# replaced (their MED rows re-analysed on 2026-11-29 with the weights from the git history).
declare -A run=([zebra]=zebra-r2 [blocksworld]=blocksworld-s3)
declare -A results=([zebra]=zebra-r2 [blocksworld]=blocksworld-stage3)
for kind in zebra blocksworld; do
  puzzlemdm analyze orders --checkpoint puzzlemdm/checkpoints/$kind-mdm --splits easy,medium,hard \
      --methods margin,top-prob,entropy,random,left-to-right,med0.05 --limit 60 --threads 2 \
      --out runs/order-study-${run[$kind]}
  mkdir -p benchmarks/results/order_study/${results[$kind]}
  cp runs/order-study-${run[$kind]}/summary.{md,json} benchmarks/results/order_study/${results[$kind]}/
  cp -r runs/order-study-${run[$kind]}/figures benchmarks/results/order_study/${results[$kind]}/
done
# The matched-budget models of issues 11 and 12 (6 x 128, 1,000 steps x 64 on this CPU), first
# 100 of each split: the matched MDM and the VMD by margin, the solver-order ARM in its own order.
S=easy,medium,hard,norvig_top95
for run in sudoku-mdm-matched:margin:$S:mdm_matched sudoku-vmd:margin:$S:vmd \
           sudoku-arm-solver:arm:easy,medium,hard:arm_solver; do
  IFS=: read -r model method splits results <<<"$run"
  puzzlemdm analyze orders --checkpoint puzzlemdm/checkpoints/$model --splits $splits \
      --methods $method --limit 100 --no-figures --out runs/order-study-$model
  mkdir -p benchmarks/results/order_study/$results
  cp runs/order-study-$model/summary.{md,json} benchmarks/results/order_study/$results/
done
