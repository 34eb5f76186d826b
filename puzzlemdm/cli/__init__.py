"""The `puzzlemdm` command line: a thin typer layer over the library, a module a command
(`solve`, `verify` with `grade` and `models`, `generate`, `train`, `bench` with `analyze`)
beside what they share (`common`).

Exit codes: 0 every puzzle solved and verified (or valid; one with several solutions too, with
a warning); 1 an invalid puzzle (malformed, contradictory, no solution); 2 usage error; 3 valid
puzzles left unsolved by the solver; 130 interrupted (Ctrl-C: workers stopped, summary so far).
Heavy modules (torch, the solvers) are imported inside the commands, so start-up stays fast.
"""

import importlib

from puzzlemdm.cli.common import app, main

# Each module registers its commands on `app` when imported, in the order `--help` lists them.
for _module in ("solve", "verify", "generate", "train", "bench"):
    importlib.import_module(f"puzzlemdm.cli.{_module}")

__all__ = ["app", "main"]
