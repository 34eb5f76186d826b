"""Zebra: generator uniqueness and minimality, solvers, verifier, formats, BBEH targets."""

from __future__ import annotations

import json
from itertools import permutations, product
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind
from puzzlemdm.puzzles.zebra.constraint import constraint_solutions
from puzzlemdm.puzzles.zebra.english import clue_text
from puzzlemdm.puzzles.zebra.formats import grid_to_json, puzzle_to_json
from puzzlemdm.puzzles.zebra.generate import ORDERING, generate_zebra
from puzzlemdm.puzzles.zebra.kind import ZebraKind
from puzzlemdm.puzzles.zebra.levels import generate_level, grade
from puzzlemdm.puzzles.zebra.propagate import narrow
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Ref, Zebra, clue_holds, verify_grid
from puzzlemdm.puzzles.zebra.search import find_solutions, possible_houses, strategy_solve

BBEH = Path("../shared/benchmarks/zebra/bbeh_zebra_structured.jsonl")
DATASETS = Path(__file__).resolve().parent.parent / "datasets" / "zebra"
KIND = ZebraKind()
SAMPLE = [generate_zebra(np.random.default_rng([7, i]), 3 + i % 3, 3 + i % 3) for i in range(9)]


def test_kind_implements_protocol() -> None:
    assert isinstance(KIND, PuzzleKind)
    assert KIND.levels == ("easy", "medium", "hard")


@pytest.mark.parametrize("index", range(len(SAMPLE)))
def test_generated_unique_and_every_clue_needed(index: int) -> None:
    puzzle, grid = SAMPLE[index]
    assert find_solutions(puzzle, 2)[0] == [grid]
    assert constraint_solutions(puzzle, 2) == [grid]  # independent solver agrees
    for i in range(len(puzzle.clues)):
        fewer = puzzle.with_clues(puzzle.clues[:i] + puzzle.clues[i + 1 :])
        assert len(find_solutions(fewer, 2)[0]) == 2, f"clue {i + 1} is redundant"


def test_generation_is_deterministic_per_seed() -> None:
    a = KIND.generate(np.random.default_rng([3, 5]), "medium")
    b = KIND.generate(np.random.default_rng([3, 5]), "medium")
    c = KIND.generate(np.random.default_rng([3, 6]), "medium")
    assert KIND.record_to_json(a) == KIND.record_to_json(b)
    assert KIND.record_to_json(a) != KIND.record_to_json(c)


@pytest.mark.parametrize("level", ["easy", "medium", "hard"])
def test_generate_matches_grade(level: str) -> None:
    record = KIND.generate(np.random.default_rng([11, 0]), level)
    assert record.level == level
    assert KIND.grade(record.puzzle)["level"] == level
    assert KIND.verify(record.puzzle, record.solution).ok


def test_strategy_trace_covers_every_cell_once() -> None:
    puzzle, grid = SAMPLE[8]
    result = strategy_solve(puzzle)
    a_count = len(puzzle.attributes)
    assert result.answer == grid
    cells = [d.cell for d in result.trace]
    assert sorted(cells) == list(range(puzzle.houses * a_count))
    for d in result.trace:  # a decision places a person (attribute, value) in a house
        value, attribute = divmod(d.cell, a_count)
        assert grid[attribute][d.value] == value
    clue_ids = {f"clue:{c.id}" for c in puzzle.clues}
    allowed = clue_ids | {"only_house", "only_value", "lookahead", "guess"}
    assert {d.reason for d in result.trace} <= allowed
    assert any(d.reason in clue_ids for d in result.trace)


def test_propagation_only_puzzle_is_graded_without_lookahead() -> None:
    # the Brit is in house 1, the Swede directly right of him: propagation alone solves it
    puzzle = Zebra(
        ("nationality",),
        (("Brit", "Swede"),),
        (
            Clue(1, "same", ((Ref(0, 0),), (Ref(POSITION, 0),))),
            Clue(2, "left_of_imm", ((Ref(0, 0),), (Ref(0, 1),))),
        ),
    )
    info = grade(puzzle)
    assert info["deduction"] == "propagation"
    assert info["level"] == "easy"
    assert strategy_solve(puzzle).answer == ((0, 1),)


@pytest.mark.parametrize(
    ("rel", "masks", "expected"),
    [
        ("same", (0b011, 0b110), (0b010, 0b010)),
        ("not_same", (0b011, 0b001), (0b010, 0b001)),
        ("left_of", (0b111, 0b011), (0b001, 0b010)),
        ("left_of_imm", (0b111, 0b100), (0b010, 0b100)),
        ("next_to", (0b001, 0b111), (0b001, 0b010)),
        ("not_next_to", (0b111, 0b010), (0b010, 0b010)),
        ("between", (0b1111, 0b1111, 0b1111), (0b0110, 0b0011, 0b1100)),
        ("end", (0b0110,), None),
        ("one_between", (0b0001, 0b1111), (0b0001, 0b0100)),
        ("one_between", (0b0110, 0b0110), None),
        ("two_between", (0b1111, 0b0001), (0b1000, 0b0001)),
    ],
)
def test_narrow_keeps_exactly_the_supported_houses(rel, masks, expected) -> None:
    houses = 4 if rel in ("between", "end", "one_between", "two_between") else 3
    assert narrow(rel, masks, houses) == expected


