"""Puzzles written as ZebraLogic's generator writes them (`generate --format zebralogic`)."""

from __future__ import annotations

import json
from typing import Any

from puzzlemdm.puzzles.base import PuzzleRecord
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Ref, Zebra, house_of
from puzzlemdm.puzzles.zebra.zebralogic import ORDINALS, TEMPLATES


def _written(rel: str, positional: bool) -> str:
    """The template a relation is written in: its first, args in order (a house as an
    ordinal for `positional` same / not_same)."""
    return next(
        template
        for template, said, order in TEMPLATES
        if said == rel
        and order == tuple(range(len(order)))
        and ("the {} house" in template) == positional
    )


def puzzle_text(puzzle: Zebra) -> str:
    """A puzzle in ZebraLogic's words (its opening, characteristic lines, numbered clues), which
    `parse_puzzle` reads back; a person is named as the project's English names them."""
    from puzzlemdm.puzzles.zebra.english import ref_phrases

    n = puzzle.houses
    if n > len(ORDINALS):
        raise ValueError(f"ZebraLogic's text names houses up to the {ORDINALS[-1]}")
    lines = [
        f"There are {n} houses, numbered 1 to {n} from left to right, as seen from across the "
        "street. Each house is occupied by a different person. Each house has a unique "
        "attribute for each of the following characteristics:"
    ]
    lines += [
        f" - Each person has a unique {name}: " + ", ".join(f"`{v}`" for v in values)
        for name, values in zip(puzzle.attributes, puzzle.values, strict=True)
    ]
    lines += ["", "## Clues:"]
    for clue in puzzle.clues:
        if any(len(alternatives) != 1 for alternatives in clue.args):
            raise ValueError(f"clue {clue.id} names alternatives, which ZebraLogic's text cannot")
        refs = [alternatives[0] for alternatives in clue.args]
        positional = refs[-1].attribute == POSITION
        said = [
            ORDINALS[ref.value] if ref.attribute == POSITION else ref_phrases(puzzle, ref)[0]
            for ref in refs
        ]
        sentence = _written(clue.rel, positional).format(*said)
        lines.append(f"{clue.id}. {sentence[0].upper()}{sentence[1:]}.")
    for attribute, house in puzzle.asked_values:
        lines += [
            "",
            f"What is {puzzle.attributes[attribute]} of the person who lives in House {house + 1}?",
        ]
    return "\n".join(lines) + "\n"


def dataset_line(record: PuzzleRecord) -> str:
    """A record as a line of ZebraLogic's dataset: `id`, `size`, `puzzle` (its text) and the
    `solution` as `{"header": ["House", ...], "rows": [...]}` (JSON, one line)."""
    puzzle, grid = record.puzzle, record.solution
    line: dict[str, Any] = {
        "id": record.id,
        "size": f"{puzzle.houses}*{len(puzzle.attributes)}",
        "puzzle": puzzle_text(puzzle),
    }
    if grid is not None:
        line["solution"] = {
            "header": ["House", *puzzle.attributes],
            "rows": [
                [str(h + 1), *(puzzle.values[a][grid[a][h]] for a in range(len(grid)))]
                for h in range(puzzle.houses)
            ],
        }
    return json.dumps(line) + "\n"


def multiple_choice_line(record: PuzzleRecord) -> str:
    """A record as a line of ZebraLogic's multiple-choice mode: `id`, `puzzle` (its text),
    `question` ("What is Pet of the person who lives in House 4?"), `choices` (the attribute's
    values) and `answer`. It asks for the person the strategy solver places last, so that
    answering takes the whole deduction."""
    from puzzlemdm.puzzles.zebra.search import find_solutions, strategy_solve

    puzzle = record.puzzle
    grid = record.solution if record.solution is not None else find_solutions(puzzle, 1)[0][0]
    value, attribute = divmod(strategy_solve(puzzle).trace[-1].cell, len(puzzle.attributes))
    house = house_of(grid, Ref(attribute, value))
    name = puzzle.attributes[attribute]
    name = name[:1].upper() + name[1:]  # as ZebraLogic's questions name attributes ("Pet")
    line = {
        "id": f"{record.id}#mc",
        "puzzle": puzzle_text(puzzle),
        "question": f"What is {name} of the person who lives in House {house + 1}?",
        "choices": list(puzzle.values[attribute]),
        "answer": puzzle.values[attribute][value],
    }
    return json.dumps(line) + "\n"
