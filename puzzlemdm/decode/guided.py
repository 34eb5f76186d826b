"""MDM-guided complete search: a kind's own search and propagation, the model's branching order.

Every kind's `guided_search(puzzle, spec, choose, node_limit)` runs its propagation and asks a
`choose(allowed)` callback where to branch: `allowed` [L, V] is what each position of the token
grid may still hold (one value = decided). Here `choose` is the model's: it reads the partial
grid (decided positions as tokens, the rest masked, logits restricted to what is allowed) and
branches on the undecided position with the largest margin, trying its values in the model's
probability order. A kind without propagation answers None and gets `branch_search`, plain
depth-first branching over the token grid (the spec's `differ` rules prune, the kind's verifier
judges full grids). Complete, so always correct on valid puzzles (None on puzzles without a
solution or at the node limit); the node count against the classical order's (MRV in token
space, `classical_nodes`) measures how good the learned order is.
"""

from __future__ import annotations

import functools
import itertools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from puzzlemdm.decode import scores
from puzzlemdm.decode.step import denoising_entropy, log_probs
from puzzlemdm.decode.trace import DecodeResult
from puzzlemdm.puzzles.base import Choose, Decision, PuzzleKind, SolveResult
from puzzlemdm.puzzles.grid import MASK, GridSpec

# Plain branching has no propagation: a search the model orders badly would never end.
BRANCH_NODE_LIMIT = 10_000

Choice = tuple[int, list[int]] | None
BRANCHES = ("margin", "fewest")  # where the model branches (ModelChooser)


@dataclass
class GuidedResult:
    """One puzzle's guided search: the answer (None = no solution / limit) and its counters."""

    answer: Any | None
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


def mrv(allowed: np.ndarray) -> Choice:
    """The classical order in token space: the first position with the fewest allowed values
    (more than one), values ascending; None when every position is decided."""
    counts = allowed.sum(1)
    open_positions = counts > 1
    if not open_positions.any():
        return None
    position = int(np.where(open_positions, counts, allowed.shape[1] + 1).argmin())
    return position, np.flatnonzero(allowed[position]).tolist()


