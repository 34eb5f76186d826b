"""The puzzles a benchmark runs on: split names, their files, and difficulty buckets.

A split is a corpus path, or a shortcut for one of the model's kind: a level (`easy` ->
datasets/<kind>/easy/test.jsonl) or a file of ../shared/benchmarks/<kind>/ by its stem
(`norvig_top95` -> ../shared/benchmarks/sudoku/norvig_top95.csv), found in the working
folder or else in the repository; paths are relative to the working folder. Every split is
read through the one corpus reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from puzzlemdm.puzzles.base import PuzzleKind, PuzzleRecord
from puzzlemdm.puzzles.corpus import read_corpus
from puzzlemdm.usage import UsageError

# the repository a source checkout runs from: its datasets/ and the ../shared beside it are
# found from any working folder (the working folder's own are looked at first)
REPOSITORY = Path(__file__).resolve().parents[2]


def _found(relative: str) -> Path:
    """`relative` in the working folder if it is there, else in the repository."""
    here = Path(relative)
    return here if here.exists() or not (REPOSITORY / relative).exists() else REPOSITORY / relative


DATASETS = _found("datasets")
EXTERNAL = _found("../shared/benchmarks")
CORPUS_SUFFIXES = (".jsonl", ".csv")
# Buckets of the guesses a plain MRV search needs to prove a puzzle unique (meta.search_guesses).
BUCKETS = [(0, 0), (1, 1), (2, 3), (4, 7), (8, 10**9)]


@dataclass
class Item:
    """One test puzzle of a split, with its position in the split."""

    index: int
    id: str
    record: PuzzleRecord

    @property
    def guesses(self) -> int | None:
        """MRV guesses to prove the puzzle unique, when the data set records them."""
        value = self.record.meta.get("search_guesses")
        return None if value is None else int(value)


def level_splits(kind: PuzzleKind) -> list[str]:
    """The test file of every level of `kind` that the repository has."""
    return _level_tests(DATASETS, kind)


def _level_tests(datasets: Path, kind: PuzzleKind) -> list[str]:
    paths = (datasets / kind.name / level / "test.jsonl" for level in kind.levels)
    return [str(path) for path in paths if path.is_file()]


def committed_tests(kind: PuzzleKind) -> list[str]:
    """The repository's own test file of every level of `kind` (not a working folder's
    datasets/): what training always holds apart."""
    return _level_tests(REPOSITORY / "datasets", kind)


def external_splits(kind: PuzzleKind) -> dict[str, str]:
    """Shortcut -> path of the corpus files in ../shared/benchmarks/<kind>/."""
    folder = EXTERNAL / kind.name
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    return {f.stem: str(f) for f in files if f.is_file() and f.suffix in CORPUS_SUFFIXES}


def shortcuts(kind: PuzzleKind) -> dict[str, str]:
    """Every split shortcut of `kind` -> its path (levels first, then external sets)."""
    levels = {Path(path).parent.name: path for path in level_splits(kind)}
    return {**levels, **external_splits(kind)}


def default_splits(kind: PuzzleKind) -> list[str]:
    """The splits a benchmark runs when none are named: every shortcut of `kind` whose puzzles
    all carry their solutions (BBEH's zebra file gives only each question's answer: naming it
    is an error that says so, a default must not be)."""
    chosen = []
    for name, path in shortcuts(kind).items():
        _, records = read_corpus(path, kind.name, need_solutions=False)  # other errors say so
        if all(record.solution is not None for record in records):
            chosen.append(name)
    return chosen


def split_path(given: str, kind: PuzzleKind) -> Path:
    """The file a split name or path stands for; UsageError when there is none."""
    path = Path(shortcuts(kind).get(given, given))
    if not path.is_file():
        known = ", ".join(shortcuts(kind)) or "none"
        raise UsageError(f"{path}: not found ({kind.name} splits: {known})")
    return path


def split_label(given: str, kind: PuzzleKind) -> str:
    """The name rows carry: a shortcut's name, else `<folder>-<file stem>` of the path (so that
    datasets/sudoku/easy/test.jsonl and .../medium/test.jsonl stay apart)."""
    if given in shortcuts(kind):
        return given
    path = Path(given)
    return f"{path.parent.name}-{path.stem}" if path.parent.name else path.stem


def load_split(given: str, kind: PuzzleKind, limit: int | None = None) -> list[Item]:
    """The first `limit` puzzles (with solutions) of a split, read as `kind`."""
    _, records = read_corpus(split_path(given, kind), kind.name, limit=limit)
    return [Item(i, record.id or str(i), record) for i, record in enumerate(records)]


def bucket(guesses: int) -> str:
    """The label of the MRV-guesses bucket that holds `guesses`."""
    for low, high in BUCKETS:
        if low <= guesses <= high:
            return str(low) if low == high else (f"{low}-{high}" if high < 10**9 else f"{low}+")
    raise ValueError(guesses)


def by_guesses(guesses: list[int], solved: list[bool]) -> dict[str, dict[str, float]]:
    """Solve rate per bucket of MRV guesses (the data set's measure of how hard a puzzle is),
    buckets in increasing order."""
    buckets: dict[str, list[bool]] = {}
    for g, ok in sorted(zip(guesses, solved, strict=True), key=lambda pair: pair[0]):
        buckets.setdefault(bucket(g), []).append(ok)
    return {k: {"n": len(v), "solve_rate": sum(v) / len(v)} for k, v in buckets.items()}


def names_in(listed: str) -> list[str]:
    """The names of a comma-separated option (--splits, --methods, --orders), blanks dropped,
    each once in the order given: a name given twice would be measured twice."""
    return list(dict.fromkeys(name.strip() for name in listed.split(",") if name.strip()))


def names_given(listed: str, flag: str) -> list[str]:
    """`names_in`, and a UsageError when the option names nothing ("--methods ,"): a table of
    nothing would be written and called done."""
    names = names_in(listed)
    if not names:
        raise UsageError(f"{flag} {listed!r} names nothing")
    return names
