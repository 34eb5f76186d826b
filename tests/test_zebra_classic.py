"""The classic Zebra puzzle's own words (zebra/classic.py), read into the clues they mean."""

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
from puzzlemdm.puzzles.zebra.formats import puzzle_from_json, puzzle_to_json
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Ref
from puzzlemdm.puzzles.zebra.search import find_solutions
from puzzlemdm.puzzles.zebra.text import format_text, parse_text

EINSTEIN = Path(__file__).resolve().parent.parent / "examples" / "einstein.txt"
HEADER = "nationality: Brit, Swede, Dane\ncolour: red, green, white\npet: dog, bird, horse\n\n"


def clue(sentence: str, header: str = HEADER) -> Clue:
    (record,) = parse_text(header + sentence + "\n")
    (said,) = record.puzzle.clues
    return said


def test_the_magazine_puzzle_reads_in_its_own_words_and_has_its_one_answer() -> None:
    (record,) = parse_text(EINSTEIN.read_text())
    puzzle = record.puzzle
    clues = {c.id: c for c in puzzle.clues}
    assert sorted(clues) == list(range(2, 16))  # line 1 states the count: no clue
    coffee, green, ivory, milk = Ref(3, 0), Ref(1, 1), Ref(1, 2), Ref(3, 2)
    assert clues[4] == Clue(4, "same", ((coffee,), (green,)))  # "Coffee is drunk in ..."
    assert clues[6] == Clue(6, "left_of_imm", ((ivory,), (green,)))  # "... to the right of"
    assert clues[9] == Clue(9, "same", ((milk,), (Ref(POSITION, 2),)))  # "the middle house"
    assert clues[10] == Clue(10, "same", ((Ref(0, 3),), (Ref(POSITION, 0),)))
    assert clues[11] == Clue(11, "next_to", ((Ref(4, 2),), (Ref(2, 2),)))  # "the man with ..."
    assert clues[12] == Clue(12, "next_to", ((Ref(4, 1),), (Ref(2, 3),)))  # "where ... is kept"
    assert clues[15] == Clue(15, "next_to", ((Ref(0, 3),), (Ref(1, 4),)))  # "the blue house"
    assert puzzle.questions == ((Ref(3, 4),), (Ref(2, 4),))  # who drinks water / owns the zebra
    solutions, _ = find_solutions(puzzle, 2)
    (grid,) = solutions
    nationality = puzzle.values[0]
    assert nationality[grid[0][grid[3].index(4)]] == "Norwegian"  # the water drinker
    assert nationality[grid[0][grid[2].index(4)]] == "Japanese"  # the zebra owner


ROSETTA = """\
nationality: English, Swede, Dane, Norwegian, German
colour: red, green, white, yellow, blue
pet: dog, birds, cats, horse, zebra
drink: tea, coffee, milk, beer, water
smoke: Pall Mall, Dunhill, Blend, Blue Master, Prince

There are five houses.
The English man lives in the red house.
The Swede has a dog.
The Dane drinks tea.
The green house is immediately to the left of the white house.
They drink coffee in the green house.
The man who smokes Pall Mall has birds.
In the yellow house they smoke Dunhill.
In the middle house they drink milk.
The Norwegian lives in the first house.
The man who smokes Blend lives in the house next to the house with cats.
In a house next to the house where they have a horse, they smoke Dunhill.
The man who smokes Blue Master drinks beer.
The German smokes Prince.
The Norwegian lives next to the blue house.
They drink water in a house next to the house where they smoke Blend.
Who owns the zebra?
"""


def test_the_other_common_wording_reads_too() -> None:
    # the version many programming sites pose ("They drink coffee in the green house.")
    (record,) = parse_text(ROSETTA)
    puzzle = record.puzzle
    clues = {c.id: c for c in puzzle.clues}
    assert len(clues) == 15
    assert clues[6] == Clue(6, "same", ((Ref(3, 1),), (Ref(1, 1),)))  # coffee, green
    assert clues[8] == Clue(8, "same", ((Ref(4, 1),), (Ref(1, 3),)))  # "In the yellow house they"
    assert clues[12] == Clue(12, "next_to", ((Ref(4, 1),), (Ref(2, 3),)))  # "In a house next to"
    assert clues[16] == Clue(16, "next_to", ((Ref(3, 4),), (Ref(4, 2),)))
    (grid,), _ = find_solutions(puzzle, 2)
    assert puzzle.values[0][grid[0][grid[2].index(4)]] == "German"  # owns the zebra


