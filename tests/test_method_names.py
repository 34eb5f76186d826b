"""One grammar of decoding-method names for `bench methods`, `bench models` and `analyze orders`."""

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from puzzlemdm.analysis.methods import parse_methods
from puzzlemdm.bench.catalog import LISTED, OWN, lookup, method_names
from puzzlemdm.bench.names import parse_method
from puzzlemdm.decode import MethodConfig, StepConfig
from puzzlemdm.decode.step import ORDERS
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.usage import UsageError

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
SUDOKU = get_kind("sudoku")


def test_method_names_describe_their_configs():
    assert parse_method("margin") == MethodConfig()
    steps = parse_method("top-prob/steps10")
    assert (steps.step.order, steps.step.schedule, steps.step.steps) == ("top-prob", "steps", 10)
    bon = parse_method("margin/z0+bon8-vf")
    assert (bon.paths, bon.select, bon.step.latent) == (8, "verified-first", "zero")
    latent_only = parse_method("margin+bon4-z")
    assert latent_only.path_noise == 0.0 and latent_only.select == "entropy"
    assert parse_method("arm-oracle").arm_order == "given"
    assert parse_method("arm+bon8").arm_path_noise == 1.0
    assert parse_method("tau0.9").step == StepConfig(schedule="threshold", tau=0.9)


def test_the_names_bench_methods_had_of_its_own_mean_what_they_meant():
    med = StepConfig(schedule="med", med_lambda=0.2)
    assert parse_method("med0.1") == MethodConfig(step=replace(med, med_lambda=0.1))
    assert parse_method("steps18") == MethodConfig(step=StepConfig(schedule="steps", steps=18))
    assert parse_method("bon8") == MethodConfig(paths=8)
    assert parse_method("bon128-vf") == MethodConfig(paths=128, select="verified-first")
    assert lookup("med", SUDOKU) == (MethodConfig(step=med), True)


@given(
    order=st.sampled_from(["", *ORDERS]),
    knobs=st.lists(st.sampled_from(["steps7", "med0.05", "tau0.5", "z0"]), max_size=2),
    select=st.sampled_from(["", "bon2", "bon8-vf", "bon4-z", "bon16-vf-z"]),
)
def test_a_composed_name_sets_each_part_and_a_left_out_order_is_margin(order, knobs, select):
    path = "/".join([order, *knobs] if order else knobs)
    name = path + ("+" + select if select and path else select)
    if sum(not knob.startswith("z") for knob in knobs) > 1:
        with pytest.raises(UsageError, match="one schedule a method"):
            parse_method(name)
        return
    method = parse_method(name)
    assert method.step.order == (order or "margin")
    assert method.step.latent == ("zero" if "z0" in knobs else "prior")
    assert method.paths == (int(select[3:].split("-")[0]) if select else 1)
    assert (method.select == "verified-first") == ("-vf" in select)
    spelt_out = "/".join([order or "margin", *knobs]) + ("+" + select if select else "")
    assert method == parse_method(spelt_out)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("sideways", "'sideways' is neither an order nor a knob"),
        ("margin/top-prob", "the order ('top-prob') comes first, once"),
        ("margin+", "nothing after '+'"),
        ("margin/steps", "'steps' is neither"),
        ("margin/medx", "'x' is not a number"),
        ("margin+bon1", "N >= 2"),
        ("margin+best8", "bon<N>"),
        ("margin/med-1", "med_lambda"),
        ("tau2", "tau is a probability"),
    ],
)
def test_a_name_outside_the_grammar_says_what_is_wrong(name, said):
    with pytest.raises(UsageError, match="method") as error:
        parse_method(name)
    assert said in str(error.value)


def test_bench_methods_reads_the_grammar_beside_its_own_names():
    assert all(lookup(name, SUDOKU) is not None for name in LISTED)
    cheap = [name for name in LISTED if lookup(name, SUDOKU)[1]]
    assert cheap == [
        *("margin", "steps18", "med", "med0.1", "med0.5", "tau0.9", "margin-prune", "repair"),
        *("med-repair", "guided", "guided-siblings", "guided-fewest"),
    ]
    composed, is_cheap = lookup("top-prob/med0.1+bon8-vf", SUDOKU)
    assert (composed.step.order, composed.paths, is_cheap) == ("top-prob", 8, False)
    assert method_names("expensive", SUDOKU) == [n for n in LISTED if n not in cheap]
    assert set(OWN) <= set(LISTED)
    with pytest.raises(UsageError, match="`bench models`"):
        method_names("margin,arm", SUDOKU)
    with pytest.raises(UsageError, match=r"unknown methods \['sideways'\]; choose from margin"):
        method_names("sideways", SUDOKU)


def test_an_order_study_takes_one_path_in_an_mdm_order_or_an_arms_own():
    study = parse_methods("top-prob/med0.01,steps20,arm")
    assert [m.config.step.schedule for m in study] == ["med", "steps", "one"]
    assert [m.autoregressive for m in study] == [False, False, True]
    with pytest.raises(UsageError, match="one path a puzzle"):
        parse_methods("margin+bon8")
    for name in ("arm-l2r", "arm-oracle", "arm/steps5"):
        with pytest.raises(UsageError, match="'arm' alone, in its own order"):
            parse_methods(name)


def test_every_method_name_a_committed_table_records_is_read_by_its_command():
    summaries = [json.loads(p.read_text()) for p in RESULTS.glob("**/summary.json")]
    models = [row["method"] for s in summaries if "models" in s for row in s["results"]]
    studies = [s["command"].split("--methods ")[1].split()[0] for s in summaries if "figures" in s]
    assert models and studies
    for name in models:
        parse_method(name)
    for names in studies:
        parse_methods(names)


def test_a_name_the_model_would_run_as_something_else_is_refused():
    from puzzlemdm.bench.names import check_for_family, one_spelling

    for name, family, said in (
        ("arm/tau0.9", "arm", "not defined for an autoregressive model"),
        ("margin/z0", "mdm", "the model (mdm) has none"),
        ("margin+bon4-z", "mdm", "the model (mdm) has none"),
        ("margin/z0+bon3-z", "vmd", "which z0 fixes"),
    ):
        with pytest.raises(UsageError, match=re.escape(said)):
            check_for_family(name, parse_method(name), family)
    check_for_family("margin/z0+bon3", parse_method("margin/z0+bon3"), "vmd")  # a VMD: fine
    names = ["med0.1", "margin/med0.1"]
    with pytest.raises(UsageError, match="name one method"):
        one_spelling(names, [parse_method(n) for n in names], "--methods")
    with pytest.raises(UsageError, match="name one method"):
        method_names("med,margin/med0.2", SUDOKU)


def test_a_group_and_a_name_in_it_are_one_method():
    assert method_names("cheap,margin", SUDOKU).count("margin") == 1
