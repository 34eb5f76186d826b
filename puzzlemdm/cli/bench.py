"""`puzzlemdm bench methods|orders|models` and `puzzlemdm analyze orders`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from puzzlemdm.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    RunsOpt,
    SettleOpt,
    ThreadsOpt,
    app,
    config_from,
    err,
    fail,
)
from puzzlemdm.model.errors import CheckpointError
from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.solving import DEFAULT_THREADS  # light: no torch until a model
from puzzlemdm.usage import UsageError


class BenchGroup(TyperGroup):
    """`bench`'s commands, with an unknown benchmark named in the usage error."""

    def resolve_command(self, ctx: typer.Context, args: list[str]) -> Any:
        """The benchmark `args` names; a usage error listing them all when it is unknown."""
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            names = ", ".join(self.commands)
            raise fail(f"no benchmark {args[0]!r}; choose from {names}", EXIT_USAGE)
        return super().resolve_command(ctx, args)


bench_app = typer.Typer(
    cls=BenchGroup,
    no_args_is_help=True,
    help="Run a benchmark and write its table (Markdown + JSON, with command, checkpoint, "
    "machine).\n\nSplits: paths, or shortcuts of the checkpoint's kind: its levels "
    "(datasets/KIND/LEVEL/test.jsonl) and the files of ../shared/benchmarks/KIND/ by name.",
)
app.add_typer(bench_app, name="bench")

CheckpointOpt = Annotated[
    str | None,
    typer.Option(
        help="Checkpoint folder (default: the shipped model of the kind of the first split "
        "given as a file; sudoku-mdm for level shortcuts)."
    ),
]
LimitOpt = Annotated[int | None, typer.Option(min=1, help="First N puzzles of each split.")]
DeviceOpt = Annotated[str, typer.Option(help="auto | cpu | cuda.")]


def run_bench(run: Any, config: Any) -> None:
    """Run a benchmark; its usage errors (an unusable checkpoint among them) exit 2, bad
    puzzles 1, in one line."""
    try:
        run(config)
    except (UsageError, CheckpointError) as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    except PuzzleError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:  # guided searches are stopped by now; finished rows are kept
        kept = f": the rows already written stay in {config.out}" if config.out else ""
        err.print(f"interrupted{kept}")
        raise typer.Exit(EXIT_INTERRUPTED) from None


@bench_app.command("models")
def bench_models(
    model: Annotated[
        list[str],
        typer.Option(help="NAME=CHECKPOINT, repeated: the models compared, in table order."),
    ],
    methods: Annotated[
        list[str] | None,
        typer.Option(
            help="NAME=M1,M2,..., repeated: a model's methods, e.g. margin, top-prob/steps10, "
            "margin+bon8-vf, arm, arm+bon8-vf, arm-oracle (default: margin)."
        ),
    ] = None,
    splits: Annotated[str, typer.Option(help="Comma-separated splits.")] = "medium,hard",
    subset: Annotated[int, typer.Option(min=1, help="Puzzles per split for best-of-N.")] = 200,
    limit: LimitOpt = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 250,
    device: DeviceOpt = "auto",
    threads: ThreadsOpt = DEFAULT_THREADS,
    seed: int = 0,
    baseline: Annotated[
        str,
        typer.Option(
            help="MODEL/METHOD the others are paired with, or MODEL: each method against that "
            "model's same method (default: the first model's first method)."
        ),
    ] = "",
    out: Annotated[
        str | None, typer.Option(help="Output folder (default: runs/bench-models-TIME).")
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Keep the rows and models an earlier run wrote in OUT."),
    ] = False,
) -> None:
    """Models side by side (MDM vs ARM vs VMD), each with its methods, paired on the same
    puzzles against a baseline."""
    from puzzlemdm.bench.models import ModelsConfig, run_models

    config = ModelsConfig(
        models=model,
        methods=methods or [],
        splits=splits,
        subset=subset,
        limit=limit,
        batch_size=batch_size,
        device=device,
        threads=threads,
        seed=seed,
        baseline=baseline,
        out=out,
        resume=resume,
    )
    run_bench(run_models, config)


