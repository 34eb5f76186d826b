"""Training recipes: TOML files mapped onto dataclasses; the resolved recipe is saved per run."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from puzzlemdm.decode.step import ORDERS
from puzzlemdm.model.arm import ARM_ORDERS, STREAMS
from puzzlemdm.model.backbone import BackboneConfig
from puzzlemdm.model.mdm import PRECISIONS
from puzzlemdm.model.vmd import LatentConfig
from puzzlemdm.usage import MAX_THREADS
from puzzlemdm.values import describe, typed


@dataclass
class DataConfig:
    kind: str = "sudoku"
    train: list[str] = field(default_factory=list)  # corpus JSONL files (puzzlemdm generate)
    validation: list[str] = field(default_factory=list)  # splits for periodic solve-rate eval
    exclude: list[str] = field(default_factory=list)  # splits to de-duplicate against (tests)
    augment: bool = True
    # each train file's share of the draws (empty: every puzzle alike, so files by their size)
    weights: list[float] = field(default_factory=list)
    # How a missing `train` corpus is built (puzzlemdm.train.corpora); relative to the working
    # folder, like the corpora themselves.
    corpora: str = "train/corpora.toml"


@dataclass
class OptimConfig:
    steps: int = 2000
    batch_size: int = 128
    lr: float = 1e-3
    min_lr: float = 1e-4
    warmup: int = 100
    weight_decay: float = 0.01
    betas: tuple[float, float] = (0.9, 0.98)
    grad_clip: float = 1.0
    # The attention relation biases learn at lr x this. They are a few scalars per type that
    # must grow to several nats before attention singles out the handful of positions a clue
    # links among hundreds, and Adam moves a parameter by about lr a step.
    relation_lr_scale: float = 1.0
    eps: float = 1e-3  # lower bound of the masking rate t
    stop_at: int = 0  # end at this step without changing the LR schedule (0 = run all steps);
    # reproduces a run that a time limit (max_minutes) ended, on a machine of any speed
    # "time": the cosine runs on whichever ends first, the steps or max_minutes, so that a run
    # on hardware of unknown speed still anneals before its time guard ends it (the log's lr
    # column then records the schedule it followed)
    schedule: str = "steps"


@dataclass
class ObjectiveConfig:
    """What is trained: an MDM (random masks), or an ARM on a decision order."""

    family: str = "mdm"  # mdm | arm | vmd
    order: str = "left-to-right"  # ARM: left-to-right | solver (the kind's solver_order)
    stream: str = "pairs"  # ARM: a given as two tokens (pairs) or one (compact; cheaper)
    # VMD: loss = MDM loss + beta * KL(q(z | x_0, x_t) || N(0, I)) per target token, beta
    # rising linearly over `beta_warmup` steps, each z dimension's KL floored at `free_bits`
    # nats (the floor keeps the posterior from collapsing onto the prior early).
    latent_dim: int = 32
    encoder_layers: int = 2
    encoder_d_model: int = 48
    beta: float = 1.0
    beta_warmup: int = 500
    free_bits: float = 0.05


@dataclass
class EvalConfig:
    every: int = 250
    puzzles: int = 100  # per validation file
    order: str = "margin"
    batch_size: int = 256


@dataclass
class TrainConfig:
    name: str = "sudoku-mdm"
    seed: int = 0
    device: str = "auto"
    threads: int = 0  # torch intra-op threads; 0 = torch's default
    out_dir: str = "runs"
    init: str = ""  # checkpoint folder to start from (a second stage); "" = fresh weights
    save_every: int = 250
    max_minutes: float = 0.0  # stop cleanly (and save) after this wall time; 0 = no limit
    precision: str = "fp32"  # "bf16": autocast the forward pass (worth it on GPUs only)
    save_dtype: str = "float32"  # of saved checkpoints (float16 halves them); resume state is exact
    compile: bool = False  # torch.compile the training forward (fixed shapes; a GPU speed-up)
    model: BackboneConfig = field(default_factory=BackboneConfig)
    objective: ObjectiveConfig = field(default_factory=ObjectiveConfig)
    data: DataConfig = field(default_factory=DataConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_SECTIONS = {
    "model": BackboneConfig,
    "objective": ObjectiveConfig,
    "data": DataConfig,
    "optim": OptimConfig,
    "eval": EvalConfig,
}


def _at_least(low: float) -> tuple[Callable[[Any], bool], str]:
    return (lambda v: v >= low), f"at least {low}"


def _above(low: float) -> tuple[Callable[[Any], bool], str]:
    return (lambda v: v > low), f"above {low}"


def _fraction() -> tuple[Callable[[Any], bool], str]:
    return (lambda v: 0 <= v < 1), "at least 0 and below 1"


# The values a numeric field may take, by section ("" = top level); a list's or pair's bound
# holds for each of its items. Out of range, a value crashes deep in torch or, worse, trains
# nothing without a word (steps = 0, n_layers = 0). coord_sizes, n_relations and causal are
# not listed: build_model sets them from the data.
_RANGES: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "": {
        "seed": _at_least(0),
        "threads": ((lambda v: 0 <= v <= MAX_THREADS), f"0 to {MAX_THREADS} on this machine"),
        "save_every": _at_least(1),
        "max_minutes": _at_least(0),
    },
    "model": {
        "n_layers": _at_least(1),
        "d_model": _at_least(1),
        "n_heads": _at_least(1),
        "ffn_mult": _at_least(1),
        "dropout": _fraction(),
        "recurrence": _at_least(1),
    },
    "objective": {
        "latent_dim": _at_least(1),
        "encoder_layers": _at_least(1),
        "encoder_d_model": _at_least(1),
        "beta": _at_least(0),
        "beta_warmup": _at_least(0),
        "free_bits": _at_least(0),
    },
    "data": {"weights": _at_least(0)},
    "optim": {
        "steps": _at_least(1),
        "batch_size": _at_least(1),
        "lr": _at_least(0),  # 0: a zero step, which tests use to check a warm start
        "min_lr": _at_least(0),
        "warmup": _at_least(0),
        "weight_decay": _at_least(0),
        "betas": _fraction(),
        "grad_clip": _above(0),
        "relation_lr_scale": _above(0),
        "eps": _fraction(),
        "stop_at": _at_least(0),
    },
    "eval": {"every": _at_least(1), "puzzles": _at_least(1), "batch_size": _at_least(1)},
}


def _build(cls: type, data: Any, where: str) -> Any:
    """A section's dataclass from its TOML table: every value of its fields' types and within
    its _RANGES (ValueError, one line, naming the section and key, otherwise)."""
    prefix = f"[{where}] " if where else ""
    if not isinstance(data, dict):
        raise ValueError(f"[{where}] must be a table of key = value lines, not {data!r}")
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(
            f"unknown key(s) in [{where or 'top level'}]: {', '.join(sorted(unknown))}"
        )
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, value in data.items():
        shown = json.dumps(value, default=str)  # TOML's spelling: "3", true, [1, 2]
        try:
            values[key] = typed(value, hints[key])
        except TypeError:
            raise ValueError(f"{prefix}{key} must be {describe(hints[key])}, not {shown}") from None
        check, allowed = _RANGES.get(where, {}).get(key, (None, ""))
        items = value if isinstance(value, list | tuple) else [value]
        if check is not None and not all(check(item) for item in items):
            raise ValueError(f"{prefix}{key} must be {allowed}, not {shown}")
    return cls(**values)


def config_from_dict(data: dict[str, Any]) -> TrainConfig:
    """A TrainConfig from nested dicts (TOML sections model/data/optim/eval)."""
    top = {k: v for k, v in data.items() if k not in _SECTIONS}
    sections = {k: _build(cls, data.get(k, {}), k) for k, cls in _SECTIONS.items()}
    config = _build(TrainConfig, top, "")
    for key, value in sections.items():
        setattr(config, key, value)
    if config.model.d_model % config.model.n_heads:
        raise ValueError(
            f"[model] d_model ({config.model.d_model}) must be a multiple of n_heads "
            f"({config.model.n_heads}): each head attends over d_model / n_heads dimensions"
        )
    heads = LatentConfig().encoder_heads
    if config.objective.family == "vmd" and config.objective.encoder_d_model % heads:
        raise ValueError(
            f"[objective] encoder_d_model must be a multiple of the encoder's {heads} heads, "
            f"not {config.objective.encoder_d_model}"
        )
    if config.objective.family not in ("mdm", "arm", "vmd"):
        raise ValueError(
            f"[objective] family must be mdm, arm or vmd, not {config.objective.family!r}"
        )
    if config.objective.family == "arm" and config.objective.order not in ARM_ORDERS:
        raise ValueError(
            f"[objective] order must be one of {', '.join(ARM_ORDERS)}, "
            f"not {config.objective.order!r}"
        )
    if config.objective.family == "arm" and config.objective.stream not in STREAMS:
        raise ValueError(
            f"[objective] stream must be one of {', '.join(STREAMS)}, "
            f"not {config.objective.stream!r}"
        )
    if config.optim.schedule not in ("steps", "time"):
        raise ValueError(f"[optim] schedule must be steps or time, not {config.optim.schedule!r}")
    if config.optim.schedule == "time" and not config.max_minutes > 0:
        raise ValueError('[optim] schedule = "time" needs max_minutes above 0')
    if config.device != "auto" and not re.fullmatch(r"cpu|cuda(:\d+)?", config.device):
        raise ValueError(f"device must be auto, cpu, cuda or cuda:N, not {config.device!r}")
    twice = sorted({path for path in config.data.train if config.data.train.count(path) > 1})
    if twice:  # its puzzles would be drawn twice as often, unsaid
        raise ValueError(
            f"[data] train lists {', '.join(twice)} more than once: [data] weights weighs a file"
        )
    evaluation = [path for path in config.data.train if _evaluation_file(path, config)]
    if evaluation:  # never train on an evaluation set, not even by a slip of a recipe
        raise ValueError(
            f"[data] train lists {', '.join(evaluation)}: an evaluation set (a split's test or "
            "validation file, a public benchmark, or one the recipe excludes); train on "
            "generated corpora (train/corpora.toml)"
        )
    if config.eval.order not in ORDERS:  # else found at the first evaluation, after training
        raise ValueError(
            f"[eval] order must be one of {', '.join(ORDERS)}, not {config.eval.order!r}"
        )
    if config.optim.min_lr > config.optim.lr:
        raise ValueError(
            f"[optim] min_lr ({config.optim.min_lr}) is above lr ({config.optim.lr}): the "
            "schedule anneals from lr down to min_lr"
        )
    if not config.name or Path(config.name).name != config.name or config.name in (".", ".."):
        raise ValueError(
            f"name must name a run folder inside out_dir (no '/', not empty), not {config.name!r}"
        )
    if config.precision not in PRECISIONS:
        raise ValueError(f"precision must be fp32 or bf16, not {config.precision!r}")
    if config.save_dtype not in ("float32", "float16", "bfloat16"):
        raise ValueError(f"save_dtype must be float32, float16 or bfloat16: {config.save_dtype!r}")
    return config


def _evaluation_file(path: str, config: TrainConfig) -> bool:
    """Whether a training file is an evaluation set: one the recipe excludes (its tests), a
    committed split's test or validation file (datasets/<kind>/<level>/), or a file of the
    public benchmarks (../shared/benchmarks/)."""
    where = Path(path).resolve()
    held = {Path(p).resolve() for p in config.data.exclude}
    split = (
        where.name in ("test.jsonl", "validation.jsonl")
        and len(where.parents) > 2
        and where.parents[2].name == "datasets"
    )
    public = (
        "benchmarks" in where.parts and "shared" in where.parts[: where.parts.index("benchmarks")]
    )
    return where in held or split or public


def load_config(path: str | Path, overrides: list[str] | None = None) -> TrainConfig:
    """Read a TOML recipe; `overrides` are dotted `section.key=value` strings (TOML values)."""
    data = tomllib.loads(Path(path).read_text())
    for item in overrides or []:
        key, equals, raw = item.partition("=")
        if not equals:
            raise ValueError(f"--set {item!r}: expected section.key=value")
        try:
            parsed = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            raise ValueError(f"--set {item!r}: {raw!r} is not a TOML value") from None
        node = data
        *parents, leaf = key.split(".")
        for depth, part in enumerate(parents, 1):
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                section = ".".join(parents[:depth])
                raise ValueError(f"--set {item!r}: {section} is a value, not a [section]")
        node[leaf] = parsed
    return config_from_dict(data)
