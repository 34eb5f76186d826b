#!/usr/bin/env bash
# Rebuilds every committed Sudoku split bit-for-bit (any --workers gives the same bytes).
# Seeds: test 101-103, validation 201-203, training corpora 300+ (disjoint rng streams:
# puzzle i of a run comes from numpy default_rng([seed, i])).
set -euo pipefail
cd "$(dirname "$0")"
W=${WORKERS:-2}
for spec in easy:1 medium:2 hard:3; do
  level=${spec%%:*}; k=${spec##*:}
  mkdir -p "$level"
  puzzlemdm generate sudoku --level "$level" --n 1000 --seed "10$k" --workers "$W" -o "$level/test.jsonl"
  puzzlemdm generate sudoku --level "$level" --n 200 --seed "20$k" --workers "$W" -o "$level/validation.jsonl"
done
# The extreme validation split (seed 401): picks the extreme Sudoku recipe's checkpoint.
mkdir -p extreme
puzzlemdm generate sudoku --level extreme --n 100 --seed 401 --workers "$W" -o extreme/validation.jsonl