@given(st.integers(0, 8), st.integers(0, 10_000), st.data())
def test_verifier_names_each_broken_clue(index: int, seed: int, data) -> None:
    puzzle, grid = SAMPLE[index]
    rng = np.random.default_rng(seed)
    attribute = data.draw(st.integers(0, len(grid) - 1))
    corrupt = [list(row) for row in grid]
    corrupt[attribute] = [int(v) for v in rng.permutation(puzzle.houses)]
    corrupt_grid = tuple(tuple(r) for r in corrupt)
    verdict = verify_grid(puzzle, corrupt_grid)
    broken = {f"clue {c.id}" for c in puzzle.clues if not clue_holds(c, corrupt_grid)}
    assert {v.constraint for v in verdict.violations} == broken
    # the solution is unique, so every other grid breaks some clue
    assert verdict.ok == (corrupt_grid == grid)


def test_verifier_rejects_malformed_grids() -> None:
    puzzle, grid = SAMPLE[0]
    assert not KIND.verify(puzzle, None).ok
    bad = (tuple(0 for _ in grid[0]), *grid[1:])
    assert KIND.verify(puzzle, bad).violations[0].constraint == "shape"


def test_check_finds_contradictions() -> None:
    brit, swede = (Ref(0, 0),), (Ref(0, 1),)
    values = (("Brit", "Swede", "Dane"),)
    first = (Ref(POSITION, 0),)
    ok = Zebra(("nationality",), values, (Clue(1, "same", (brit, first)),))
    assert KIND.check(ok).ok
    clash = ok.with_clues((*ok.clues, Clue(2, "same", (swede, first))))
    assert KIND.check_givens(clash).violations[0].constraint == "clues"
    # three people pairwise next to each other cannot stand in a row: one clue at a time
    # finds no contradiction, the search does
    dane = (Ref(0, 2),)
    triangle = ok.with_clues(
        (
            Clue(1, "next_to", (brit, swede)),
            Clue(2, "next_to", (swede, dane)),
            Clue(3, "next_to", (dane, brit)),
        )
    )
    assert KIND.check_givens(triangle).ok
    assert not KIND.check(triangle).ok


def test_english() -> None:
    puzzle = Zebra(
        ("nationality", "colour"),
        (("Brit", "Swede"), ("red", "green")),
        (
            Clue(1, "same", ((Ref(0, 0),), (Ref(1, 0),))),
            Clue(2, "not_same", ((Ref(0, 1),), (Ref(POSITION, 0),))),
            Clue(3, "left_of_imm", ((Ref(1, 1),), (Ref(0, 0),))),
        ),
    )
    texts = [clue_text(puzzle, c) for c in puzzle.clues]
    assert texts == [
        "The Brit lives in the red house.",
        "The Swede does not live in house 1.",
        "The person in the green house lives directly to the left of the Brit.",
    ]


def test_json_round_trip() -> None:
    record = KIND.generate(np.random.default_rng([1, 2]), "easy")
    line = json.dumps(KIND.record_to_json(record))
    assert KIND.sniff(line, "x.jsonl")
    (back,) = KIND.parse_text(line, "x.jsonl")
    assert back.puzzle == record.puzzle
    assert back.solution == record.solution
    assert KIND.answer_to_json(back.puzzle, back.solution) == json.loads(line)["solution"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{", "not JSON"),
        ('{"kind": "sudoku", "puzzle": {}}', "not zebra"),
        (
            '{"puzzle": {"attributes": {"a": ["x", "y"]}, "clues": [{"rel": "near", "args": []}]}}',
            "unknown relation 'near'",
        ),
        (
            '{"puzzle": {"attributes": {"a": ["x", "y"]}, "clues": '
            '[{"rel": "same", "args": [["a", "x"], ["b", "y"]]}]}}',
            "unknown attribute 'b'",
        ),
        (
            '{"puzzle": {"attributes": {"a": ["x", "y"]}, "clues": '
            '[{"rel": "end", "args": [["position", 3]]}]}}',
            "position 3",
        ),
    ],
)
def test_parse_errors_name_the_line(line: str, message: str) -> None:
    with pytest.raises(PuzzleError, match=message) as info:
        KIND.parse_text("\n" + line, "bad.jsonl")
    assert info.value.line == 2
    assert info.value.source == "bad.jsonl"


