"""Decoding an autoregressive baseline: one move (a cell, then its value) at a time.

Orders: `model` (the ARM picks the next cell itself: the solver-order ARM at test time),
`left-to-right` (blanks in position order: the left-to-right ARM) and `given` (a solver's
order handed in, values only: the oracle-order diagnostic). `auto` is the order the model was
trained on. The trace is the MDM decoders' `DecodeResult` and NFE counts model calls over the
whole stream as the MDM's count calls over the whole grid, so the benchmark tables read both
alike.
"""

from __future__ import annotations

import time

import torch

from puzzlemdm.decode.bon import choose_paths, noisy_paths, resolve_verifier
from puzzlemdm.decode.methods import MethodConfig
from puzzlemdm.decode.rules import Verifier
from puzzlemdm.decode.trace import DecodeResult
from puzzlemdm.model.arm import decision_order

# How an ARM is decoded (the orders it is *trained* on are model.arm.ARM_ORDERS).
DECODE_ORDERS = ("auto", "model", "left-to-right", "given")


def _gumbel(shape: torch.Size, generator: torch.Generator | None, device: torch.device):
    uniform = torch.rand(shape, generator=generator, device=device).clamp_(1e-12, 1 - 1e-7)
    return -torch.log(-torch.log(uniform))


def resolve_order(model: torch.nn.Module, order: str) -> str:
    """`auto` made concrete: the solver-order ARM picks its cells, the other goes left to right."""
    if order == "auto":
        return "model" if model.order == "solver" else "left-to-right"
    return order


