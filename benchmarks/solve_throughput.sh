#!/usr/bin/env bash
# End-to-end throughput of `puzzlemdm solve` (parse, batch, decode, verify, print) on the first
# 500 puzzles of medium/test, by guided search and by one margin path (fp32 and bf16).
#   bash benchmarks/solve_throughput.sh [CHECKPOINT]   -> benchmarks/results/solve_throughput.md
# DEVICE (default cpu) picks the machine part; the table's header names it.
set -euo pipefail
cd "$(dirname "$0")/.."
ckpt=${1:-puzzlemdm/checkpoints/sudoku-mdm}
device=${DEVICE:-cpu}
results=benchmarks/results
medium=$(mktemp --suffix=.txt)
log=$(mktemp)
trap 'rm -f "$medium" "$log" "$log.out"' EXIT
head -n 500 datasets/sudoku/medium/test.jsonl > "$medium"
if [ "$device" = cpu ]; then
  bf16=$(grep -q avx512_bf16 /proc/cpuinfo && echo "with AVX512-BF16" || echo "without AVX512-BF16")
  machine="$(lscpu | sed -n 's/^Model name: *//p') ($bf16), $(nproc) cores"
else
  machine=$(python -c 'import torch; print(torch.cuda.get_device_name())')
fi
{
  echo "\`puzzlemdm solve\` on the first 500 puzzles of datasets/sudoku/medium/test.jsonl, --json,"
  echo "checkpoint $ckpt, --device $device: $machine, $(python -c 'import torch; print(torch.get_num_threads())') torch threads:"
  echo
  echo "| mode | solved | wall seconds | puzzles/s |"
  echo "|---|---|---|---|"
  for mode in "--search guided" "--search none" "--search none --precision bf16"; do
    start=$(date +%s.%N)
    status=0
    # shellcheck disable=SC2086  # mode is several options on purpose
    ${PUZZLEMDM:-puzzlemdm} solve "$medium" --json --checkpoint "$ckpt" --device "$device" $mode \
      > "$log.out" 2> "$log" || status=$?
    end=$(date +%s.%N)
    if [ "$status" != 0 ] && [ "$status" != 3 ]; then  # 3 = some puzzles unsolved: a result
      echo "solve $mode failed (exit $status):" >&2
      tail -3 "$log" >&2
      exit 1
    fi
    solved=$(grep -c '"verified": true' "$log.out" || true)
    python -c "import sys; w=float(sys.argv[2])-float(sys.argv[1]); print(f'| \`{sys.argv[3]}\` | {sys.argv[4]}/500 | {w:.1f} | {500/w:.1f} |')" "$start" "$end" "$mode" "$solved"
  done
  rm -f "$log.out"
} > "$results/solve_throughput.md.new"
mv "$results/solve_throughput.md.new" "$results/solve_throughput.md"
cat "$results/solve_throughput.md"
