"""Usage errors: options that do not go together, name nothing or cannot be written to. Every
layer a command runs through (solving, bench, analysis, generation) raises them; the CLI turns
them into one line and exit code 2."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


class UsageError(ValueError):
    """Options that do not go together (or name nothing); the message is one line."""


def flag_list(names: Iterable[str]) -> str:
    """'--paths, --node-limit' of option names."""
    return ", ".join(f"--{name.replace('_', '-')}" for name in names)


# Torch's thread pools fail (a segfault in its OpenMP runtime) far above the machine's cores.
MAX_THREADS = max(64, 4 * (os.cpu_count() or 1))
SEED_LIMIT = 2**63  # torch's generators take seeds below it


def check_threads(threads: int, flag: str = "--threads") -> None:
    """UsageError for a thread count torch cannot run (negative, or far above the cores)."""
    if not 0 <= threads <= MAX_THREADS:
        raise UsageError(
            f"{flag} {threads}: choose 0 (torch's default) to {MAX_THREADS} "
            f"(this machine has {os.cpu_count()} cores)"
        )


def check_seed(seed: int, flag: str = "--seed") -> None:
    """UsageError for a seed torch's generators cannot take."""
    if not 0 <= seed < SEED_LIMIT:
        raise UsageError(f"{flag} {seed}: choose it in 0 .. 2**63 - 1")


def check_writable(path: str | Path | None, flag: str) -> None:
    """UsageError unless a file can be created at `path` (None: nothing to write): its folder
    must exist and it must not be a folder itself."""
    if path is None:
        return
    folder = Path(path).parent
    if not folder.is_dir():
        raise UsageError(f"{flag} {path}: folder {folder} does not exist (create it first)")
    if Path(path).is_dir():
        raise UsageError(f"{flag} {path}: is a folder, expected a file to write")
