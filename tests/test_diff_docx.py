"""`perfgen diff --docx`: the two rendered documents as one Word file with real tracked changes.

The strongest check of a redline is what reviewers do with it: accepting every change must give
the new document's text, rejecting every change the old one's. Both are simulated on the XML here;
LibreOffice (when installed) must open the file and see the revisions as tracked changes.
"""
from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import CASES
from lxml import etree
from test_diff_cases import build_case

from perfgen.cli.app import cli
from perfgen.diff.redline import W, para_text, redline
from perfgen.diff.run import render_bytes as render_department
from perfgen.load import load_workspace

CASE = CASES / "diff" / "shanhaiguan-hand-edited"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def body(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("word/document.xml")).find(W + "body")


def texts(b: etree._Element) -> list[str]:
    return [para_text(p) for p in b.iter(W + "p")]


def resolve(b: etree._Element, accept: bool) -> etree._Element:
    """Accept (or reject) every revision, as Word's “接受所有修订” does."""
    b = copy.deepcopy(b)
    gone, kept = ("del", "ins") if accept else ("ins", "del")
    for tr in list(b.iter(W + "tr")):
        if tr.find(f"{W}trPr/{W}{gone}") is not None:
            tr.getparent().remove(tr)
    for p in list(b.iter(W + "p")):
        if p.find(f"{W}pPr/{W}rPr/{W}{gone}") is not None:
            p.getparent().remove(p)
    for el in list(b.iter(W + gone)):
        if el.getparent() is not None and el.getparent().tag != W + "rPr" and el.getparent().tag != W + "trPr":
            el.getparent().remove(el)
    for el in list(b.iter(W + kept)):
        parent = el.getparent()
        if parent.tag in (W + "rPr", W + "trPr"):
            parent.remove(el)
            continue
        for child in list(el):
            el.addprevious(child)
        parent.remove(el)
    for t in b.iter(W + "delText"):
        t.tag = W + "t"
    return b


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[bytes, bytes, bytes]:
    ws = build_case(CASE, tmp_path_factory.mktemp("docx") / "ws")
    years = load_workspace(ws).workspace.departments["shanhaiguan-zfw"].years
    old, new = render_department(ws, years[2021]), render_department(ws, years[2022])
    out = tmp_path_factory.mktemp("out") / "对比.docx"
    r = run("--root", str(ws), "diff", "shanhaiguan-zfw", "--from", "2021", "--to", "2022", "--docx", str(out))
    assert r.exit_code == 0, r.output
    assert "已写入修订对比文档" in r.stderr
    return old, new, out.read_bytes()


def test_accepting_all_changes_gives_the_new_document(rendered) -> None:
    old, new, red = rendered
    assert texts(resolve(body(red), accept=True)) == texts(body(new))


def test_rejecting_all_changes_gives_the_old_document(rendered) -> None:
    old, new, red = rendered
    assert texts(resolve(body(red), accept=False)) == texts(body(old))


def test_the_three_edits_are_tracked_changes(rendered) -> None:
    _, _, red = rendered
    b = body(red)
    deleted = "".join(t.text or "" for t in b.iter(W + "delText"))
    inserted = "".join(t.text or "" for ins in b.iter(W + "ins") for t in ins.iter(W + "t"))
    assert "车辆保险费" in deleted                                   # the removed project
    assert len(b.findall(f".//{W}trPr/{W}del")) > 5                  # … its table rows
    rows = [r for r in b.iter(W + "tr") if "职工满意度" in "".join(t.text or "" for t in r.iter(W + "t"))]
    row_xml = etree.tostring(rows[-1], encoding="unicode")
    assert re.search(r"<w:del [^>]*><w:r><w:delText[^>]*>5</w:delText>", row_xml)   # ≥95% → ≥90%
    assert re.search(r"<w:ins [^>]*><w:r><w:t[^>]*>0</w:t>", row_xml)
    assert "23" in inserted                                        # 115000.00 → 230000.00


def test_revision_marks_are_well_formed_and_reproducible(rendered, tmp_path: Path) -> None:
    old, new, red = rendered
    b = body(red)
    marks = list(b.iter(W + "ins")) + list(b.iter(W + "del"))
    ids = [m.get(W + "id") for m in marks]
    assert len(ids) == len(set(ids)) and all(i and i.isdigit() for i in ids)
    assert {m.get(W + "author") for m in marks} == {"perfgen"}
    assert {m.get(W + "date") for m in marks} == {"2022-01-01T00:00:00Z"}
    assert redline(old, new, date="2022-01-01T00:00:00Z").docx == redline(old, new, date="2022-01-01T00:00:00Z").docx
    document = docx.Document(io.BytesIO(red))  # python-docx opens it
    assert document.paragraphs


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.acceptance
@pytest.mark.slow
def test_libreoffice_opens_it_and_sees_tracked_changes(rendered, tmp_path: Path) -> None:
    _, _, red = rendered
    src = tmp_path / "redline.docx"
    src.write_bytes(red)
    profile = tmp_path / "profile"
    for target in ("fodt", "pdf"):
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", target, "--outdir", str(tmp_path), str(src)],
                       capture_output=True, timeout=300, check=True)
    flat = (tmp_path / "redline.fodt").read_text(encoding="utf-8")
    assert flat.count("<text:deletion>") > 10 and flat.count("<text:insertion>") >= 2
    assert "<dc:creator>perfgen</dc:creator>" in flat and "Unknown Author" not in flat
    text = subprocess.run(["pdftotext", str(tmp_path / "redline.pdf"), "-"], capture_output=True).stdout.decode()
    assert "车辆保险费" in text  # deleted content is shown (struck through), not dropped


def test_docx_for_the_ningxia_form(tmp_path: Path) -> None:
    """The other template family (附件3 tables with placeholder rows) round-trips as well."""
    ws = build_case(CASES / "diff" / "yongning-targets", tmp_path / "ws")
    years = load_workspace(ws).workspace.departments["yongning-zfw"].years
    old, new = render_department(ws, years[2024]), render_department(ws, years[2025])
    red = redline(old, new).docx
    assert texts(resolve(body(red), accept=True)) == texts(body(new))
    assert texts(resolve(body(red), accept=False)) == texts(body(old))


def test_docx_needs_exactly_one_department_and_a_docx_name(tmp_path: Path) -> None:
    ws = build_case(CASES / "diff" / "all-departments-summary", tmp_path / "ws")
    r = run("--root", str(ws), "diff", "--from", "2025", "--to", "2026", "--docx", str(tmp_path / "x.docx"))
    assert r.exit_code == 2 and "--docx 一次只能比较一个部门" in r.output and not (tmp_path / "x.docx").exists()
    r = run("--root", str(ws), "diff", "demo", "--from", "2025", "--to", "2026", "--docx", str(tmp_path / "x.pdf"))
    assert r.exit_code == 2 and ".docx" in r.output
