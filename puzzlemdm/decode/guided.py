"""MDM-guided complete search (Sudoku): the classical depth-first search, the model's order.

The search and its propagation (naked + hidden singles) are exactly those of
`puzzlemdm.puzzles.sudoku.search`; only the branching choice differs. At each node the model reads
the partial grid (cells fixed by propagation or guesses as tokens, the rest masked, logits
restricted to the cell's remaining candidates) and the search branches on the undecided cell
with the largest margin, trying its candidates in the model's probability order. Complete, so
always correct on valid puzzles (None on puzzles without a solution); the node count against
MRV's measures how good the learned order is.
"""

from __future__ import annotations

import functools
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from puzzlemdm.decode import scores
from puzzlemdm.decode.step import denoising_entropy, log_probs
from puzzlemdm.decode.trace import DecodeResult
from puzzlemdm.puzzles.base import Decision
from puzzlemdm.puzzles.grid import MASK
from puzzlemdm.puzzles.sudoku import search
from puzzlemdm.puzzles.sudoku.board import Shape, Sudoku


@dataclass
class GuidedResult:
    """One puzzle's guided search: the answer (None = no solution / limit) and its counters."""

    answer: Sudoku | None
    nodes: int
    guesses: int
    backtracks: int
    nfe: int  # forward passes, one after another
    seconds: float
    rows: int = 0  # grids the passes evaluated (more than nfe with sibling batches)
    node_limit_hit: bool = False
    trace: list[Decision] = field(default_factory=list)  # the path to the answer
    node_entropy: list[float] = field(default_factory=list)  # denoising entropy per model call


Forward = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # tokens [k, L], allowed [k, L, V]


