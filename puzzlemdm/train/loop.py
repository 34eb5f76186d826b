"""The training loop: MDM objective, AdamW + warm-up/cosine, periodic solve-rate evaluation,
metrics.jsonl, checkpoints, exact resume, and DDP under torchrun (rank 0 does all I/O)."""

from __future__ import annotations

import json
import math
import os
import pickle
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist

from puzzlemdm.decode.methods import MethodConfig, run_method
from puzzlemdm.decode.puzzles import judged_answers
from puzzlemdm.decode.step import StepConfig
from puzzlemdm.model.backbone import BackboneConfig
from puzzlemdm.model.checkpoint import (
    CheckpointError,
    load_checkpoint,
    resolve_device,
    save_checkpoint,
)
from puzzlemdm.model.families import build, family_of
from puzzlemdm.model.mdm import ModelConfig
from puzzlemdm.model.vmd import LatentConfig
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.train.config import TrainConfig
from puzzlemdm.train.corpora import ensure_corpora
from puzzlemdm.train.data import TokenSet, level_counts, load_token_set, sample_batch
from puzzlemdm.train.objectives import objective_for, wants_solver_ranks

RESUME_FILE = "resume.pt"


@dataclass
class Distributed:
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup_distributed(device: torch.device) -> Distributed:
    """torchrun sets RANK/WORLD_SIZE: join the group (gloo on CPU, nccl on CUDA)."""
    if "RANK" not in os.environ or int(os.environ.get("WORLD_SIZE", "1")) < 2:
        return Distributed()
    info = Distributed(
        int(os.environ["RANK"]),
        int(os.environ["WORLD_SIZE"]),
        int(os.environ.get("LOCAL_RANK", "0")),
    )
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return info


def learning_rate(step: int, cfg: TrainConfig, elapsed_s: float = 0.0) -> float:
    """Linear warm-up, then cosine decay from lr to min_lr; with the time schedule the decay
    follows the wall clock (`elapsed_s` against max_minutes) when that is further along."""
    o = cfg.optim
    if step < o.warmup:
        return o.lr * (step + 1) / o.warmup
    progress = min(1.0, (step - o.warmup) / max(1, o.steps - o.warmup))
    if o.schedule == "time":
        progress = max(progress, min(1.0, elapsed_s / (60 * cfg.max_minutes)))
    return o.min_lr + 0.5 * (o.lr - o.min_lr) * (1 + math.cos(math.pi * progress))


def build_model(cfg: TrainConfig, data: TokenSet) -> torch.nn.Module:
    """A fresh model of the recipe's family whose embeddings and relation bias fit the data's
    grid spec (an ARM is causal, with one relation type more: its start token's)."""
    o = cfg.objective
    arm = o.family == "arm"
    backbone = BackboneConfig(
        **{
            **cfg.model.to_dict(),
            "coord_sizes": list(data.spec.coord_sizes),
            "n_relations": data.spec.n_relations + arm,
            "causal": arm,
        }
    )
    latent = (
        LatentConfig(o.latent_dim, o.encoder_layers, o.encoder_d_model).to_dict()
        if o.family == "vmd"
        else {}
    )
    config = ModelConfig(
        backbone,
        data.spec.signature(),
        o.family,
        o.order if arm else "",
        latent,
        o.stream if arm else "pairs",
    )
    return build(config, data.spec)


