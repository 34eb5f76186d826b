"""Solve puzzles with a named solver, verify every answer, classify the outcome.

The CLI prints what this module decides; nothing here prints. An answer is only ever reported
as solved after the kind's verifier accepted it. `solve_records` is the one entry point: it
resolves a SolveConfig for a kind (which solver, guided search or a decoded path) and runs it.
Torch is imported only to use the model or check options given for it, so that a classical
solve stays light.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind, PuzzleRecord, first_violations
from puzzlemdm.puzzles.grid import MASK
from puzzlemdm.usage import UsageError, check_seed, check_threads, check_writable, flag_list
from puzzlemdm.validity import unique

SOLVED, UNSOLVED, INVALID = "solved", "unsolved", "invalid"
MODEL = "mdm"  # the solver name of the masked diffusion model
SEARCH_MODES = ("auto", "none", "guided")
# decode.guided.BRANCHES, named here so that checking options does not import torch
GUIDED_BRANCHES = ("margin", "fewest")
# Options that only mean something for path decoding: giving one asks for a path. Their names
# are those of decode.MethodConfig / StepConfig fields (SolveConfig.method).
PATH_OPTIONS = (
    "order", "schedule", "steps", "med_lambda", "k_max", "tau", "prune", "paths", "select",
    "round_paths",
    "smc_particles", "smc_lambda", "smc_every", "info_gain", "candidates", "repair",
    "repair_rounds",
)  # fmt: skip
# Torch's default (a thread per core) times guided search's worker threads oversubscribes the
# cores, and a busy machine makes that many times slower; benchmarks/threads.sh measured one
# thread fast both on an idle and on a busy 2-core machine (README, "Threads").
DEFAULT_THREADS = 1


@dataclass(frozen=True)
class SolveConfig:
    """How to solve puzzles: the options of `puzzlemdm solve`, before they meet a kind."""

    solver: str = "auto"  # mdm | a classical solver of the kind | auto (see `resolve`)
    checkpoint: Path | None = None  # the model's folder; None: the kind's shipped model
    runs: int | None = None  # a recurrent model's runs of its blocks; None: as its config says
    settle: bool = False  # runs is a ceiling; a puzzle stops once a run changes nothing
    device: str = "auto"  # auto | cpu | cuda
    precision: str = "fp32"  # fp32 | bf16 (the model's matrix products)
    search: str = "auto"  # guided | none (decode a path) | auto (see `resolve`)
    # The path options asked for, by decode.MethodConfig / StepConfig field name (order,
    # paths, repair...); empty = one margin path. Plain values, so that building the config
    # (and importing torch) waits until the model is used.
    method: dict[str, Any] = field(default_factory=dict)
    node_limit: int | None = None  # guided search gives up after this many nodes
    # guided search: where the model branches (decode.guided.BRANCHES); None: fewest
    branch: str | None = None
    batch_size: int = 256  # puzzles decoded together
    fallback: str | None = None  # a classical solver that finishes the model's misses
    seed: int = 0  # of every random choice in decoding
    trace_path: str | None = None  # append each puzzle's decoding trace (JSONL) here
    threads: int = DEFAULT_THREADS  # torch intra-op threads; 0: torch's default

    def check(self) -> None:
        """The checks that need no kind: search mode, precision, path options (and none for
        guided search). Only options given for the model are checked against it (importing
        torch), so that a classical solve stays light."""
        if self.search not in SEARCH_MODES:
            raise UsageError(f"--search {self.search!r} is not one of {', '.join(SEARCH_MODES)}")
        if self.search == "guided" and self.method:
            raise UsageError(
                f"{flag_list(self.method)} decode(s) a path, which --search guided does not "
                "(it branches where --branch says): drop them or use --search none"
            )
        if self.precision != "fp32":
            _compute_dtype(self.precision)
        if self.device not in ("auto", "cpu"):
            _check_device(self.device)
        _check_types(SolveConfig, {f.name: getattr(self, f.name) for f in fields(self)})
        check_threads(self.threads)
        check_seed(self.seed)
        if self.batch_size < 1:
            raise UsageError(f"--batch-size must be at least 1, not {self.batch_size}")
        if self.runs is not None and self.runs < 1:  # before any model is loaded
            raise UsageError(f"--runs must be at least 1, not {self.runs}")
        if self.branch is not None and self.branch not in GUIDED_BRANCHES:
            raise UsageError(f"--branch {self.branch!r} is not one of {', '.join(GUIDED_BRANCHES)}")
        if self.node_limit is not None and self.node_limit < 1:
            raise UsageError(f"--node-limit must be at least 1, not {self.node_limit}")
        check_writable(self.trace_path, "--trace")
        if self.method:
            _method_config(self.method)

    def guided_options(self) -> list[str]:
        """The options given that only guided search reads."""
        return [name for name in ("node_limit", "branch") if getattr(self, name) is not None]

    def model_options(self) -> list[str]:
        """The options given that only the model reads (a classical solver ignores them)."""
        given = {
            "checkpoint": self.checkpoint is not None,
            "runs": self.runs is not None,
            "settle": self.settle,
            "device": self.device != "auto",
            "precision": self.precision != "fp32",
            "search": self.search != "auto",
            "trace": self.trace_path is not None,
            "fallback": self.fallback is not None,
            "batch_size": self.batch_size != SolveConfig.batch_size,
        }
        return [*[name for name, on in given.items() if on], *self.method, *self.guided_options()]


def _check_types(cls: type, values: dict[str, Any]) -> None:
    """UsageError for a value of another type than `cls`'s field says (an int, a float, a
    str, a bool, or None where it may be): the Python API passes values unchecked by typer."""
    import typing

    hints = typing.get_type_hints(cls)
    for name, value in values.items():
        allowed = typing.get_args(hints[name]) or (hints[name],)
        if any(t in (Any, dict) for t in allowed) or Path in allowed:
            continue
        allowed += (int,) if float in allowed else ()  # an integer is a fine number
        if type(value) not in allowed:
            said = " or ".join("None" if t is type(None) else t.__name__ for t in allowed)
            raise UsageError(f"{flag_list([name])} must be {said}, not {value!r}")


@dataclass
class Outcome:
    """What happened to one puzzle."""

    record: PuzzleRecord
    answer: Any | None  # a verified answer, or None: never one the verifier rejected
    status: str  # SOLVED (verified), UNSOLVED (valid puzzle, solver gave up), INVALID (puzzle)
    solver: str
    seconds: float
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # Of a solved puzzle: whether its answer is the only one (None: the kind does not count,
    # or its search budget ran out). A verified answer to a puzzle with several is still right.
    unique: bool | None = None
    # Of a solved puzzle: whether its answer is as good as the best known (a plan of optimal
    # length; None: all right answers are alike, or the best is not known)
    optimal: bool | None = None
    rejected: Any | None = None  # the answer the verifier rejected, kept for inspection

    @property
    def verified(self) -> bool:
        return self.status == SOLVED


def classify(
    kind: PuzzleKind,
    record: PuzzleRecord,
    answer: Any | None,
    solver: str,
    seconds: float,
    extra: dict[str, Any] | None = None,
    gave_up: str = "the solver gave up",
) -> Outcome:
    """Verify `answer`; when there is none (or it is wrong) tell an invalid puzzle from a miss."""
    extra = extra or {}
    if answer is not None:
        verdict = kind.verify(record.puzzle, answer)
        if verdict.ok:
            best = kind.optimal(record, answer)
            only = unique(kind, record.puzzle)
            return Outcome(
                record, answer, SOLVED, solver, seconds, extra=extra, unique=only, optimal=best
            )
        message = f"answer rejected by the verifier: {first_violations(verdict.violations)}"
    else:
        message = gave_up
    validity = kind.check(record.puzzle)
    if not validity.ok:
        message = f"invalid puzzle: {first_violations(validity.violations)}"
        return Outcome(record, None, INVALID, solver, seconds, message, extra, rejected=answer)
    return Outcome(record, None, UNSOLVED, solver, seconds, message, extra, rejected=answer)


def reject_givens(kind: PuzzleKind, record: PuzzleRecord, solver: str) -> Outcome | None:
    """An INVALID outcome when the givens already contradict each other (no solver needed)."""
    givens = kind.check_givens(record.puzzle)
    if givens.ok:
        return None
    message = f"invalid puzzle: {first_violations(givens.violations)}"
    return Outcome(record, None, INVALID, solver, 0.0, message)


def solve_classical(
    kind: PuzzleKind, records: Sequence[PuzzleRecord], solver: str
) -> Iterator[Outcome]:
    """Solve puzzles one by one with a classical solver of `kind`."""
    for record in records:
        rejected = reject_givens(kind, record, solver)
        if rejected:
            yield rejected
            continue
        start = time.perf_counter()
        result = kind.solve(record.puzzle, solver)
        seconds = time.perf_counter() - start
        stuck = result.stats.get("stuck_blanks")
        gave_up = (
            f"stuck with {stuck} blank cells: the techniques are not enough, it needs search"
            if stuck
            else "the solver gave up"
        )
        yield classify(
            kind,
            record,
            result.answer,
            result.solver or solver,
            seconds,
            dict(result.stats),
            gave_up,
        )


def resolve(kind: PuzzleKind, config: SolveConfig) -> SolveConfig:
    """`config` for `kind` with `solver` and `search` made concrete; UsageError when the kind
    has no such solver or fallback. `auto` solver = the model when a checkpoint is given or
    the kind ships one, else the kind's first classical solver; `auto` search = guided where
    the kind has propagation and no path options are given, else a decoded path, which the
    classical solver backs when nothing but an answer was asked for."""
    from puzzlemdm.shipped import has_shipped_model

    config.check()
    solver = config.solver
    if solver == "auto":
        shipped = config.checkpoint is not None or has_shipped_model(kind.name)
        solver = MODEL if shipped else kind.solvers[0]
    elif solver != MODEL and solver not in kind.solvers:
        raise UsageError(
            f"--solver {solver!r} does not solve {kind.name}; choose from {MODEL}, "
            f"{', '.join(kind.solvers)}"
        )
    if solver != MODEL and config.model_options():
        raise UsageError(
            f"--solver {solver} uses no model, and only the model reads "
            f"{flag_list(config.model_options())}: drop them, or use --solver {MODEL}"
        )
    if solver == MODEL:
        check_checkpoint(kind, config)
    if config.fallback and config.fallback not in kind.solvers:
        raise UsageError(
            f"--fallback {config.fallback!r} does not solve {kind.name}; choose from "
            f"{', '.join(kind.solvers)}"
        )
    search = config.search
    no_guide = why_not_guided(kind, config) if search == "auto" else "--search none"
    if search == "auto":
        search = "none" if no_guide else "guided"
    if search == "none" and config.guided_options():
        raise UsageError(
            f"{flag_list(config.guided_options())} steer(s) guided search, which does not run "
            f"here ({no_guide}): drop them"
        )
    if search == "guided" and config.fallback and config.node_limit is None:
        raise UsageError(
            "--fallback finishes the puzzles the model misses, and guided search misses none "
            "unless --node-limit stops it: drop --fallback, give --node-limit, or use --search "
            "none"
        )
    fallback = config.fallback
    plain = config.solver == "auto" and config.search == "auto" and not config.method
    if plain and solver == MODEL and search == "none" and fallback is None:
        # Nothing asked for but an answer, and no complete guided search for this kind: a
        # puzzle the model alone misses goes on to the classical solver (the outcome names
        # both); --search none shows the model alone.
        fallback = kind.solvers[0]
    return replace(config, solver=solver, search=search, fallback=fallback)


def why_not_guided(kind: PuzzleKind, config: SolveConfig) -> str:
    """Why `--search auto` decodes a path for `kind` rather than search ("" = it searches)."""
    if not kind.propagates:
        return f"{kind.name} has no propagation to guide a search with unless --search guided"
    if config.method:
        return f"{flag_list(config.method)} ask(s) for a decoded path"
    if not checkpoint_guides(config.checkpoint):
        return "the model is autoregressive"
    return ""


def checkpoint_guides(checkpoint: str | Path | None) -> bool:
    """Whether a checkpoint's model can guide a search (it scores every open cell of a partial
    grid: an MDM or VMD, not an ARM); read from its config.json without loading it. A
    checkpoint that cannot be read says so later, when it is loaded."""
    model = _model_config(checkpoint) if checkpoint is not None else None
    return model is None or model.get("family", "mdm") != "arm"


def check_checkpoint(kind: PuzzleKind, config: SolveConfig) -> None:
    """UsageError before any puzzle is solved when `--checkpoint` names no checkpoint (no
    such folder; a training run's folder rather than one of its checkpoints) or one for
    another kind. Its files are checked in full when it is loaded."""
    folder = config.checkpoint
    if folder is None:
        return
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():  # its model.safetensors, say
        raise UsageError(f"--checkpoint {folder}: a checkpoint is a folder; give {folder.parent}")
    if not folder.is_dir():
        raise UsageError(f"--checkpoint {folder}: no such folder")
    saved = [str(folder / name) for name in ("best", "last") if (folder / name).is_dir()]
    if saved:  # a checkpoint has no such folders: this is `puzzlemdm train`'s run folder
        raise UsageError(
            f"--checkpoint {folder}: a training run's folder; its checkpoints are "
            f"{' and '.join(saved)}"
        )
    if not (folder / "config.json").exists():
        inside = sorted(str(c.parent) for c in folder.glob("*/config.json"))
        inside = inside or sorted(str(c.parent) for c in folder.glob("*/*/config.json"))
        raise UsageError(
            f"--checkpoint {folder}: not a checkpoint (no config.json)"
            + (f"; checkpoints in it: {', '.join(inside[:4])}" if inside else "")
            + (", ..." if len(inside) > 4 else "")
        )
    model = _model_config(folder)
    grid = model.get("grid") if model else None
    reads = grid.get("kind") if isinstance(grid, dict) else None
    if isinstance(reads, str) and reads != kind.name:
        raise UsageError(
            f"--checkpoint {folder}: the model reads {reads} puzzles, not {kind.name} "
            "(one checkpoint serves one kind)"
        )


def _model_config(folder: str | Path) -> dict[str, Any] | None:
    """The `model` block of a checkpoint's config.json, None when it cannot be read (loading
    the checkpoint says why)."""
    try:
        model = json.loads((Path(folder) / "config.json").read_text())["model"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return model if isinstance(model, dict) else None


def _check_device(name: str) -> None:
    """UsageError for a --device this machine does not have (or no such name)."""
    from puzzlemdm.model.checkpoint import resolve_device

    try:
        resolve_device(name)
    except PuzzleError as exc:
        raise UsageError(str(exc)) from None


def solve_records(
    kind: PuzzleKind, records: Sequence[PuzzleRecord], config: SolveConfig, model: Any = None
) -> Iterator[Outcome]:
    """Solve `records` of `kind` as `config` says: a classical solver one by one, or the model
    (`model`, else loaded here) in batches. Usage errors and an unusable checkpoint are raised
    now; each puzzle's outcome comes as it is decided."""
    chosen = resolve(kind, config)
    if chosen.solver != MODEL:
        return solve_classical(kind, records, chosen.solver)
    # Asked for no solver, search or path in particular, a puzzle the shipped model cannot
    # read (another size than its grid) goes to the classical solver instead of failing the
    # whole file; asked for the model (--search none shows it alone), it is an error.
    return _solve_with_checkpoint(kind, records, chosen, _beyond(kind, config), model)


