"""Excel sheets exported by budget systems: one row per indicator, the header row found by its labels.

Each sheet becomes the same grid the Word reader builds (merged ranges as spans and continued
cells), so the indicator columns are read by the same code. A sheet either names its project in
every row (项目名称 / 项目编码 columns, often merged down) or once above the header (项目名称 |
…), or, failing both, by the sheet's own name. Numbers typed as numbers come back as text the way
Excel shows them (0.9 formatted as a percentage → 90%).
"""
from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfgen.errors import UserError
from perfgen.importer.docx_reader import Cell, Table
from perfgen.importer.forms import FormCells, amount, leftovers, read_indicators, read_labels, unit_info
from perfgen.importer.labels import pattern
from perfgen.importer.limits import MAX_COLUMNS, MAX_ROWS, REPAIR, open_package
from perfgen.importer.normalize import key, lines, one_line, wide_to_ascii
from perfgen.importer.report import Reporter, Where
from perfgen.importer.result import ImportedDocument, ImportedProject
from perfgen.importer.tables import Header, find_header


def _text(cell: Any, where: Where, rep: Reporter) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)):
        d = Decimal(str(value))
        if not d.is_finite():  # 1e309 reads as infinity, NaN as NaN
            rep.add(where, f"单元格 {cell.coordinate} 的数字超出范围或不是数字，未导入",
                    "在 Excel 中把它改成正常的数字或文字后再导入。", severity="error")
            return ""
        if "%" in (cell.number_format or ""):
            d *= 100
            return format(d.normalize(), "f") + "%"
        return format(d.normalize(), "f") if d != d.to_integral_value() else str(int(d))
    return str(value)


_OPENPYXL_FAILS = (KeyError, OSError, ValueError, TypeError, AttributeError, IndexError, SyntaxError, EOFError,
                   RuntimeError, NotImplementedError, zlib.error, zipfile.BadZipFile, ArithmeticError)


def read_sheets(path: Path, rep: Reporter) -> list[tuple[str, Table]]:
    """Every worksheet as a grid, read in openpyxl's streaming mode up to the form limits."""
    import openpyxl

    with open_package(path.name, path):
        pass  # encryption, compression and declared sizes are checked before openpyxl opens it
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _OPENPYXL_FAILS:
        raise UserError(f"无法读取 Excel 文件“{path.name}”：文件已损坏或不是标准的 .xlsx", REPAIR) from None
    try:
        return [(ws.title, _sheet(wb, ws, index, path.name, rep)) for index, ws in enumerate(wb.worksheets, start=1)]
    finally:
        wb.close()


def _sheet(wb: Any, ws: Any, index: int, name: str, rep: Reporter) -> Table:
    values = _cells(wb, ws, name, rep)
    nrows = max((r for r, _ in values), default=0)
    ncols = max((c for _, c in values), default=0)
    merges = _merges(wb, ws, name, nrows, ncols)
    table = Table(index)
    for r in range(1, nrows + 1):
        table.rows.append(_row(r, ncols, values, merges.get(r, [])))
    return table


