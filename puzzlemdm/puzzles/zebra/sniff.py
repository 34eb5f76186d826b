"""Is a file Zebra? Its first JSON line says kind zebra or has BBEH's zebra keys."""

from __future__ import annotations

from puzzlemdm.puzzles.base import first_json_object

BBEH_KEYS = frozenset({"categories", "values", "clues"})


def sniff(text: str, source: str) -> bool:
    """A JSONL file whose first object says kind zebra or has BBEH's zebra structure."""
    obj = first_json_object(text)
    return obj is not None and (obj.get("kind") == "zebra" or obj.keys() >= BBEH_KEYS)