def warm_start(model: torch.nn.Module, folder: str) -> dict[str, Any]:
    """Copy a checkpoint's weights into `model`; the architectures and grids must be the same.

    Returns what the run log records about the starting point (folder, step, its validation)."""
    source = load_checkpoint(folder, family=family_of(model))
    if _architecture(source) != _architecture(model):
        raise CheckpointError(
            "init checkpoint has another architecture or grid than this recipe's model",
            source=folder,
        )
    # A recurrent model may start from a plain one: the blocks are the same, the feedback
    # projection is new (zero, so the model begins as the plain one did).
    missing, unexpected = model.load_state_dict(source.state_dict(), strict=False)
    if unexpected or any(not key.startswith("backbone.feedback.") for key in missing):
        raise CheckpointError(
            f"init checkpoint's weights do not fit this recipe's model "
            f"(missing {missing[:3]}, unexpected {unexpected[:3]})",
            source=folder,
        )
    meta = json.loads((Path(folder) / "config.json").read_text())
    recurrence = (source.config.backbone.recurrence, model.config.backbone.recurrence)
    return {
        "folder": folder,
        "step": meta.get("step"),
        "val_solve_rate": meta.get("val_solve_rate"),
        **({"recurrence": list(recurrence)} if recurrence[0] != recurrence[1] else {}),
    }


def _architecture(model: torch.nn.Module) -> str:
    """A model's config as JSON (the saved config has lists for tuples), but for how many
    times its blocks run, which warm_start may change."""
    config = model.config.to_dict()
    config["backbone"] = {k: v for k, v in config["backbone"].items() if k != "recurrence"}
    return json.dumps(config, sort_keys=True)


def make_optimizer(model: torch.nn.Module, cfg: TrainConfig) -> torch.optim.AdamW:
    """AdamW; no weight decay on norms, embeddings and relation biases; the relation biases in
    a group of their own (lr_scale) when the recipe speeds them up."""
    named = list(model.named_parameters())
    decay = [
        p for n, p in named if p.ndim == 2 and "embedding" not in n and "relation_bias" not in n
    ]
    scale = cfg.optim.relation_lr_scale
    relation = [p for n, p in named if "relation_bias" in n] if scale != 1.0 else []
    rest = [p for _, p in named if not any(p is q for q in decay + relation)]
    groups = [
        {"params": decay, "weight_decay": cfg.optim.weight_decay},
        {"params": rest, "weight_decay": 0.0},
    ]
    if relation:
        groups.append({"params": relation, "weight_decay": 0.0, "lr_scale": scale})
    return torch.optim.AdamW(groups, lr=cfg.optim.lr, betas=cfg.optim.betas)


@torch.no_grad()
def evaluate(
    model: torch.nn.Module, data: TokenSet, cfg: TrainConfig, device: torch.device
) -> dict[str, float]:
    """Solve rate by `cfg.eval.order` decoding, overall and per level: a puzzle counts as
    solved when the kind's verifier accepts the answer its tokens spell (not only the stored
    solution: a Blocksworld problem has many valid plans)."""
    kind = get_kind(data.spec.kind)
    model.eval()
    correct = []
    for start in range(0, len(data), cfg.eval.batch_size):
        end = start + cfg.eval.batch_size
        result = run_method(
            model,
            data.tokens[start:end].to(device),
            data.allowed[start:end].to(device),
            MethodConfig(step=StepConfig(order=cfg.eval.order)),
        )
        puzzles = [record.puzzle for record in data.records[start:end]]
        correct += [ok for _, ok in judged_answers(kind, puzzles, result.tokens, data.spec)]
    model.train()
    solved = torch.tensor(correct, dtype=torch.bool)
    metrics = {"val_solve_rate": solved.float().mean().item()}
    for level in sorted(set(data.levels)):
        picked = torch.tensor([lv == level for lv in data.levels])
        metrics[f"val_solve_rate_{level or 'unknown'}"] = solved[picked].float().mean().item()
    return metrics


