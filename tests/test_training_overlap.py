"""benchmarks/training_overlap.py: test puzzles a corpus holds, and a table's rows split by it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "training_overlap.py"


def test_a_copied_test_puzzle_is_found_and_its_row_counted_as_seen(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("training_overlap", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tests = (ROOT / "datasets/zebra/easy/test.jsonl").read_text().splitlines()
    split, corpus = tmp_path / "test.jsonl", tmp_path / "corpus.jsonl"
    split.write_text("\n".join(tests[:4]) + "\n")
    corpus.write_text("\n".join([tests[1], *tests[10:13]]) + "\n")
    ids = [json.loads(line)["id"] for line in tests[:4]]
    rows = [{"id": i, "solved": k != 2} for k, i in enumerate(ids)]
    (tmp_path / "margin.shard0of1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    module.main(str(corpus), str(split), str(tmp_path / "margin"))
    said = capsys.readouterr().out
    assert "1 of 4 puzzles are in" in said and "(1 of its 4 puzzles" in said
    assert "all 3/4 (75.0%), unseen 2/3 (66.7%), seen 1/1 (100.0%)" in said
