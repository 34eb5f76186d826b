"""The Python API: `load` a solver, `parse` puzzles, `verify` or `judge` answers.

    import puzzlemdm
    solver = puzzlemdm.load("sudoku")                  # the shipped model; or a checkpoint folder
    outcomes = solver.solve("examples/sudoku.txt")     # verified Outcomes, one per puzzle
    outcomes = solver.solve(puzzles, order="entropy", search="none")  # decoding as keywords

The same library as the CLI: every answer called solved was accepted by the kind's verifier.
Light to import: torch is imported only when a model is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from puzzlemdm.answers import Judged
from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind, PuzzleRecord, Verdict
from puzzlemdm.solving import (
    MODEL,
    PATH_OPTIONS,
    Outcome,
    SolveConfig,
    UsageError,
    resolve,
    solve_records,
)

API = "<api>"  # the source of puzzles handed over as objects, not read from a file
# The keyword arguments of `Solver.solve`: decoding options (PATH_OPTIONS, as the CLI's) and
# the fields of SolveConfig that may change from call to call.
PER_CALL = ("search", "node_limit", "branch", "batch_size", "fallback", "seed", "trace_path")


def parse(text_or_path: str | Path, kind: str | None = None) -> list[PuzzleRecord]:
    """The puzzles of a file (a Path, or a str naming an existing file) or of text, in any
    format the CLI reads; the kind is detected from the contents unless given. Each record
    has `.puzzle`, `.solution` (when the file gives one), `.id`, `.source`, `.line` and
    `.name`, the name the CLI prints (the file's id for it, else `file:line`)."""
    from puzzlemdm.puzzles.registry import detect_kind, get_kind

    if kind is not None and not isinstance(kind, str):
        raise TypeError(f"kind must be a kind's name (a str), not {_shown(kind)}")
    text, source = _read(text_or_path)
    puzzle_kind = get_kind(kind) if kind else detect_kind(text, source)
    return puzzle_kind.parse_text(text, source)


def parse_answer(puzzle: Any, text_or_path: str | Path) -> Any:
    """Someone's answer to `puzzle` (a PuzzleRecord or the puzzle) from a file or text, as
    `verify --answer` reads it: a plan file or PlanBench's English (Blocksworld), a grid
    (Sudoku), `solve --json`'s row or its answer (every kind); for `verify` to judge. A short
    answer to a puzzle's question (a value, a house) is no answer to verify: `judge` it."""
    from puzzlemdm.puzzles.registry import kind_of

    puzzle = puzzle.puzzle if isinstance(puzzle, PuzzleRecord) else puzzle
    text, source = _read(text_or_path)
    return kind_of(puzzle).parse_answer(puzzle, text, source)


def judge(puzzle: Any, text_or_path: str | Path) -> Judged:
    """Someone's answer to `puzzle` (a PuzzleRecord or the puzzle) from a file or text, judged
    as `verify --answers` judges it: a whole answer (a grid, a plan) by the kind's verifier,
    or a short answer to the puzzle's one question (ZebraLogic's multiple-choice value or
    letter, BBEH's house) against what the clues decide. `.ok`; `.problem` says what is wrong
    ('' when right); `.short` for a short answer; `.optimal` for a plan, where known."""
    from puzzlemdm.answers import cell_counts, judge_text
    from puzzlemdm.puzzles.registry import kind_of

    record = puzzle if isinstance(puzzle, PuzzleRecord) else PuzzleRecord(puzzle)
    text, source = _read(text_or_path)
    kind = kind_of(record.puzzle)
    judged, answer = judge_text(kind, record, text, source)
    # `.cells` as verify --answers counts them: right cells against the record's solution
    return judged if judged.short else replace(judged, cells=cell_counts(kind, record, answer))


def verify(puzzle: Any, answer: Any) -> Verdict:
    """The kind's verifier on `answer` (its violations; truthy when right). `puzzle` may be a
    PuzzleRecord or the puzzle itself; the kind is the one whose folder defines it. An answer
    not of the kind's shape (a Sudoku grid, a Zebra grid, a plan) is a PuzzleError."""
    from puzzlemdm.puzzles.registry import kind_of

    puzzle = puzzle.puzzle if isinstance(puzzle, PuzzleRecord) else puzzle
    kind = kind_of(puzzle)
    try:
        return kind.verify(puzzle, answer)
    except (AttributeError, TypeError, ValueError, IndexError, KeyError) as exc:
        # the verifiers take answers of their kind's shape; anything else fails inside them
        raise PuzzleError(
            f"not a {kind.name} answer ({type(answer).__name__}: {exc}); "
            f"solve() gives answers of the right shape"
        ) from None


def load(kind_or_path: str | Path = "sudoku", **options: Any) -> Solver:
    """A solver for a kind (its shipped model, else its first classical solver) or for a
    checkpoint folder. `options` are SolveConfig's: solver ("mdm", or a classical one such as
    "search"), device, precision, threads, and defaults for `solve`'s keywords."""
    from puzzlemdm.puzzles.registry import KIND_PACKAGES, get_kind

    unknown = sorted(set(options) - {f.name for f in fields(SolveConfig)} - set(PATH_OPTIONS))
    if unknown:
        raise TypeError(f"load() got unknown options {unknown}")
    if not isinstance(kind_or_path, str | Path):
        raise TypeError(
            f"load() takes a kind's name or a checkpoint folder, not {_shown(kind_or_path)}"
        )
    config = _with(SolveConfig(), options)
    if str(kind_or_path) in KIND_PACKAGES:
        return Solver(get_kind(str(kind_or_path)), config)
    folder = Path(kind_or_path)
    if not (folder / "config.json").is_file():
        known = ", ".join(KIND_PACKAGES)
        raise PuzzleError(
            f"neither a puzzle kind ({known}) nor a checkpoint folder", source=str(folder)
        )
    config = replace(config, checkpoint=folder)
    model = _load_model(config)
    return Solver(get_kind(model.config.grid["kind"]), config, model)


class Solver:
    """A kind with a way to solve it; the model, when it uses one, is loaded once."""

    def __init__(self, kind: PuzzleKind, config: SolveConfig, model: Any = None) -> None:
        self.kind = kind
        self._asked = config  # what was asked for: `auto` still means "as the call says"
        self.config = resolve(kind, config)  # usage errors now, not at the first solve
        self._model = model

    @property
    def name(self) -> str:
        """The solver's name: `mdm` or a classical solver of the kind."""
        return self.config.solver

    def solve(self, puzzles: Any, **decoding: Any) -> list[Outcome]:
        """Solve puzzles: a file or text (parsed as this kind), or PuzzleRecords, or the kind's
        puzzles. Keywords: decoding options (order, schedule, paths, select, repair, ...; the
        CLI's path options) and search, node_limit, branch, batch_size, fallback, seed,
        trace_path.
        Each Outcome has `.answer` (a verified answer, or None), `.status`, `.verified`,
        `.unique`, `.solver`, `.message`, and `.rejected` (an answer the verifier refused)."""
        unknown = sorted(set(decoding) - set(PATH_OPTIONS) - set(PER_CALL))
        if unknown:
            raise TypeError(f"solve() got unknown keywords {unknown}")
        config = _with(self._asked, decoding)
        if self.config.solver == MODEL and self._model is None:
            self._model = _load_model(config, self.kind)
        records = self._records(puzzles)
        model = self._model if self.config.solver == MODEL else None
        return list(solve_records(self.kind, records, config, model))

    def _records(self, puzzles: Any) -> list[PuzzleRecord]:
        from puzzlemdm.puzzles.registry import kind_of, other_kind

        if isinstance(puzzles, str | Path):
            try:
                return parse(puzzles, self.kind.name)
            except PuzzleError as exc:  # another kind's file fails in this kind's reader
                text, source = _read(puzzles)
                other = other_kind(text, source, self.kind.name)
                if other is None:
                    raise
                raise PuzzleError(
                    f"{source} holds {other} puzzles; this solver solves {self.kind.name}"
                ) from exc
        if isinstance(puzzles, PuzzleRecord) or _is_puzzle(puzzles):
            puzzles = [puzzles]  # one puzzle
        # a dict's keys and a bytes' ints are no puzzles; any other iterable may hold them
        if isinstance(puzzles, bytes | bytearray | Mapping) or not isinstance(puzzles, Iterable):
            raise TypeError(
                "solve() takes a file, text, a puzzle or record, or a list of them, not "
                + _shown(puzzles)
            )
        records = []
        for i, p in enumerate(puzzles):  # items are named by their place: <api>:1, <api>:2...
            if isinstance(p, str):  # a puzzle's text (a Sudoku line)
                read = parse(p, self.kind.name)
                if len(read) == 1 and read[0].source == "<text>" and not _own_id(read[0].id):
                    read[0].id, read[0].source, read[0].line = str(i), API, i + 1
                records += read
            else:
                records.append(
                    p
                    if isinstance(p, PuzzleRecord)
                    else PuzzleRecord(p, id=str(i), source=API, line=i + 1)
                )
        for record in records:  # a puzzle of another kind would fail deep inside the solver
            if kind_of(record.puzzle) is not self.kind:
                where = f"item {record.id} of the list" if record.source == API else record.name
                raise PuzzleError(f"{where} is not a {self.kind.name} puzzle")
        return records

    def __repr__(self) -> str:
        return f"Solver({self.kind.name}, {self.name}, search={self.config.search})"


def _own_id(given: str) -> bool:
    """Whether a record read from text names itself (a JSON line's id), rather than being
    numbered or named after the text (<text>) by its reader."""
    return bool(given) and not given.isdigit() and not given.startswith("<text>")


def _is_puzzle(thing: Any) -> bool:
    """Whether `thing` is one puzzle of some kind (not a collection of them)."""
    from puzzlemdm.puzzles.registry import kind_of

    try:
        kind_of(thing)
    except PuzzleError:
        return False
    return True


def _with(config: SolveConfig, options: dict[str, Any]) -> SolveConfig:
    """`config` with `options`: decoding ones go into its `method` (as the CLI's do)."""
    method = {k: v for k, v in options.items() if k in PATH_OPTIONS}
    rest = {k: v for k, v in options.items() if k not in PATH_OPTIONS}
    # A call's decoding options replace the load's: `search="auto"` then means what it means
    # in the CLI (a path when some are given).
    return replace(config, **rest, method=method or config.method)


def _load_model(config: SolveConfig, kind: PuzzleKind | None = None) -> Any:
    """The checkpoint of `config` (a kind's shipped one by default) on its device."""
    import torch

    from puzzlemdm.model.checkpoint import load_checkpoint, resolve_device
    from puzzlemdm.shipped import kind_model

    if config.threads > 0:
        torch.set_num_threads(config.threads)
    folder = config.checkpoint or kind_model(kind.name)  # type: ignore[union-attr]
    return load_checkpoint(
        folder, resolve_device(config.device), runs=config.runs, settle=config.settle
    )


# Names of puzzle files as people give them; no puzzle's one-line text ends so (a Sudoku line
# is digits and dots, JSON ends with a brace).
FILE_SUFFIXES = (".txt", ".jsonl", ".json", ".pddl", ".sdk", ".sdm", ".csv", ".ss", ".opt")


def _read(text_or_path: str | Path) -> tuple[str, str]:
    """(text, source name): a Path or a string naming a file is read; other strings are text.
    A one-line string that looks like a file name (a folder in it, a puzzle file's suffix)
    but names no file is an error, not a puzzle; anything but a str or a Path is a TypeError."""
    if not isinstance(text_or_path, str | Path):
        raise TypeError(f"expected a puzzle's text or a file's path, not {_shown(text_or_path)}")
    if isinstance(text_or_path, str):
        one_line = "\n" not in text_or_path.strip()
        named = _looks_like_path(text_or_path) or _is_file(text_or_path)
        if not (one_line and (named or _is_folder(text_or_path))):
            return text_or_path, "<text>"
        text_or_path = text_or_path.strip()
    from puzzlemdm.puzzles.corpus import read_text

    return read_text(text_or_path), str(text_or_path)


def _is_folder(text: str) -> bool:
    """Whether `text` names a folder (read as a path, to be told it is no puzzle file)."""
    try:
        return Path(text.strip()).is_dir()
    except (OSError, ValueError):  # a name too long, a NUL: text, not a path
        return False


def _shown(thing: Any) -> str:
    """How a TypeError names a value of the wrong type: its type, and the value when short."""
    said = repr(thing)
    return type(thing).__name__ + (f" {said}" if len(said) <= 40 else "")


def _is_file(name: str) -> bool:
    """Whether `name` names a file (a long one-line puzzle is too long for a file name)."""
    try:
        return Path(name).is_file()
    except (OSError, ValueError):
        return False


def _looks_like_path(text: str) -> bool:
    """Whether a one-line string is more likely a file's name than a puzzle."""
    name = text.strip()
    if name.startswith(("{", "[")):  # JSON (a solve --json row names its file with a '/')
        return False
    return "/" in name or "\\" in name or name.lower().endswith(FILE_SUFFIXES)


__all__ = [
    "Judged",
    "Outcome",
    "PuzzleError",
    "Solver",
    "UsageError",
    "Verdict",
    "judge",
    "load",
    "parse",
    "parse_answer",
    "verify",
]
