"""What every puzzle kind shares: verdicts, decision traces, parse errors, the kind protocol."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Violation:
    """One broken rule: which constraint, which cells (flat indices), in words."""

    constraint: str
    cells: tuple[int, ...]
    message: str


@dataclass(frozen=True)
class Verdict:
    """The verifier's answer. `ok` is True only when there is no violation at all."""

    violations: tuple[Violation, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.violations

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class Decision:
    """One step of a solver's decision trace.

    `cell` is a flat position, `value` what was written there, `reason` the technique that
    forced it (e.g. "naked_single") or "guess", and `depth` the search depth (0 = forced
    without any guess on the stack).
    """

    cell: int
    value: int
    reason: str
    depth: int = 0


@dataclass
class SolveResult:
    """A solver's output: the answer (None when it gave up), its trace and counters."""

    answer: Any | None
    trace: list[Decision] = field(default_factory=list)
    solver: str = ""
    stats: dict[str, int | float] = field(default_factory=dict)

    @property
    def solved(self) -> bool:
        return self.answer is not None


class PuzzleError(ValueError):
    """A user-facing problem with a puzzle: malformed text, wrong size, contradiction.

    The message names the source (file), line and column when they are known, and what was
    expected, so the CLI can print it as one line.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.column = column
        self.reason = message
        where = ":".join(str(p) for p in (source, line, column) if p is not None)
        super().__init__(f"{where}: {message}" if where else message)


@runtime_checkable
class PuzzleKind(Protocol):
    """The protocol every kind implements (Sudoku, Zebra, Blocksworld); the CLI is generic over it.

    Token-grid encoding (`encode`/`decode_tokens`) lives in `puzzlemdm.tokens`, keyed by the
    kind's name, so that this layer never imports torch.
    """

    name: str
    levels: tuple[str, ...]
    solvers: tuple[str, ...]  # classical solvers by name; the first is the default

    def sniff(self, text: str, source: str) -> bool:
        """Whether `text` (a file's contents) looks like this kind's format."""
        ...

    def parse_text(self, text: str, source: str = "<text>") -> list[PuzzleRecord]:
        """All puzzles in a file; raises PuzzleError naming source, line, column."""
        ...

    def verify(self, puzzle: Any, answer: Any) -> Verdict:
        """Rules + agreement with the givens; an empty verdict means the answer is right."""
        ...

    def check_givens(self, puzzle: Any) -> Verdict:
        """Cheap consistency of the givens alone (no search)."""
        ...

    def check(self, puzzle: Any) -> Verdict:
        """Whether the puzzle is valid: consistent givens and at least one solution."""
        ...

    def solve(self, puzzle: Any, solver: str) -> SolveResult: ...

    def grade(self, puzzle: Any) -> dict[str, Any]:
        """Difficulty: at least `level`, plus the kind's counters (techniques, guesses...)."""
        ...

    def generate(self, rng: Any, level: str, **options: Any) -> PuzzleRecord:
        """One puzzle at `level` from an explicit numpy Generator (deterministic)."""
        ...

    def record_to_json(self, record: PuzzleRecord) -> dict[str, Any]:
        """A corpus line: id, kind, level, puzzle, solution, meta."""
        ...

    def answer_to_json(self, puzzle: Any, answer: Any | None) -> Any:
        """The `answer` field of `solve --json`."""
        ...

    def render(self, puzzle: Any, answer: Any | None) -> Any:
        """A rich renderable showing the puzzle (and answer) in the terminal."""
        ...


@dataclass
class PuzzleRecord:
    """A puzzle as read from a file: the puzzle, its known solution (if any), where it came from."""

    puzzle: Any
    solution: Any | None = None
    id: str = ""
    level: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    line: int = 0


def first_violations(violations: Sequence[Violation], limit: int = 3) -> str:
    """A short human summary of the first few violations."""
    shown = "; ".join(v.message for v in violations[:limit])
    more = len(violations) - limit
    return shown + (f"; and {more} more" if more > 0 else "")


def read_json_lines(
    text: str,
    source: str,
    kind: str,
    build: Callable[[dict[str, Any]], PuzzleRecord],
    errors: tuple[type[Exception], ...] = (ValueError,),
) -> list[PuzzleRecord]:
    """Records of a JSON-lines file of one kind; `build` turns an object into a record.

    Blank lines are skipped; a line that is not JSON, not an object, of another kind, or that
    `build` rejects (raising one of `errors`) becomes a PuzzleError naming source and line.
    """
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise PuzzleError(
                f"not JSON: {err.msg}", source=source, line=number, column=err.colno
            ) from None
        try:
            if not isinstance(obj, dict):
                raise ValueError("each line must be a JSON object")
            if obj.get("kind", kind) != kind:
                raise ValueError(f"line is a {obj['kind']!r} puzzle, not {kind}")
            record = build(obj)
        except (ValueError, TypeError, *errors) as err:
            raise PuzzleError(str(err), source=source, line=number) from None
        record.source, record.line = source, number
        records.append(record)
    if not records:
        raise PuzzleError(f"no {kind} puzzle found (expected JSON lines)", source=source)
    return records


def first_json_object(text: str) -> dict[str, Any] | None:
    """The first non-blank line of `text` as a JSON object, or None (for format sniffers)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first.lstrip().startswith("{"):
        return None
    try:
        obj = json.loads(first)
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None
