"""Training corpora that build themselves: a recipe's missing corpus is generated from its entry
in the corpora file (train/corpora.toml), deterministically, and kept for the next run."""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from puzzlemdm.generation import generate_records
from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.values import describe, typed


@dataclass(frozen=True)
class CorpusRecipe:
    """How one corpus file is made: `puzzlemdm generate KIND --level LEVEL --n N --seed S`."""

    kind: str
    level: str
    n: int
    seed: int
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def command(self) -> str:
        extra = "".join(f" -O {k}={v}" for k, v in self.options.items())
        return (
            f"puzzlemdm generate {self.kind} --level {self.level} --n {self.n} "
            f"--seed {self.seed}{extra}"
        )


def read_corpus_recipes(path: str | Path) -> dict[str, CorpusRecipe]:
    """file name -> CorpusRecipe, from a corpora TOML file (empty when it does not exist)."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        table = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise PuzzleError(f"not a corpora file ({exc})", source=str(path)) from None
    return {name: _recipe(name, entry, str(path)) for name, entry in table.items()}


def _recipe(name: str, entry: Any, source: str) -> CorpusRecipe:
    """One entry, every value of its field's type (a PuzzleError naming the entry else)."""
    where = f'["{name}"]'
    if not isinstance(entry, dict):
        raise PuzzleError(f"{where} must be a table of key = value lines", source=source)
    hints = get_type_hints(CorpusRecipe)
    needed = {f.name for f in fields(CorpusRecipe)} - {"options"}
    unknown, missing = sorted(set(entry) - set(hints)), sorted(needed - set(entry))
    if unknown or missing:
        said = f"unknown key(s) {', '.join(unknown)}" if unknown else f"no {', '.join(missing)}"
        raise PuzzleError(f"{where}: {said} (keys: kind, level, n, seed, options)", source=source)
    if not isinstance(entry.get("options", {}), dict):
        raise PuzzleError(f"{where} options must be a table (key = value)", source=source)
    values = {"options": entry.get("options", {})}  # checked by the generator, as -O options
    for key in sorted(needed):
        value = entry[key]
        try:
            values[key] = typed(value, hints[key])
        except TypeError:
            shown = json.dumps(value, default=str)
            raise PuzzleError(
                f"{where} {key} must be {describe(hints[key])}, not {shown}", source=source
            ) from None
    return CorpusRecipe(**values)


def ensure_corpora(
    files: list[str],
    recipes_file: str | Path,
    workers: int | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> list[str]:
    """Build every missing file of `files` from its recipe in `recipes_file`; returns the files
    built. A missing file without a recipe is a PuzzleError saying how to make one. A file is
    written under a temporary name and renamed when complete, so an interrupted build leaves
    nothing half-made behind."""
    recipes = read_corpus_recipes(recipes_file)
    built = []
    for name in files:
        target = Path(name)
        if target.exists():
            continue
        recipe = recipes.get(name)
        if recipe is None:
            raise PuzzleError(
                f"training corpus {name} does not exist and {recipes_file} has no entry for "
                f"it: make it with `puzzlemdm generate KIND --level LEVEL --n N --seed S -o "
                f"{name}` (seeds apart from the test splits'), or add an entry there"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        lines = generate_records(
            recipe.kind,
            recipe.level,
            recipe.n,
            recipe.seed,
            workers or max(1, os.cpu_count() or 1),
            recipe.options,
        )
        with partial.open("w", encoding="utf-8") as sink:
            for done, line in enumerate(lines, 1):
                sink.write(json.dumps(line) + "\n")
                if on_progress:
                    on_progress(name, done, recipe.n)
        partial.replace(target)
        built.append(name)
    return built
