"""`puzzlemdm bench`: the model benchmarks write tables whose figures come from their rows."""

import json
from pathlib import Path

from typer.testing import CliRunner

from puzzlemdm.cli import app

ROOT = Path(__file__).resolve().parent.parent
EASY = ROOT / "datasets" / "sudoku" / "easy" / "validation.jsonl"
ZEBRA = ROOT / "datasets" / "zebra" / "easy" / "validation.jsonl"


def small_split(tmp_path: Path, count: int = 4, source: Path = EASY) -> Path:
    path = tmp_path / "few.jsonl"
    path.write_text("\n".join(source.read_text().splitlines()[:count]) + "\n")
    return path


def tiny_checkpoint(split: Path, folder: Path) -> Path:
    """An untrained one-layer model for the split's kind: enough to run every code path."""
    from puzzlemdm.model.backbone import BackboneConfig
    from puzzlemdm.model.checkpoint import save_checkpoint
    from puzzlemdm.model.mdm import MaskedDiffusionModel, ModelConfig
    from puzzlemdm.puzzles.corpus import read_corpus

    kind, records = read_corpus(split)
    spec = kind.spec_for([r.puzzle for r in records])
    backbone = BackboneConfig(
        n_layers=1,
        d_model=16,
        n_heads=2,
        coord_sizes=list(spec.coord_sizes),
        n_relations=spec.n_relations,
    )
    save_checkpoint(folder, MaskedDiffusionModel(ModelConfig(backbone, spec.signature()), spec))
    return folder


def test_methods_rows_summary_and_resume(tmp_path):
    split, out = small_split(tmp_path), tmp_path / "out"
    label = f"{tmp_path.name}-few"  # folder + stem: two test.jsonl files stay apart
    methods = "margin,guided,search,top-prob/steps5"
    args = ["bench", "methods", "--splits", str(split), "--methods", methods,
            "--threads", "1", "--out", str(out)]  # fmt: skip
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    rows = [json.loads(x) for x in (out / label / "margin.jsonl").read_text().splitlines()]
    assert len(rows) == 4 and all(r["method"] == "margin" for r in rows)
    summary = json.loads((out / "summary.json").read_text())
    by_method = {m["method"]: m for m in summary["methods"]}
    assert by_method["margin"]["accuracy"] == sum(r["solved"] for r in rows) / 4
    assert by_method["guided"]["accuracy"] == 1.0 and by_method["search"]["accuracy"] == 1.0
    assert by_method["top-prob/steps5"]["puzzles"] == 4  # a composed name's rows, a folder deeper
    assert summary["nodes"][0]["puzzles"] == 4
    assert "puzzlemdm bench methods --splits" in (out / "summary.md").read_text()

    again = CliRunner().invoke(app, [*args, "--resume"])
    assert again.exit_code == 0 and again.output.count("0 new, 4 kept") == 4
    assert len((out / label / "margin.jsonl").read_text().splitlines()) == 4
    assert len(list(out.glob("run.*.json"))) == 1  # a resumed command is the same command


def test_methods_shards_add_up_to_one_command(tmp_path):
    split, out = small_split(tmp_path), tmp_path / "out"
    for shard in ("0/2", "1/2"):
        result = CliRunner().invoke(
            app,
            ["bench", "methods", "--splits", str(split), "--methods", "search", "--shard", shard,
             "--out", str(out)],
        )  # fmt: skip
        assert result.exit_code == 0 and "--report-only" in result.output  # no half report
        if shard == "0/2":  # a report before every shard ran says which are missing
            half = CliRunner().invoke(app, ["bench", "methods", "--report-only", "--out", str(out)])
            assert "**Incomplete**: no rows yet from shard 1/2 of `" in half.output
    other_count = CliRunner().invoke(
        app,
        ["bench", "methods", "--splits", str(split), "--methods", "search", "--shard", "1/3",
         "--out", str(out)],
    )  # fmt: skip
    assert other_count.exit_code == 2 and "shards of another count" in other_count.stderr
    report = CliRunner().invoke(app, ["bench", "methods", "--report-only", "--out", str(out)])
    assert report.exit_code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["methods"][0]["puzzles"] == 4
    commands = {run["command"] for run in summary["runs"]}
    assert len(commands) == 1 and "--shard i/k" in commands.pop()
    bad = CliRunner().invoke(app, ["bench", "methods", "--methods", "telepathy"])
    assert bad.exit_code == 2 and "unknown methods" in bad.stderr


