"""`puzzlemdm solve`: every answer checked by the verifier before it is called solved; a line,
or a JSON row, a puzzle."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from puzzlemdm.answers import place
from puzzlemdm.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_UNSOLVED,
    EXIT_USAGE,
    FilesArg,
    KindOpt,
    QuietOpt,
    RunsOpt,
    SettleOpt,
    ThreadsOpt,
    app,
    by_kind,
    config_from,
    err,
    fail,
    load_records,
    out,
)
from puzzlemdm.model.errors import CheckpointError
from puzzlemdm.progress import CountProgress
from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind
from puzzlemdm.solving import DEFAULT_THREADS, PATH_OPTIONS  # light: no torch until a model
from puzzlemdm.usage import UsageError

# Said of a verified answer to a puzzle with more than one: right, yet not "the" solution.
SEVERAL = "the puzzle has several solutions; this is one of them (a proper puzzle has one)"


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
    seed: Annotated[
        int,
        typer.Option(
            help="Seed of every random choice in decoding; noise is drawn a batch at a time, "
            "so the same seed and --batch-size repeat a run exactly."
        ),
    ] = 0,
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
        check_fit,
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
        for puzzle_kind, records in loaded:  # every kind's options before any is solved
            resolve(puzzle_kind, config)
            check_fit(puzzle_kind, records, config)
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
                            show_explanation(steps, outcome.unique is False)
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


def show_explanation(steps: list[str] | None, several: bool = False) -> None:
    """`--explain`'s steps under the answer, numbered; `several`: the puzzle has several
    solutions, and the strategy solver's way may end at another than the answer shown."""
    if steps is None:
        return
    out.print("[bold]How to solve it:[/]")
    if several:
        out.print("  (the puzzle has several solutions: these steps may reach another one)")
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
        "answer": kind.answer_to_json(record.puzzle, outcome.answer),
        "verified": outcome.verified,
        "unique": outcome.unique,  # null: not counted (plans), or not solved
        "optimal": outcome.optimal,  # null: every right answer is as good, or the best unknown
        "status": outcome.status,
        "solver": outcome.solver,
        "seconds": round(outcome.seconds, 6),
    }
    if outcome.message:
        row["message"] = outcome.message
    if outcome.rejected is not None:
        row["rejected_answer"] = kind.answer_to_json(record.puzzle, outcome.rejected)
    if outcome.verified:
        row.update(kind.answer_facts(record.puzzle, outcome.answer))
    row.update(
        {  # the solver's counters; never in place of the fields above, and not its count of
            # solutions (it stops at the first: "unique" says how many the puzzle has)
            k: v
            for k, v in outcome.extra.items()
            if k not in row and k != "solutions" and isinstance(v, int | float | str | bool)
        }
    )
    row["source"] = place(record)
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
        out.print(kind.render(record.puzzle, outcome.rejected, verbose=verbose))
    else:
        out.print(f"[red]✗ {escape(where)}: {escape(outcome.message)}[/]")
