#!/usr/bin/env bash
# Rebuilds every committed Zebra split bit-for-bit (any --workers gives the same bytes), with
# generator version 1 (before clues between two values of one attribute).
# Seeds: test 1101-1103, validation 1201-1203 (disjoint from Sudoku's 101-103 / 201-203 / 300+
# and Blocksworld's 2101-2104 / 2201-2204): puzzle i of a run comes from
# numpy default_rng([seed, i]).
set -euo pipefail
cd "$(dirname "$0")"
W=${WORKERS:-2}
for spec in easy:1 medium:2 hard:3; do
  level=${spec%%:*}; k=${spec##*:}
  mkdir -p "$level"
  puzzlemdm generate zebra --level "$level" --n 1000 --seed "110$k" --workers "$W" -O generator_version=1 -o "$level/test.jsonl"
  puzzlemdm generate zebra --level "$level" --n 200 --seed "120$k" --workers "$W" -O generator_version=1 -o "$level/validation.jsonl"
done
