"""Reading forms and indicator tables out of a grid of cells, whatever their merges.

Both Word tables (docx_reader.Table) and spreadsheets (xlsx.py builds the same Table) are read
here: a label cell's value is the next cell to its right; the indicator header row is found by its
column labels; each indicator row reads its columns by grid position, so a vertically merged 一级
cell or a gridSpan'd 三级 cell is read the same as a plain one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from perfgen.importer.docx_reader import Cell, Table
from perfgen.importer.labels import label_of
from perfgen.importer.normalize import key

# The header must name at least these columns to count as an indicator table.
REQUIRED_COLUMNS = ("二级指标", "三级指标", "指标值")


def labels_in_row(table: Table, r: int, group: str = "表格标签") -> list[tuple[str, Cell]]:
    return [(lab, c) for c in table.rows[r] if not c.continued and (lab := label_of(c.text, group))]


def value_of(table: Table, cell: Cell, group: str = "表格标签") -> Cell | None:
    """The value cell of a label: the next cell to the right that is not itself a label."""
    c = table.right_of(cell)
    while c is not None and label_of(c.text, group) and key(c.text):
        c = table.right_of(c)
    return c


@dataclass
class Header:
    row: int                            # 0-based row of the header in the table
    columns: dict[str, int] = field(default_factory=dict)   # field → first grid column

    def has(self, name: str) -> bool:
        return name in self.columns


def find_header(table: Table, start: int = 0) -> Header | None:
    """The first row from `start` that labels the indicator columns."""
    for r in range(start, len(table.rows)):
        cols: dict[str, int] = {}
        for c in table.rows[r]:
            if c.continued:
                continue
            lab = label_of(c.text, "指标表头")
            if lab and lab not in cols:
                cols[lab] = c.col
        if all(name in cols for name in REQUIRED_COLUMNS):
            return Header(r, cols)
    return None


@dataclass
class RawRow:
    """One table row below the header: each column's text and whether its cell continues a merge."""

    row: int
    texts: dict[str, str]
    continued: dict[str, bool]
    spans_all: bool                     # a single cell spans the whole row (a note, not an indicator)

    def text(self, name: str) -> str:
        return self.texts.get(name, "")


def indicator_rows(table: Table, header: Header, only: set[int] | None = None) -> list[RawRow]:
    """The rows below the header (only those in `only`, when given: a sheet read project by project
    must not rebuild every row for every project)."""
    rows = []
    width = table.width
    wanted = range(header.row + 1, len(table.rows)) if only is None else sorted(r for r in only if r > header.row)
    for r in wanted:
        texts: dict[str, str] = {}
        continued: dict[str, bool] = {}
        for name, col in header.columns.items():
            c = table.at(r, col)
            if c is None:
                continue
            # a cell reaching over into the next column's position belongs to the first column only
            texts[name] = c.text if c.col == col or c.continued else ""
            continued[name] = c.continued
        cells = [c for c in table.rows[r] if key(c.text)]
        spans_all = len(table.rows[r]) == 1 or (len(cells) == 1 and cells[0].span >= width - 1 and width > 2)
        rows.append(RawRow(r, texts, continued, spans_all))
    return rows


def is_header_again(raw: RawRow) -> bool:
    """A repeated header row (tables split over pages are sometimes typed with it twice)."""
    return all(label_of(raw.text(n), "指标表头") == n for n in REQUIRED_COLUMNS)