class ModelChooser:
    """A `choose(cands) -> (cell, values)` callback for `search` that asks the model.

    With `siblings`, it also evaluates all children of a branching in one forward pass before
    the search visits them (`prefetch`), so that a backtrack to a sibling costs no pass of its
    own: fewer sequential passes, more rows (children never visited are evaluated too)."""

    def __init__(
        self,
        model: torch.nn.Module,
        shape: Shape,
        device: torch.device,
        forward: Forward | None = None,
        siblings: bool = False,
    ) -> None:
        self.model, self.n, self.device = model, shape.n, device
        self.forward = forward or (lambda t, a: log_probs(model, t, a))
        self.bits = 1 << torch.arange(shape.n, device=device)
        self.calls = 0  # forward passes, one after another
        self.rows = 0  # grids evaluated by them
        self.entropy: list[float] = []
        self.cache: dict[tuple[int, ...], torch.Tensor] = {}
        self.prefetch = self._prefetch if siblings else None

    def _state(self, cands: list[int]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(open cells [L], allowed [L, V], tokens [L]) of a candidate state."""
        masks = torch.tensor(cands, device=self.device)
        open_cells = (masks & (masks - 1)) != 0
        allowed = (masks[:, None] & self.bits) != 0
        fixed = torch.log2(masks.double()).long()  # exact for the one-bit masks it is used on
        return open_cells, allowed, torch.where(open_cells, MASK, fixed)

    def __call__(self, cands: list[int]) -> search.Choice:
        open_cells, allowed, tokens = self._state(cands)
        if not bool(open_cells.any()):
            return None
        logp = self.cache.pop(tuple(cands), None)
        if logp is None:
            logp = self.forward(tokens[None], allowed[None])[0]
            self.calls += 1
            self.rows += 1
        self.entropy.append(
            float(denoising_entropy(scores.entropy(logp)[None], open_cells[None])[0])
        )
        margin = scores.margin(logp).masked_fill(~open_cells, float("-inf"))
        cell = int(margin.argmax())
        ranked = logp[cell].argsort(descending=True, stable=True).tolist()
        return cell, [v + 1 for v in ranked if allowed[cell, v]]

    def _prefetch(self, children: list[list[int]]) -> None:
        keys, tokens, allowed = [], [], []
        for child in children:
            key = tuple(child)
            open_cells, child_allowed, child_tokens = self._state(child)
            if bool(open_cells.any()) and key not in self.cache:
                keys.append(key)
                tokens.append(child_tokens)
                allowed.append(child_allowed)
        if len(keys) < 2:  # one child: its own call costs the same pass
            return
        logp = self.forward(torch.stack(tokens), torch.stack(allowed))
        self.calls += 1
        self.rows += len(keys)
        self.cache.update(zip(keys, logp, strict=True))


class BatchedForward:
    """Answers the model queries of concurrent searches (one thread each) with one forward.

    A query blocks until every search still running has asked too; then one batched forward
    pass answers them all. The searches' Python work is serialised by the GIL anyway; batching
    saves the per-call cost of the model, so a batch of searches takes as many forward passes
    as its longest search instead of the sum of all of them."""

    def __init__(self, model: torch.nn.Module, searches: int) -> None:
        self.model, self.running = model, searches
        self.ready = threading.Condition()
        self.asked: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}
        self.answers: dict[int, torch.Tensor] = {}
        self.failure: BaseException | None = None
        self.passes = 0

    def ask(self, search: int, tokens: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
        """Log-probabilities [k, L, V] of one search's k grids (tokens [k, L])."""
        with self.ready:
            self.asked[search] = (tokens, allowed)
            self._answer_if_all_asked()
            while search not in self.answers:
                if self.failure is not None:
                    raise RuntimeError("the batched model call failed") from self.failure
                self.ready.wait()
            return self.answers.pop(search)

    def finished(self) -> None:
        """A search ended (answer, no solution, limit or error): stop waiting for it."""
        with self.ready:
            self.running -= 1
            self._answer_if_all_asked()

    def _answer_if_all_asked(self) -> None:
        if not self.asked or len(self.asked) < self.running:
            return
        keys = list(self.asked)
        sizes = [len(self.asked[k][0]) for k in keys]
        tokens = torch.cat([self.asked[k][0] for k in keys])
        allowed = torch.cat([self.asked[k][1] for k in keys])
        self.asked.clear()
        try:
            with torch.no_grad():  # grad mode is per thread: the caller's no_grad is not here
                logp = log_probs(self.model, tokens, allowed)
            self.passes += 1
            self.answers.update(zip(keys, logp.split(sizes), strict=True))
        except BaseException as exc:  # every waiting search must hear of it, not hang
            self.failure = exc
        self.ready.notify_all()


@torch.no_grad()
def guided_search(
    model: torch.nn.Module,
    puzzle: Sudoku,
    *,
    node_limit: int | None = None,
    forward: Forward | None = None,
    siblings: bool = False,
) -> GuidedResult:
    """Solve `puzzle` by propagation + depth-first search branching where the model is surest.

    `forward` replaces the model call (a BatchedForward's, to share passes between searches);
    `siblings` evaluates the children of each branching together (ModelChooser)."""
    start = time.perf_counter()
    chooser = ModelChooser(model, puzzle.shape, model_device(model), forward, siblings)
    solved = search.solve_search(puzzle, node_limit=node_limit, choose=chooser)
    stats = solved.stats
    return GuidedResult(
        answer=solved.answer,
        nodes=int(stats["nodes"]),
        guesses=int(stats["guesses"]),
        backtracks=int(stats["backtracks"]),
        nfe=chooser.calls,
        rows=chooser.rows,
        seconds=time.perf_counter() - start,
        node_limit_hit=bool(stats["node_limit_hit"]),
        trace=solved.trace,
        node_entropy=chooser.entropy,
    )


def search_together(
    model: torch.nn.Module,
    puzzles: list[Sudoku],
    node_limit: int | None = None,
    siblings: bool = False,
) -> list[GuidedResult]:
    """`guided_search` on every puzzle at once, one thread per search, sharing forward passes."""
    shared = BatchedForward(model, len(puzzles))
    outs: list[GuidedResult | None] = [None] * len(puzzles)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            forward = functools.partial(shared.ask, index)
            outs[index] = guided_search(
                model, puzzles[index], node_limit=node_limit, forward=forward, siblings=siblings
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            shared.finished()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(puzzles))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [out for out in outs if out is not None]


def model_device(model: torch.nn.Module) -> torch.device:
    """Where the model's weights live (CPU for weightless toy models)."""
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        return tensor.device
    return torch.device("cpu")


def mrv_nodes(puzzle: Sudoku, node_limit: int | None = None) -> int:
    """Nodes the classical MRV search (same propagation) visits to its first solution."""
    return int(search.solve_search(puzzle, node_limit=node_limit, trace=False).stats["nodes"])


@torch.no_grad()
def guided_search_batch(
    model: torch.nn.Module,
    tokens: torch.Tensor,
    shape: Shape,
    *,
    node_limit: int | None = None,
    compare_mrv: bool = False,
    batched: bool = True,
    siblings: bool = False,
) -> DecodeResult:
    """`guided_search` on each row of `tokens` [B, L], as a DecodeResult.

    The trace's decisions are the path to the answer (propagated and guessed cells, in order);
    step_entropy holds one entry per node the model chose at, so cumulative_entropy sums over
    nodes (with `siblings`, a pass can serve several nodes).
    Rows without an answer keep their MASKs. info: found, nodes, guesses, backtracks, and
    mrv_nodes when `compare_mrv`. `batched`: the searches run together and share forward
    passes (BatchedForward); off, one after another with a pass per node. `siblings`: each
    branching's children are evaluated in one pass too (info["rows"] counts the grids).
    """
    start = time.perf_counter()
    found, nodes, guesses, backtracks, mrv = [], [], [], [], []
    grids = tokens.clone()
    puzzles = [
        Sudoku(shape, tuple(v + 1 if v != MASK else 0 for v in row)) for row in tokens.tolist()
    ]
    outs = (
        search_together(model, puzzles, node_limit, siblings)
        if batched
        else [
            guided_search(model, puzzle, node_limit=node_limit, siblings=siblings)
            for puzzle in puzzles
        ]
    )
    for b, (puzzle, out) in enumerate(zip(puzzles, outs, strict=True)):
        found.append(out.answer is not None)
        if out.answer is not None:
            grids[b] = torch.tensor(out.answer.cells, device=tokens.device) - 1
        nodes.append(out.nodes)
        guesses.append(out.guesses)
        backtracks.append(out.backtracks)
        if compare_mrv:
            mrv.append(mrv_nodes(puzzle, node_limit))
    device = tokens.device
    width = max([len(o.trace) for o in outs] + [1])
    steps = max([len(o.node_entropy) for o in outs] + [1])
    order = torch.full((len(outs), width), -1, dtype=torch.long, device=device)
    values = torch.full_like(order, -1)
    step_entropy = torch.zeros(len(outs), steps, dtype=torch.float64, device=device)
    for b, out in enumerate(outs):
        if out.trace:
            order[b, : len(out.trace)] = torch.tensor([d.cell for d in out.trace])
            values[b, : len(out.trace)] = torch.tensor([d.value - 1 for d in out.trace])
        if out.node_entropy:
            step_entropy[b, : len(out.node_entropy)] = torch.tensor(out.node_entropy)
    column = torch.arange(width, device=device)[None]
    info = {
        "found": torch.tensor(found, device=device),
        "nodes": torch.tensor(nodes, device=device),
        "guesses": torch.tensor(guesses, device=device),
        "backtracks": torch.tensor(backtracks, device=device),
        "rows": torch.tensor([o.rows for o in outs], device=device),
    }
    if compare_mrv:
        info["mrv_nodes"] = torch.tensor(mrv, device=device)
    nfe = torch.tensor([o.nfe for o in outs], dtype=torch.long, device=device)
    return DecodeResult(
        tokens=grids,
        order=order,
        values=values,
        step_entropy=step_entropy,
        chosen_entropy=torch.zeros(order.shape, dtype=torch.float64, device=device),
        cumulative_entropy=step_entropy.sum(1),
        nfe=nfe,
        seconds=time.perf_counter() - start,
        step=torch.where(order >= 0, column, -1),
        chosen_margin=None,
        n_steps=nfe.clone(),
        info=info,
    )