def _beyond(kind: PuzzleKind, config: SolveConfig) -> str | None:
    """The classical solver a puzzle beyond the model's grid goes to: the kind's first when no
    solver, search or path was asked for; None when the model was (such a puzzle is an error)."""
    nothing_asked = config.solver == "auto" and config.search == "auto" and not config.method
    return kind.solvers[0] if nothing_asked else None


def check_fit(kind: PuzzleKind, records: Sequence[PuzzleRecord], config: SolveConfig) -> None:
    """UsageError naming the first puzzle the model was asked to solve that its grid cannot
    read, before any puzzle is solved (solving finds it too, but after earlier puzzles' rows)."""
    from puzzlemdm.shipped import kind_model

    chosen = resolve(kind, config)
    if chosen.solver != MODEL or _beyond(kind, config) is not None:
        return
    model = _model_config(config.checkpoint or kind_model(kind.name))
    grid = model.get("grid") if model else None
    try:
        spec = kind.spec_from_signature(grid) if isinstance(grid, dict) else None
    except (KeyError, TypeError, ValueError):
        spec = None  # loading the checkpoint says what is wrong with it
    for record in records if spec is not None else ():
        try:
            kind.encode(record.puzzle, spec=spec)
        except PuzzleError as exc:
            raise UsageError(f"{record.source}:{record.line}: {exc}") from None


