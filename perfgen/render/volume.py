"""The annual volume (汇编): cover, table of contents, then every department's document.

The volume reuses what was already rendered for each department instead of rendering twice: each
department's body XML (kept from its render) is placed into the volume skeleton
(templates/volume) behind a divider page carrying the department's name as a level-1 heading.
Joining is done on the XML text, which for a county volume (100 departments, ~30 MB of XML) is an
order of magnitude faster than building and copying element trees.

Each department's content starts on a fresh page after its divider, so its pagination inside the
volume is its standalone pagination; that is what lets the table of contents carry real page
numbers computed from the departments' own PDFs (see perfgen.build and perfgen.render.pdf).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from perfgen.errors import UserError
from perfgen.model.entities import WorkspaceSettings
from perfgen.model.layout import fill, schema_defaults
from perfgen.render.compiled import Rendered, compiled, root_tag
from perfgen.render.document import template_path
from perfgen.render.package import FIXED_DATE
from perfgen.resources import VOLUME_TEMPLATE

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
TOC_MARKER = "@@PERFGEN-TOC@@"
DEPTS_MARKER = "@@PERFGEN-DEPARTMENTS@@"
# The TOC lists exactly the paragraphs of these styles (by style name, ECMA-376 17.16.5.68 \\t), at
# these levels: the departments' names (dividers) and their part headings. No \\o / \\u: those
# would add any paragraph with an outline level (a user's 标题 1 in a department's text) that the
# built TOC does not show. \\h: entries are links; \\z: no page numbers in Web view.
TOC_STYLES = (("PG Dept", 1), ("PG Part", 2))
TOC_INSTRUCTION = ' TOC \\h \\z \\t "' + ",".join(f"{name},{level}" for name, level in TOC_STYLES) + '" '
TAB_POS = 8845  # right tab at the text block's edge (156 mm) for page numbers
_PARA = re.compile(r"<w:p(?:\s[^>]*)?>.*?</w:p>", re.DOTALL)
_PARA_B = re.compile(rb"<w:p(?:\s[^>]*)?>.*?</w:p>", re.DOTALL)
_XMLNS = re.compile(r'\sxmlns:([A-Za-z0-9_]+)="([^"]*)"')


@dataclass
class Chapter:
    """One department in the volume: its title, rendered document and headings to list."""

    title: str
    rendered: Rendered
    headings: list[str] = field(default_factory=list)  # level-2 entries (parts), in order
    page: int | None = None  # page of the divider, when known
    heading_pages: list[int | None] = field(default_factory=list)  # volume pages of `headings`


@dataclass
class TocEntry:
    level: int
    text: str
    bookmark: str
    page: int | None = None


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def toc_xml(entries: list[TocEntry], dirty: bool, last_ppr_extra: str = "") -> str:
    """A TOC field whose cached result is already filled in (titles, dotted leaders, pages)."""
    paras = []
    for i, e in enumerate(entries):
        extra = last_ppr_extra if i == len(entries) - 1 else ""
        ppr = (f'<w:pPr><w:pStyle w:val="toc{e.level}"/><w:tabs><w:tab w:val="right" w:leader="dot" '
               f'w:pos="{TAB_POS}"/></w:tabs>{extra}</w:pPr>')
        head = ""
        if i == 0:
            flag = ' w:dirty="true"' if dirty else ""
            head = (f'<w:r><w:fldChar w:fldCharType="begin"{flag}/></w:r>'
                    f'<w:r><w:instrText xml:space="preserve">{escape(TOC_INSTRUCTION)}</w:instrText></w:r>'
                    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
        link = (f'<w:hyperlink w:anchor="{e.bookmark}" w:history="1">{_run(e.text)}<w:r><w:tab/></w:r>'
                f'{_run(str(e.page) if e.page is not None else "")}</w:hyperlink>')
        tail = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if i == len(entries) - 1 else ""
        paras.append(f"<w:p>{ppr}{head}{link}{tail}</w:p>")
    if not entries:
        paras.append(f"<w:p><w:pPr>{last_ppr_extra}</w:pPr>{_run('（无）')}</w:p>")
    return "".join(paras)


_NS_DECLS = f' xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _fragment(xml: str, decls: str = _NS_DECLS) -> etree._Element:
    """Parse a piece of document.xml; `decls` are the namespace declarations of its document."""
    return etree.fromstring(f"<root{decls}>{xml}</root>".encode())[0]


def _unfragment(el: etree._Element) -> str:
    """Serialise a parsed piece back; its namespaces are declared on the document root."""
    text = etree.tostring(el, encoding="unicode")
    end = text.index(">")
    return re.sub(r'\sxmlns:[A-Za-z0-9_]+="[^"]*"', "", text[:end]) + text[end:]


def _page_break_first(body: bytes) -> bytes:
    """The chapter's first paragraph starts a page (the divider page comes before it)."""
    m = _PARA_B.search(body)
    if not m or m.start() != len(body) - len(body.lstrip()):
        return b'<w:p><w:pPr><w:pageBreakBefore/></w:pPr></w:p>' + body
    p = _fragment(m.group(0).decode("utf-8"))
    ppr = p.find(W + "pPr")
    if ppr is None:
        ppr = etree.SubElement(p, W + "pPr")
        p.insert(0, ppr)
    pb = ppr.find(W + "pageBreakBefore")
    if pb is None:
        pb = etree.Element(W + "pageBreakBefore")
        after = [c for c in ppr if c.tag in (W + "pStyle", W + "keepNext", W + "keepLines")]
        ppr.insert(ppr.index(after[-1]) + 1 if after else 0, pb)
    if W + "val" in pb.attrib:
        del pb.attrib[W + "val"]
    return body[:m.start()] + _unfragment(p).encode("utf-8") + body[m.end():]


