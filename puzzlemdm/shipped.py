"""The checkpoints shipped inside the package, described from their own files.

Each folder of puzzlemdm/checkpoints/ holds config.json (model, grid, parameters, step, recipe),
metrics.jsonl (the training log; its last validation line is the headline figure) and
model.safetensors. Nothing here is hard-coded per model, and torch is not imported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).resolve().parent / "checkpoints"


def shipped_checkpoint(name: str) -> Path:
    """The folder of a checkpoint shipped inside the package ("zebra-arm-l2r")."""
    return SHIPPED / name


def kind_model(kind_name: str) -> Path:
    """The folder of a kind's shipped MDM, the model `solve` uses by default."""
    return shipped_checkpoint(f"{kind_name}-mdm")


def has_shipped_model(kind_name: str) -> bool:
    """Whether the package ships an MDM checkpoint for this kind."""
    return (kind_model(kind_name) / "model.safetensors").is_file()


def last_validation(metrics: Path) -> dict[str, Any] | None:
    """The last line of a training log that carries validation figures (None: none)."""
    if not metrics.is_file():
        return None
    found = None
    for line in metrics.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash says nothing
        if isinstance(row, dict) and "val_solve_rate" in row:
            found = row
    return found


def headline(validation: dict[str, Any] | None) -> str:
    """'validation: 92.3% solved (easy 100%, hard 77%, ...) at step 17000', or 'no figures'."""
    if validation is None:
        return "no validation figures in metrics.jsonl"
    by_level = ", ".join(
        f"{key.removeprefix('val_solve_rate_')} {100 * value:.0f}%"
        for key, value in sorted(validation.items())
        if key.startswith("val_solve_rate_")
    )
    figure = f"validation: {100 * validation['val_solve_rate']:.1f}% solved"
    return figure + (f" ({by_level})" if by_level else "") + f" at step {validation.get('step')}"


def describe(folder: Path) -> dict[str, Any]:
    """One checkpoint folder as a plain dict: name, kind, family, size, parameters, headline."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    model = config.get("model", {})
    backbone = model.get("backbone", {})
    weights = folder / "model.safetensors"
    validation = last_validation(folder / "metrics.jsonl")
    return {
        "name": folder.name,
        "path": str(folder),
        "kind": model.get("grid", {}).get("kind"),
        "family": model.get("family", "mdm"),
        "layers": backbone.get("n_layers"),
        "width": backbone.get("d_model"),
        "parameters": config.get("parameters"),
        "megabytes": round(weights.stat().st_size / 1e6, 1) if weights.is_file() else None,
        "step": config.get("step"),
        "headline": headline(validation),
        "validation": validation,
    }


def shipped_models(root: Path = SHIPPED) -> list[dict[str, Any]]:
    """Every checkpoint folder under `root` (one with a config.json), by name."""
    folders = sorted(p for p in root.iterdir() if (p / "config.json").is_file())
    return [describe(folder) for folder in folders]
