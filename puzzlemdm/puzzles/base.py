"""What every puzzle kind shares: verdicts, decision traces, parse errors, the kind protocol."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from puzzlemdm.puzzles.grid import GridSpec, TokenGrid


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


@dataclass(frozen=True)
class DecisionFacts:
    """What a kind says about one decision of a model's path at the moment it was made (for
    the order analysis): whether the cell was `forced` by the rules and the decisions of the
    earlier steps (not those of its own step, made beside it),
    its `candidates` left, the `fewest` candidates of any open cell then, and the `technique`
    a classical solver would need to fix it ("guess" when it would have to search);
    `open_forced`: the share of all open cells that were forced then (what a uniformly random
    choice of cell would hit: the chance level of `forced`), None where not computed."""

    forced: bool
    candidates: int
    fewest: int
    technique: str
    open_forced: float | None = None


def step_groups(
    positions: Sequence[int], values: Sequence[int], steps: Sequence[int] | None = None
) -> list[list[tuple[int, int]]]:
    """A path's decisions `(position, value)` grouped by the model call that made them, in
    order (each alone when `steps` is None). The decisions of one call were all made on the
    board before it, so an order analysis judges each of them there, not on a board holding
    the others of its call."""
    if steps is None:
        return [[(int(p), int(v))] for p, v in zip(positions, values, strict=True)]
    groups: list[list[tuple[int, int]]] = []
    last = None
    for p, v, s in zip(positions, values, steps, strict=True):
        if not groups or s != last:
            groups.append([])
            last = s
        groups[-1].append((int(p), int(v)))
    return groups


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


# a quoted piece of the input in a message ('...' or "...", as repr writes it), too long to
# print whole: a 100,000-character line is named by its start (an apostrophe, as in
# "ZebraLogic's", opens no quote)
_LONG_QUOTE = re.compile(r"""(?<!\w)'[^'\n]{80,}'(?!\w)|(?<!\w)"[^"\n]{80,}"(?!\w)""")


def clipped_quotes(message: str, keep: int = 60) -> str:
    """`message` with each quoted piece of input longer than 80 characters cut to its first
    `keep`, so that the message stays one readable line."""
    return _LONG_QUOTE.sub(lambda m: f"{m.group()[: keep + 1]}...{m.group()[-1]}", message)


# how a judged short answer begins when the puzzle does not decide it: neither right nor wrong
NOT_JUDGED = "not judged: "


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
        self.reason = message = clipped_quotes(message)
        where = ":".join(str(p) for p in (source, line, column) if p is not None)
        super().__init__(f"{where}: {message}" if where else message)


# A model's branching choice for a kind's guided search: given what is still possible at every
# position of the token grid (allowed [L, V] bool, one value = decided), the position to branch
# on and its values in the order to try them; None when every position is decided.
Choose = Callable[[np.ndarray], "tuple[int, list[int]] | None"]


