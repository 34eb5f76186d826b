"""Sudoku reading, writing, rendering and verifying."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from puzzlemdm.puzzles.base import PuzzleError
from puzzlemdm.puzzles.sudoku.board import ALPHABET, Shape, Sudoku
from puzzlemdm.puzzles.sudoku.formats import detect_format, parse_file, parse_text
from puzzlemdm.puzzles.sudoku.verify import check_givens, verify
from puzzlemdm.puzzles.sudoku.writing import format_grid, format_line, render_grid

BENCHMARKS = Path(__file__).resolve().parents[1] / ".." / "shared" / "benchmarks" / "sudoku"
SHAPES = [Shape(2, 2), Shape(2, 3), Shape(3, 3), Shape(4, 4)]
EXAMPLE = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"


def solved(shape: Shape, values: list[int] | None = None) -> Sudoku:
    """A valid solved grid: row r of band b is the first row shifted by box_cols * r + b."""
    n, br, bc = shape.n, shape.box_rows, shape.box_cols
    names = values or list(range(1, n + 1))
    cells = tuple(names[(bc * (r % br) + r // br + c) % n] for r in range(n) for c in range(n))
    return Sudoku(shape, cells)


@st.composite
def grids(draw, shapes=SHAPES):
    """(puzzle, solution): a relabelled solved grid and a copy with random blanks."""
    shape = draw(st.sampled_from(shapes))
    solution = solved(shape, draw(st.permutations(range(1, shape.n + 1))))
    keep = draw(st.lists(st.booleans(), min_size=shape.cells, max_size=shape.cells))
    puzzle = solution.with_cells(v if k else 0 for v, k in zip(solution.cells, keep, strict=True))
    return puzzle, solution


def error_of(text: str, **kwargs) -> PuzzleError:
    with pytest.raises(PuzzleError) as info:
        parse_text(text, "sample.txt", **kwargs)
    return info.value


# --- round trips -------------------------------------------------------------------------------


@given(st.lists(grids(), min_size=1, max_size=4), st.sampled_from("._*0"))
def test_line_format_round_trip(pairs, blank):
    puzzles = [p for p, _ in pairs]
    text = "# a comment\n\n" + "\n".join(format_line(p, blank) + "  " for p in puzzles) + "\n"
    records = parse_text(text)
    assert [r.puzzle for r in records] == puzzles
    assert [r.line for r in records] == list(range(3, 3 + len(puzzles)))
    assert [r.id for r in records] == [str(i) for i in range(len(puzzles))]


@given(st.lists(grids([*SHAPES, Shape(3, 2)]), min_size=1, max_size=3))
def test_grid_format_round_trip_keeps_box_shape(pairs):
    puzzles = [p for p, _ in pairs]
    records = parse_text("\n".join(format_grid(p) for p in puzzles))
    assert [r.puzzle for r in records] == puzzles  # Sudoku equality includes the shape


@given(st.lists(grids([*SHAPES, Shape(3, 2)]), min_size=1, max_size=3))
def test_grids_with_blank_lines_for_band_borders_round_trip(pairs):
    # a band border drawn as a blank line, as some books and forums write grids
    puzzles = [p for p, _ in pairs]
    apart = [
        "\n".join("" if set(row) <= set("-+ ") else row for row in format_grid(p).splitlines())
        for p in puzzles
    ]
    assert [r.puzzle for r in parse_text("\n\n".join(apart))] == puzzles


@given(st.lists(grids(), min_size=1, max_size=3))
def test_bare_row_grids_round_trip(pairs):
    # Rows with no separators at all ("53..7...."), grids separated by a blank line.
    puzzles = [p for p, _ in pairs]
    blocks = []
    for p in puzzles:
        line = format_line(p)
        blocks.append("\n".join(line[r * p.n : (r + 1) * p.n] for r in range(p.n)))
    assert [r.puzzle for r in parse_text("\n\n".join(blocks))] == puzzles


@given(grids())
def test_puzzle_and_solution_on_one_line(pair):
    puzzle, solution = pair
    [record] = parse_text(f"{format_line(puzzle)} {format_line(solution)}  # from a book\n")
    assert (record.puzzle, record.solution) == (puzzle, solution)


@given(st.lists(grids(), min_size=1, max_size=3))
def test_csv_round_trip(pairs):
    rows = ["idx,quizzes,solutions,level,givens"]
    rows += [
        f"{10 + i},{format_line(p, '0')},{format_line(s)},hard,{p.givens}"
        for i, (p, s) in enumerate(pairs)
    ]
    records = parse_text("\n".join(rows))
    assert [(r.puzzle, r.solution) for r in records] == pairs
    assert [r.id for r in records] == [str(10 + i) for i in range(len(pairs))]
    assert all(r.level == "hard" for r in records)
    assert [r.meta for r in records] == [{"givens": p.givens} for p, _ in pairs]


@given(st.lists(grids([*SHAPES, Shape(3, 2)]), min_size=1, max_size=3))
def test_jsonl_corpus_round_trip(pairs):
    lines = [
        json.dumps(
            {
                "id": f"sudoku-{i}",
                "kind": "sudoku",
                "level": "easy",
                "puzzle": p.to_line(),
                "solution": s.to_line(),
                "meta": {"box": [p.shape.box_rows, p.shape.box_cols], "givens": p.givens},
                "seed": 7,
                "generator_version": "sudoku-1",
            }
        )
        for i, (p, s) in enumerate(pairs)
    ]
    records = parse_text("\n".join(lines) + "\n")
    assert [(r.puzzle, r.solution) for r in records] == pairs
    assert [r.id for r in records] == [f"sudoku-{i}" for i in range(len(pairs))]
    assert records[0].level == "easy"
    assert records[0].meta["seed"] == 7 and records[0].meta["generator_version"] == "sudoku-1"


def test_dashes_for_blanks_in_a_line_and_euler_titles_between_grids():
    line = "123-4-----------34------1--2------------2------143-----4-3-2----1----------------"
    (record,) = parse_text(line + "\n")
    assert record.puzzle == Sudoku.from_line(line.replace("-", "."))  # 9x9, not 16 givens 4x4
    first = "4" + "-" * 80  # blanks at the end only
    assert parse_text(first + "\n")[0].puzzle == Sudoku.from_line("4" + "." * 80)
    grid = "\n".join(
        ["003020600", "900305001", "001806400", "008102900", "700000008", "006708200",
         "002609500", "800203009", "005010300"]
    )  # fmt: skip
    records = parse_text(f"Grid 01\n{grid}\nGrid 02\n{grid}\n")
    assert len(records) == 2 and records[0].puzzle == records[1].puzzle
    assert records[0].puzzle.to_line().startswith("..3.2.6..")


def test_sixteen_by_sixteen_written_zero_to_f_keeps_its_zeros():
    one_to_g = "123456789ABCDEFG" + "." * 240
    zero_to_f = "0123456789ABCDEF" + "." * 240
    assert parse_text(zero_to_f + "\n")[0].puzzle == parse_text(one_to_g + "\n")[0].puzzle
    csv_text = f"id,puzzle\n1,{zero_to_f}\n"
    assert parse_text(csv_text)[0].puzzle == parse_text(one_to_g + "\n")[0].puzzle
    blank_zero = "1234567.9ABCDEFG" + "0" * 240  # 1-G with 0 blanks stays as it was
    assert parse_text(blank_zero + "\n")[0].puzzle.cells[:9] == (1, 2, 3, 4, 5, 6, 7, 0, 9)


def test_formats_are_detected():
    assert detect_format("# c\n" + EXAMPLE) == "text"
    assert detect_format('\n{"puzzle": "..."}') == "jsonl"
    assert detect_format("id,puzzle\n1,...") == "csv"


def test_sixteen_by_sixteen_uses_letters_up_to_g():
    grid = solved(Shape(4, 4))
    line = format_line(grid)
    assert line[:16] == "123456789ABCDEFG"
    assert parse_text(line.lower())[0].puzzle == grid
    # A bare 16x16 grid (exactly sixteen 16-character rows) is one grid, not sixteen 4x4 lines.
    rows = "\n".join(line[r * 16 : (r + 1) * 16] for r in range(16))
    assert [r.puzzle for r in parse_text(rows)] == [grid]
    # ... unless the shape says otherwise; seventeen lines are 4x4 puzzles either way.
    small = format_line(solved(Shape(2, 2)))
    assert len(parse_text("\n".join([small] * 16), shape=Shape(2, 2))) == 16
    assert {r.puzzle.n for r in parse_text("\n".join([small] * 17))} == {4}
    # sixteen 4x4 one-line puzzles are sixteen puzzles: no value above 4 makes them a 16x16
    fours = "".join("." * i + str(i % 4 + 1) + "." * (15 - i) + "\n" for i in range(16))
    assert {r.puzzle.n for r in parse_text(fours)} == {4} and len(parse_text(fours)) == 16


def test_format_grid_text():
    grid = format_grid(Sudoku.from_line(EXAMPLE))
    assert grid.splitlines()[:4] == [
        "5 3 . | . 7 . | . . .",
        "6 . . | 1 9 5 | . . .",
        ". 9 8 | . . . | . 6 .",
        "------+-------+------",
    ]


# --- errors --------------------------------------------------------------------------------------


def test_bad_character_names_line_and_column():
    text = "# header\n" + EXAMPLE + "\n" + EXAMPLE[:16] + "x" + EXAMPLE[17:] + "\n"
    err = error_of(text)
    assert (err.source, err.line, err.column) == ("sample.txt", 3, 17)
    assert str(err) == (
        "sample.txt:3:17: unexpected character 'x'; expected a digit 1-9 or '.'/'0' for a blank"
    )


def test_short_line_names_the_cell_count():
    err = error_of(EXAMPLE + "\n" + EXAMPLE[:80] + "\n")
    assert err.line == 2
    assert "line has 80 cells; a 9x9 sudoku needs 81" in str(err)


def test_values_too_large_for_the_size():
    assert "expected a digit 1-4" in str(error_of("1234341221434325"))
    assert error_of("1234341221434325").column == 16
    err = error_of(format_line(solved(Shape(4, 4))).replace("G", "H", 1))
    assert "expected 1-9 or A-G or '.'/'0' for a blank" in str(err)


def test_grid_errors_point_at_the_row():
    rows = format_grid(Sudoku.from_line(EXAMPLE)).splitlines()
    short = rows.copy()
    short[5] = short[5][:-2]  # file line 6 (the 5th grid row) loses its last cell
    err = error_of("\n".join(short))
    assert err.line == 6 and "grid row has 8 cells; a 9x9 sudoku needs 9" in str(err)
    err = error_of("\n".join(rows[:-1]))
    assert "grid ends after 8 rows; a 9x9 sudoku needs 9" in str(err)
    bad = rows.copy()
    bad[0] = bad[0].replace("7", "?")
    err = error_of("\n".join(bad))
    assert (err.line, err.column) == (1, 11)


def test_csv_errors():
    err = error_of("idx,grid\n0," + EXAMPLE)
    assert err.line == 1 and "no 'puzzle'" in str(err) and "found: idx, grid" in str(err)
    err = error_of("idx,puzzle,solution\n0," + EXAMPLE.replace("7", "z", 1) + ",\n")
    assert (err.line, err.column) == (2, 7)
    err = error_of("idx,puzzle\n0," + EXAMPLE + ",extra\n")
    assert err.line == 2 and "3 fields; the header has 2" in str(err)


def test_jsonl_errors():
    err = error_of('{"puzzle": "' + EXAMPLE + '"}\n{"puzzle": ')
    assert err.line == 2 and "invalid JSON" in str(err)
    err = error_of('{"puzzle": "' + EXAMPLE[:-1] + '"}')
    assert "puzzle has 80 cells; a 9x9 sudoku needs 81" in str(err) and err.column == 13
    err = error_of('{"id": 1, "puzzle": "' + "x" + EXAMPLE[1:] + '"}')
    assert err.column == 22
    assert "'zebra'" in str(error_of('{"kind": "zebra", "puzzle": "x"}'))


def test_empty_input_is_an_error():
    assert "no sudoku found" in str(error_of("# only a comment\n\n"))


def test_conflicting_givens_parse_but_fail_check_givens():
    line = "55" + "." * 79
    [record] = parse_text(line)
    verdict = check_givens(record.puzzle)
    assert not verdict.ok
    assert [v.message for v in verdict.violations] == [
        "value 5 twice in row 1 (r1c1, r1c2)",
        "value 5 twice in box 1 (r1c1, r1c2)",
    ]
    assert check_givens(Sudoku.from_line(EXAMPLE)).ok


def test_parse_file_errors(tmp_path):
    with pytest.raises(PuzzleError, match="no such file"):
        parse_file(tmp_path / "missing.txt")
    with pytest.raises(PuzzleError, match="directory"):
        parse_file(tmp_path)
    binary = tmp_path / "model.bin"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    with pytest.raises(PuzzleError, match="binary"):
        parse_file(binary)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(EXAMPLE.encode() + b"\n\xe9\n")
    with pytest.raises(PuzzleError, match="UTF-8") as info:
        parse_file(latin)
    assert (info.value.line, info.value.column) == (2, 1)
    good = tmp_path / "one.txt"
    good.write_text(EXAMPLE + "\n")
    [record] = parse_file(good)
    assert record.source == str(good) and record.puzzle.to_line() == EXAMPLE
    late = tmp_path / "late.txt"  # a NUL far into a file: binary still
    late.write_bytes((EXAMPLE + "\n").encode() * 1000 + b"\0")
    with pytest.raises(PuzzleError, match="binary"):
        parse_file(late)
    old_mac = tmp_path / "cr.txt"  # lines ended by CR alone: the bad byte's line still found
    old_mac.write_bytes(b"....\r....\r..\xe9.\r")
    with pytest.raises(PuzzleError, match="UTF-8") as info:
        parse_file(old_mac)
    assert (info.value.line, info.value.column) == (3, 3)
    for encoding in ("utf-16", "utf-32", "utf-8-sig"):  # Windows' "Unicode", BOMs
        good.write_bytes((EXAMPLE + "\r\n").encode(encoding))
        [record] = parse_file(good)
        assert record.puzzle.to_line() == EXAMPLE, encoding


@pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="../shared/benchmarks is not checked out here")
@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("norvig_top95.csv", 95),
        ("norvig_hardest.csv", 11),
        ("magictour_top1465.csv", 1465),
        ("royle_17clue_sample500.csv", 500),
    ],
)
def test_shared_benchmarks_load_and_verify(name, count):
    records = parse_file(BENCHMARKS / name)
    assert len(records) == count
    assert [r.id for r in records[:2]] == ["0", "1"] and records[0].line == 2
    assert {"givens", "unique", "search_guesses", "source_line"} <= set(records[0].meta)
    for r in records:
        assert r.puzzle.givens == r.meta["givens"]
        assert verify(r.puzzle, r.solution).ok, (name, r.id)


# --- verify --------------------------------------------------------------------------------------


@given(grids())
def test_valid_solution_verifies(pair):
    puzzle, solution = pair
    assert verify(puzzle, solution).ok
    assert check_givens(puzzle).ok


@given(grids(), st.data())
def test_changed_cell_is_caught_in_its_units(pair, data):
    puzzle, solution = pair
    shape = solution.shape
    cell = data.draw(st.integers(0, shape.cells - 1))
    value = data.draw(
        st.sampled_from([v for v in range(1, shape.n + 1) if v != solution.cells[cell]])
    )
    cells = list(solution.cells)
    cells[cell] = value
    verdict = verify(puzzle, solution.with_cells(cells))
    assert not verdict.ok
    row, col, box = shape.row_of(cell) + 1, shape.col_of(cell) + 1, shape.box_of(cell) + 1
    messages = [v.message for v in verdict.violations]
    for unit in (f"row {row}", f"column {col}", f"box {box}"):
        assert any(f"value {ALPHABET[value - 1]} twice in {unit} " in m for m in messages), unit
    assert all(cell in v.cells for v in verdict.violations)
    assert any(v.constraint == "given" for v in verdict.violations) == bool(puzzle.cells[cell])


@given(grids(), st.data())
def test_swapped_cells_in_a_row_are_caught(pair, data):
    _, solution = pair
    shape = solution.shape
    row = data.draw(st.integers(0, shape.n - 1))
    a, b = data.draw(st.lists(st.integers(0, shape.n - 1), min_size=2, max_size=2, unique=True))
    cells = list(solution.cells)
    i, j = row * shape.n + a, row * shape.n + b
    cells[i], cells[j] = cells[j], cells[i]
    blank = Sudoku(shape, (0,) * shape.cells)
    verdict = verify(blank, solution.with_cells(cells))
    assert not verdict.ok
    kinds = {v.constraint for v in verdict.violations}
    assert "row" not in kinds  # the row still holds every value once
    columns = {
        m.message.split(" (")[0].split()[-1] for m in verdict.violations if m.constraint == "column"
    }
    assert columns == {str(a + 1), str(b + 1)}
    assert ("box" in kinds) == (shape.box_of(i) != shape.box_of(j))


@given(grids(), st.data())
def test_blank_cell_is_reported_and_nothing_else(pair, data):
    _, solution = pair
    cell = data.draw(st.integers(0, solution.shape.cells - 1))
    cells = list(solution.cells)
    cells[cell] = 0
    verdict = verify(
        Sudoku(solution.shape, (0,) * solution.shape.cells), solution.with_cells(cells)
    )
    assert [v.constraint for v in verdict.violations] == ["blank"]
    assert verdict.violations[0].cells == (cell,)
    assert verdict.violations[0].message == f"1 cell left blank ({solution.shape.name(cell)})"


def test_verify_messages():
    solution = solved(Shape(3, 3))
    puzzle = list(solution.cells)
    puzzle[1] = 3 if solution.cells[1] != 3 else 4
    verdict = verify(solution.with_cells(puzzle), solution)
    assert [v.message for v in verdict.violations] == [
        f"r1c2 is given {puzzle[1]} but the answer has {solution.cells[1]}"
    ]
    bad = list(solution.cells)
    bad[18 + 6] = bad[18]  # r3c7 copies r3c1's value
    messages = [
        v.message
        for v in verify(Sudoku(solution.shape, (0,) * 81), solution.with_cells(bad)).violations
    ]
    assert f"value {bad[18]} twice in row 3 (r3c1, r3c7)" in messages
    assert "shape" in verify(solution, solved(Shape(2, 2))).violations[0].constraint
    out_of_range = list(solution.cells)
    out_of_range[0] = 10
    assert "r1c1 holds 10, outside 1..9" in [
        v.message for v in verify(solution, solution.with_cells(out_of_range)).violations
    ]


def test_render_grid_styles_givens_and_answers():
    puzzle = Sudoku.from_line(EXAMPLE)
    text = render_grid(puzzle, solved(Shape(3, 3)))
    plain = text.plain
    assert "│" in plain and "┼" in plain and "." not in plain
    styles = [str(span.style) for span in text.spans]
    assert styles.count("bold") + styles.count("bold red") == puzzle.givens
    assert styles.count("cyan") == 81 - puzzle.givens
    assert render_grid(puzzle).plain.count(".") == 81 - puzzle.givens


@pytest.mark.parametrize(
    "dressing",
    ["\ufeff{}\n", "\t{}\n", "  {}  # from a newspaper\n", "# a comment\n\t{}\n"],
)
def test_lines_the_parser_reads_are_detected_as_sudoku(dressing: str) -> None:
    from puzzlemdm.puzzles.registry import detect_kind

    line = "." * 80 + "5"
    text = dressing.format(line)
    kind = detect_kind(text, "file.txt")
    assert kind.name == "sudoku"
    (record,) = kind.parse_text(text, "file.txt")
    assert record.puzzle.givens == 1


def test_json_of_another_kind_is_not_taken_for_sudoku_and_an_array_is_named():
    from puzzlemdm.puzzles.sudoku.sniff import sniff

    zebralogic = (
        '{"id": "lgp-5x5", "size": "5*5", "puzzle": "There are 5 houses, numbered 1 to 5."}'
    )
    assert not sniff(zebralogic + "\n", "x")
    assert sniff('{"puzzle": "' + "." * 81 + '"}\n', "x")
    assert sniff('{"puzzle": [0, 0, 3]}\n', "x")  # a list of cells, as _json_grid reads
    with pytest.raises(PuzzleError, match="a JSON array: write one JSON object a line"):
        parse_text('[{"puzzle": "' + "." * 81 + '"}]\n')


def test_a_note_after_a_line_and_a_section_line_are_skipped():
    from puzzlemdm.puzzles.sudoku.sniff import sniff

    line = "2..1.5..3.54...71..1.2.3.8.6.28.73.4.........1.53.98.6.2.7.1.6..81...24.7..4.2..1"
    rated = f"{line}  ED=7.1/1.2/1.2\n"  # Sudoku Explainer's rating
    assert sniff(rated, "x") and parse_text(rated)[0].puzzle == Sudoku.from_line(line)
    rows = [line[i : i + 9] for i in range(0, 81, 9)]
    sdk = "[Puzzle]\n" + "\n".join(rows) + "\n"  # SadMan's .sdk
    assert sniff(sdk, "x") and parse_text(sdk)[0].puzzle == Sudoku.from_line(line)
    # a saved [State] is no second puzzle; [Properties] before the puzzle is no puzzle
    saved = sdk + "[State]\n" + "\n".join(rows) + "\n"
    assert len(parse_text(saved)) == 1
    described = "[Properties]\nTitle=Hard, very\nAuthor=me\n\n" + sdk
    assert sniff(described, "x") and parse_text(described)[0].puzzle == Sudoku.from_line(line)
    from puzzlemdm.puzzles.sudoku.search import solve_search

    answer = solve_search(Sudoku.from_line(EXAMPLE)).answer.to_line()
    paired = parse_text(f"{EXAMPLE} {answer}\n")[0]  # a solution after a puzzle is no note
    assert paired.solution is not None and paired.solution.to_line() == answer


def test_underscore_and_star_blanks_bang_comments_and_tsv_read_as_the_same_puzzle():
    from puzzlemdm.puzzles.sudoku.sniff import sniff

    rows = [EXAMPLE[i : i + 9] for i in range(0, 81, 9)]
    expected = Sudoku.from_line(EXAMPLE)
    spaced = "\n".join(" ".join(row.replace(".", "_")) for row in rows) + "\n"
    variants = {
        "spaced _": spaced,
        "line *": EXAMPLE.replace(".", "*") + "\n",
        "line _ rated": EXAMPLE.replace(".", "_") + "  ED=7.1/1.2/1.2\n",
        "! comment": "! from a collection's header\n" + EXAMPLE + "\n",
        "tsv": f"id\tpuzzle\n7\t{EXAMPLE}\n",
        "tsv quoted": f'"id"\t"puzzle"\n7\t"{EXAMPLE}"\n',
        "csv quoted": f'id,puzzle\n7,"{EXAMPLE}"\n',
        "one column": f"puzzle\n{EXAMPLE}\n",
    }
    for name, text in variants.items():
        assert sniff(text, "x"), name
        (record,) = parse_text(text)
        assert record.puzzle == expected, name
    assert detect_format(variants["tsv"]) == "tsv"
    assert parse_text(variants["tsv"])[0].id == "7"


def test_blank_lines_between_a_grid_s_bands_join_it_and_never_a_short_grid_to_the_next():
    rows = [EXAMPLE[i : i + 9] for i in range(0, 81, 9)]
    bands = "\n\n".join("\n".join(rows[b : b + 3]) for b in (0, 3, 6)) + "\n"
    (record,) = parse_text(bands)
    assert record.puzzle == Sudoku.from_line(EXAMPLE)
    # a grid missing a row stays an error: the next grid would overfill it
    cut = "\n".join(rows[:8]) + "\n\n" + "\n".join(rows) + "\n"
    assert "grid ends after 8 rows" in str(error_of(cut))
    # 16-cell lines may be 4x4 one-line puzzles: runs of them are never joined into a grid
    fours = "1...............\n.2..............\n\n" * 8
    assert len(parse_text(fours)) == 16
    # ... unless a value no 4x4 holds says they are a 16x16 grid's rows, bands apart
    grid = solved(Shape(4, 4))
    line = format_line(grid).replace("G", ".", 40)
    bare = [line[r * 16 : (r + 1) * 16] for r in range(16)]
    bands = "\n\n".join("\n".join(bare[b : b + 4]) for b in range(0, 16, 4)) + "\n"
    (record,) = parse_text(bands)
    assert record.puzzle == Sudoku.from_line(line)
    assert record.puzzle.shape == Shape(4, 4)
    # too few of such rows is a 16x16 grid cut short, said so (not a 4x4 with a '7' in it)
    for cut in ("\n".join(bare[:15]), bands.replace(bare[5] + "\n", "", 1)):
        assert "a 16x16 sudoku needs 16" in str(error_of(cut))


def test_a_six_by_six_grid_says_its_box_shape_by_its_spacing_or_its_bands():
    # boxes 3 rows x 2 columns; read as the usual 2 x 3 they made another puzzle, "solved"
    rows = ["346152", "12..46", "...4..", "..4...", "4..6.1", "6.1..4"]
    spaced = [" ".join(row[c : c + 2] for c in (0, 2, 4)) for row in rows]
    for text in (
        "\n".join(rows[:3]) + "\n\n" + "\n".join(rows[3:]) + "\n",  # bands apart
        "\n".join(spaced) + "\n",  # cells in twos
        "\n".join(spaced[:3]) + "\n------+------\n" + "\n".join(spaced[3:]) + "\n",
    ):
        (record,) = parse_text(text)
        assert record.puzzle.shape == Shape(3, 2), text
    plain = "\n".join(rows) + "\n"  # nothing says otherwise: the usual 2 x 3
    assert parse_text(plain)[0].puzzle.shape == Shape(2, 3)


def test_band_edges_are_blank_lines_and_borders_never_comments_and_bands_are_even():
    rows = ["346152", "12..46", "...4..", "..4...", "4..6.1", "6.1..4"]
    bordered = "\n".join(rows[:3]) + "\n------\n" + "\n".join(rows[3:]) + "\n"
    assert parse_text(bordered)[0].puzzle.shape == Shape(3, 2)
    commented = "\n".join(rows[:3]) + "\n# the second half\n" + "\n".join(rows[3:]) + "\n"
    assert parse_text(commented)[0].puzzle.shape == Shape(2, 3)  # a comment draws no edge
    # spaced 4x4 one-line puzzles between blank lines stay sixteen puzzles, not one 16x16
    spaced = " ".join("1" + "." * 15)
    assert len(parse_text((spaced + "\n\n") * 16)) == 16
    # 16x16 rows grouped in eights are no box shape: the usual 4x4 boxes
    eights = "\n".join("." * 8 + " " + "." * 8 for _ in range(16)) + "\n"
    assert parse_text(eights)[0].puzzle.shape == Shape(4, 4)


def test_a_grid_with_spaces_for_blanks_is_refused_with_the_reason():
    rows = ["53  7    ", "6  195   ", " 98    6 "]  # three rows: no grid, so no telling
    assert "spaces are read as blanks only in a file of one" in str(error_of("\n".join(rows)))


@given(grids([s for s in SHAPES if s.n <= 9]), st.booleans(), st.booleans())
def test_one_grid_typed_with_spaces_for_blanks_is_read(pair, trimmed, commented) -> None:
    puzzle, _ = pair
    assume(puzzle.givens)
    rows = [line.replace(".", " ") for line in _grid_lines(puzzle)]
    rows = [row.rstrip() for row in rows] if trimmed else rows  # an editor cut trailing spaces
    text = ("# typed by hand\n" if commented else "") + "\n".join(rows) + "\n"
    (record,) = parse_text(text)
    assert record.puzzle.cells == puzzle.cells


def _grid_lines(puzzle: Sudoku) -> list[str]:
    line, n = format_line(puzzle), puzzle.shape.n
    return [line[r * n : (r + 1) * n] for r in range(n)]


def test_bracketed_headings_outside_sdk_files_skip_only_themselves_and_box_drawn_grids_read():
    # "[Hard]" between puzzles of a plain file is a heading: both puzzles stay
    headed = f"[Easy]\n{EXAMPLE}\n[Hard]\n{EXAMPLE}\n"
    assert len(parse_text(headed)) == 2
    rows = [EXAMPLE[i : i + 9] for i in range(0, 81, 9)]

    def drawn(left: str, bar: str, right: str, rule: str) -> str:
        lines = []
        for r, row in enumerate(rows):
            if r and r % 3 == 0:
                lines.append(rule)
            cells = [" ".join(row[c : c + 3]) for c in (0, 3, 6)]
            lines.append(f"{left} " + f" {bar} ".join(cells) + f" {right}")
        return "\n".join(lines) + "\n"

    for text in (
        "┌───────┬───────┬───────┐\n" + drawn("│", "│", "│", "├───────┼───────┼───────┤")
        + "└───────┴───────┴───────┘\n",
        drawn("", "║", "", "═══════╬═══════╬═══════"),
    ):  # fmt: skip
        (record,) = parse_text(text)
        assert record.puzzle == Sudoku.from_line(EXAMPLE)


def _delimited(puzzle: Sudoku, delimiter: str, blank: str, quoted: bool, numbers: bool) -> str:
    """A grid as a spreadsheet saves it: a row a line, cells between `delimiter`."""
    n = puzzle.shape.n
    rows = []
    for r in range(n):
        cells = []
        for v in puzzle.cells[r * n : (r + 1) * n]:
            cell = blank if v == 0 else (str(v) if numbers else ALPHABET[v - 1])
            cells.append(f'"{cell}"' if quoted else cell)
        rows.append(delimiter.join(cells))
    return "\n".join(rows)


@given(
    st.sampled_from(SHAPES).flatmap(lambda shape: st.lists(grids([shape]), min_size=1, max_size=3)),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["", "0", "."]),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["\n", "\n\n", "\r\n"]),
)
def test_a_spreadsheets_grids_round_trip(pairs, delimiter, blank, quoted, numbers, between):
    # Excel's or a Google sheet's export of a grid: cells between commas (or ';' or tabs),
    # empty cells blank, 16x16's values as numbers 10-16 or letters, grids one after another
    assume(any(p.givens for p, _ in pairs))  # a file of empty grids holds no puzzle
    text = between.join(_delimited(p, delimiter, blank, quoted, numbers) for p, _ in pairs)
    if delimiter == "\t" and blank != "":
        text = text.replace("\t", " \t")  # a tab-spaced grid with every cell written, too
    from puzzlemdm.puzzles.registry import detect_kind

    assert detect_kind(text, "grid.csv").name == "sudoku"
    records = parse_text(text, "grid.csv")
    assert [r.puzzle for r in records] == [p for p, _ in pairs]


def test_a_spreadsheets_grid_names_its_faults() -> None:
    rows = ["5,3,,,7,,,,"] * 9
    assert detect_format("\n".join(rows)) == "cells"
    cut = error_of("\n".join(rows[:8]))
    assert "8 grid rows" in str(cut) and cut.line == 8
    bad = error_of("\n".join([*rows[:4], "5,3,,,x,,,,", *rows[5:]]))
    assert (bad.line, bad.column) == (5, 7) and "unexpected character 'x'" in str(bad)
    short = error_of("\n".join([*rows[:4], "5,3,,,7,,,", *rows[5:]]))
    assert short.line == 5 and "row has 8 cells between ','" in str(short)
    # a long file is told by its first lines, whole
    from puzzlemdm.puzzles.registry import detect_kind

    many = "\n".join(rows * 40)
    assert len(many) > 4096 and detect_kind(many, "grids.csv").name == "sudoku"
    assert len(parse_text(many)) == 40
    # a CSV with a puzzle column is no grid
    assert detect_format("id,puzzle\n1," + "." * 81) == "csv"


def test_a_spreadsheets_header_row_and_margin_column_are_passed_over() -> None:
    rows = ["5,3,,,7,,,,", *["6,,,1,9,5,,,"] * 8]
    grid = parse_text("\n".join(rows))[0].puzzle
    for header in ("c1,c2,c3,c4,c5,c6,c7,c8,c9", "A,B,C,D,E,F,G,H,I", "1,2,3,4,5,6,7,8,9"):
        assert parse_text("\n".join([header, *rows]))[0].puzzle == grid
    assert parse_text("\n".join(r + "," for r in rows))[0].puzzle == grid  # a trailing comma
    assert parse_text("\n".join("," + r for r in rows))[0].puzzle == grid  # a margin before
    # nine rows of "1,2,...,9" are a grid, not a header and eight rows
    assert len(parse_text("\n".join(["1,2,3,4,5,6,7,8,9"] * 9))) == 1


def test_tab_spaced_grids_and_short_tables_are_not_taken_for_a_spreadsheets_grid() -> None:
    from puzzlemdm.puzzles.registry import detect_kind

    # tabs between cells and two between boxes, every cell written: spaced cells, as before
    rows = ["\t".join(["5", "3", "4", "", "6", "7", "8", "", "9", "1", "2"])] * 9
    assert detect_format("\n".join("\t" + r for r in rows)) == "text"
    four = ["\t1\t.\t\t3\t.", "\t.\t.\t\t1\t."] * 2
    assert [r.puzzle.shape.n for r in parse_text("\n".join(four))] == [4]
    # a table of letters, and tabs alone, are no sudoku
    with pytest.raises(PuzzleError):
        detect_kind("\n".join(["a,b,c,d"] * 6), "t.csv")
    with pytest.raises(PuzzleError):
        detect_kind("# notes\n" + "\n".join(["\t" * 8] * 9), "t.txt")


def test_a_16x16_written_0_to_f_is_read_so_in_its_solution_and_answers_too():
    import numpy as np

    from puzzlemdm.puzzles.sudoku.generate import generate

    made = generate(np.random.default_rng(2), shape=Shape(4, 4), givens=150)
    hexed = lambda grid, blank: "".join(  # noqa: E731
        blank if v == 0 else "0123456789ABCDEF"[v - 1] for v in grid.cells
    )
    puzzle, solution = hexed(made.puzzle, "."), hexed(made.solution, ".")
    for text in (
        json.dumps({"puzzle": puzzle, "solution": solution}) + "\n",  # JSONL
        f"id,puzzle,solution\n1,{puzzle},{solution}\n",  # CSV
        f"{puzzle} {solution}\n",  # a puzzle and its solution on one line
    ):
        (record,) = parse_text(text)
        assert (record.puzzle, record.solution) == (made.puzzle, made.solution), text[:20]
    assert parse_text(hexed(made.puzzle, "_"))[0].puzzle == made.puzzle  # '_' blanks too
    assert parse_text(solution)[0].puzzle == made.solution  # an answer: a whole grid, 0-F


def test_a_6x6_drawn_with_outer_bars_keeps_its_3x2_boxes() -> None:
    rows = ["| . . | . 3 | . . |", "| 1 . | 2 . | . . |", "| . . | . 4 | . . |",
            "| 2 3 | . . | 5 . |", "| . . | . . | 6 . |", "| 4 . | . . | . 2 |"]  # fmt: skip
    (record,) = parse_text("\n".join(rows) + "\n")
    assert record.puzzle.shape == Shape(3, 2)  # the bar before the first cell is no box edge
    from puzzlemdm.puzzles.sudoku.search import count_solutions

    assert count_solutions(record.puzzle) == 1  # read as 2x3 boxes, it had none


def _hex(puzzle: Sudoku, blank: str) -> list[str]:
    """A 16x16's rows written 0-F, `blank` for an empty cell."""
    n = puzzle.n
    return [
        "".join(format(v - 1, "X") if v else blank for v in puzzle.cells[r * n : (r + 1) * n])
        for r in range(n)
    ]