def run_training(
    cfg: TrainConfig,
    *,
    resume: bool = False,
    overwrite: bool = False,
    stop_after: int | None = None,
    on_log: Callable[[dict[str, Any]], None] | None = None,
) -> Path:
    """Train as the recipe says; returns the run folder. `stop_after` ends early (for tests).
    A run already in the folder is continued (`resume`) or replaced (`overwrite`), never
    replaced by accident: FileExistsError otherwise (but for a run that crashed before it
    logged a step or saved anything: a fresh start replaces that). NoResumeState for
    `resume` where the folder has no resume state."""
    stop_after = stop_after or cfg.optim.stop_at or None
    if cfg.threads > 0:
        torch.set_num_threads(cfg.threads)
    device = resolve_device(cfg.device)
    run_dir = Path(cfg.out_dir) / cfg.name
    # Checked before the ranks meet, so that no rank can have written config.json yet.
    check_start(cfg, resume, overwrite)
    if int(os.environ.get("WORLD_SIZE", "1")) < 2:  # under torchrun, build corpora first
        ensure_corpora(cfg.data.train, cfg.data.corpora)
    ddp = setup_distributed(device)
    if ddp.world > 1 and device.type == "cuda":
        device = torch.device("cuda", ddp.local_rank)
        torch.cuda.set_device(device)  # or every rank's collectives land on GPU 0
    torch.manual_seed(cfg.seed)
    # Batches are drawn, augmented and masked where the model runs: on a GPU the host would
    # otherwise be the bottleneck. A run is reproducible on one kind of device.
    generator = torch.Generator(device=device).manual_seed(cfg.seed * 1000 + ddp.rank)

    data, dropped = load_token_set(
        cfg.data.train,
        cfg.data.exclude,
        kind_name=cfg.data.kind,
        solver_ranks=wants_solver_ranks(cfg),
        weights=cfg.data.weights or None,
        training=True,
    )
    data = data.to(device)
    kind = get_kind(data.spec.kind)
    augment = kind.augmentation() if cfg.data.augment else None
    validation = (
        load_token_set(
            cfg.data.validation, limit_each=cfg.eval.puzzles, kind_name=kind.name, spec=data.spec
        )[0]
        if cfg.data.validation
        else None
    )
    model = build_model(cfg, data).to(device)
    objective = objective_for(cfg)
    optimizer = make_optimizer(model, cfg)
    step = 0
    init = warm_start(model, cfg.init) if cfg.init and not resume else None
    elapsed_before = 0.0
    if resume:
        step, elapsed_before = resume_into(run_dir / RESUME_FILE, model, optimizer, generator, ddp)
        if ddp.main and on_log:
            on_log({"event": "resume", "step": step})
    trained = torch.nn.parallel.DistributedDataParallel(model) if ddp.world > 1 else model
    if cfg.compile:
        trained = torch.compile(trained)  # evaluation keeps the eager model: its shapes vary
    if device.type == "cuda" and cfg.precision != "fp32":
        # What autocast leaves in float32 may use TF32 too; "fp32" stays strict float32.
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    save_dtype = getattr(torch, cfg.save_dtype)

    if ddp.main:
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "config.json").write_text(json.dumps(cfg.to_dict(), indent=2) + "\n")
    metrics_path = run_dir / "metrics.jsonl"

    def log(row: dict[str, Any]) -> None:
        if ddp.main:
            with metrics_path.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            if on_log:
                on_log(row)

    if ddp.main and step == 0:
        metrics_path.unlink(missing_ok=True)
        log(
            {
                "event": "start",
                "parameters": model.num_parameters(),
                "train_puzzles": len(data),
                "dropped_as_test_duplicates": dropped,
                "levels": level_counts(data),
                "device": str(device),
                "world": ddp.world,
                "threads": torch.get_num_threads(),
                **({"init": init} if init else {}),
            }
        )

    stop = {"requested": False}

    def request_stop(signum: int, frame: Any) -> None:
        stop["requested"] = True

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    started = time.perf_counter()
    best = -1.0
    elapsed = elapsed_before
    # losses (and the objective's stats) stay on the device until logged: no sync per step
    window: list[dict[str, torch.Tensor]] = []
    try:
        model.train()
        while step < cfg.optim.steps:
            tokens, target, allowed, rank = sample_batch(data, cfg.optim.batch_size, generator)
            if augment is not None and rank is not None:
                # the solver's order moves with its cells
                tokens, target, allowed, rank = augment(
                    tokens, target, allowed, data.spec, generator, carry=rank
                )
            elif augment is not None:
                tokens, target, allowed = augment(tokens, target, allowed, data.spec, generator)
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, cfg, elapsed) * group.get("lr_scale", 1.0)
            loss, stats = objective(trained, tokens, target, allowed, rank, generator, step)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.optim.grad_clip)
            optimizer.step()
            step += 1
            window.append({"loss": loss.detach(), **stats})
            elapsed = elapsed_before + time.perf_counter() - started
            if step % 25 == 0 or step == cfg.optim.steps:
                means = {k: torch.stack([w[k] for w in window]).mean().item() for k in window[0]}
                log(
                    {
                        "step": step,
                        **means,
                        "lr": learning_rate(step - 1, cfg, elapsed),
                        "grad_norm": float(grad_norm),
                        "elapsed_s": round(elapsed, 1),
                    }
                )
                window.clear()
            if (
                ddp.main
                and validation is not None
                and (step % cfg.eval.every == 0 or step == cfg.optim.steps)
            ):
                scores = evaluate(model, validation, cfg, device)
                log({"step": step, "elapsed_s": round(elapsed, 1), **scores})
                if scores["val_solve_rate"] >= best:
                    best = scores["val_solve_rate"]
                    save_checkpoint(
                        run_dir / "best",
                        model,
                        {
                            "step": step,
                            "elapsed_s": round(elapsed, 1),
                            **scores,
                            "recipe": cfg.to_dict(),
                        },
                        save_dtype,
                    )
            out_of_time = cfg.max_minutes > 0 and elapsed > 60 * cfg.max_minutes
            if ddp.world > 1:  # every rank must agree to stop at the same step, or DDP hangs
                flags = torch.tensor(  # on the device: NCCL reduces GPU tensors only
                    [float(stop["requested"]), float(out_of_time)], device=device
                )
                dist.all_reduce(flags, op=dist.ReduceOp.MAX)
                stop["requested"], out_of_time = bool(flags[0]), bool(flags[1])
            if step % cfg.save_every == 0 or stop["requested"] or out_of_time or step == stop_after:
                _save_resume(run_dir, model, optimizer, generator, step, elapsed, ddp)
            if stop["requested"] or out_of_time or step == stop_after:
                log(
                    {
                        "event": "stopped",
                        "step": step,
                        "reason": "signal"
                        if stop["requested"]
                        else "time limit"
                        if out_of_time
                        else "stop_after",
                    }
                )
                break
        if ddp.main:
            save_checkpoint(
                run_dir / "last", model, {"step": step, "recipe": cfg.to_dict()}, save_dtype
            )
        _save_resume(
            run_dir,
            model,
            optimizer,
            generator,
            step,
            elapsed_before + time.perf_counter() - started,
            ddp,
        )  # collective: every rank
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if ddp.world > 1:
            dist.destroy_process_group()
    return run_dir


