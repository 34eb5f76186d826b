"""Decoding = scorer (which masked position is ready) x schedule x selector, as pure functions.

- `decode` / `decode_path`: one path per grid (orders, schedules one/steps/med/threshold);
- `best_of_n` (E-BoN; `best_of_n_until_verified`: verified-first in rounds, a puzzle stopping
  at its first verified path), `smc` (E-SMC), `info_gain` (look-ahead): several candidates per
  puzzle;
- `repair`: re-open the cells of violated rules; `guided_search`: complete search, model order
  (any kind: its own propagation, or plain branching);
- `run_method(MethodConfig)`: all of the above behind one config, on token batches;
- `decode_puzzles`: a method on puzzles of any kind, judged by the kind's verifier (`judge`);
- every method returns a `DecodeResult` trace; `write_traces` writes them as JSONL.
"""

from puzzlemdm.decode.bon import best_of_n, best_of_n_until_verified, select_paths
from puzzlemdm.decode.core import ORDERS, DecodeResult, decode, decode_path
from puzzlemdm.decode.guided import (
    GuidedResult,
    branch_search,
    classical_nodes,
    guided_search,
    guided_search_batch,
)
from puzzlemdm.decode.infogain import info_gain
from puzzlemdm.decode.judge import kind_verifier, kind_violations
from puzzlemdm.decode.methods import MethodConfig, run_method
from puzzlemdm.decode.puzzles import decode_puzzles
from puzzlemdm.decode.repair import repair
from puzzlemdm.decode.rules import conflict_cells, differ_verifier
from puzzlemdm.decode.schedules import SCHEDULES
from puzzlemdm.decode.smc import smc
from puzzlemdm.decode.step import StepConfig
from puzzlemdm.decode.trace import trace_rows, write_traces

__all__ = [
    "ORDERS",
    "SCHEDULES",
    "DecodeResult",
    "GuidedResult",
    "MethodConfig",
    "StepConfig",
    "best_of_n",
    "best_of_n_until_verified",
    "branch_search",
    "classical_nodes",
    "conflict_cells",
    "decode",
    "decode_path",
    "decode_puzzles",
    "differ_verifier",
    "guided_search",
    "guided_search_batch",
    "info_gain",
    "kind_verifier",
    "kind_violations",
    "repair",
    "run_method",
    "select_paths",
    "smc",
    "trace_rows",
    "write_traces",
]
