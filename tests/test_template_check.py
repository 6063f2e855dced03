"""`perfgen template check` finds what a Word edit breaks, and the declared view shape stays true."""
from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import ROOT

from perfgen.cli.app import cli
from perfgen.load import load_workspace
from perfgen.render.context import department_view
from perfgen.render.shape import DEPARTMENT_VIEW, LAYOUT, OPTIONAL
from perfgen.render.template_check import check_template


def _template_with(tmp_path: Path, *paragraphs: str) -> Path:
    folder = tmp_path / "hebei"
    folder.mkdir()
    shutil.copy(ROOT / "templates/hebei/layout.yaml", folder)
    d = docx.Document(str(ROOT / "templates/hebei/template.docx"))
    for text in paragraphs:
        d.add_paragraph(text)
    d.save(folder / "template.docx")
    return folder / "template.docx"


@pytest.mark.parametrize("name", ["hebei", "ningxia-attachment3", "volume"])
def test_shipped_templates_are_clean(name: str) -> None:
    assert check_template(ROOT / "templates" / name / "template.docx", name) == []


@pytest.mark.parametrize("text, message, hint", [
    ("{{ dept.nmae }}", "数据中没有字段“nmae”", "name"),
    ("{{ projct }}", "数据中没有的变量“projct”", "projects"),
    ("{{ L.分项编码 }}", "版式设置中没有“分项编码”", "分项编号"),
    ("{{ dept.name|upperr }}", "不认识的过滤器“upperr”", "lines"),
    ("{% for p in projects %}{{ p.nmae }}{% endfor %}", "数据中没有字段“nmae”", "name"),
    ("{% for p in projects %}{% for r in p.rows %}{{ r.l4 }}{% endfor %}{% endfor %}", "数据中没有字段“l4”", "l1"),
])
def test_unknown_variables_are_named_with_a_suggestion(tmp_path: Path, text: str, message: str, hint: str) -> None:
    (f,) = check_template(_template_with(tmp_path, text), "t.docx")
    assert message in f.message and hint in f.hint


def test_unbalanced_tag_is_a_syntax_error(tmp_path: Path) -> None:
    (f,) = check_template(_template_with(tmp_path, "{%p for p in projects %}"), "t.docx")
    assert f.code == "template.syntax" and "endfor" in f.message


def test_correct_additions_pass(tmp_path: Path) -> None:
    path = _template_with(tmp_path, "{{ dept.unit_line }}{{ L.说明结语 }}",
                          "{% for p in projects %}{{ p.rows[0].l1 if p.rows }}{% endfor %}",
                          "{% if sections.measures is defined %}{{ sections.measures }}{% endif %}")
    assert check_template(path, "t.docx") == []


def test_not_a_docx(tmp_path: Path) -> None:
    bad = tmp_path / "template.docx"
    bad.write_text("hello")
    (f,) = check_template(bad, "template.docx")
    assert f.code == "template.unreadable"


def test_cli_exit_codes(tmp_path: Path, shipped: Path) -> None:
    ok = CliRunner().invoke(cli, ["--root", str(shipped), "template", "check"])
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(cli, ["template", "check", str(_template_with(tmp_path, "{{ foo }}"))])
    assert bad.exit_code == 1 and "foo" in bad.output


def _assert_same_shape(declared, actual, where: str) -> None:
    if declared == LAYOUT or actual is None:  # None: an optional part this document lacks
        return
    if isinstance(declared, dict):
        assert isinstance(actual, dict), where
        missing = {k for k in declared if k not in actual and (where.split(".")[-1], k) not in OPTIONAL}
        assert not missing, f"{where}: declared but not produced: {missing}"
        extra = set(actual) - set(declared)
        assert not extra, f"{where}: produced but not declared in render/shape.py: {extra}"
        for k in actual:
            _assert_same_shape(declared[k], actual[k], f"{where}.{k}")
    elif isinstance(declared, list):
        assert isinstance(actual, list), where
        for item in actual:
            _assert_same_shape(declared[0], item, f"{where}[]")


def test_declared_shape_matches_the_real_views(shipped: Path) -> None:
    ws = load_workspace(shipped).workspace
    for dept in ws.departments.values():
        for dy in dept.years.values():
            view = department_view(dy)
            _assert_same_shape(DEPARTMENT_VIEW, view, dept.id)


def test_template_copy_never_overwrites(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "departments").mkdir(parents=True)
    r = CliRunner().invoke(cli, ["--root", str(ws), "template", "copy", "hebei", "--as", "hebei-local"])
    assert r.exit_code == 0, r.output
    copied = ws / "templates/hebei-local/template.docx"
    assert copied.read_bytes() == (ROOT / "templates/hebei/template.docx").read_bytes()
    copied.write_bytes(b"edited")
    again = CliRunner().invoke(cli, ["--root", str(ws), "template", "copy", "hebei", "--as", "hebei-local"])
    assert again.exit_code == 1 and "未覆盖" in again.output
    assert copied.read_bytes() == b"edited"
    bad = CliRunner().invoke(cli, ["--root", str(ws), "template", "copy", "nope"])
    assert bad.exit_code == 1 and "hebei" in bad.output
