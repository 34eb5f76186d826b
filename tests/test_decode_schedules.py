"""Schedules (one, step budget, MED, threshold), noise, batching, and the JSONL trace."""

import json

import pytest
import torch
from decode_toys import FixedLogits, LinearToy, entropy_of, logits_of
from hypothesis import given
from hypothesis import strategies as st

from puzzlemdm.decode import schedules
from puzzlemdm.decode.core import decode, decode_path
from puzzlemdm.decode.step import StepConfig
from puzzlemdm.decode.trace import trace_rows, write_traces
from puzzlemdm.puzzles.grid import MASK

# Five positions, two values: entropies 0.056, 0.199, 0.325, 0.500, 0.673 (ascending).
FIVE = [[0.99, 0.01], [0.95, 0.05], [0.9, 0.1], [0.8, 0.2], [0.6, 0.4]]
# Shuffle them so that position index and certainty disagree.
SHUFFLED = [FIVE[i] for i in (3, 0, 4, 2, 1)]  # entropy rank per position: 3, 0, 4, 2, 1


def run(rows, **kw):
    logits = logits_of(rows)
    length = logits.shape[1]
    tokens = torch.full((1, length), MASK)
    allowed = torch.ones(1, length, logits.shape[2], dtype=torch.bool)
    return decode(FixedLogits(logits), tokens, allowed, **kw)


def steps_of(result):
    """Per step, the set of positions decided in it."""
    out = {}
    for position, step in zip(result.order[0].tolist(), result.step[0].tolist(), strict=True):
        if position >= 0:
            out.setdefault(step, set()).add(position)
    return [out[s] for s in sorted(out)]


def test_top_k_and_one_pick_best_available_positions():
    score = torch.tensor([[0.1, float("-inf"), 0.9, 0.5], [float("-inf")] * 4])
    assert schedules.one(score).tolist() == [[False, False, True, False], [False] * 4]
    picked = schedules.top_k(score, torch.tensor([2, 3]))
    assert picked.tolist() == [[False, False, True, True], [False] * 4]
    assert schedules.top_k(score, torch.tensor([9, 0]))[0].sum() == 3  # capped at available


def test_budget_k_matches_kim_et_al_and_finishes_on_time():
    # K = n * (t - s) / t with t = 1 - i/T: n/(T - i), rounded up.
    n, taken = 10, []
    for i in range(4):
        k = int(schedules.budget_k(torch.tensor([n]), torch.tensor([i]), 4))
        taken.append(k)
        n -= k
    assert taken == [3, 3, 2, 2] and n == 0
    result = run([[0.7, 0.3]] * 10, schedule="steps", steps=4)
    assert [len(s) for s in steps_of(result)] == [3, 3, 2, 2]
    assert result.nfe.tolist() == [4] and result.n_steps.tolist() == [4]
    short = run([[0.7, 0.3]] * 3, schedule="steps", steps=20)
    assert [len(s) for s in steps_of(short)] == [1, 1, 1]


def test_med_picks_exactly_the_positions_under_lambda_capped_at_k_max():
    # lambda 0.35 admits entropy ranks 0, 1, 2 = positions 1, 4, 3; then 0 and 2 one at a time.
    result = run(SHUFFLED, order="entropy", schedule="med", med_lambda=0.35)
    assert steps_of(result) == [{1, 4, 3}, {0}, {2}]
    assert result.nfe.tolist() == [3]
    capped = run(SHUFFLED, order="entropy", schedule="med", med_lambda=0.35, k_max=2)
    assert steps_of(capped) == [{1, 4}, {3}, {0}, {2}]  # the two lowest entropies first
    nothing = run(SHUFFLED, order="entropy", schedule="med", med_lambda=0.01)
    assert steps_of(nothing) == [{1}, {4}, {3}, {0}, {2}]  # none qualifies: lowest entropy


def test_med_fallback_follows_the_scorer():
    # Margin and entropy disagree on which uncertain position is readiest (see test_decode).
    rows = [[0.5, 0.45, 0.05], [0.6, 0.3, 0.1]]
    by_margin = run(rows, order="margin", schedule="med", med_lambda=0.01)
    by_entropy = run(rows, order="entropy", schedule="med", med_lambda=0.01)
    assert by_margin.order[0, 0] == 1 and by_entropy.order[0, 0] == 0


def test_step_entropy_of_a_parallel_step_is_the_mean_before_it():
    result = run(SHUFFLED, order="entropy", schedule="med", med_lambda=0.35)
    h = [entropy_of(r) for r in SHUFFLED]
    expected = [sum(h) / 5, (h[0] + h[2]) / 2, h[2]]
    assert result.step_entropy[0].tolist() == pytest.approx(expected)
    assert result.cumulative_entropy.item() == pytest.approx(sum(expected))
    assert result.chosen_entropy[0, :3].tolist() == pytest.approx([h[1], h[4], h[3]])


def test_threshold_takes_every_confident_position_or_the_best_one():
    result = run(SHUFFLED, order="top-prob", schedule="threshold", tau=0.85)
    assert steps_of(result) == [{1, 4, 3}, {0}, {2}]
    capped = run(SHUFFLED, order="top-prob", schedule="threshold", tau=0.85, k_max=1)
    assert steps_of(capped) == [{1}, {4}, {3}, {0}, {2}]