def test_sniff_is_specific() -> None:
    assert not KIND.sniff("5.3..7....\n", "x.txt")
    assert not KIND.sniff('{"kind": "blocksworld"}\n', "x.jsonl")
    assert not KIND.sniff("(define (problem x)", "x.pddl")


@pytest.mark.skipif(not BBEH.exists(), reason="../shared/benchmarks/zebra not present")
def test_bbeh_targets_forced_and_reproduced() -> None:
    text = BBEH.read_text()
    assert KIND.sniff(text, str(BBEH))
    records = KIND.parse_text(text, str(BBEH))
    assert len(records) == 200
    reproduced, other = 0, {}
    for record in records:
        houses = possible_houses(record.puzzle, record.puzzle.questions[0])
        if houses == [record.meta["target"] - 1]:
            reproduced += 1
        else:
            other[record.meta["idx"]] = [h + 1 for h in houses]
    assert reproduced == 198
    # the two rows with ambiguous phrases: the asked person may live in either of two houses
    assert other == {129: [3, 5], 168: [1, 7]}
    first = records[0]
    result = KIND.solve(first.puzzle, "strategy")
    assert KIND.verify(first.puzzle, result.answer).ok


# --- clues between two values of one attribute (generator version 2) ------------------------


def _within(clue: Clue) -> bool:
    """Two of the clue's people are values of one attribute."""
    attrs = [alts[0].attribute for alts in clue.args if alts[0].attribute != POSITION]
    return len(set(attrs)) < len(attrs)


def _all_grids(houses: int, attributes: int) -> list[tuple[tuple[int, ...], ...]]:
    rows = list(permutations(range(houses)))
    return [tuple(g) for g in product(rows, repeat=attributes)]


WITHIN_RELATIONS = [
    "left_of",
    "left_of_imm",
    "next_to",
    "not_next_to",
    "between",
    "one_between",
    "two_between",
]


@given(
    st.integers(3, 4),
    st.integers(1, 2),
    st.lists(
        st.tuples(st.sampled_from(WITHIN_RELATIONS), st.integers(0, 1), st.permutations(range(4))),
        min_size=1,
        max_size=4,
    ),
)
@settings(max_examples=60, deadline=None)
def test_search_and_verifier_agree_with_brute_force_on_within_attribute_clues(
    houses: int, attributes: int, drawn: list
) -> None:
    # the propagation narrows each arg on its own; brute force over all grids shows that this
    # never loses a grid (sound) and that the complete search finds exactly the true grids
    clues = []
    for i, (rel, attribute, order) in enumerate(drawn):
        values = [v for v in order if v < houses]
        arity = 3 if rel == "between" else 2
        a = attribute % attributes
        clues.append(Clue(i + 1, rel, tuple((Ref(a, v),) for v in values[:arity])))
    names = ("colour", "pet")[:attributes]
    values = tuple(tuple(f"{n}{v}" for v in range(houses)) for n in names)
    puzzle = Zebra(names, values, tuple(clues))
    truth = sorted(
        g for g in _all_grids(houses, attributes) if all(clue_holds(c, g) for c in clues)
    )
    assert sorted(find_solutions(puzzle, 10_000)[0]) == truth
    for grid in truth:
        assert verify_grid(puzzle, grid).ok


def test_within_attribute_clue_semantics() -> None:
    # green (1) directly left of white (2), colour row = value per house
    clue = Clue(1, "left_of_imm", ((Ref(0, 1),), (Ref(0, 2),)))
    assert clue_holds(clue, ((0, 1, 2),))
    assert not clue_holds(clue, ((1, 0, 2),))
    assert not clue_holds(clue, ((2, 1, 0),))
    # the classic: one clue alone leaves exactly the grids with green right before white
    puzzle = Zebra(("colour",), (("red", "green", "white"),), (clue,))
    assert sorted(find_solutions(puzzle, 10)[0]) == [((0, 1, 2),), ((1, 2, 0),)]


def test_english_of_within_attribute_clues() -> None:
    colours = ("red", "green", "white")
    puzzle = Zebra(
        ("colour", "pet"),
        (colours, ("dog", "cat", "fish")),
        (
            Clue(1, "left_of_imm", ((Ref(0, 1),), (Ref(0, 2),))),
            Clue(2, "left_of", ((Ref(0, 0),), (Ref(0, 1),))),
            Clue(3, "next_to", ((Ref(0, 2),), (Ref(0, 0),))),
            Clue(4, "not_next_to", ((Ref(0, 0),), (Ref(0, 1),))),
            Clue(5, "between", ((Ref(0, 1),), (Ref(0, 0),), (Ref(0, 2),))),
            Clue(6, "next_to", ((Ref(1, 0),), (Ref(1, 1),))),
            Clue(7, "between", ((Ref(0, 1),), (Ref(1, 0),), (Ref(0, 2),))),
        ),
    )
    assert [clue_text(puzzle, c) for c in puzzle.clues] == [
        "The green house is directly to the left of the white house.",
        "The red house is somewhere to the left of the green house.",
        "The white house is next to the red house.",
        "The red house is not next to the green house.",
        "The green house is somewhere between the red house and the white house, in that order.",
        "The dog owner lives next to the cat owner.",
        # people of several attributes keep the person phrasing
        "The person in the green house lives somewhere between the dog owner and the person in "
        "the white house, in that order.",
    ]


