"""PDFs put together from pages LibreOffice laid out once (pypdf): page numbers stamped, the
volume assembled from its departments, bookmarks and metadata.

Why: converting every department and then the volume again lays out each page twice; a county
volume is thousands of pages. Instead each department is converted once *without* its header and
footer text (`bare`: the paragraphs stay, so the body lays out exactly as in the .docx), and the
page numbers are stamped onto its pages from a "number sheet": a document with the same page setup,
styles and footers but empty pages, numbered from a given page (`number_sheet`), converted by
LibreOffice too, so the footers are LibreOffice's own. The same department pages then serve twice:
numbered 1… in the department's PDF and numbered on through the volume in volume.pdf. Sheets hold
SHEET_PAGES pages each, start on odd pages (odd/even footers stay on their side) and depend only on
the template, so they are converted once and cached.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

SHEET_PAGES = 512  # pages per number sheet; 512 is even, so every sheet starts on an odd page

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SECT = re.compile(rb"<w:sectPr[\s>].*?</w:sectPr>", re.DOTALL)
_HEADER_FOOTER = re.compile(r"word/(header|footer)\d*\.xml$")
_RUN = re.compile(rb"<w:r(?:\s[^>]*)?>(.*?)</w:r>", re.DOTALL)
_RPR = re.compile(rb"<w:rPr(?:\s[^>]*)?>.*?</w:rPr>|<w:rPr/>", re.DOTALL)
_PGNUM = re.compile(rb"<w:pgNumType[^>]*/>|<w:pgNumType[^>]*>.*?</w:pgNumType>", re.DOTALL)
_TYPE = re.compile(rb"<w:type\s[^>]*/>")
_PGSZ = re.compile(rb"<w:pgSz\s[^>]*/>")
# sectPr children that come after w:pgNumType in schema order
_AFTER_PGNUM = re.compile(rb"<w:(?:cols|formProt|vAlign|noEndnote|titlePg|textDirection|bidi|rtlGutter|docGrid|"
                          rb"printerSettings|sectPrChange)[\s/>]")


def _parts(docx: bytes) -> tuple[zipfile.ZipFile, bytes]:
    z = zipfile.ZipFile(io.BytesIO(docx))
    return z, z.read("word/document.xml")


def page_setup(docx: bytes) -> bytes | None:
    """The page size of a one-section document, or None when it has several sections (their
    pages cannot all be numbered from one sheet: such a document is converted as it is)."""
    _, document = _parts(docx)
    sections = _SECT.findall(document)
    if len(sections) != 1:
        return None
    m = _PGSZ.search(sections[0])
    return m.group(0) if m else b""


def final_page_size(docx: bytes) -> bytes:
    """The page size of the document's last section (the volume's departments are set in it)."""
    _, document = _parts(docx)
    m = _PGSZ.search(_SECT.findall(document)[-1])
    return m.group(0) if m else b""


def _rezip(z: zipfile.ZipFile, replace: Callable[[str, bytes], bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in z.infolist():
            data = replace(info.filename, z.read(info.filename))
            if data is not None:
                fixed = zipfile.ZipInfo(info.filename, info.date_time)
                fixed.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(fixed, data, compresslevel=1)
    return out.getvalue()


def bare(docx: bytes) -> bytes:
    """The document with empty headers and footers: each run keeps only its properties, so the
    header and footer paragraphs keep their height and the body lays out as in the original."""
    z, _ = _parts(docx)

    def strip(name: str, data: bytes) -> bytes:
        if not _HEADER_FOOTER.match(name):
            return data
        return _RUN.sub(lambda m: b"<w:r>" + b"".join(_RPR.findall(m.group(1))) + b"</w:r>", data)
    return _rezip(z, strip)


def number_sheet(docx: bytes, start: int, pages: int = SHEET_PAGES) -> bytes:
    """Empty pages numbered start … start+pages-1 with the document's page setup, styles, headers
    and footers. From the second sheet on, one page more comes first (and is dropped when used):
    a first page of a section may have a footer of its own (w:titlePg)."""
    z, document = _parts(docx)
    lead = 1 if start > 1 else 0
    sect = _sheet_section(document)
    number = f'<w:pgNumType w:start="{start - lead}"/>'.encode()
    m = _AFTER_PGNUM.search(sect)
    at = m.start() if m else sect.rindex(b"</w:sectPr>")
    sect = sect[:at] + number + sect[at:]
    head = document[:document.index(b"<w:body>") + len(b"<w:body>")]
    body = b"<w:p/>" + b"<w:p><w:pPr><w:pageBreakBefore/></w:pPr></w:p>" * (pages + lead - 1)
    sheet = head + body + sect + b"</w:body></w:document>"
    # docProps (title, dates) do not show on the pages: leaving them out makes one sheet per template
    return _rezip(z, lambda name, data: sheet if name == "word/document.xml" else
                  None if name.startswith("docProps/") else data)


def design(docx: bytes) -> tuple[object, ...]:
    """What a number sheet of the document depends on, cheaply (the other parts by their CRC):
    documents with equal designs share their sheets."""
    z, document = _parts(docx)
    parts = tuple((i.filename, i.CRC, i.file_size) for i in z.infolist()
                  if i.filename != "word/document.xml" and not i.filename.startswith("docProps/"))
    return parts, document[:document.find(b"<w:body>")], _sheet_section(document)


def _sheet_section(document: bytes) -> bytes:
    """The last section as a number sheet takes it: its start type and numbering are the sheet's own."""
    return _TYPE.sub(b"", _PGNUM.sub(b"", _SECT.findall(document)[-1]))


