#!/usr/bin/env bash
# Relation-bias ablation: a recipe's model trained from scratch with and without the per-head
# relation bias, same seed, data and steps; short runs, so the figures compare how fast each
# learns, not where each converges.
#   bash benchmarks/ablation_relation_bias.sh [STEPS]     (~11 minutes per 600 steps on 2 cores)
# RECIPE (default train/sudoku-mdm.toml), EXTRA (more --set options), PARALLEL=1 (both runs at
# once: on a GPU) and OUTNAME (default ablation_relation_bias) change what and where.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-600}
recipe=${RECIPE:-train/sudoku-mdm.toml}
outname=${OUTNAME:-ablation_relation_bias}
train_one() {
  # shellcheck disable=SC2086  # EXTRA is several options on purpose
  ${PUZZLEMDM:-puzzlemdm} train --config "$recipe" --set "name=\"ablation-bias-$1\"" \
    --set "model.relation_bias=$1" --set "optim.stop_at=$steps" --set "eval.every=$steps" \
    --set max_minutes=0 --set 'out_dir="runs"' ${EXTRA:-}
}
if [ "${PARALLEL:-0}" = 1 ]; then
  trap 'kill $(jobs -p) 2>/dev/null || true' EXIT  # no run outlives a failed one
  train_one true & first=$!
  train_one false
  wait "$first"
else
  train_one true
  train_one false
fi
python3 - "$steps" "$recipe" "$outname" "${EXTRA:-}" <<'PY'
import json, sys
from pathlib import Path
steps, recipe, outname, extra = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
lines = [
    f"Relation-bias ablation: `bash benchmarks/ablation_relation_bias.sh {steps}` "
    f"(RECIPE={recipe}{', EXTRA=' + extra if extra else ''}; from scratch, seed of the "
    "recipe, stopped at the same step; validation: 100 puzzles per level, margin order, "
    "one path).",
    "",
    "| relation bias | step | minutes | val solved | easy | medium | hard | loss (last 25 steps) |",
    "|---|---|---|---|---|---|---|---|",
]
for bias in ("true", "false"):
    rows = [json.loads(x) for x in Path(f"runs/ablation-bias-{bias}/metrics.jsonl").read_text().splitlines()]
    vals = [r for r in rows if "val_solve_rate" in r]
    last = [r for r in rows if "loss" in r][-1]
    if not vals:  # stopped before its validation: report how far it got
        lines.append(
            f"| {'on' if bias == 'true' else 'off'} | {last['step']} (stopped) | "
            f"{last['elapsed_s'] / 60:.1f} | - | - | - | - | {last['loss']:.4f} |"
        )
        continue
    val = vals[-1]
    lines.append(
        f"| {'on' if bias == 'true' else 'off'} | {val['step']} | {val['elapsed_s'] / 60:.1f} | "
        f"{val['val_solve_rate']:.1%} | {val['val_solve_rate_easy']:.0%} | "
        f"{val['val_solve_rate_medium']:.0%} | {val['val_solve_rate_hard']:.0%} | "
        f"{last['loss']:.4f} |"
    )
start = json.loads(Path("runs/ablation-bias-true/metrics.jsonl").read_text().splitlines()[0])
lines.append(f"\nDevice: {start['device']}.")
out = Path(f"benchmarks/results/{outname}.md")
out.write_text("\n".join(lines) + "\n")
print(out.read_text())
PY
