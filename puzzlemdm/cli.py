"""The `puzzlemdm` command line: a thin typer layer over the library.

Exit codes: 0 every puzzle solved and verified (or valid; one with several solutions too, with
a warning); 1 an invalid puzzle (malformed, contradictory, no solution); 2 usage error; 3 valid
puzzles left unsolved by the solver; 130 interrupted (Ctrl-C: workers stopped, summary so far).
Heavy modules (torch, the solvers) are imported inside the commands, so start-up stays fast.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from puzzlemdm.model.errors import CheckpointError
from puzzlemdm.progress import CountProgress
from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind, PuzzleRecord
from puzzlemdm.solving import DEFAULT_THREADS, PATH_OPTIONS  # light: no torch until a model
from puzzlemdm.usage import UsageError, check_writable
from puzzlemdm.validity import check_record, grade_record


class OneLineUsage(TyperGroup):
    """Every command's usage errors (a bad value, an unknown flag) in one line, exit 2: typer
    would draw them in a box of several lines."""

    def invoke(self, ctx: typer.Context) -> Any:
        """Run the command; a click usage error becomes one `error:` line."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            # click's UsageError, matched by shape: typer vendors click from 0.2x, older ones
            # use click itself; "no arguments" shows the help instead (NoArgsIsHelpError)
            usage = getattr(exc, "exit_code", None) == EXIT_USAGE and hasattr(exc, "ctx")
            if not usage or type(exc).__name__ == "NoArgsIsHelpError":
                raise
            where = exc.ctx.command_path if exc.ctx is not None else "puzzlemdm"
            raise fail(f"{exc.format_message()} (see {where} --help)", EXIT_USAGE) from None


app = typer.Typer(
    cls=OneLineUsage,
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Solve constraint puzzles with small masked diffusion models and classical solvers.",
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

T = TypeVar("T")

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_UNSOLVED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report a SIGINT
# Said of a verified answer to a puzzle with more than one: right, yet not "the" solution.
SEVERAL = "the puzzle has several solutions; this is one of them (a proper puzzle has one)"


def fail(message: str, code: int = EXIT_INVALID) -> typer.Exit:
    """Print one clear error line and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def config_from(cls: type[T], values: dict[str, Any]) -> T:
    """A config dataclass from a command's arguments: flags and fields share their names."""
    return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})


def read_source(path: str) -> tuple[str, str]:
    """The text of a file (or stdin for '-') and the name to use in messages."""
    from puzzlemdm.puzzles.corpus import read_text

    if path == "-":
        return sys.stdin.read().removeprefix("\ufeff"), "<stdin>"
    return read_text(path), path


def load_records(
    paths: list[str], kind_name: str | None
) -> list[tuple[PuzzleKind, list[PuzzleRecord]]]:
    """Parse every file with its kind (given, or detected from the contents)."""
    from puzzlemdm.puzzles.registry import detect_kind, get_kind

    if kind_name:
        try:
            get_kind(kind_name)
        except PuzzleError as exc:  # a wrong flag, not a wrong puzzle
            raise fail(str(exc), EXIT_USAGE) from None
    loaded = []
    for path in paths:
        text, source = read_source(path)
        if not text.strip():
            raise PuzzleError("no puzzles found (the file is empty)", source=source)
        kind = get_kind(kind_name) if kind_name else detect_kind(text, source)
        try:
            records = kind.parse_text(text, source)
        except PuzzleError as exc:
            raise PuzzleError(str(exc) + other_kind_hint(text, source, kind.name)) from None
        if not records:
            raise PuzzleError("no puzzles found", source=source)
        loaded.append((kind, records))
    return loaded


def other_kind_hint(text: str, source: str, kind_name: str) -> str:
    """ " (the file reads as a zebra puzzle: drop --kind)" when --kind named a kind the file
    is not and its contents tell the kind; else nothing."""
    from puzzlemdm.puzzles.registry import detect_kind

    try:
        detected = detect_kind(text, source).name
    except PuzzleError:
        return ""
    return "" if detected == kind_name else f" (the file reads as a {detected} puzzle: drop --kind)"


def by_kind(
    loaded: list[tuple[PuzzleKind, list[PuzzleRecord]]],
) -> list[tuple[PuzzleKind, list[PuzzleRecord]]]:
    """The files' records grouped by kind, in file order within each: a model is loaded once
    for all of a kind's files, not once per file (101 PDDL files took 101 loads)."""
    groups: dict[str, tuple[PuzzleKind, list[PuzzleRecord]]] = {}
    for kind, records in loaded:
        groups.setdefault(kind.name, (kind, []))[1].extend(records)
    return list(groups.values())


