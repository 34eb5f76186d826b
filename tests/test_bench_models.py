"""`bench models`: method names, and a small MDM-vs-ARM table built end to end."""

from __future__ import annotations

import json
import re

import pytest
import torch

from puzzlemdm.bench.models import ModelsConfig, run_models
from puzzlemdm.bench.names import parse_method
from puzzlemdm.model.backbone import BackboneConfig
from puzzlemdm.model.checkpoint import save_checkpoint
from puzzlemdm.model.families import build
from puzzlemdm.model.mdm import ModelConfig
from puzzlemdm.puzzles.corpus import read_corpus
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.solving import UsageError

SPLIT = "datasets/sudoku/easy/test.jsonl"


def tiny(folder, family: str, spec, seed: int = 0) -> str:
    torch.manual_seed(seed)
    arm = family == "arm"
    backbone = BackboneConfig(
        n_layers=1,
        d_model=16,
        n_heads=2,
        coord_sizes=[int(s) for s in spec.coord_sizes],
        n_relations=spec.n_relations + arm,
        causal=arm,
    )
    config = ModelConfig(backbone, spec.signature(), family, "solver" if arm else "")
    save_checkpoint(folder, build(config, spec), {"step": 3, "recipe": {"optim": {}}})
    return str(folder)


def test_a_small_table_pairs_every_model_with_the_baseline(tmp_path):
    kind = get_kind("sudoku")
    spec = kind.spec_for([r.puzzle for r in read_corpus(SPLIT, "sudoku")[1][:2]])
    mdm = tiny(tmp_path / "mdm", "mdm", spec)
    arm = tiny(tmp_path / "arm", "arm", spec)
    config = ModelsConfig(
        models=[f"mdm={mdm}", f"arm={arm}"],
        methods=["mdm=margin,random/steps5", "arm=arm,arm-oracle,arm+bon2-vf"],
        splits=SPLIT,
        limit=3,
        subset=2,
        device="cpu",
        out=str(tmp_path / "table"),
    )
    summary = run_models(config)
    assert summary["baseline"] == "mdm/margin"
    rows = {(r["model"], r["method"]): r for r in summary["results"]}
    assert set(rows) == {
        ("mdm", "margin"),
        ("mdm", "random/steps5"),
        ("arm", "arm"),
        ("arm", "arm-oracle"),
        ("arm", "arm+bon2-vf"),
    }
    assert rows[("arm", "arm+bon2-vf")]["puzzles"] == 2  # best-of-N on the subset
    assert rows[("arm", "arm")]["puzzles"] == 3
    # an ARM path calls the model twice a move when it names the cells, once when handed them
    assert rows[("arm", "arm")]["mean_nfe"] == 2 * rows[("mdm", "margin")]["mean_nfe"]
    assert rows[("arm", "arm-oracle")]["mean_nfe"] == rows[("mdm", "margin")]["mean_nfe"]
    assert len(summary["paired"]) == 4
    written = json.loads((tmp_path / "table" / "summary.json").read_text())
    assert [m["family"] for m in written["models"]] == ["mdm", "arm"]
    assert "| arm | arm-oracle |" in (tmp_path / "table" / "summary.md").read_text()


def test_models_and_their_methods_must_match():
    with pytest.raises(UsageError, match="not named by --model"):
        run_models(ModelsConfig(models=["a=x"], methods=["b=margin"]))
    with pytest.raises(UsageError, match="NAME=VALUE"):
        run_models(ModelsConfig(models=["a"]))


def test_one_table_compares_models_of_one_kind(tmp_path):
    spec = get_kind("sudoku").spec_for([r.puzzle for r in read_corpus(SPLIT, "sudoku")[1][:2]])
    sudoku = tiny(tmp_path / "sudoku", "mdm", spec)
    zebra = "puzzlemdm/checkpoints/zebra-mdm"
    out = tmp_path / "table"
    config = ModelsConfig(models=[f"a={sudoku}", f"b={zebra}"], device="cpu", out=str(out))
    with pytest.raises(UsageError, match="models of one kind; the models read: a sudoku, b zebra"):
        run_models(config)
    assert not out.exists()


def test_a_terminal_sees_a_progress_bar_and_a_pipe_does_not(tmp_path, monkeypatch):
    import io

    from rich.console import Console

    import puzzlemdm.bench.models as models

    kind = get_kind("sudoku")
    spec = kind.spec_for([r.puzzle for r in read_corpus(SPLIT, "sudoku")[1][:2]])
    mdm = tiny(tmp_path / "mdm", "mdm", spec)
    seen = {}
    for terminal in (True, False):
        screen = io.StringIO()
        monkeypatch.setattr(models, "STDERR", Console(file=screen, force_terminal=terminal))
        config = ModelsConfig(
            models=[f"mdm={mdm}"], splits=SPLIT, limit=2, device="cpu",
            out=str(tmp_path / f"table-{terminal}"),
        )  # fmt: skip
        run_models(config)
        seen[terminal] = screen.getvalue()
    assert "mdm margin" in seen[True] and "solved" in seen[True]
    assert seen[False] == ""


