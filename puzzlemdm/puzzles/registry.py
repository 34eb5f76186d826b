"""The puzzle kinds the CLI knows, and how a file's kind is told from its contents."""

from __future__ import annotations

from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind
from puzzlemdm.puzzles.blocksworld import BlocksworldKind
from puzzlemdm.puzzles.sudoku_kind import SudokuKind
from puzzlemdm.puzzles.zebra import ZebraKind

KINDS: dict[str, PuzzleKind] = {
    kind.name: kind for kind in (SudokuKind(), ZebraKind(), BlocksworldKind())
}


def get_kind(name: str) -> PuzzleKind:
    """The kind called `name`, or a PuzzleError listing the known ones."""
    try:
        return KINDS[name]
    except KeyError:
        raise PuzzleError(f"unknown puzzle kind {name!r}; known: {', '.join(KINDS)}") from None


def detect_kind(text: str, source: str) -> PuzzleKind:
    """The one kind whose sniffer accepts `text`; asks for --kind when none or several do."""
    matches = [kind for kind in KINDS.values() if kind.sniff(text, source)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise PuzzleError("cannot tell which kind of puzzle this is; pass --kind", source=source)
    names = ", ".join(k.name for k in matches)
    raise PuzzleError(f"ambiguous puzzle kind ({names}); pass --kind", source=source)


def has_shipped_model(kind_name: str) -> bool:
    """Whether the package ships an MDM checkpoint for this kind (no torch import)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "checkpoints" / f"{kind_name}-mdm"
    return (folder / "model.safetensors").is_file()