FilesArg = Annotated[list[str], typer.Argument(help="Puzzle files ('-' reads stdin).")]
KindOpt = Annotated[
    str | None,
    typer.Option("--kind", help="Puzzle kind (sudoku, zebra, blocksworld); detected when omitted."),
]
ThreadsOpt = Annotated[
    int,
    typer.Option(
        min=0,
        help="Torch intra-op threads (0: torch's default, one per core; more than 1 helps a "
        "lone big batch on an idle machine, and hurts badly on a busy one).",
    ),
]
SettleOpt = Annotated[
    bool,
    typer.Option(
        "--settle",
        help="A recurrent model: --runs (default twice the trained runs) becomes a ceiling; "
        "each puzzle runs the blocks as trained, then on only while a run still changes the "
        "value the model would pick somewhere (adaptive depth).",
    ),
]
RunsOpt = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="A recurrent model (recurrence > 1): run its blocks this many times per forward "
        "instead of as its checkpoint says (trained runs, or its config's `inference`: the "
        "shipped Sudoku model settles, up to 8); every run was trained to answer, so fewer are "
        "faster and more may refine further.",
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar (it shows only on a terminal).")
]


@app.command()
def solve(
    ctx: typer.Context,
    files: FilesArg,
    solver: Annotated[
        str,
        typer.Option(
            help="mdm (the model), or a classical solver of the puzzle's kind (sudoku: search | "
            "strategy | python-constraint; zebra: strategy | python-constraint; blocksworld: "
            "astar | bfs); auto = the kind's shipped model if it has one, else its first "
            "classical solver."
        ),
    ] = "auto",
    kind: KindOpt = None,
    order: Annotated[
        str,
        typer.Option(
            help="Decode a path in this order: margin | top-prob | entropy | random | "
            "left-to-right (a path option: see --search)."
        ),
    ] = "margin",
    checkpoint: Annotated[
        Path | None, typer.Option(help="Checkpoint folder (default: shipped).")
    ] = None,
    runs: RunsOpt = None,
    settle: SettleOpt = False,
    device: Annotated[str, typer.Option(help="auto | cpu | cuda.")] = "auto",
    precision: Annotated[
        str,
        typer.Option(
            help="fp32 | bf16: the model's matrix products in bfloat16, faster on GPUs and on "
            "CPUs with AVX512-BF16 (every answer is still verified)."
        ),
    ] = "fp32",
    batch_size: Annotated[int, typer.Option(min=1, help="Puzzles decoded together.")] = 256,
    fallback: Annotated[
        str | None,
        typer.Option(
            help="Classical solver that finishes puzzles the model failed (marked as such)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of every random choice in decoding.")] = 0,
    schedule: Annotated[
        str,
        typer.Option(
            help="Cells per step: one | steps (budget --steps) | med (entropy <= --med-lambda) | "
            "threshold (top prob >= --tau)."
        ),
    ] = "one",
    steps: Annotated[int | None, typer.Option(help="Step budget for --schedule steps.")] = None,
    med_lambda: Annotated[
        float,
        typer.Option(
            help="MED: decide in one step every cell whose entropy (nats) is <= this. The "
            "default 0.01 kept the one-path accuracy with 13x fewer forward passes on medium "
            "(benchmarks/results/decode_methods); 0.2, the paper's, lost 6 points."
        ),
    ] = 0.01,
    k_max: Annotated[int | None, typer.Option(help="At most this many cells per step.")] = None,
    tau: Annotated[float, typer.Option(help="Threshold schedule: top probability >= tau.")] = 0.9,
    prune: Annotated[
        bool,
        typer.Option(
            help="Exclude values the rules forbid given the cells already written (rules, not "
            "search)."
        ),
    ] = False,
    paths: Annotated[
        int,
        typer.Option(
            min=1, help="E-BoN: N paths per puzzle in one batch; keep the lowest-entropy one."
        ),
    ] = 1,
    select: Annotated[
        str, typer.Option(help="How E-BoN / E-SMC pick the final path: entropy | verified-first.")
    ] = "entropy",
    round_paths: Annotated[
        int,
        typer.Option(
            min=0,
            help="Verified-first E-BoN: draw the --paths N at a time, a puzzle stopping at its "
            "first verified path (as often solved, for fewer model calls; 0 = all at once).",
        ),
    ] = 0,
    smc_particles: Annotated[int, typer.Option(min=0, help="E-SMC particles (0 = off).")] = 0,
    smc_lambda: Annotated[
        float, typer.Option(help="E-SMC: weight exp(-lambda * entropy since the last resampling).")
    ] = 1.0,
    smc_every: Annotated[
        int, typer.Option(min=0, help="E-SMC: resample every N steps (0 = only when ESS < P/2).")
    ] = 5,
    info_gain: Annotated[
        bool, typer.Option(help="One-step look-ahead over candidate moves.")
    ] = False,
    candidates: Annotated[
        int, typer.Option(min=1, help="Info-gain: candidate moves per step.")
    ] = 8,
    repair: Annotated[
        bool, typer.Option(help="Re-open cells of violated rules and decode again.")
    ] = False,
    repair_rounds: Annotated[int, typer.Option(min=1, help="At most this many repair rounds.")] = 3,
    search: Annotated[
        str,
        typer.Option(
            help="guided: complete search with propagation, branching where --branch says, "
            "values in the model's order (always correct on valid puzzles) | "
            "none: decode a path (one margin path unless --order, --paths, ... say otherwise) "
            "| auto: guided, unless a path option (--order, --schedule, --paths, --select, "
            "--smc-*, --info-gain, --repair, --prune, ...) is given."
        ),
    ] = "auto",
    node_limit: Annotated[
        int | None, typer.Option(help="Guided search: give up after N nodes.")
    ] = None,
    branch: Annotated[
        str | None,
        typer.Option(
            help="Guided search: where the model branches. fewest (the default): on the cells "
            "with the fewest values left (MRV's), the one the model is surest of | margin: "
            "wherever the model is surest."
        ),
    ] = None,
    trace: Annotated[
        Path | None,
        typer.Option(
            help="Append each puzzle's decoding trace (order, entropies, NFE, time) to this JSONL."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per puzzle on stdout.")
    ] = False,
    threads: ThreadsOpt = DEFAULT_THREADS,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Echo each puzzle where its answer does not show it (a Zebra's clues).",
        ),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="After each solved puzzle, how a person could solve it: the strategy "
            "solver's steps (Sudoku, Zebra) or an optimal plan (Blocksworld).",
        ),
    ] = False,
) -> None:
    """Solve puzzles; every answer is checked by the verifier before it is called solved."""
    from puzzlemdm.solving import (
        INVALID,
        SOLVED,
        UNSOLVED,
        SolveConfig,
        resolve,
        solve_records,
    )

    # The path options reach the library through ctx.params: only those given ask for a path.
    given = {
        name: ctx.params[name]
        for name in PATH_OPTIONS
        if getattr(ctx.get_parameter_source(name), "name", "") == "COMMANDLINE"
    }
    trace_path = str(trace) if trace else None
    config = config_from(SolveConfig, {**locals(), "method": given})
    try:
        config.check()
        loaded = by_kind(load_records(files, kind))
        for puzzle_kind, _ in loaded:  # every kind's options checked before any is solved
            resolve(puzzle_kind, config)
    except UsageError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    except PuzzleError as exc:
        raise fail(str(exc)) from None
    counts: Counter[str] = Counter()
    several = 0  # solved puzzles with more than one solution
    used = set()
    total = sum(len(records) for _, records in loaded)
    began = time.perf_counter()

    def summary(note: str = "") -> None:
        done = sum(counts.values())
        pace = 1000 * (time.perf_counter() - began) / max(done, 1)
        err.print(
            f"{note}{counts[SOLVED]}/{done} solved and verified"
            + (f" ({', '.join(sorted(used))})" if used else "")  # none yet when interrupted
            + f"; {counts[UNSOLVED]} unsolved, {counts[INVALID]} invalid"
            + (f", {several} with several solutions" if several else "")
            + (f"; {pace:.2f} ms/puzzle (wall clock)" if done else ""),
            soft_wrap=True,
        )

    try:
        with CountProgress(err, total, "solving", quiet) as bar:
            for puzzle_kind, records in loaded:
                try:
                    for outcome in solve_records(puzzle_kind, records, config):
                        steps = explained(puzzle_kind, outcome) if explain else None
                        if as_json:
                            row = outcome_json(puzzle_kind, outcome)
                            row.update({} if steps is None else {"explanation": steps})
                            print(json.dumps(row), flush=True)
                        else:
                            show_outcome(puzzle_kind, outcome, verbose)
                            show_explanation(steps)
                        # counted once printed: an interrupted summary counts what was shown
                        counts[outcome.status] += 1
                        several += outcome.unique is False
                        used.add(outcome.solver)
                        bar.advance(outcome.verified)
                except (UsageError, CheckpointError) as exc:  # an option's, not a puzzle's
                    raise fail(str(exc), EXIT_USAGE) from None
                except PuzzleError as exc:
                    raise fail(str(exc)) from None
    except KeyboardInterrupt:  # the workers are stopped by now: keep what was printed
        summary(f"interrupted after {sum(counts.values())} of {total} puzzles: ")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    summary()
    if counts[INVALID]:
        raise typer.Exit(EXIT_INVALID)
    if counts[UNSOLVED]:
        raise typer.Exit(EXIT_UNSOLVED)


