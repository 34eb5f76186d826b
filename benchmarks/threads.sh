#!/usr/bin/env bash
# Puzzles/s of `puzzlemdm solve` by torch thread count, on an idle and on a busy machine (busy:
# one pure-Python CPU burner per core beside it), for the default guided search and for one
# margin path (`--search none`). Picks the default of `--threads` (puzzlemdm/solving.py).
#   [THREADS="1 2"] [CAP=60] bash benchmarks/threads.sh [GUIDED_PUZZLES=50] [PATH_PUZZLES=10]
# Medium test puzzles; a run is cut at CAP seconds and then reported as below N/CAP.
# Puzzles/s counts the whole command (start-up and model load included).
# Writes benchmarks/results/threads.md (and prints it).
set -euo pipefail
cd "$(dirname "$0")/.."
guided_n=${1:-50}
path_n=${2:-10}
read -r -a threads <<< "${THREADS:-1 2}"
cap=${CAP:-60}
work=$(mktemp -d)
burners=()
stop_burners() {
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done
  burners=()
}
trap 'stop_burners; rm -rf "$work"' EXIT
head -n "$guided_n" datasets/sudoku/medium/test.jsonl > "$work/guided.jsonl"
head -n "$path_n" datasets/sudoku/medium/test.jsonl > "$work/path.jsonl"

run() {  # condition mode threads file n: one table row
  local start end status=0
  start=$(date +%s.%N)
  # shellcheck disable=SC2086  # $2 is several options on purpose
  timeout "$cap" puzzlemdm solve "$4" --json --device cpu --quiet $2 --threads "$3" \
    > "$work/out" 2> "$work/err" || status=$?
  end=$(date +%s.%N)
  local solved
  solved=$(grep -c '"verified": true' "$work/out" || true)
  python3 -c "
import sys
start, end, cond, mode, threads, n, solved, status, cap = sys.argv[1:]
wall = float(end) - float(start)
rate = f'< {int(n) / float(cap):.2f} (cut at {cap} s, {solved} done)' if status == '124' else f'{int(n) / wall:.2f}'
print(f'| {cond} | \`{mode}\` | {threads} | {solved}/{n} | {wall:.1f} | {rate} |')
" "$start" "$end" "$1" "$2" "$3" "$5" "$solved" "$status" "$cap"
}

{
echo "\`bash benchmarks/threads.sh $guided_n $path_n\` (THREADS=\"${threads[*]}\", CAP=$cap), $(date -u +%Y-%m-%d):"
echo "\`puzzlemdm solve\` on medium test puzzles, --device cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores."
echo "busy = $(nproc) pure-Python CPU burners beside it; load average at the start of each condition in brackets."
echo
echo "| condition | mode | --threads | solved | wall s | puzzles/s |"
echo "|---|---|---|---|---|---|"
for condition in idle busy; do
  if [ "$condition" = busy ]; then
    for _ in $(seq "$(nproc)"); do
      python3 -c 'while True: pass' &
      burners+=($!)
    done
    sleep 2
  fi
  label="$condition [$(cut -d' ' -f1 /proc/loadavg)]"
  for t in "${threads[@]}"; do
    run "$label" "--search guided" "$t" "$work/guided.jsonl" "$guided_n"
    run "$label" "--search none" "$t" "$work/path.jsonl" "$path_n"
  done
  stop_burners
done
} > benchmarks/results/threads.md.new
mv benchmarks/results/threads.md.new benchmarks/results/threads.md
cat benchmarks/results/threads.md
