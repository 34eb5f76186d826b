"""The one grammar of decoding-method names, read alike by `bench methods`, `bench models` and
`analyze orders`, and recorded in every table they write:

    NAME   = PATH [+SELECT] | SELECT
    PATH   = ORDER [/KNOB]... | KNOB [/KNOB]...        (no order: margin)
    ORDER  = margin | top-prob | entropy | random | left-to-right     an MDM's position order
           | arm | arm-l2r | arm-oracle     an ARM's: its trained order, left to right, or the
                                            kind's solver order given (values predicted)
    KNOB   = steps<K>      a budget of K steps
           | med<lambda>   Ben-Hamu et al.'s MED: every position with entropy <= lambda a step
           | tau<t>        every position whose top probability is >= t a step
           | z0            a VMD's latent fixed at 0
    SELECT = bon<N>[-vf][-z]   E-BoN: the lowest cumulative entropy of N paths (-vf: verified
                               paths first; -z: paths differ by a VMD's latent only, no noise)

So `med0.01` is `margin/med0.01` and `bon8-vf` is `margin+bon8-vf`. Methods beyond it (repair,
re-masking, E-SMC, guided search...) are `bench methods`' own names (`bench.catalog`).
"""

from __future__ import annotations

from dataclasses import replace

from puzzlemdm.decode import MethodConfig, StepConfig
from puzzlemdm.decode.arm import check_arm_method
from puzzlemdm.decode.step import ORDERS
from puzzlemdm.usage import UsageError

ARM_DECODES = {"arm": "auto", "arm-l2r": "left-to-right", "arm-oracle": "given"}
GRAMMAR = (
    "ORDER[/KNOB...][+bon<N>[-vf][-z]], ORDER one of "
    f"{', '.join([*ORDERS, *ARM_DECODES])}, KNOB steps<K>, med<lambda>, tau<t> or z0"
)


def parse_method(name: str) -> MethodConfig:
    """The MethodConfig `name` stands for; UsageError saying what is wrong with it."""
    path, plus, select = name.partition("+")
    if not plus and path.startswith("bon"):
        path, select = "", path
    parts = path.split("/") if path else []
    if parts and parts[0] in ARM_DECODES:
        method = MethodConfig(arm_order=ARM_DECODES[parts.pop(0)])
    else:
        order = parts.pop(0) if parts and parts[0] in ORDERS else "margin"
        method = MethodConfig(step=replace(MethodConfig().step, order=order))
    if plus and not select:
        raise _unknown(name, "nothing after '+'")
    schedules = [knob for knob in parts if knob.startswith(("steps", "med", "tau"))]
    if len(schedules) > 1:
        raise _unknown(name, f"one schedule a method, not {' and '.join(schedules)}")
    for knob in parts:
        method = replace(method, step=_with_knob(method.step, knob, name))
    if select:
        method = _with_selection(method, select, name)
    try:
        method.check()
    except ValueError as exc:  # med-1, steps0, tau2: numbers, yet no method
        raise UsageError(f"method {name!r}: {exc}") from None
    return method


def check_for_family(name: str, method: MethodConfig, family: str) -> None:
    """UsageError for a method the model's family would run as something else: knobs an ARM
    ignores, or a VMD's latent (`z0`, `-z`) on a model that has none, or `-z` paths that
    nothing makes differ (the latent fixed at 0 by `z0`)."""
    if is_arm_name(name):
        try:
            check_arm_method(method)
        except ValueError as exc:
            raise UsageError(f"method {name!r}: {exc}") from None
    latent_only = method.paths > 1 and method.path_noise == 0 and method.arm_path_noise == 0
    if family != "vmd" and (method.step.latent == "zero" or latent_only):
        raise UsageError(
            f"method {name!r}: z0 and -z steer a VMD's latent; the model ({family}) has none"
        )
    if latent_only and method.step.latent == "zero":
        raise UsageError(f"method {name!r}: -z paths differ by their latent only, which z0 fixes")


def one_spelling(names: list[str], methods: list[object], flag: str) -> None:
    """UsageError when two names say one method (med0.1 and margin/med0.1): their rows would
    be two methods of one table."""
    for i, method in enumerate(methods):
        same = [names[j] for j in range(i) if methods[j] == method]
        if same:
            raise UsageError(f"{flag}: {same[0]!r} and {names[i]!r} name one method; give it once")


def is_arm_name(name: str) -> bool:
    """Whether `name` decodes an autoregressive model (arm, arm-l2r, arm-oracle, with knobs)."""
    return name.partition("+")[0].split("/")[0] in ARM_DECODES


def _with_knob(step: StepConfig, knob: str, name: str) -> StepConfig:
    if knob.startswith("steps") and knob[5:].isdigit():
        return replace(step, schedule="steps", steps=int(knob[5:]))
    if knob.startswith("med"):
        return replace(step, schedule="med", med_lambda=_number(knob[3:], knob, name))
    if knob.startswith("tau"):
        return replace(step, schedule="threshold", tau=_number(knob[3:], knob, name))
    if knob == "z0":
        return replace(step, latent="zero")
    if knob in ORDERS or knob in ARM_DECODES:
        raise _unknown(name, f"the order ({knob!r}) comes first, once")
    raise _unknown(name, f"{knob!r} is neither an order nor a knob")


def _with_selection(method: MethodConfig, select: str, name: str) -> MethodConfig:
    latent_only = select.endswith("-z")
    select = select.removesuffix("-z")
    verified = select.endswith("-vf")
    count = select.removesuffix("-vf").removeprefix("bon")
    if not select.startswith("bon") or not count.isdigit() or int(count) < 2:
        raise _unknown(name, "the selection must be bon<N>[-vf][-z] with N >= 2")
    return replace(
        method,
        paths=int(count),
        select="verified-first" if verified else "entropy",
        path_noise=0.0 if latent_only else method.path_noise,
        arm_path_noise=0.0 if latent_only else method.arm_path_noise,
    )


def _number(text: str, knob: str, name: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _unknown(name, f"{knob!r}: {text!r} is not a number") from None


def _unknown(name: str, why: str) -> UsageError:
    return UsageError(f"unknown method {name!r}: {why}; a method is {GRAMMAR}")