def explained(kind: PuzzleKind, outcome: Any) -> list[str] | None:
    """How a person could solve a solved puzzle (`--explain`), or None."""
    return kind.explain(outcome.record.puzzle) if outcome.verified else None


def show_explanation(steps: list[str] | None) -> None:
    """`--explain`'s steps under the answer, numbered."""
    if steps is None:
        return
    out.print("[bold]How to solve it:[/]")
    for k, step in enumerate(steps, start=1):
        out.print(f"  {k}. {escape(step)}")


def outcome_json(kind: PuzzleKind, outcome: Any) -> dict[str, Any]:
    """The --json row of one solved (or not) puzzle."""
    record = outcome.record
    row = {
        "id": record.name,
        "kind": kind.name,
        "puzzle": kind.record_to_json(record)["puzzle"],
        # only a verified answer is an answer; a rejected one is kept apart, for inspection
        "answer": kind.answer_to_json(record.puzzle, outcome.answer) if outcome.verified else None,
        "verified": outcome.verified,
        "unique": outcome.unique,  # null: not counted (plans), or not solved
        "optimal": outcome.optimal,  # null: every right answer is as good, or the best unknown
        "status": outcome.status,
        "solver": outcome.solver,
        "seconds": round(outcome.seconds, 6),
    }
    if outcome.message:
        row["message"] = outcome.message
    if not outcome.verified and outcome.answer is not None:
        row["rejected_answer"] = kind.answer_to_json(record.puzzle, outcome.answer)
    if outcome.verified:
        row.update(kind.answer_facts(record.puzzle, outcome.answer))
    row.update(
        {  # the solver's counters; never in place of the fields above
            k: v
            for k, v in outcome.extra.items()
            if k not in row and isinstance(v, int | float | str | bool)
        }
    )
    return row


