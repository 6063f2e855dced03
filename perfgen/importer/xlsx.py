"""Excel sheets exported by budget systems: one row per indicator, the header row found by its labels.

Each sheet becomes the same grid the Word reader builds (merged ranges as spans and continued
cells), so the indicator columns are read by the same code. A sheet either names its project in
every row (项目名称 / 项目编码 columns, often merged down) or once above the header (项目名称 |
…), or, failing both, by the sheet's own name. Numbers typed as numbers come back as text the way
Excel shows them (0.9 formatted as a percentage → 90%).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfgen.errors import UserError
from perfgen.importer.docx_reader import Cell, Table
from perfgen.importer.forms import UNIT_RE, amount, leftovers, read_indicators, read_labels, unit_info
from perfgen.importer.normalize import lines, one_line, wide_to_ascii
from perfgen.importer.report import Reporter, Where
from perfgen.importer.result import ImportedDocument, ImportedProject
from perfgen.importer.tables import Header, find_header


def _text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)):
        d = Decimal(str(value))
        if "%" in (cell.number_format or ""):
            d *= 100
            return format(d.normalize(), "f") + "%"
        return format(d.normalize(), "f") if d != d.to_integral_value() else str(int(d))
    return str(value)


def read_sheets(path: Path) -> list[tuple[str, Table]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UserError(f"无法读取 Excel 文件“{path.name}”：{exc}", "在 Excel/WPS 中打开并另存为 .xlsx，再导入。") from None
    sheets = []
    for index, ws in enumerate(wb.worksheets, start=1):
        owner: dict[tuple[int, int], Any] = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    owner[(r, c)] = rng
        table = Table(index)
        texts: dict[tuple[int, int], str] = {}
        for r in range(1, (ws.max_row or 0) + 1):
            row: list[Cell] = []
            c = 1
            while c <= (ws.max_column or 0):
                rng = owner.get((r, c))
                if rng is None:
                    text = _text(ws.cell(r, c))
                    row.append(Cell(r - 1, c - 1, 1, text))
                    c += 1
                    continue
                span = rng.max_col - rng.min_col + 1
                if (r, c) == (rng.min_row, rng.min_col):
                    text = _text(ws.cell(r, c))
                    texts[(rng.min_row, rng.min_col)] = text
                    row.append(Cell(r - 1, c - 1, span, text))
                else:
                    row.append(Cell(r - 1, c - 1, span, texts.get((rng.min_row, rng.min_col), ""), continued=True))
                c = rng.max_col + 1
            table.rows.append(row)
        sheets.append((ws.title, table))
    return sheets


def _project_groups(table: Table, header: Header) -> list[tuple[str, str, set[int]]]:
    """Rows grouped by the project they name: (name, code, rows); blank cells continue the one above."""
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
    return groups


def read(path: Path, rep: Reporter) -> ImportedDocument:
    out = ImportedDocument(template="", kind="xlsx")
    found_any = False
    for sheet, table in read_sheets(path):
        header = find_header(table)
        if header is None:
            if any(one_line(c.text) for r in table.rows for c in r):
                rep.note(Where(sheet=sheet), "这个工作表中没有找到指标表头（一级指标、二级指标、三级指标、指标值…），未导入")
            continue
        found_any = True
        out.labels_seen.extend(one_line(c.text) for c in table.rows[header.row] if not c.continued)
        form = read_labels(table, range(header.row))
        unit = "元"
        for r in range(header.row):
            for c in table.rows[r]:
                m = UNIT_RE.search(one_line(c.text))
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
        if "项目名称" in header.columns or "项目编码" in header.columns:
            for name, code, rows in _project_groups(table, header):
                p = ImportedProject(name=name or code, where=Where(sheet=sheet, row=min(rows) + 1),
                                    source=f"工作表“{sheet}”", code=wide_to_ascii(code).replace(" ", "") or None)
                if "预算数" in header.columns:
                    cell = table.at(min(rows), header.columns["预算数"])
                    if cell is not None:
                        p.total = amount(cell.text, unit, Where(sheet=sheet, row=min(rows) + 1), "预算数", rep)
                p.indicators = read_indicators(table, header, rep, sheet=sheet, only_rows=rows)
                out.projects.append(p)
            continue
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
        out.projects.append(p)
    if not found_any:
        raise UserError(f"“{path.name}”中没有可识别的指标表",
                        "需要一个表头行写明“二级指标”“三级指标”“指标值”等列名（可在任意一行），每个指标一行。")
    for p in out.projects:
        if p.total is None:
            rep.add(p.where, f"项目“{p.name}”没有预算数，记为 0", "在 YAML 的“预算 › 预算数”中填写金额（元）。", severity="error")
            p.total = Decimal(0)
        if p.fiscal is None and p.other is None:
            p.fiscal, p.other = p.total, Decimal(0)
        elif p.fiscal is None:
            p.fiscal = p.total - (p.other or Decimal(0))
        elif p.other is None:
            p.other = p.total - p.fiscal
    return out
