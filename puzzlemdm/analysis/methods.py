"""Decoding methods an order study compares, by name: an order, or an order plus a schedule.

`margin`, `top-prob`, `entropy`, `random`, `left-to-right` decode one position per step in that
order; `med<lambda>` (e.g. `med0.01`) decodes by margin with Ben-Hamu et al.'s MED schedule
(every position with entropy <= lambda, at least one); `steps<k>` decodes by margin in k steps.
`arm` is an autoregressive checkpoint's own order (the solver-order ARM names its cells).
"""

from __future__ import annotations

from dataclasses import dataclass

from puzzlemdm.bench.splits import names_given
from puzzlemdm.decode import ORDERS, MethodConfig, StepConfig
from puzzlemdm.usage import UsageError


@dataclass(frozen=True)
class Method:
    """The decode knobs one method name stands for."""

    name: str
    order: str = "margin"
    schedule: str = "one"
    med_lambda: float = 0.01
    steps: int | None = None

    def config(self) -> MethodConfig:
        """The decoding library's config of this method (an ARM reads only its order)."""
        step = StepConfig(
            order=self.order, schedule=self.schedule, med_lambda=self.med_lambda, steps=self.steps
        )
        return MethodConfig(step=step)

    @property
    def one_per_step(self) -> bool:
        """Whether every step decides exactly one position (a strict order)."""
        return self.schedule == "one"


def parse_method(name: str) -> Method:
    """The Method called `name`; UsageError naming the choices for an unknown one."""
    if name in ORDERS:
        return Method(name, order=name)
    if name == "arm":
        return Method(name)  # margin = no MDM order asked for: the ARM's own
    method = None
    try:
        if name.startswith("med"):
            method = Method(name, schedule="med", med_lambda=float(name[3:]))
        elif name.startswith("steps"):
            method = Method(name, schedule="steps", steps=int(name[5:]))
    except ValueError:  # not a number after the prefix: an unknown name
        method = None
    if method is not None:
        try:
            method.config().check()  # med-1, steps0: numbers, yet no method
        except ValueError as exc:
            raise UsageError(f"method {name!r}: {exc}") from None
        return method
    raise UsageError(
        f"unknown method {name!r}; choose from {', '.join(ORDERS)}, med<lambda> (e.g. med0.01), "
        "steps<k> (e.g. steps20), arm (an ARM checkpoint's own order)"
    )


def parse_methods(names: str) -> list[Method]:
    """Comma-separated method names, in the order given."""
    return [parse_method(name) for name in names_given(names, "--methods")]