@runtime_checkable
class PuzzleKind(Protocol):
    """Everything the generic layers (CLI, model, training, decoding, benchmarks) need of a kind.

    Sudoku, Zebra and Blocksworld implement it in their own folders; the generic layers ask
    the registry for a kind by name and never branch on it. Methods that need heavier modules
    (solvers, generators) import them when called, so that parsing and sniffing stay cheap;
    nothing here imports torch except `augmentation`, which only training calls.
    """

    name: str
    levels: tuple[str, ...]
    solvers: tuple[str, ...]  # classical solvers by name; the first is the default
    generator_version: str | int  # recorded in every generated corpus line
    # Whether `guided_search` has the kind's own propagation: then the model guides a complete
    # search by default; without it, plain branching is slow, and the model decodes a path.
    propagates: bool

    # --- files and puzzles -------------------------------------------------------------------
    def sniff(self, text: str, source: str) -> bool:
        """Whether `text` (a file's contents) looks like this kind's format."""
        ...

    def parse_text(self, text: str, source: str = "<text>") -> list[PuzzleRecord]:
        """All puzzles in a file (corpora included); raises PuzzleError naming source, line."""
        ...

    def verify(self, puzzle: Any, answer: Any) -> Verdict:
        """Rules + agreement with the givens; an empty verdict means the answer is right."""
        ...

    def puzzle_text(self, record: PuzzleRecord) -> str:
        """One puzzle as people write it (a Sudoku line, a Zebra in English, a PDDL problem),
        ending so that a file of them reads back through parse_text (`generate --format
        text`)."""
        ...

    def writers(self) -> dict[str, Callable[[PuzzleRecord], str]]:
        """Formats of others the kind also writes, by name (`generate --format NAME`): each
        turns a record into its text, which parse_text reads back."""
        ...

    def parse_answer(self, puzzle: Any, text: str, source: str = "<text>") -> Any:
        """An answer to `puzzle` from a file (`verify --answer`): the kind's own text, or
        JSON as `solve --json` writes it (a whole row, or its `answer`); PuzzleError when it
        cannot be read. Whether it is right is `verify`'s to say."""
        ...

    def judge_short_answer(self, record: PuzzleRecord, text: str) -> str | None:
        """A short answer to the puzzle's one question (a value, a house, a choice's letter,
        as a language model's response states it) judged against what the puzzle decides: ''
        when right, the problem when not (starting with `NOT_JUDGED` where the puzzle does not
        decide it); None where the puzzle asks no such question or `text` states no short
        answer (then `text` is read as a whole answer)."""
        ...

    def recorded_answer(self, record: PuzzleRecord) -> str | None:
        """The short answer the record's file gives (BBEH's target, ZebraLogic's multiple-choice
        answer), for `verify` to judge as it judges the file's solution; None if it gives none."""
        ...

    def check_givens(self, puzzle: Any) -> Verdict:
        """Cheap consistency of the givens alone (no search)."""
        ...

    def check(self, puzzle: Any) -> Verdict:
        """Whether the puzzle is valid: consistent givens and at least one solution."""
        ...

    def solve(self, puzzle: Any, solver: str) -> SolveResult:
        """A named classical solver's answer and decision trace."""
        ...

    def count_solutions(self, puzzle: Any, limit: int = 2) -> int | None:
        """How many answers the puzzle has, counted up to `limit` by the kind's complete
        search (so `limit=2` tells unique from several); None where the kind does not count
        (answers that are never unique, such as plans) or its search budget ran out."""
        ...

    def explain(self, puzzle: Any) -> list[str]:
        """How a person could solve the puzzle, one line a step: the kind's strategy solver's
        deductions (or plan) in words, saying where it must guess or gives up."""
        ...

    def grade(self, puzzle: Any) -> dict[str, Any]:
        """Difficulty: at least `level`, plus the kind's counters (techniques, guesses...)."""
        ...

    def generate(self, rng: Any, level: str, **options: Any) -> PuzzleRecord:
        """One puzzle at `level` from an explicit numpy Generator (deterministic). A kind's
        options are its keyword-only parameters, typed: `generate -O` takes those alone."""
        ...

    def record_to_json(self, record: PuzzleRecord) -> dict[str, Any]:
        """A corpus line: id, kind, level, puzzle, solution, meta."""
        ...

    def answer_to_json(self, puzzle: Any, answer: Any | None) -> Any:
        """The `answer` field of `solve --json`."""
        ...

    def answer_cells(self, puzzle: Any, answer: Any) -> tuple[Any, ...] | None:
        """An answer's values cell by cell, in a fixed order (two answers compared cell by
        cell: ZebraLogic's cell accuracy); None where answers are no grid (a plan)."""
        ...

    def optimal(self, record: PuzzleRecord, answer: Any | None) -> bool | None:
        """Whether a verified answer (None: no answer) is as good as the best known (a plan of
        optimal length); None where right answers are all as good, or the best is unknown."""
        ...

    def answer_facts(self, puzzle: Any, answer: Any) -> dict[str, Any]:
        """What a verified answer says beyond the grid, as `solve --json` fields (a question's
        answer: which house the asked person lives in, decided by the clues or not)."""
        ...

    def render(self, puzzle: Any, answer: Any | None, verbose: bool = False) -> Any:
        """A rich renderable showing the answer (or the puzzle) in an 80-column terminal;
        `verbose`: the whole puzzle too where the answer does not show it (a Zebra's clues)."""
        ...

    def equivalent_to_any(
        self, records: Sequence[PuzzleRecord], held_out: Sequence[PuzzleRecord]
    ) -> list[bool]:
        """For each record, whether its puzzle is one of `held_out`'s up to the kind's
        symmetries (so training corpora never hold a test puzzle in disguise). A record's
        solution, where given, must be its puzzle's only one (as generated puzzles' are)."""
        ...

    # --- the token grid the models read --------------------------------------------------------
    def spec_for(self, puzzles: Sequence[Any]) -> GridSpec:
        """The smallest grid that holds every puzzle (one model serves all of a kind's shapes)."""
        ...

    def spec_from_signature(self, signature: dict[str, Any]) -> GridSpec:
        """The grid a checkpoint was trained on, from its stored signature."""
        ...

    def encode(
        self, puzzle: Any, solution: Any | None = None, spec: GridSpec | None = None
    ) -> TokenGrid:
        """The puzzle as tokens on `spec` (default: its own shape's), the solution as target;
        PuzzleError when it does not fit the spec."""
        ...

    def decode_tokens(self, puzzle: Any, tokens: np.ndarray, spec: GridSpec) -> Any:
        """The answer the tokens (on `spec`) spell, for the verifier to judge."""
        ...

    def cell_positions(self, puzzle: Any, spec: GridSpec) -> np.ndarray:
        """Token position of each cell index that traces and violations use."""
        ...

    def solver_order(self, record: PuzzleRecord, spec: GridSpec) -> list[int]:
        """Token positions in the order the kind's classical solver fixes them (an ARM trained
        on the solver's order reads this); positions it never fixes may be missing."""
        ...

    def augmentation(self) -> Augment | None:
        """Batched random transforms that keep a puzzle's meaning (torch; training only)."""
        ...

    def guided_search(
        self, puzzle: Any, spec: GridSpec, choose: Choose, node_limit: int | None = None
    ) -> SolveResult | None:
        """Complete search with the kind's propagation, branching where `choose` says; None
        when the kind has no propagation (generic branching is used instead)."""
        ...


