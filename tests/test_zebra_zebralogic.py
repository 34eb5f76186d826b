"""ZebraLogic's puzzles read in their own words (zebra/zebralogic.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from zebralogic_style import ATTRIBUTES, puzzle_text, random_puzzle, solution_json

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.registry import detect_kind
from puzzlemdm.puzzles.zebra.formats import parse_any
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Ref, verify_grid
from puzzlemdm.puzzles.zebra.search import find_solutions
from puzzlemdm.puzzles.zebra.zebralogic import parse_text

EXAMPLE = """\
There are 3 houses, numbered 1 to 3 from left to right, as seen from across the street. \
Each house is occupied by a different person. Each house has a unique attribute for each of \
the following characteristics:
 - Each person has a unique name: `Peter`, `Eric`, `Arnold`.
 - Each person has a unique favorite drink: `tea`, `water`, `milk`

## Clues:

1. Peter is in the second house.
2. Arnold is directly left of the one who only drinks water.
3. There is one house between Arnold and the person who likes milk.
"""


def _shared(puzzle, ref: Ref) -> bool:
    """Whether another attribute of the puzzle has a value spelt as this one."""
    said = puzzle.values[ref.attribute][ref.value].lower()
    return any(
        said in (v.lower() for v in vals)
        for a, vals in enumerate(puzzle.values)
        if a != ref.attribute
    )


@given(
    st.integers(2, 6),
    st.lists(st.integers(0, len(ATTRIBUTES) - 1), min_size=2, max_size=6, unique=True),
    st.integers(0, 2**32 - 1),
)
@settings(max_examples=60, deadline=None)
def test_clues_in_the_generators_words_read_back_as_written(houses, attributes, seed) -> None:
    rng = np.random.default_rng(seed)
    puzzle, grid = random_puzzle(rng, houses, attributes, clues=12)
    flips = [bool(f) for f in rng.integers(2, size=len(puzzle.clues))]
    (record,) = parse_text(puzzle_text(puzzle, attributes, flips), "x")
    read = record.puzzle
    assert read.values == puzzle.values
    assert verify_grid(read, grid).ok  # the true grid satisfies every clue as read
    for written, said in zip(puzzle.clues, read.clues, strict=True):
        assert said.rel == written.rel
        for (truth,), alternatives in zip(written.args, said.args, strict=True):
            assert truth in alternatives
            if truth.attribute == POSITION or not _shared(puzzle, truth):
                assert alternatives == (truth,)


def test_a_value_two_attributes_share_is_read_by_the_wording_around_it() -> None:
    # Name and Children both hold Alice, Color and HairColor both red
    attributes = [0, 6, 4, 5]
    rng = np.random.default_rng(3)
    puzzle, _ = random_puzzle(rng, 3, attributes, clues=0)
    text = puzzle_text(puzzle.with_clues(()), attributes, []) + "\n".join(
        [
            "1. Alice is in the first house.",
            "2. Eric is the person's child is named Alice.",
            "3. The person who has red hair is somewhere to the right of Peter.",
            "4. The person whose favorite color is red is not in the third house.",
            "5. The person who has black hair is the person's child is named Bella.",
        ]
    )
    (record,) = parse_text(text, "x")
    clues = record.puzzle.clues
    assert clues[0].args[0] == (Ref(0, 0),)  # bare "Alice": the Name, as Eric and Peter are
    assert clues[1].args[1] == (Ref(1, 0),)  # "child is named Alice": the Children one
    assert clues[2].args[1] == (Ref(3, 0),)  # "red hair": HairColor
    assert clues[3].args[0] == (Ref(2, 0),)  # "favorite color is red": Color


def test_a_dataset_line_keeps_its_id_names_and_solution() -> None:
    rng = np.random.default_rng(0)
    attributes = [0, 1, 2, 3, 7]
    puzzle, grid = random_puzzle(rng, 5, attributes, clues=30)
    line = {
        "id": "lgp-test-5x5-1",
        "size": "5*5",
        "puzzle": puzzle_text(puzzle, attributes, [False] * 30),
        "solution": solution_json(puzzle, grid),
    }
    text = json.dumps(line) + "\n"
    assert detect_kind(text, "zebralogic.jsonl").name == "zebra"
    (record,) = parse_any(text, "zebralogic.jsonl")
    assert record.id == "lgp-test-5x5-1"
    assert record.puzzle.attributes == ("Name", "Nationality", "Animal", "Drink", "Height")
    assert record.solution == grid
    assert record.meta == {"format": "zebralogic", "search_space": "x-large", "size": "5*5"}


# ZeroEval's evaluation names the sizes (houses*attributes) of each of the paper's groups
ZEROEVAL_GROUPS = {
    "small": "2*2 2*3 2*4 2*5 2*6 3*2 3*3 4*2",
    "medium": "3*4 3*5 3*6 4*3 4*4 5*2 6*2",
    "large": "4*5 5*3 4*6 5*4 6*3",
    "x-large": "5*5 6*4 5*6 6*5 6*6",
}


@pytest.mark.parametrize("group", ZEROEVAL_GROUPS)
def test_each_size_falls_in_the_search_space_group_zeroeval_lists_it_in(group) -> None:
    for size in ZEROEVAL_GROUPS[group].split():
        houses, attributes = map(int, size.split("*"))
        names = ", ".join(f"`v{k}`" for k in range(houses))
        text = (
            f"There are {houses} houses, numbered 1 to {houses} from left to right.\n"
            + "".join(f" - Each person has a unique trait{a}: {names}\n" for a in range(attributes))
            + "\n## Clues:\n1. v0 is in the first house.\n"
        )
        (record,) = parse_text(text)
        assert record.meta["search_space"] == group, size


def test_the_example_is_solved_with_its_one_house_between_clue() -> None:
    assert detect_kind(EXAMPLE, "puzzle.txt").name == "zebra"
    (record,) = parse_any(EXAMPLE, "puzzle.txt")
    puzzle = record.puzzle
    assert puzzle.attributes == ("name", "favorite drink")
    assert puzzle.clues[2].rel == "one_between"
    solutions, _ = find_solutions(puzzle, 2)
    assert solutions == [((2, 0, 1), (0, 1, 2))]  # Arnold, Peter, Eric; tea, water, milk


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("3. There is one house between", "3. There is a house near"), "clue 3 is no sentence"),
        (("`tea`, `water`, `milk`", "`tea`, `water`"), "lists 2 values"),
        (("1. Peter is in the second house.", "1. Peter is in the fifth house."), "clue 1"),
        (("## Clues:", "## Clues:\n4. Bob is in the first house."), "clue 4"),
    ],
)
def test_what_cannot_be_read_is_named_with_its_line(change, message) -> None:
    text = EXAMPLE.replace(*change)
    with pytest.raises(PuzzleError, match=message) as err:
        parse_text(text, "puzzle.txt")
    assert "puzzle.txt" in str(err.value)


def test_several_puzzles_in_one_text_each_start_at_their_opening_line() -> None:
    records = parse_text(EXAMPLE + "\n" + EXAMPLE.replace("second", "first"), "two.txt")
    assert [r.line for r in records] == [1, 11]
    houses = [r.puzzle.clues[0].args[1] for r in records]
    assert houses == [(Ref(POSITION, 1),), (Ref(POSITION, 0),)]


def test_a_language_models_answer_is_read_from_its_response_and_judged() -> None:
    from puzzlemdm.answers import answers_in, judge_answers
    from puzzlemdm.puzzles.zebra.kind import KIND

    (record,) = parse_any(EXAMPLE, "puzzle.txt")  # attributes named "name", "favorite drink"
    grid = ((2, 0, 1), (0, 1, 2))
    houses = {
        f"House {h + 1}": {
            "Name": ("Peter", "Eric", "Arnold")[grid[0][h]].upper(),
            "Drink": ("tea", "water", "milk")[grid[1][h]],
        }
        for h in range(3)
    }  # columns named otherwise than the puzzle's attributes, names in capitals
    draft = {"House 1": {"Name": "Peter", "Drink": "tea"}}
    response = (
        f"First a draft: {json.dumps(draft)} ...\nHouse 1: Arnold.\n```json\n"
        + json.dumps({"reasoning": "Clue 1 puts Peter in house 2.", "solution": houses}, indent=2)
        + "\n```"
    )
    assert KIND.parse_answer(record.puzzle, response) == grid
    wrong = {**houses, "House 1": houses["House 2"], "House 2": houses["House 1"]}
    results = [
        {"session_id": "puzzle.txt:1", "output": [response]},
        {"session_id": "other", "output": [json.dumps({"solution": wrong})]},
    ]
    answers = answers_in(json.dumps(results), "results.json")
    assert [j.ok for j in judge_answers(KIND, [record], answers, "results.json")] == [True]
    record_other = parse_any(EXAMPLE, "other.txt")[0]
    record_other.id = "other"
    (judged,) = judge_answers(KIND, [record_other], answers, "results.json")
    assert "the answer is wrong" in judged.problem


def test_a_template_left_unfilled_is_named() -> None:
    from puzzlemdm.puzzles.zebra.kind import KIND

    (record,) = parse_any(EXAMPLE, "puzzle.txt")
    blank = {f"House {h}": {"Name": "___", "Drink": "___"} for h in (1, 2, 3)}
    with pytest.raises(PuzzleError, match="___"):
        KIND.parse_answer(record.puzzle, json.dumps({"solution": blank}))
    with pytest.raises(PuzzleError, match="houses 1 to 3"):
        KIND.parse_answer(record.puzzle, json.dumps({"House 1": {"Name": "Peter"}}))


def test_the_model_reads_a_house_between_clue_as_not_next_to() -> None:
    from puzzlemdm.puzzles.zebra.tokens import encode, zebra_spec

    (record,) = parse_any(EXAMPLE, "puzzle.txt")
    puzzle = record.puzzle
    weaker = puzzle.with_clues(
        [c if c.rel != "one_between" else Clue(c.id, "not_next_to", c.args) for c in puzzle.clues]
    )
    spec = zebra_spec(6, 6, 32)
    assert (encode(puzzle, spec=spec).tokens == encode(weaker, spec=spec).tokens).all()


TWO_HOUSES = """\
There are 2 houses, numbered 1 to 2 from left to right, as seen from across the street.
 - Each person has a unique name: `Alice`, `Eric`
 - Each mother is accompanied by their child: `Bella`, `Alice`
 - People have unique favorite music genres: `hip hop`, `jazz`
 - The people are of nationalities: `brit`, `swede`
 - Each person has a unique birthday month: `jan`, `sept`
 - Everyone has a unique hobby: `painting`, `gardening`
 - Each person lives in a unique style of house: `victorian`, `colonial`

