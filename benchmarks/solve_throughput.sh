#!/usr/bin/env bash
# End-to-end throughput of `puzzlemdm solve` (parse, batch, decode, verify, print) on the first
# 500 puzzles of medium/test, by guided search and by one margin path, on this machine.
#   bash benchmarks/solve_throughput.sh [CHECKPOINT]   -> benchmarks/results/solve_throughput.md
set -euo pipefail
cd "$(dirname "$0")/.."
ckpt=${1:-puzzlemdm/checkpoints/sudoku-mdm}
results=benchmarks/results
medium=$(mktemp --suffix=.txt)
head -n 500 datasets/sudoku/medium/test.jsonl > "$medium"
{
  echo "\`puzzlemdm solve\` on the first 500 puzzles of datasets/sudoku/medium/test.jsonl, --json,"
  echo "checkpoint $ckpt, $(lscpu | sed -n "s/^Model name: *//p"), $(nproc) cores, $(python -c 'import torch; print(torch.get_num_threads())') torch threads:"
  echo
  echo "| mode | solved | wall seconds | puzzles/s |"
  echo "|---|---|---|---|"
  for mode in "--search guided" "--search none" "--search none --precision bf16"; do
    start=$(date +%s.%N)
    solved=$(puzzlemdm solve "$medium" --json --checkpoint "$ckpt" $mode 2>/dev/null | grep -c '"verified": true' || true)
    end=$(date +%s.%N)
    python -c "import sys; w=float(sys.argv[2])-float(sys.argv[1]); print(f'| \`{sys.argv[3]}\` | {sys.argv[4]}/500 | {w:.1f} | {500/w:.1f} |')" "$start" "$end" "$mode" "$solved"
  done
} > "$results/solve_throughput.md"
rm -f "$medium"
cat "$results/solve_throughput.md"
