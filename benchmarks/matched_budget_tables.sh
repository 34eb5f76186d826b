#!/usr/bin/env bash
# The matched-budget tables (issues 11 and 12): MDM vs ARM left-to-right vs ARM solver order
# (Kim et al.'s Table 2 in our setting), and MDM vs VMD at few steps. The four models share the
# corpus, augmentation, backbone size (parameters within 10%), seed and 1000 steps x 64 puzzles
# (train/sudoku-{mdm-matched,arm-l2r,arm-solver,vmd}.toml); the shipped sudoku-mdm (trained far
# longer, on a GPU) is a reference row outside the matched comparison.
#   bash benchmarks/matched_budget_tables.sh arm|arm-external|zebra|vmd|vmd-few|latents [MODEL...]
# arm-external: the matched models on the other external Sudoku sets (magictour top1465, Norvig
# hardest, Royle 17-clue 500), whole, with LIMIT= (the shipped model's rows on them are in
# decode_methods/ and sudoku_extreme_cpu/).
# vmd-few: only the few-step rows (`LIMIT= THREADS=1 bash ... vmd-few mdm` and `... vmd-few vmd`,
# side by side, made the whole-split rows of the README's table; the best-of-N and z = 0 rows
# stay on the subsets `vmd` ran them on).
# zebra: the Zebra trio (train/zebra-{mdm-matched,arm-l2r,arm-solver}.toml: one corpus,
# 800 steps x 64 each) on the Zebra test splits; MODEL names zebra-mdm, zebra-arm-l2r,
# zebra-arm-solver, zebra-shipped (the 12-layer GPU model, a reference row).
# MODEL names (mdm, arm-l2r, arm-solver, shipped-mdm, vmd) limit a run to those models; rows
# already written are kept (--resume), so a table can be built model by model as they finish.
# LIMIT (default 200: first puzzles of each split for one-path methods; empty: whole splits),
# SUBSET (default 40: puzzles per split for best-of-N), THREADS (default 2), CKPTS (default
# puzzlemdm/checkpoints).
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:?arm, vmd or latents}
shift
ckpts=${CKPTS:-puzzlemdm/checkpoints}
limit=${LIMIT-200}  # LIMIT= (empty): whole splits
common=(--device cpu --threads "${THREADS:-2}" ${limit:+--limit $limit} --subset "${SUBSET:-40}" --resume)
results=benchmarks/results
few=margin,top-prob,margin/steps5,margin/steps10,margin/steps20,top-prob/steps5,top-prob/steps10,top-prob/steps20

declare -A checkpoint=(
  [mdm]=sudoku-mdm-matched [arm-l2r]=sudoku-arm-l2r [arm-solver]=sudoku-arm-solver
  [shipped-mdm]=sudoku-mdm [vmd]=sudoku-vmd
  [zebra-mdm]=zebra-mdm-matched [zebra-arm-l2r]=zebra-arm-l2r [zebra-arm-solver]=zebra-arm-solver
  [zebra-shipped]=zebra-mdm
)
declare -A arm_methods=(
  [mdm]=margin,top-prob,entropy,random,margin+bon8-vf [arm-l2r]=arm,arm+bon8-vf
  [arm-solver]=arm,arm+bon8,arm+bon8-vf,arm-oracle [shipped-mdm]=margin
  [zebra-mdm]=margin,top-prob,entropy,random,margin+bon8-vf [zebra-arm-l2r]=arm,arm+bon8-vf
  [zebra-arm-solver]=arm,arm+bon8,arm+bon8-vf,arm-oracle [zebra-shipped]=margin
)
declare -A few_methods=([mdm]=$few [vmd]=$few)
declare -A vmd_methods=(
  [mdm]=$few,margin+bon8,margin+bon8-vf
  [vmd]=$few,margin/z0,margin/steps10/z0,margin+bon8,margin+bon8-z,margin+bon8-vf,margin+bon8-vf-z
)

run() {  # OUT SPLITS METHODS-ARRAY-NAME BASELINE MODEL...
  local out=$1 splits=$2 table=$3 baseline=$4 args=()
  local -n methods=$table
  shift 4
  for model in "$@"; do
    args+=(--model "$model=$ckpts/${checkpoint[$model]}" --methods "$model=${methods[$model]}")
  done
  ${PUZZLEMDM:-puzzlemdm} bench models "${common[@]}" --splits "$splits" "${args[@]}" \
    --baseline "$baseline" --out "$out"
}

case $which in
  arm) run "$results/mdm_vs_arm" easy,medium,hard,norvig_top95 arm_methods mdm/margin \
         ${@:-mdm arm-l2r arm-solver shipped-mdm} ;;
  arm-external) run "$results/mdm_vs_arm" magictour_top1465,norvig_hardest,royle_17clue_sample500 \
                  arm_methods mdm/margin ${@:-mdm arm-l2r arm-solver} ;;
  zebra) run "$results/zebra_mdm_vs_arm" easy,medium,hard arm_methods zebra-mdm/margin \
           ${@:-zebra-mdm zebra-arm-l2r zebra-arm-solver zebra-shipped} ;;
  vmd) run "$results/mdm_vs_vmd" medium,hard vmd_methods mdm ${@:-mdm vmd} ;;  # same method
  vmd-few) run "$results/mdm_vs_vmd" medium,hard few_methods mdm ${@:-mdm vmd} ;;
  latents) ${PYTHON:-python} benchmarks/vmd_latents.py --mdm "$ckpts/sudoku-mdm-matched" \
             --vmd "$ckpts/sudoku-vmd" --out "$results/mdm_vs_vmd/latents.md" ;;
  *) echo "unknown table $which" >&2; exit 2 ;;
esac