def test_solve_answers_each_question_with_the_person_the_clues_decide() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["solve", str(EINSTEIN), "--solver", "strategy"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "Answers: house 1 (the water drinker: the Norwegian); house 5 (the zebra owner: " in said
    result = runner.invoke(app, ["solve", str(EINSTEIN), "--solver", "strategy", "--json"])
    row = json.loads(result.stdout.splitlines()[0])
    assert [[asked["houses"] for asked in q] for q in row["questions"]] == [[[1]], [[5]]]
    residents = [[asked["resident"] for asked in q] for q in row["questions"]]
    assert residents == [["the Norwegian"], ["the Japanese"]]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Brit lives directly to the right of the Swede.", ("left_of_imm", 1, 0)),
        ("The Brit lives immediately to the left of the Swede.", ("left_of_imm", 0, 1)),
        ("The Brit lives somewhere to the right of the Swede.", ("left_of", 1, 0)),
        ("The man who keeps the dog lives in the house next to the Swede.", ("next_to", 2, 1)),
        ("The Brit is the neighbour of the woman who owns a bird.", ("next_to", 0, 3)),
    ],
)
def test_right_of_reads_as_left_of_with_the_people_swapped(sentence: str, expected) -> None:
    people = {0: Ref(0, 0), 1: Ref(0, 1), 2: Ref(2, 0), 3: Ref(2, 1)}
    rel, first, second = expected
    assert clue(sentence) == Clue(1, rel, ((people[first],), (people[second],)))


def test_houses_by_their_place_in_the_row() -> None:
    assert clue("The Brit lives in the last house.") == Clue(
        1, "same", ((Ref(0, 0),), (Ref(POSITION, 2),))
    )
    assert clue("The man in the second house owns a horse.") == Clue(
        1, "same", ((Ref(POSITION, 1),), (Ref(2, 2),))
    )
    even = "nationality: Brit, Swede\ncolour: red, green\n\n"
    with pytest.raises(PuzzleError, match="2 houses have no middle one"):
        clue("The Brit lives in the middle house.", even)
    assert clue("The Brit lives in the first house on the left.") == Clue(
        1, "same", ((Ref(0, 0),), (Ref(POSITION, 0),))
    )
    assert clue("The horse is kept in the house next to the dog.") == Clue(
        1, "next_to", ((Ref(2, 2),), (Ref(2, 0),))
    )


def test_a_puzzle_s_own_phrase_wins_over_a_classic_word() -> None:
    header = "nationality: Brit, Swede, Dane\ncolour: first, green, white\n\n"
    # "the first house" is the colour here, not house 1
    assert clue("The Brit lives next to the first house.", header) == Clue(
        1, "next_to", ((Ref(0, 0),), (Ref(1, 0),))
    )


def test_to_the_left_of_alone_is_not_read_either_way() -> None:
    # copies of the puzzle mean "directly" or "somewhere" by it: ask rather than guess
    with pytest.raises(PuzzleError, match="cannot read the clue"):
        clue("The Brit lives to the left of the Swede.")
    with pytest.raises(PuzzleError) as said:  # an unknown noun, the distance said
        clue("The Brit lives directly to the left of the cat lover.")
    assert "may mean next to" not in str(said.value) and "expected a sentence" in str(said.value)


def test_several_questions_survive_text_and_json() -> None:
    (record,) = parse_text(HEADER + "The Brit owns the dog.\nWho owns the bird? Who is the Dane?\n")
    puzzle = record.puzzle
    assert puzzle.questions == ((Ref(2, 1),), (Ref(0, 2),))
    (back,) = parse_text(format_text(puzzle))
    assert back.puzzle == puzzle
    written = puzzle_to_json(puzzle)
    assert "question" not in written and len(written["questions"]) == 2
    again = puzzle_from_json(written["attributes"], written["clues"], written["questions"])
    assert again == puzzle


def test_attributes_named_otherwise_answer_in_the_classic_words(tmp_path) -> None:
    renamed = EINSTEIN.read_text().replace("nationality:", "Nationality:").replace("pet:", "Pets:")
    puzzle = tmp_path / "einstein.txt"
    puzzle.write_text(renamed)
    result = CliRunner().invoke(app, ["solve", str(puzzle), "--solver", "strategy"])
    assert result.exit_code == 0, result.output
    assert "house 5 (the zebra owner: the Japanese)" in " ".join(result.stdout.split())