def _cells(wb: Any, ws: Any, name: str, rep: Reporter) -> dict[tuple[int, int], str]:
    """(row, column) → text of every non-empty cell within MAX_ROWS × MAX_COLUMNS (1-based).

    Uses openpyxl's own streaming parser (as its read-only worksheets do) so that only the cells
    the sheet really has are visited: one cell at XFD1048576 costs one cell, not the whole grid."""
    from openpyxl.cell.read_only import ReadOnlyCell

    out: dict[tuple[int, int], str] = {}
    far_rows = far_cols = 0
    row_no = 0
    try:
        with ws._get_source() as src:
            parser = _parser_class()(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            for row_no, row in parser.parse():
                if row_no > MAX_ROWS:
                    far_rows = row_no
                    break
                for cell in row:
                    if cell["value"] is None:
                        continue
                    if not 1 <= cell["column"] <= MAX_COLUMNS or row_no < 1:
                        far_cols = max(far_cols, cell["column"])
                        continue
                    text = _text(ReadOnlyCell(ws, **cell), Where(sheet=ws.title, row=row_no), rep)
                    if text:
                        out[(row_no, cell["column"])] = text
    except _OPENPYXL_FAILS:
        raise UserError(f"无法读取 Excel 文件“{name}”的工作表“{ws.title}”：第 {row_no + 1} 行附近的数据已损坏"
                        "（例如数字格式的单元格里是文字，或 XML 不完整）", REPAIR) from None
    for coordinate, raw, r in getattr(parser, "bad", []):
        rep.add(Where(sheet=ws.title, row=r), f"单元格 {coordinate} 标为数字，内容“{raw[:40]}”却不是数字，未导入",
                "在 Excel 中把它改成正常的数字或文字后再导入。", severity="error")
    if far_rows:
        rep.add(Where(sheet=ws.title, row=far_rows), f"工作表第 {MAX_ROWS} 行以后的内容未导入"
                f"（绩效目标表最多读取 {MAX_ROWS} 行）", "把表格拆成几个工作表或几个文件分别导入。", severity="error")
    if far_cols:
        rep.add(Where(sheet=ws.title), f"工作表第 {MAX_COLUMNS} 列以后的内容未导入（绩效目标表最多读取 {MAX_COLUMNS} 列）",
                "删去多余的列后再导入。", severity="error")
    return out


def _parser_class() -> Any:
    """openpyxl's streaming sheet parser, except that a cell whose value does not parse (“abc” or
    “NaN” in a number cell) is read as empty and remembered, instead of failing the whole sheet."""
    from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        bad: list[tuple[str, str, int]]

        def parse_cell(self, element: Any) -> Any:
            try:
                return super().parse_cell(element)
            except (ValueError, OverflowError, TypeError, IndexError, KeyError):
                v = element.find(VALUE_TAG)
                raw = (v.text or "") if v is not None else ""
                if v is not None:
                    v.text = None
                self.__dict__.setdefault("bad", []).append((element.get("r") or "?", raw, self.row_counter))
                return super().parse_cell(element)
    return Parser


def _merges(wb: Any, ws: Any, name: str, nrows: int, ncols: int) -> dict[int, list[tuple[int, int, int, int]]]:
    """Row → merged ranges (min_col, min_row, max_col, max_row) crossing it, clipped to the used grid."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    tag = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"
    by_row: dict[int, list[tuple[int, int, int, int]]] = {}
    try:
        with ws._get_source() as src:
            for _, el in etree.iterparse(src, tag=tag, resolve_entities=False, no_network=True):
                ref = el.get("ref") or ""
                el.clear()
                try:
                    c1, r1, c2, r2 = range_boundaries(ref)
                except (ValueError, TypeError):
                    continue  # a range Excel itself would drop
                if None in (c1, r1, c2, r2) or r1 > nrows or c1 > ncols:
                    continue
                clipped = (c1, r1, min(c2, ncols), min(r2, nrows))
                for r in range(r1, clipped[3] + 1):
                    by_row.setdefault(r, []).append(clipped)
    except (etree.XMLSyntaxError, *_OPENPYXL_FAILS):
        raise UserError(f"无法读取 Excel 文件“{name}”的工作表“{ws.title}”：XML 已损坏", REPAIR) from None
    for ranges in by_row.values():
        ranges.sort()
    return by_row


def _row(r: int, ncols: int, values: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]]) -> list[Cell]:
    """One grid row: a merged range is one cell (continued below its first row), others one column each."""
    row: list[Cell] = []
    i = 0
    c = 1
    while c <= ncols:
        while i < len(merges) and merges[i][2] < c:
            i += 1
        rng = merges[i] if i < len(merges) and merges[i][0] <= c else None
        if rng is None:
            row.append(Cell(r - 1, c - 1, 1, values.get((r, c), "")))
            c += 1
            continue
        c1, r1, c2, _ = rng
        text = values.get((r1, c1), "")
        row.append(Cell(r - 1, c - 1, c2 - c + 1, text, continued=r != r1))
        c = c2 + 1
    return row


def _project_groups(table: Table, header: Header, orphans: list[int]) -> list[tuple[str, str, set[int]]]:
    """Rows grouped by the project they name: (name, code, rows); blank cells continue the one above.
    Rows with content before the first row that names a project are appended to `orphans`."""
    groups: list[tuple[str, str, set[int]]] = []
    name = code = ""
    for r in range(header.row + 1, len(table.rows)):
        n_cell = table.at(r, header.columns["项目名称"]) if "项目名称" in header.columns else None
        c_cell = table.at(r, header.columns["项目编码"]) if "项目编码" in header.columns else None
        n = one_line(n_cell.text) if n_cell else ""
        c = one_line(c_cell.text) if c_cell else ""
        if (n and n != name) or (c and c != code):
            name, code = n or name, c or code
            groups.append((name, code, set()))
        if groups:
            groups[-1][2].add(r)
        elif any(key(c.text) for c in table.rows[r]):
            orphans.append(r)
    return groups


def read(path: Path, rep: Reporter) -> ImportedDocument:
    """Every sheet with an indicator header: one project per sheet, or one per project named in a column."""
    out = ImportedDocument(template="", kind="xlsx")
    found_any = False
    for sheet, table in read_sheets(path, rep):
        header = find_header(table)
        if header is None:
            if any(one_line(c.text) for r in table.rows for c in r):
                rep.note(Where(sheet=sheet), "这个工作表中没有找到指标表头（一级指标、二级指标、三级指标、指标值…），未导入")
            continue
        found_any = True
        out.labels_seen.extend(one_line(c.text) for c in table.rows[header.row] if not c.continued)
        form, unit = _sheet_head(table, header, sheet, out, rep)
        if "项目名称" in header.columns or "项目编码" in header.columns:
            out.projects.extend(_projects_by_column(table, header, sheet, unit, rep))
        else:
            out.projects.append(_sheet_project(table, header, form, sheet, unit, rep))
    if not found_any:
        raise UserError(f"“{path.name}”中没有可识别的指标表",
                        "需要一个表头行写明“二级指标”“三级指标”“指标值”等列名（可在任意一行），每个指标一行。")
    for p in out.projects:
        _complete_amounts(p, rep)
    return out


def _sheet_head(table: Table, header: Header, sheet: str, out: ImportedDocument,
                rep: Reporter) -> tuple[FormCells, str]:
    """The labelled cells above the header: the amount unit, the unit's name and code."""
    form = read_labels(table, range(header.row))
    unit = "元"
    for r in range(header.row):
        for c in table.rows[r]:
            m = pattern("金额单位").search(one_line(c.text))
            if m:
                unit = m.group(1)
                form.use(c)
    cell = form.first("单位名称")
    if cell is not None and one_line(cell.text) and "单位名称" not in out.dept:
        out.dept.update(unit_info(one_line(cell.text)))
    cell = form.first("单位编码")
    if cell is not None and one_line(cell.text):
        out.dept["单位编码"] = wide_to_ascii(one_line(cell.text)).replace(" ", "")
    for label in ("项目名称", "项目编码", "预算数", "财政资金", "其他资金", "资金用途", "绩效目标", "单位名称",
                  "单位编码"):
        form.use(form.first(label))
    for c in leftovers(table, range(header.row), form):
        rep.unplaced(Where(sheet=sheet, row=c.row + 1), one_line(c.text), "表头之上的这一格无对应字段")
    return form, unit


def _projects_by_column(table: Table, header: Header, sheet: str, unit: str, rep: Reporter) -> list[ImportedProject]:
    """A sheet whose rows name their project (项目名称 / 项目编码 columns): one project per group of rows."""
    orphans: list[int] = []
    groups = _project_groups(table, header, orphans)
    for r in orphans:
        text = "、".join(one_line(c.text) for c in table.rows[r] if not c.continued and one_line(c.text))
        rep.add(Where(sheet=sheet, row=r + 1), f"未导入：“{text[:60]}”（这一行在第一个写明项目名称或编码的行之前，不属于任何项目）",
                "在这一行写上项目名称或项目编码后重新导入，或手工写入相应项目的 YAML。", severity="error")
    projects = []
    for name, code, rows in groups:
        p = ImportedProject(name=name or code, where=Where(sheet=sheet, row=min(rows) + 1),
                            source=f"工作表“{sheet}”", code=wide_to_ascii(code).replace(" ", "") or None)
        if "预算数" in header.columns:
            cell = table.at(min(rows), header.columns["预算数"])
            if cell is not None:
                p.total = amount(cell.text, unit, Where(sheet=sheet, row=min(rows) + 1), "预算数", rep)
        p.indicators = read_indicators(table, header, rep, sheet=sheet, only_rows=rows)
        projects.append(p)
    return projects


def _sheet_project(table: Table, header: Header, form: FormCells, sheet: str, unit: str,
                   rep: Reporter) -> ImportedProject:
    """A sheet that is one project: its fields labelled above the indicator header."""
    name_cell = form.first("项目名称")
    p = ImportedProject(name=one_line(name_cell.text) if name_cell else sheet, where=Where(sheet=sheet),
                        source=f"工作表“{sheet}”")
    if name_cell is None:
        rep.note(Where(sheet=sheet), f"工作表中没有“项目名称”，项目名称取工作表名“{sheet}”")
    code_cell = form.first("项目编码")
    if code_cell is not None and one_line(code_cell.text):
        p.code = wide_to_ascii(one_line(code_cell.text)).replace(" ", "")
    for label, attr in (("预算数", "total"), ("财政资金", "fiscal"), ("其他资金", "other")):
        cell = form.first(label)
        if cell is not None:
            setattr(p, attr, amount(cell.text, unit, Where(sheet=sheet, row=cell.row + 1), label, rep))
    for label, attr in (("资金用途", "fund_use"), ("绩效目标", "goals")):
        cell = form.first(label)
        if cell is not None:
            setattr(p, attr, lines(cell.text))
    p.indicators = read_indicators(table, header, rep, sheet=sheet)
    return p


def _complete_amounts(p: ImportedProject, rep: Reporter) -> None:
    """预算数 = 财政资金 + 其他资金: a missing one follows from the others (no 预算数: 0, an error)."""
    if p.total is None:
        rep.add(p.where, f"项目“{p.name}”没有预算数，记为 0", "在 YAML 的“预算 › 预算数”中填写金额（元）。", severity="error")
        p.total = Decimal(0)
    if p.fiscal is None and p.other is None:
        p.fiscal, p.other = p.total, Decimal(0)
    elif p.fiscal is None:
        p.fiscal = p.total - (p.other or Decimal(0))
    elif p.other is None:
        p.other = p.total - p.fiscal
