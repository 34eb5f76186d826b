"""`puzzlemdm verify` (puzzles, a solution, answers given apart), `grade` and `models`."""

from __future__ import annotations

import json
from collections import Counter
from typing import Annotated, Any

import typer
from rich.markup import escape

from puzzlemdm.cli.common import (
    EXIT_INVALID,
    EXIT_USAGE,
    FilesArg,
    KindOpt,
    app,
    err,
    fail,
    load_records,
    out,
    read_source,
)
from puzzlemdm.puzzles.base import PuzzleError, PuzzleKind, PuzzleRecord
from puzzlemdm.usage import UsageError
from puzzlemdm.validity import check_record, grade_record


@app.command()
def verify(
    files: FilesArg,
    kind: KindOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON verdict per puzzle on stdout.")
    ] = False,
    answer_file: Annotated[
        str | None,
        typer.Option(
            "--answer",
            help="A file with an answer to the one puzzle given, checked by the verifier: a "
            "plan file (Blocksworld), a grid (Sudoku), or solve --json's row; for a puzzle "
            "asking one question, a short answer (a value, a choice's letter, a house).",
        ),
    ] = None,
    answers_file: Annotated[
        str | None,
        typer.Option(
            "--answers",
            help="A file of answers to the puzzles given, each checked by the verifier: JSON "
            'lines of {"id", "answer"} (as solve --json prints), or PlanBench\'s or ZeroEval\'s '
            "results (a language model's responses).",
        ),
    ] = None,
) -> None:
    """Check puzzles: consistent givens, a solution, and the file's own solution if it has one.

    Solutions are counted (unique or several) where the kind can count them."""
    if "-" in files and "-" in (answer_file, answers_file):
        raise fail("'-' (standard input) can be read once: the puzzles or the answers", EXIT_USAGE)
    if answer_file is not None and answers_file is not None:
        raise fail("give --answer (one puzzle's) or --answers (many), not both", EXIT_USAGE)
    try:
        loaded = load_records(files, kind)
        answer = read_one_answer(loaded, answer_file) if answer_file is not None else None
        if answers_file is not None:
            verify_answers(loaded, answers_file, as_json)
            return
    except PuzzleError as exc:
        raise fail(str(exc)) from None
    from puzzlemdm.answers import Judged

    if isinstance(answer, Judged):  # a short answer, judged as it was read
        from puzzlemdm.puzzles.registry import kind_of

        short_kind = kind_of(answer.record.puzzle)
        show_judged(short_kind, answer, as_json, right="the answer to its question is right")
        raise typer.Exit(0 if answer.ok else EXIT_INVALID)

    counts: Counter[str] = Counter()
    for puzzle_kind, records in loaded:
        for record in records:
            validity = check_record(puzzle_kind, record, answer)
            where = record.name
            counts["total"] += 1
            counts["solutions"] += validity.solution_checked
            counts["answers"] += validity.answer_checked
            if as_json:
                print(json.dumps(verdict_json(puzzle_kind, where, validity)), flush=True)
            if not validity.ok:
                counts["bad"] += 1
                if not as_json:
                    out.print(f"[red]✗ {escape(where)}: {escape(validity.problem)}[/]")
                continue
            counts[{True: "unique", False: "several", None: "uncounted"}[validity.unique]] += 1
            if validity.unique is False and not as_json:
                out.print(f"[yellow]! {escape(where)}: the puzzle has several solutions[/]")
    right = (
        "the answer right" if answer is not None else f"{counts['solutions']} given solutions right"
    )
    checked = "givens consistent, solvable" + (f", {right}" if counts["solutions"] else "")
    if counts["answers"]:  # BBEH's targets, ZebraLogic's multiple-choice answers
        checked += f", {counts['answers']} recorded answers right"
    uniqueness = ", ".join(
        f"{counts[key]} {words}"
        for key, words in (
            ("unique", "unique"),
            ("several", "with several solutions"),
            ("uncounted", "not counted (answers are plans, or past the search budget)"),
        )
        if counts[key]
    )
    err.print(
        f"{counts['total'] - counts['bad']}/{counts['total']} verified (checked: {checked})"
        + (f"; {uniqueness}" if uniqueness else ""),
        soft_wrap=True,
    )
    if counts["bad"]:
        raise typer.Exit(EXIT_INVALID)