# generated with within-attribute clues, checked once (hypothesis draws seeds and sizes)
@given(st.integers(0, 2**32 - 1), st.integers(3, 5), st.integers(2, 4))
@settings(max_examples=25, deadline=None)
def test_generated_within_attribute_clues_unique_minimal_and_worded(
    seed: int, houses: int, attributes: int
) -> None:
    puzzle, grid = generate_zebra(np.random.default_rng(seed), houses, attributes)
    within = [c for c in puzzle.clues if _within(c)]
    assume(any(len(c.args) == 2 for c in within))
    assert find_solutions(puzzle, 2)[0] == [grid]
    assert verify_grid(puzzle, grid).ok
    for i in range(len(puzzle.clues)):
        fewer = puzzle.with_clues(puzzle.clues[:i] + puzzle.clues[i + 1 :])
        assert len(find_solutions(fewer, 2)[0]) == 2, f"clue {i + 1} is redundant"
    for clue in within:
        assert clue.rel in (*ORDERING, "between")  # never same / not_same within one attribute
        text = clue_text(puzzle, clue)
        for (ref,) in clue.args:
            assert puzzle.values[ref.attribute][ref.value] in text, text


def test_within_attribute_share_of_ordering_clues() -> None:
    # about a quarter of the two-person ordering clues name one attribute twice in version 2
    # (the generator's WITHIN_ATTRIBUTE rate, thinned by clue-minimality), none in version 1
    def share(version: int) -> float:
        ordering = within = 0
        for i in range(60):
            puzzle, _, _ = generate_level(np.random.default_rng([5, i]), "easy", version=version)
            for clue in puzzle.clues:
                if clue.rel in ORDERING:
                    ordering += 1
                    within += _within(clue)
                else:
                    assert clue.rel == "between" or not _within(clue)
        return within / ordering

    assert 0.15 < share(2) < 0.4
    assert share(1) == 0.0


def test_within_attribute_clues_round_trip_json() -> None:
    # the first of a seeded run that holds a two-person clue within one attribute
    record = next(
        r
        for i in range(50)
        for r in [KIND.generate(np.random.default_rng([4, i]), "easy")]
        if any(_within(c) and len(c.args) == 2 for c in r.puzzle.clues)
    )
    line = json.dumps(KIND.record_to_json(record))
    (back,) = KIND.parse_text(line, "x.jsonl")
    assert back.puzzle == record.puzzle
    assert back.solution == record.solution


def test_generator_version_1_rebuilds_the_committed_splits() -> None:
    # the committed splits are version 1: `version=1` must still draw exactly their puzzles
    for level, seed in (("easy", 1101), ("medium", 1102), ("hard", 1103)):
        path = DATASETS / level / "test.jsonl"
        if not path.exists():
            pytest.skip(f"{path} not present")
        with path.open() as f:
            line = json.loads(f.readline())
        assert line["generator_version"] == 1
        puzzle, grid, info = generate_level(np.random.default_rng([seed, 0]), level, version=1)
        assert puzzle_to_json(puzzle) == {k: v for k, v in line["puzzle"].items() if k != "text"}
        assert grid_to_json(puzzle, grid) == line["solution"]
        assert {**info, "generator_version": 1} == line["meta"]


def test_unknown_generator_version_is_refused() -> None:
    with pytest.raises(ValueError, match="generator version 9"):
        generate_zebra(np.random.default_rng(0), 3, 3, version=9)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('{"categories": ["a"], "values": [1], "clues": []}', "a BBEH line's 'categories'"),
        ('{"categories": [1], "values": {"1": ["x"]}, "clues": []}', "must be names"),
        ('{"categories": ["a", "a"], "values": {"a": ["x"]}, "clues": []}', "name a twice"),
        (
            '{"puzzle": {"attributes": {"age": [1, 2], "b": ["p", "q"]}, "clues": []}}',
            "attribute 'age': values are names, written as strings",
        ),
    ],
)
def test_json_of_the_wrong_types_is_named_not_an_internal_error(line, said) -> None:
    with pytest.raises(PuzzleError, match=said):
        KIND.parse_text(line + "\n", "p.jsonl")
