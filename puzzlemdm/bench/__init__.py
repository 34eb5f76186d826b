"""Benchmarks behind `puzzlemdm bench`: tables with their command, checkpoint, seed, machine."""
