#!/usr/bin/env bash
# A lent-GPU call that trains GPU recipes side by side on the one GPU. Plans (first argument):
#   four  zebra-mdm-gpu (12 x 128 from scratch), zebra-mdm-stage3-gpu, blocksworld-mdm-stage3-gpu
#         and sudoku-mdm-extreme-gpu (each of the last three warm-started from shipped weights)
#   zebra-gpu-stage2  zebra-mdm-gpu-stage2 alone, from zebra-mdm-gpu's last weights (carried in
#         .gpu/runs/zebra-mdm-gpu/last: the first plan's deadline cut that run short)
#   recurrence  four runs from the shipped weights: zebra-mdm-gpu-stage3 and its recurrent twin
#         zebra-mdm-gpu-stage3-r2 (the blocks run twice per forward), and the recurrent twins
#         sudoku-mdm-extreme-gpu-r2 and -r4 of sudoku-mdm-extreme-gpu (the plain one ran in
#         plan four, beside three others as these are) (carry the Zebra corpora as for
#         zebra-stage3)
#   recurrence-stage2  second stages of zebra-mdm-gpu-stage3-r2 and sudoku-mdm-extreme-gpu-r4
#         from their last weights (run on the machine that ran plan recurrence, or carry them
#         in .gpu/runs/)
#   zebra-matched  the matched Zebra trio of issue 11 at 12x the CPU budget (zebra-mdm-matched-gpu,
#         zebra-arm-l2r-gpu, zebra-arm-solver-gpu: 2,400 steps x 256 each, step-based, so a run
#         the deadline cuts short is no longer matched: its card must say so)
#   zebra-longer  zebra-mdm-gpu-r2-stage3 and its x3 twin zebra-mdm-gpu-r3-stage3, both from the
#         shipped zebra-mdm, for the whole budget (carry the Zebra corpora as for zebra-stage3)
#   zebra-stage3  zebra-mdm-gpu-stage3 alone, from the shipped zebra-mdm (stage 2's weights), on
#         the 48,000-puzzle corpus (carry data/zebra-train-{medium-s1312,hard-s1313} in .gpu/:
#         building them here would cost most of the call)
# The models are small (1-2.4M parameters), so one alone leaves the GPU mostly idle; four
# processes fill it. Every run ends by a shared wall-clock deadline: each gets max_minutes =
# the time left when it starts, and its learning rate anneals on that clock (schedule = "time").
#
# Usage (repo root, on the GPU machine): BUDGET_S=480 OUT=/some/dir bash train/gpu-session.sh PLAN
# Inputs it expects beside the tracked files (this machine's copies, carried in .gpu/):
#   .gpu/*.jsonl.gz      the corpora the recipes name that are not rebuilt here (gzip of data/*)
#   .gpu/shared-sudoku/  ../shared/benchmarks/sudoku/*.csv, for the Sudoku recipe's de-duplication
#   .gpu/runs/           earlier stages' weights, copied into runs/
# Writes $OUT/<run>.tgz (weights, config, metrics, log; no optimizer state) and $OUT/session.log.
# The device tool sends at most 64 MiB of working tree; the tracked tree is larger (mostly
# benchmarks/results), so the 2026-11-28 session moved benchmarks/results, the checkpoints no
# plan reads (all but sudoku-mdm and zebra-mdm) and unneeded .gpu/ corpora out of the checkout
# for its calls, and back afterwards.
set -u
PLAN=${1:?plan: four, zebra-gpu-stage2, zebra-stage3, zebra-longer, recurrence, recurrence-stage2 or zebra-matched}
OUT=${OUT:-runs/gpu-session}
PY=${PY:-python3}
BUDGET_S=${BUDGET_S:-480}
START=$(date +%s)
DEADLINE=$((START + BUDGET_S))
mkdir -p "$OUT" data runs
exec > >(tee -a "$OUT/session.log") 2>&1
say() { echo "[$(($(date +%s) - START))s] $*"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
$PY -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name())"

