#!/usr/bin/env bash
# Rebuilds every committed Blocksworld split bit-for-bit (any --workers gives the same bytes).
# Seeds: test 2101-2104, validation 2201-2204 (disjoint from Sudoku's 101-103 / 201-203 / 300+
# and Zebra's 1101-1103 / 1201-1203): puzzle i of a run comes from numpy default_rng([seed, i]).
# Goals: the default "mixed" (a fair coin per puzzle between a full and a partial goal).
set -euo pipefail
cd "$(dirname "$0")"
W=${WORKERS:-2}
for spec in easy:1 medium:2 hard:3 extreme:4; do
  level=${spec%%:*}; k=${spec##*:}
  mkdir -p "$level"
  puzzlemdm generate blocksworld --level "$level" --n 1000 --seed "210$k" --workers "$W" -o "$level/test.jsonl"
  puzzlemdm generate blocksworld --level "$level" --n 200 --seed "220$k" --workers "$W" -o "$level/validation.jsonl"
done
