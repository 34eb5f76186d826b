"""The decoding methods a benchmark table names: the model's, in the grammar of `bench.names`
(orders, step budgets, MED at any threshold, E-BoN) or by names of their own (`OWN`: repair,
re-masking, E-SMC, info-gain...), guided search (`GUIDED`), and the kind's classical solvers by
their names."""

from __future__ import annotations

from puzzlemdm.bench.names import GRAMMAR, is_arm_name, one_spelling, parse_method
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
# the model's methods beyond the grammar of names (bench.names), by names of their own
OWN: dict[str, MethodConfig] = {
    "med": MethodConfig(step=MED),  # margin/med0.2
    "margin-prune": MethodConfig(prune=True),
    "repair": MethodConfig(repair=True),
    "med-repair": MethodConfig(step=MED, repair=True),
    # the same paths drawn 4 at a time, a puzzle stopping at its first verified one
    "bon32-vf-rounds4": MethodConfig(paths=32, select="verified-first", round_paths=4),
    "bon128-vf-rounds4": MethodConfig(paths=128, select="verified-first", round_paths=4),
    "bon8-vf-repair": MethodConfig(paths=8, select="verified-first", repair=True),
    "bon16-vf-repair": MethodConfig(paths=16, select="verified-first", repair=True),
    "remask4": MethodConfig(remask_rounds=4),
    "remask4-vf": MethodConfig(remask_rounds=4, select="verified-first"),
    "remask8-f25-vf": MethodConfig(remask_rounds=8, remask_fraction=0.25, select="verified-first"),
    "remask8-f50-vf": MethodConfig(remask_rounds=8, remask_fraction=0.5, select="verified-first"),
    "smc8": MethodConfig(smc_particles=8, smc_lambda=1.0, smc_every=5),
    "infogain8": MethodConfig(info_gain=True, candidates=8),
}
# the model's methods `--methods cheap` and `expensive` stand for, in table order
LISTED = (
    *("margin", "steps18", "med", "med0.1", "med0.5", "tau0.9", "margin-prune", "repair"),
    *("med-repair", *GUIDED, "bon8", "bon4-vf", "bon8-vf", "bon32-vf", "bon128-vf"),
    *("bon32-vf-rounds4", "bon128-vf-rounds4", "bon8-vf-repair", "bon16-vf-repair"),
    *("remask4", "remask4-vf", "remask8-f25-vf", "remask8-f50-vf", "smc8", "infogain8"),
)


def lookup(name: str, kind: PuzzleKind | None = None) -> tuple[MethodConfig | str, bool] | None:
    """A method and whether it is cheap (run on whole splits, not a subset): guided search by
    its name, one of `OWN`, a name in the grammar of `bench.names` (an MDM's), or a classical
    solver of `kind` (cheap only when it is the kind's default); None for none of these."""
    if name in GUIDED:
        return name, True
    if kind is not None and name in kind.solvers:
        return name, name == kind.solvers[0]
    if name in OWN:
        method = OWN[name]
    elif is_arm_name(name):
        return None
    else:
        try:
            method = parse_method(name)
        except UsageError:
            return None
    many = method.paths > 1 or method.smc_particles > 1 or method.info_gain
    return method, not (many or method.remask_rounds)


def is_classical(name: str) -> bool:
    """Whether a table's method is a classical solver: the rows name every other method."""
    return lookup(name) is None


def method_names(methods: str, kind: PuzzleKind) -> list[str]:
    """The methods a comma-separated list of names and groups asks for; UsageError if unknown."""
    cheap = {name: lookup(name)[1] for name in LISTED}
    groups = {
        "cheap": [name for name in LISTED if cheap[name]] + [kind.solvers[0]],
        "expensive": [name for name in LISTED if not cheap[name]],
    }
    expanded = [
        m for group in names_given(methods, "--methods") for m in groups.get(group, [group])
    ]
    names = list(dict.fromkeys(expanded))  # cheap,margin: margin once
    unknown = [m for m in names if lookup(m, kind) is None]
    if any(is_arm_name(name) for name in unknown):
        raise UsageError(f"--methods {unknown}: an ARM's orders are measured by `bench models`")
    if not unknown:
        configs = [lookup(name, kind)[0] for name in names]
        one_spelling(names, configs, "--methods")
    if unknown:
        choices = ", ".join([*LISTED, *kind.solvers])
        raise UsageError(f"unknown methods {unknown}; choose from {choices}, or name one {GRAMMAR}")
    return names
