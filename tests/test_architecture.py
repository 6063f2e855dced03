"""The shape of perfgen/: docs/ARCHITECTURE.md names every module, and no two modules import each other."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "perfgen"


def _modules() -> dict[str, Path]:
    """Dotted name → file, for every module and package of perfgen/."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _documented() -> set[str]:
    """The paths under perfgen/ that the tree in docs/ARCHITECTURE.md names ("render/compiled.py")."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    tree = text[text.index("```\nperfgen/") + 4:]
    tree = tree[:tree.index("```")]
    names: set[str] = set()
    folder = ""
    for line in tree.splitlines()[1:]:
        entry = re.match(r"^  (\S+)", line)
        if entry:
            folder = entry.group(1) if entry.group(1).endswith("/") else ""
            names.add(entry.group(1))
        for name in re.findall(r"(?<![\w*/.])([A-Za-z]\w*\.py)\b", line):
            names.add(folder + name)
    return names


def test_architecture_names_every_module() -> None:
    documented = _documented()
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if path.name in ("__init__.py", "__main__.py"):
            rel = rel.rpartition("/")[0] + "/" if "/" in rel else ""  # a package: its folder's entry
            if not rel:
                continue
        if rel not in documented:
            missing.append(rel)
    assert not missing, f"docs/ARCHITECTURE.md does not describe: {', '.join(missing)}"


def test_architecture_names_only_modules_that_exist() -> None:
    stale = sorted(name for name in _documented() if not (PACKAGE / name).exists())
    assert not stale, f"docs/ARCHITECTURE.md names modules that do not exist: {', '.join(stale)}"


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """perfgen modules `name` imports anywhere (also inside functions), except under TYPE_CHECKING.

    Importing one's own parent package is left out: Python does that before any submodule anyway."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in modules:
                    found.add(full)
                elif base in modules:
                    found.add(base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m != name and not name.startswith(m + ".")}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return groups


def test_no_import_cycles_in_perfgen() -> None:
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert not _cycles(graph), f"import cycles: {_cycles(graph)}"


def test_cycle_finder_finds_a_cycle() -> None:
    """The finder itself can fail: a two-module loop (the old load.py ↔ validate/rules.py) is found."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