class ModelChooser:
    """A kind protocol `choose(allowed) -> (position, values)` that asks the model.

    With `siblings`, it also evaluates all children of a branching in one forward pass before
    the search visits them (`prefetch`), so that a backtrack to a sibling costs no pass of its
    own: fewer sequential passes, more rows (children never visited are evaluated too).

    `branch`: "margin" branches where the model is surest; "fewest" among the positions with
    the fewest allowed values (MRV's), where the model is surest there. Either way the values
    are tried in the model's order."""

    def __init__(
        self,
        model: torch.nn.Module,
        device: torch.device,
        forward: Forward | None = None,
        siblings: bool = False,
        branch: str = "margin",
    ) -> None:
        if branch not in BRANCHES:
            raise ValueError(f"unknown branch rule {branch!r}; choose from {', '.join(BRANCHES)}")
        self.model, self.device, self.branch = model, device, branch
        self.forward = forward or (lambda t, a: log_probs(model, t, a))
        self.calls = 0  # forward passes, one after another
        self.rows = 0  # grids evaluated by them
        self.entropy: list[float] = []
        self.cache: dict[bytes, torch.Tensor] = {}
        self.prefetch = self._prefetch if siblings else None

    def _state(self, allowed: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(open positions [L], allowed [L, V], tokens [L]) of a search state."""
        allowed_t = torch.as_tensor(allowed, device=self.device)
        open_positions = allowed_t.sum(1) > 1
        fixed = allowed_t.to(torch.uint8).argmax(1)  # the one allowed value where decided
        return open_positions, allowed_t, torch.where(open_positions, MASK, fixed)

    def __call__(self, allowed: np.ndarray) -> Choice:
        open_positions, allowed_t, tokens = self._state(allowed)
        if not bool(open_positions.any()):
            return None
        logp = self.cache.pop(allowed.tobytes(), None)
        if logp is None:
            logp = self.forward(tokens[None], allowed_t[None])[0]
            self.calls += 1
            self.rows += 1
        self.entropy.append(
            float(denoising_entropy(scores.entropy(logp)[None], open_positions[None])[0])
        )
        margin = scores.margin(logp).masked_fill(~open_positions, float("-inf"))
        if self.branch == "fewest":
            counts = allowed_t.sum(1)
            fewest = counts.masked_fill(~open_positions, allowed_t.shape[1] + 1).min()
            margin = margin.masked_fill(counts != fewest, float("-inf"))
        position = int(margin.argmax())
        ranked = logp[position].argsort(descending=True, stable=True).tolist()
        return position, [v for v in ranked if allowed[position, v]]

    def _prefetch(self, children: list[np.ndarray]) -> None:
        keys, tokens, allowed = [], [], []
        for child in children:
            key = child.tobytes()
            open_positions, child_allowed, child_tokens = self._state(child)
            if bool(open_positions.any()) and key not in self.cache:
                keys.append(key)
                tokens.append(child_tokens)
                allowed.append(child_allowed)
        if len(keys) < 2:  # one child: its own call costs the same pass
            return
        logp = self.forward(torch.stack(tokens), torch.stack(allowed))
        self.calls += 1
        self.rows += len(keys)
        self.cache.update(zip(keys, logp, strict=True))


class SearchStopped(Exception):
    """A search ended early because the batch was stopped (the user pressed Ctrl-C)."""


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
        self.stopped = False  # set by `stop`: every search ends at its next model query
        self.passes = 0

    def ask(self, search: int, tokens: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
        """Log-probabilities [k, L, V] of one search's k grids (tokens [k, L])."""
        with self.ready:
            self.asked[search] = (tokens, allowed)
            self._answer_if_all_asked()
            while search not in self.answers:
                if self.stopped:
                    raise SearchStopped
                if self.failure is not None:
                    raise RuntimeError("the batched model call failed") from self.failure
                self.ready.wait()
            return self.answers.pop(search)

    def stop(self) -> None:
        """End every search at its next query (Ctrl-C): none waits for a pass that never comes."""
        with self.ready:
            self.stopped = True
            self.ready.notify_all()

    def finished(self) -> None:
        """A search ended (answer, no solution, limit or error): stop waiting for it."""
        with self.ready:
            self.running -= 1
            self._answer_if_all_asked()

    def _answer_if_all_asked(self) -> None:
        if self.stopped or not self.asked or len(self.asked) < self.running:
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


class _Branching:
    """Plain depth-first branching over a token grid (for kinds without propagation)."""

    def __init__(
        self,
        kind: PuzzleKind,
        puzzle: Any,
        spec: GridSpec,
        choose: Choose,
        node_limit: int,
    ) -> None:
        self.kind, self.puzzle, self.spec = kind, puzzle, spec
        self.choose, self.node_limit = choose, node_limit
        self.differ = spec.differ
        self.cell_of = {int(p): i for i, p in enumerate(kind.cell_positions(puzzle, spec))}
        self.nodes, self.guesses, self.backtracks = 1, 0, 0
        self.node_limit_hit = False

    def prune(self, allowed: np.ndarray, fixed: list[int], log: list[Decision], depth: int) -> bool:
        """Remove each newly decided position's value from its `differ` peers, to a fixpoint
        (in place); False when a position is left with nothing allowed."""
        if self.differ is None:
            return bool(allowed.any(1).all())
        while fixed:
            position = fixed.pop()
            value = int(allowed[position].argmax())
            peers = np.flatnonzero(self.differ[position] & allowed[:, value])
            if not len(peers):
                continue
            allowed[peers, value] = False
            counts = allowed[peers].sum(1)
            if (counts == 0).any():
                return False
            for peer in peers[counts == 1].tolist():
                fixed.append(peer)
                self.record(log, peer, int(allowed[peer].argmax()), "differ", depth)
        return True

    def record(
        self, log: list[Decision], position: int, value: int, reason: str, depth: int
    ) -> None:
        """Log a decided position under its cell index (positions that are no cell: none)."""
        cell = self.cell_of.get(position)
        if cell is not None:
            log.append(Decision(cell, value, reason, depth))

    def run(self, allowed: np.ndarray, log: list[Decision], depth: int) -> Any | None:
        """The first accepted answer below `allowed` (None: none there, or the node limit)."""
        picked = self.choose(allowed)
        if picked is None:
            answer = self.kind.decode_tokens(self.puzzle, allowed.argmax(1), self.spec)
            if self.kind.verify(self.puzzle, answer).ok:
                return answer
            self.backtracks += 1
            return None
        position, values = picked
        for value in values:
            if not 0 <= value < allowed.shape[1] or not allowed[position, value]:
                continue  # a custom chooser may propose values already ruled out
            if self.nodes >= self.node_limit:
                self.node_limit_hit = True
                return None
            self.nodes += 1
            self.guesses += 1
            child = allowed.copy()
            child[position] = False
            child[position, value] = True
            mark = len(log)
            self.record(log, position, value, "guess", depth + 1)
            if self.prune(child, [position], log, depth + 1):
                answer = self.run(child, log, depth + 1)
                if answer is not None or self.node_limit_hit:
                    return answer
            else:
                self.backtracks += 1
            del log[mark:]
        return None


def branch_search(
    kind: PuzzleKind,
    puzzle: Any,
    spec: GridSpec,
    choose: Choose,
    node_limit: int | None = None,
) -> SolveResult:
    """Depth-first branching over `kind`'s token grid where `choose` says, without propagation.

    Values held by a `differ` peer are pruned (when the spec has rules); a full grid is accepted
    only if the kind's verifier accepts the answer it spells. At most `node_limit` nodes
    (default BRANCH_NODE_LIMIT). Counters and trace as in the kinds' guided searches.
    """
    limit = BRANCH_NODE_LIMIT if node_limit is None else node_limit
    search = _Branching(kind, puzzle, spec, choose, limit)
    allowed = kind.encode(puzzle, spec=spec).allowed.copy()
    log: list[Decision] = []
    decided = np.flatnonzero(allowed.sum(1) == 1).tolist()
    answer = None
    if search.prune(allowed, decided, log, 0):
        answer = search.run(allowed, log, 0)
    else:
        search.backtracks += 1
    stats = {
        "nodes": search.nodes,
        "guesses": search.guesses,
        "backtracks": search.backtracks,
        "solutions": int(answer is not None),
        "node_limit_hit": search.node_limit_hit,
    }
    return SolveResult(answer, log if answer is not None else [], "branch", stats)


def kind_search(
    kind: PuzzleKind,
    puzzle: Any,
    spec: GridSpec,
    choose: Choose,
    node_limit: int | None = None,
) -> SolveResult:
    """The kind's own guided search, or plain branching when the kind has no propagation."""
    solved = kind.guided_search(puzzle, spec, choose, node_limit)
    return solved if solved is not None else branch_search(kind, puzzle, spec, choose, node_limit)


def classical_nodes(
    kind: PuzzleKind, puzzle: Any, spec: GridSpec, node_limit: int | None = None
) -> int:
    """Nodes the same search visits to its first solution in the classical (MRV) order."""
    return int(kind_search(kind, puzzle, spec, mrv, node_limit).stats["nodes"])


@torch.no_grad()
def guided_search(
    model: torch.nn.Module,
    kind: PuzzleKind,
    puzzle: Any,
    spec: GridSpec,
    *,
    node_limit: int | None = None,
    forward: Forward | None = None,
    siblings: bool = False,
    branch: str = "margin",
) -> GuidedResult:
    """Solve `puzzle` by the kind's propagation + depth-first search branching where the model
    is surest (on the token grid `spec`, the model's).

    `forward` replaces the model call (a BatchedForward's, to share passes between searches);
    `siblings` evaluates the children of each branching together, `branch` picks where to
    branch (ModelChooser)."""
    start = time.perf_counter()
    chooser = ModelChooser(model, model_device(model), forward, siblings, branch)
    solved = kind_search(kind, puzzle, spec, chooser, node_limit)
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
    kind: PuzzleKind,
    puzzles: Sequence[Any],
    spec: GridSpec,
    node_limit: int | None = None,
    siblings: bool = False,
    branch: str = "margin",
) -> list[GuidedResult]:
    """`guided_search` on every puzzle at once, one thread per search, sharing forward passes."""
    shared = BatchedForward(model, len(puzzles))
    outs: list[GuidedResult | None] = [None] * len(puzzles)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            forward = functools.partial(shared.ask, index)
            outs[index] = guided_search(
                model,
                kind,
                puzzles[index],
                spec,
                node_limit=node_limit,
                forward=forward,
                siblings=siblings,
                branch=branch,
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            shared.finished()
            ended[index].set()

    # Each search says it ended by an Event, not by Thread.join: on Python 3.11 a join cut by
    # Ctrl-C can mark a thread that is still running as stopped (bpo-45274), and it is not
    # waited for.
    ended = [threading.Event() for _ in puzzles]
    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(puzzles))]
    launched = 0
    try:
        for thread in threads:
            launched += 1
            thread.start()
        for event in ended:
            event.wait()
    except KeyboardInterrupt:
        # Ctrl-C reaches this (main) thread only. Exiting with searches still inside torch
        # aborts the process (SIGABRT, "terminate called without an active exception"), so
        # stop them, wait until each has left its model call, then let the interrupt go on.
        shared.stop()
        for thread, event in zip(threads[:launched], ended, strict=False):
            while not event.wait(1.0):
                if thread.ident is None:  # Ctrl-C came before this one could run at all
                    break
        raise
    if errors:
        raise errors[0]
    return [out for out in outs if out is not None]


