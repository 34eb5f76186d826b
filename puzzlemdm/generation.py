"""Deterministic corpus generation: puzzle i of a run comes from rng([seed, i]) alone.

So the output is the same for any number of worker processes, and any single puzzle can be
rebuilt from its (seed, index).
"""

from __future__ import annotations

import inspect
import signal
from collections.abc import Iterator
from functools import partial
from multiprocessing import Pool
from typing import Any, get_type_hints

import numpy as np

from puzzlemdm.usage import UsageError


def generate_one(
    kind_name: str, level: str, seed: int, options: dict[str, Any], index: int
) -> dict[str, Any]:
    """The corpus line of puzzle `index` of the run (kind, level, seed, options)."""
    from puzzlemdm.puzzles.registry import get_kind

    kind = get_kind(kind_name)
    record = kind.generate(np.random.default_rng([seed, index]), level, **options)
    record.id = f"{kind_name}-{level}-s{seed}-{index:06d}"
    line = kind.record_to_json(record)
    # a kind may still make an older version's puzzles (to rebuild a committed split)
    version = options.get("generator_version", kind.generator_version)
    line.update({"seed": [seed, index], "generator_version": version})
    return line


def check_request(kind_name: str, level: str, options: dict[str, Any]) -> None:
    """UsageError (one line) for an unknown kind or level, or an option the kind's generator
    does not take (its keyword-only parameters) or of another type than it declares; the
    option values are checked by the generator itself on its first puzzle."""
    from puzzlemdm.puzzles.base import PuzzleError
    from puzzlemdm.puzzles.registry import get_kind
    from puzzlemdm.values import describe, typed

    try:
        kind = get_kind(kind_name)
    except PuzzleError as exc:
        raise UsageError(str(exc)) from None
    if level not in kind.levels:
        raise UsageError(
            f"unknown level {level!r} for {kind_name}; choose from {', '.join(kind.levels)}"
        )
    parameters = inspect.signature(kind.generate).parameters.values()
    taken = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY]
    hints = get_type_hints(kind.generate)
    for name, value in options.items():
        if name not in taken:
            raise UsageError(
                f"{kind_name} generation takes no option {name!r}; it takes "
                f"{', '.join(taken) or 'none'}"
            )
        hint = hints.get(name, Any)
        try:
            typed(value, hint)
        except TypeError:
            raise UsageError(
                f"{kind_name} option {name} must be {describe(hint)}, not {value!r}"
            ) from None


def generate_records(
    kind_name: str,
    level: str,
    count: int,
    seed: int,
    workers: int = 1,
    options: dict[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """Corpus lines for indices 0..count-1, in order, computed by `workers` processes."""
    check_request(kind_name, level, options or {})
    work = partial(generate_one, kind_name, level, seed, options or {})
    if workers <= 1:
        yield from map(work, range(count))
        return
    # On Ctrl-C (or when the caller stops early) the pool's exit terminates the workers at
    # once; they ignore SIGINT themselves, so a terminal's Ctrl-C (sent to the whole process
    # group) prints no traceback per worker.
    with Pool(workers, initializer=_ignore_sigint) as pool:
        yield from pool.imap(work, range(count), chunksize=4)


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
