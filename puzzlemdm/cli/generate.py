"""`puzzlemdm generate`: puzzles of a kind and level, deterministic from a seed."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from puzzlemdm.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    QuietOpt,
    app,
    err,
    fail,
)
from puzzlemdm.progress import CountProgress
from puzzlemdm.usage import UsageError, check_writable


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
        name = key.replace("-", "_")
        if name in options:
            raise fail(f"--option {key} is given twice; give it once", EXIT_USAGE)
        options[name] = int(value) if value.lstrip("-").isdigit() else value
    try:
        check_request(kind, level, options)
        check_writable(output, "--output")
        written_as = text_writer(kind, out_format)
    except UsageError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    # Written beside the output and moved over it once done: a request the generator refuses
    # leaves a file already there as it was (opened for writing at once, it was emptied).
    partial = output.with_name(f".{output.name}.partial") if output else None
    sink = partial.open("w", encoding="utf-8") if partial else sys.stdout
    written = 0
    try:
        with CountProgress(err, n, "generating", quiet, solving=False) as bar:
            for line in generate_records(kind, level, n, seed, workers, options):
                sink.write(written_as(line))
                written += 1
                bar.advance()
    except (TypeError, ValueError) as exc:
        _close(sink, partial, keep_as=None)
        raise fail(f"cannot generate {kind} with options {options}: {exc}", EXIT_USAGE) from None
    except KeyboardInterrupt:  # the pool's workers are terminated by now
        _close(sink, partial, keep_as=output)  # what was written, as the message says
        err.print(f"interrupted: {written} of {n} puzzles written")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BaseException:
        _close(sink, partial, keep_as=None)
        raise
    _close(sink, partial, keep_as=output)


def _close(sink: Any, partial: Path | None, keep_as: Path | None) -> None:
    """Close the partial output and move it to `keep_as`, or drop it (None)."""
    if partial is None:
        return
    sink.close()
    if keep_as is None:
        partial.unlink(missing_ok=True)
    else:
        partial.replace(keep_as)


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
