"""The two render paths are one engine: the fast path (render/compiled.py) gives the same document
XML as docxtpl itself (render_docxtpl), for every shipped template and every test case.

The fast path reuses docxtpl's own patch_xml and un-escaping, and compiles each part once; this test
is what allows it to exist (docs/ARCHITECTURE.md, "Two render paths"). docxtpl is pinned in
pyproject.toml to the versions this test has covered.
"""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CASES, ROOT, copy_shipped, make_workspace
from lxml import etree
from test_diff_cases import DIFF_CASES
from test_diff_cases import build_case as build_diff_case
from test_review_rules import CASE_DIRS as REVIEW_CASES
from test_review_rules import build_case as build_review_case

from perfgen.build import BuildOptions, build
from perfgen.cli.app import cli
from perfgen.load import load_workspace
from perfgen.render.compiled import CompiledTemplate, Rendered
from perfgen.render.document import render_department
from perfgen.render.ooxml import canonicalize


def _parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _canonical(blob: bytes) -> bytes:
    """The XML as C14N after sorting property elements (docxtpl's merges may misorder them)."""
    root = etree.fromstring(blob)
    canonicalize(root)
    return etree.tostring(root, method="c14n")


def differences(fast: bytes, slow: bytes) -> list[str]:
    """Where two .docx packages differ: part names, XML parts (canonical), other parts (bytes)."""
    a, b = _parts(fast), _parts(slow)
    out = [f"only in one: {name}" for name in sorted(set(a) ^ set(b))]
    for name in sorted(set(a) & set(b)):
        if name.endswith((".xml", ".rels")):
            ca, cb = _canonical(a[name]), _canonical(b[name])
            if ca != cb:
                at = next((i for i, (x, y) in enumerate(zip(ca, cb)) if x != y), min(len(ca), len(cb)))
                out.append(f"{name} at {at}: {ca[max(at - 80, 0):at + 80]!r} != {cb[max(at - 80, 0):at + 80]!r}")
        elif a[name] != b[name]:
            out.append(f"{name}: bytes differ")
    return out


@pytest.fixture
def both_paths(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, list[str]]]:
    """Every render also goes through docxtpl; collects (template, title, differences)."""
    seen: list[tuple[str, str, list[str]]] = []
    real = CompiledTemplate.render

    def render(self: CompiledTemplate, context: dict[str, Any], title: str, year: int,
               author: str = "perfgen") -> Rendered:
        fast = real(self, context, title, year, author)
        assert not self.classic, f"shipped template {self.label} needs docxtpl-only features"
        slow = self.render_docxtpl(context, title, year, author)
        seen.append((self.path.parent.name, title, differences(fast.docx, slow.docx)))
        return fast

    monkeypatch.setattr(CompiledTemplate, "render", render)
    return seen


def _workspaces(tmp: Path) -> dict[str, Path]:
    """The shipped examples and every test-case workspace that renders."""
    out = {"shipped": copy_shipped(tmp / "shipped"), "base": make_workspace(tmp / "base")}
    for case in sorted((CASES / "valid").iterdir()):
        out[f"valid/{case.name}"] = make_workspace(tmp / "valid" / case.name, case)
    for case in DIFF_CASES:
        out[f"diff/{case.name}"] = build_diff_case(case, tmp / "diff" / case.name)
    for case in REVIEW_CASES:
        name = f"{case.parent.name}/{case.name}"
        out[f"review/{name}"] = build_review_case(case, tmp / "review" / name)[0]
    return out


@pytest.mark.acceptance
@pytest.mark.slow
def test_fast_path_equals_docxtpl_for_every_template_and_case(tmp_path: Path, both_paths: list) -> None:
    built = 0
    for name, ws in _workspaces(tmp_path).items():
        if load_workspace(ws).errors:
            continue  # a case about invalid input renders nothing
        build(ws, BuildOptions(out=tmp_path / "out" / name.replace("/", "_"), jobs=1, use_cache=False))
        built += 1
    assert built >= 20
    templates = {template for template, _, _ in both_paths}
    shipped = {p.parent.name for p in (ROOT / "templates").rglob("template.docx")}
    assert templates == shipped, f"not every shipped template was rendered: {shipped - templates}"
    unequal = [f"{template} {title}: {diff[:3]}" for template, title, diff in both_paths if diff]
    assert not unequal, "\n".join(unequal)


