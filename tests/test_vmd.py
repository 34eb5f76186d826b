"""The variational MDM: its KL, one latent per decoding path, and its checkpoints."""

from __future__ import annotations

import pytest
import torch

from puzzlemdm.decode import MethodConfig, StepConfig, decode, run_method
from puzzlemdm.model.backbone import BackboneConfig
from puzzlemdm.model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from puzzlemdm.model.mdm import ModelConfig
from puzzlemdm.model.vmd import LatentConfig, VariationalMDM, kl_to_standard_normal
from puzzlemdm.puzzles.corpus import read_corpus
from puzzlemdm.puzzles.grid import stack
from puzzlemdm.puzzles.registry import get_kind

SUDOKU = get_kind("sudoku")


def sudoku_batch(n: int):
    records = read_corpus("datasets/sudoku/easy/validation.jsonl", "sudoku")[1][:n]
    spec = SUDOKU.spec_for([r.puzzle for r in records])
    batch = stack([SUDOKU.encode(r.puzzle, r.solution, spec) for r in records])
    return spec, {k: torch.as_tensor(v) for k, v in batch.items()}


def tiny_vmd(spec) -> VariationalMDM:
    torch.manual_seed(0)
    backbone = BackboneConfig(
        n_layers=2, d_model=32, n_heads=4, coord_sizes=[int(s) for s in spec.coord_sizes]
    )
    latent = LatentConfig(dim=8, encoder_layers=1, encoder_d_model=16).to_dict()
    config = ModelConfig(backbone, spec.signature(), "vmd", "", latent)
    model = VariationalMDM(config, spec).eval()
    with torch.no_grad():  # a latent that visibly moves the logits
        model.to_condition.weight.normal_(0, 1.0)
    return model


def test_kl_is_zero_exactly_when_the_posterior_is_the_prior():
    zero = torch.zeros(3, 8)
    assert torch.equal(kl_to_standard_normal(zero, zero), torch.zeros(3, 8))
    kl = kl_to_standard_normal(torch.full((1, 8), 0.5), torch.full((1, 8), -1.0))
    assert (kl > 0).all()


def test_the_latent_changes_the_prediction_and_zero_is_the_default():
    spec, batch = sudoku_batch(2)
    model = tiny_vmd(spec)
    z = torch.randn(2, 8, generator=torch.Generator().manual_seed(0))
    plain = model(batch["tokens"], batch["allowed"])
    assert torch.equal(plain, model(batch["tokens"], batch["allowed"], torch.zeros(2, 8)))
    assert not torch.allclose(plain, model(batch["tokens"], batch["allowed"], z))
    mean, log_var = model.posterior(batch["target"], batch["tokens"] < 0)
    assert mean.shape == log_var.shape == (2, 8)


def test_each_path_draws_one_latent_and_keeps_it(monkeypatch):
    """Every model call a decode makes sees, for each puzzle, the latent it drew first, also
    when only the unfinished rows are evaluated."""
    spec, batch = sudoku_batch(4)
    tokens = batch["tokens"].clone()
    tokens[0, :20] = -1  # rows finish at different steps: sub-batches happen
    model = tiny_vmd(spec)
    seen: dict[tuple, torch.Tensor] = {}
    calls = {"n": 0}
    original = VariationalMDM.forward

    def recording(self, tokens_in, allowed=None, z=None):
        calls["n"] += 1
        for row in range(tokens_in.shape[0]):
            first = seen.setdefault(_puzzle_of(tokens_in[row], tokens), z[row].clone())
            assert torch.equal(first, z[row])
        return original(self, tokens_in, allowed, z)

    monkeypatch.setattr(VariationalMDM, "forward", recording)
    decode(model, tokens, batch["allowed"], generator=torch.Generator().manual_seed(1))
    assert len(seen) == 4 and calls["n"] > 40
    latents = torch.stack(list(seen.values()))
    assert len({tuple(z.tolist()) for z in latents}) == 4  # drawn, not shared


def _puzzle_of(row: torch.Tensor, puzzles: torch.Tensor) -> int:
    """Which puzzle a partly decoded grid belongs to: the one whose givens it holds."""
    given = puzzles >= 0
    match = ((puzzles == row) | ~given).all(1)
    return int(match.nonzero()[0])


def test_a_zero_latent_decodes_as_the_latent_free_path():
    spec, batch = sudoku_batch(2)
    model = tiny_vmd(spec)
    z0 = run_method(
        model, batch["tokens"], batch["allowed"], MethodConfig(step=StepConfig(latent="zero"))
    )
    plain = decode(
        lambda t, a: model(t, a, torch.zeros(t.shape[0], 8)),  # type: ignore[arg-type]
        batch["tokens"],
        batch["allowed"],
    )
    assert torch.equal(z0.tokens, plain.tokens)


def test_vmd_checkpoints_round_trip_and_refuse_to_load_as_mdms(tmp_path):
    spec, batch = sudoku_batch(1)
    model = tiny_vmd(spec)
    save_checkpoint(tmp_path / "vmd", model)
    loaded = load_checkpoint(tmp_path / "vmd")
    assert isinstance(loaded, VariationalMDM) and loaded.latent_dim == 8
    z = torch.ones(1, 8)
    assert torch.equal(
        loaded(batch["tokens"], batch["allowed"], z), model(batch["tokens"], batch["allowed"], z)
    )
    with pytest.raises(CheckpointError, match="variational"):
        load_checkpoint(tmp_path / "vmd", family="mdm")
