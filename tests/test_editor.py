"""The editor catches what validate catches, in Chinese (issue 13), driven as VS Code drives it.

A small LSP client (tests/editor/lsp.py) runs yaml-language-server over stdio with a Chinese UI;
the server is installed from npm into a cache directory when node is available (.ci/run installs
node/npm), otherwise these tests are skipped with the reason. tests/editor/measure.py counts the
same things for the closing note: `python3 tests/editor/measure.py .`.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import CASES, ROOT

sys.path.insert(0, str(ROOT / "tests" / "editor"))
import measure  # noqa: E402
from lsp import Client, install  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.acceptance]


@pytest.fixture(scope="module")
def server() -> None:
    why = install()
    if why:
        pytest.skip(why)


@pytest.fixture(scope="module")
def counts(server: None, tmp_path_factory: pytest.TempPathFactory) -> measure.Counts:
    c = measure.Counts()
    with Client(ROOT) as client:
        measure.measure_shipped(client, ROOT, c)
        measure.measure_hover(client, ROOT, c)
    ws = measure.shipped_workspace(ROOT, tmp_path_factory.mktemp("editor") / "shipped")
    with Client(ws) as client:
        for path in measure.completion_files(ws):
            measure.measure_completion(client, path, c)
    return c


def test_every_shipped_file_opens_without_a_diagnostic(counts: measure.Counts) -> None:
    assert counts.shipped_files >= 50
    assert counts.shipped_messages == []


def test_accepting_any_completion_leaves_valid_yaml(counts: measure.Counts) -> None:
    """In a project file and a goals file's 年度绩效指标, each item offered (a new indicator item, a key
    inside one, the 一级/二级 values …) leaves YAML that parses and still fits the file's schema,
    apart from what is left to type (an empty value, a 待填写 blank, a field not yet added)."""
    assert counts.completions >= 10
    assert counts.indicator_completions >= 10
    assert counts.completion_failures == []


def test_hover_says_what_each_field_is(counts: measure.Counts) -> None:
    """版式 keys (department.yaml, goals.yaml) and templates/*/layout.yaml keys too: the data schemas'
    版式 refers to schemas/layout.schema.json and each layout.yaml has its modeline."""
    assert counts.hover_failures == []
    assert counts.hover_specific >= 600
    assert counts.layout_hover_fields >= 80
    assert counts.layout_hover_specific == counts.layout_hover_fields


def test_every_broken_file_is_flagged_where_validate_flags_it(server: None, tmp_path: Path) -> None:
    """Every invalid case (tests/cases/invalid): each finding a schema can express (class a in
    measure.py) is flagged by the editor at perfgen's line in Chinese; the rest are named with why not."""
    c = measure.Counts()
    cases = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())
    measure.measure_broken(ROOT, cases, tmp_path, c)
    assert c.broken_cases >= 40
    assert c.expressible_missed == []
    assert c.expressible_flagged == c.expressible_cases >= 20
    # what no schema can say is counted apart, each with its reason
    assert len(c.computed_cases) + len(c.parser_cases) + c.expressible_cases == c.broken_cases
    assert all(" — " in m for m in c.computed_cases + c.parser_cases)


def test_a_fresh_scaffold_shows_only_the_blank_marks(server: None, tmp_path: Path) -> None:
    """init + new department + new project: every diagnostic is a “请填写” mark on a 待填写 line."""
    import subprocess
    root = tmp_path / "ws"
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    for args in (["init", str(root)], ["--root", str(root), "new", "department", "x"],
                 ["--root", str(root), "new", "project", "x", "p1"]):
        subprocess.run([sys.executable, "-m", "perfgen", *args], env=env, check=True, capture_output=True)
    with Client(root) as client:
        for path in sorted(root.rglob("*.yaml")):
            lines = path.read_text(encoding="utf-8").split("\n")
            blanks = {n for n, line in enumerate(lines) if "待填写" in line and not line.lstrip().startswith("#")}
            diags = client.diagnose(path)
            for d in diags:
                line = d["range"]["start"]["line"]
                assert d["message"].startswith("请填写"), (path.name, line + 1, d["message"])
                assert line in blanks, (path.name, line + 1, d["message"])
            assert {d["range"]["start"]["line"] for d in diags} == blanks, path.name