# (tokens [B, L], target [B, L], allowed [B, L, V], spec, torch.Generator) -> the same three,
# one random meaning-preserving transform per row (torch tensors; typed Any to keep torch out).
Augment = Callable[[Any, Any, Any, GridSpec, Any], "tuple[Any, Any, Any]"]


# A record's meta key for its group by search space, where its format groups puzzles so (as
# ZebraLogic's paper does), and the groups from the smallest space up.
SEARCH_SPACE = "search_space"
SEARCH_SPACE_GROUPS = ("small", "medium", "large", "x-large")


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

    @property
    def name(self) -> str:
        """How a person finds the puzzle again: its id when the file gave it one, else
        file:line (plain files get their index as id, which names no line of the file)."""
        if self.id and not self.id.isdigit():
            return self.id
        return f"{self.source}:{self.line}" if self.source else self.id


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
            obj = json_loads(line)
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


def json_loads(text: str) -> Any:
    """`json.loads`, but JSON nested too deeply for Python's recursion, or a number of more
    digits than Python converts, is a JSONDecodeError (a file's fault to report)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply to read", text, 0) from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise json.JSONDecodeError("a number too long to read", text, 0) from None


def json_raw_decode(text: str, at: int) -> tuple[Any, int]:
    """`json.JSONDecoder().raw_decode` from `at`, too deep nesting a JSONDecodeError."""
    try:
        return json.JSONDecoder().raw_decode(text, at)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply to read", text, at) from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # a number of more digits than Python converts
        raise json.JSONDecodeError("a number too long to read", text, at) from None


def solve_row(text: str) -> bool:
    """Whether `text` is a row `solve --json` printed (an object with its `kind` and `answer`)."""
    try:
        value = json_loads(text.strip().removeprefix("\ufeff").splitlines()[0])
    except (json.JSONDecodeError, IndexError):
        return False
    return isinstance(value, dict) and "kind" in value and "answer" in value


def answer_json(text: str, kind: str | None = None, source: str | None = None) -> tuple[bool, Any]:
    """(True, value) for an answer file in JSON (a `solve --json` row gives its "answer"),
    else (False, None): text that does not parse ("[PLAN]" lines) is the kind's to read. A
    row of another `kind`'s puzzle is a PuzzleError that says so (naming `source`)."""
    body = text.strip().removeprefix("\ufeff")
    if not body.startswith(("{", "[", '"')):
        return False, None
    first = next(line for line in body.splitlines() if line.strip())
    for candidate in (body, first):  # the whole file, or its first row of `solve --json`
        try:
            value = json_loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and "answer" in value and "kind" in value:
            if kind is not None and value["kind"] != kind:
                raise PuzzleError(
                    f"the answer is solve --json's row of a {value['kind']!r} puzzle, and this "
                    f"puzzle is {kind}",
                    source=source,
                )
            if value["answer"] is None:
                status = value.get("status")
                raise PuzzleError(f"the solve --json row holds no answer ({status})", source=source)
            value = value["answer"]
        return True, value
    return False, None