def resume_into(
    path: Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    generator: torch.Generator,
    ddp: Distributed,
) -> tuple[int, float]:
    """Load a run's resume state into the model, its optimizer and this rank's data stream;
    returns (step, seconds trained). CheckpointError, one line, for a state of another model
    or saved on another kind of device."""
    state = load_resume_state(path)
    try:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
    except (RuntimeError, ValueError, KeyError):  # torch lists every mismatched tensor
        raise CheckpointError(
            "the resume state holds another model than this recipe and its data build "
            "(another grid size?): resume with the recipe and data the run started with",
            source=str(path),
        ) from None
    try:
        generator.set_state(state["generators"][ddp.rank])
    except RuntimeError:
        raise CheckpointError(
            f"the resume state was saved by a run on another kind of device than "
            f"{generator.device.type}: a run resumes on the kind it started on",
            source=str(path),
        ) from None
    return state["step"], float(state.get("elapsed", 0.0))


class NoResumeState(FileNotFoundError):
    """A resume asked of a run folder that holds no resume state (a usage error)."""


def check_out_dir(out_dir: Path) -> None:
    """ValueError unless `out_dir` is a folder or can be made one: its nearest existing
    ancestor is a folder this process may write in (nothing is made here)."""
    if out_dir.is_dir():
        return
    if out_dir.exists():
        raise ValueError(f"out_dir {str(out_dir)!r}: a file is in the way of the folder")
    above = next((p for p in out_dir.absolute().parents if p.exists()), Path("/"))
    if not above.is_dir():
        raise ValueError(f"out_dir {str(out_dir)!r}: {above} is a file, not a folder")
    if not os.access(above, os.W_OK | os.X_OK):
        raise ValueError(f"out_dir {str(out_dir)!r}: {above} cannot be written in")


