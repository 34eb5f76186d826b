"""benchmarks/test_time_compute.py: the accuracy-vs-NFE figure keeps to the model alone and to
one device."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "test_time_compute.py"


def script():
    spec = importlib.util.spec_from_file_location("test_time_compute", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row(method: str, nfe: float, accuracy: float) -> dict:
    return {
        "split": "norvig_top95", "method": method, "puzzles": 95, "accuracy": accuracy,
        "accuracy_ci95": [accuracy - 0.1, min(1.0, accuracy + 0.1)], "mean_nfe": nfe,
    }  # fmt: skip


def summary(*devices: str, **header) -> dict:
    return {
        "runs": [{"device": d, "checkpoint": "ckpt", **header} for d in devices],
        "methods": [
            row("margin", 60.0, 0.57), row("bon8-vf", 480.0, 0.83),
            row("guided", 0.0, 1.0), row("mrv", 0.0, 1.0),
        ],
    }  # fmt: skip


def test_the_figure_plots_the_model_alone_and_writes_its_table(tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps(summary("cpu")))
    script().main(str(tmp_path))
    text = (tmp_path / "accuracy_vs_nfe.md").read_text()
    assert "| norvig_top95 | ckpt | margin | 95 | 60.0 | 60 | 57.0 (47.0-67.0) |" in text
    assert "bon8-vf" in text and "guided" not in text and "mrv" not in text
    assert (tmp_path / "accuracy_vs_nfe.png").stat().st_size > 0


def test_rows_from_two_devices_are_not_drawn_in_one_figure(tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps(summary("cpu", "cuda")))
    with pytest.raises(SystemExit, match="mix devices"):
        script().main(str(tmp_path))


def test_a_recurrent_model_s_compute_counts_each_run_of_its_blocks(tmp_path):
    plain, looped, once = tmp_path / "plain", tmp_path / "looped", tmp_path / "once"
    for folder, header in ((plain, {}), (looped, {"recurrence": 4, "runs": 6}), (once, {})):
        folder.mkdir()
        (folder / "summary.json").write_text(json.dumps(summary("cpu", **header)))
    (once / "summary.json").write_text(
        json.dumps(summary("cpu", recurrence=4, runs=1, checkpoint="r4"))
    )
    with pytest.raises(SystemExit, match="--out"):
        script().main(str(plain), str(looped))
    script().main(str(plain), str(looped), str(once), out=str(tmp_path / "both"))
    text = (tmp_path / "both" / "accuracy_vs_nfe.md").read_text()
    assert "| norvig_top95 | ckpt | margin | 95 | 60.0 | 60 |" in text
    assert "| norvig_top95 | ckpt x6 | margin | 95 | 60.0 | 360 |" in text  # 60 calls x 6 runs
    assert "| norvig_top95 | r4 x1 | margin | 95 | 60.0 | 60 |" in text


def test_two_weights_in_folders_of_one_name_are_both_drawn_told_apart(tmp_path):
    for folder, sha in (("old", "aaaa1111"), ("new", "bbbb2222")):
        (tmp_path / folder).mkdir()
        header = {"checkpoint": f"{folder}/sudoku-mdm", "weights_sha256": sha + "0" * 56}
        (tmp_path / folder / "summary.json").write_text(json.dumps(summary("cpu", **header)))
    script().main(str(tmp_path / "old"), str(tmp_path / "new"), out=str(tmp_path / "both"))
    text = (tmp_path / "both" / "accuracy_vs_nfe.md").read_text()
    assert "| sudoku-mdm (aaaa1111) | margin |" in text
    assert "| sudoku-mdm (bbbb2222) | margin |" in text