def _bookmark_parts(body: bytes, k: int, chapter: Chapter, bid: int,
                    entries: list[TocEntry]) -> tuple[bytes, int]:
    """Bookmark the part headings (style PGPart) so TOC entries can link to them."""
    wanted = list(chapter.headings)
    pieces: list[bytes] = []
    last = 0
    for m in _PARA_B.finditer(body):
        if not wanted:
            break
        para = m.group(0)
        if b'<w:pStyle w:val="PGPart"/>' not in para:
            continue
        i = len(chapter.headings) - len(wanted)
        heading = wanted.pop(0)
        name = f"_Toc_perfgen_{k}_{i + 1}"
        start = f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>'.encode()
        end = f'<w:bookmarkEnd w:id="{bid}"/>'.encode()
        cut = para.index(b"</w:pPr>") + len(b"</w:pPr>") if b"</w:pPr>" in para else para.index(b">") + 1
        pieces.append(body[last:m.start()])
        pieces.append(para[:cut] + start + para[cut:-len(b"</w:p>")] + end + b"</w:p>")
        last = m.end()
        bid += 1
        page = chapter.heading_pages[i] if i < len(chapter.heading_pages) else None
        entries.append(TocEntry(2, heading, name, page))
    pieces.append(body[last:])
    return b"".join(pieces), bid


