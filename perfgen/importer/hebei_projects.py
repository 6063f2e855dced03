"""Hebei 预算项目绩效目标: per project an optional explanation and a titled form with its indicators.

A form is found by its labels (项目编码, 项目名称, 预算数 …), wherever its cells are merged; its
indicator table may follow in the same table, in a table of its own, or go on in a further table
without a header. The table title ("1.见义勇为基金绩效目标表") and the unit line ("308001…本级
单位：元", in the table or as a paragraph above it) belong to the next form.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from perfgen.importer.docx_reader import Document, Paragraph, Table
from perfgen.importer.explanation import Explanation
from perfgen.importer.formats import Format, candidates
from perfgen.importer.forms import FormCells, amount, leftovers, most_common, read_indicators, read_labels
from perfgen.importer.labels import candidates as wordings
from perfgen.importer.labels import label_of, pattern, vocab
from perfgen.importer.normalize import AmountError, key, lines, one_line, parse_percent, wide_to_ascii
from perfgen.importer.reading import PartReader, table_text
from perfgen.importer.report import Reporter, Where
from perfgen.importer.result import ImportedDocument, ImportedProject
from perfgen.importer.tables import Header, find_header


@dataclass
class _Reading:
    """Where the walk through the project part is: what came before the next form."""

    title: tuple[Where, Format, dict[str, str], str] | None = None
    unit_para: tuple[str, str] | None = None
    explanation: Explanation | None = None
    pending: list[Explanation] = field(default_factory=list)   # explanations not yet matched with a table
    loose: list[tuple[Where, str]] = field(default_factory=list)
    project: ImportedProject | None = None
    last_header: tuple[Header, int] | None = None     # the indicator header seen last, and its table width
    title_fmts: list[str] = field(default_factory=list)
    previous: str | None = None      # the paragraph just before this one ("" when empty)


def _without_label(text: str, label: str) -> str:
    """`text` without a leading “label：” (any spelling of the label in labels.yaml 表格标签)."""
    for spelling in sorted([label, *vocab()["表格标签"].get(label, [])], key=len, reverse=True):
        for colon in ("：", ":"):
            if text.startswith(spelling + colon):
                return text[len(spelling) + 1:].strip()
    return text.strip()


def _form_unit(table: Table, rows: range, form: FormCells,
               unit_para: tuple[str, str] | None) -> tuple[str, str | None]:
    """The form's amount unit and unit line ("单位：万元" in a cell, else the paragraph above)."""
    unit = "元"
    unit_line = None
    for r in rows:
        for c in table.rows[r]:
            m = pattern("金额单位").search(one_line(c.text))
            if m and not c.continued:
                unit = m.group(1)
                form.use(c)
                before = one_line(c.text)[: m.start()].strip()
                others = [one_line(o.text) for o in table.rows[r] if o is not c and not o.continued and one_line(o.text)]
                for o in table.rows[r]:
                    form.use(o)
                unit_line = before or (others[0] if others else None)
    if unit_line is None and unit_para is not None:
        unit_line, unit = unit_para[0] or None, unit_para[1]
    return unit, unit_line