def test_a_model_baseline_pairs_each_method_with_its_own(tmp_path):
    kind = get_kind("sudoku")
    spec = kind.spec_for([r.puzzle for r in read_corpus(SPLIT, "sudoku")[1][:2]])
    a, b = tiny(tmp_path / "a", "mdm", spec), tiny(tmp_path / "b", "mdm", spec)
    config = ModelsConfig(
        models=[f"a={a}", f"b={b}"], methods=["a=margin,random", "b=margin,random"],
        splits=SPLIT, limit=2, device="cpu", baseline="a", out=str(tmp_path / "t"),
    )  # fmt: skip
    paired = {(p["method"], p["baseline"]) for p in run_models(config)["paired"]}
    assert paired == {("b/margin", "a/margin"), ("b/random", "a/random")}


def test_training_time_is_read_from_the_log_beside_or_above_a_checkpoint(tmp_path):
    from puzzlemdm.bench.models import training_facts

    config = {"model": {"family": "vmd"}, "step": 1000, "recipe": {"name": "r", "optim": {}}}
    log = "".join(json.dumps(r) + "\n" for r in ({"event": "start"}, {"elapsed_s": 5.0}))
    shipped, run = tmp_path / "shipped", tmp_path / "run"
    for folder in (shipped, run / "last"):
        folder.mkdir(parents=True)
        (folder / "config.json").write_text(json.dumps(config))
    (shipped / "metrics.jsonl").write_text(log)  # a shipped checkpoint keeps its log inside
    (run / "metrics.jsonl").write_text(log.replace("5.0", "7.5"))  # a run folder, above last/
    assert training_facts(str(shipped))["train_seconds"] == 5.0
    assert training_facts(str(run / "last"))["train_seconds"] == 7.5
    (run / "metrics.jsonl").unlink()
    assert training_facts(str(run / "last"))["train_seconds"] is None


def test_methods_must_fit_the_models_family_and_the_baseline_a_method_run(tmp_path):
    spec = get_kind("sudoku").spec_for([r.puzzle for r in read_corpus(SPLIT, "sudoku")[1][:2]])
    mdm, arm = tiny(tmp_path / "mdm", "mdm", spec), tiny(tmp_path / "arm", "arm", spec)
    models = [f"m={mdm}", f"a={arm}"]
    for methods, said in (
        (["m=arm"], "--model m is not an autoregressive model: methods ['arm']"),
        (["a=margin"], "--model a is an autoregressive model: methods ['margin']"),
    ):
        with pytest.raises(UsageError, match=re.escape(said)):
            run_models(ModelsConfig(models=models, methods=methods, splits=SPLIT, limit=1))
    with pytest.raises(UsageError, match="--baseline 'zzz' names no model"):
        run_models(ModelsConfig(models=models, methods=["a=arm"], baseline="zzz", splits=SPLIT))
    with pytest.raises(UsageError, match="med_lambda"):
        parse_method("margin/med-1")
    slashed = ModelsConfig(models=[f"x/y={models[0].split('=')[1]}"], splits=SPLIT, limit=1)
    with pytest.raises(UsageError, match="a model's name holds no '/'"):
        run_models(slashed)


def test_a_table_folder_keeps_each_models_weights_and_its_seed(tmp_path):
    spec = get_kind("sudoku").spec_for([r.puzzle for r in read_corpus(SPLIT, "sudoku")[1][:2]])
    first, other = tiny(tmp_path / "a", "mdm", spec), tiny(tmp_path / "b", "mdm", spec, seed=1)
    out = str(tmp_path / "table")
    run = {"splits": SPLIT, "limit": 1, "device": "cpu", "out": out}
    run_models(ModelsConfig(models=[f"m={first}"], **run))
    for resume in (False, True):  # the rows of m are the first weights': not kept, not mixed
        with pytest.raises(UsageError, match="holds a table of weights"):
            run_models(ModelsConfig(models=[f"m={other}"], resume=resume, **run))
    with pytest.raises(UsageError, match="holds a table of seed 0; this run's is 5"):
        run_models(ModelsConfig(models=[f"n={other}"], seed=5, **run))
    with pytest.raises(UsageError, match="name it with --out"):
        run_models(ModelsConfig(models=[f"m={first}"], resume=True, splits=SPLIT, limit=1))
    summary = run_models(ModelsConfig(models=[f"n={other}"], **run))  # another model joins
    described = json.loads((tmp_path / "table" / "models.json").read_text())
    assert [h["model"] for h in described] == ["m", "n"]
    assert {r["model"] for r in summary["results"]} == {"m", "n"}


def test_bench_judges_a_steps_cells_before_the_step(tmp_path, monkeypatch):
    from puzzlemdm.bench.methods import run_batch
    from puzzlemdm.bench.splits import load_split
    from puzzlemdm.model.checkpoint import load_checkpoint
    from puzzlemdm.puzzles.sudoku import orders

    kind = get_kind("sudoku")
    items = load_split(SPLIT, kind, 2)
    spec = kind.spec_for([it.record.puzzle for it in items])
    model = load_checkpoint(tiny(tmp_path / "m", "mdm", spec))
    seen, original = [], orders.replay

    def replay(puzzle, cells, values, spec=None, steps=None):
        seen.append(steps)
        return original(puzzle, cells, values, spec, steps=steps)

    monkeypatch.setattr(orders, "replay", replay)
    rows = run_batch(
        model, kind, spec, items, parse_method("margin/steps5"), 0, torch.device("cpu"), True
    )
    assert all(0 <= r["forced_share"] <= 1 for r in rows)
    assert len(seen) == 2 and all(s is not None and len(set(s)) <= 5 < len(s) for s in seen)
