"""The volume PDF assembled from pages laid out once (perfgen/render/assemble.py): the page
arithmetic, the documents LibreOffice converts (bare pages, number sheets), and the assembly itself
on small PDFs made here (no LibreOffice: the slow end-to-end tests are in test_pdf_output.py)."""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import copy_shipped

from perfgen.render import assemble

ROOT = Path(__file__).resolve().parent.parent


def test_departments_follow_their_dividers_and_start_on_odd_pages_when_duplex() -> None:
    # divider, then the department's pages; duplex: the next divider on the next odd page
    assert assemble.divider_pages([3, 4, 2], duplex=False) == [1, 5, 10]
    assert assemble.divider_pages([3, 4, 2], duplex=True) == [1, 5, 11]
    assert all(p % 2 == 1 for p in assemble.divider_pages([1, 2, 3, 4, 5, 6], duplex=True))


def test_sheets_start_on_odd_pages() -> None:
    assert assemble.SHEET_PAGES % 2 == 0
    assert [assemble.sheet_start(p) for p in (1, 512, 513, 1025)] == [1, 1, 513, 1025]


def _docx() -> bytes:
    return (ROOT / "templates/hebei/template.docx").read_bytes()


def _part(docx: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(docx)).read(name)


def test_bare_document_keeps_the_footer_paragraphs_but_not_their_text() -> None:
    docx = _docx()
    bare = assemble.bare(docx)
    assert _part(bare, "word/document.xml") == _part(docx, "word/document.xml")
    for name in ("word/footer1.xml", "word/footer2.xml"):
        before, after = _part(docx, name), _part(bare, name)
        assert b"PAGE" in before and b"PAGE" not in after and b"<w:t" not in after
        assert after.count(b"<w:p>") == before.count(b"<w:p>") == 1
        assert re.findall(rb"<w:pPr>.*?</w:pPr>", after) == re.findall(rb"<w:pPr>.*?</w:pPr>", before)


def test_a_number_sheet_has_empty_pages_numbered_from_its_start_with_the_same_footers() -> None:
    docx = _docx()
    first = assemble.number_sheet(docx, 1, pages=8)
    doc = _part(first, "word/document.xml")
    assert doc.count(b"<w:pageBreakBefore/>") == 7 and b'<w:pgNumType w:start="1"/>' in doc
    assert b"<w:t" not in doc.split(b"<w:body>")[1]
    assert _part(first, "word/footer1.xml") == _part(docx, "word/footer1.xml")
    assert not any(n.startswith("docProps/") for n in zipfile.ZipFile(io.BytesIO(first)).namelist())
    # a later sheet has a leading page (a section's first page may have its own footer)
    later = _part(assemble.number_sheet(docx, 513, pages=8), "word/document.xml")
    assert later.count(b"<w:pageBreakBefore/>") == 8 and b'<w:pgNumType w:start="512"/>' in later
    # pgNumType sits in schema order, before w:cols
    assert re.search(rb"<w:pgNumType [^>]*/><w:cols", doc)


def test_documents_whose_sheets_are_equal_share_one_design() -> None:
    # the volume's last section starts on an odd page and restarts its numbers: its sheets are the
    # departments' all the same, so they must not be made (and digested) a second time
    docx = _docx()
    doc = _part(docx, "word/document.xml")
    at = doc.rindex(b"<w:pgSz")
    volume_like = doc[:at] + b'<w:type w:val="oddPage"/>' + doc[at:]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, volume_like if info.filename == "word/document.xml" else src.read(info.filename))
    other = out.getvalue()
    assert assemble.number_sheet(other, 1, pages=4) == assemble.number_sheet(docx, 1, pages=4)
    assert assemble.design(other) == assemble.design(docx)


def test_only_one_section_documents_can_be_numbered_from_a_sheet() -> None:
    docx = _docx()
    assert assemble.page_setup(docx) == b'<w:pgSz w:w="11906" w:h="16838"/>'
    doc = _part(docx, "word/document.xml")
    sect = re.search(rb"<w:sectPr[\s>].*?</w:sectPr>", doc, re.S).group(0)  # type: ignore[union-attr]
    two = doc.replace(b"<w:body>", b"<w:body><w:p><w:pPr>" + sect + b"</w:pPr></w:p>", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, two if info.filename == "word/document.xml" else src.read(info.filename))
    assert assemble.page_setup(out.getvalue()) is None


# -- the assembly, on PDFs made here -------------------------------------------------------------

