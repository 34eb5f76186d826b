"""Guided search on every kind's token grid: Zebra's propagation, plain branching for
Blocksworld, and repair re-opening what the Zebra verifier blames; toy models only."""

from pathlib import Path

import pytest
import torch
from decode_toys import Counting, LinearToy, restrict

from puzzlemdm.decode import (
    branch_search,
    classical_nodes,
    guided_search,
    guided_search_batch,
    kind_violations,
)
from puzzlemdm.decode.guided import mrv
from puzzlemdm.decode.repair import repair_mask
from puzzlemdm.puzzles.blocksworld.problem import UNSET, Blocksworld
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku

ZEBRA, BLOCKSWORLD, SUDOKU = get_kind("zebra"), get_kind("blocksworld"), get_kind("sudoku")


class Uniform(torch.nn.Module):
    """Knows nothing: every allowed value equally likely, whatever the grid's shape."""

    def forward(self, tokens, allowed=None):
        return restrict(torch.zeros(allowed.shape, dtype=torch.float64), allowed)


def zebra_records(level: str, count: int):
    path = Path(f"datasets/zebra/{level}/test.jsonl")
    if not path.exists():
        pytest.skip(f"{path} is missing")
    return ZEBRA.parse_text(path.read_text(), str(path))[:count]


@pytest.mark.parametrize("level", ["easy", "hard"])
def test_zebra_guided_search_answers_verify_with_toy_models(level):
    records = zebra_records(level, 4)
    puzzles = [r.puzzle for r in records]
    spec = ZEBRA.spec_for(puzzles)
    for model in (Uniform(), Counting(LinearToy(spec.length, spec.vocab, seed=1))):
        result = guided_search_batch(model, ZEBRA, puzzles, spec, compare_classical=True)
        assert result.info["found"].all()
        for b, puzzle in enumerate(puzzles):
            answer = ZEBRA.decode_tokens(puzzle, result.tokens[b].numpy(), spec)
            assert ZEBRA.verify(puzzle, answer).ok
            # the trace decides every cell once, at its token position, with the answer's value
            path = result.order[b][result.order[b] >= 0]
            cells = ZEBRA.cell_positions(puzzle, spec)
            assert sorted(path.tolist()) == sorted(cells.tolist())
            assert torch.equal(result.values[b][: len(path)], result.tokens[b][path])
        if isinstance(model, Counting):
            assert model.calls == int(result.nfe.max())  # batched: a pass per round
        assert (result.info["classical_nodes"] >= 1).all()


def test_zebra_guided_search_counts_nodes_and_respects_the_limit():
    records = zebra_records("hard", 10)
    spec = ZEBRA.spec_for([r.puzzle for r in records])
    model = LinearToy(spec.length, spec.vocab, seed=1)
    outs = [guided_search(model, ZEBRA, r.puzzle, spec) for r in records]
    assert [o.answer for o in outs] == [r.solution for r in records]  # the test sets are unique
    branched = [(r, o) for r, o in zip(records, outs, strict=True) if o.nodes > 2]
    assert branched, "some hard puzzle should need a guess"
    for record, out in branched:
        assert out.nodes == out.guesses + 1 and out.nfe <= out.nodes
        assert any(d.reason == "guess" for d in out.trace)
        stopped = guided_search(model, ZEBRA, record.puzzle, spec, node_limit=2)
        assert stopped.answer is None and stopped.node_limit_hit and stopped.nodes == 2


def test_zebra_guided_search_in_mrv_order_matches_classical_nodes():
    records = zebra_records("hard", 5)
    spec = ZEBRA.spec_for([r.puzzle for r in records])
    for record in records:
        solved = ZEBRA.guided_search(record.puzzle, spec, mrv)
        assert solved.answer == record.solution
        assert solved.stats["nodes"] == classical_nodes(ZEBRA, record.puzzle, spec)


def test_zebra_guided_search_says_none_for_contradictory_clues():
    puzzle = zebra_records("easy", 1)[0].puzzle
    spec = ZEBRA.spec_for([puzzle])
    first = puzzle.clues[0]
    # the first clue's relation and its negation together admit no grid
    negation = {"same": "not_same", "not_same": "same", "next_to": "not_next_to"}
    if first.rel not in negation:
        pytest.skip("the first clue has no simple negation")
    bad = puzzle.with_clues((*puzzle.clues, type(first)(99, negation[first.rel], first.args)))
    out = guided_search(Uniform(), ZEBRA, bad, spec)
    assert out.answer is None and not out.node_limit_hit


