"""puzzlemdm: constraint puzzles solved by small masked diffusion models."""

__version__ = "0.1.0"
