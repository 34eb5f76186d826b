#!/usr/bin/env bash
# The model tables of the Zebra and Blocksworld MDMs (README, issue notes, model cards):
# decoding methods on the committed test splits, orders, and the external sets.
#   bash benchmarks/zebra_blocksworld_model_tables.sh zebra|blocksworld [CHECKPOINT]
# Two processes with one thread each (a 2-core machine; SHARDS=1 for one), or DEVICE=cuda.
# LIMIT (default: whole splits) caps the puzzles per split for the cheap methods; SUBSET
# (default 200) is the seeded subset of every split for the expensive ones; ORDERS_LIMIT
# (default 60) the first puzzles of each split for the orders table.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?zebra or blocksworld}
ckpt=${2:-puzzlemdm/checkpoints/$kind-mdm}
device=${DEVICE:-cpu}
subset=${SUBSET:-200}
shards=${SHARDS:-2}
limit=${LIMIT:+--limit $LIMIT}
results=benchmarks/results
methods=$results/${kind}_decode_methods
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT  # no shard outlives a failed one

run_sharded() {
  local pids=() failed=0
  for ((i = 0; i < shards; i++)); do
    ${PUZZLEMDM:-puzzlemdm} bench methods --checkpoint "$ckpt" --device "$device" --threads 1 \
      --resume --shard "$i/$shards" --out "$methods" "$@" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}

[ "${RESUME:-0}" = 1 ] || rm -rf "$methods"
case "$kind" in
  zebra)
    # The model alone, MED, guided search (complete) and the classical strategy solver.
    # shellcheck disable=SC2086
    run_sharded --splits easy,medium,hard --methods margin,med,guided,strategy $limit
    # shellcheck disable=SC2086
    run_sharded --splits easy,medium,hard --methods margin,bon8-vf,repair --subset "$subset" $limit
    ;;
  blocksworld)
    # The model alone (valid and optimal plans), MED and the optimal A* planner; PlanBench's
    # basic set (4-5 blocks, partial goals) too. No guided search: Blocksworld has no
    # propagation, and plain branching is no fair use of the model.
    # shellcheck disable=SC2086
    run_sharded --splits easy,medium,hard --methods margin,med,astar $limit
    # shellcheck disable=SC2086
    run_sharded --splits ../shared/benchmarks/blocksworld/basic/instances.jsonl \
      --methods margin,astar $limit
    # Repair has nothing to re-open here: a wrong plan names no cell.
    # shellcheck disable=SC2086
    run_sharded --splits easy,medium,hard --methods margin,bon8-vf --subset "$subset" $limit
    ;;
  *) echo "unknown kind $kind" >&2; exit 2 ;;
esac
${PUZZLEMDM:-puzzlemdm} bench methods --report-only --out "$methods" > /dev/null

# Decoding orders, one path each, on the first 60 of every split: the order study's tables and
# figures (README "What order does the model choose?"), which also give each order's accuracy.
${PUZZLEMDM:-puzzlemdm} analyze orders --checkpoint "$ckpt" --device "$device" --threads "$shards" \
  --limit "${ORDERS_LIMIT:-60}" --splits easy,medium,hard \
  --methods margin,top-prob,entropy,random,left-to-right,med0.05 --out "runs/order-study-$kind"
mkdir -p "$results/order_study/$kind"
cp "runs/order-study-$kind/summary.md" "runs/order-study-$kind/summary.json" "$results/order_study/$kind/"
cp -r "runs/order-study-$kind/figures" "$results/order_study/$kind/"
