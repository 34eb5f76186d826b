"""puzzlemdm: constraint puzzles solved by small masked diffusion models.

The Python API (puzzlemdm/api.py; README, "Python"):

    solver = puzzlemdm.load("sudoku")          # a kind's shipped model, or a checkpoint folder
    outcomes = solver.solve("examples/sudoku.txt", search="none")   # decoding as keywords
    records = puzzlemdm.parse(text_or_path)    # kind detected from the contents
    puzzlemdm.verify(records[0], outcomes[0].answer)                # the kind's verifier
    answer = puzzlemdm.parse_answer(records[0], "answer.txt")        # an answer given apart

Importing the package stays light: torch is imported only when a model is loaded.
"""

from puzzlemdm.api import (
    Judged,
    Outcome,
    PuzzleError,
    Solver,
    UsageError,
    Verdict,
    judge,
    load,
    parse,
    parse_answer,
    verify,
)

__version__ = "0.1.0"
__all__ = [
    "Judged",
    "Outcome",
    "PuzzleError",
    "Solver",
    "UsageError",
    "Verdict",
    "judge",
    "load",
    "parse",
    "parse_answer",
    "verify",
]