def show_outcome(kind: PuzzleKind, outcome: Any, verbose: bool = False) -> None:
    """Print one puzzle's result for a human: one status line (the puzzle's id or file line,
    its own time), then its grid; `verbose` echoes the puzzle itself too (a Zebra's clues)."""
    record = outcome.record
    where = record.name
    ms = 1000 * outcome.seconds
    if outcome.verified:
        extra = "".join(f", {k} {v}" for k, v in outcome.extra.items() if k in ("nfe", "nodes"))
        extra += {True: ", optimal", False: ", longer than the best known", None: ""}[
            outcome.optimal
        ]
        out.print(
            f"[green]✓ {escape(where)}: solved by {outcome.solver} in {ms:.1f} ms{extra}, "
            "verified[/]"
        )
        if outcome.unique is False:
            out.print(f"[yellow]! {escape(where)}: {SEVERAL}[/]")
        out.print(kind.render(record.puzzle, outcome.answer, verbose=verbose))
    elif outcome.status == "unsolved":
        out.print(
            f"[yellow]✗ {escape(where)}: not solved by {outcome.solver}: "
            f"{escape(outcome.message)}[/]"
        )
        out.print(kind.render(record.puzzle, outcome.answer, verbose=verbose))
    else:
        out.print(f"[red]✗ {escape(where)}: {escape(outcome.message)}[/]")


@app.command()
def verify(
    files: FilesArg,
    kind: KindOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON verdict per puzzle on stdout.")
    ] = False,
    answer_file: Annotated[
        str | None,
        typer.Option(
            "--answer",
            help="A file with an answer to the one puzzle given, checked by the verifier: a "
            "plan file (Blocksworld), a grid (Sudoku), or solve --json's row; for a puzzle "
            "asking one question, a short answer (a value, a choice's letter, a house).",
        ),
    ] = None,
    answers_file: Annotated[
        str | None,
        typer.Option(
            "--answers",
            help="A file of answers to the puzzles given, each checked by the verifier: JSON "
            'lines of {"id", "answer"} (as solve --json prints), or PlanBench\'s or ZeroEval\'s '
            "results (a language model's responses).",
        ),
    ] = None,
) -> None:
    """Check puzzles: consistent givens, a solution, and the file's own solution if it has one.

    Solutions are counted (unique or several) where the kind can count them."""
    if answer_file is not None and answers_file is not None:
        raise fail("give --answer (one puzzle's) or --answers (many), not both", EXIT_USAGE)
    try:
        loaded = load_records(files, kind)
        answer = read_one_answer(loaded, answer_file) if answer_file is not None else None
        if answers_file is not None:
            verify_answers(loaded, answers_file, as_json)
            return
    except PuzzleError as exc:
        raise fail(str(exc)) from None
    from puzzlemdm.answers import Judged

    if isinstance(answer, Judged):  # a short answer, judged as it was read
        from puzzlemdm.puzzles.registry import kind_of

        short_kind = kind_of(answer.record.puzzle)
        show_judged(short_kind, answer, as_json, right="the answer to its question is right")
        raise typer.Exit(0 if answer.ok else EXIT_INVALID)

    counts: Counter[str] = Counter()
    for puzzle_kind, records in loaded:
        for record in records:
            validity = check_record(puzzle_kind, record, answer)
            where = record.name
            counts["total"] += 1
            counts["solutions"] += validity.solution_checked
            if as_json:
                print(json.dumps(verdict_json(puzzle_kind, where, validity)), flush=True)
            if not validity.ok:
                counts["bad"] += 1
                if not as_json:
                    out.print(f"[red]✗ {escape(where)}: {escape(validity.problem)}[/]")
                continue
            counts[{True: "unique", False: "several", None: "uncounted"}[validity.unique]] += 1
            if validity.unique is False and not as_json:
                out.print(f"[yellow]! {escape(where)}: the puzzle has several solutions[/]")
    right = (
        "the answer right" if answer is not None else f"{counts['solutions']} given solutions right"
    )
    checked = "givens consistent, solvable" + (f", {right}" if counts["solutions"] else "")
    uniqueness = ", ".join(
        f"{counts[key]} {words}"
        for key, words in (
            ("unique", "unique"),
            ("several", "with several solutions"),
            ("uncounted", "not counted (answers are plans, or past the search budget)"),
        )
        if counts[key]
    )
    err.print(
        f"{counts['total'] - counts['bad']}/{counts['total']} verified (checked: {checked})"
        + (f"; {uniqueness}" if uniqueness else ""),
        soft_wrap=True,
    )
    if counts["bad"]:
        raise typer.Exit(EXIT_INVALID)


