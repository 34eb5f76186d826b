"""Zebra and Blocksworld augmentations keep a puzzle's meaning; equivalence sees through them."""

from dataclasses import replace
from itertools import permutations
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from puzzlemdm.puzzles.base import PuzzleRecord
from puzzlemdm.puzzles.blocksworld.problem import UNSET, Blocksworld
from puzzlemdm.puzzles.blocksworld.symmetry import canonical_key as blocks_key
from puzzlemdm.puzzles.grid import stack
from puzzlemdm.puzzles.registry import get_kind
from puzzlemdm.puzzles.zebra.puzzle import POSITION, Clue, Ref, Zebra
from puzzlemdm.puzzles.zebra.symmetry import SYMMETRIC
from puzzlemdm.puzzles.zebra.symmetry import canonical_key as zebra_key
from puzzlemdm.puzzles.zebra.tokens import RELATION_INDEX, SLOTS

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["zebra", "blocksworld"]
RELATION_NAMES = {i: name for name, i in RELATION_INDEX.items()}


def corpus(kind_name: str, count: int = 40) -> list:
    """Easy and hard validation puzzles: several shapes, so the grid pads the smaller ones."""
    records = []
    for level in ("easy", "hard"):
        path = ROOT / "datasets" / kind_name / level / "validation.jsonl"
        lines = path.read_text().splitlines()[: count // 2]
        records += get_kind(kind_name).parse_text("\n".join(lines) + "\n", str(path))
    return records


def zebra_from_tokens(tokens: np.ndarray, target: np.ndarray, spec) -> Zebra:
    """The zebra puzzle a token row states (generic names), read back from its clue segments."""
    params = dict(spec.params)
    houses, attributes = params["houses"], params["attributes"]
    own = target[: houses * attributes].reshape(houses, attributes) < houses
    h, a = int(own[:, 0].sum()), int(own[0].sum())
    clues = []
    for i, segment in enumerate(tokens[houses * attributes :].reshape(-1, SLOTS)):
        if segment[0] not in RELATION_NAMES:  # PAD: no more clues
            break
        args = []
        for token in segment[1:]:  # a person a * H + v, or house k as A * H + k; then PAD
            attribute, value = divmod(int(token), houses)
            if attribute < attributes:
                args.append((Ref(attribute, value),))
            elif attribute == attributes:
                args.append((Ref(POSITION, value),))
        clues.append(Clue(i + 1, RELATION_NAMES[int(segment[0])], tuple(args)))
    values = tuple(tuple(f"v{j}" for j in range(h)) for _ in range(a))
    return Zebra(tuple(f"a{k}" for k in range(a)), values, tuple(clues))


def blocks_from_tokens(tokens: np.ndarray, target: np.ndarray, spec) -> Blocksworld:
    """The blocksworld problem a token row states: row 0 and the given cells of the last row."""
    blocks = dict(spec.params)["blocks"]
    grid = tokens.reshape(-1, blocks)
    n = int((target[:blocks] != blocks + 1).sum())
    goal = tuple(int(g) if g >= 0 else UNSET for g in grid[-1, :n])
    names = tuple(f"b{k}" for k in range(1, n + 1))
    return Blocksworld(names, tuple(int(x) for x in grid[0, :n]), goal)


REBUILD = {"zebra": zebra_from_tokens, "blocksworld": blocks_from_tokens}
KEY = {"zebra": zebra_key, "blocksworld": blocks_key}


def augmented(kind_name: str, records: list, seed: int):
    kind = get_kind(kind_name)
    spec = kind.spec_for([r.puzzle for r in records])
    batch = stack([kind.encode(r.puzzle, r.solution, spec) for r in records])
    tensors = [torch.as_tensor(batch[k]) for k in ("tokens", "target", "allowed")]
    generator = torch.Generator().manual_seed(seed)
    out = kind.augmentation()(*tensors, spec, generator)
    return spec, batch, [x.numpy() for x in out]


@pytest.mark.parametrize("kind_name", KINDS)
def test_augmented_rows_encode_an_equivalent_puzzle_whose_target_verifies(kind_name):
    kind = get_kind(kind_name)
    records = corpus(kind_name)
    spec, batch, (tokens, target, allowed) = augmented(kind_name, records, seed=7)
    changed = 0
    for i, record in enumerate(records):
        puzzle = REBUILD[kind_name](tokens[i], target[i], spec)
        again = kind.encode(puzzle, spec=spec)  # the augmented row is this puzzle's encoding
        assert (again.tokens == tokens[i]).all()
        assert (again.allowed == allowed[i]).all()
        assert kind.verify(puzzle, kind.decode_tokens(puzzle, target[i], spec)).ok
        assert KEY[kind_name](puzzle) == KEY[kind_name](record.puzzle)  # the same up to names
        changed += bool(
            (tokens[i] != batch["tokens"][i]).any() or (target[i] != batch["target"][i]).any()
        )
    assert changed > len(records) // 2  # and it is not the identity


@pytest.mark.parametrize("kind_name", KINDS)
def test_augmentation_is_seeded(kind_name):
    records = corpus(kind_name, 8)
    first = augmented(kind_name, records, seed=3)[2]
    second = augmented(kind_name, records, seed=3)[2]
    other = augmented(kind_name, records, seed=4)[2]
    assert all((x == y).all() for x, y in zip(first, second, strict=True))
    assert any((x != y).any() for x, y in zip(first, other, strict=True))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_augmenting_generated_puzzles_keeps_them_solved(seed):
    for kind_name in KINDS:
        kind = get_kind(kind_name)
        records = [kind.generate(np.random.default_rng([seed, i]), "easy") for i in range(3)]
        spec, _, (tokens, target, _) = augmented(kind_name, records, seed)
        for i in range(len(records)):
            puzzle = REBUILD[kind_name](tokens[i], target[i], spec)
            assert kind.verify(puzzle, kind.decode_tokens(puzzle, target[i], spec)).ok


# --- equivalence ----------------------------------------------------------------------------
def renamed_zebra(puzzle: Zebra, rng: np.random.Generator) -> Zebra:
    """The puzzle with its attributes reordered and every attribute's values relabelled."""
    a, h = len(puzzle.attributes), puzzle.houses
    order = rng.permutation(a)  # new attribute i = old attribute order[i]
    where = np.argsort(order)
    relabel = [rng.permutation(h) for _ in range(a)]

    def ref(r: Ref) -> Ref:
        if r.attribute == POSITION:
            return r
        return Ref(int(where[r.attribute]), int(relabel[r.attribute][r.value]))

    clues = tuple(
        Clue(c.id, c.rel, tuple(tuple(ref(r) for r in alts) for alts in c.args))
        for c in puzzle.clues
    )
    values = tuple(tuple(f"x{order[i]}-{j}" for j in range(h)) for i in range(a))
    return Zebra(tuple(f"n{i}" for i in range(a)), values, clues)


def renamed_blocks(puzzle: Blocksworld, perm: tuple[int, ...]) -> Blocksworld:
    """Block k becomes block perm[k - 1]."""
    n = puzzle.n
    move = {0: 0, UNSET: UNSET, **{k: perm[k - 1] for k in range(1, n + 1)}}
    init, goal = [0] * n, [UNSET] * n
    for k in range(1, n + 1):
        init[perm[k - 1] - 1] = move[puzzle.init[k - 1]]
        goal[perm[k - 1] - 1] = move[puzzle.goal[k - 1]]
    return Blocksworld(tuple(f"z{k}" for k in range(n)), tuple(init), tuple(goal))


def reordered_clues(puzzle: Zebra, rng: np.random.Generator) -> Zebra:
    """The clues in another order, a symmetric clue's arguments swapped at random."""
    clues = []
    for k in rng.permutation(len(puzzle.clues)):
        clue = puzzle.clues[k]
        swap = clue.rel in SYMMETRIC and rng.random() < 0.5
        clues.append(Clue(len(clues) + 1, clue.rel, clue.args[::-1] if swap else clue.args))
    return puzzle.with_clues(tuple(clues))


def test_zebra_equivalence_sees_through_names_order_labels_and_clue_order():
    kind = get_kind("zebra")
    records = corpus("zebra", 30)
    rng = np.random.default_rng(5)
    disguised = [
        PuzzleRecord(reordered_clues(renamed_zebra(r.puzzle, rng), rng)) for r in records
    ]  # no solution given: the key finds it
    assert kind.equivalent_to_any(disguised, records[:15]) == [True] * 15 + [False] * 15
    first = records[0].puzzle
    clue = first.clues[0]
    flipped = Clue(clue.id, "not_same" if clue.rel != "not_same" else "same", clue.args)
    changed = PuzzleRecord(first.with_clues((flipped, *first.clues[1:])))
    assert kind.equivalent_to_any([changed], records[:1]) == [False]
    asking = replace(first, asked_values=((0, 0),))  # the same clues, another question
    assert zebra_key(asking) != zebra_key(replace(first, asked_values=((0, 1),)))


def test_blocksworld_key_is_exact_against_brute_force_renaming():
    kind = get_kind("blocksworld")
    rng = np.random.default_rng(11)
    problems = [kind.generate(np.random.default_rng([11, i]), "easy").puzzle for i in range(40)]
    problems = [p for p in problems if p.n == 3]
    for p in problems:
        perm = tuple(int(x) + 1 for x in rng.permutation(p.n))
        renamed = PuzzleRecord(renamed_blocks(p, perm))
        assert kind.equivalent_to_any([renamed], [PuzzleRecord(p)]) == [True]
    for p in problems:
        for q in problems:
            same = any(renamed_blocks(p, perm) == renamed_blocks(q, tuple(range(1, 4)))
                       for perm in permutations(range(1, 4)))  # fmt: skip
            assert (blocks_key(p) == blocks_key(q)) == same