def estimated_pages(docx: bytes) -> int:
    """A guess of the document's page count from its size, a little high (county documents have
    10.6 kB of XML a page), to convert the number sheets it will need together with it; a sheet
    the guess missed is converted later, one more LibreOffice run."""
    size = zipfile.ZipFile(io.BytesIO(docx)).getinfo("word/document.xml").file_size
    return size // 9000 + 1


def sheet_start(page: int) -> int:
    """The first page of the sheet that holds `page`."""
    return (page - 1) // SHEET_PAGES * SHEET_PAGES + 1


def divider_pages(counts: list[int], duplex: bool) -> list[int]:
    """The volume page of each department's first page (its divider), when the departments have
    `counts` pages and each follows its divider; with `duplex` each divider is on an odd page
    (a blank page before it when needed). One source for the TOC and for the assembly."""
    pages = []
    page = 1
    for n in counts:
        pages.append(page)
        page += 1 + n
        if duplex and page % 2 == 0:
            page += 1
    return pages


# -- stamping and assembling (pypdf) --------------------------------------------------------------

Sheets = Callable[[int], Any]
"""The number sheet (a pypdf PdfReader) whose pages start at the given page; readers are shared
by all writers of a build, so that each sheet is parsed once."""


class _Stamps:
    """Pages of number sheets as Form XObjects of one writer, made when first used."""

    def __init__(self, writer: Any, sheets: Sheets):
        self.writer = writer
        self.sheets = sheets
        self.forms: dict[int, Any] = {}

    def form(self, page: int) -> Any:
        if page not in self.forms:
            from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject
            start = sheet_start(page)
            reader = self.sheets(start)
            src = reader.pages[page - start + (1 if start > 1 else 0)]
            form = DecodedStreamObject()
            contents = src.get_contents()
            form.set_data(contents.get_data() if contents is not None else b"")
            form[NameObject("/Type")] = NameObject("/XObject")
            form[NameObject("/Subtype")] = NameObject("/Form")
            form[NameObject("/BBox")] = ArrayObject(src.mediabox)
            if "/Resources" in src:
                form[NameObject("/Resources")] = src["/Resources"].clone(self.writer)
            self.forms[page] = self.writer._add_object(form)
        return self.forms[page]


def _stream(writer: Any, data: bytes) -> Any:
    from pypdf.generic import DecodedStreamObject
    s = DecodedStreamObject()
    s.set_data(data)
    return writer._add_object(s)


class _Writer:
    """A pypdf writer that copies pages and stamps a number sheet's page over them."""

    def __init__(self, sheets: Sheets | None):
        from pypdf import PdfWriter
        self.pdf = PdfWriter()
        self.stamps = _Stamps(self.pdf, sheets) if sheets is not None else None
        self.save = _stream(self.pdf, b"q\n")
        self.restore = _stream(self.pdf, b"\nQ\n")
        self.draw = _stream(self.pdf, b"q /PGnumber Do Q\n")   # one object for every page: each names its own form

    def add(self, page: Any, number: int | None) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject
        new = self.pdf.add_page(page)
        if number is None or self.stamps is None:
            return
        form = self.stamps.form(number)
        resources = DictionaryObject(new.get("/Resources", DictionaryObject()).get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject("/PGnumber")] = form
        resources[NameObject("/XObject")] = xobjects
        new[NameObject("/Resources")] = resources
        old = new.get("/Contents")
        old_list = list(old.get_object()) if old is not None and isinstance(old.get_object(), ArrayObject) else \
            ([old] if old is not None else [])
        # the page's own drawing is isolated (q … Q) so the stamp is placed in the page's coordinates
        new[NameObject("/Contents")] = ArrayObject([self.save, *old_list, self.restore, self.draw])

    def blank(self, like: Any) -> None:
        box = like.mediabox
        self.pdf.add_blank_page(width=box.width, height=box.height)

    def write(self, target: Path, metadata: dict[str, str]) -> None:
        self.pdf.add_metadata({"/Producer": "perfgen (pypdf)", **metadata})
        with open(target, "wb") as fh:
            self.pdf.write(fh)


