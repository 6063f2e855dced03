"""The annual volume (汇编): cover, table of contents, then every department's document.

The volume reuses the bytes already rendered for each department instead of rendering twice: the
body of each department document is moved into the volume skeleton (templates/volume) behind a
divider page that carries the department's name as a level-1 heading. Departments come from
templates generated with the same styles, so joining bodies needs no style translation; a style
the volume lacks is copied over from the department document.

Each department's content starts on a fresh page after its divider, so its pagination inside the
volume is exactly its standalone pagination; that is what lets the table of contents carry real
page numbers computed from the departments' own PDFs (see perfgen.render.pdf).
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from perfgen.errors import UserError
from perfgen.render.document import finish, template_path
from perfgen.render.engine import render_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TOC_MARKER = "@@PERFGEN-TOC@@"
DEPTS_MARKER = "@@PERFGEN-DEPARTMENTS@@"
TAB_POS = 8845  # right tab at the text block's edge (156 mm) for page numbers


@dataclass
class Chapter:
    """One department in the volume: its title, rendered document and headings to list."""

    title: str
    docx: bytes
    headings: list[str] = field(default_factory=list)  # level-2 entries (parts), in order
    page: int | None = None  # page of the divider, when known
    heading_pages: list[int | None] = field(default_factory=list)  # volume pages of `headings`


@dataclass
class TocEntry:
    level: int
    text: str
    bookmark: str
    page: int | None = None


def _w(tag: str) -> str:
    return W + tag


def _el(tag: str, **attrs: str) -> etree._Element:
    e = etree.Element(_w(tag))
    for k, v in attrs.items():
        e.set(_w(k), v)
    return e


def _run(text: str | None = None) -> etree._Element:
    r = _el("r")
    if text is not None:
        t = etree.SubElement(r, _w("t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _fld(kind: str) -> etree._Element:
    r = _el("r")
    r.append(_el("fldChar", fldCharType=kind))
    return r


def _instr(text: str) -> etree._Element:
    r = _el("r")
    t = etree.SubElement(r, _w("instrText"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _para_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(_w("t")))


def _style_of(p: etree._Element) -> str | None:
    s = p.find(f"{W}pPr/{W}pStyle")
    return s.get(_w("val")) if s is not None else None


def _set_page_break_before(p: etree._Element) -> None:
    ppr = p.find(_w("pPr"))
    if ppr is None:
        ppr = _el("pPr")
        p.insert(0, ppr)
    pb = ppr.find(_w("pageBreakBefore"))
    if pb is None:
        pb = _el("pageBreakBefore")
        style = ppr.find(_w("pStyle"))
        ppr.insert(1 if style is not None else 0, pb)
    pb.attrib.pop(_w("val"), None)


def _bookmark(p: etree._Element, name: str, bid: int) -> None:
    start = _el("bookmarkStart", id=str(bid), name=name)
    end = _el("bookmarkEnd", id=str(bid))
    ppr = p.find(_w("pPr"))
    idx = 1 if ppr is not None else 0
    p.insert(idx, start)
    p.append(end)


def toc_paragraphs(entries: list[TocEntry], dirty: bool) -> list[etree._Element]:
    """A TOC field whose cached result is already filled in (titles, dotted leaders, pages)."""
    paras: list[etree._Element] = []
    for i, e in enumerate(entries):
        p = _el("p")
        ppr = etree.SubElement(p, _w("pPr"))
        ppr.append(_el("pStyle", val=f"toc{e.level}"))
        tabs = etree.SubElement(ppr, _w("tabs"))
        tabs.append(_el("tab", val="right", leader="dot", pos=str(TAB_POS)))
        if i == 0:
            begin = _fld("begin")
            if dirty:
                begin[0].set(_w("dirty"), "true")
            p.append(begin)
            p.append(_instr(' TOC \\o "1-2" \\h \\z \\u '))
            p.append(_fld("separate"))
        link = etree.SubElement(p, _w("hyperlink"))
        link.set(_w("anchor"), e.bookmark)
        link.set(_w("history"), "1")
        link.append(_run(e.text))
        tab = _el("r")
        tab.append(_el("tab"))
        link.append(tab)
        link.append(_run(str(e.page) if e.page is not None else ""))
        if i == len(entries) - 1:
            p.append(_fld("end"))
        paras.append(p)
    if not entries:
        p = _el("p")
        p.append(_run("（无）"))
        paras.append(p)
    return paras


def _body_of(docx: bytes) -> tuple[list[etree._Element], etree._Element]:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
        styles = etree.fromstring(zf.read("word/styles.xml"))
    body = root.find(_w("body"))
    children = [c for c in body if c.tag != _w("sectPr")]
    for c in children:
        for el in c.iter():
            for attr in el.attrib:
                if attr.startswith("{%s}" % R_NS):
                    raise UserError("部门模板中含有图片、超链接等外部引用，暂不能合入汇编",
                                    "从模板中删去图片或链接，或单独提交部门文档。")
    return children, styles


def cn_date(year: int) -> str:
    digits = "〇一二三四五六七八九"
    return "".join(digits[int(c)] for c in str(year)) + "年"


def compose_volume(root: Path, year: int, title: str, issuer: str,
                   chapters: list[Chapter]) -> tuple[bytes, list[TocEntry]]:
    """Join the chapters into one document; TOC pages come from the chapters when known."""
    path = template_path(root, "volume")
    tpl = render_docx(path, {"title": title, "issuer": issuer, "date": cn_date(year),
                             "toc_marker": TOC_MARKER, "departments_marker": DEPTS_MARKER}, f"volume（{path}）")
    buf = io.BytesIO()
    tpl.save(buf)
    skeleton = buf.getvalue()
    zin = zipfile.ZipFile(io.BytesIO(skeleton))
    doc_root = etree.fromstring(zin.read("word/document.xml"))
    styles_root = etree.fromstring(zin.read("word/styles.xml"))
    body = doc_root.find(_w("body"))
    markers = {}
    for p in body.iter(_w("p")):
        text = _para_text(p)
        if text in (TOC_MARKER, DEPTS_MARKER):
            markers[text] = p
    if set(markers) != {TOC_MARKER, DEPTS_MARKER}:
        raise UserError("汇编模板 templates/volume/template.docx 缺少目录或正文位置标记",
                        "模板中应保留 {{ toc_marker }} 和 {{ departments_marker }} 两段。")
    known_styles = {s.get(_w("styleId")) for s in styles_root.iter(_w("style"))}

    # Section 1 (cover and contents) has no page numbers; section 2 numbers from 1.
    final_sect = body.find(_w("sectPr"))
    first_sect = copy.deepcopy(final_sect)
    for ref in first_sect.findall(_w("footerReference")) + first_sect.findall(_w("headerReference")):
        first_sect.remove(ref)
    toc_p = markers[TOC_MARKER]
    pgnum = final_sect.find(_w("pgNumType"))
    if pgnum is None:
        pgnum = _el("pgNumType")
        idx = [i for i, c in enumerate(final_sect) if c.tag in (_w("cols"), _w("docGrid"))]
        final_sect.insert(idx[0] if idx else len(final_sect), pgnum)
    pgnum.set(_w("start"), "1")

    entries: list[TocEntry] = []
    new_body: list[etree._Element] = []
    bid = 1
    for k, chapter in enumerate(chapters, start=1):
        children, styles = _body_of(chapter.docx)
        for s in styles.iter(_w("style")):
            if s.get(_w("styleId")) not in known_styles:
                styles_root.append(copy.deepcopy(s))
                known_styles.add(s.get(_w("styleId")))
        divider = _el("p")
        ppr = etree.SubElement(divider, _w("pPr"))
        ppr.append(_el("pStyle", val="PGDept"))
        if k == 1:
            # the section break before the first chapter already starts a page
            ppr.append(_el("pageBreakBefore", val="0"))
        divider.append(_run(chapter.title))
        name = f"_Toc_perfgen_{k}"
        _bookmark(divider, name, bid)
        bid += 1
        entries.append(TocEntry(1, chapter.title, name, chapter.page))
        new_body.append(divider)
        first = True
        wanted = list(chapter.headings)
        for c in children:
            c = copy.deepcopy(c)
            if first and c.tag == _w("p"):
                _set_page_break_before(c)
            first = False
            if c.tag == _w("p") and _style_of(c) == "PGPart" and wanted:
                text = _para_text(c)
                i = len(chapter.headings) - len(wanted)
                heading = wanted.pop(0)
                name = f"_Toc_perfgen_{k}_{i + 1}"
                _bookmark(c, name, bid)
                bid += 1
                page = chapter.heading_pages[i] if i < len(chapter.heading_pages) else None
                entries.append(TocEntry(2, heading or text, name, page))
            new_body.append(c)
    # Put the TOC in place; its paragraph carries the section break that ends section 1.
    toc = toc_paragraphs(entries, dirty=any(e.page is None for e in entries))
    parent = toc_p.getparent()
    idx = parent.index(toc_p)
    parent.remove(toc_p)
    for i, p in enumerate(toc):
        parent.insert(idx + i, p)
    last = toc[-1]
    ppr = last.find(_w("pPr"))
    if ppr is None:
        ppr = _el("pPr")
        last.insert(0, ppr)
    ppr.append(first_sect)
    dp = markers[DEPTS_MARKER]
    parent = dp.getparent()
    idx = parent.index(dp)
    parent.remove(dp)
    for i, el in enumerate(new_body):
        parent.insert(idx + i, el)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = etree.tostring(doc_root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif info.filename == "word/styles.xml":
                data = etree.tostring(styles_root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info.filename, data)
    return finish(out.getvalue(), title, year), entries


_PART_TITLE_RE = re.compile(r"^第[一二三四五六七八九十]+部分$")