def test_the_comparison_sees_a_difference(workspace: Path) -> None:
    """differences() can fail: one changed character in document.xml is reported."""
    dy = load_workspace(workspace).workspace.departments["demo"].years[2025]
    docx = render_department(workspace, dy).docx
    parts = _parts(docx)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob.replace("见义勇为".encode(), "见义勇 为".encode()) if name == "word/document.xml" else blob)
    assert differences(docx, docx) == []
    assert [d.split(" at ")[0] for d in differences(docx, out.getvalue())] == ["word/document.xml"]


@pytest.mark.parametrize("text", ["a{_{b", "x}_}y", "{_% if %_}", "两行{_{\n第二行}_}"])
def test_user_text_with_docxtpl_escapes_comes_out_as_typed(workspace: Path, text: str) -> None:
    """docxtpl un-escapes {_{ in its output (a template's way of printing {{); user text is not
    template text and must stay as written, through both paths."""
    beta = workspace / "departments/demo/2025/projects/beta.yaml"
    quoted = text.replace("\n", "\\n")
    beta.write_text(beta.read_text(encoding="utf-8").replace("资金用途: 基层平安建设。", f'资金用途: "{quoted}"'),
                    encoding="utf-8")
    dy = load_workspace(workspace).workspace.departments["demo"].years[2025]
    fast = render_department(workspace, dy)
    from perfgen.render.compiled import compiled
    from perfgen.render.context import department_view
    template = compiled(ROOT / "templates/hebei/template.docx", "hebei")
    slow = template.render_docxtpl(department_view(dy), "t", 2025)
    for docx in (fast.docx, slow.docx):
        root = etree.fromstring(_parts(docx)["word/document.xml"])
        shown = "".join(t.text or "" for t in root.iter(f"{{{W}}}t"))
        for line in text.split("\n"):
            assert line in shown, (line, [p for p in shown.split("。") if "_" in p])
        assert not any(s in shown for s in ("a{{b", "x}}y", "{% if %}", "两行{{"))


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _template_with(tmp: Path, *paragraphs: str) -> Path:
    import docx
    d = docx.Document(str(ROOT / "templates/hebei/template.docx"))
    for text in paragraphs:
        d.add_paragraph(text)
    folder = tmp / "templates" / "hebei"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "templates/hebei/layout.yaml", folder)
    d.save(folder / "template.docx")
    return folder / "template.docx"


@pytest.mark.parametrize("paragraphs, words", [
    # a {{r …}} template (docxtpl path) whose tag prints a stray </w:t>: docxtpl's recovering parser
    # used to keep the first paragraph, drop the rest and exit 0
    (("{{r projects[0].name }}", "{{ '</w:t>' | safe }}", "结尾段落"), "XML 结构被破坏"),
    (("{{r projects[0].name }}",), "有文字落在段落的文字块（w:t）之外"),
    # the same stray markup in a template the fast path renders
    (("{{ '</w:t>' | safe }}", "结尾段落"), "XML 结构被破坏"),
    # docxtpl's {{p …}} prints outside any run: found when the fast path compiles the template
    (("{{p projects[0].name }}", "结尾段落"), "不在文字块（w:t）中"),
])
def test_a_template_that_breaks_the_document_fails_with_a_located_message(
        workspace: Path, paragraphs: tuple[str, ...], words: str) -> None:
    _template_with(workspace, *paragraphs)
    r = CliRunner().invoke(cli, ["--root", str(workspace), "build", "-q"])
    assert r.exit_code == 1, r.output
    assert "模板 hebei" in r.output and words in r.output and "普通 {{ … }}" in r.output
    assert "Traceback" not in r.output


def test_template_check_reports_a_tag_outside_any_run(tmp_path: Path) -> None:
    path = _template_with(tmp_path, "{{p projects[0].name }}")
    r = CliRunner().invoke(cli, ["template", "check", str(path)])
    assert r.exit_code == 1 and "不在文字块（w:t）中" in r.output and "{{ projects[0].name }}" in r.output


def test_docxtpl_is_the_version_this_test_covers() -> None:
    """pyproject.toml pins docxtpl to what the equality test above has been run with; a different
    installed version means that proof does not hold for this environment."""
    from importlib.metadata import version
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"docxtpl>=0.20.2,<0.21"' in text
    major, minor, patch = (int(x) for x in version("docxtpl").split(".")[:3])
    assert (major, minor) == (0, 20) and patch >= 2, version("docxtpl")