def metadata(title: str, author: str) -> dict[str, str]:
    return {"/Title": title, "/Author": author, "/Creator": "perfgen"}


def core_metadata(docx: bytes) -> dict[str, str]:
    """Title and author of a .docx (docProps/core.xml), as the PDF's metadata."""
    z = zipfile.ZipFile(io.BytesIO(docx))
    try:
        root = etree.fromstring(z.read("docProps/core.xml"))
    except (KeyError, etree.XMLSyntaxError):
        return {"/Creator": "perfgen"}
    dc = "{http://purl.org/dc/elements/1.1/}"
    return metadata(root.findtext(dc + "title") or "", root.findtext(dc + "creator") or "")


Open = Callable[[Path], Any]
"""A pypdf PdfReader of a file: a build shares one per file, so that a department's pages parsed
for its own PDF need not be parsed again for the volume."""


def _open(pdf: Path) -> Any:
    from pypdf import PdfReader
    return PdfReader(pdf)


def stamp_document(body: Path, sheets: Sheets, target: Path, meta: dict[str, str], open_pdf: Open = _open) -> int:
    """A department's PDF: its bare pages numbered 1…; returns the page count."""
    reader = open_pdf(body)
    out = _Writer(sheets)
    for i, page in enumerate(reader.pages, 1):
        out.add(page, i)
    out.write(target, meta)
    return len(reader.pages)


@dataclass
class Department:
    """One department of the volume: its bare pages and its bookmarks."""

    title: str
    pdf: Path
    parts: list[tuple[str, int | None]] = field(default_factory=list)  # part name, page in the department


@dataclass
class Assembled:
    pages: int
    outline: list[tuple[str, int, list[tuple[str, int]]]]  # title, 0-based page index, its parts


def assemble_volume(target: Path, dividers: Path, first_divider: int, departments: list[Department],
                    sheets: Sheets, duplex: bool, meta: dict[str, str],
                    front: Callable[[], tuple[Path, int]], open_pdf: Open = _open) -> Assembled:
    """volume.pdf: the front matter, then each department's divider (page `first_divider` + k of
    `dividers`, one each) and its pages, numbered on from 1; with `duplex` page 1 and every divider
    fall on a right-hand page. Bookmarks for each department and part.

    `front` gives the PDF whose first pages are the cover and contents, and how many: it is called
    once the departments are in place, so LibreOffice may still be converting it meanwhile."""
    from pypdf import PdfReader
    divider_reader = PdfReader(dividers)
    out = _Writer(sheets)
    like = divider_reader.pages[0]
    readers = [open_pdf(d.pdf) for d in departments]
    starts = divider_pages([len(r.pages) for r in readers], duplex)
    outline: list[tuple[str, int, list[tuple[str, int]]]] = []   # indices from volume page 1
    page = 1
    for k, (dept, reader, start) in enumerate(zip(departments, readers, starts)):
        while page < start:   # blank left-hand pages before a department (duplex)
            out.blank(like)
            page += 1
        out.add(divider_reader.pages[first_divider + k], page)
        outline.append((dept.title, start - 1, [(name, start - 1 + n) for name, n in dept.parts if n is not None]))
        page += 1
        for p in reader.pages:
            out.add(p, page)
            page += 1
    front_pdf, front_pages = front()
    front_reader = PdfReader(front_pdf)
    for i, front_page in enumerate(front_reader.pages[:front_pages]):
        out.pdf.insert_page(front_page, i)
    offset = front_pages
    if duplex and front_pages % 2 == 1:   # numbered pages start on a right-hand page
        out.pdf.insert_blank_page(like.mediabox.width, like.mediabox.height, front_pages)
        offset += 1
    shifted = [(t, i + offset, [(n, j + offset) for n, j in parts]) for t, i, parts in outline]
    for title, index, parts in shifted:
        parent = out.pdf.add_outline_item(title=title, page_number=index)
        for name, at in parts:
            out.pdf.add_outline_item(title=name, page_number=at, parent=parent)
    out.pdf.page_mode = "/UseOutlines"
    out.write(target, meta)
    return Assembled(len(out.pdf.pages), shifted)
