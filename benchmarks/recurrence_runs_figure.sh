#!/usr/bin/env bash
# accuracy_vs_nfe.png / .md here: the shipped plain model's paths and E-BoN beside the x4
# model's single paths at 1-12 runs a call (and its E-BoN 8), compute in runs of the blocks.
set -euo pipefail
cd "$(dirname "$0")/.."
R=benchmarks/results/recurrence_runs_cpu
python benchmarks/test_time_compute.py benchmarks/results/test_time_compute_cpu \
  benchmarks/results/test_time_compute_cpu_magictour benchmarks/results/sudoku_extreme_cpu/sudoku-mdm \
  "$R/sudoku-mdm-magictour200" "$R"/sudoku-x4-runs* "$R/sudoku-x4-bon8" --out "$R"
