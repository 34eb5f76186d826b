"""Selectors over several candidates: E-BoN, E-SMC and info-gain look-ahead, on toy models."""

import pytest
import torch
from decode_toys import Branch, Counting, Coupled, FixedLogits, LinearToy, logits_of

from puzzlemdm.decode import best_of_n, best_of_n_until_verified, info_gain, select_paths, smc
from puzzlemdm.decode.core import decode_path
from puzzlemdm.decode.smc import effective_sample_size, multinomial, systematic
from puzzlemdm.decode.step import StepConfig
from puzzlemdm.puzzles.grid import MASK

LEFT_SAMPLED = StepConfig(order="left-to-right", sample=True)


def blank(batch, length, vocab=2):
    return torch.full((batch, length), MASK), torch.ones(batch, length, vocab, dtype=torch.bool)


def seeded(seed=0):
    return torch.Generator().manual_seed(seed)


def test_select_paths_lowest_entropy_or_lowest_verified():
    entropy = torch.tensor([[3.0, 1.0, 2.0], [0.5, 0.7, 0.2]])
    assert select_paths(entropy).tolist() == [1, 2]
    verified = torch.tensor([[True, False, True], [False, False, False]])
    assert select_paths(entropy, verified).tolist() == [2, 2]  # none verified: lowest entropy


def test_best_of_n_keeps_the_lowest_entropy_path_and_counts_every_path():
    tokens, allowed = blank(2, 5)
    result = best_of_n(Branch(), tokens, allowed, paths=6, config=LEFT_SAMPLED, generator=seeded(1))
    entropy = result.info["path_entropy"]
    assert entropy.shape == (2, 6)
    assert result.cumulative_entropy.tolist() == pytest.approx(entropy.min(1).values.tolist())
    assert result.info["chosen_path"].tolist() == entropy.argmin(1).tolist()
    assert result.tokens[:, 0].tolist() == [0, 0]  # the sure branch has the lower entropy
    assert result.nfe.tolist() == [30, 30]  # 6 paths x 5 steps


def test_verified_first_prefers_an_accepted_path_over_a_lower_entropy_one():
    tokens, allowed = blank(1, 5)
    accept_ones = lambda t: t[:, 0] == 1  # noqa: E731 - only the uncertain branch passes
    result = best_of_n(
        Branch(),
        tokens,
        allowed,
        paths=8,
        config=LEFT_SAMPLED,
        select="verified-first",
        verifier=accept_ones,
        generator=seeded(2),
    )
    verified, entropy = result.info["path_verified"][0], result.info["path_entropy"][0]
    assert verified.any() and not verified.all()
    assert result.tokens[0, 0] == 1
    lowest_verified = entropy.masked_fill(~verified, float("inf")).min()
    assert result.cumulative_entropy[0].item() == pytest.approx(lowest_verified.item())
    assert result.cumulative_entropy[0] > entropy.min()


def test_best_of_n_path_zero_is_greedy():
    model = LinearToy(6, 3, seed=2)
    tokens, allowed = blank(1, 6, 3)
    greedy = decode_path(model, tokens, allowed)
    same_as_greedy = lambda t: (t == greedy.tokens).all(1)  # noqa: E731
    result = best_of_n(
        model,
        tokens,
        allowed,
        paths=4,
        select="verified-first",
        verifier=same_as_greedy,
        path_noise=3.0,
        generator=seeded(0),
    )
    assert result.info["path_verified"][0, 0]
    assert result.info["path_entropy"][0, 0].item() == pytest.approx(
        greedy.cumulative_entropy[0].item()
    )


def test_rounds_stop_a_puzzle_at_its_first_verified_path_and_spend_the_rest_elsewhere():
    model = LinearToy(6, 3, seed=2)
    tokens, allowed = blank(2, 6, 3)
    greedy = decode_path(model, tokens, allowed).tokens[0]

    def first_puzzle_greedy(rows):  # rows come as equal runs per puzzle: puzzle 1 never passes
        of_first = torch.arange(rows.shape[0]) < rows.shape[0] // 2
        return (rows == greedy).all(1) & of_first

    result = best_of_n_until_verified(
        model, tokens, allowed, paths=12, round_paths=4, verifier=first_puzzle_greedy,
        path_noise=3.0, generator=seeded(0),
    )  # fmt: skip
    assert result.info["verified"].tolist() == [True, False]
    assert result.info["paths_decoded"].tolist() == [4, 12]  # one round, then all three
    assert result.nfe.tolist() == [4 * 6, 12 * 6]
    assert result.info["chosen_path"][0] == 0 and (result.tokens[0] == greedy).all()


