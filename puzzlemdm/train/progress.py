"""Rich progress display around the training loop (rank 0 only prints)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from puzzlemdm.train.config import TrainConfig
from puzzlemdm.train.corpora import ensure_corpora
from puzzlemdm.train.loop import check_start, run_training


def train_with_progress(
    cfg: TrainConfig, *, resume: bool, console: Console, overwrite: bool = False
) -> Path:
    """Build the recipe's missing corpora (a bar each), then run `run_training`, showing a
    progress bar with the latest loss and solve rate."""
    # before the corpora, which may take an hour to build for a start that is then refused
    check_start(cfg, resume, overwrite)
    missing = [name for name in cfg.data.train if not Path(name).exists()]
    if missing:
        with Progress(
            TextColumn("[bold]building {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            tasks: dict[str, Any] = {}

            def advance(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(name, total=total)
                bar.update(tasks[name], completed=done)

            ensure_corpora(missing, cfg.data.corpora, on_progress=advance)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[status]}"),
        console=console,
    ) as bar:
        task = bar.add_task(cfg.name, total=cfg.optim.steps, status="")

        def on_log(row: dict[str, Any]) -> None:
            if row.get("event") == "resume":
                console.print(f"resumed from step {row['step']}")
            if row.get("event") == "start":
                console.print(
                    f"{row['parameters']:,} parameters, {row['train_puzzles']:,} puzzles "
                    f"({row['dropped_as_test_duplicates']} dropped as test duplicates), "
                    f"device {row['device']}"
                )
            if "loss" in row:
                bar.update(task, completed=row["step"], status=f"loss {row['loss']:.4f}")
            if "val_solve_rate" in row:
                console.print(
                    f"step {row['step']}: validation solve rate {row['val_solve_rate']:.1%}"
                )

        return run_training(cfg, resume=resume, overwrite=overwrite, on_log=on_log)
