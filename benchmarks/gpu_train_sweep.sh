#!/usr/bin/env bash
# Train several variants of a recipe at once on one GPU (small models leave it mostly idle),
# then pack each run (best/, last/, metrics.jsonl, config.json) as $OUT/<name>.tar.
#   OUT=/tmp/out bash benchmarks/gpu_train_sweep.sh RECIPE "name1 --set k=v ..." "name2 ..."
# Each variant is "<name> <extra train options>"; every run logs to runs/<name>.log.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: bash benchmarks/gpu_train_sweep.sh RECIPE \"name --set k=v ...\" ..." >&2
  exit 2
fi
recipe=$1; shift
out=${OUT:-runs/sweep-out}
mkdir -p "$out" runs
pids=()
names=()
for variant in "$@"; do
  read -r name options <<<"$variant"
  # shellcheck disable=SC2086  # options are several words on purpose
  PYTHONUNBUFFERED=1 ${PUZZLEMDM:-puzzlemdm} train --config "$recipe" \
    --set "name=\"$name\"" $options >"runs/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
done
status=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { echo "${names[$i]} failed:"; tail -20 "runs/${names[$i]}.log"; status=1; }
done
for name in "${names[@]}"; do
  [ -d "runs/$name" ] || continue
  grep val_solve_rate "runs/$name/metrics.jsonl" | tail -2
  cp "runs/$name.log" "runs/$name/train.log"
  tar -C runs -cf "$out/$name.tar" --exclude resume.pt "$name"
done
exit $status
