"""The package's shape, pinned: kinds live in their folders, generic layers never reach into
one, puzzle logic never imports torch, and no two modules import each other in a circle."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "puzzlemdm"
KINDS = ("sudoku", "zebra", "blocksworld")
GENERIC = (
    "model", "train", "decode", "bench", "analysis", "cli", "solving.py", "generation.py",
    "api.py", "validity.py", "answers.py", "usage.py", "shipped.py",
)  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULE_FILES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, at top level?) for every import in the file."""
    tree = ast.parse(path.read_text())
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            # `from package import submodule` depends on the submodule, not on the package
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            submodules = [n for n in names if n in MODULE_FILES]
            found += [(n, id(node) in top) for n in submodules or [node.module]]
        elif isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
    return found


def test_no_import_cycles_at_module_level():
    graph = {
        name: {m for m, top in imports(path) if top and m in MODULE_FILES and m != name}
        for name, path in MODULE_FILES.items()
    }
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


@pytest.mark.parametrize("layer", GENERIC)
def test_generic_layers_never_import_a_kind(layer):
    files = [PACKAGE / layer] if layer.endswith(".py") else (PACKAGE / layer).rglob("*.py")
    for path in files:
        for module, _ in imports(path):
            for kind in KINDS:
                assert not module.startswith(f"puzzlemdm.puzzles.{kind}"), (
                    f"{path} imports {module}"
                )


def test_puzzle_logic_never_imports_torch():
    for path in (PACKAGE / "puzzles").rglob("*.py"):
        if path.name == "augment.py":  # batched training transforms, loaded only by train/
            continue
        for module, _ in imports(path):
            assert module.split(".")[0] != "torch", f"{path} imports torch"


def test_every_kind_has_its_sniffer_and_kind_module():
    from puzzlemdm.puzzles.base import PuzzleKind
    from puzzlemdm.puzzles.registry import KIND_PACKAGES, get_kind

    assert set(KIND_PACKAGES) == set(KINDS)
    for name in KINDS:
        assert (PACKAGE / "puzzles" / name / "sniff.py").is_file()
        kind = get_kind(name)
        assert isinstance(kind, PuzzleKind) and kind.name == name