@torch.no_grad()
def decode_arm(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    *,
    order: str = "auto",
    given: torch.Tensor | None = None,
    gumbel_scale: float = 0.0,
    noisy: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
) -> DecodeResult:
    """Fill every blank of `tokens` [B, L] (MASK = -1), one move (cell, then value) at a time.

    order: see DECODE_ORDERS; `given` [B, L] ranks the blanks for order `given` (smaller first).
    gumbel_scale: Gumbel noise on the log-probabilities of the cell and of the value (1.0 =
        sampling from the model), only on rows `noisy` [B] when given: diverse paths.
    NFE counts the distributions a path reads: a value's for every move, and a cell's when the
    model names the cell, so 1 or 2 a move. They are not model calls: in either order a move
    is two single-token calls (its cell token, then its value token; a named cell is read from
    the call before), each reading one new token with the key/value cache, so a path costs
    about one forward pass of the whole stream, givens included, whichever its order.
    """
    if order not in DECODE_ORDERS:
        raise ValueError(f"unknown ARM order {order!r}; choose from {', '.join(DECODE_ORDERS)}")
    order = resolve_order(model, order)
    if order == "given" and given is None:
        raise ValueError("order 'given' needs the solver's ranks (given)")
    started = time.perf_counter()
    batch, length = tokens.shape
    device = tokens.device
    rows = torch.arange(batch, device=device)
    slots = decision_order(tokens, given if order == "given" else None)
    values = tokens.clamp_min(0).gather(1, slots)  # blanks' slots hold placeholders until decided
    givens = (tokens >= 0).sum(1)
    blanks = length - givens
    decisions = int(blanks.max()) if batch else 0
    noise_rows = torch.ones(batch, dtype=torch.bool, device=device) if noisy is None else noisy

    def noise(scores: torch.Tensor) -> torch.Tensor:
        if gumbel_scale <= 0:
            return scores
        return (
            scores + _gumbel(scores.shape, generator, device) * gumbel_scale * noise_rows[:, None]
        )

    chosen_cell = torch.full((batch, decisions + 1), -1, dtype=torch.long, device=device)
    chosen_value = torch.full_like(chosen_cell, -1)
    entropy = torch.zeros(batch, decisions + 1, device=device)
    margin = torch.zeros_like(entropy)
    log_likelihood = torch.zeros(batch, device=device)
    # The stream is read token by token with the backbone's key/value cache: the start, the
    # givens a compact stream reads as one token each, then a cell token and a value token per
    # slot (the givens' as they are, the blanks' as they are chosen). Rows with fewer one-token
    # givens are padded in front, hidden from every later token, so that each step of the
    # loop below is one slot of every row.
    cache = model.backbone.new_cache()
    linked = model.clue_links(tokens)  # a linked grid's clues tie cells: read once
    prefix = givens if model.compact else torch.zeros_like(givens)
    most = int(prefix.max()) if batch else 0
    cells = torch.empty(batch, 0, dtype=torch.long, device=device)  # the stream's cells so far
    padding = torch.empty(batch, 0, dtype=torch.bool, device=device)
    padded = bool((prefix < most).any())
    hidden = torch.zeros(batch, model.start.numel(), device=device)
    for i in range(most + 1):
        k = i - (most - prefix)  # <0: padding, 0: the start, j + 1: the one-token slot j
        slot = slots.gather(1, (k - 1).clamp(0, length - 1)[:, None])[:, 0]
        cell = torch.where(k > 0, slot, -1)
        token = torch.where(
            (k > 0)[:, None],
            model.value_token(slot, values.gather(1, (k - 1).clamp_min(0)[:, None])[:, 0]),
            model.start.expand(batch, -1) * (k == 0)[:, None],
        )
        hidden = model.extend(token, cell, cells, cache, linked, padding if padded else None)
        cells = torch.cat([cells, cell[:, None]], 1)
        padding = torch.cat([padding, (k < 0)[:, None]], 1)
    for step in range(length - (int(prefix.min()) if batch else 0)):
        slot = prefix + step  # [B] this step's slot in each row (past the end: idle)
        active = slot < length
        slot = slot.clamp_max(length - 1)
        deciding = active & (slot >= givens)
        t = (slot - givens).clamp(0, decisions).where(deciding, decisions)  # decision index
        if order == "model":
            rank = slots.argsort(1)
            cell_logp = model.cell_logits(hidden, rank >= slot[:, None]).log_softmax(1)
            cell = noise(cell_logp).argmax(1)
            log_likelihood += torch.where(deciding, cell_logp[rows, cell], 0.0)
            # move the chosen cell into this slot (the placeholder there takes its old slot)
            where, here = rank[rows, cell], slots[rows, slot]
            swapped = slots.clone()
            swapped[rows, slot] = cell
            swapped[rows, where] = here
            slots = torch.where(deciding[:, None], swapped, slots)
        cell = slots[rows, slot]
        hidden = model.extend(
            model.cell_token(cell), cell, cells, cache, linked, padding if padded else None
        )
        cells = torch.cat([cells, cell[:, None]], 1)
        padding = torch.cat([padding, torch.zeros_like(padding[:, :1])], 1)
        value_logp = model.value_logits(hidden, allowed[rows, cell]).log_softmax(1)
        value = torch.where(deciding, noise(value_logp).argmax(1), values[rows, slot])
        probs = value_logp.exp()
        top = probs.topk(2, dim=1).values
        entropy[rows, t] += torch.where(deciding, -(probs * value_logp).sum(1), 0.0)
        margin[rows, t] += torch.where(deciding, top[:, 0] - top[:, 1], 0.0)
        log_likelihood += torch.where(deciding, value_logp[rows, value], 0.0)
        chosen_cell[rows, t] = torch.where(deciding, cell, chosen_cell[rows, t])
        chosen_value[rows, t] = torch.where(deciding, value, chosen_value[rows, t])
        values[rows, slot] = torch.where(active, value, values[rows, slot])
        if step + 1 < length - (int(prefix.min()) if batch else 0):
            token = model.value_token(cell, value)
            hidden = model.extend(token, cell, cells, cache, linked, padding if padded else None)
            cells = torch.cat([cells, cell[:, None]], 1)
            padding = torch.cat([padding, torch.zeros_like(padding[:, :1])], 1)
    chosen_cell, chosen_value = chosen_cell[:, :decisions], chosen_value[:, :decisions]
    entropy, margin = entropy[:, :decisions], margin[:, :decisions]
    out = tokens.clone().scatter_(1, slots, values)
    step = torch.arange(decisions, device=device).expand(batch, -1)
    distributions = 2 if order == "model" else 1  # see NFE above
    return DecodeResult(
        tokens=out,
        order=chosen_cell,
        values=chosen_value,
        step_entropy=entropy,
        chosen_entropy=entropy,
        cumulative_entropy=entropy.sum(1),
        nfe=blanks * distributions,
        seconds=time.perf_counter() - started,
        step=torch.where(chosen_cell >= 0, step, -1),
        chosen_margin=margin,
        n_steps=blanks,
        info={"arm_order": order, "log_likelihood": log_likelihood},
    )


