"""Where a benchmark writes: a fresh folder under runs/ unless --out names one, and never rows
of another checkpoint or device into a table that holds others (a CPU run once slipped into
the committed H100 table by writing to the default folder)."""

from __future__ import annotations

import shlex
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from puzzlemdm.usage import UsageError

RUNS = Path("runs")  # git-ignored


def fresh_folder(command: str, root: Path = RUNS) -> Path:
    """A folder name not taken yet, `root/<command>-<UTC date and time>` (-2, -3... if it is);
    made by the benchmark when it writes, so that a run refused at once leaves nothing."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    folder, n = root / f"{command}-{stamp}", 1
    while folder.exists():
        n += 1
        folder = root / f"{command}-{stamp}-{n}"
    return folder


def command_line(command: str, options: Mapping[str, Any]) -> str:
    """`command` with its options as a shell takes them back: `--name value`, a true flag
    alone, a false one as `--no-name`; quoted where a value needs it (a path with spaces)."""
    words = command.split()
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            words.append(flag if value else "--no-" + flag[2:])
        else:
            words += [flag, str(value)]
    return shlex.join(words)


def what_measured(header: dict[str, Any]) -> tuple[str, str]:
    """(weights, device type) of a table's header: the weights' sha256 (the folder when the
    header has none; with the runs of a recurrent model run other than as trained), and cpu /
    cuda / mps (which card is not told apart)."""
    weights = header.get("weights_sha256") or str(header.get("checkpoint"))
    if header.get("settle"):
        weights += f" settling, run up to {header['runs']}x"
    elif "runs" in header:
        weights += f" run {header['runs']}x"
    return weights, str(header.get("device", "")).split(":")[0]


def refuse_other_seed(existing: Iterable[dict[str, Any]], seed: int | None, out: str) -> None:
    """UsageError when a table already in `out` was drawn with another seed: the rows of one
    table share its seed (subsets, random orders)."""
    for other in existing:
        if None not in (other.get("seed"), seed) and other["seed"] != seed:
            raise UsageError(
                f"{out} holds a table of seed {other['seed']}; this run's is {seed}: give "
                "another --out (or leave it out: a fresh folder under runs/)"
            )


def refuse_mixing(existing: Iterable[dict[str, Any]], header: dict[str, Any], out: str) -> None:
    """UsageError when a table already in `out` measured other weights or another device than
    `header` says this run does (or used another seed): its rows would not be comparable."""
    existing = list(existing)
    refuse_other_seed(existing, header.get("seed"), out)
    ours = what_measured(header)
    for other in existing:
        theirs = what_measured(other)
        if theirs != ours:
            raise UsageError(
                f"{out} holds a table of weights {theirs[0]} on {theirs[1]}; this run measures "
                f"{ours[0]} on {ours[1]}: give another --out (or leave it out: a fresh folder "
                "under runs/)"
            )
