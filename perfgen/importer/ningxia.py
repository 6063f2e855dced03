"""Ningxia 附件3 部门项目支出预算绩效目标表: one form per project, indicators in the same table.

Read the way the template prints it (scripts/make_templates.py, ningxia): 附件标记 and 表名 above
each table; 项目名称 ("项目1综合治理费"), 主管部门 / 实施单位, 项目属性 / 项目期; 项目资金 in 万元
with two columns (含本级和市县 / 含本级); 绩效目标 as 年度总体绩效目标… and 年度绩效目标…; then
绩效指标 with 一级 / 二级 merged down and "指标1:" rows standing for empty categories.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfgen.importer import formats
from perfgen.importer.docx_reader import Document, Paragraph, Table
from perfgen.importer.formats import candidates
from perfgen.importer.forms import amount, leftovers, most_common, read_indicators, read_labels
from perfgen.importer.labels import candidates as wordings
from perfgen.importer.labels import label_of, pattern, words
from perfgen.importer.normalize import key, lines, one_line
from perfgen.importer.report import Reporter, Where
from perfgen.importer.result import ImportedDocument, ImportedProject
from perfgen.importer.tables import find_header

GOAL_FIELDS = (("年度总体绩效目标", "goals"), ("年度绩效目标", "goals_local"))  # labels.yaml 词语 → project field


def is_form(table: Table) -> bool:
    labels = {label_of(c.text, "表格标签") for r in table.rows[:10] for c in r if not c.continued}
    return "项目名称" in labels and bool(labels & {"主管部门", "实施单位", "项目资金", "年度资金总额"})


class NingxiaReader:
    def __init__(self, doc: Document, layout: dict[str, Any], year: int, rep: Reporter):
        self.doc = doc
        self.L = layout
        self.year = year
        self.rep = rep
        self.out = ImportedDocument(template="")
        self.found: dict[str, Any] = {}
        self.name_lines: list[tuple[ImportedProject, str]] = []
        self.amount_texts: list[str] = []
        self.placeholder_labels: list[str] = []

    def read(self) -> ImportedDocument:
        project: ImportedProject | None = None
        titles: list[str] = []
        marks: list[str] = []
        for b in self.doc.blocks:
            if isinstance(b, Paragraph):
                text = one_line(b.text)
                if not text:
                    continue
                if pattern("附件标记").match(text):
                    marks.append(text)
                elif pattern("表名").search(text):
                    titles.append(text)
                else:
                    self.rep.unplaced(Where(paragraph=b.index), text, "表格之外的文字")
                continue
            header = find_header(b)
            if is_form(b):
                project = self.read_form(b, header)
                self.out.projects.append(project)
            elif header is not None and project is not None and not project.indicators:
                project.indicators = self.indicators(b, header)
            else:
                self.rep.unplaced(Where(table=b.index), " | ".join(one_line(c.text) for r in b.rows for c in r
                                                                     if not c.continued and one_line(c.text)),
                                  "不是项目支出绩效目标表")
        if marks:
            self.found["附件标记"] = most_common(marks)
        if titles:
            self.read_title(most_common(titles))
        self.finish()
        self.out.layout.update({k: v for k, v in self.found.items() if self.L.get(k) != v})
        return self.out

    def read_title(self, title: str) -> None:
        fmt = formats.compile_format(self.L["表名"])
        m = fmt.match(title)
        if m is None:
            self.found["表名"] = formats.format_from_example(title, {"年度": str(self.year)}) or title
            m = formats.compile_format(self.found["表名"]).match(title)
        if m and m.get("年度") and int(m["年度"]) != self.year:
            self.rep.note(None, f"表名中的年度 {m['年度']} 与导入年度 {self.year} 不同，重新生成时按导入年度印出")

    def read_form(self, table: Table, header: Any) -> ImportedProject:
        rows = range(header.row if header is not None else len(table.rows))
        form = read_labels(table, rows)
        where = Where(table=table.index)
        name_cell = form.first("项目名称")
        name_line = one_line(name_cell.text) if name_cell else ""
        form.use(name_cell)
        p = ImportedProject(name=name_line, where=where, source=name_line)
        self.name_lines.append((p, name_line))
        for label, attr in (("主管部门", "competent"), ("实施单位", "implementing"), ("项目属性", "attribute"),
                            ("项目期", "period")):
            cell = form.first(label)
            if cell is not None:
                form.use(cell)
                setattr(p, attr, one_line(cell.text) or None)
        unit = "万元"
        for lab_cell, _v in form.values.get("项目资金", []):
            if any(key(w) in key(lab_cell.text) for w in words("以元为单位")):
                unit = "元"
        for label, attr in (("年度资金总额", "total"), ("财政资金", "fiscal"), ("其他资金", "other")):
            pairs = form.values.get(label, [])
            texts = [(v, one_line(v.text)) for _l, v in pairs if v is not None]
            for v, _t in texts:
                form.use(v)
            filled = [(v, t) for v, t in texts if t]
            if not filled:
                continue
            cell, text = filled[-1]
            for other_cell, other_text in filled[:-1]:
                if other_text != text:
                    self.rep.unplaced(Where(table=table.index, row=other_cell.row + 1), other_text,
                                      f"{label}的“含本级和市县”一栏无对应字段，只导入“含本级”一栏")
            value = amount(text, unit, Where(table=table.index, row=cell.row + 1), label, self.rep)
            if value is not None:
                setattr(p, attr, value)
                p.comments["预算数" if attr == "total" else {"fiscal": "财政资金", "other": "其他资金"}[attr]] = f"原文 {text}"
                if attr == "total":
                    self.amount_texts.append(text)
        if p.total is None:
            if p.fiscal is not None:
                p.total = p.fiscal + (p.other or Decimal(0))
                self.rep.note(where, f"年度资金总额空白，按财政拨款与其他资金之和记为 {p.total} 元")
            else:
                self.rep.add(where, f"项目“{name_line}”没有年度资金总额，记为 0", "在 YAML 的“预算 › 预算数”中填写金额（元）。",
                             severity="error")
                p.total = Decimal(0)
        self.read_goals(table, rows, form, p)
        for cell in leftovers(table, rows, form):
            if label_of(cell.text, "表格标签") or key(cell.text) in {key(w) for w in words("表中小标题")}:
                continue
            self.rep.unplaced(Where(table=table.index, row=cell.row + 1), one_line(cell.text), "表中这一格无对应栏目")
        if header is not None:
            p.indicators = self.indicators(table, header)
        return p

    def read_goals(self, table: Table, rows: range, form: Any, p: ImportedProject) -> None:
        for lab_cell, _v in form.values.get("绩效目标", []):
            cells = [c for c in table.rows[lab_cell.row] if c.col > lab_cell.col and not c.continued]
            unlabelled: list[list[str]] = []
            for c in cells:
                form.use(c)
                text_lines = lines(c.text)
                if not text_lines:
                    continue
                for group, attr in GOAL_FIELDS:
                    prefix = next((w for w in words(group) if text_lines[0].startswith(w)), None)
                    if prefix is not None:
                        first = text_lines[0][len(prefix):].strip()
                        rest = ([first] if first else []) + text_lines[1:]
                        below = table.at(c.row + 1, c.col)
                        if not rest and below is not None and below.row in rows and not below.continued:
                            form.use(below)   # the label alone, the text in the cell below
                            rest = lines(below.text)
                        setattr(p, attr, rest)
                        break
                else:
                    unlabelled.append(text_lines)
            for text_lines in unlabelled:
                if not p.goals:
                    p.goals = text_lines
                elif not p.goals_local:
                    p.goals_local = text_lines
                else:
                    self.rep.unplaced(Where(table=table.index, row=lab_cell.row + 1), " ".join(text_lines),
                                      "绩效目标只有“年度总体”和“年度（含本级）”两栏")
            return

    def indicators(self, table: Table, header: Any) -> list[Any]:
        fmts = candidates(self.L["占位标签"], wordings("占位标签"))

        def placeholder(l3: str, value: str) -> bool:
            if value:
                return False
            hits = [(f, m) for f in fmts if (m := f.match(l3))]
            if not hits:
                return False
            exact = [f for f, m in hits if m["_exact"]]
            self.placeholder_labels.append((exact or [hits[0][0]])[0].fmt)
            return True

        found = read_indicators(table, header, self.rep, empty_is_placeholder=placeholder)
        for ind in found:
            if not ind.placeholder and not ind.level3 and not ind.value:
                self.rep.note(ind.where, f"“{ind.level2}”下的空白行按原样导入（三级指标、指标值为空）",
                              "如果这是空类别的占位行，可改写为 {二级指标: …, 占位: true}。")
        return found

    def finish(self) -> None:
        fmts = candidates(self.L["项目名称格式"], wordings("项目名称格式"))
        best, best_score = None, (-1, -1, -1)
        for f in fmts:
            hits = [f.match(t) for _p, t in self.name_lines]
            score = (sum(1 for h in hits if h), sum(1 for h in hits if h and h["_exact"]), len(f.fmt))
            if score > best_score:
                best, best_score = f, score
        if best is not None and self.name_lines:
            self.found["项目名称格式"] = best.fmt
            for p, text in self.name_lines:
                m = best.match(text)
                p.name = (m.get("项目名称") if m else None) or text
        if self.amount_texts:
            fmt = formats.best_format(self.amount_texts, candidates(self.L["金额格式"], wordings("金额格式")))
            if fmt is not None:
                self.found["金额格式"] = fmt.fmt
        if self.placeholder_labels:
            self.found["占位标签"] = most_common(self.placeholder_labels)
        competent = [p.competent for p in self.out.projects if p.competent]
        if competent:
            self.out.dept["主管部门"] = most_common(competent)
            self.out.dept["名称"] = self.out.dept["主管部门"]
        elif any(p.implementing for p in self.out.projects):
            self.out.dept["名称"] = most_common([p.implementing for p in self.out.projects if p.implementing])


def read(doc: Document, layout: dict[str, Any], year: int, rep: Reporter) -> ImportedDocument:
    return NingxiaReader(doc, layout, year, rep).read()
