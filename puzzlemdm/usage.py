"""Usage errors: options that do not go together, name nothing or cannot be written to. Every
layer a command runs through (solving, bench, analysis, generation) raises them; the CLI turns
them into one line and exit code 2."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class UsageError(ValueError):
    """Options that do not go together (or name nothing); the message is one line."""


def flag_list(names: Iterable[str]) -> str:
    """'--paths, --node-limit' of option names."""
    return ", ".join(f"--{name.replace('_', '-')}" for name in names)


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