def test_a_line_that_numbers_the_houses_is_no_attribute() -> None:
    numbered = "house: 1, 2, 3\n" + HEADER + "The Brit owns the dog.\n"
    (record,) = parse_text(numbered)
    (plain,) = parse_text(HEADER + "The Brit owns the dog.\n")
    assert record.puzzle == plain.puzzle
    with pytest.raises(PuzzleError, match="only number the houses"):
        parse_text("house: 1, 2, 3\n\nThe person in house 1 lives in house 1.\n")
    other = "house: 3, 1, 2\ncolour: red, green, blue\n\n"
    said = "The person in the red house is the person whose house is 3.\n"
    (kept,) = parse_text(other + said)
    assert kept.puzzle.attributes == ("house", "colour")  # numbers in another order: an attribute


RIDDLE = """\
Nationality: Brit, Swede, Dane, Norwegian, German
Color: red, green, white, yellow, blue
Pets: dogs, birds, cats, horses, fish
Beverages: tea, coffee, milk, beer, water
Cigarettes: Pall Mall, Dunhill, Blends, BlueMaster, Prince

Hints:
(1) The Brit lives in the red house.
(2) The Swede keeps dogs as pets.
Clue 3: The Dane drinks tea.
4: The green house is directly to the left of the white house.
- The green house's owner drinks coffee.
- The person who smokes Pall Mall rears birds.
* The owner of the yellow house smokes Dunhill.
8. The man living in the center house drinks milk.
9. The Norwegian lives in the first house.
10. The man who smokes Blends lives next to the one who keeps cats.
11. The man who keeps horses lives next door to the man who smokes Dunhill.
12. The owner who smokes BlueMaster drinks beer.
13. The German smokes Prince.
14. The Norwegian lives next to the blue house.
15. The man who smokes Blends has a neighbor who drinks water.
16. The Dane doesn't live in the first house.
Who owns the fish?
"""


def test_the_riddle_s_wording_headings_and_numbering_read() -> None:
    # "Einstein's riddle" as it circulates: other header names, a heading, numbers as (1),
    # "Clue 3:", "4:" and bullets, contractions, "next door", "has a neighbor who"
    (record,) = parse_text(RIDDLE)
    puzzle = record.puzzle
    ids = [c.id for c in puzzle.clues]
    assert ids == list(range(1, 17))
    clues = {c.id: c for c in puzzle.clues}
    assert clues[8] == Clue(8, "same", ((Ref(POSITION, 2),), (Ref(3, 2),)))  # centre house
    assert clues[16] == Clue(16, "not_same", ((Ref(0, 2),), (Ref(POSITION, 0),)))
    assert clues[15] == Clue(15, "next_to", ((Ref(4, 2),), (Ref(3, 4),)))
    (grid,), _ = find_solutions(puzzle, 2)
    assert puzzle.values[0][grid[0][grid[2].index(4)]] == "German"  # owns the fish


def test_a_direction_without_its_distance_is_refused_with_the_reason() -> None:
    with pytest.raises(PuzzleError, match="'on the left of' may mean next to or anywhere"):
        clue("The green house is on the left of the white house.")


def test_verify_takes_the_answer_as_solve_prints_it(tmp_path) -> None:
    runner = CliRunner()
    printed = runner.invoke(app, ["solve", str(EINSTEIN), "--solver", "strategy"]).stdout
    answer = tmp_path / "answer.txt"
    answer.write_text(printed.lower())  # one line a house; values in any case
    result = runner.invoke(app, ["verify", str(EINSTEIN), "--answer", str(answer)])
    assert result.exit_code == 0, result.output
    swapped = printed.replace("green, zebra", "green, HORSE").replace("blue, horse", "blue, zebra")
    answer.write_text(swapped)
    result = runner.invoke(app, ["verify", str(EINSTEIN), "--answer", str(answer)])
    assert result.exit_code == 1 and "the answer is wrong: clue" in result.stdout