def test_rounds_find_a_verified_path_beyond_the_first_round_or_keep_the_lowest_entropy():
    tokens, allowed = blank(1, 5)
    accept_ones = lambda t: t[:, 0] == 1  # noqa: E731 - only the uncertain branch passes
    kw = dict(paths=16, round_paths=2, config=LEFT_SAMPLED)
    found = best_of_n_until_verified(
        Branch(), tokens, allowed, verifier=accept_ones, generator=seeded(2), **kw
    )
    decoded = found.info["paths_decoded"].item()
    assert found.info["verified"].item() and found.tokens[0, 0] == 1
    assert decoded % 2 == 0 and found.info["chosen_path"].item() in (decoded - 2, decoded - 1)
    assert found.nfe.item() == decoded * 5
    nothing = best_of_n_until_verified(
        Branch(), tokens, allowed, verifier=lambda t: t[:, 0] > 1, generator=seeded(2), **kw
    )
    every = best_of_n(Branch(), tokens, allowed, paths=16, config=LEFT_SAMPLED, generator=seeded(2))
    assert nothing.info["paths_decoded"].item() == 16 and not nothing.info["verified"].item()
    assert nothing.cumulative_entropy.item() == pytest.approx(every.cumulative_entropy.item())


def test_resamplers_follow_the_weights():
    one_hot = torch.tensor([[0.0, 0.0, 1.0, 0.0]], dtype=torch.float64)
    uniform = torch.full((1, 4), 0.25, dtype=torch.float64)
    assert systematic(one_hot, seeded()).tolist() == [[2, 2, 2, 2]]
    assert systematic(uniform, seeded()).tolist() == [[0, 1, 2, 3]]  # one pointer per quarter
    assert multinomial(one_hot, seeded()).tolist() == [[2, 2, 2, 2]]
    assert effective_sample_size(uniform).item() == pytest.approx(4.0)
    assert effective_sample_size(one_hot).item() == pytest.approx(1.0)


def run_smc(**kw):
    tokens, allowed = blank(1, 6)
    defaults = dict(particles=8, config=LEFT_SAMPLED, return_particles=True, generator=seeded(3))
    return smc(Branch(), tokens, allowed, **{**defaults, **kw})


def test_smc_without_pressure_never_resamples_and_keeps_both_branches():
    result = run_smc(lam=0.0, every=0)
    assert result.info["resamplings"].tolist() == [0]
    firsts = result.info["particle_tokens"][0, :, 0]
    assert 0 < firsts.sum() < 8  # both coin sides survive
    assert result.nfe.tolist() == [8 * 6]


@pytest.mark.parametrize("resampler", ["systematic", "multinomial"])
def test_smc_resamples_uneven_weights_into_duplicated_low_entropy_particles(resampler):
    result = run_smc(lam=50.0, every=2, resampler=resampler)
    assert result.info["resamplings"].item() > 0
    particles = result.info["particle_tokens"][0]
    assert particles[:, 0].tolist() == [0] * 8  # every particle descends from the sure branch
    assert result.tokens[0, 0] == 0
    assert result.nfe.tolist() == [8 * 6]  # resampling costs no forward pass


def test_smc_resamples_when_the_effective_sample_size_drops():
    # no schedule: only the ESS can trigger it, once the unsure branch's weight collapses
    # (ESS = number of sure particles, below 0.9 * 8 unless all 8 are sure)
    result = run_smc(lam=50.0, every=0, ess_fraction=0.9)
    assert result.info["resamplings"].item() > 0
    assert result.info["particle_tokens"][0, :, 0].tolist() == [0] * 8


def test_info_gain_prefers_the_move_that_settles_the_rest():
    tokens, allowed = blank(1, 3)
    greedy = decode_path(Coupled(), tokens, allowed)
    assert greedy.order[0, 0] == 0  # margin: the most certain position first
    result = info_gain(Coupled(), tokens, allowed, candidates=3, position_noise=0.0)
    assert result.order[0, 0] == 1  # J: 0.500 + mean(0.199, 0.056) < 0.199 + mean(0.500, 0.673)
    assert result.info["lookahead_steps"].item() >= 1


