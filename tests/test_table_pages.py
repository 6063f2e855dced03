"""Indicator tables across pages (issue 12 item 4): the header rows repeat on every page an indicator
table continues on, and a merged 一级 group is never split, so its text is on the page of its rows.

A table's header rows (w:tblHeader) repeat only when they are the table's first rows, so each form
prints as two tables drawn as one: the form, a 0.7 pt joint paragraph, the indicator table. Layout
指标组不跨页 decides which merged group keeps together (the rows carry keep-with-next)."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import copy_shipped
from lxml import etree

from perfgen.build import BuildOptions, build
from perfgen.load import load_workspace
from perfgen.render import pdf as pdfmod

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FORMS = {"yongning-zfw": 2024, "shili-xiangmu": 2026, "shili-zhengti": 2026}
# the labels a repeated header shows (the national project form has a second header row 中期|年度)
HEADER_WORDS = {"yongning-zfw": ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
                "shili-xiangmu": ["绩效指标", "一级指标", "中期指标", "年度指标", "二级指标", "三级指标", "指标值"],
                "shili-zhengti": ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]}
# text that only a form's first page carries
FORM_START = {"yongning-zfw": "部门项目支出预算绩效目标表", "shili-xiangmu": "项目支出绩效目标申报表",
              "shili-zhengti": "整体支出绩效目标申报表"}
_lo = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                         reason="LibreOffice/poppler not installed")


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(W + "t"))


def _vmerge(tc: etree._Element) -> str | None:
    vm = tc.find(f"{W}tcPr/{W}vMerge")
    return None if vm is None else vm.get(W + "val", "continue")


def _keeps(tr: etree._Element) -> bool:
    return all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(W + "p"))


@pytest.fixture(scope="module")
def docx_build(tmp_path_factory: pytest.TempPathFactory, shipped: Path) -> Path:
    out = tmp_path_factory.mktemp("tables")
    build(shipped, BuildOptions(out=out, departments=list(FORMS), volume=False))
    return out


def _body(docx: Path) -> etree._Element:
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read("word/document.xml")).find(W + "body")


@pytest.mark.parametrize("dept", sorted(FORMS))
def test_indicator_tables_repeat_their_header_rows_and_nothing_else(dept: str, docx_build: Path) -> None:
    body = _body(docx_build / str(FORMS[dept]) / f"{dept}.docx")
    children = list(body)
    indicator_tables = 0
    for i, tbl in enumerate(children):
        if tbl.tag != W + "tbl":
            continue
        rows = tbl.findall(W + "tr")
        header = [r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows]
        if "一级指标" not in _text(rows[0]) + (_text(rows[1]) if len(rows) > 1 else ""):
            assert not any(header), f"{dept}: a form table has repeating rows"
            continue
        indicator_tables += 1
        n = header.index(False)
        assert n >= 1 and not any(header[n:]), f"{dept}: header rows {header}"
        assert all(w in "".join(_text(r) for r in rows[:n]) for w in HEADER_WORDS[dept][:3])
        # the form above, joined by the thin paragraph: two tables drawn as one
        joint = children[i - 1]
        assert joint.tag == W + "p" and joint.find(f"{W}pPr/{W}pStyle").get(W + "val") == "PGTableJoint"
        assert children[i - 2].tag == W + "tbl" and all(_keeps(r) for r in children[i - 2].findall(W + "tr"))
        # no merge reaches from the header into the rows (a repeated header would carry it)
        for tc in rows[n].findall(W + "tc"):
            assert _vmerge(tc) != "continue", f"{dept}: a header cell is merged into the first row"
        # keep-with-next exactly inside a merged 一级 group (the 一级 cell is the second one)
        for row, nxt in zip(rows[n:], rows[n + 1:]):
            assert _keeps(row) == (_vmerge(nxt.findall(W + "tc")[1]) == "continue"), _text(row)
        assert not _keeps(rows[-1])
    assert indicator_tables == {"yongning-zfw": 8, "shili-xiangmu": 2, "shili-zhengti": 1}[dept]


def _layout(ws: Path, dept: str, lines: str) -> None:
    path = ws / "departments" / dept / "department.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("版式:\n", "版式:\n" + lines) if "\n版式:\n" in text else text + "版式:\n" + lines
    path.write_text(text, encoding="utf-8")


def test_the_group_that_keeps_together_is_a_layout_setting(tmp_path: Path) -> None:
    ws = copy_shipped(tmp_path / "ws")
    _layout(ws, "yongning-zfw", "  指标组不跨页: 否\n")
    build(ws, BuildOptions(out=tmp_path / "out", departments=["yongning-zfw"], volume=False))
    body = _body(tmp_path / "out" / "2024" / "yongning-zfw.docx")
    rows = [r for t in body.iter(W + "tbl") for r in t.findall(W + "tr") if r.find(f"{W}trPr/{W}tblHeader") is None]
    form_rows = sum(len(t.findall(W + "tr")) for t in body.iter(W + "tbl") if "一级指标" not in _text(t))
    assert sum(_keeps(r) for r in rows) == form_rows   # only the forms keep with their indicator tables


# -- the pages LibreOffice makes -----------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def _continuation_problems(pdf: Path, dept: str, levels: list[tuple[str, list[str]]]) -> list[str]:
    """What is wrong on the pages that continue an indicator table: a page that does not start with
    the header, or a 二级 row whose 一级 name is not on its page (left behind in a merged cell)."""
    problems = []
    l2_of = sorted(((l2, l1) for l1, l2s in levels for l2 in l2s), key=lambda x: -len(x[0]))
    for number, page in enumerate(pdfmod.page_texts(pdf), start=1):
        text = _SPACE.sub("", page)
        if FORM_START[dept] in text or not text:
            continue
        header = HEADER_WORDS[dept]
        if not any(text.startswith(w) for w in header) or not all(w in text for w in header):
            problems.append(f"p{number}: starts {text[:20]!r}, not with the header")
        rest = text
        for w in header:
            rest = rest.replace(w, "")
        present = []
        for l2, l1 in l2_of:
            if l2 in rest:
                present.append(l1)
                rest = rest.replace(l2, "")
        for l1 in present:
            if l1 not in rest:
                problems.append(f"p{number}: {l1} rows without the {l1} label")
    return problems


@pytest.fixture(scope="module")
def pdf_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = copy_shipped(tmp_path_factory.mktemp("pdfws"))
    build(ws, BuildOptions(out=ws / "build", departments=list(FORMS), volume=False, pdf=True))
    return ws


@pytest.mark.slow
@pytest.mark.acceptance
@_lo
@pytest.mark.parametrize("dept", sorted(FORMS))
def test_every_continuation_page_starts_with_the_header_and_keeps_its_labels(dept: str, pdf_build: Path) -> None:
    dy = load_workspace(pdf_build).workspace.departments[dept].years[FORMS[dept]]
    pdf = pdf_build / "build" / str(FORMS[dept]) / f"{dept}.pdf"
    pages = pdfmod.page_texts(pdf)
    continued = [p for p in pages if FORM_START[dept] not in _SPACE.sub("", p)]
    if dept != "shili-zhengti":
        assert continued, f"{dept}: no indicator table continues on a second page any more; the test needs one"
    assert _continuation_problems(pdf, dept, dy.taxonomy.levels) == []


@pytest.mark.slow
@pytest.mark.acceptance
@_lo
def test_without_keeping_groups_a_merged_label_stays_behind(tmp_path: Path) -> None:
    """The check above fails on what LibreOffice made before: a 一级 group split over two pages."""
    ws = copy_shipped(tmp_path / "ws")
    _layout(ws, "yongning-zfw", "  指标组不跨页: 否\n")
    build(ws, BuildOptions(out=ws / "build", departments=["yongning-zfw"], volume=False, pdf=True))
    dy = load_workspace(ws).workspace.departments["yongning-zfw"].years[2024]
    problems = _continuation_problems(ws / "build" / "2024" / "yongning-zfw.pdf", "yongning-zfw", dy.taxonomy.levels)
    assert any("without the" in p for p in problems), problems


def test_a_form_of_indicators_only_is_one_table(tmp_path: Path) -> None:
    """With only 绩效指标 left in 表格行 there is no form table above it, hence no joint either."""
    ws = copy_shipped(tmp_path / "ws")
    _layout(ws, "shili-xiangmu", "  表格行: [绩效指标]\n")
    build(ws, BuildOptions(out=tmp_path / "out", departments=["shili-xiangmu"], volume=False))
    body = _body(tmp_path / "out" / "2026" / "shili-xiangmu.docx")
    tables = body.findall(W + "tbl")
    assert len(tables) == 2 and all(t.findall(W + "tr") for t in tables)   # one per project, none empty
    assert all(_text(t).startswith("绩效指标一级指标") for t in tables)
    assert b"PGTableJoint" not in etree.tostring(body)


@pytest.mark.parametrize("dept, year", [("chengde-gxq-zfw", 2022), ("shanhaiguan-zfw", 2021)])
def test_hebei_indicator_tables_keep_their_groups_too(dept: str, year: int, shipped: Path, tmp_path: Path) -> None:
    """The hebei project indicator tables and the 部门绩效文本信息 table (一级 in the first column)."""
    build(shipped, BuildOptions(out=tmp_path, departments=[dept], volume=False))
    body = _body(tmp_path / str(year) / f"{dept}.docx")
    checked = 0
    for tbl in body.iter(W + "tbl"):
        rows = tbl.findall(W + "tr")
        if not ("一级指标" in _text(rows[0]) or "符号" in _text(rows[0])):
            continue
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        for row, nxt in zip(rows[1:], rows[2:]):
            assert _keeps(row) == (_vmerge(nxt.findall(W + "tc")[0]) == "continue"), _text(row)
            checked += _keeps(row)
        assert not _keeps(rows[-1])
    assert checked > 0   # some 一级 group has more than one row
