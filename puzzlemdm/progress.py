"""A progress bar on stderr for long commands: done, solved so far, rate, ETA.

Shown only when stderr is a terminal and the user did not ask for quiet, so that logs and
pipes stay clean. Lines printed to stdout while it runs appear above it. Batched decoding
finishes its puzzles together, so the spinner and the elapsed time show that a batch is under
way before the count moves.
"""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Items per second over the recent window (rich's own speed estimate)."""

    def render(self, task: Task) -> Text:
        """'12.3/s', or nothing before rich has a speed estimate."""
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f}/s")


class CountProgress:
    """`with CountProgress(console, total, "solving") as bar: bar.advance(solved=True)`.

    A no-op unless `console` is a terminal and not `quiet`; with `solving`, the count of solved
    items is shown beside the bar.
    """

    def __init__(
        self, console: Console, total: int, label: str, quiet: bool = False, solving: bool = True
    ) -> None:
        self.enabled = console.is_terminal and not quiet
        self.solved = 0
        self.progress: Progress | None = None
        if self.enabled:
            self.progress = Progress(
                SpinnerColumn(),  # alive while a batch is decoded, before any puzzle is done
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[solved]} solved" if solving else ""),
                RateColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=True,
                # stdout is redirected through the bar only when it shares the terminal: a
                # piped stdout must not be copied onto stderr
                redirect_stdout=sys.stdout.isatty(),
                redirect_stderr=False,
            )
            self.task = self.progress.add_task(label, total=total, solved=0)

    def __enter__(self) -> CountProgress:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.progress is not None:
            self.progress.stop()

    def advance(self, solved: bool = False) -> None:
        """One more item done (and solved, when it was)."""
        self.solved += int(solved)
        if self.progress is not None:
            self.progress.update(self.task, advance=1, solved=self.solved)