def _compute_dtype(precision: str) -> Any:
    """The torch dtype of the model's matrix products for `--precision` (None = float32)."""
    from puzzlemdm.model.mdm import PRECISIONS

    if precision not in PRECISIONS:
        raise UsageError(f"--precision must be {' or '.join(PRECISIONS)}, not {precision!r}")
    return PRECISIONS[precision]


# A path option that only means something beside another: (what it needs, whether the
# method has it). Given alone it would be ignored without a word.
NEEDS: dict[str, tuple[str, Any]] = {
    "steps": ("--schedule steps", lambda m: m.step.schedule == "steps"),
    "med_lambda": ("--schedule med", lambda m: m.step.schedule == "med"),
    "tau": ("--schedule threshold", lambda m: m.step.schedule == "threshold"),
    "k_max": ("--schedule med or threshold", lambda m: m.step.schedule in ("med", "threshold")),
    "select": ("--paths or --smc-particles above 1", lambda m: m.paths > 1 or m.smc_particles > 1),
    "smc_lambda": ("--smc-particles above 1", lambda m: m.smc_particles > 1),
    "smc_every": ("--smc-particles above 1", lambda m: m.smc_particles > 1),
    "candidates": ("--info-gain", lambda m: m.info_gain),
    "repair_rounds": ("--repair", lambda m: m.repair),
}