def _pdf(path: Path, texts: list[str]) -> Path:
    """A PDF with one line of (ASCII) text per page."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
    w = PdfWriter()
    font = w._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                           NameObject("/Subtype"): NameObject("/Type1"),
                                           NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for text in texts:
        page = w.add_blank_page(595, 842)
        stream = DecodedStreamObject()
        y = 60 if text.startswith("-") else 700   # numbers at the foot, text at the top
        stream.set_data(f"BT /F1 12 Tf 100 {y} Td ({text}) Tj ET".encode())
        page[NameObject("/Contents")] = w._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    with open(path, "wb") as fh:
        w.write(fh)
    return path


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_volume_numbers_its_pages_on_inserts_blanks_and_bookmarks_each_part(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from perfgen.render import pdf as pdfmod
    sheet = _pdf(tmp_path / "sheet.pdf", [f"-{n}-" for n in range(1, assemble.SHEET_PAGES + 1)])
    front = _pdf(tmp_path / "front.pdf", ["COVER", "CONTENTS", "DIVIDER A", "DIVIDER B"])
    a = _pdf(tmp_path / "a.pdf", ["A1 PARTONE", "A2", "A3 PARTTWO"])
    b = _pdf(tmp_path / "b.pdf", ["B1 PARTONE"])
    reader = PdfReader(sheet)
    depts = [assemble.Department("A", a, [("PARTONE", 1), ("PARTTWO", 3)]),
             assemble.Department("B", b, [("PARTONE", 1), ("MISSING", None)])]
    done = assemble.assemble_volume(tmp_path / "v.pdf", front, 2, depts, lambda start: reader, True,
                                    assemble.metadata("Volume", "Issuer"), lambda: (front, 2))
    pages = [re.sub(r"\s+", " ", p).strip() for p in pdfmod.page_texts(tmp_path / "v.pdf")]
    # cover, contents; A's divider is page 1 (a right-hand page), its 3 pages 2-4, B's divider 5
    assert pages == ["COVER", "CONTENTS", "DIVIDER A -1-", "A1 PARTONE -2-", "A2 -3-", "A3 PARTTWO -4-",
                     "DIVIDER B -5-", "B1 PARTONE -6-"], pages
    assert done.pages == 8
    assert done.outline == [("A", 2, [("PARTONE", 3), ("PARTTWO", 5)]), ("B", 6, [("PARTONE", 7)])]
    meta = PdfReader(tmp_path / "v.pdf").metadata
    assert meta is not None and (meta.title, meta.author) == ("Volume", "Issuer")
    # one page more in A: B must start on page 7 with a blank page 6 before it; odd front: a blank
    a2 = _pdf(tmp_path / "a2.pdf", ["A1 PARTONE", "A2", "A3", "A4"])
    front3 = _pdf(tmp_path / "front3.pdf", ["COVER", "CONTENTS", "MORE", "DIVIDER A", "DIVIDER B"])
    # (the dividers may come from another conversion of the front matter than cover and contents)
    assemble.assemble_volume(tmp_path / "v2.pdf", front, 2, [assemble.Department("A", a2), depts[1]],
                             lambda start: reader, True, assemble.metadata("Volume", "Issuer"), lambda: (front3, 3))
    pages = [re.sub(r"\s+", " ", p).strip() for p in pdfmod.page_texts(tmp_path / "v2.pdf")]
    assert pages == ["COVER", "CONTENTS", "MORE", "", "DIVIDER A -1-", "A1 PARTONE -2-", "A2 -3-",
                     "A3 -4-", "A4 -5-", "", "DIVIDER B -7-", "B1 PARTONE -8-"], pages
    # single-sided: no blank pages
    assemble.assemble_volume(tmp_path / "v3.pdf", front3, 3, [assemble.Department("A", a2), depts[1]],
                             lambda start: reader, False, {}, lambda: (front3, 3))
    assert "" not in [p.strip() for p in pdfmod.page_texts(tmp_path / "v3.pdf")]


def test_a_department_pdf_is_numbered_from_1_and_carries_its_metadata(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from perfgen.render import pdf as pdfmod
    sheet = PdfReader(_pdf(tmp_path / "sheet.pdf", [f"-{n}-" for n in range(1, assemble.SHEET_PAGES + 1)]))
    body = _pdf(tmp_path / "body.pdf", ["ONE", "TWO"])
    n = assemble.stamp_document(body, lambda start: sheet, tmp_path / "d.pdf", assemble.metadata("T", "A"))
    assert n == 2
    if shutil.which("pdftotext"):
        assert [p.split() for p in pdfmod.page_texts(tmp_path / "d.pdf")] == [["ONE", "-1-"],
                                                                              ["TWO", "-2-"]]
    meta = PdfReader(tmp_path / "d.pdf").metadata
    assert meta is not None and (meta.title, meta.author) == ("T", "A")


def test_without_libreoffice_the_summary_says_why_the_toc_has_no_page_numbers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from perfgen.build import BuildOptions, build
    from perfgen.render import pdf as pdfmod
    ws = copy_shipped(tmp_path)
    monkeypatch.setattr(pdfmod, "find_soffice", lambda: None)
    report = build(ws, BuildOptions(out=ws / "build", years=[2021], toc_pages=True))
    assert "汇编目录未填页码" in report.summary() and "LibreOffice" in report.summary()
    # asked not to compute them, the build says nothing about it
    report = build(ws, BuildOptions(out=ws / "out2", years=[2021], toc_pages=False))
    assert "汇编目录未填页码" not in report.summary()
