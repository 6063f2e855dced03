"""Pieces both Word layouts share: reading a project form's labelled cells and its indicator rows.

The Hebei and Ningxia readers differ in which labels their forms carry and in how an empty
indicator row is meant (Hebei: an empty row; Ningxia: a placeholder for an empty category), so
they call these helpers with their own rules.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from perfgen.importer.docx_reader import Cell, Table
from perfgen.importer.labels import words
from perfgen.importer.normalize import AmountError, key, lines, numeric, one_line, parse_amount, value_text
from perfgen.importer.report import Reporter, Where
from perfgen.importer.result import ImportedIndicator
from perfgen.importer.tables import Header, indicator_rows, is_header_again, labels_in_row, value_of


@dataclass
class FormCells:
    """The labelled cells of a form: label → (label cell, value cell), plus every cell used."""

    values: dict[str, list[tuple[Cell, Cell | None]]] = field(default_factory=dict)
    used: set[tuple[int, int]] = field(default_factory=set)

    def first(self, label: str) -> Cell | None:
        for _lab, val in self.values.get(label, []):
            if val is not None:
                return val
        return None

    def texts(self, label: str) -> list[str]:
        return [v.text for _l, v in self.values.get(label, []) if v is not None]

    def use(self, cell: Cell | None) -> None:
        if cell is not None:
            self.used.add((cell.row, cell.col))


def read_labels(table: Table, rows: range) -> FormCells:
    form = FormCells()
    for r in rows:
        for lab, cell in labels_in_row(table, r):
            val = value_of(table, cell)
            form.values.setdefault(lab, []).append((cell, val))
            form.use(cell)
    return form


def leftovers(table: Table, rows: range, form: FormCells) -> list[Cell]:
    """Cells with text that no label claimed (reported as not placed)."""
    return [c for r in rows for c in table.rows[r]
            if not c.continued and key(c.text) and (c.row, c.col) not in form.used]


def amount(text: str, unit: str, where: Where, what: str, rep: Reporter) -> Decimal | None:
    try:
        return parse_amount(text, unit)
    except AmountError:
        rep.add(where, f"{what}“{one_line(text)}”不是金额，未导入", "金额写成数字，例如 50000.00 或 5万元；导入后在 YAML 中补上。")
        return None


def compose_value(value: str, sign: str = "", unit: str = "") -> str:
    """指标值 from separate 指标性质 / 指标值 / 度量单位 columns: (≥, 90, %) → ≥90%; (定性, 及时) → 及时."""
    sign = numeric(one_line(sign))
    if sign in words("定性符号") or not re.match(r"^[≥≤<>=]*$", sign):
        sign = ""
    unit = one_line(unit)
    v = value_text(value)
    if not v:
        return ""
    if re.match(r"^\d", v):
        return value_text(sign + v + ("" if v.endswith(unit) else unit))
    return v


def read_indicators(table: Table, header: Header, rep: Reporter, *, empty_is_placeholder: Any = None,
                    sheet: str | None = None, only_rows: set[int] | None = None) -> list[ImportedIndicator]:
    """Indicator rows below `header`. Merged or blank 一级/二级 cells continue the row above.

    `empty_is_placeholder(l3, value)` says whether a row is a form's placeholder row; rows with no
    content at all that are not placeholders are reported and skipped.
    """
    out: list[ImportedIndicator] = []
    prev = ("", "")
    mapped = set(header.columns.values())
    for raw in indicator_rows(table, header, only_rows):
        where = Where(table=None if sheet else table.index, row=raw.row + 1, sheet=sheet)
        if is_header_again(raw):
            continue
        if raw.spans_all:
            text = " ".join(lines(" ".join(raw.texts.values())))
            if text:
                rep.unplaced(where, text, "指标表中跨整行的文字不是指标")
            continue
        _unmapped_cells(table, header, raw.row, mapped, where, rep)
        ind, prev = _indicator(raw, header, where, prev, rep, empty_is_placeholder)
        if ind is not None:
            out.append(ind)
    return out


def _unmapped_cells(table: Table, header: Header, row: int, mapped: set[int], where: Where, rep: Reporter) -> None:
    """Cells of an indicator row in a column no YAML field takes: reported, with their column's name."""
    for c in table.rows[row]:
        if not c.continued and one_line(c.text) and not mapped & set(c.cols):
            head = table.at(header.row, c.col) if header.row >= 0 else None
            column = f"“{one_line(head.text)}”栏" if head is not None and one_line(head.text) else "这一栏"
            rep.unplaced(where, one_line(c.text), f"{column}没有对应的 YAML 字段")


def _value(raw: Any, header: Header) -> str:
    """The row's 指标值, composed from 符号 / 度量单位 columns when the table has them."""
    if header.has("符号") or header.has("度量单位"):
        return compose_value(raw.text("指标值"), raw.text("符号"), raw.text("度量单位"))
    return value_text(raw.text("指标值"))


def _indicator(raw: Any, header: Header, where: Where, prev: tuple[str, str], rep: Reporter,
               empty_is_placeholder: Any) -> tuple[ImportedIndicator | None, tuple[str, str]]:
    """One row as an indicator (None when it is blank or has no 二级指标), and the (一级, 二级)
    the next row continues."""
    prev_l1, prev_l2 = prev
    l1 = one_line(raw.text("一级指标")) or prev_l1
    l2 = one_line(raw.text("二级指标"))
    l3 = one_line(raw.text("三级指标"))
    desc = one_line(raw.text("绩效指标描述"))
    value = _value(raw, header)
    basis = one_line(raw.text("指标值确定依据"))
    if not l2 and prev_l2 and (l3 or value or desc):
        l2 = prev_l2
        if not raw.continued.get("二级指标"):
            rep.note(where, f"二级指标栏空白，按上一行记为“{l2}”")
    placeholder = bool(empty_is_placeholder and empty_is_placeholder(l3, value))
    if not placeholder and not (l3 or value or desc or basis) and (empty_is_placeholder is None or not l2):
        if l1 or l2:
            rep.note(where, f"空白的指标行（{l2 or l1}）未导入")
        return None, (l1 or prev_l1, l2 or prev_l2)
    if not l2:
        rep.add(where, "这一行没有二级指标，未导入：" + "、".join(t for t in (l3, value) if t),
                "在 YAML 中补上这一行，并写明二级指标。")
        return None, prev
    ind = ImportedIndicator(level1=l1, level2=l2, where=where, placeholder=placeholder)
    if not placeholder:
        ind.level3 = l3
        ind.value = value
        ind.description = desc if header.has("绩效指标描述") else None
        ind.basis = basis if header.has("指标值确定依据") else None
    return ind, (l1, l2)


def most_common(values: list[Any], default: Any = None) -> Any:
    """The most frequent value; ties go to the one seen first."""
    if not values:
        return default
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def split_code(unit_line: str) -> tuple[str | None, str]:
    """“308001中国共产党玉田县委员会…” → ("308001", "中国共产党…"); no leading code → (None, line)."""
    m = re.match(r"^([0-9A-Za-z]{2,30})\s*(\S.*)$", unit_line)
    if m and re.match(r"[^0-9A-Za-z]", m.group(2)):
        return m.group(1), m.group(2).strip()
    return None, unit_line.strip()


def unit_info(unit_line: str) -> dict[str, str]:
    """The department as a form's unit line shows it: 单位编码, 单位名称 and a 名称 without 本级."""
    code, name = split_code(unit_line)
    short = next((name[: -len(w)] for w in words("单位名称后缀") if w and name.endswith(w)), name)
    info = {"单位名称": name, "名称": short or name}
    if code:
        info["单位编码"] = code
    return info