def verify_answers(
    loaded: list[tuple[PuzzleKind, list[PuzzleRecord]]], path: str, as_json: bool
) -> None:
    """`verify --answers`: every puzzle's answer judged, a line for each wrong one (a JSON row
    for each with --json), then the counts; exit 1 unless every puzzle's answer is right."""
    from puzzlemdm.answers import Tally, answers_in, judge_answers, unmatched

    text, source = read_source(path)
    answers = answers_in(text, source)
    tally = Tally()
    for kind, records in loaded:
        for judged in judge_answers(kind, records, answers, source):
            tally.add(kind, judged)
            show_judged(kind, judged, as_json)
    stray = unmatched([r for _, records in loaded for r in records], answers)
    err.print(tally.summary(stray), soft_wrap=True)
    if not tally.all_right:
        raise typer.Exit(EXIT_INVALID)


def show_judged(kind: PuzzleKind, judged: Any, as_json: bool, right: str = "") -> None:
    """One judged answer: its JSON row, or a line when it is wrong (or `right` when given)."""
    from puzzlemdm.answers import judged_row

    if as_json:
        print(json.dumps(judged_row(kind, judged)), flush=True)
    elif not judged.ok:
        out.print(f"[red]✗ {escape(judged.record.name)}: {escape(judged.problem)}[/]")
    elif right:
        out.print(f"[green]✓ {escape(judged.record.name)}: {escape(right)}[/]")


def read_one_answer(loaded: list[tuple[PuzzleKind, list[PuzzleRecord]]], path: str) -> Any:
    """The answer `verify --answer` checks, read by the kind of the one puzzle given; for a
    short answer to the puzzle's question (a value, a house), its verdict (a `Judged`)."""
    from puzzlemdm.answers import read_answer, the_one_puzzle

    try:
        kind, record = the_one_puzzle(loaded)
    except UsageError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    text, source = read_source(path)
    return read_answer(kind, record, text, source)


def verdict_json(kind: PuzzleKind, where: str, validity: Any) -> dict[str, Any]:
    """The --json row of one verified (or not) puzzle."""
    return {
        "id": where,
        "kind": kind.name,
        "ok": validity.ok,
        "problem": validity.problem or None,
        "unique": validity.unique,  # null: not counted (plans, or past the search budget)
        "solution_checked": validity.solution_checked,
    }


@app.command()
def models(
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per checkpoint on stdout.")
    ] = False,
) -> None:
    """List the shipped checkpoints: kind, size, parameters, validation solve rate.

    Each is read from the checkpoint's own files (its config and training log)."""
    from puzzlemdm.shipped import shipped_models

    for model in shipped_models():
        if as_json:
            print(json.dumps(model), flush=True)
            continue
        size = f"{model['layers']} x {model['width']}" if model["layers"] else "?"
        parameters = f"{model['parameters'] / 1e6:.2f}M" if model["parameters"] else "?"
        out.print(
            f"[bold]{escape(model['name'])}[/]: {model['kind']} {model['family'].upper()}, "
            f"{size}, {parameters} parameters, {model['megabytes']} MB; "
            f"{escape(model['headline'])}"
        )
        out.print(f"  {escape(model['path'])}")


