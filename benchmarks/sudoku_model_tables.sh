#!/usr/bin/env bash
# Rebuild the decoding-method and order tables of the README (decode_methods/,
# mdm_sudoku_orders) for one checkpoint: by default the plain model they were made with (the
# shipped model before 2026-11-28, kept beside its evaluation), since `bench` refuses to mix
# other weights into them. Two processes with one thread each (a 2-core machine), or
# DEVICE=cuda on a GPU.
#   bash benchmarks/sudoku_model_tables.sh [CHECKPOINT]
# RESUME=1 keeps the rows of an interrupted run instead of starting the tables afresh;
# SUBSET (default 250) is the seeded subset for the expensive methods. The end-to-end
# `puzzlemdm solve` speed of the shipped model is its own script:
# `bash benchmarks/solve_throughput.sh sudoku [CHECKPOINT]`.
set -euo pipefail
cd "$(dirname "$0")/.."
ckpt=${1:-benchmarks/results/recurrence_cpu/sudoku-mdm-plain-checkpoint}
device=${DEVICE:-cpu}
subset=${SUBSET:-250}
results=benchmarks/results
methods=$results/decode_methods
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT  # no shard outlives a failed one

# `bench methods` in two shards at once; the table pairs every method with `margin`.
in_two_shards() {
  local pids=() failed=0
  for shard in 0/2 1/2; do
    ${PUZZLEMDM:-puzzlemdm} bench methods --checkpoint "$ckpt" --device "$device" --threads 1 --resume \
      --shard "$shard" --out "$methods" "$@" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}

[ "${RESUME:-0}" = 1 ] || rm -rf "$methods"
# Cheap methods on the whole local test splits (1,000 puzzles each).
in_two_shards --splits easy,medium,hard --methods margin,med,med0.1,med0.05,med0.02,med0.01,med0.005,guided,search
# Repair and rule pruning on the first 300 of each split.
in_two_shards --splits easy,medium,hard --methods repair,med-repair,margin-prune --limit 300
# External sets (first 200 of the large ones).
in_two_shards --splits norvig_top95,norvig_hardest,magictour_top1465,royle_17clue_sample500 \
  --methods margin,guided,search --limit 200
# Expensive methods on a seeded subset (the same puzzles for every method, margin included).
in_two_shards --splits medium,hard,norvig_top95,magictour_top1465,royle_17clue_sample500 \
  --methods margin,bon8-vf,bon8-vf-repair,smc8,infogain8 --subset "$subset"
${PUZZLEMDM:-puzzlemdm} bench methods --report-only --out "$methods" > /dev/null

# Decoding orders, one path each, on the first 100 of medium and hard.
${PUZZLEMDM:-puzzlemdm} bench orders --checkpoint "$ckpt" --device "$device" --threads 2 --limit 100 \
  --splits datasets/sudoku/medium/test.jsonl,datasets/sudoku/hard/test.jsonl \
  --orders margin,top-prob,entropy,random,left-to-right --out "$results/mdm_sudoku_orders"
