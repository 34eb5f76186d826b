"""The decoding methods a benchmark table names: the model's (`METHODS`: one path, step
budgets, MED at any threshold as `med<lambda>`, repair, E-BoN, re-masking, E-SMC, info-gain),
guided search (`GUIDED`), and the kind's classical solvers by their names."""

from __future__ import annotations

from dataclasses import replace

from puzzlemdm.bench.splits import names_given
from puzzlemdm.decode import MethodConfig, StepConfig
from puzzlemdm.puzzles.base import PuzzleKind
from puzzlemdm.usage import UsageError

MED = StepConfig(schedule="med", med_lambda=0.2)
# name -> (siblings, branch): see decode.guided.ModelChooser
GUIDED = {
    "guided": (False, "margin"),
    "guided-siblings": (True, "margin"),
    "guided-fewest": (False, "fewest"),
}
# name -> (method, cheap): the model's methods. Guided search works on puzzles, not token
# batches; the kind's classical solvers join by name (see `lookup`).
METHODS: dict[str, tuple[MethodConfig | str, bool]] = {
    "margin": (MethodConfig(), True),
    "steps18": (MethodConfig(step=StepConfig(schedule="steps", steps=18)), True),
    "med": (MethodConfig(step=MED), True),
    "med0.1": (MethodConfig(step=replace(MED, med_lambda=0.1)), True),
    "med0.5": (MethodConfig(step=replace(MED, med_lambda=0.5)), True),
    "tau0.9": (MethodConfig(step=StepConfig(schedule="threshold", tau=0.9)), True),
    "margin-prune": (MethodConfig(prune=True), True),
    "repair": (MethodConfig(repair=True), True),
    "med-repair": (MethodConfig(step=MED, repair=True), True),
    "guided": ("guided", True),
    "guided-siblings": ("guided-siblings", True),
    "guided-fewest": ("guided-fewest", True),
    "bon8": (MethodConfig(paths=8), False),
    "bon4-vf": (MethodConfig(paths=4, select="verified-first"), False),
    "bon8-vf": (MethodConfig(paths=8, select="verified-first"), False),
    "bon32-vf": (MethodConfig(paths=32, select="verified-first"), False),
    "bon128-vf": (MethodConfig(paths=128, select="verified-first"), False),
    # the same paths drawn 4 at a time, a puzzle stopping at its first verified one
    "bon32-vf-rounds4": (MethodConfig(paths=32, select="verified-first", round_paths=4), False),
    "bon128-vf-rounds4": (
        MethodConfig(paths=128, select="verified-first", round_paths=4),
        False,
    ),
    "bon8-vf-repair": (MethodConfig(paths=8, select="verified-first", repair=True), False),
    "bon16-vf-repair": (MethodConfig(paths=16, select="verified-first", repair=True), False),
    "remask4": (MethodConfig(remask_rounds=4), False),
    "remask4-vf": (MethodConfig(remask_rounds=4, select="verified-first"), False),
    "remask8-f25-vf": (
        MethodConfig(remask_rounds=8, remask_fraction=0.25, select="verified-first"),
        False,
    ),
    "remask8-f50-vf": (
        MethodConfig(remask_rounds=8, remask_fraction=0.5, select="verified-first"),
        False,
    ),
    "smc8": (MethodConfig(smc_particles=8, smc_lambda=1.0, smc_every=5), False),
    "infogain8": (MethodConfig(info_gain=True, candidates=8), False),
}


def lookup(name: str, kind: PuzzleKind | None = None) -> tuple[MethodConfig | str, bool] | None:
    """A named model method, `med<lambda>` (e.g. med0.05) for a MED schedule at any threshold,
    or a classical solver of `kind` (cheap only when it is the kind's default)."""
    if name in METHODS:
        return METHODS[name]
    if kind is not None and name in kind.solvers:
        return name, name == kind.solvers[0]
    if name.startswith("med"):
        try:
            method = MethodConfig(step=replace(MED, med_lambda=float(name[3:])))
            method.check()  # med-1: a number, yet no threshold
        except ValueError:
            return None
        return method, True
    return None


def is_classical(name: str) -> bool:
    """Whether a table's method is a classical solver: the rows name every other method."""
    return lookup(name) is None


def method_names(methods: str, kind: PuzzleKind) -> list[str]:
    """The methods a comma-separated list of names and groups asks for; UsageError if unknown."""
    groups = {
        "cheap": [k for k, (_, cheap) in METHODS.items() if cheap] + [kind.solvers[0]],
        "expensive": [k for k, (_, cheap) in METHODS.items() if not cheap],
    }
    names = [m for group in names_given(methods, "--methods") for m in groups.get(group, [group])]
    unknown = [m for m in names if lookup(m, kind) is None]
    if unknown:
        choices = ", ".join([*METHODS, *kind.solvers])
        raise UsageError(f"unknown methods {unknown}; choose from {choices}")
    return names
