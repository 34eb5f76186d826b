"""Zebra plain text: attribute lines + English clues, read back as english.py writes them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from puzzlemdm.cli import app
from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.registry import detect_kind, get_kind
from puzzlemdm.puzzles.zebra.formats import parse_lines
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Ref, Zebra
from puzzlemdm.puzzles.zebra.sniff import sniff
from puzzlemdm.puzzles.zebra.text import format_text, format_texts, parse_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "zebra.txt"
EASY_TEST = ROOT / "datasets" / "zebra" / "easy" / "test.jsonl"
BBEH = ROOT.parent / "shared" / "benchmarks" / "zebra" / "bbeh_zebra_structured.jsonl"
KIND = get_kind("zebra")

SMALL = """\
# three houses
nationality: Brit, Swede, Dane
colour:  red,green , white
pet: dog, bird, cat

1. The Brit lives in the red house.
2) the green house is directly to the left of the white house
The Swede  lives next to the dog owner.
7. The person in house 3 does not own the bird.
The Dane lives somewhere between the Brit and the cat owner or the bird owner, in that order.
Which house does the cat owner live in?
---
# a second puzzle
drink: tea, coffee

The tea drinker lives in the first or the last house.
"""


def same_puzzle(a: Zebra, b: Zebra) -> None:
    """The same attributes, values, question and clues (relation, args, id)."""
    assert (a.attributes, a.values, a.questions) == (b.attributes, b.values, b.questions)
    assert a.clues == b.clues


def test_reads_every_form_and_forgives_spacing_case_and_full_stops() -> None:
    first, second = parse_text(SMALL, "small.txt")
    assert first.puzzle.attributes == ("nationality", "colour", "pet")
    assert first.puzzle.values[1] == ("red", "green", "white")
    assert first.solution is None and (first.source, first.line) == ("small.txt", 2)
    assert first.puzzle.clues == (
        Clue(1, "same", ((Ref(0, 0),), (Ref(1, 0),))),
        Clue(2, "left_of_imm", ((Ref(1, 1),), (Ref(1, 2),))),
        Clue(3, "next_to", ((Ref(0, 1),), (Ref(2, 0),))),
        Clue(7, "not_same", ((Ref(POSITION, 2),), (Ref(2, 1),))),
        Clue(8, "between", ((Ref(0, 2),), (Ref(0, 0),), (Ref(2, 2), Ref(2, 1)))),
    )
    assert first.puzzle.questions == ((Ref(2, 2),),)
    assert second.puzzle.values == (("tea", "coffee"),) and second.line == 14
    assert second.puzzle.clues == (Clue(1, "end", ((Ref(0, 0),),)),)


def test_values_holding_template_words_split_right() -> None:
    # " and " / " or " / " is " inside values must not derail the split at the template's words
    puzzle = Zebra(
        ("handbag brand", "likes a different food", "name"),
        (("Dolce and Gabbana", "Tumi"), ("fish or chips", "pasta is good"), ("Bob", "Eve")),
        (
            Clue(1, "between", ((Ref(0, 0),), (Ref(1, 0),), (Ref(0, 1), Ref(1, 1)))),
            Clue(2, "same", ((Ref(2, 0),), (Ref(1, 0), Ref(0, 0)))),
            Clue(3, "not_same", ((Ref(1, 1),), (Ref(2, 1),))),
        ),
    )
    same_puzzle(parse_text(format_text(puzzle))[0].puzzle, puzzle)


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    level=st.sampled_from(KIND.levels),
    version=st.sampled_from((1, 2)),
)
def test_generated_puzzles_round_trip(seed: int, level: str, version: int) -> None:
    record = KIND.generate(np.random.default_rng([seed, 3]), level, generator_version=version)
    text = format_text(record.puzzle)
    assert sniff(text, "gen.txt")
    same_puzzle(parse_text(text)[0].puzzle, record.puzzle)


def test_committed_easy_puzzles_round_trip_as_one_file() -> None:
    lines = EASY_TEST.read_text().splitlines()[:20]
    records = parse_lines("\n".join(lines), str(EASY_TEST))
    text = format_texts(r.puzzle for r in records)
    assert detect_kind(text, "easy.txt").name == "zebra"
    back = KIND.parse_text(text, "easy.txt")
    assert len(back) == 20
    for line, record, read in zip(lines, records, back, strict=True):
        same_puzzle(read.puzzle, record.puzzle)
        # the text is the clue text the corpus line carries
        clues = format_text(read.puzzle).split("\n\n")[1].splitlines()
        assert clues == json.loads(line)["puzzle"]["text"]


@pytest.mark.skipif(not BBEH.exists(), reason="../shared/benchmarks/zebra not present")
def test_bbeh_puzzles_with_ambiguous_phrases_and_questions_round_trip() -> None:
    lines = BBEH.read_text().splitlines()
    picked = [ln for ln in lines if '"has_ambiguous_phrase": true' in ln][:2] + lines[:2]
    records = parse_lines("\n".join(picked), str(BBEH))
    back = parse_text(format_texts(r.puzzle for r in records))
    for record, read in zip(records, back, strict=True):
        same_puzzle(read.puzzle, record.puzzle)


def test_example_file_is_zebra_and_solves_verified() -> None:
    text = EXAMPLE.read_text()
    assert detect_kind(text, str(EXAMPLE)).name == "zebra"
    (record,) = KIND.parse_text(text, str(EXAMPLE))
    assert (record.puzzle.houses, len(record.puzzle.attributes)) == (5, 5)
    runner = CliRunner()
    result = runner.invoke(app, ["solve", str(EXAMPLE), "--solver", "strategy"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["solve", str(EXAMPLE), "--json", "--solver", "strategy"])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert row["kind"] == "zebra" and row["verified"] is True and row["status"] == "solved"


def test_jsonl_still_reads_through_the_kind() -> None:
    text = "\n".join(EASY_TEST.read_text().splitlines()[:2])
    records = KIND.parse_text(text, "easy.jsonl")
    assert records[0].solution is not None and records[0].id.startswith("zebra-easy")


HEADER = "nationality: Brit, Swede\ncolour: red, green\n\n"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (HEADER + "1. The Brit lives in red.\n", 4, "cannot read the clue 'The Brit lives in"),
        (HEADER + "The Brit owns the zebra.\n", 4, "'The Brit lives in house 1.' or"),
        (HEADER + "1. The Brit is the Swede.\npet: dog, cat\n", 5, "attribute lines come first"),
        ("nationality: Brit, Swede\ncolour: red, green, white\n", 2, "one value per house"),
        ("colour: red, red\n1. The person in the red house lives in house 1.\n", 1, "repeats"),
        ("colour: red, , green\n", 1, "empty value"),
        ("1. The Brit lives in the red house.\n", 1, "expected attribute lines"),
        (HEADER, 2, "no clues"),
        (HEADER + "The Brit is the Swede.\nWho is it?\n", 5, "cannot read the question 'Who is"),
        (HEADER + "1. There are three houses.\n", 4, "give 2 values each"),
        ("colour: red, green\ncolour: blue, white\n", 2, "listed twice"),
        ("position: left, right\n", 1, "reserved"),
        ("position: 1, 2\n", 1, "only number the houses"),
    ],
)
def test_errors_name_source_line_and_what_was_expected(text: str, line: int, expected: str) -> None:
    with pytest.raises(PuzzleError) as err:
        parse_text(text, "bad.txt")
    assert (err.value.source, err.value.line) == ("bad.txt", line)
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_empty_file_and_unwritable_names() -> None:
    with pytest.raises(PuzzleError, match="no zebra puzzle found"):
        parse_text("# only a comment\n\n", "empty.txt")
    comma = Zebra(("brand",), (("Dolce, Gabbana", "Tumi"),), ())
    with pytest.raises(ValueError, match="cannot be written"):
        format_text(comma)


OTHER_KINDS = {
    "sudoku": [
        (ROOT / "examples" / "sudoku.txt").read_text(),
        "quizzes,solutions\n" + "." * 81 + "," + "1" * 81 + "\n",
        "5 3 . | . 7 . | . . .\n6 . . | 1 9 5 | . . .\n------+-------+------\n",
        '{"kind": "sudoku", "puzzle": "' + "." * 81 + '"}\n',
    ],
    "blocksworld": [
        "(define (problem p) (:domain blocksworld)\n(:objects a b)\n(:init (on a b))\n"
        "(:goal (on b a)))\n",
        '{"kind": "blocksworld", "init": [], "goal": []}\n',
    ],
    "zebra": [
        EASY_TEST.read_text().splitlines()[0] + "\n",
        SMALL,
        "nationality: Brit, Swede\ncolour: red, green\n",  # clues yet to come: still zebra
    ],
}


@pytest.mark.parametrize(
    ("kind", "text"), [(k, t) for k, texts in OTHER_KINDS.items() for t in texts]
)
def test_each_kind_claims_only_its_own_files(kind: str, text: str) -> None:
    assert detect_kind(text, "file").name == kind


@pytest.mark.parametrize(
    "text",
    [
        "id,puzzle: x, solution\n1,2,3\n",  # CSV header with a colon
        "key: one\nanother: two\n",  # single values: not attribute lines
        'colour: red, green\n{"kind": "zebra"}\n',
        "; comment: a, b\n(define (problem p))\n",
        "Some prose without any attribute lines, even with commas.\n",
    ],
)
def test_zebra_sniffer_refuses_what_is_not_zebra_text(text: str) -> None:
    assert not sniff(text, "file")


def test_a_question_the_clues_leave_open_names_every_possible_house() -> None:
    from puzzlemdm.puzzles.zebra.render import asked_line
    from puzzlemdm.puzzles.zebra.search import find_solutions

    text = (
        "nationality: Brit, Swede, Norwegian\ncolour: red, green, white\npet: dog, bird, zebra\n\n"
        "The Brit lives in the red house.\n{more}Which house does the zebra owner live in?\n"
    )
    (open_record,) = parse_text(text.format(more=""))
    answer = find_solutions(open_record.puzzle, 1)[0][0]
    assert asked_line(open_record.puzzle, answer) == (
        "Answer: not decided by the clues: house 1, 2 or 3 (the zebra owner)."
    )
    pinned = "The zebra owner lives in house 3.\n"
    (record,) = parse_text(text.format(more=pinned))
    answer = find_solutions(record.puzzle, 1)[0][0]
    assert asked_line(record.puzzle, answer) == "Answer: house 3 (the zebra owner)."


def test_solve_json_says_which_houses_a_question_allows(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from puzzlemdm.cli import app

    text = (
        "nationality: Brit, Swede, Norwegian\ncolour: red, green, white\npet: dog, bird, zebra\n"
        "\nThe Brit lives in the red house.\n{more}Which house does the zebra owner live in?\n"
    )
    facts = []
    for more in ("", "The zebra owner lives in house 3.\n"):
        puzzle = tmp_path / "q.txt"
        puzzle.write_text(text.format(more=more))
        result = CliRunner().invoke(app, ["solve", str(puzzle), "--solver", "strategy", "--json"])
        facts.append(json.loads(result.stdout)["question"])
    assert facts == [
        [{"person": "the zebra owner", "houses": [1, 2, 3], "decided": False}],
        [{"person": "the zebra owner", "houses": [3], "decided": True}],
    ]


def test_clues_are_read_without_regard_to_case() -> None:
    header = (
        "nationality: Brit, Swede, Norwegian\ncolour: red, green, white\npet: dog, bird, zebra\n\n"
    )
    (typed,) = parse_text(
        header + "the brit lives in the RED house.\nThe Norwegian lives in house 1.\n"
    )
    (proper,) = parse_text(
        header + "The Brit lives in the red house.\nThe Norwegian lives in house 1.\n"
    )
    assert typed.puzzle == proper.puzzle


def test_other_names_of_the_classic_attributes_keep_them_and_read_the_classic_phrases() -> None:
    header = "Nationality: Brit, Swede\nColor: red, green\nPets: dog, bird\n\n"
    (theirs,) = parse_text(
        header + "The Brit lives in the red house.\nThe dog owner is the Swede.\n"
    )
    assert theirs.puzzle.attributes == ("Nationality", "Color", "Pets")  # as typed
    (spelt,) = parse_text(
        header + "The person whose Nationality is Brit is the person whose Color is red.\n"
        "The person whose Pets is dog is the person whose Nationality is Swede.\n"
    )
    assert spelt.puzzle == theirs.puzzle
    written = format_text(theirs.puzzle)  # in the classic phrases, and it reads back
    assert "1. The Brit lives in the red house." in written.splitlines()
    (again,) = parse_text(written)
    assert again.puzzle == theirs.puzzle
    other_clue = "The person whose Job is baker lives in house 1.\n"
    (other,) = parse_text("Job: baker, smith\ncolour: red, green\n\n" + other_clue)
    assert other.puzzle.attributes == ("Job", "colour")


def test_or_in_a_negated_clue_is_refused_unless_marked_as_left_open() -> None:
    # "The Brit is not A or B" says neither in English; read as "not one of them" it never
    # rules anything out, and a puzzle with two answers was called solved
    head = "nationality: Brit, Swede, Dane\npet: dog, bird, cat\n"
    for clue in (
        "The Brit is not the dog owner or the bird owner.",
        "The Brit does not live next to the Swede or the Dane.",
        "The person in house 2 is not the Brit or the Swede.",
    ):
        with pytest.raises(PuzzleError, match="may mean neither"):
            parse_text(head + "1. " + clue)
    marked = "1. The Brit is not the dog owner or the bird owner (one of them, unsaid which)."
    (record,) = parse_text(head + marked)
    assert record.puzzle.clues == (Clue(1, "not_same", ((Ref(0, 0),), (Ref(1, 0), Ref(1, 1)))),)
    assert format_text(record.puzzle).splitlines()[-1] == marked
    with pytest.raises(PuzzleError, match="names no alternatives"):
        parse_text(head + "1. The Brit is not the dog owner (one of them, unsaid which).")