## Clues:
1. Alice is not in the second house.
2. The person's child is named Bella is the person who loves hip\u2011hop music.
3. The person whose birthday is in September is the Swedish person.
4. The person who paints as a hobby is the person whose birthday is in January.
5. The British person is in the first house.
6. The person living in a colonial-style house is the person who loves jazz music.
7. The person who paints as a hobby is not in the second house.
8. The person's child is named Bella is in the second house.
9. Eric is the person in a Victorian-style house.
"""


def test_values_named_in_other_words_and_a_bare_name_are_read() -> None:
    (record,) = parse_text(TWO_HOUSES, "two.txt")
    puzzle = record.puzzle
    assert puzzle.attributes[-1] == "style of house"
    said = [tuple(alts for alts in c.args) for c in puzzle.clues]
    assert said[0][0] == (Ref(0, 0),)  # "Alice" alone: the Name, Children are worded otherwise
    assert said[1] == ((Ref(1, 0),), (Ref(2, 0),))  # hip‑hop with a non-breaking hyphen
    assert said[2] == ((Ref(4, 1),), (Ref(3, 1),))  # September for `sept`, Swedish for `swede`
    assert said[3] == ((Ref(5, 0),), (Ref(4, 0),))  # "paints" for `painting`, January for `jan`
    assert find_solutions(puzzle, 2)[0] == [
        ((0, 1), (1, 0), (1, 0), (0, 1), (0, 1), (0, 1), (1, 0))
    ]


def test_an_answer_may_name_values_as_the_clues_do() -> None:
    from puzzlemdm.puzzles.zebra.kind import KIND

    (record,) = parse_text(TWO_HOUSES, "two.txt")
    houses = {
        "House 1": {
            "Name": "Alice",
            "Children": "Alice",
            "MusicGenre": "jazz",
            "Nationality": "British",
            "Birthday": "jan",
            "Hobby": "painting",
            "HouseStyle": "colonial",
        },
        "House 2": {
            "Name": "Eric",
            "Children": "Bella",
            "MusicGenre": "hip hop",
            "Nationality": "Swedish",
            "Birthday": "sept",
            "Hobby": "gardening",
            "HouseStyle": "victorian",
        },
    }
    grid = KIND.parse_answer(record.puzzle, json.dumps({"solution": houses}))
    assert grid == ((0, 1), (1, 0), (1, 0), (0, 1), (0, 1), (0, 1), (1, 0))
    assert KIND.verify(record.puzzle, grid).ok


def test_an_unreadable_dataset_line_is_named_by_file_and_line() -> None:
    good = json.dumps({"id": "a", "puzzle": EXAMPLE}) + "\n"
    bad = json.dumps({"id": "b", "puzzle": EXAMPLE.replace("is in the second", "lives near")})
    with pytest.raises(PuzzleError, match=r"^set\.jsonl:2: in its puzzle text: clue 1"):
        parse_any(good + bad + "\n", "set.jsonl")


def test_a_mention_in_a_comment_is_no_zebralogic_puzzle_and_the_last_answer_counts() -> None:
    from puzzlemdm.puzzles.zebra.kind import KIND

    note = "# There are 5 houses, numbered 1 to 5 in my notes\n"
    root = Path(__file__).resolve().parents[1] / "examples"
    for name in ("sudoku.txt", "zebra.txt"):
        text = note + (root / name).read_text()
        assert detect_kind(text, name).name == name.removesuffix(".txt")
    zebra = note + (root / "zebra.txt").read_text()
    assert {r.meta["format"] for r in parse_any(zebra, "zebra.txt")} == {"text"}
    with pytest.raises(PuzzleError, match="numbers 3 houses 1 to 7"):
        parse_text(EXAMPLE.replace("numbered 1 to 3", "numbered 1 to 7"), "x")
    (record,) = parse_any(EXAMPLE, "puzzle.txt")
    right = {
        "House 1": {"Name": "Arnold", "Drink": "tea"},
        "House 2": {"Name": "Peter", "Drink": "water"},
        "House 3": {"Name": "Eric", "Drink": "milk"},
    }
    wrong = {**right, "House 1": right["House 2"], "House 2": right["House 1"]}
    grid = KIND.parse_answer(record.puzzle, json.dumps(right) + "\nactually:\n" + json.dumps(wrong))
    assert not KIND.verify(record.puzzle, grid).ok
    draft = json.dumps({"House 1": {}}) + "\n" + json.dumps(right)
    assert KIND.verify(record.puzzle, KIND.parse_answer(record.puzzle, draft)).ok


def test_a_multiple_choice_question_is_answered_with_the_value_asked() -> None:
    from puzzlemdm.puzzles.zebra.kind import KIND
    from puzzlemdm.puzzles.zebra.render import asked_line

    line = {
        "id": "lgp-test-3x2-1#mc-1",
        "puzzle": EXAMPLE,
        "question": "What is Drink of the person who lives in House 3?",
        "choices": ["tea", "water", "milk"],
        "answer": "milk",
    }
    (record,) = parse_any(json.dumps(line) + "\n", "mc.jsonl")
    assert record.puzzle.asked_values == ((1, 2),)  # "Drink": the favorite drink, house 3
    assert record.meta["choices"] == ["tea", "water", "milk"] and record.meta["answer"] == "milk"
    (grid,) = find_solutions(record.puzzle, 2)[0]
    facts = KIND.answer_facts(record.puzzle, grid)
    assert facts["asked_values"] == [
        {"attribute": "favorite drink", "house": 3, "value": "milk", "decided": True}
    ]
    assert asked_line(record.puzzle, grid) == "Answer: favorite drink of house 3: milk."
    # an open question says so: without clue 3, house 3 may drink water or milk
    loose = record.puzzle.with_clues(record.puzzle.clues[:2])
    loose_grid = find_solutions(loose, 1)[0][0]
    assert "not decided by the clues" in asked_line(loose, loose_grid)


def test_value_questions_round_trip_through_the_projects_text_and_json() -> None:
    from puzzlemdm.puzzles.zebra.formats import puzzle_from_json, puzzle_to_json
    from puzzlemdm.puzzles.zebra.text import format_text
    from puzzlemdm.puzzles.zebra.text import parse_text as parse_project_text

    (record,) = parse_any(EXAMPLE + "\nWhat is name of the person who lives in House 1?\n", "x")
    puzzle = record.puzzle
    assert puzzle.asked_values == ((0, 0),)
    (again,) = parse_project_text(format_text(puzzle), "y")
    assert again.puzzle.asked_values == puzzle.asked_values
    body = puzzle_to_json(puzzle)
    assert body["asked_values"] == [["name", 1]]
    assert puzzle_from_json(body["attributes"], body["clues"], (), body["asked_values"]) == puzzle
    with pytest.raises(PuzzleError, match="asks for none of the attributes"):
        parse_any(EXAMPLE + "\nWhat is Pet of the person who lives in House 1?\n", "x")
    said = format_text(puzzle).replace("What is name", "What is the NAME")  # any case, "the"
    assert parse_project_text(said, "y")[0].puzzle.asked_values == ((0, 0),)
    upper = puzzle_from_json(body["attributes"], body["clues"], (), [["NAME", 1]])
    assert upper.asked_values == ((0, 0),)
    with pytest.raises(ValueError, match="must be"):
        puzzle_from_json(body["attributes"], body["clues"], (), [["name", True]])


def test_reasoning_gyms_copy_of_the_generator_is_read() -> None:
    text = (
        "This is a logic puzzle. There are 3 houses (numbered 1 on the left, 3 on the right), "
        "from the perspective of someone standing across the street from them. Each has a "
        "different person in them. They have different characteristics:\n"
        " - Each person has a unique name: peter, eric, arnold\n"
        " - Each person has a unique favorite drink: tea, water, milk\n\n"
        "1. Peter is in the second house.\n"
        "2. Arnold is directly left of the one who only drinks water.\n"
        "3. There is one house between Arnold and the person who likes milk.\n\n"
        "What is Name of the person who lives in House 1?\n"
    )
    assert detect_kind(text, "rg.txt").name == "zebra"
    (record,) = parse_any(text, "rg.txt")
    (grid,) = find_solutions(record.puzzle, 2)[0]
    assert record.puzzle.values[0][grid[0][0]] == "arnold"
    assert record.puzzle.asked_values == ((0, 0),)


@pytest.mark.parametrize(
    ("asked", "choices", "attribute"),
    [
        ("Nationality", [], 1),  # "The people are of nationalities"
        ("Color", [], 4),  # "favorite color", not "hair colors"
        ("HairColor", [], 5),
        ("Food", ["tea", "milk"], 3),  # no name in common: the choices are drinks
    ],
)
def test_a_question_finds_its_attribute_without_the_solutions_names(
    asked, choices, attribute
) -> None:
    line = json.loads(
        (Path(__file__).resolve().parents[1] / "examples/zebralogic.jsonl").read_text()
    )
    mc = {"id": "mc", "puzzle": line["puzzle"], "choices": choices,
          "question": f"What is {asked} of the person who lives in House 2?"}  # fmt: skip
    (record,) = parse_any(json.dumps(mc) + "\n", "mc.jsonl")
    assert record.puzzle.asked_values == ((attribute, 1),)


@given(st.sampled_from(["easy", "medium", "hard"]), st.integers(0, 10_000))
@settings(max_examples=8, deadline=None)
def test_generated_puzzles_written_as_zebralogics_read_back_the_same(level, seed) -> None:
    from puzzlemdm.puzzles.zebra.kind import KIND
    from puzzlemdm.puzzles.zebra.zebralogic_write import dataset_line

    record = KIND.generate(np.random.default_rng(seed), level)
    record.id = f"{level}-{seed}"
    (again,) = parse_any(dataset_line(record), "set.jsonl")
    assert again.puzzle.clues == record.puzzle.clues
    assert again.puzzle.attributes == record.puzzle.attributes
    assert again.solution == record.solution and again.id == record.id


@given(st.sampled_from(["easy", "medium", "hard"]), st.integers(0, 10_000))
@settings(max_examples=8, deadline=None)
def test_multiple_choice_lines_read_back_and_their_answer_is_judged_right(level, seed) -> None:
    from puzzlemdm.puzzles.zebra.kind import KIND
    from puzzlemdm.puzzles.zebra.zebralogic_write import multiple_choice_line

    record = KIND.generate(np.random.default_rng(seed), level)
    record.id = f"{level}-{seed}"
    line = json.loads(multiple_choice_line(record))
    (again,) = parse_any(json.dumps(line) + "\n", "mc.jsonl")
    ((attribute, house),) = again.puzzle.asked_values
    assert again.puzzle.clues == record.puzzle.clues and again.id == f"{level}-{seed}#mc"
    assert line["answer"] == record.puzzle.values[attribute][record.solution[attribute][house]]
    letter = "ABCDEFGH"[line["choices"].index(line["answer"])]
    for said in (line["answer"], f"Answer: {letter}"):
        assert KIND.judge_short_answer(again, said) == ""
    wrong = next(c for c in line["choices"] if c != line["answer"])
    assert KIND.judge_short_answer(again, wrong).startswith("the answer is wrong")


def test_generate_writes_zebralogics_format_for_zebra_only() -> None:
    from typer.testing import CliRunner

    from puzzlemdm.cli import app

    runner = CliRunner()
    args = ["generate", "zebra", "--level", "easy", "--n", "2", "--format", "zebralogic"]
    result = runner.invoke(app, args)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0 and [line["id"] for line in lines] == [
        "zebra-easy-s0-000000",
        "zebra-easy-s0-000001",
    ]
    assert all(line["puzzle"].startswith("There are ") for line in lines)
    assert all(line["solution"]["header"][0] == "House" for line in lines)
    wrong = runner.invoke(app, ["generate", "sudoku", "--level", "easy", "--format", "zebralogic"])
    assert wrong.exit_code == 2 and "choose jsonl or text" in wrong.stderr