class ProjectsReader(PartReader):
    def __init__(self, doc: Document, layout: dict[str, Any], year: int, rep: Reporter,
                 out: ImportedDocument | None = None, found: dict[str, Any] | None = None):
        super().__init__(doc, layout, year, rep, out, found)
        self.zero_forms: list[str] = []       # how zero amounts are printed ("", "0", "0.00")
        self.plan_labels: list[tuple[str, ...]] = []
        self.plan_decimals: list[int] = []

    def table_title(self, text: str) -> tuple[Format, dict[str, str]] | None:
        t = one_line(text)
        for fmt in candidates(self.L["项目表标题"], wordings("项目表标题")):
            m = fmt.match(t)
            if m and m.get("项目名称"):
                return fmt, m
        return None

    def explanation_title(self, text: str) -> tuple[Format, dict[str, str]] | None:
        t = one_line(text)
        for fmt in candidates(self.L["说明标题"], wordings("说明标题")):
            m = fmt.match(t)
            if m and m.get("项目名称"):
                return fmt, m
        return None

    def read_projects(self, blocks: list[Paragraph | Table]) -> None:
        st = _Reading()
        for b in blocks:
            if isinstance(b, Paragraph):
                self._paragraph(b, st)
            else:
                st.previous = None
                self._table(b, st)
        for exp in st.pending:
            self.out.projects.append(exp.as_project())
        for where, text in st.loose:
            self.rep.unplaced(where, text, "项目部分中不属于任何项目的文字")
        if st.title_fmts:
            self.found["项目表标题"] = most_common(st.title_fmts)
        self.finish_projects()

    def _paragraph(self, b: Paragraph, st: _Reading) -> None:
        """A paragraph between the forms: a table title, an explanation's title or text, a unit line."""
        text = one_line(b.text)
        before, st.previous = st.previous, text
        if not text:
            return
        where = Where(paragraph=b.index)
        tt = self.table_title(text)
        et = self.explanation_title(text) if tt is None else None
        um = pattern("金额单位").search(text) if tt is None and et is None else None
        if tt is not None:
            st.title = (where, tt[0], tt[1], text)
            st.explanation = None
        elif et is not None:
            st.explanation = Explanation(self, where, text, et[0], et[1], self._office(before, st))
            st.pending.append(st.explanation)
        elif um is not None:
            st.unit_para = (_without_label(text[: um.start()].strip(), "单位名称"), um.group(1))
        elif st.explanation is not None:
            st.explanation.add(where, b.text)
        else:
            st.loose.append((where, text))

    @staticmethod
    def _office(before: str | None, st: _Reading) -> str | None:
        """The office that owns the project (信访办…): a short line right above the explanation's title."""
        if not before or not pattern("部门名称行").match(before):
            return None
        if st.explanation is not None and st.explanation.last and st.explanation.last[-1] == before:
            return st.explanation.pop_last()
        if st.loose and st.loose[-1][1] == before:
            return st.loose.pop()[1]
        return None

    def _table(self, b: Table, st: _Reading) -> None:
        """A project form, its indicator table, or the indicator table going on without a header."""
        header = find_header(b)
        if header is not None:
            st.last_header = (header, b.width)
        project = st.project
        if is_project_form(b):
            self._form(b, header, st)
        elif header is not None and project is not None and not project.indicators:
            project.indicators = read_indicators(b, header, self.rep)
        elif header is None and project is not None and project.indicators and st.last_header \
                and st.last_header[1] == b.width:
            # the indicator table went on in a table of its own, without repeating the header
            self.rep.note(Where(table=b.index), f"无表头的表格按上一张指标表的列接在“{project.name}”之后")
            project.indicators += read_indicators(b, Header(-1, st.last_header[0].columns), self.rep)
        else:
            self.rep.unplaced(Where(table=b.index), table_text(b), "不是项目绩效目标表，也不是其指标表")

    def _form(self, b: Table, header: Header | None, st: _Reading) -> None:
        project = st.project = self.read_form(b, header, st.title, st.unit_para)
        if st.title is not None:
            st.title_fmts.append(st.title[1].fmt)
        # an explanation right before a form of the same project is that project's explanation;
        # any other explanation stands for a project of its own (one with no table)
        own = st.pending.pop() if st.pending and _same_name(st.pending[-1].name, project.name) else None
        self.out.projects.extend(e.as_project() for e in st.pending)
        st.pending = []
        if own is not None:
            own.attach(project)
        self.out.projects.append(project)
        st.title = st.unit_para = st.explanation = None

    def read_form(self, table: Table, header: Any, title: tuple[Where, Format, dict[str, str], str] | None,
                  unit_para: tuple[str, str] | None) -> ImportedProject:
        rows = range(header.row if header is not None else len(table.rows))
        form = read_labels(table, rows)
        where = Where(table=table.index)
        unit, unit_line = _form_unit(table, rows, form, unit_para)
        name_cell = form.first("项目名称")
        name = self._form_name(one_line(name_cell.text) if name_cell else "", title, where)
        p = ImportedProject(name=name, where=where, source=title[3] if title is not None else name, unit_line=unit_line)
        form.use(name_cell)
        self._form_code(form, p, where)
        self._form_amounts(form, unit, p, where)
        self.complete_budget(p, where)
        self.read_fund_use(table, rows, form, p)
        self.read_plan(table, rows, form, p, where)
        goal_cell = form.first("绩效目标")
        if goal_cell is not None:
            form.use(goal_cell)
            p.goals = lines(goal_cell.text)
        for cell in leftovers(table, rows, form):
            if pattern("支出计划节点").match(key(cell.text)) or label_of(cell.text, "表格标签"):
                continue
            self.rep.unplaced(Where(table=table.index, row=cell.row + 1), one_line(cell.text), "表中这一格无对应栏目")
        if header is not None:
            p.indicators = read_indicators(table, header, self.rep)
        return p

    def _form_name(self, name: str, title: tuple[Where, Format, dict[str, str], str] | None, where: Where) -> str:
        """The project's name as the form prints it; the table title's when the form has none."""
        if title is not None:
            tname = title[2]["项目名称"]
            if not name:
                name = tname
            elif key(tname) != key(name):
                self.rep.note(title[0], f"表题中的项目名称“{tname}”与表中的“{name}”不同，按表中的写")
        if not name:
            self.rep.add(where, "没有找到项目名称", "在 YAML 中补上“项目名称”。", severity="error")
            name = f"项目{len(self.out.projects) + 1}"
        return name

    def _form_code(self, form: FormCells, p: ImportedProject, where: Where) -> None:
        code_cell = form.first("项目编码")
        if code_cell is None:
            return
        form.use(code_cell)
        code = re.sub(r"\s+", "", wide_to_ascii(one_line(code_cell.text)))
        if code and re.fullmatch(r"[0-9A-Za-z]{1,40}", code):
            p.code = code
        elif code:
            self.rep.add(where, f"项目编码“{code}”含有字母和数字以外的字符，未导入", "项目编码只能是字母和数字，核对后写入 YAML。")

    def _form_amounts(self, form: FormCells, unit: str, p: ImportedProject, where: Where) -> None:
        """预算数, 财政资金, 其他资金 in 元, and how the form prints a zero (金额零值)."""
        for field_name, attr in (("预算数", "total"), ("财政资金", "fiscal"), ("其他资金", "other")):
            cell = form.first(field_name)
            if cell is None:
                continue
            form.use(cell)
            value = amount(cell.text, unit, where, field_name, self.rep)
            setattr(p, attr, value)
            if value is None and not one_line(cell.text):
                self.zero_forms.append("")
            elif value == 0:
                self.zero_forms.append(one_line(cell.text))
            if unit == "万元" and value is not None:
                p.comments[field_name] = f"原文 {one_line(cell.text)} 万元"

    def complete_budget(self, p: ImportedProject, where: Where) -> None:
        if p.total is None:
            if p.fiscal is not None or p.other is not None:
                p.total = (p.fiscal or Decimal(0)) + (p.other or Decimal(0))
                self.rep.note(where, f"预算数空白，按财政资金与其他资金之和记为 {p.total} 元")
            else:
                self.rep.add(where, f"项目“{p.name}”没有预算数，记为 0", "在 YAML 的“预算 › 预算数”中填写金额（元）。",
                             severity="error")
                p.total = Decimal(0)
        if p.fiscal is None:
            p.fiscal = p.total - (p.other or Decimal(0))
        if p.other is None:
            p.other = p.total - p.fiscal
            if p.other != 0:
                self.rep.note(where, f"其他资金空白，按预算数减财政资金记为 {p.other} 元")

    def read_fund_use(self, table: Table, rows: range, form: FormCells, p: ImportedProject) -> None:
        for label_cell, value_cell in form.values.get("资金用途", []):
            row_labels = [c for c in table.rows[label_cell.row] if c is not label_cell and label_of(c.text, "表格标签")]
            if not row_labels:   # its own row: 资金用途 | text
                if value_cell is not None:
                    form.use(value_cell)
                    p.fund_use = lines(value_cell.text)
                return
            # 预算规模及资金用途 merged down: the use of funds is the row below the amounts
            texts: list[str] = []
            for r in rows:
                if r <= label_cell.row:
                    continue
                c = table.at(r, label_cell.col)
                if c is None or not c.continued or c.text != label_cell.text:
                    break
                if any(label_of(o.text, "表格标签") for o in table.rows[r] if not o.continued):
                    continue
                for o in table.rows[r]:
                    if not o.continued and o.col > label_cell.col:
                        form.use(o)
                        texts.append(o.text)
            p.fund_use = [ln for t in texts for ln in lines(t)]
            return

    def read_plan(self, table: Table, rows: range, form: FormCells, p: ImportedProject, where: Where) -> None:
        for r in rows:
            months = [c for c in table.rows[r] if pattern("支出计划节点").match(key(c.text))]
            if len(months) < 2:
                continue
            labels: list[str] = []
            decimals: list[int] = []
            for c in months:
                m = pattern("支出计划节点").match(key(c.text))
                assert m is not None  # the header row was recognised by this pattern
                label = f"{int(m.group(1))}月底"
                if key(c.text) != label:
                    self.rep.note(Where(table=table.index, row=r + 1), f"支出计划节点“{key(c.text)}”记为“{label}”")
                labels.append(label)
                form.use(c)
                v = table.at(r + 1, c.col)
                if v is None:
                    continue
                form.use(v)
                try:
                    parsed = parse_percent(v.text)
                except AmountError:
                    self.rep.add(Where(table=table.index, row=r + 2), f"支出计划“{one_line(v.text)}”不是百分比，未导入",
                                 "写成 0 到 100 的数字，例如 25 或 25%。")
                    continue
                if parsed is not None:
                    p.plan[label] = parsed[0]
                    decimals.append(parsed[1])
            self.plan_labels.append(tuple(labels))
            self.plan_decimals.extend(decimals)
            return

    def finish_projects(self) -> None:
        if self.plan_labels:
            self.found["支出计划节点"] = list(most_common(self.plan_labels))
        if self.plan_decimals:
            self.found["支出计划小数位"] = most_common(self.plan_decimals)
        if self.zero_forms:
            self.found["金额零值"] = most_common(self.zero_forms)


def _same_name(a: str, b: str) -> bool:
    a, b = key(a), key(b)
    return bool(a) and bool(b) and (a == b or a in b or b in a)


def is_project_form(table: Table) -> bool:
    labels = {label_of(c.text, "表格标签") for r in table.rows[:12] for c in r if not c.continued}
    return bool(labels & {"项目名称", "项目编码"}) and bool(labels & {"预算数", "项目编码", "资金用途", "绩效目标"})
