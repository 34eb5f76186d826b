"""Deterministic corpus generation: puzzle i of a run comes from rng([seed, i]) alone.

So the output is the same for any number of worker processes, and any single puzzle can be
rebuilt from its (seed, index).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

import numpy as np


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


def generate_records(
    kind_name: str,
    level: str,
    count: int,
    seed: int,
    workers: int = 1,
    options: dict[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """Corpus lines for indices 0..count-1, in order, computed by `workers` processes."""
    work = partial(generate_one, kind_name, level, seed, options or {})
    if workers <= 1:
        yield from map(work, range(count))
        return
    with ProcessPoolExecutor(workers) as pool:
        yield from pool.map(work, range(count), chunksize=4)