def test_a_16x16_written_0_to_f_is_read_so_in_sheets_and_beside_its_solution() -> None:
    import numpy as np

    from puzzlemdm.puzzles.registry import get_kind

    made = get_kind("sudoku").generate(np.random.default_rng(7), "mixed", size=16, givens=120)
    sheet = "\n".join(",".join(row) for row in _hex(made.puzzle, " "))  # empty cells blank
    (record,) = parse_text(sheet.replace(" ", "") + "\n")
    assert record.puzzle == made.puzzle
    # a puzzle with no 0 given says nothing of its encoding; its solution, beside it, does
    no_zero = Sudoku(made.puzzle.shape, tuple(0 if v == 1 else v for v in made.puzzle.cells))
    line, solution = "".join(_hex(no_zero, ".")), "".join(_hex(made.solution, "."))
    for text in (f"{line} {solution}\n", f"puzzle,solution\n{line},{solution}\n"):
        (pair,) = parse_text(text)
        assert (pair.puzzle, pair.solution) == (no_zero, made.solution)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (f'{{"puzzle": "{EXAMPLE}", "box": ["a", "b"]}}', "'box' is [rows, columns]"),
        (f'{{"puzzle": "{EXAMPLE}", "box": [1, 9]}}', "not [1, 9]"),
        ('{"puzzle": [[1, 2], 3]}', "'puzzle' must be a line string"),
        ('{"puzzle": "x", "n": ' + "9" * 5000 + "}", "a number too long to read"),
    ],
)
def test_jsonl_fields_of_the_wrong_shape_are_one_line_errors(line: str, said: str) -> None:
    with pytest.raises(PuzzleError, match=said.replace("[", r"\[").replace("(", r"\(")):
        parse_text(line + "\n", "x.jsonl")