def tiny_blocksworld() -> Blocksworld:
    return Blocksworld(("a", "b", "c"), (0, 0, 0), (2, UNSET, UNSET))  # goal: a on b


def test_blocksworld_falls_back_to_plain_branching_and_solves_a_tiny_problem():
    puzzle = tiny_blocksworld()
    spec = BLOCKSWORLD.spec_for([puzzle])
    assert BLOCKSWORLD.guided_search(puzzle, spec, mrv) is None  # no propagation of its own
    out = guided_search(Uniform(), BLOCKSWORLD, puzzle, spec)
    assert out.answer is not None and BLOCKSWORLD.verify(puzzle, out.answer).ok
    assert out.nodes == out.guesses + 1 and len(out.trace) == out.guesses
    result = guided_search_batch(Uniform(), BLOCKSWORLD, [puzzle], spec)
    target = BLOCKSWORLD.encode(puzzle, out.answer, spec).target
    assert result.tokens[0].tolist() == target.tolist()


def test_blocksworld_branching_stops_cleanly_at_the_node_limit():
    puzzle = Blocksworld(("a", "b", "c"), (0, 1, 2), (0, 0, 0))  # unstack a tower of three
    spec = BLOCKSWORLD.spec_for([puzzle])
    out = guided_search(Uniform(), BLOCKSWORLD, puzzle, spec, node_limit=200)
    assert out.answer is None and out.node_limit_hit and out.nodes == 200 and out.trace == []
    result = guided_search_batch(Uniform(), BLOCKSWORLD, [puzzle], spec, node_limit=50)
    assert result.info["found"].tolist() == [False]
    assert result.tokens[0].tolist() == BLOCKSWORLD.encode(puzzle, spec=spec).tokens.tolist()


def test_plain_branching_prunes_with_the_differ_rules():
    # A 4x4 Sudoku by plain branching (no singles, only the all-different pruning) still solves.
    puzzle = Sudoku(Shape(2, 2), (1, 0, 0, 4) + (0,) * 6 + (4,) + (0,) * 4 + (1,))
    spec = SUDOKU.spec_for([puzzle])
    solved = branch_search(SUDOKU, puzzle, spec, mrv)
    assert SUDOKU.verify(puzzle, solved.answer).ok and not solved.stats["node_limit_hit"]
    assert solved.stats["nodes"] == solved.stats["guesses"] + 1
    clash = Sudoku(Shape(2, 2), (1, 1) + (0,) * 14)
    assert branch_search(SUDOKU, clash, spec, mrv).answer is None


def test_zebra_violations_name_the_broken_clue_s_cells_for_repair():
    record = zebra_records("easy", 1)[0]
    puzzle, spec = record.puzzle, ZEBRA.spec_for([record.puzzle])
    grid = ZEBRA.encode(puzzle, record.solution, spec)
    right = torch.as_tensor(grid.target)[None]
    wrong = right.clone()
    positions = ZEBRA.cell_positions(puzzle, spec)
    a = len(puzzle.attributes)
    first, second = positions[0], positions[a]  # attribute 0 of houses 0 and 1: swapped
    wrong[0, [first, second]] = right[0, [second, first]]
    verdict = ZEBRA.verify(puzzle, ZEBRA.decode_tokens(puzzle, wrong[0].numpy(), spec))
    named = kind_violations(ZEBRA, [puzzle, puzzle], spec)(torch.cat([right, wrong]))
    assert not named[0].any()
    expected = sorted({int(positions[c]) for v in verdict.violations for c in v.cells})
    assert named[1].nonzero().flatten().tolist() == expected
    # repair re-opens them (the zebra rules alone see no clash: a swap keeps the permutation)
    condition = torch.as_tensor(grid.is_condition)[None]
    margin = torch.zeros(1, spec.length, dtype=torch.float64)
    differ = torch.as_tensor(spec.differ)
    alone = repair_mask(wrong, condition, differ, margin, extra=0)
    both = repair_mask(wrong, condition, differ, margin, extra=0, named=named[1:])
    assert expected and not verdict.ok
    assert not alone.any() and both[0].nonzero().flatten().tolist() == expected