def _method_config(options: dict[str, Any]) -> Any:
    """The decode.MethodConfig of the path options (StepConfig's among them), checked; an
    option given without the one it tunes is a UsageError."""
    from puzzlemdm.decode import MethodConfig, StepConfig

    step_fields = {f.name for f in fields(StepConfig)}
    step = {k: v for k, v in options.items() if k in step_fields}
    rest = {k: v for k, v in options.items() if k not in step_fields}
    _check_types(StepConfig, step)
    _check_types(MethodConfig, rest)
    try:
        method = MethodConfig(step=StepConfig(**step), **rest)
        method.check()
    except ValueError as exc:  # said in the library's field names: say them as the flags
        names = [name for name in PATH_OPTIONS if "_" in name or name == "tau"]  # not words
        said = re.sub(
            r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b",
            lambda match: flag_list([match.group(1)]),
            str(exc),
        )
        raise UsageError(said) from None
    for name in options:
        needs, has = NEEDS.get(name, ("", None))
        if has is not None and not has(method):
            raise UsageError(f"{flag_list([name])} has no effect without {needs}")
    return method


def _solve_with_checkpoint(
    kind: PuzzleKind,
    records: Sequence[PuzzleRecord],
    config: SolveConfig,
    beyond: str | None,
    model: Any = None,
) -> Iterator[Outcome]:
    """Load the checkpoint (the kind's shipped one by default; `model` if it is loaded
    already, as the Python API's solvers keep it) and decode with it."""
    from puzzlemdm.model.checkpoint import load_checkpoint, resolve_device
    from puzzlemdm.shipped import kind_model

    dtype = _compute_dtype(config.precision)
    method = _method_config(config.method)
    folder = config.checkpoint or kind_model(kind.name)
    if config.threads > 0:
        import torch

        torch.set_num_threads(config.threads)
    if model is None:
        model = load_checkpoint(
            folder, resolve_device(config.device), runs=config.runs, settle=config.settle
        )
    model.compute_dtype = dtype
    return solve_with_model(
        kind,
        records,
        model,
        model_name=folder.name if config.checkpoint is None else str(folder),
        method=method,
        guided=config.search == "guided",
        node_limit=config.node_limit,
        branch=config.branch or "fewest",
        batch_size=config.batch_size,
        fallback=config.fallback,
        beyond=beyond,
        seed=config.seed,
        trace_path=config.trace_path,
    )