def test_orders_table_and_unknown_benchmark(tmp_path):
    out = tmp_path / "orders"
    result = CliRunner().invoke(
        app,
        ["bench", "orders", "--splits", str(small_split(tmp_path, 2)), "--orders",
         "margin,random", "--threads", "1", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = json.loads(Path(str(out) + ".json").read_text())
    assert [r["order"] for r in table["results"]] == ["margin", "random"]
    assert all(r["puzzles"] == 2 for r in table["results"])
    unknown = CliRunner().invoke(app, ["bench", "nope"])
    assert unknown.exit_code == 2 and "methods, orders" in unknown.stderr


def test_any_kind_is_benchmarked_with_its_verifier_and_classical_solver(tmp_path):
    split = small_split(tmp_path, 2, ZEBRA)
    checkpoint, out = tiny_checkpoint(split, tmp_path / "zebra-mdm"), tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["bench", "methods", "--checkpoint", str(checkpoint), "--splits", str(split),
         "--methods", "margin,strategy", "--threads", "1", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    by_method = {m["method"]: m for m in summary["methods"]}
    assert by_method["strategy"]["accuracy"] == 1.0  # the kind's solver, judged by its verifier
    assert by_method["strategy"]["auroc_entropy_failure"] is None
    assert all("by_search_guesses" not in m for m in summary["methods"])  # no MRV guesses here
    assert summary["runs"][0]["kind"] == "zebra"
    orders = CliRunner().invoke(
        app,
        ["bench", "orders", "--checkpoint", str(checkpoint), "--splits", str(split),
         "--orders", "margin", "--threads", "1", "--out", str(tmp_path / "orders")],
    )  # fmt: skip
    assert orders.exit_code == 0, orders.output
    assert "MRV" not in (tmp_path / "orders.md").read_text()
    wrong = CliRunner().invoke(app, ["bench", "methods", "--checkpoint", str(checkpoint),
                                     "--splits", "norvig_top95", "--out", str(out)])  # fmt: skip
    assert wrong.exit_code == 2 and "zebra splits" in wrong.stderr


def test_a_name_given_twice_is_measured_once() -> None:
    from puzzlemdm.bench.splits import names_in

    assert names_in(" easy, hard,,easy ,margin") == ["easy", "hard", "margin"]


def test_without_a_checkpoint_a_benchmark_measures_the_shipped_model_of_its_splits_kind(
    tmp_path,
) -> None:
    from puzzlemdm.bench.measured import default_checkpoint

    zebra, blocks = small_split(tmp_path, 2, ZEBRA), ROOT / "examples" / "blocksworld.pddl"
    assert Path(default_checkpoint(f"hard,{zebra}")).name == "zebra-mdm"
    assert Path(default_checkpoint(str(blocks))).name == "blocksworld-mdm"
    assert Path(default_checkpoint("hard,magictour_top1465")).name == "sudoku-mdm"
    (tmp_path / "odd.txt").write_text("no puzzle here\n")  # loading it will say what is wrong
    assert Path(default_checkpoint(str(tmp_path / "odd.txt"))).name == "sudoku-mdm"


def test_guided_nodes_are_compared_on_puzzles_both_searches_solved(tmp_path) -> None:
    from puzzlemdm.bench.report import report

    (tmp_path / "hard").mkdir()
    for method, results in {
        "guided": [(True, 2), (False, 1), (True, 4)],  # the second hit a node limit
        "search": [(True, 4), (True, 9), (True, 4)],
    }.items():
        rows = [
            {"split": "hard", "method": method, "id": str(i), "solved": solved, "nodes": nodes,
             "nfe": 1, "cumulative_entropy": 0.0, "seconds": 0.1}
            for i, (solved, nodes) in enumerate(results)
        ]  # fmt: skip
        (tmp_path / "hard" / f"{method}.jsonl").write_text("\n".join(map(json.dumps, rows)))
    (nodes,) = report(tmp_path, "guided", 0)["nodes"]
    assert nodes["puzzles"] == 2 and nodes["unsolved_left_out"] == 1
    assert (nodes["fewer"], nodes["equal"], nodes["more"]) == (1, 1, 0)
    assert "2 (1 unsolved by either left out)" in (tmp_path / "summary.md").read_text()


def test_default_splits_leave_out_files_without_solutions_and_empty_lists_are_refused(tmp_path):
    from puzzlemdm.bench.splits import EXTERNAL, default_splits, shortcuts
    from puzzlemdm.puzzles.registry import get_kind

    zebra = get_kind("zebra")
    assert {"easy", "medium", "hard"} <= set(default_splits(zebra))
    if (EXTERNAL / "zebra" / "bbeh_zebra_structured.jsonl").is_file():  # answers, no grids
        assert "bbeh_zebra_structured" in shortcuts(zebra)
        assert "bbeh_zebra_structured" not in default_splits(zebra)
    for args, flag in (
        (["methods", "--methods", ","], "--methods"),
        (["methods", "--splits", " , "], "--splits"),
        (["orders", "--orders", ","], "--orders"),
    ):
        result = CliRunner().invoke(app, ["bench", *args, "--out", str(tmp_path / "t")])
        assert (
            result.exit_code == 2
            and f"{flag} " in result.stderr
            and "names nothing" in (result.stderr)
        ), result.stderr


def test_options_that_would_be_ignored_or_overwritten_are_usage_errors(tmp_path) -> None:
    split = small_split(tmp_path, 2)
    lone = CliRunner().invoke(
        app,
        ["bench", "methods", "--splits", str(split), "--methods", "search", "--node-limit", "5",
         "--out", str(tmp_path / "t")],
    )  # fmt: skip
    assert lone.exit_code == 2 and "--node-limit steers guided search" in lone.stderr
    twice = CliRunner().invoke(
        app, ["generate", "zebra", "-O", "houses=4", "-O", "houses=5", "--n", "1"]
    )
    assert twice.exit_code == 2 and "--option houses is given twice" in twice.stderr
    models = CliRunner().invoke(
        app,
        ["bench", "models", "--model", "a=x", "--model", "a=y", "--out", str(tmp_path / "m")],
    )
    assert models.exit_code == 2 and "'a' is named twice" in models.stderr