def test_info_gain_candidates_are_distinct_and_nfe_is_exact():
    # 4 uncertain, state-independent positions; C = 3 distinct single-position moves per step.
    model = Counting(FixedLogits(logits_of([[0.6, 0.4], [0.7, 0.3], [0.55, 0.45], [0.65, 0.35]])))
    tokens, allowed = blank(1, 4)
    result = info_gain(model, tokens, allowed, candidates=3, position_noise=0.0)
    # first forward + look-aheads of 3, 3, 2; the last step has one move: no look-ahead, and
    # every base forward after the first reuses the winner's look-ahead output.
    assert result.info["candidates_evaluated"].tolist() == [8]
    assert result.info["lookahead_steps"].tolist() == [3]
    assert result.nfe.tolist() == [1 + 3 + 3 + 2] == [model.grids]


def test_info_gain_drops_duplicate_candidates():
    # Identical scores except position 0: Gumbel alternatives often repeat a move; duplicates
    # must not be evaluated, so the count per step is at most the distinct moves available.
    model = Counting(FixedLogits(logits_of([[0.6, 0.4]] * 3)))
    tokens, allowed = blank(1, 3)
    result = info_gain(
        model, tokens, allowed, candidates=16, position_noise=0.5, generator=seeded()
    )
    assert result.info["candidates_evaluated"].item() <= 3 + 2  # 3 moves, then 2, then 1 (none)
    assert result.nfe.item() == model.grids


def test_info_gain_skips_the_look_ahead_when_everything_is_confident():
    model = Counting(FixedLogits(logits_of([[0.9, 0.1], [0.95, 0.05], [0.85, 0.15]])))
    tokens, allowed = blank(2, 3)
    result = info_gain(model, tokens, allowed, candidates=4, position_noise=0.0)
    assert result.info["lookahead_steps"].tolist() == [0, 0]
    assert result.nfe.tolist() == [3, 3] and model.grids == 6
    assert result.order[0].tolist() == decode_path(model, tokens[:1], allowed[:1]).order[0].tolist()


def test_info_gain_batch_equals_one_by_one_without_noise():
    model = LinearToy(7, 3, seed=9, strength=0.8)
    tokens = torch.tensor([[MASK] * 7, [1, MASK, MASK, 0, MASK, MASK, 2]])
    allowed = torch.ones(2, 7, 3, dtype=torch.bool)
    kw = dict(candidates=4, position_noise=0.0, confident=0.99)
    together = info_gain(model, tokens, allowed, **kw)
    for row in range(2):
        alone = info_gain(model, tokens[row : row + 1], allowed[row : row + 1], **kw)
        assert together.tokens[row].tolist() == alone.tokens[0].tolist()
        assert together.nfe[row] == alone.nfe[0]
        assert together.cumulative_entropy[row].item() == pytest.approx(
            alone.cumulative_entropy[0].item(), abs=1e-12
        )


@pytest.mark.parametrize("method", ["bon", "smc", "info"])
def test_seeded_selectors_are_deterministic(method):
    model = LinearToy(8, 3, seed=1)
    tokens, allowed = blank(3, 8, 3)
    noisy = StepConfig(gumbel_scale=1.0, sample=True)

    def go(seed):
        if method == "bon":
            return best_of_n(model, tokens, allowed, paths=4, config=noisy, generator=seeded(seed))
        if method == "smc":
            return smc(model, tokens, allowed, particles=4, every=2, config=noisy,
                       generator=seeded(seed))  # fmt: skip
        return info_gain(model, tokens, allowed, candidates=4, generator=seeded(seed))

    a, b = go(5), go(5)
    assert torch.equal(a.tokens, b.tokens) and torch.equal(a.order, b.order)
    assert torch.equal(a.nfe, b.nfe)
    assert torch.equal(a.cumulative_entropy, b.cumulative_entropy)


def test_method_config_names_and_rejects_two_selectors():
    from puzzlemdm.decode import MethodConfig

    method = MethodConfig(
        step=StepConfig(schedule="med", med_lambda=0.2), paths=8, select="verified-first"
    )
    assert method.name == "margin/med0.2+bon8-vf"
    with pytest.raises(ValueError, match="at most one"):
        MethodConfig(paths=4, info_gain=True).check()


@pytest.mark.parametrize(
    "rounds",
    [
        dict(paths=8, round_paths=4),  # entropy selection: nothing says when to stop
        dict(paths=4, round_paths=8, select="verified-first"),
        dict(paths=1, round_paths=1, select="verified-first"),
    ],
)
def test_rounds_of_paths_need_verified_first_best_of_n(rounds):
    from puzzlemdm.decode import MethodConfig

    with pytest.raises(ValueError, match="round_paths"):
        MethodConfig(**rounds).check()
    named = MethodConfig(paths=32, round_paths=4, select="verified-first")
    assert named.name == "margin+bon32-vf-rounds4"