def test_parallel_picks_that_must_differ_keep_only_the_best():
    # Both positions sure of value 0 and must differ: one per step, then pruning moves the other.
    logits = logits_of([[0.98, 0.01, 0.01], [0.99, 0.005, 0.005]])
    differ = torch.tensor([[False, True], [True, False]])
    tokens = torch.full((1, 2), MASK)
    allowed = torch.ones(1, 2, 3, dtype=torch.bool)
    kw = dict(order="entropy", schedule="med", med_lambda=0.5)
    free = decode(FixedLogits(logits), tokens, allowed, **kw)
    ruled = decode(FixedLogits(logits), tokens, allowed, differ=differ, **kw)
    assert steps_of(free) == [{0, 1}] and free.tokens[0].tolist() == [0, 0]
    assert steps_of(ruled) == [{1}, {0}] and ruled.tokens[0].tolist() == [1, 0]


def test_gumbel_noise_is_float64_seeded_and_off_at_scale_zero():
    g = schedules.gumbel((3, 4), torch.Generator().manual_seed(1), "cpu")
    assert g.dtype == torch.float64
    assert torch.equal(g, schedules.gumbel((3, 4), torch.Generator().manual_seed(1), "cpu"))
    rows = [[0.7, 0.3]] * 6
    plain = run(rows, order="margin")
    zero = run(rows, order="margin", gumbel_scale=0.0, generator=torch.Generator().manual_seed(3))
    assert torch.equal(plain.order, zero.order)
    firsts = {
        run(rows, gumbel_scale=1.0, generator=torch.Generator().manual_seed(s)).order[0, 0].item()
        for s in range(12)
    }
    assert len(firsts) > 2  # equal scores: the noise alone decides


def test_sampled_values_follow_temperature():
    rows = [[0.6, 0.4]] * 40
    cold = run(rows, sample=True, temperature=1e-3, generator=torch.Generator().manual_seed(0))
    assert cold.tokens.sum() == 0  # argmax everywhere
    warm = run(rows, sample=True, temperature=1.0, generator=torch.Generator().manual_seed(0))
    assert 5 < warm.tokens.sum() < 30  # about 40% ones


@pytest.mark.parametrize(
    "config",
    [
        StepConfig(),
        StepConfig(order="entropy", schedule="med", med_lambda=0.4, k_max=3),
        StepConfig(order="top-prob", schedule="threshold", tau=0.7),
        StepConfig(schedule="steps", steps=4),
    ],
)
def test_batch_equals_one_by_one_on_a_float64_state_dependent_model(config):
    model = LinearToy(length=8, vocab=3, seed=4)
    tokens = torch.tensor(
        [[MASK] * 8, [0, MASK, MASK, 2, MASK, MASK, MASK, 1], [MASK, 1] * 4, [2] * 7 + [MASK]]
    )
    allowed = torch.ones(4, 8, 3, dtype=torch.bool)
    together = decode_path(model, tokens, allowed, config)
    for row in range(4):
        alone = decode_path(model, tokens[row : row + 1], allowed[row : row + 1], config)
        d = int((together.order[row] >= 0).sum())
        assert together.tokens[row].tolist() == alone.tokens[0].tolist()
        assert together.order[row, :d].tolist() == alone.order[0, :d].tolist()
        assert together.nfe[row] == alone.nfe[0]
        assert together.cumulative_entropy[row].item() == pytest.approx(
            alone.cumulative_entropy[0].item(), abs=1e-12
        )


def test_unknown_schedule_and_missing_budget_are_rejected():
    with pytest.raises(ValueError, match="unknown schedule"):
        run(FIVE, schedule="sometimes")
    with pytest.raises(ValueError, match="step budget"):
        run(FIVE, schedule="steps")


def test_traces_write_one_json_line_per_puzzle(tmp_path):
    result = run(SHUFFLED, order="entropy", schedule="med", med_lambda=0.35)
    result.info["note"] = "x"
    path = tmp_path / "t.jsonl"
    assert write_traces(path, result, ids=["p1"], method="med") == 1
    row = json.loads(path.read_text())
    assert row["id"] == "p1" and row["method"] == "med" and row["note"] == "x"
    assert row["order"] == [1, 4, 3, 0, 2] and row["step"] == [0, 0, 0, 1, 2]
    assert row["nfe"] == 3 and row["steps"] == 3 and len(row["step_entropy"]) == 3
    assert row["cumulative_entropy"] == pytest.approx(result.cumulative_entropy.item(), abs=1e-6)
    assert trace_rows(result)[0]["values"] == [0, 0, 0, 0, 0]


@given(
    seed=st.integers(0, 10_000),
    schedule=st.sampled_from(["one", "steps", "med", "threshold"]),
    order=st.sampled_from(["margin", "entropy", "top-prob", "left-to-right", "random"]),
)
def test_every_schedule_fills_each_masked_position_exactly_once(seed, schedule, order):
    g = torch.Generator().manual_seed(seed)
    tokens = torch.where(
        torch.rand(3, 9, generator=g) < 0.3, torch.randint(0, 4, (3, 9), generator=g), MASK
    )
    allowed = torch.ones(3, 9, 4, dtype=torch.bool)
    config = StepConfig(order=order, schedule=schedule, steps=3, med_lambda=0.6, tau=0.6)
    result = decode_path(LinearToy(9, 4, seed=seed), tokens, allowed, config, generator=g)
    masked = tokens == MASK
    assert (result.tokens != MASK).all()
    assert torch.equal(result.tokens[~masked], tokens[~masked])  # givens untouched
    for row in range(3):
        decided = result.order[row][result.order[row] >= 0]
        assert sorted(decided.tolist()) == masked[row].nonzero().flatten().tolist()
        steps = int(result.step[row].max()) + 1  # 0 for a row with nothing masked
        assert result.nfe[row] == result.n_steps[row] == steps
    if schedule == "steps":
        assert (result.n_steps <= 3).all()
