"""Decoding methods an order study compares, by name: an order, or an order plus a schedule.

`margin`, `top-prob`, `entropy`, `random`, `left-to-right` decode one position per step in that
order; `med<lambda>` (e.g. `med0.01`) decodes by margin with Ben-Hamu et al.'s MED schedule
(every position with entropy <= lambda, at least one); `steps<k>` decodes by margin in k steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from puzzlemdm.decode import ORDERS
from puzzlemdm.solving import UsageError


@dataclass(frozen=True)
class Method:
    """The decode knobs one method name stands for."""

    name: str
    order: str = "margin"
    schedule: str = "one"
    med_lambda: float = 0.01
    steps: int | None = None

    @property
    def one_per_step(self) -> bool:
        """Whether every step decides exactly one position (a strict order)."""
        return self.schedule == "one"


def parse_method(name: str) -> Method:
    """The Method called `name`; UsageError naming the choices for an unknown one."""
    if name in ORDERS:
        return Method(name, order=name)
    try:
        if name.startswith("med"):
            return Method(name, schedule="med", med_lambda=float(name[3:]))
        if name.startswith("steps"):
            return Method(name, schedule="steps", steps=int(name[5:]))
    except ValueError:
        pass
    raise UsageError(
        f"unknown method {name!r}; choose from {', '.join(ORDERS)}, med<lambda> (e.g. med0.01), "
        "steps<k> (e.g. steps20)"
    )


def parse_methods(names: str) -> list[Method]:
    """Comma-separated method names, in the order given."""
    return [parse_method(n.strip()) for n in names.split(",") if n.strip()]