def check_left_to_train(cfg: TrainConfig, state: dict[str, Any], run_dir: Path) -> None:
    """RunMismatch when a resumed run is at the recipe's last step or past its minutes
    already: it would train nothing (or a step) and rewrite last/ as it was."""
    step, elapsed = state["step"], float(state.get("elapsed", 0.0))
    if step >= cfg.optim.steps:
        raise RunMismatch(
            f"{run_dir} is at step {step} already; the recipe's optim.steps = "
            f"{cfg.optim.steps} leaves nothing to train: raise it to continue"
        )
    if cfg.max_minutes > 0 and elapsed >= 60 * cfg.max_minutes:
        raise RunMismatch(
            f"{run_dir} has trained {elapsed / 60:.1f} minutes already; the recipe's "
            f"max_minutes = {cfg.max_minutes} leaves none to train: raise it to continue"
        )


class RunMismatch(ValueError):
    """A resume whose recipe describes another model than the run's (a usage error)."""


def check_start(cfg: TrainConfig, resume: bool, overwrite: bool) -> None:
    """What can refuse a start, checked before its corpora are built (which may take an
    hour), and making nothing: out_dir (ValueError unless it is, or can become, a folder), the
    run folder (check_run_folder), a resume's recipe (RunMismatch when it changed the model or
    leaves nothing to train), and a fresh start's init checkpoint, which an earlier stage makes
    (CheckpointError when it is not there)."""
    check_out_dir(Path(cfg.out_dir))
    run_dir = Path(cfg.out_dir) / cfg.name
    check_run_folder(run_dir, resume, overwrite)
    if resume:
        check_same_model(cfg, run_dir / "config.json")
        check_left_to_train(cfg, load_resume_state(run_dir / RESUME_FILE), run_dir)
    if cfg.init and not resume and not (Path(cfg.init) / "config.json").is_file():
        raise CheckpointError(
            "no checkpoint there for the recipe's init: train the stage that makes it first",
            source=cfg.init,
        )


