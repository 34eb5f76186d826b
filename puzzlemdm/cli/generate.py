"""`puzzlemdm generate`: puzzles of a kind and level, deterministic from a seed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TextIO

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
    sink, partial = _open_output(output)
    written = 0
    # A reader closing the pipe (| head) would kill this process at once (SIGPIPE), leaving a
    # pool's workers behind: the write fails instead, the pool is closed, then the signal ends
    # the run as it ends cat.
    if workers > 1 and hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        with CountProgress(err, n, "generating", quiet, solving=False) as bar:
            for line in generate_records(kind, level, n, seed, workers, options):
                sink.write(written_as(line))
                written += 1
                bar.advance()
    except (TypeError, ValueError) as exc:
        _finish(sink, partial, output, keep=False)
        raise fail(f"cannot generate {kind} with options {options}: {exc}", EXIT_USAGE) from None
    except BrokenPipeError:  # the pool's workers are terminated by now
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    except KeyboardInterrupt:  # the pool's workers are terminated by now
        _finish(sink, partial, output, keep=True)  # what was written, as the message says
        err.print(f"interrupted: {written} of {n} puzzles written")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BaseException:
        _finish(sink, partial, output, keep=False)
        raise
    _finish(sink, partial, output, keep=True)


def _open_output(output: Path | None) -> tuple[TextIO, Path | None]:
    """(where puzzles are written, the partial file or None). A plain file (or a new one) is
    written beside itself and moved over once done, so that a request the generator refuses
    leaves a file already there as it was; anything else (a symlink, a device, a pipe) is
    written in place, as moving a file over it would replace it."""
    if output is None:
        return sys.stdout, None
    plain = not output.is_symlink() and (not output.exists() or output.is_file())
    target = output.with_name(f".{output.name}.partial") if plain else output
    try:
        return target.open("w", encoding="utf-8"), target if plain else None
    except OSError as exc:
        raise fail(f"--output {output}: cannot write there ({exc.strerror})", EXIT_USAGE) from None


def _finish(sink: TextIO, partial: Path | None, output: Path | None, keep: bool) -> None:
    """Close the output; a partial file moves over it (`keep`, with the old file's mode) or
    goes."""
    if output is None:
        return
    sink.close()
    if partial is None:
        return
    if not keep:
        partial.unlink(missing_ok=True)
        return
    if output.exists():
        shutil.copymode(output, partial)
    partial.replace(output)


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