@bench_app.command("methods")
def bench_methods(
    checkpoint: CheckpointOpt = None,
    runs: RunsOpt = None,
    settle: SettleOpt = False,
    splits: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated splits (default: every split of the kind whose puzzles carry "
            "their solutions)."
        ),
    ] = None,
    methods: Annotated[
        str,
        typer.Option(
            help="Comma-separated methods or groups: cheap, expensive, margin, med<lambda>, "
            "repair, guided, bon8-vf, smc8, ..., a name composed as bench/names.py says (e.g. "
            "top-prob/med0.1+bon8-vf), or a classical solver of the kind (cheap holds its "
            "default one); an unknown name lists them all."
        ),
    ] = "cheap,expensive",
    subset: Annotated[
        int, typer.Option(min=1, help="Puzzles per split for expensive methods.")
    ] = 250,
    limit: LimitOpt = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 250,
    node_limit: Annotated[int, typer.Option(min=1, help="Per guided search.")] = 200_000,
    device: DeviceOpt = "auto",
    threads: ThreadsOpt = DEFAULT_THREADS,
    seed: int = 0,
    shard: Annotated[str, typer.Option(help="i/k: puzzles with index % k == i.")] = "0/1",
    resume: Annotated[bool, typer.Option("--resume", help="Keep rows already written.")] = False,
    baseline: Annotated[
        str, typer.Option(help="The method the others are paired with.")
    ] = "margin",
    report_only: Annotated[bool, typer.Option("--report-only", help="Only summarise OUT.")] = False,
    out: Annotated[
        str | None,
        typer.Option(
            help="Folder of the rows and summary (default: a fresh one under runs/); rows of "
            "other weights or another device than its table's are refused."
        ),
    ] = None,
) -> None:
    """Decoding methods side by side: accuracy, NFE, entropy AUROC, paired tests, nodes."""
    from puzzlemdm.bench.methods import MethodsConfig, run_methods

    config = config_from(MethodsConfig, locals())
    run_bench(run_methods, config)


@bench_app.command("orders")
def bench_orders(
    checkpoint: CheckpointOpt = None,
    splits: Annotated[
        str | None,
        typer.Option(help="Comma-separated splits (default: the kind's level test files)."),
    ] = None,
    orders: Annotated[
        str, typer.Option(help="Comma-separated decoding orders.")
    ] = "margin,top-prob,entropy,random,left-to-right",
    prune: Annotated[
        str,
        typer.Option(help="off | on | both: exclude values the rules forbid (rules, no search)."),
    ] = "off",
    limit: LimitOpt = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 500,
    device: DeviceOpt = "auto",
    threads: ThreadsOpt = DEFAULT_THREADS,
    seed: int = 0,
    out: Annotated[
        str | None,
        typer.Option(
            help="Write OUT.json and OUT.md (default: runs/bench-orders-TIME/orders); a table "
            "of other weights or another device there is not overwritten."
        ),
    ] = None,
) -> None:
    """One path per decoding order: solve rate, cell accuracy, NFE, by MRV guesses."""
    from puzzlemdm.bench.orders import OrdersConfig, run_orders

    config = config_from(OrdersConfig, locals())
    run_bench(run_orders, config)


analyze_app = typer.Typer(
    no_args_is_help=True,
    help="Study how a model decodes: its decision orders against classical solvers' orders.",
)
app.add_typer(analyze_app, name="analyze")


@analyze_app.command("orders")
def analyze_orders(
    checkpoint: CheckpointOpt = None,
    splits: Annotated[
        str | None,
        typer.Option(help="Comma-separated splits (default: the kind's level test files)."),
    ] = None,
    methods: Annotated[
        str,
        typer.Option(
            help="Comma-separated: margin, top-prob, entropy, random, left-to-right, "
            "med<lambda> (margin + MED), steps<k> (margin in k steps), an order with them "
            "(top-prob/med0.01); arm for an ARM checkpoint (its own order)."
        ),
    ] = "margin,top-prob,entropy,random,med0.01",
    limit: LimitOpt = None,
    batch_size: Annotated[int, typer.Option(min=1)] = 500,
    device: DeviceOpt = "cpu",
    threads: ThreadsOpt = DEFAULT_THREADS,
    seed: int = 0,
    out: Annotated[
        str | None,
        typer.Option(
            help="Run folder (default: a fresh runs/order-study-TIME/); traces "
            "already in OUT/traces are reused, and only the puzzles they lack are decoded."
        ),
    ] = None,
    figures: Annotated[bool, typer.Option(help="Draw the figures (matplotlib).")] = True,
    decode: Annotated[
        bool,
        typer.Option(
            help="--no-decode: analyse OUT's traces as they are (a method decoded on fewer "
            "puzzles than --limit keeps its subset), so methods run on different subsets "
            "share one table."
        ),
    ] = True,
) -> None:
    """Decode with each method, then per decision: forced?, candidates, technique, entropy;
    per path: Kendall tau against the classical orders; a table and figures in OUT."""
    from puzzlemdm.analysis.study import StudyConfig, run_study

    config = config_from(StudyConfig, locals())
    run_bench(run_study, config)