@app.command()
def grade(
    files: FilesArg,
    kind: KindOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON grade per puzzle on stdout.")
    ] = False,
) -> None:
    """Grade puzzles: the level and the techniques / search effort they need."""
    try:
        loaded = load_records(files, kind)
    except PuzzleError as exc:
        raise fail(str(exc)) from None
    levels: Counter[str] = Counter()
    invalid = 0
    for puzzle_kind, records in loaded:
        for record in records:
            where = record.name
            graded = grade_record(puzzle_kind, record)
            if isinstance(graded, str):
                invalid += 1
                err.print(f"[red]✗ {escape(where)}: {escape(graded)}[/]")
                continue
            if graded["unique"] is False:
                err.print(f"[yellow]! {escape(where)}: several solutions; the level says little[/]")
            levels[graded["level"]] += 1
            if as_json:
                print(json.dumps({"id": where, **graded}), flush=True)
            else:
                counters = ", ".join(  # a field repeating the level is left out
                    f"{k} {v}"
                    for k, v in graded.items()
                    if k != "level" and isinstance(v, int | float | str) and v != graded["level"]
                )
                out.print(f"{where}: [bold]{graded['level']}[/] ({counters})")
    graded_levels = ", ".join(f"{k} {v}" for k, v in sorted(levels.items()))
    err.print(
        "; ".join(
            [f"levels: {graded_levels}"] * bool(levels) + [f"{invalid} invalid"] * bool(invalid)
        )
    )
    if invalid:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def generate(
    kind: Annotated[str, typer.Argument(help="Puzzle kind: sudoku, zebra, blocksworld.")],
    n: Annotated[int, typer.Option("--n", "-n", min=1, help="Number of puzzles.")] = 10,
    level: Annotated[str, typer.Option(help="Difficulty level of the kind.")] = "medium",
    seed: Annotated[
        int, typer.Option(min=0, help="Seed; puzzle i uses rng(\\[seed, i]) alone.")
    ] = 0,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (stdout if omitted).")
    ] = None,
    out_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="jsonl (a corpus line a puzzle, with its solution and grade), text (the "
            "puzzles as people write them: Sudoku lines, Zebra English, PDDL problems), or a "
            "kind's other format: zebralogic (ZebraLogic's dataset lines, for language models), "
            "zebralogic-mc (its multiple-choice questions).",
        ),
    ] = "jsonl",
    workers: Annotated[
        int, typer.Option(min=1, help="Processes; the output does not depend on it.")
    ] = 1,
    size: Annotated[int | None, typer.Option(help="Sudoku side (4, 6, 9, 16).")] = None,
    givens: Annotated[
        int | None, typer.Option(help="Sudoku: target number of givens (default minimal).")
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "-O",
            "--option",
            help="Kind option key=value (sudoku: max_tries=N candidates per puzzle, default "
            "2000; min_guesses=G for --level extreme, default 30; zebra: houses, attributes, "
            "generator_version; blocksworld: blocks (of the level), goal=full|partial|mixed, "
            "min_length, max_length; an option the kind does not take is a usage error).",
        ),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Generate puzzles with unique solutions at a level, deterministically from a seed."""
    from puzzlemdm.generation import check_request, generate_records

    options: dict[str, Any] = {}
    if size is not None:
        options["size"] = size
    if givens is not None:
        options["givens"] = givens
    for item in option or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise fail(f"--option expects key=value, got {item!r}", EXIT_USAGE)
        options[key.replace("-", "_")] = int(value) if value.lstrip("-").isdigit() else value
    try:
        check_request(kind, level, options)
        check_writable(output, "--output")
        written_as = text_writer(kind, out_format)
    except UsageError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    sink = output.open("w", encoding="utf-8") if output else sys.stdout
    written = 0
    try:
        with CountProgress(err, n, "generating", quiet, solving=False) as bar:
            for line in generate_records(kind, level, n, seed, workers, options):
                sink.write(written_as(line))
                written += 1
                bar.advance()
    except (TypeError, ValueError) as exc:
        raise fail(f"cannot generate {kind} with options {options}: {exc}", EXIT_USAGE) from None
    except KeyboardInterrupt:  # the pool's workers are terminated by now
        err.print(f"interrupted: {written} of {n} puzzles written")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        if output:
            sink.close()


def text_writer(kind_name: str, out_format: str) -> Callable[[dict[str, Any]], str]:
    """How `generate` writes a corpus line: as JSON, or as the kind's own text."""
    from puzzlemdm.puzzles.registry import get_kind

    if out_format == "jsonl":
        return lambda line: json.dumps(line) + "\n"
    kind = get_kind(kind_name)
    writers = {"text": kind.puzzle_text, **kind.writers()}
    if out_format not in writers:
        raise UsageError(f"--format {out_format!r}: choose jsonl or {' or '.join(writers)}")
    write = writers[out_format]
    return lambda line: write(kind.parse_text(json.dumps(line))[0])


def main() -> None:
    """Entry point: runs the app and turns any unexpected exception into one line."""
    try:
        app()
    except PuzzleError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        sys.exit(EXIT_INVALID)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # a bug or an environment problem: one line, never a traceback
        if os.environ.get("PUZZLEMDM_DEBUG"):
            raise
        err.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))} "
            "(set PUZZLEMDM_DEBUG=1 for a traceback)",
            soft_wrap=True,
        )
        sys.exit(EXIT_INVALID)


class BenchGroup(TyperGroup):
    """`bench`'s commands, with an unknown benchmark named in the usage error."""

    def resolve_command(self, ctx: typer.Context, args: list[str]) -> Any:
        """The benchmark `args` names; a usage error listing them all when it is unknown."""
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            names = ", ".join(self.commands)
            raise fail(f"no benchmark {args[0]!r}; choose from {names}", EXIT_USAGE)
        return super().resolve_command(ctx, args)


bench_app = typer.Typer(
    cls=BenchGroup,
    no_args_is_help=True,
    help="Run a benchmark and write its table (Markdown + JSON, with command, checkpoint, "
    "machine).\n\nSplits: paths, or shortcuts of the checkpoint's kind: its levels "
    "(datasets/KIND/LEVEL/test.jsonl) and the files of ../shared/benchmarks/KIND/ by name.",
)
app.add_typer(bench_app, name="bench")

