#!/usr/bin/env bash
# Rebuild every Sudoku model table of the README and the model card for one checkpoint.
# Two processes with one thread each (a 2-core machine); about 35 minutes there.
#   bash benchmarks/sudoku_model_tables.sh [CHECKPOINT]
# RESUME=1 keeps the rows of an interrupted run instead of starting the tables afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
ckpt=${1:-puzzlemdm/checkpoints/sudoku-mdm}
results=benchmarks/results
methods=$results/decode_methods
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT  # no shard outlives a failed one

# `bench methods` in two shards at once; the table pairs every method with `margin`.
in_two_shards() {
  local pids=() failed=0
  for shard in 0/2 1/2; do
    puzzlemdm bench methods --checkpoint "$ckpt" --threads 1 --resume \
      --shard "$shard" --out "$methods" "$@" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}

[ "${RESUME:-0}" = 1 ] || rm -rf "$methods"
# Cheap methods on the whole local test splits (1,000 puzzles each).
in_two_shards --splits easy,medium,hard --methods margin,med,med0.1,guided,mrv
# Repair and rule pruning on the first 300 of each split.
in_two_shards --splits easy,medium,hard --methods repair,med-repair,margin-prune --limit 300
# External sets (first 200 of the large ones).
in_two_shards --splits norvig_top95,norvig_hardest,magictour_top1465,royle_17clue_sample500 \
  --methods margin,guided,mrv --limit 200
# Expensive methods on a seeded subset of 100 (the same puzzles for every method).
in_two_shards --splits medium --methods bon8-vf,bon8-vf-repair,smc8,infogain8 --subset 100
in_two_shards --splits hard --methods bon8-vf,bon8-vf-repair --subset 100
puzzlemdm bench methods --report-only --out "$methods" > /dev/null

# Decoding orders, one path each, on the first 100 of medium and hard.
puzzlemdm bench orders --checkpoint "$ckpt" --threads 2 --limit 100 \
  --splits datasets/sudoku/medium/test.jsonl,datasets/sudoku/hard/test.jsonl \
  --orders margin,top-prob,entropy,random,left-to-right --out "$results/mdm_sudoku_orders"

# End-to-end throughput of `puzzlemdm solve` (parse, batch, decode, verify, print) on medium.
medium=$(mktemp --suffix=.txt)
head -n 500 datasets/sudoku/medium/test.jsonl > "$medium"
{
  echo "\`puzzlemdm solve\` on the first 500 puzzles of datasets/sudoku/medium/test.jsonl, --json,"
  echo "checkpoint $ckpt, $(nproc) cores, $(python -c 'import torch; print(torch.get_num_threads())') torch threads:"
  echo
  echo "| mode | solved | wall seconds | puzzles/s |"
  echo "|---|---|---|---|"
  for mode in "--search guided" "--search none"; do
    start=$(date +%s.%N)
    solved=$(puzzlemdm solve "$medium" --json --checkpoint "$ckpt" $mode 2>/dev/null | grep -c '"verified": true' || true)
    end=$(date +%s.%N)
    python -c "import sys; w=float(sys.argv[2])-float(sys.argv[1]); print(f'| \`{sys.argv[3]}\` | {sys.argv[4]}/500 | {w:.1f} | {500/w:.1f} |')" "$start" "$end" "$mode" "$solved"
  done
} > "$results/solve_throughput.md"
rm -f "$medium"
cat "$results/solve_throughput.md"