def solve_with_model(
    kind: PuzzleKind,
    records: Sequence[PuzzleRecord],
    model: Any,
    *,
    model_name: str,
    method: Any = None,
    guided: bool = False,
    node_limit: int | None = None,
    branch: str = "fewest",
    batch_size: int = 256,
    fallback: str | None = None,
    beyond: str | None = None,
    seed: int = 0,
    trace_path: str | None = None,
) -> Iterator[Outcome]:
    """Decode puzzles in batches with an MDM (`method`: a decode.MethodConfig, default one
    margin path; `guided`: model-guided complete search), verify each answer, and optionally
    finish misses with a classical solver (the outcome then names both). `beyond`: the
    classical solver of puzzles the model's grid cannot hold (None: they are an error)."""
    import torch

    from puzzlemdm.decode import MethodConfig, decode_puzzles, guided_search_batch, write_traces
    from puzzlemdm.model.checkpoint import CheckpointError

    method = method or MethodConfig()
    device = next(model.parameters()).device
    if getattr(model, "family", "mdm") == "arm":
        from puzzlemdm.decode.arm import (
            arm_method_name,
            arm_order_of,
            check_arm_method,
            resolve_order,
        )

        if guided:
            raise UsageError(
                "an autoregressive model cannot guide a search (it scores one next decision, "
                "not every open cell): use --search none"
            )
        try:
            check_arm_method(method)
        except ValueError as exc:
            raise UsageError(f"{model_name}: {exc}") from None
        name = arm_method_name(method, resolve_order(model, arm_order_of(method)))
    else:
        name = method.name
    solver = f"{model_name}/{'guided-search' if guided else name}"
    expected = model.config.grid
    if expected.get("kind") != kind.name:
        raise CheckpointError(
            f"the model reads {expected.get('kind')} puzzles, not {kind.name}", source=model_name
        )
    spec = kind.spec_from_signature(expected)
    if method.prune and spec.differ is None:  # nothing to prune with: the label would lie
        raise UsageError(f"--prune: {kind.name} has no all-different rules to prune values with")
    generator = torch.Generator(device=device).manual_seed(seed)
    for start in range(0, len(records), batch_size):
        chunk = records[start : start + batch_size]
        ready, outcomes = [], {}
        for i, record in enumerate(chunk):
            rejected = reject_givens(kind, record, solver)
            if rejected:
                outcomes[i] = rejected
                continue
            try:
                kind.encode(record.puzzle, spec=spec)  # the puzzle must fit the model's grid
            except PuzzleError as exc:
                if beyond is None:
                    raise CheckpointError(
                        f"{record.source}:{record.line}: {exc}", source=model_name
                    ) from None
                (outcomes[i],) = solve_classical(kind, [record], beyond)
                outcomes[i].extra["beyond_model_grid"] = True
                continue
            ready.append(i)
        if ready:
            puzzles = [chunk[i].puzzle for i in ready]
            began = time.perf_counter()
            if guided:
                result = guided_search_batch(
                    model, kind, puzzles, spec, node_limit=node_limit, branch=branch
                )
            else:
                result = decode_puzzles(model, kind, puzzles, spec, method, generator=generator)
            own = _own_seconds(result, time.perf_counter() - began)
            if trace_path:
                ids = [chunk[i].name for i in ready]
                write_traces(trace_path, result, ids, solver)
            final = result.tokens.cpu().numpy()
            for row, i in enumerate(ready):
                record = chunk[i]
                answer = kind.decode_tokens(record.puzzle, final[row], spec)
                extra = {
                    "nfe": int(result.nfe[row]),
                    "cumulative_entropy": round(float(result.cumulative_entropy[row]), 6),
                    **_row_info(result.info, row),
                }
                gave_up = "the solver gave up"
                if guided and (final[row] == MASK).any():
                    answer = None  # what the search had decided when it ended: not an answer
                    gave_up = "guided search found no answer"
                if "node_limit_hit" in result.info and bool(result.info["node_limit_hit"][row]):
                    answer = None  # the grid holds what the search had decided: not an answer
                    gave_up = (
                        f"guided search stopped at --node-limit {node_limit} without an answer"
                    )
                outcomes[i] = classify(kind, record, answer, solver, own[row], extra, gave_up)
        for i in range(len(chunk)):
            outcome = outcomes[i]
            if outcome.status == UNSOLVED and fallback:
                outcome = _fall_back(kind, outcome, fallback)
            yield outcome