CheckpointOpt = Annotated[
    str | None,
    typer.Option(
        help="Checkpoint folder (default: the shipped model of the kind of the first split "
        "given as a file; sudoku-mdm for level shortcuts)."
    ),
]
LimitOpt = Annotated[int | None, typer.Option(min=1, help="First N puzzles of each split.")]
DeviceOpt = Annotated[str, typer.Option(help="auto | cpu | cuda.")]


def run_bench(run: Any, config: Any) -> None:
    """Run a benchmark; its usage errors (an unusable checkpoint among them) exit 2, bad
    puzzles 1, in one line."""

    try:
        run(config)
    except (UsageError, CheckpointError) as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    except PuzzleError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:  # guided searches are stopped by now; finished rows are kept
        kept = f": the rows already written stay in {config.out}" if config.out else ""
        err.print(f"interrupted{kept}")
        raise typer.Exit(EXIT_INTERRUPTED) from None


@bench_app.command("models")
def bench_models(
    model: Annotated[
        list[str],
        typer.Option(help="NAME=CHECKPOINT, repeated: the models compared, in table order."),
    ],
    methods: Annotated[
        list[str] | None,
        typer.Option(
            help="NAME=M1,M2,..., repeated: a model's methods, e.g. margin, top-prob/steps10, "
            "margin+bon8-vf, arm, arm+bon8-vf, arm-oracle (default: margin)."
        ),
    ] = None,
    splits: Annotated[str, typer.Option(help="Comma-separated splits.")] = "medium,hard",
    subset: Annotated[int, typer.Option(min=1, help="Puzzles per split for best-of-N.")] = 200,
    limit: LimitOpt = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 250,
    device: DeviceOpt = "auto",
    threads: ThreadsOpt = DEFAULT_THREADS,
    seed: int = 0,
    baseline: Annotated[
        str,
        typer.Option(
            help="MODEL/METHOD the others are paired with, or MODEL: each method against that "
            "model's same method (default: the first model's first method)."
        ),
    ] = "",
    out: Annotated[
        str | None, typer.Option(help="Output folder (default: runs/bench-models-TIME).")
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Keep the rows and models an earlier run wrote in OUT."),
    ] = False,
) -> None:
    """Models side by side (MDM vs ARM vs VMD), each with its methods, paired on the same
    puzzles against a baseline."""
    from puzzlemdm.bench.models import ModelsConfig, run_models

    config = ModelsConfig(
        models=model,
        methods=methods or [],
        splits=splits,
        subset=subset,
        limit=limit,
        batch_size=batch_size,
        device=device,
        threads=threads,
        seed=seed,
        baseline=baseline,
        out=out,
        resume=resume,
    )
    run_bench(run_models, config)


@bench_app.command("methods")
def bench_methods(
    checkpoint: CheckpointOpt = None,
    runs: RunsOpt = None,
    settle: SettleOpt = False,
    splits: Annotated[
        str | None,
        typer.Option(help="Comma-separated splits (default: every split of the kind)."),
    ] = None,
    methods: Annotated[
        str,
        typer.Option(
            help="Comma-separated methods or groups: cheap, expensive, margin, med<lambda>, "
            "repair, guided, bon8-vf, smc8, ..., or a classical solver of the kind (cheap holds "
            "its default one); an unknown name lists them all."
        ),
    ] = "cheap,expensive",
    subset: Annotated[
        int, typer.Option(min=1, help="Puzzles per split for expensive methods.")
    ] = 250,
    limit: LimitOpt = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 250,
    node_limit: Annotated[int, typer.Option(min=1, help="Per guided search.")] = 200_000,
    device: DeviceOpt = "auto",
    threads: ThreadsOpt = DEFAULT_THREADS,
    seed: int = 0,
    shard: Annotated[str, typer.Option(help="i/k: puzzles with index % k == i.")] = "0/1",
    resume: Annotated[bool, typer.Option("--resume", help="Keep rows already written.")] = False,
    baseline: Annotated[
        str, typer.Option(help="The method the others are paired with.")
    ] = "margin",
    report_only: Annotated[bool, typer.Option("--report-only", help="Only summarise OUT.")] = False,
    out: Annotated[
        str | None,
        typer.Option(
            help="Folder of the rows and summary (default: a fresh one under runs/); rows of "
            "other weights or another device than its table's are refused."
        ),
    ] = None,
) -> None:
    """Decoding methods side by side: accuracy, NFE, entropy AUROC, paired tests, nodes."""
    from puzzlemdm.bench.methods import MethodsConfig, run_methods

    config = config_from(MethodsConfig, locals())
    run_bench(run_methods, config)


