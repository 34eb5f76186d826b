"""The one reader of corpus files (JSONL made by `puzzlemdm generate`, or any file a kind
parses): training, validation, benchmarks and dataset checks all read corpora through it."""

from __future__ import annotations

from pathlib import Path

from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind, PuzzleRecord
from puzzlemdm.puzzles.registry import detect_kind, get_kind


def read_corpus(
    path: str | Path,
    kind_name: str | None = None,
    *,
    limit: int | None = None,
    need_solutions: bool = True,
) -> tuple[PuzzleKind, list[PuzzleRecord]]:
    """(kind, the first `limit` records) of a corpus; the kind is detected when not named.

    With `need_solutions`, a record without one is an error naming the file and line."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PuzzleError(f"cannot read corpus: {exc.strerror}", source=source) from None
    kind = get_kind(kind_name) if kind_name else detect_kind(text, source)
    records = kind.parse_text(text, source)[:limit]
    if need_solutions:
        for record in records:
            if record.solution is None:
                raise PuzzleError(
                    "a training or evaluation puzzle needs a solution",
                    source=source,
                    line=record.line,
                )
    return kind, records


def read_corpora(
    paths: list[str], kind_name: str | None = None, *, limit_each: int | None = None
) -> tuple[PuzzleKind, list[PuzzleRecord]]:
    """Several corpora of one kind, concatenated (an error if their kinds differ)."""
    kind, records = None, []
    for path in paths:
        this, more = read_corpus(path, kind_name, limit=limit_each)
        if kind is not None and this.name != kind.name:
            raise PuzzleError(f"a {this.name} corpus among {kind.name} corpora", source=path)
        kind = this
        records += more
    if kind is None:
        raise PuzzleError("no corpus given")
    return kind, records