def test_every_name_of_the_puzzle_column_is_read_and_comments_pass_anywhere() -> None:
    for text in (
        f"id,quiz,solution\n1,{EXAMPLE},\n",
        f'{{"quizzes": "{EXAMPLE}"}}\n',
        f"puzzle\n{EXAMPLE}\n# a note between rows\n{EXAMPLE}\n",
    ):
        records = parse_text(text)
        assert all(r.puzzle.to_line() == EXAMPLE for r in records), text


def test_a_note_with_a_comma_after_a_one_line_puzzle_is_no_csv() -> None:
    (record,) = parse_text(f"{EXAMPLE}  rated 7.1, SE\n")
    assert record.puzzle.to_line() == EXAMPLE
    assert detect_format(f"{EXAMPLE},{EXAMPLE}\n") == "csv"  # a puzzle, a comma: a table


def test_bare_16x16_grids_one_after_another_are_read_as_grids() -> None:
    import numpy as np

    from puzzlemdm.puzzles.registry import get_kind

    kind = get_kind("sudoku")
    made = [kind.generate(np.random.default_rng(s), "mixed", size=16, givens=120) for s in (1, 2)]
    rows = [format_line(r.puzzle)[16 * i : 16 * (i + 1)] for r in made for i in range(16)]
    assert [r.puzzle for r in parse_text("\n".join(rows) + "\n")] == [r.puzzle for r in made]


def test_a_jsonl_box_reads_sizes_the_shape_finder_does_not_guess() -> None:
    rows = [[(r * 4 + r // 2 + c) % 8 + 1 for c in range(8)] for r in range(8)]  # an 8x8 of 2x4
    cells = [v for row in rows for v in row]
    line = "".join(str(v) if (i * 7) % 3 else "." for i, v in enumerate(cells))
    (record,) = parse_text(json.dumps({"puzzle": line, "box": [2, 4]}) + "\n", "p.jsonl")
    assert record.puzzle.shape == Shape(2, 4)