@bench_app.command("orders")
def bench_orders(
    checkpoint: CheckpointOpt = None,
    splits: Annotated[
        str | None,
        typer.Option(help="Comma-separated splits (default: the kind's level test files)."),
    ] = None,
    orders: Annotated[
        str, typer.Option(help="Comma-separated decoding orders.")
    ] = "margin,top-prob,entropy,random,left-to-right",
    prune: Annotated[
        str,
        typer.Option(help="off | on | both: exclude values the rules forbid (rules, no search)."),
    ] = "off",
    limit: LimitOpt = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 500,
    device: DeviceOpt = "auto",
    threads: ThreadsOpt = DEFAULT_THREADS,
    seed: int = 0,
    out: Annotated[
        str | None,
        typer.Option(
            help="Write OUT.json and OUT.md (default: runs/bench-orders-TIME/orders); a table "
            "of other weights or another device there is not overwritten."
        ),
    ] = None,
) -> None:
    """One path per decoding order: solve rate, cell accuracy, NFE, by MRV guesses."""
    from puzzlemdm.bench.orders import OrdersConfig, run_orders

    config = config_from(OrdersConfig, locals())
    run_bench(run_orders, config)


analyze_app = typer.Typer(
    no_args_is_help=True,
    help="Study how a model decodes: its decision orders against classical solvers' orders.",
)
app.add_typer(analyze_app, name="analyze")


@analyze_app.command("orders")
def analyze_orders(
    checkpoint: CheckpointOpt = None,
    splits: Annotated[
        str | None,
        typer.Option(help="Comma-separated splits (default: the kind's level test files)."),
    ] = None,
    methods: Annotated[
        str,
        typer.Option(
            help="Comma-separated: margin, top-prob, entropy, random, left-to-right, "
            "med<lambda> (margin + MED), steps<k> (margin in k steps)."
        ),
    ] = "margin,top-prob,entropy,random,med0.01",
    limit: LimitOpt = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 500,
    device: DeviceOpt = "cpu",
    threads: ThreadsOpt = DEFAULT_THREADS,
    seed: int = 0,
    out: Annotated[
        str | None,
        typer.Option(
            help="Run folder (default: a fresh runs/order-study-TIME/); traces "
            "already in OUT/traces are reused, and only the puzzles they lack are decoded."
        ),
    ] = None,
    figures: Annotated[bool, typer.Option(help="Draw the figures (matplotlib).")] = True,
    decode: Annotated[
        bool,
        typer.Option(
            help="--no-decode: analyse OUT's traces as they are (a method decoded on fewer "
            "puzzles than --limit keeps its subset), so methods run on different subsets "
            "share one table."
        ),
    ] = True,
) -> None:
    """Decode with each method, then per decision: forced?, candidates, technique, entropy;
    per path: Kendall tau against the classical orders; a table and figures in OUT."""
    from puzzlemdm.analysis.study import StudyConfig, run_study

    config = config_from(StudyConfig, locals())
    run_bench(run_study, config)


@app.command()
def train(
    config: Annotated[Path, typer.Option("--config", help="Training recipe (TOML).")],
    resume: Annotated[
        bool, typer.Option(help="Continue the run exactly from its resume state.")
    ] = False,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite", help="Replace a run already in the recipe's folder (else refused)."
        ),
    ] = False,
    device: Annotated[
        str | None, typer.Option(help="auto | cpu | cuda (overrides the recipe).")
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Torch intra-op threads (overrides the recipe's `threads`; 0: torch's default, "
            "one per core, which a busy machine makes many times slower).",
        ),
    ] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Override: section.key=value (TOML).")
    ] = None,
) -> None:
    """Train a model from a recipe; resume state is saved on a schedule and on Ctrl-C/SIGTERM."""
    from puzzlemdm.train.config import load_config

    if resume and overwrite:
        raise fail("--resume continues a run, --overwrite replaces it: give one", EXIT_USAGE)
    overrides = list(set_ or []) + ([f'device="{device}"'] if device else [])
    overrides += [f"threads={threads}"] if threads is not None else []
    try:
        cfg = load_config(config, overrides)
    except (FileNotFoundError, IsADirectoryError):
        raise fail(f"{config}: no such recipe file", EXIT_USAGE) from None
    except ValueError as exc:  # bad TOML, a bad --set, not text (UnicodeDecodeError)
        raise fail(f"{config}: {exc}", EXIT_USAGE) from None
    if cfg.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise fail(
                f"{config}: the recipe trains on {cfg.device!r}, and this machine has no CUDA "
                "GPU (--device cpu runs it here, much slower)",
                EXIT_USAGE,
            )
    from puzzlemdm.train.loop import NoResumeState
    from puzzlemdm.train.progress import train_with_progress

    try:
        run_dir = train_with_progress(cfg, resume=resume, overwrite=overwrite, console=err)
    except (FileExistsError, NoResumeState) as exc:  # the flags do not fit the run folder
        raise fail(str(exc), EXIT_USAGE) from None
    except (ValueError, FileNotFoundError) as exc:  # the recipe's data: missing, empty, bad
        raise fail(f"{config}: {exc}") from None
    from puzzlemdm.train.loop import stop_reason

    if stop_reason(run_dir) == "signal":  # Ctrl-C or SIGTERM: saved, but not finished
        err.print(f"interrupted: run saved in {run_dir}; --resume continues it")
        raise typer.Exit(EXIT_INTERRUPTED)
    err.print(f"run saved in {run_dir}")
