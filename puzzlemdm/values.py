"""Values typed by people (TOML recipes, `-O key=value` options) checked against the types a
field or parameter declares, and how errors name those types. Light: no torch, no kinds."""

from __future__ import annotations

from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

# What a value is called in errors, alone and in a list.
TYPE_NAMES: dict[type, tuple[str, str]] = {
    bool: ("true or false", "booleans"),
    int: ("an integer", "integers"),
    float: ("a number", "numbers"),
    str: ("a string", "strings"),
}


def typed(value: Any, hint: Any) -> Any:
    """`value` as a field annotated `hint` holds it (an int becomes a float for a float field,
    a list a tuple for a tuple field); TypeError when it is not of that type. A bool is no
    number here, though Python counts it as an int. `X | None` takes None too; `Any` anything."""
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return value
    if origin in (Union, UnionType):
        if value is None and NoneType in args:
            return None
        for arg in args:
            if arg is not NoneType:
                try:
                    return typed(value, arg)
                except TypeError:
                    pass
        raise TypeError(hint)
    if origin is list and isinstance(value, list):
        return [typed(item, args[0]) for item in value]
    if origin is tuple and isinstance(value, list | tuple) and len(value) == len(args):
        return tuple(typed(item, arg) for item, arg in zip(value, args, strict=True))
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in (int, str, bool) and type(value) is hint:
        return value
    raise TypeError(hint)


def describe(hint: Any) -> str:
    """How an error names what a value of type `hint` is ("an integer", "a list of numbers");
    of `X | None`, X's name (None is never what was missing)."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        return " or ".join(describe(arg) for arg in args if arg is not NoneType)
    if origin is list:
        return f"a list of {TYPE_NAMES[args[0]][1]}"
    if origin is tuple:
        return f"a list of {len(args)} {TYPE_NAMES[args[0]][1]}"
    return TYPE_NAMES[hint][0] if hint in TYPE_NAMES else getattr(hint, "__name__", str(hint))
