#!/usr/bin/env bash
# End-to-end throughput of `puzzlemdm solve` (parse, batch, decode, verify, print) on the first
# N problems of one test split: the kind's default solve, the model alone (one margin path; fp32
# and bf16), and the kind's classical solvers on the same problems.
#   bash benchmarks/solve_throughput.sh [KIND] [CHECKPOINT]
#     -> benchmarks/results/solve_throughput.md (sudoku), solve_throughput_<kind>.md (others)
# KIND: sudoku (default) | zebra | blocksworld. N (default 500), SPLIT (default medium) and
# DEVICE (default cpu) pick the problems and the machine part; the table's header names them.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-sudoku}
ckpt=${2:-puzzlemdm/checkpoints/$kind-mdm}
device=${DEVICE:-cpu}
split=${SPLIT:-medium}
count=${N:-500}
results=benchmarks/results
case "$kind" in
  sudoku)
    out=$results/solve_throughput.md
    classical=("--solver strategy" "--solver search") ;;
  zebra)
    out=$results/solve_throughput_zebra.md
    classical=("--solver strategy" "--solver python-constraint") ;;
  blocksworld)
    out=$results/solve_throughput_blocksworld.md
    classical=("--solver astar" "--solver bfs") ;;
  *) echo "unknown kind $kind (sudoku | zebra | blocksworld)" >&2; exit 2 ;;
esac
problems=$(mktemp --suffix=.jsonl)
log=$(mktemp)
trap 'rm -f "$problems" "$log" "$log.out"' EXIT
head -n "$count" "datasets/$kind/$split/test.jsonl" > "$problems"
count=$(wc -l < "$problems")
if [ "$device" = cpu ]; then
  bf16=$(grep -q avx512_bf16 /proc/cpuinfo && echo "with AVX512-BF16" || echo "without AVX512-BF16")
  machine="$(lscpu | sed -n 's/^Model name: *//p') ($bf16), $(nproc --all) cores"
else
  machine=$(python -c 'import torch; print(torch.cuda.get_device_name())')
fi
modes=("" "--search none" "--search none --precision bf16" "${classical[@]}")
{
  echo "\`puzzlemdm solve\` on the first $count problems of datasets/$kind/$split/test.jsonl, --json,"
  echo "checkpoint $ckpt, --device $device: $machine, $(python -c 'import torch; print(torch.get_num_threads())') torch threads"
  echo "(the first row is the kind's default solve, no options; the last rows use no model):"
  echo
  echo "| mode | solved | wall seconds | problems/s |"
  echo "|---|---|---|---|"
  for mode in "${modes[@]}"; do
    model_options=(--checkpoint "$ckpt" --device "$device")
    [[ "$mode" == --solver* ]] && model_options=()
    start=$(date +%s.%N)
    status=0
    # shellcheck disable=SC2086  # mode is several options on purpose
    ${PUZZLEMDM:-puzzlemdm} solve "$problems" --kind "$kind" --json "${model_options[@]}" $mode \
      > "$log.out" 2> "$log" || status=$?
    end=$(date +%s.%N)
    if [ "$status" != 0 ] && [ "$status" != 3 ]; then  # 3 = some problems unsolved: a result
      echo "solve $mode failed (exit $status):" >&2
      tail -3 "$log" >&2
      exit 1
    fi
    solved=$(grep -c '"verified": true' "$log.out" || true)
    python -c "import sys; w=float(sys.argv[2])-float(sys.argv[1]); n=int(sys.argv[5]); m=f'\`{sys.argv[3]}\`' if sys.argv[3] else 'default'; print(f'| {m} | {sys.argv[4]}/{n} | {w:.1f} | {n/w:.1f} |')" "$start" "$end" "$mode" "$solved" "$count"
  done
  rm -f "$log.out"
} > "$out.new"
mv "$out.new" "$out"
cat "$out"