def _merge_styles(base: bytes, extra: list[bytes]) -> bytes:
    """Copy styles a chapter uses but the volume lacks (only for templates with their own styles)."""
    root = etree.fromstring(base)
    known = {s.get(W + "styleId") for s in root.iter(W + "style")}
    for blob in extra:
        for s in etree.fromstring(blob).iter(W + "style"):
            if s.get(W + "styleId") not in known:
                root.append(s)
                known.add(s.get(W + "styleId"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_section_type(sect: etree._Element, kind: str) -> None:
    """w:type (how the section starts) in schema order: after the header/footer references."""
    for el in sect.findall(W + "type"):
        sect.remove(el)
    el = etree.Element(W + "type")
    el.set(W + "val", kind)
    refs = [c for c in sect if c.tag in (W + "headerReference", W + "footerReference", W + "footnotePr",
                                         W + "endnotePr")]
    sect.insert(sect.index(refs[-1]) + 1 if refs else 0, el)


def cn_date(year: int) -> str:
    digits = "〇一二三四五六七八九"
    return "".join(digits[int(c)] for c in str(year)) + "年"


def title_lines(title: str, breaks: list[str]) -> list[str]:
    """The cover title cut after the first occurrence of each break word (layout 封面标题分行), so a
    long title is set as a short line over a long one (GB/T 9704: 回行时词意完整，梯形排列)."""
    lines, rest = [], title
    for word in breaks:
        at = rest.find(word)
        if at > 0 and at + len(word) < len(rest):
            lines.append(rest[:at + len(word)])
            rest = rest[at + len(word):]
    return lines + [rest]


def front_context(year: int, title: str, settings: WorkspaceSettings) -> dict[str, Any]:
    """What the volume skeleton prints on its cover and contents page: perfgen.yaml (title, 地区,
    印发单位) in the wording of the volume layout (templates/volume/layout.yaml)."""
    L = settings.volume_layout or schema_defaults()
    fields = {"印发单位": settings.issuer, "地区": settings.locality, "年度": year, "中文年份": cn_date(year)}
    return {"title": title, "title_lines": title_lines(title, list(L["封面标题分行"])),
            "cover_lines": [fill(f, **fields) for f in L["封面落款"]], "contents_title": L["目录标题"],
            "issuer": settings.issuer, "locality": settings.locality, "date": cn_date(year),
            "toc_marker": TOC_MARKER, "departments_marker": DEPTS_MARKER}


def department_heading(chapter: Chapter, year: int, settings: WorkspaceSettings) -> str:
    """The heading of a department's divider page (layout 部门标题), also its level-1 TOC entry."""
    L = settings.volume_layout or schema_defaults()
    return fill(L["部门标题"], 部门=chapter.title, 年度=year)


@dataclass
class _Sections:
    """The volume's section properties: `cover` ends the cover and contents (no footers, so no page
    numbers), `final` is the document's last (numbering from 1); with 双面打印 every department is a
    section of its own starting on an odd page: `first_chapter` (numbering from 1) and `chapter`
    (numbering continues) end departments 1 … n-1."""

    cover: etree._Element
    final: etree._Element
    first_chapter: etree._Element
    chapter: etree._Element


def _copy(el: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(el))


def _sections(final: etree._Element, duplex: bool, chapters: int) -> _Sections:
    """The skeleton's own section properties, turned into those of the volume's sections."""
    cover = _copy(final)
    for ref in cover.findall(W + "footerReference") + cover.findall(W + "headerReference"):
        cover.remove(ref)
    pgnum = final.find(W + "pgNumType")
    if pgnum is None:
        pgnum = etree.Element(W + "pgNumType")
        later = [c for c in final if c.tag in (W + "cols", W + "formProt", W + "vAlign", W + "noEndnote",
                                               W + "titlePg", W + "textDirection", W + "bidi",
                                               W + "rtlGutter", W + "docGrid", W + "printerSettings")]
        final.insert(final.index(later[0]) if later else len(final), pgnum)
    pgnum.set(W + "start", "1")
    if duplex:
        _set_section_type(final, "oddPage")
    chapter = _copy(final)
    for el in chapter.findall(W + "pgNumType"):
        chapter.remove(el)
    first_chapter = _copy(final)
    if duplex and chapters > 1:
        final.remove(pgnum)
    return _Sections(cover, final, first_chapter, chapter)


def _chapter_end(sect: etree._Element) -> bytes:
    """A paragraph (one twip tall) that ends a department's section."""
    return (f'<w:p><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="20" '
            f'w:lineRule="exact"/>{_unfragment(sect)}</w:pPr></w:p>').encode()


@dataclass
class _Chapters:
    bodies: list[bytes]
    entries: list[TocEntry]
    styles: list[str]            # templates whose styles the volume lacks
    namespaces: dict[str, str]   # namespace declarations the bodies rely on


def _chapters(chapters: list[Chapter], year: int, settings: WorkspaceSettings, sections: _Sections,
              volume_styles: str, front_only: bool = False) -> _Chapters:
    """Each department: its divider (heading, bookmark), its body with bookmarked part headings,
    and (双面打印) the end of its section; the TOC entries in order. `front_only`: the dividers
    alone, each on a page of its own (see front_matter)."""
    out = _Chapters([], [], [], {})
    bid = 1
    for k, chapter in enumerate(chapters, start=1):
        r = chapter.rendered
        if r.styles_id != volume_styles and r.styles_id not in out.styles:
            out.styles.append(r.styles_id)
        out.namespaces.update(dict(_XMLNS.findall(r.root_tag)))
        name = f"_Toc_perfgen_{k}"
        # the section break already starts a page
        keep = '<w:pageBreakBefore w:val="0"/>' if k == 1 or settings.duplex else ""
        heading = department_heading(chapter, year, settings)
        divider = (f'<w:p><w:pPr><w:pStyle w:val="PGDept"/>{keep}</w:pPr><w:bookmarkStart w:id="{bid}" '
                   f'w:name="{name}"/>{_run(heading)}<w:bookmarkEnd w:id="{bid}"/></w:p>').encode()
        bid += 1
        out.entries.append(TocEntry(1, heading, name, chapter.page))
        body, bid = _bookmark_parts(_page_break_first(r.body), k, chapter, bid, out.entries)
        if front_only:   # each divider on its own page (the PGDept style breaks the page)
            out.bodies.append(divider.replace(b'<w:pageBreakBefore w:val="0"/>', b"") if k > 1 else divider)
            continue
        end = b""
        if settings.duplex and k < len(chapters):
            end = _chapter_end(sections.first_chapter if k == 1 else sections.chapter)
        out.bodies.append(divider + body + end)
    return out


def _markers(document: str) -> tuple[re.Match[str], re.Match[str]]:
    """The skeleton's TOC and departments paragraphs, which the volume replaces."""
    markers = {}
    for m in _PARA.finditer(document):
        for marker in (TOC_MARKER, DEPTS_MARKER):
            if marker in m.group(0):
                markers[marker] = m
    if set(markers) != {TOC_MARKER, DEPTS_MARKER}:
        raise UserError("汇编模板 templates/volume/template.docx 缺少目录或正文位置标记",
                        "模板中应保留 {{ toc_marker }} 和 {{ departments_marker }} 两段。")
    return markers[TOC_MARKER], markers[DEPTS_MARKER]


def _package(zin: zipfile.ZipFile, document: bytes, styles: bytes | None) -> bytes:
    """The skeleton's package with the volume's document (and merged styles), reproducibly zipped."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = document
            elif info.filename == "word/styles.xml" and styles is not None:
                data = styles
            fixed = zipfile.ZipInfo(info.filename, FIXED_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            zout.writestr(fixed, data, compresslevel=1 if len(data) > 4_000_000 else 6)
    return out.getvalue()


def front_matter(root: Path, year: int, title: str, settings: WorkspaceSettings, chapters: list[Chapter]) -> bytes:
    """The volume without the departments' pages: cover, table of contents (the volume's, with its
    page numbers), then each department's divider on a page of its own, no page numbers. The
    volume PDF can be assembled from its PDF and the departments'."""
    return compose_volume(root, year, title, settings, chapters, front_only=True)[0]


def compose_volume(root: Path, year: int, title: str, settings: WorkspaceSettings,
                   chapters: list[Chapter], front_only: bool = False) -> tuple[bytes, list[TocEntry]]:
    """Join the chapters into one document; TOC pages come from the chapters when known. With
    双面打印 (settings.duplex) each department is a section of its own that starts on an odd page.
    The issuer is the volume's author (docProps/core.xml, so the PDF's metadata too).
    `front_only`: see front_matter."""
    path = template_path(root, VOLUME_TEMPLATE)
    from perfgen.cache import CACHE_DIR
    skeleton = compiled(path, f"volume（{path}）", root / CACHE_DIR)
    rendered = skeleton.render(front_context(year, title, settings), title, year, author=settings.issuer)
    zin = zipfile.ZipFile(io.BytesIO(rendered.docx))
    document = zin.read("word/document.xml").decode("utf-8")
    _markers(document)

    sect_at = document.rindex("<w:sectPr")
    decls = "".join(f' xmlns:{p}="{u}"' for p, u in _XMLNS.findall(root_tag(document)))
    sections = _sections(_fragment(document[sect_at:document.rindex("</w:sectPr>") + len("</w:sectPr>")], decls),
                         settings.duplex, len(chapters))
    if front_only:   # the assembled volume's numbers are stamped on
        final_el = sections.final
        for el in final_el.findall(W + "footerReference") + final_el.findall(W + "headerReference") + \
                final_el.findall(W + "type"):
            final_el.remove(el)
    parts = _chapters(chapters, year, settings, sections, rendered.styles_id, front_only)
    entries = parts.entries
    toc = toc_xml(entries, dirty=any(e.page is None for e in entries), last_ppr_extra=_unfragment(sections.cover))
    # namespace declarations the chapters rely on but the skeleton lacks
    tag = root_tag(document)
    have = dict(_XMLNS.findall(tag))
    missing = "".join(f' xmlns:{p}="{u}"' for p, u in parts.namespaces.items() if p not in have)
    if missing:
        document = document.replace(tag, tag[:-1] + missing + ">", 1)
    toc_m, depts_m = _markers(document)
    sect_at = document.rindex("<w:sectPr")
    final = _unfragment(sections.final)
    # Each chapter body was checked when its own document was rendered; what we add here (TOC,
    # dividers, bookmarks, section properties) is checked on its own instead of re-parsing ~30 MB.
    etree.fromstring(f"<root{decls}>{toc}{final}</root>".encode())
    document_bytes = b"".join([
        document[:toc_m.start()].encode("utf-8"), toc.encode("utf-8"),
        document[toc_m.end():depts_m.start()].encode("utf-8"), *parts.bodies,
        document[depts_m.end():sect_at].encode("utf-8"), final.encode("utf-8"),
        document[document.rindex("</w:sectPr>") + len("</w:sectPr>"):].encode("utf-8")])
    styles = None
    if parts.styles:
        styles = _merge_styles(zin.read("word/styles.xml"), [compiled(Path(p), p).styles for p in parts.styles])
    return _package(zin, document_bytes, styles), entries
