"""`puzzlemdm train --config RECIPE`: a model trained as the recipe says."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from puzzlemdm.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    app,
    err,
    fail,
)


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
    from puzzlemdm.train.loop import NoResumeState, RunMismatch
    from puzzlemdm.train.progress import train_with_progress

    try:
        run_dir = train_with_progress(cfg, resume=resume, overwrite=overwrite, console=err)
    except (FileExistsError, NoResumeState, RunMismatch) as exc:  # flags and run folder disagree
        raise fail(str(exc), EXIT_USAGE) from None
    except (ValueError, FileNotFoundError) as exc:  # the recipe's data: missing, empty, bad
        raise fail(f"{config}: {exc}") from None
    from puzzlemdm.train.loop import stop_reason

    if stop_reason(run_dir) == "signal":  # Ctrl-C or SIGTERM: saved, but not finished
        err.print(f"interrupted: run saved in {run_dir}; --resume continues it")
        raise typer.Exit(EXIT_INTERRUPTED)
    err.print(f"run saved in {run_dir}")