@torch.no_grad()
def arm_best_of_n(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    *,
    paths: int = 8,
    select: str = "entropy",
    verifier: Verifier | None = None,
    include_greedy: bool = True,
    path_noise: float = 1.0,
    order: str = "auto",
    given: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
) -> DecodeResult:
    """`paths` sampled paths per puzzle (Gumbel noise of scale `path_noise` on the moves'
    log-probabilities; 1.0 = ancestral sampling), the lowest cumulative entropy kept, or with
    `select="verified-first"` the lowest-entropy path `verifier` accepts. Path 0 is greedy
    when `include_greedy`. NFE sums all paths."""
    check = resolve_verifier(select, verifier, None)
    batch = tokens.shape[0]
    noisy = noisy_paths(batch, paths, include_greedy, tokens.device)
    every = decode_arm(
        model,
        tokens.repeat_interleave(paths, 0),
        allowed.repeat_interleave(paths, 0),
        order=order,
        given=None if given is None else given.repeat_interleave(paths, 0),
        gumbel_scale=path_noise,
        noisy=noisy,
        generator=generator,
    )
    return choose_paths(every, batch, paths, check)


def check_arm_method(method: MethodConfig) -> None:
    """ValueError naming the MDM-only knobs of `method` (position orders, schedules, SMC,
    info-gain, repair, pruning): an ARM would ignore them without a word."""
    unsupported = {
        f"--order {method.step.order} (an ARM decides in its own order, or left to right)": (
            method.step.order not in ("margin", "left-to-right")
        ),
        f"--schedule {method.step.schedule}": method.step.schedule != "one",
        "--smc-particles": method.smc_particles > 1,
        "--info-gain": method.info_gain,
        "--repair": method.repair,
        "--prune": method.prune,
        "--round-paths": method.round_paths > 0,
    }
    refused = [name for name, used in unsupported.items() if used]
    if refused:
        raise ValueError(f"not defined for an autoregressive model: {', '.join(refused)}")


def run_arm_method(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    allowed: torch.Tensor,
    method: MethodConfig,
    *,
    verifier: Verifier | None = None,
    given: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
) -> DecodeResult:
    """The part of a MethodConfig an ARM has: its order (`method.arm_order`), one greedy path
    or best-of-N. MDM-only knobs (position orders, schedules, SMC, info-gain, repair,
    pruning) are refused rather than silently ignored."""
    check_arm_method(method)
    order = arm_order_of(method)
    if method.paths > 1:
        result = arm_best_of_n(
            model,
            tokens,
            allowed,
            paths=method.paths,
            select=method.select,
            verifier=verifier,
            include_greedy=method.include_greedy,
            path_noise=method.arm_path_noise,
            order=order,
            given=given,
            generator=generator,
        )
    else:
        result = decode_arm(model, tokens, allowed, order=order, given=given, generator=generator)
    result.info["method"] = arm_method_name(method, result.info["arm_order"])
    return result


def arm_order_of(method: MethodConfig) -> str:
    """The order an ARM decodes `method` in: its `arm_order`, or left to right when the
    position order says so and the ARM's order is left to its checkpoint (`auto`)."""
    if method.step.order == "left-to-right" and method.arm_order == "auto":
        return "left-to-right"
    return method.arm_order


def arm_method_name(method: MethodConfig, order: str | None = None) -> str:
    """A short label of an ARM's method, e.g. 'arm/model+bon8-vf'."""
    label = f"arm/{order or method.arm_order}"
    if method.paths > 1:
        label += f"+bon{method.paths}" + ("-vf" if method.select == "verified-first" else "")
    return label