def model_device(model: torch.nn.Module) -> torch.device:
    """Where the model's weights live (CPU for weightless toy models)."""
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        return tensor.device
    return torch.device("cpu")


@torch.no_grad()
def guided_search_batch(
    model: torch.nn.Module,
    kind: PuzzleKind,
    puzzles: Sequence[Any],
    spec: GridSpec,
    *,
    node_limit: int | None = None,
    compare_classical: bool = False,
    batched: bool = True,
    siblings: bool = False,
    branch: str = "margin",
) -> DecodeResult:
    """`guided_search` on each puzzle, as a DecodeResult over the token grid `spec`.

    tokens: the answers encoded on `spec`; rows without an answer keep the puzzle's tokens
    (MASKs included). The trace's decisions are the path to the answer (propagated and guessed
    cells, in order) at their token positions, with the answer's tokens as values;
    step_entropy holds one entry per node the model chose at, so cumulative_entropy sums over
    nodes (with `siblings`, a pass can serve several nodes).
    info: found, nodes, guesses, backtracks, rows, and classical_nodes (the same search in MRV
    order) when `compare_classical`. `batched`: the searches run together and share forward
    passes (BatchedForward); off, one after another with a pass per node. `siblings`: each
    branching's children are evaluated in one pass too (info["rows"] counts the grids).
    `branch`: where the model branches (ModelChooser).
    """
    start = time.perf_counter()
    device = model_device(model)
    outs = (
        search_together(model, kind, puzzles, spec, node_limit, siblings, branch)
        if batched
        else [
            guided_search(
                model, kind, puzzle, spec, node_limit=node_limit, siblings=siblings, branch=branch
            )
            for puzzle in puzzles
        ]
    )
    grids = []
    width = max([len(o.trace) for o in outs] + [1])
    steps = max([len(o.node_entropy) for o in outs] + [1])
    order = torch.full((len(outs), width), -1, dtype=torch.long)
    values = torch.full_like(order, -1)
    step_entropy = torch.zeros(len(outs), steps, dtype=torch.float64)
    for b, (puzzle, out) in enumerate(zip(puzzles, outs, strict=True)):
        grid = kind.encode(puzzle, out.answer, spec)
        final = grid.tokens if out.answer is None else grid.target
        grids.append(torch.as_tensor(final, dtype=torch.long))
        if out.trace:
            positions = np.asarray(kind.cell_positions(puzzle, spec))[[d.cell for d in out.trace]]
            order[b, : len(out.trace)] = torch.as_tensor(positions)
            values[b, : len(out.trace)] = torch.as_tensor(final[positions])
        if out.node_entropy:
            step_entropy[b, : len(out.node_entropy)] = torch.tensor(out.node_entropy)
    info = {
        "found": torch.tensor([o.answer is not None for o in outs]),
        "nodes": torch.tensor([o.nodes for o in outs]),
        "guesses": torch.tensor([o.guesses for o in outs]),
        "backtracks": torch.tensor([o.backtracks for o in outs]),
        "rows": torch.tensor([o.rows for o in outs]),
        "seconds": torch.tensor([o.seconds for o in outs], dtype=torch.float64),
        "node_limit_hit": torch.tensor([o.node_limit_hit for o in outs]),
    }
    if compare_classical:
        info["classical_nodes"] = torch.tensor(
            [classical_nodes(kind, puzzle, spec, node_limit) for puzzle in puzzles]
        )
    nfe = torch.tensor([o.nfe for o in outs], dtype=torch.long)
    column = torch.arange(width)[None]
    tokens = torch.stack(grids) if grids else torch.empty(0, spec.length, dtype=torch.long)
    # built on the CPU from Python lists; the result lives where the model does
    return DecodeResult(
        tokens=tokens.to(device),
        order=order.to(device),
        values=values.to(device),
        step_entropy=step_entropy.to(device),
        chosen_entropy=torch.zeros(order.shape, dtype=torch.float64, device=device),
        cumulative_entropy=step_entropy.sum(1).to(device),
        nfe=nfe.to(device),
        seconds=time.perf_counter() - start,
        step=torch.where(order >= 0, column, -1).to(device),
        chosen_margin=None,
        n_steps=nfe.to(device),
        info={key: value.to(device) for key, value in info.items()},
    )
