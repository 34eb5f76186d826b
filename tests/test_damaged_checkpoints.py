"""A damaged checkpoint is one line naming what is wrong, never a traceback or a hang."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file
from typer.testing import CliRunner

from puzzlemdm.cli import app
from puzzlemdm.decode import MethodConfig, run_method
from puzzlemdm.model.checkpoint import CheckpointError, load_checkpoint
from puzzlemdm.shipped import shipped_checkpoint

SMALL = shipped_checkpoint("zebra-arm-l2r")  # the smallest shipped weights: quick to copy
MDM = shipped_checkpoint("sudoku-mdm-matched")
PUZZLE = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79\n"


def copy(source: Path, tmp_path: Path) -> Path:
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    return folder


def edit_config(folder: Path, change) -> None:
    config = json.loads((folder / "config.json").read_text())
    change(config)
    (folder / "config.json").write_text(json.dumps(config))


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("n_layers", "6", "backbone.n_layers must be a whole number, not '6'"),
        ("n_layers", 6.0, "backbone.n_layers must be a whole number, not 6.0"),
        ("d_model", None, "backbone.d_model must be a whole number, not None"),
        ("causal", 1, "backbone.causal must be true or false"),
        ("coord_sizes", [9, "9"], "backbone.coord_sizes must be a list of whole numbers"),
    ],
)
def test_a_config_field_of_the_wrong_type_is_named(tmp_path, field, value, said):
    folder = copy(SMALL, tmp_path)
    edit_config(folder, lambda c: c["model"]["backbone"].__setitem__(field, value))
    with pytest.raises(CheckpointError, match=r"config\.json") as raised:
        load_checkpoint(folder)
    assert said in str(raised.value)


def test_an_arm_of_an_unknown_order_or_stream_is_refused(tmp_path):
    folder = copy(SMALL, tmp_path)
    edit_config(folder, lambda c: c["model"].__setitem__("order", "zigzag"))
    with pytest.raises(CheckpointError, match="an ARM's order is one of"):
        load_checkpoint(folder)


def test_unreadable_files_are_not_called_corrupt(tmp_path):
    folder = copy(SMALL, tmp_path)
    (folder / "config.json").unlink()
    (folder / "config.json").mkdir()
    with pytest.raises(CheckpointError, match=r"config\.json cannot be read"):
        load_checkpoint(folder)


def test_non_finite_weights_are_refused_and_a_stalled_decode_raises(tmp_path):
    folder = copy(MDM, tmp_path)
    state = load_file(str(folder / "model.safetensors"))
    name = next(k for k, t in state.items() if t.is_floating_point())
    model = load_checkpoint(MDM)
    state[name] = torch.full_like(state[name], float("nan"))
    save_file(state, str(folder / "model.safetensors"))
    with pytest.raises(CheckpointError, match=f"NaN or infinite weights \\({name}\\)"):
        load_checkpoint(folder)
    (tmp_path / "p.txt").write_text(PUZZLE)
    result = CliRunner().invoke(
        app, ["solve", str(tmp_path / "p.txt"), "--checkpoint", str(folder), "--search", "none"]
    )
    assert result.exit_code == 2 and "NaN or infinite weights" in result.output
    # a model that diverges in training is never loaded: its decode must stop, not spin
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(float("nan"))
    tokens = torch.full((1, 81), -1)  # every cell masked
    allowed = torch.ones(1, 81, model.vocab, dtype=torch.bool)
    with pytest.raises(RuntimeError, match="decoding stalled"):
        run_method(model, tokens, allowed, MethodConfig())


def test_a_checkpoint_s_file_given_for_its_folder_names_the_folder(tmp_path):
    weights = SMALL / "model.safetensors"
    with pytest.raises(CheckpointError, match=f"a checkpoint is a folder; give {SMALL}"):
        load_checkpoint(weights)
    (tmp_path / "p.txt").write_text(PUZZLE)
    result = CliRunner().invoke(
        app, ["solve", str(tmp_path / "p.txt"), "--checkpoint", str(weights)]
    )
    assert result.exit_code == 2 and f"give {SMALL}" in result.output
