"""Decoding methods an order study compares: one path a puzzle, named in the grammar of
`puzzlemdm.bench.names`.

`margin`, `top-prob`, `entropy`, `random`, `left-to-right` decode one position per step in that
order; `med<lambda>` (e.g. `med0.01`) decodes by margin with Ben-Hamu et al.'s MED schedule
(every position with entropy <= lambda, at least one); `steps<k>` decodes by margin in k steps;
`top-prob/med0.01` and the like combine them. `arm` is an autoregressive checkpoint's own order
(the solver-order ARM names its cells).
"""

from __future__ import annotations

from dataclasses import dataclass

from puzzlemdm.bench.names import is_arm_name, parse_method
from puzzlemdm.bench.splits import names_given
from puzzlemdm.decode import MethodConfig
from puzzlemdm.usage import UsageError


@dataclass(frozen=True)
class Method:
    """A method's name and the decoding config it stands for."""

    name: str
    config: MethodConfig

    @property
    def autoregressive(self) -> bool:
        """Whether this method decodes an ARM (in its own order)."""
        return is_arm_name(self.name)


def study_method(name: str) -> Method:
    """The Method called `name`; UsageError for a name that is not one path in a traced order."""
    config = parse_method(name)
    if config.paths > 1:
        raise UsageError(f"method {name!r}: an order study traces one path a puzzle, not best-of-N")
    if is_arm_name(name) and name != "arm":
        raise UsageError(
            f"method {name!r}: an order study reads an ARM as 'arm' alone, in its own order "
            "and with no knobs (arm-l2r and arm-oracle are `bench models` methods)"
        )
    return Method(name, config)


def parse_methods(names: str) -> list[Method]:
    """Comma-separated method names, in the order given."""
    return [study_method(name) for name in names_given(names, "--methods")]
