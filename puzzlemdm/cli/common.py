"""What every command shares: the app, its consoles and exit codes, reading puzzle files,
the options several commands take, and `main`, which turns any error into one line."""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import fields
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind, PuzzleRecord


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


def fail(message: str, code: int = EXIT_INVALID) -> typer.Exit:
    """Print one clear error line and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def config_from(cls: type[T], values: dict[str, Any]) -> T:
    """A config dataclass from a command's arguments: flags and fields share their names."""
    return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})


def read_source(path: str) -> tuple[str, str]:
    """The text of a file (or stdin for '-') and the name to use in messages."""
    from puzzlemdm.puzzles.corpus import decode_text, read_text

    if path == "-":
        return decode_text(sys.stdin.buffer.read(), "<stdin>"), "<stdin>"
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
    if paths.count("-") > 1:  # the second read would find the input used up
        raise fail("'-' (standard input) can be read once: give it once", EXIT_USAGE)
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
    from puzzlemdm.puzzles.registry import other_kind

    detected = other_kind(text, source, kind_name)
    return "" if detected is None else f" (the file reads as a {detected} puzzle: drop --kind)"


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


def main() -> None:
    """Entry point: runs the app and turns any unexpected exception into one line."""
    if hasattr(signal, "SIGPIPE"):  # `| head` closing the pipe ends us quietly, as it does
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `cat` (141), not as an invalid file (1)
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
