"""Recipes' corpora build themselves: from train/corpora.toml, deterministically, once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from puzzlemdm.cli import app
from puzzlemdm.generation import generate_records
from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.train.config import load_config
from puzzlemdm.train.corpora import ensure_corpora, read_corpus_recipes

ROOT = Path(__file__).resolve().parent.parent
ENTRY = '["{name}"]\nkind = "sudoku"\nlevel = "easy"\nn = 3\nseed = 77\n'


def test_every_recipe_corpus_has_an_entry_of_its_kind():
    recipes = read_corpus_recipes(ROOT / "train" / "corpora.toml")
    for path in sorted((ROOT / "train").glob("*.toml")):
        if path.name == "corpora.toml":
            continue
        recipe = load_config(path)
        for corpus in recipe.data.train:
            assert corpus in recipes, f"{path.name}: no entry for {corpus}"
            assert recipes[corpus].kind == recipe.data.kind


def test_a_missing_corpus_is_built_once_and_is_the_generators_output(tmp_path):
    target = str(tmp_path / "data" / "c.jsonl")
    corpora = tmp_path / "corpora.toml"
    corpora.write_text(ENTRY.format(name=target))
    assert ensure_corpora([target], corpora, workers=1) == [target]
    lines = [json.loads(line) for line in Path(target).read_text().splitlines()]
    assert lines == list(generate_records("sudoku", "easy", 3, 77))
    assert ensure_corpora([target], corpora) == []  # kept, not rebuilt


def test_an_interrupted_build_leaves_no_corpus_behind(tmp_path):
    target = str(tmp_path / "c.jsonl")
    corpora = tmp_path / "corpora.toml"
    corpora.write_text(ENTRY.format(name=target))

    def interrupt(name: str, done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ensure_corpora([target], corpora, workers=1, on_progress=interrupt)
    assert not Path(target).exists()
    assert ensure_corpora([target], corpora, workers=1) == [target]
    assert len(Path(target).read_text().splitlines()) == 3


def test_a_corpus_nobody_can_build_is_one_clear_error(tmp_path):
    with pytest.raises(PuzzleError, match="puzzlemdm generate"):
        ensure_corpora([str(tmp_path / "nowhere.jsonl")], tmp_path / "corpora.toml")
    recipe = tmp_path / "r.toml"
    recipe.write_text(
        f'name = "r"\nout_dir = "{tmp_path}"\n[data]\nkind = "sudoku"\n'
        f'train = ["{tmp_path / "nowhere.jsonl"}"]\ncorpora = "{tmp_path / "corpora.toml"}"\n'
    )
    result = CliRunner().invoke(app, ["train", "--config", str(recipe)])
    assert result.exit_code == 1
    assert "nowhere.jsonl does not exist" in result.output
    assert "Traceback" not in result.output


def test_train_builds_its_corpus_then_trains(tmp_path):
    target = tmp_path / "c.jsonl"
    (tmp_path / "corpora.toml").write_text(ENTRY.format(name=target))
    recipe = tmp_path / "r.toml"
    recipe.write_text(
        f'name = "r"\nout_dir = "{tmp_path}"\ndevice = "cpu"\n[model]\nn_layers = 1\n'
        f'd_model = 16\nn_heads = 2\n[data]\nkind = "sudoku"\ntrain = ["{target}"]\n'
        f'corpora = "{tmp_path / "corpora.toml"}"\n[optim]\nsteps = 2\nbatch_size = 2\n'
    )
    result = CliRunner().invoke(app, ["train", "--config", str(recipe)])
    assert result.exit_code == 0, result.output
    assert len(target.read_text().splitlines()) == 3
    assert (tmp_path / "r" / "last" / "model.safetensors").exists()
