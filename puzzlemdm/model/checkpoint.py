"""Checkpoint folders: `model.safetensors` + `config.json` (never pickles).

Loading checks everything a user can get wrong (missing files, corrupt weights, a config
that does not match the weights, a model for another puzzle kind or size) and reports it as a
CheckpointError with one clear line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import torch

from puzzlemdm.model.errors import CheckpointError
from puzzlemdm.model.mdm import ModelConfig, spec_from_signature
from puzzlemdm.puzzles.base import PuzzleError


def save_checkpoint(
    folder: Path,
    model: torch.nn.Module,
    extra: dict[str, Any] | None = None,
    dtype: torch.dtype | None = None,
) -> None:
    """Write weights and config (plus `extra` fields such as the training recipe) to `folder`.

    `dtype` (e.g. float16) stores the weights smaller; loading casts them back to float32."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    state = {
        k: v.detach().to("cpu", dtype or v.dtype).contiguous()
        for k, v in model.state_dict().items()
    }
    save_file(state, str(folder / "model.safetensors"))
    config = {
        "model": model.config.to_dict(),
        "parameters": model.num_parameters(),
        **(extra or {}),
    }
    (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")


def load_checkpoint(
    folder: str | Path,
    device: str | torch.device = "cpu",
    family: str | None = None,
    runs: int | None = None,
    settle: bool = False,
) -> torch.nn.Module:
    """Rebuild the model of a checkpoint folder, in eval mode, on `device`; with `family`
    (`mdm`, `arm`), a checkpoint of another family is refused with a clear error; `runs`: a
    recurrent model's runs of its blocks per forward; `settle`: `runs` (None: twice the
    trained runs) is a ceiling, each row stopping once a run changes nothing it would decide
    (adaptive depth, `Backbone.settle`). Neither given: as config.json's `inference` says
    (`{"runs": 8, "settle": true}`), else as trained."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from puzzlemdm.model.families import DESCRIPTIONS, build

    folder = Path(folder)
    where = str(folder)
    if folder.exists() and not folder.is_dir():
        raise CheckpointError(f"a checkpoint is a folder; give {folder.parent}", source=where)
    if not folder.is_dir():
        raise CheckpointError("checkpoint folder not found", source=where)
    saved = [name for name in ("last", "best") if (folder / name / "model.safetensors").is_file()]
    if saved and not (folder / "model.safetensors").is_file():
        raise CheckpointError(
            f"a training run's folder, not a checkpoint: give its "
            f"{' or '.join(name + '/' for name in saved)} folder",
            source=where,
        )
    try:
        config_data = json.loads((folder / "config.json").read_text())
        config = ModelConfig.from_dict(config_data["model"])
        spec = spec_from_signature(config.grid)
    except FileNotFoundError:
        raise CheckpointError("config.json is missing", source=where) from None
    except OSError as exc:  # a folder, no permission
        raise CheckpointError(
            f"config.json cannot be read ({exc.strerror})", source=where
        ) from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(
            f"config.json is not a puzzlemdm model config ({exc})", source=where
        ) from None
    try:
        state = load_file(str(folder / "model.safetensors"))
    except FileNotFoundError:
        raise CheckpointError("model.safetensors is missing", source=where) from None
    except (IsADirectoryError, PermissionError) as exc:
        raise CheckpointError(
            f"model.safetensors cannot be read ({exc.strerror})", source=where
        ) from None
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"model.safetensors is corrupt ({exc})", source=where) from None
    broken = [k for k, t in state.items() if t.is_floating_point() and not t.isfinite().all()]
    if broken:  # a diverged run, or float16 overflow: decoding could never decide a cell
        raise CheckpointError(
            f"model.safetensors holds NaN or infinite weights ({broken[0]}"
            f"{f' and {len(broken) - 1} more' if len(broken) > 1 else ''})",
            source=where,
        )
    if family is not None and config.family != family:
        raise CheckpointError(
            f"this is {DESCRIPTIONS.get(config.family, config.family)}, "
            f"where {DESCRIPTIONS.get(family, family)} is needed",
            source=where,
        )
    try:
        model = build(config, spec)
    except (TypeError, ValueError) as exc:  # a VMD's latent block typed wrong, say
        raise CheckpointError(f"config.json: {exc}", source=where) from None
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()
        detail = first[1].strip() if len(first) > 1 else first[0]
        detail = detail if len(detail) <= 160 else detail[:157] + "..."  # torch names every key
        raise CheckpointError(
            f"weights do not match config.json ({detail})", source=where
        ) from None
    told = runs is not None or settle
    if not told:  # how the checkpoint asks to be run
        runs, settle = _inference(config_data.get("inference", {}), where)
    if runs is not None or settle:
        trained = model.backbone.cfg.recurrence
        ceiling = runs if runs is not None else 2 * trained
        try:
            if settle and trained == 1:
                raise ValueError("needs a recurrent model; this one runs its blocks once")
            model.backbone.set_runs(ceiling, settle=settle)
        except ValueError as exc:
            option = f"--runs {runs}" if runs is not None else "--settle"
            raise CheckpointError(
                f"{option if told else 'config.json inference'}: {exc}", source=where
            ) from None
    return model.to(device).eval()


def _inference(given: Any, where: str) -> tuple[int | None, bool]:
    """(runs, settle) of a config's `inference` block."""
    runs = given.get("runs") if isinstance(given, dict) else None
    settle = given.get("settle", False) if isinstance(given, dict) else None
    if not isinstance(settle, bool) or not (runs is None or type(runs) is int):
        raise CheckpointError(
            f'config.json: inference must be like {{"runs": 8, "settle": true}}, not {given!r}',
            source=where,
        )
    return runs, settle


def runs_changed(model: torch.nn.Module) -> dict[str, Any]:
    """{"runs": n} when the model runs its blocks another number of times than it was trained
    to (`load_checkpoint(runs=...)`), with "settle": true when n is a ceiling, else {}: a
    table of such runs measures another model."""
    backbone = model.backbone
    if backbone.settling:
        return {"runs": backbone.n_runs, "settle": True}
    return {"runs": backbone.n_runs} if backbone.n_runs != backbone.cfg.recurrence else {}


def resolve_device(name: str = "auto") -> torch.device:
    """`auto` = CUDA when available, else CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name != "cpu" and not re.fullmatch(r"cuda(:\d+)?", name):
        raise PuzzleError(f"--device {name!r}: choose auto, cpu, cuda or cuda:N")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise PuzzleError(f"--device {name}: CUDA is not available on this machine")
    return torch.device(name)


def provenance(
    checkpoint: str | Path, model: torch.nn.Module, device: torch.device, seed: int
) -> dict[str, Any]:
    """What every benchmark table records about the run: checkpoint, size, machine, seed."""
    import hashlib
    import platform

    weights = Path(checkpoint) / "model.safetensors"
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16] if weights.is_file() else None
    return {
        "checkpoint": str(checkpoint),
        "weights_sha256": digest,  # which weights, wherever the folder was (paths do not say)
        "recurrence": model.backbone.cfg.recurrence,  # runs of the blocks a forward, trained
        **runs_changed(model),
        "parameters": model.num_parameters(),
        "device": str(device),
        "threads": torch.get_num_threads(),
        "machine": f"{platform.machine()} {platform.processor()}".strip(),
        "seed": seed,
    }