def _own_seconds(result: Any, batch_seconds: float) -> list[float]:
    """Each puzzle's own time in a batch: its search's (guided searches run side by side), or
    the batch's time until its last forward pass (a decoded path ends when its cells are
    decided; the batch ends with its longest path), not the batch's average."""
    if "seconds" in result.info:
        return result.info["seconds"].tolist()
    nfe = result.nfe.double().cpu()
    return (batch_seconds * nfe / max(float(nfe.max()), 1.0)).tolist()


def _row_info(info: dict[str, Any], row: int) -> dict[str, int | float]:
    """Per-puzzle counters a method reported (nodes, resamplings, repair rounds...)."""
    picked = {}
    for key in ("nodes", "guesses", "backtracks", "resamplings", "repair_rounds", "chosen_path"):
        value = info.get(key)
        if value is not None and hasattr(value, "__getitem__") and len(value) > row:
            item = value[row]
            picked[key] = item.item() if hasattr(item, "item") else item
    return picked


def _fall_back(kind: PuzzleKind, outcome: Outcome, solver: str) -> Outcome:
    """Finish a puzzle the model got wrong with a classical solver, marked as such."""
    start = time.perf_counter()
    result = kind.solve(outcome.record.puzzle, solver)
    seconds = outcome.seconds + time.perf_counter() - start
    extra = {**outcome.extra, "model_failed": True}
    finished = classify(
        kind, outcome.record, result.answer, f"{outcome.solver}+{solver}-fallback", seconds, extra
    )
    # the model's refused answer stays for inspection, whatever the fallback found
    return replace(
        finished, rejected=outcome.rejected if outcome.rejected is not None else finished.rejected
    )