def test_review_findings_stay_fixed(tmp_path) -> None:
    # a numbered question reads like a numbered clue
    (record,) = parse_text(HEADER + "1. The Brit owns the dog.\n2. Who owns the bird?\n")
    assert record.puzzle.questions == ((Ref(2, 1),),)
    # an attribute line with no values is refused, not skipped as a heading
    with pytest.raises(PuzzleError, match="'pets' has an empty value"):
        parse_text("nationality: Brit, Swede\npets:\ncolour: red, green\n\nThe Brit owns...\n")
    # a real attribute of numbers stays one
    numbers = "number: 1, 2\ncolour: red, green\n\n"
    (numbered,) = parse_text(numbers + "The person in the red house does not live in house 1.\n")
    assert numbered.puzzle.attributes == ("number", "colour")
    # a colour attribute named otherwise speaks of its houses, as "colour" does
    (renamed,) = parse_text(
        "Color: red, green\nnationality: Brit, Swede\n\n"
        "The red house is directly to the left of the green house.\n"
    )
    assert "1. The red house is directly to the left of the green house." in format_text(
        renamed.puzzle
    )
    # an answer one line a house gives houses 1..n once, a value of every attribute each
    printed = CliRunner().invoke(app, ["solve", str(EINSTEIN), "--solver", "strategy"]).stdout
    answer = tmp_path / "a.txt"
    for broken, said in (
        (printed.replace("house 1:", "house 11:"), "houses 1 to 5"),
        (printed.replace("Kools", "Kools, extra"), "has 6 values"),
    ):
        answer.write_text(broken)
        result = CliRunner().invoke(app, ["verify", str(EINSTEIN), "--answer", str(answer)])
        assert result.exit_code == 1 and said in result.output, result.output


def test_verify_reads_solve_s_table_and_refuses_a_changed_one(tmp_path) -> None:
    zebra = str(EINSTEIN.parent / "zebra.txt")
    runner = CliRunner()
    printed = runner.invoke(app, ["solve", zebra, "--solver", "strategy"]).stdout
    assert "\u2502" in printed  # a table: it fits 80 columns
    answer = tmp_path / "table.txt"
    answer.write_text(printed)
    assert runner.invoke(app, ["verify", zebra, "--answer", str(answer)]).exit_code == 0
    answer.write_text(
        printed.replace(" dog ", " @ ").replace(" bird ", " dog ").replace(" @ ", " bird ")
    )
    result = runner.invoke(app, ["verify", zebra, "--answer", str(answer)])
    assert result.exit_code == 1 and "the answer is wrong" in result.stdout


def classic_noun(puzzle, ref: Ref, draw) -> str:
    """A person in one of the classic wordings: the puzzle's own noun, or who they are."""
    from puzzlemdm.puzzles.zebra.english import ref_phrases

    noun, predicate, _ = ref_phrases(puzzle, ref)
    return draw(st.sampled_from([noun, f"the man who {predicate}", f"the one who {predicate}"]))


def classic_sentence(puzzle, clue_: Clue, draw) -> str:
    """One generated clue reworded as copies of the classic puzzle word it (or as written)."""
    from puzzlemdm.puzzles.zebra.english import clue_text

    if any(len(alts) != 1 for alts in clue_.args) or clue_.rel not in (
        "left_of", "left_of_imm", "next_to",
    ):  # fmt: skip
        return clue_text(puzzle, clue_)
    x, y = (classic_noun(puzzle, alts[0], draw) for alts in clue_.args)
    forms = {
        "left_of": [f"{y} lives somewhere to the right of {x}"],
        "left_of_imm": [
            f"{x} lives immediately to the left of {y}", f"{y} lives directly to the right of {x}",
        ],
        "next_to": [
            f"{x} lives next door to {y}", f"{x} lives in the house next to {y}",
            f"{x} is the neighbour of {y}",
        ],
    }  # fmt: skip
    sentence = draw(st.sampled_from(forms[clue_.rel]))
    return sentence[0].upper() + sentence[1:] + "."


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16), level=st.sampled_from(["easy", "medium", "hard"]), data=st.data()
)
def test_generated_clues_in_classic_words_read_as_the_same_clues(seed, level, data) -> None:
    from puzzlemdm.puzzles.registry import get_kind

    record = get_kind("zebra").generate(np.random.default_rng([seed, 17]), level)
    puzzle = record.puzzle
    header = format_text(puzzle).split("\n\n")[0]
    sentences = [f"{c.id}. {classic_sentence(puzzle, c, data.draw)}" for c in puzzle.clues]
    (read,) = parse_text(header + "\n\n" + "\n".join(sentences) + "\n")
    assert read.puzzle.clues == puzzle.clues


def test_wrapped_house_lines_and_an_attributes_heading_read() -> None:
    from puzzlemdm.puzzles.zebra.formats import answer_from_printout

    (record,) = parse_text("Attributes:\n" + HEADER + "The Brit owns the dog.\n")
    assert record.puzzle.attributes == ("nationality", "colour", "pet")
    printout = (
        "house 1: Brit, red,\n  dog\nhouse 2: Swede, green, bird\nhouse 3: Dane, white, horse\n"
    )
    answer = answer_from_printout(record.puzzle, printout)
    assert answer == {
        "nationality": ["Brit", "Swede", "Dane"],
        "colour": ["red", "green", "white"],
        "pet": ["dog", "bird", "horse"],
    }
