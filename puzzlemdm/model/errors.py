"""The model layer's error, importable without torch (the CLI tells it from a puzzle's)."""

from __future__ import annotations

from puzzlemdm.puzzles.base import PuzzleError


class CheckpointError(PuzzleError):
    """A checkpoint that cannot be used, with the reason."""
