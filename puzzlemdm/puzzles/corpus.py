"""The one reader of puzzle files: their text (`read_text`: every command, the API and the
corpora read files through it) and corpora (JSONL made by `puzzlemdm generate`, or any file a
kind parses): training, validation, benchmarks and dataset checks all read corpora here."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind, PuzzleRecord
from puzzlemdm.puzzles.registry import detect_kind, get_kind


def read_text(path: str | Path) -> str:
    """A puzzle file's text (UTF-8, or UTF-16 with its byte-order mark, as Windows editors save
    "Unicode"), a byte-order mark dropped; a PuzzleError naming the file when it is missing, a
    folder, binary, not UTF-8 (with the line and column of the first bad byte) or unreadable."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise PuzzleError("no such file", source=source) from None
    except IsADirectoryError:
        raise PuzzleError("is a directory, expected a puzzle file", source=source) from None
    except OSError as err:
        raise PuzzleError(f"cannot read: {err.strerror}", source=source) from None
    return decode_text(data, source)


# Byte-order marks of the wider Unicode forms, UTF-32's first (its little-endian mark begins
# with UTF-16's).
_WIDE = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, source: str) -> str:
    """A puzzle file's bytes as text (see read_text), read from a file or a pipe: UTF-8, or
    UTF-16 / UTF-32 after their byte-order mark; a NUL anywhere makes it binary."""
    binary = PuzzleError("looks like a binary file, not a puzzle file", source=source)
    wide = next((codec for mark, codec in _WIDE if data.startswith(mark)), None)
    if wide is None and b"\0" in data:
        raise binary
    try:
        text = data.decode(wide or "utf-8-sig")
    except UnicodeDecodeError as err:
        if wide:
            broken = f"broken {wide.upper()} text; save the file as UTF-8"
            raise PuzzleError(broken, source=source) from None
        before = re.split(r"\r\n|\r|\n", data[: err.start].decode("utf-8", "replace"))
        raise PuzzleError(
            "not UTF-8 text; save the file as UTF-8",
            source=source,
            line=len(before),
            column=len(before[-1]) + 1,
        ) from None
    if "\0" in text:  # NULs in a wide encoding's text
        raise binary
    return text


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
    text = read_text(path)
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