def first_json_object(text: str) -> dict[str, Any] | None:
    """The first non-blank line of `text` as a JSON object, or None (for format sniffers)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first.lstrip().startswith("{"):
        return None
    try:
        obj = json_loads(first)
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


class KindPackage:
    """The protocol's model-facing half, by the layout of a kind's folder (`package`):
    `tokens.py` defines spec_for, spec_from_signature, encode, decode and cell_positions;
    `augment.py` defines `augment` (an Augment, torch); `symmetry.py` defines `canonical_key`;
    `sniff.py` defines `sniff`. Each module is imported when first used, so parsing and
    classical solving stay light. A kind without propagation keeps `guided_search` as is."""

    package: str  # e.g. "puzzlemdm.puzzles.zebra"

    def _module(self, name: str) -> Any:
        import importlib

        return importlib.import_module(f"{self.package}.{name}")

    def sniff(self, text: str, source: str) -> bool:
        return self._module("sniff").sniff(text, source)

    def spec_for(self, puzzles: Sequence[Any]) -> GridSpec:
        return self._module("tokens").spec_for(puzzles)

    def spec_from_signature(self, signature: dict[str, Any]) -> GridSpec:
        return self._module("tokens").spec_from_signature(signature)

    def encode(
        self, puzzle: Any, solution: Any | None = None, spec: GridSpec | None = None
    ) -> TokenGrid:
        return self._module("tokens").encode(puzzle, solution, spec)

    def decode_tokens(self, puzzle: Any, tokens: np.ndarray, spec: GridSpec) -> Any:
        return self._module("tokens").decode(puzzle, tokens, spec)

    def cell_positions(self, puzzle: Any, spec: GridSpec) -> np.ndarray:
        return self._module("tokens").cell_positions(puzzle, spec)

    def augmentation(self) -> Augment | None:
        return self._module("augment").augment

    def canonical_key(self, puzzle: Any, solution: Any = None) -> Any:
        """The same value for puzzles that the kind's symmetries map onto each other (their
        solution, where given, saves finding it)."""
        return self._module("symmetry").canonical_key(puzzle, solution)

    def equivalent_to_any(
        self, records: Sequence[PuzzleRecord], held_out: Sequence[PuzzleRecord]
    ) -> list[bool]:
        seen = {self.canonical_key(r.puzzle, r.solution) for r in held_out}
        return [self.canonical_key(r.puzzle, r.solution) in seen for r in records]

    def guided_search(
        self, puzzle: Any, spec: GridSpec, choose: Choose, node_limit: int | None = None
    ) -> SolveResult | None:
        return None  # no propagation of its own: decode.guided branches plainly

    def answer_cells(self, puzzle: Any, answer: Any) -> tuple[Any, ...] | None:
        return None  # no cells to compare

    def writers(self) -> dict[str, Callable[[PuzzleRecord], str]]:
        return {}  # its JSON lines and its text are all it writes

    def optimal(self, record: PuzzleRecord, answer: Any | None) -> bool | None:
        return None  # every answer that verifies is as good as another

    def answer_facts(self, puzzle: Any, answer: Any) -> dict[str, Any]:
        return {}  # the answer is all there is

    def judge_short_answer(self, record: PuzzleRecord, text: str) -> str | None:
        return None  # its puzzles ask for the whole answer

    def recorded_answer(self, record: PuzzleRecord) -> str | None:
        return None  # its files record whole solutions only

    def order_facts(self) -> Any | None:
        """The kind's `orders` module for the order analysis, or None if it has none. It
        offers `reference_orders(puzzle, spec) -> {name: token positions in order}` and
        `replay(puzzle, positions, token values, spec, steps=None) -> [DecisionFacts]` (one per
        decision, each at the moment the path made it: before its step, see `step_groups`)."""
        import importlib.util

        if importlib.util.find_spec(f"{self.package}.orders") is None:
            return None
        return self._module("orders")

    def solver_order(self, record: PuzzleRecord, spec: GridSpec) -> list[int]:
        """The default classical solver's decision trace, as token positions."""
        positions = self.cell_positions(record.puzzle, spec)
        trace = self.solve(record.puzzle, self.solvers[0]).trace  # type: ignore[attr-defined]
        return [int(positions[decision.cell]) for decision in trace]