for f in .gpu/*.jsonl.gz; do gunzip -c "$f" >"data/$(basename "${f%.gz}")"; done
mkdir -p ../shared/benchmarks/sudoku && cp .gpu/shared-sudoku/*.csv ../shared/benchmarks/sudoku/
[ -d .gpu/runs ] && cp -r .gpu/runs/. runs/
# The stages to continue from: the shipped weights where the run that made them is the one a
# recipe's init names (as when this session ran); else that run must be in runs/ already.
seed_run() { # shipped folder, run folder, the recipe that must have made the shipped weights
  if grep -q "\"name\": \"$3\"" "puzzlemdm/checkpoints/$1/config.json"; then
    mkdir -p "runs/$2" && cp "puzzlemdm/checkpoints/$1"/{model.safetensors,config.json} "runs/$2/"
  else
    say "puzzlemdm/checkpoints/$1 is not $3's: train that stage first for runs/$2"
  fi
}
seed_run zebra-mdm zebra-mdm-stage2/best zebra-mdm-stage2
seed_run blocksworld-mdm blocksworld-mdm-stage2/best blocksworld-mdm-stage2
seed_run sudoku-mdm sudoku-mdm-gpu/last sudoku-mdm-gpu
seed_run zebra-mdm zebra-mdm-gpu-stage2/last zebra-mdm-gpu-stage2
seed_run zebra-mdm zebra-mdm-gpu-stage3-r2-stage2/best zebra-mdm-gpu-stage3-r2-stage2
say "inputs ready: $(ls data | tr '\n' ' ')"

# train RECIPE LOAD_S [EXTRA...]: max_minutes = time to the deadline less LOAD_S for loading.
train() {
  local recipe=$1 load=$2 name minutes rc
  shift 2
  name=$(basename "$recipe" .toml)
  minutes=$($PY -c "print(round(max(1.0, ($DEADLINE - $(date +%s) - $load) / 60), 2))")
  say "start $name, max_minutes $minutes $*"
  # SIGTERM past the deadline: the loop saves and stops; SIGKILL 20 s later if it hangs.
  # (SIGINT would not do: a background job of a script starts with SIGINT ignored.)
  timeout -s TERM -k 20 $((DEADLINE - $(date +%s) + 30)) \
    $PY -m puzzlemdm train --config "$recipe" --set "max_minutes=$minutes" "$@" \
    >>"runs/$name.log" 2>&1
  rc=$?
  say "end $name (exit $rc)"
  # a crash early on (torch.compile on this GPU, say) gets one more try, eager
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $((DEADLINE - $(date +%s))) -gt 150 ] && [ $# -eq 0 ]; then
    train "$recipe" "$load" --set compile=false --overwrite
  fi
}

jobs=()
case $PLAN in
four)
  train train/blocksworld-mdm-stage3-gpu.toml 30 &
  jobs+=($!)
  train train/sudoku-mdm-extreme-gpu.toml 40 &
  jobs+=($!)
  train train/zebra-mdm-stage3-gpu.toml 30 &
  jobs+=($!)
  # The deeper Zebra model trains on 30,000 more puzzles, built here first on the spare cores.
  $PY -c "from puzzlemdm.train.corpora import ensure_corpora as e; \
  print(e(['data/zebra-train-medium-s1312.jsonl', 'data/zebra-train-hard-s1313.jsonl'], \
  'train/corpora.toml', workers=12))"
  say "zebra corpora built"
  train train/zebra-mdm-gpu.toml 30 &
  jobs+=($!)
  ;;
zebra-gpu-stage2)
  train train/zebra-mdm-gpu-stage2.toml 40 &
  jobs+=($!)
  ;;
zebra-stage3)
  train train/zebra-mdm-gpu-stage3.toml 40 &
  jobs+=($!)
  ;;
recurrence)
  for recipe in zebra-mdm-gpu-stage3 zebra-mdm-gpu-stage3-r2 sudoku-mdm-extreme-gpu-r2 \
    sudoku-mdm-extreme-gpu-r4; do
    train "train/$recipe.toml" 60 &  # compiling the recurrent forward takes longer
    jobs+=($!)
  done
  ;;
recurrence-stage2)
  for recipe in zebra-mdm-gpu-stage3-r2-stage2 sudoku-mdm-extreme-gpu-r4-stage2; do
    train "train/$recipe.toml" 40 &
    jobs+=($!)
  done
  ;;
zebra-longer)
  for recipe in zebra-mdm-gpu-r2-stage3 zebra-mdm-gpu-r3-stage3; do
    train "train/$recipe.toml" 60 &
    jobs+=($!)
  done
  ;;
zebra-matched)
  for recipe in zebra-mdm-matched-gpu zebra-arm-l2r-gpu zebra-arm-solver-gpu; do
    train "train/$recipe.toml" 40 &
    jobs+=($!)
  done
  ;;
*) echo "unknown plan $PLAN" && exit 2 ;;
esac
wait "${jobs[@]}"  # not a bare wait: that would wait for the tee of the log too, forever
nvidia-smi --query-gpu=memory.used,utilization.gpu --format=csv,noheader

for run in zebra-mdm-gpu zebra-mdm-stage3-gpu blocksworld-mdm-stage3-gpu sudoku-mdm-extreme-gpu \
  zebra-mdm-gpu-stage2 zebra-mdm-gpu-stage3 zebra-mdm-matched-gpu zebra-arm-l2r-gpu \
  zebra-arm-solver-gpu zebra-mdm-gpu-stage3-r2 sudoku-mdm-extreme-gpu-r2 \
  sudoku-mdm-extreme-gpu-r4 zebra-mdm-gpu-stage3-r2-stage2 sudoku-mdm-extreme-gpu-r4-stage2 \
  zebra-mdm-gpu-r2-stage3 zebra-mdm-gpu-r3-stage3; do
  [ -f "runs/$run.log" ] || continue
  cp "runs/$run.log" "runs/$run/train.log"
  (cd runs && tar czf "$OUT/$run.tgz" --exclude=resume.pt --exclude='*.tmp' "$run")
done
say "packed: $(ls "$OUT" | tr '\n' ' ')"
