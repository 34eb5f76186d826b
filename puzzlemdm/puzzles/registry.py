"""The puzzle kinds by name, loaded when asked; and how a file's kind is told from its contents.

A kind is a package `puzzlemdm/puzzles/<name>/` with a `sniff.py` (a cheap format test with no
heavy imports) and a `kind.py` whose `KIND` implements the PuzzleKind protocol. Adding a kind
is one new folder plus one line in KIND_PACKAGES.
"""

from __future__ import annotations

import importlib
from functools import cache

from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind

KIND_PACKAGES = {
    "sudoku": "puzzlemdm.puzzles.sudoku",
    "zebra": "puzzlemdm.puzzles.zebra",
    "blocksworld": "puzzlemdm.puzzles.blocksworld",
}


@cache
def get_kind(name: str) -> PuzzleKind:
    """The kind called `name` (imported now), or a PuzzleError listing the known ones."""
    if name not in KIND_PACKAGES:
        raise PuzzleError(f"unknown puzzle kind {name!r}; known: {', '.join(KIND_PACKAGES)}")
    return importlib.import_module(f"{KIND_PACKAGES[name]}.kind").KIND


def detect_kind(text: str, source: str) -> PuzzleKind:
    """The one kind whose sniffer accepts `text`; asks for --kind when none or several do.

    Only the sniffers are imported here; the kind itself is loaded once it is known."""
    matches = [
        name
        for name, package in KIND_PACKAGES.items()
        if importlib.import_module(f"{package}.sniff").sniff(text, source)
    ]
    if len(matches) == 1:
        return get_kind(matches[0])
    if not matches:
        raise PuzzleError("cannot tell which kind of puzzle this is; pass --kind", source=source)
    raise PuzzleError(f"ambiguous puzzle kind ({', '.join(matches)}); pass --kind", source=source)


def other_kind(text: str, source: str, kind_name: str) -> str | None:
    """The kind `text`'s contents tell when it is not `kind_name` (a file given as the wrong
    kind), else None (the same kind, or none told)."""
    try:
        detected = detect_kind(text, source).name
    except PuzzleError:
        return None
    return None if detected == kind_name else detected


def kind_of(puzzle: object) -> PuzzleKind:
    """The kind whose folder defines `puzzle`'s class (a Sudoku, a Zebra...)."""
    module = type(puzzle).__module__
    for name, package in KIND_PACKAGES.items():
        if module.startswith(f"{package}."):
            return get_kind(name)
    kinds = ", ".join(KIND_PACKAGES)
    raise PuzzleError(f"{type(puzzle).__name__} is not a puzzle of any kind ({kinds})")
