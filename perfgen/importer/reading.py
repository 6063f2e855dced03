"""State shared while reading the parts of one Word document, and small helpers they all use."""
from __future__ import annotations

from typing import Any

from perfgen.importer.docx_reader import Document, Paragraph, Table
from perfgen.importer.normalize import one_line
from perfgen.importer.report import Reporter, Where
from perfgen.importer.result import ImportedDocument


class PartReader:
    """The document, its layout settings, the import year, the report and what has been read so far."""

    def __init__(self, doc: Document, layout: dict[str, Any], year: int, rep: Reporter,
                 out: ImportedDocument | None = None, found: dict[str, Any] | None = None):
        self.doc = doc
        self.L = layout
        self.year = year
        self.rep = rep
        self.out = out if out is not None else ImportedDocument(template="")
        self.found: dict[str, Any] = found if found is not None else {}   # 版式 settings as the document shows them

    def skip(self, blocks: list[Paragraph | Table], why: str) -> None:
        """Report blocks that have no place in the YAML."""
        for b in blocks:
            if isinstance(b, Paragraph):
                text = one_line(b.text)
                if text:
                    self.rep.unplaced(Where(paragraph=b.index), text, why)
            else:
                self.rep.unplaced(Where(table=b.index), table_text(b), why)


def table_text(table: Table) -> str:
    seen = []
    for r in table.rows:
        for c in r:
            t = one_line(c.text)
            if t and not c.continued and t not in seen:
                seen.append(t)
    return " | ".join(seen)
