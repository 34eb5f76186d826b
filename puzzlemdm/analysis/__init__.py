"""Order analysis: which cells a model decides when, compared with classical solvers' orders.

Vocabulary: a *path* is one decoding of one puzzle (its trace: positions in decision order,
values, the step each was decided at, entropies, margins); a *decision* is one (cell, value) of
a path; a *reference order* is a classical solver's (or a fixed) order of the same cells. The
kind-specific facts about a decision (forced? how many candidates? which technique would fix
it?) come from the kind's own `orders` module (`kind.order_facts()`); everything here is
generic over kinds.

Modules: `methods` (names of decoding methods -> decode knobs), `decoding` (decode a split,
write traces), `kendall` (rank correlation), `paths` (per-path and per-decision facts),
`summary` (table rows, Markdown), `figures` (matplotlib, headless), `study` (the command).
"""