def verify_answers(
    loaded: list[tuple[PuzzleKind, list[PuzzleRecord]]], path: str, as_json: bool
) -> None:
    """`verify --answers`: every puzzle's answer judged, a line for each wrong one (a JSON row
    for each with --json), then the counts; exit 1 unless every puzzle's answer is right."""
    from puzzlemdm.answers import Tally, answers_in, judge_answers, shared_ids, unmatched

    text, source = read_source(path)
    answers = answers_in(text, source)
    shared = shared_ids([r for _, records in loaded for r in records], answers)
    if shared:
        raise PuzzleError(
            f"the answer for id {shared[0]!r} fits several puzzles, which share that id: give "
            "every puzzle an id of its own (or answer them by file:line)",
            source=source,
        )
    tally = Tally()
    for kind, records in loaded:
        for judged in judge_answers(kind, records, answers, source):
            tally.add(kind, judged)
            show_judged(kind, judged, as_json)
    stray = unmatched([r for _, records in loaded for r in records], answers)
    err.print(tally.summary(stray), soft_wrap=True)
    if not tally.all_right:
        raise typer.Exit(EXIT_INVALID)


def show_judged(kind: PuzzleKind, judged: Any, as_json: bool, right: str = "") -> None:
    """One judged answer: its JSON row, or a line when it is wrong (or `right` when given)."""
    from puzzlemdm.answers import judged_row

    if as_json:
        print(json.dumps(judged_row(kind, judged)), flush=True)
    elif not judged.ok:
        out.print(f"[red]✗ {escape(judged.record.name)}: {escape(judged.problem)}[/]")
    elif right:
        out.print(f"[green]✓ {escape(judged.record.name)}: {escape(right)}[/]")


def read_one_answer(loaded: list[tuple[PuzzleKind, list[PuzzleRecord]]], path: str) -> Any:
    """The answer `verify --answer` checks, read by the kind of the one puzzle given; for a
    short answer to the puzzle's question (a value, a house), its verdict (a `Judged`)."""
    from puzzlemdm.answers import read_answer, the_one_puzzle

    try:
        kind, record = the_one_puzzle(loaded)
    except UsageError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    text, source = read_source(path)
    return read_answer(kind, record, text, source)


def verdict_json(kind: PuzzleKind, where: str, validity: Any) -> dict[str, Any]:
    """The --json row of one verified (or not) puzzle."""
    return {
        "id": where,
        "kind": kind.name,
        "ok": validity.ok,
        "problem": validity.problem or None,
        "unique": validity.unique,  # null: not counted (plans, or past the search budget)
        "solution_checked": validity.solution_checked,
        "answer_checked": validity.answer_checked,  # a short answer the file records, judged
    }


@app.command()
def models(
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per checkpoint on stdout.")
    ] = False,
) -> None:
    """List the shipped checkpoints: kind, size, parameters, validation solve rate.

    Each is read from the checkpoint's own files (its config and training log)."""
    from puzzlemdm.shipped import shipped_models

    for model in shipped_models():
        if as_json:
            print(json.dumps(model), flush=True)
            continue
        size = f"{model['layers']} x {model['width']}" if model["layers"] else "?"
        parameters = f"{model['parameters'] / 1e6:.2f}M" if model["parameters"] else "?"
        out.print(
            f"[bold]{escape(model['name'])}[/]: {model['kind']} {model['family'].upper()}, "
            f"{size}, {parameters} parameters, {model['megabytes']} MB; "
            f"{escape(model['headline'])}"
        )
        out.print(f"  {escape(model['path'])}")


@app.command()
def grade(
    files: FilesArg,
    kind: KindOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON grade per puzzle on stdout.")
    ] = False,
) -> None:
    """Grade puzzles: the level and the techniques / search effort they need."""
    try:
        loaded = load_records(files, kind)
    except PuzzleError as exc:
        raise fail(str(exc)) from None
    levels: Counter[str] = Counter()
    invalid = 0
    for puzzle_kind, records in loaded:
        for record in records:
            where = record.name
            graded = grade_record(puzzle_kind, record)
            if isinstance(graded, str):
                invalid += 1
                err.print(f"[red]✗ {escape(where)}: {escape(graded)}[/]")
                continue
            if graded["unique"] is False:
                err.print(f"[yellow]! {escape(where)}: several solutions; the level says little[/]")
            levels[graded["level"]] += 1
            if as_json:
                print(json.dumps({"id": where, **graded}), flush=True)
            else:
                counters = ", ".join(  # a field repeating the level is left out
                    f"{k} {v}"
                    for k, v in graded.items()
                    if k != "level" and isinstance(v, int | float | str) and v != graded["level"]
                )
                out.print(f"{where}: [bold]{graded['level']}[/] ({counters})")
    graded_levels = ", ".join(f"{k} {v}" for k, v in sorted(levels.items()))
    err.print(
        "; ".join(
            [f"levels: {graded_levels}"] * bool(levels) + [f"{invalid} invalid"] * bool(invalid)
        )
    )
    if invalid:
        raise typer.Exit(EXIT_INVALID)
