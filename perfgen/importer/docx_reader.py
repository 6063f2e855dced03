"""Reading a .docx body in order: paragraphs and tables, tables as a grid of cells.

Word stores a merged cell once: a horizontal merge is one <w:tc> with gridSpan, a vertical merge is
a "restart" cell followed by "continue" cells in the rows below. Forms are read by position, so
every table becomes a grid in which each row lists its cells with their grid column and span, and a
continued cell carries the text of the cell it continues (and says so). Text boxes, deleted text and
field codes are not content; line breaks inside a paragraph are kept as "\\n".
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from perfgen.importer.limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SMALL_MEMBER_BYTES,
    MAX_TITLE_CHARS,
    open_package,
    read_member,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Subtrees whose text is not part of the paragraph as read (text boxes repeat in Fallback).
_SKIP = {W + "txbxContent", MC + "Fallback", W + "instrText", W + "delText", W + "del", W + "tbl", W + "pPr",
         W + "rPr"}


class DocxReadError(Exception):
    """The file is a zip but not a readable Word document."""


@dataclass
class Paragraph:
    index: int          # 1-based among the body's paragraphs (not those in tables)
    text: str           # with "\n" where the paragraph has a line break
    style: str = ""     # style id, e.g. "PGHeading1" (empty when none)

    kind = "p"


@dataclass
class Cell:
    row: int            # 0-based row in the table
    col: int            # first grid column
    span: int           # number of grid columns
    text: str           # paragraphs joined with "\n"; for a continued cell, the text of its first cell
    continued: bool = False   # this grid position continues a vertical merge from the row above

    @property
    def cols(self) -> range:
        return range(self.col, self.col + self.span)


@dataclass
class Table:
    index: int                          # 1-based among the body's tables
    rows: list[list[Cell]] = field(default_factory=list)

    kind = "t"

    _width: tuple[int, int] = field(default=(-1, 0), repr=False, compare=False)

    @property
    def width(self) -> int:
        """Grid columns; remembered per row count (rows are only appended), since readers ask per row."""
        if self._width[0] != len(self.rows):
            self._width = (len(self.rows), max((c.col + c.span for r in self.rows for c in r), default=0))
        return self._width[1]

    def at(self, row: int, col: int) -> Cell | None:
        """The cell covering grid column `col` in `row`."""
        if not 0 <= row < len(self.rows):
            return None
        for c in self.rows[row]:
            if c.col <= col < c.col + c.span:
                return c
        return None

    def right_of(self, cell: Cell) -> Cell | None:
        """The next cell to the right in the same row."""
        row = self.rows[cell.row]
        i = row.index(cell)
        return row[i + 1] if i + 1 < len(row) else None


Block = Paragraph | Table


@dataclass
class Document:
    path: Path
    blocks: list[Block]
    title: str = ""     # docProps/core.xml title, if any

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def _text(node: etree._Element) -> str:
    """The text of a paragraph (or a run container), with breaks as "\\n" and tabs as spaces."""
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag == W + "tab":
                parts.append(" ")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            else:
                walk(child)

    walk(node)
    return "".join(parts)


def _cell_text(tc: etree._Element) -> str:
    """All paragraphs of a cell (nested tables flattened), one per line."""
    texts = [_text(p) for p in tc.iter(W + "p")]
    return "\n".join(texts)


def _int(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(W + "val", default))
    except ValueError:
        return default


def read_table(tbl: etree._Element, index: int) -> Table:
    table = Table(index)
    above: dict[int, Cell] = {}   # grid column → the cell that covers it in the previous row
    for r, tr in enumerate(tbl.findall(W + "tr")):
        if r >= MAX_ROWS:
            raise DocxReadError(f"表{index}超过 {MAX_ROWS} 行，超出绩效目标表能容纳的范围")
        row: list[Cell] = []
        col = max(0, _int(tr.find(f"{W}trPr/{W}gridBefore"), 0))
        for tc in tr.findall(W + "tc"):
            span = max(1, _int(tc.find(f"{W}tcPr/{W}gridSpan"), 1))
            if col + span > MAX_COLUMNS:
                raise DocxReadError(f"表{index}第{r + 1}行的单元格排到第 {col + span} 列，"
                                    f"超出表格能容纳的 {MAX_COLUMNS} 列（gridSpan/gridBefore 数值异常）")
            vm = tc.find(f"{W}tcPr/{W}vMerge")
            continued = vm is not None and vm.get(W + "val", "continue") == "continue"
            text = _cell_text(tc)
            if continued:
                origin = above.get(col)
                if origin is not None:
                    text = origin.text
                else:  # a "continue" with nothing above: treat as an ordinary cell
                    continued = False
            row.append(Cell(r, col, span, text, continued))
            col += span
        table.rows.append(row)
        above = {c: cell for cell in row for c in cell.cols}
    return table


def _body_blocks(body: etree._Element) -> list[Block]:
    blocks: list[Block] = []
    counters = {"p": 0, "t": 0}

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag == W + "p":
                counters["p"] += 1
                style = child.find(f"{W}pPr/{W}pStyle")
                blocks.append(Paragraph(counters["p"], _text(child), style.get(W + "val", "") if style is not None else ""))
            elif tag == W + "tbl":
                counters["t"] += 1
                blocks.append(read_table(child, counters["t"]))
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"):
                walk(child)

    walk(body)
    return blocks


def _core_title(zf: zipfile.ZipFile, name: str) -> str:
    xml = read_member(zf, "docProps/core.xml", name, MAX_SMALL_MEMBER_BYTES)  # oversized metadata is ignored
    if xml is None:
        return ""
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError:
        return ""
    el = root.find("{http://purl.org/dc/elements/1.1/}title")
    title = (el.text or "").strip() if el is not None else ""
    return title if len(title) <= MAX_TITLE_CHARS else ""


def _parser() -> etree.XMLParser:
    # no huge_tree: libxml2 keeps its depth (256) and text-node limits, so the recursive walks are safe
    return etree.XMLParser(resolve_entities=False, no_network=True)


def read_docx(path: Path) -> Document:
    """The body of a .docx as blocks; raises DocxReadError when it is not a Word document
    (and PackageError, a UserError, when its zip package is damaged or oversized)."""
    with open_package(path.name, path) as zf:
        xml = read_member(zf, "word/document.xml", path.name)
        if xml is None:
            raise DocxReadError("缺少 word/document.xml")
        title = _core_title(zf, path.name)
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        raise DocxReadError(f"document.xml 不是合法的 XML（第 {exc.lineno} 行附近）") from None
    body = root.find(W + "body")
    if body is None:
        raise DocxReadError("document.xml 中没有正文")
    return Document(path, _body_blocks(body), title)