def check_same_model(cfg: TrainConfig, saved: Path) -> None:
    """RunMismatch when the recipe describes another model than the one the run in `saved`'s
    folder started with (its shape, family, kind of puzzle: `_model_shape`): its resume state
    would not load, or would continue another model under the run's name. Anything else
    (steps, learning rate, minutes, dropout, the VMD's beta) may change."""
    try:
        before = _model_shape(json.loads(saved.read_text()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return  # no readable record of the start: the resume state's own checks remain
    now = _model_shape(json.loads(json.dumps(cfg.to_dict())))  # tuples as lists, as saved
    for key, value in now.items():
        if key in before and before[key] != value:
            raise RunMismatch(
                f"{saved.parent} started with {key} = {json.dumps(before[key])}; the recipe now "
                f"says {json.dumps(value)}: resume with the recipe the run started with, or "
                "--overwrite to start it afresh"
            )


def _model_shape(recipe: dict[str, Any]) -> dict[str, Any]:
    """What of a resolved recipe decides the model's weights: the backbone but its dropout,
    the family, an ARM's order and stream, a VMD's latent and encoder, the kind of puzzle."""
    objective = recipe["objective"]
    family = objective.get("family", "mdm")
    own = {"arm": ("order", "stream"), "vmd": ("latent_dim", "encoder_layers", "encoder_d_model")}
    shape = {f"model.{k}": v for k, v in recipe["model"].items() if k != "dropout"}
    shape.update({f"objective.{k}": objective.get(k) for k in ("family", *own.get(family, ()))})
    shape["data.kind"] = recipe["data"].get("kind")
    return shape


def check_run_folder(run_dir: Path, resume: bool, overwrite: bool) -> None:
    """NoResumeState for a resume without a resume state; FileExistsError for a fresh start
    (not `overwrite`) over a run with something to lose. Each says which flag to use."""
    kept = _worth_keeping(run_dir)
    if resume and not (run_dir / RESUME_FILE).exists():
        raise NoResumeState(
            f"{run_dir} has no resume state ({RESUME_FILE}) to continue from: "
            + ("--overwrite without --resume starts it afresh" if kept else "run without --resume")
        )
    if not resume and not overwrite and kept:
        advice = (
            "--resume continues it, --overwrite replaces it"
            if (run_dir / RESUME_FILE).exists()
            else "it saved no resume state to continue from; --overwrite starts it afresh"
        )
        raise FileExistsError(f"{run_dir} holds a run already ({kept}): {advice}")


def _worth_keeping(run_dir: Path) -> str:
    """What of a run in `run_dir` a fresh start would lose ("" when nothing): its resume
    state, checkpoints, or a log of steps. A start that crashed before its first step leaves
    only config.json and the log's start line, which the fresh start rewrites."""
    saved = [name for name in (RESUME_FILE, "best", "last") if (run_dir / name).exists()]
    metrics = run_dir / "metrics.jsonl"
    # rows are json.dumps'd dicts; the start row is the only one without a step
    if metrics.is_file() and '"step":' in metrics.read_text(errors="replace"):
        saved.append("metrics.jsonl")
    return ", ".join(saved)


def stop_reason(run_dir: Path) -> str | None:
    """Why the run in `run_dir` last stopped before its step count ("signal", "time limit",
    "stop_after"), from its metrics.jsonl; None when it ran all its steps."""
    path = Path(run_dir) / "metrics.jsonl"
    if not path.is_file():
        return None
    for line in reversed(path.read_text().splitlines()):
        row = json.loads(line)
        if row.get("event") == "stopped":
            return row.get("reason")
        if "step" in row and "event" not in row:
            return None  # steps were logged after the last stop: that stop was resumed
    return None


def load_resume_state(path: Path) -> dict[str, Any]:
    """A run's resume state; CheckpointError (one line) for a file that is damaged (cut short by
    a crash, overwritten) or holds something other than tensors, instead of torch's message,
    which advises loading it with weights_only=False (running whatever it holds)."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch's reader fails in many ways on damaged bytes
        foreign = isinstance(exc, pickle.UnpicklingError)  # objects besides tensors
        reason = "not a resume state saved by puzzlemdm" if foreign else "damaged or cut short"
        raise CheckpointError(
            f"{reason}: cannot resume from it; move it away to start the run afresh",
            source=str(path),
        ) from None
    keys = {"model", "optimizer", "step", "generators"}
    if not isinstance(state, dict) or not keys <= state.keys() or type(state["step"]) is not int:
        raise CheckpointError("not a resume state saved by puzzlemdm", source=str(path))
    return state


def _save_resume(
    run_dir: Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    generator: torch.Generator,
    step: int,
    elapsed: float,
    ddp: Distributed,
) -> None:
    """Model, optimizer, step and every rank's data-stream RNG, written by rank 0."""
    states = [generator.get_state()]
    if ddp.world > 1:
        gathered: list[Any] = [None] * ddp.world
        dist.all_gather_object(gathered, generator.get_state())
        states = gathered
    if not ddp.main:
        return
    tmp = run_dir / (RESUME_FILE + ".tmp")
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "step": step,
            "generators": states,
            "elapsed": elapsed,
        },
        tmp,
    )
    tmp.replace(run_dir / RESUME_FILE)  # atomic: a kill mid-write never corrupts the old state
