"""Every committed training recipe reads, names its kind's corpora, and keeps test splits out."""

from pathlib import Path

import pytest

from puzzlemdm.train.config import load_config

# train/corpora.toml says how the recipes' corpora are made (tests/test_train_corpora.py)
RECIPES = sorted(
    p
    for p in (Path(__file__).resolve().parent.parent / "train").glob("*.toml")
    if p.name != "corpora.toml"
)


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.stem)
def test_recipe_reads_and_trains_on_its_kind_without_test_splits(path):
    recipe = load_config(path)
    assert path.stem.startswith(recipe.data.kind)
    assert all(recipe.data.kind in corpus for corpus in recipe.data.train)
    evaluation = ("/test", "benchmarks/")  # committed test splits, external sets in ../shared
    assert not any(marker in corpus for corpus in recipe.data.train for marker in evaluation)
    assert all(
        split.endswith("test.jsonl") or split.startswith("../shared/benchmarks/")
        for split in recipe.data.exclude
    )
    assert recipe.data.exclude or recipe.init  # de-duplicated against the test splits
