"""A project explanation (关于…项目绩效目标指标的说明), as the Hebei template prints it.

Its fixed sub-headings (labels.yaml 说明小标题) divide the text into 项目概况, 资金安排, 绩效目标,
绩效指标 and 评价标准; the first 资金安排 line is the summary sentence the template generates
(说明资金总述), kept as 资金安排总述 only when it reads otherwise; a last line equal to the layout's
说明结语 is the closing the template adds.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfgen.importer.formats import Format, compile_format
from perfgen.importer.labels import label_of, pattern
from perfgen.importer.normalize import lines
from perfgen.importer.reading import PartReader
from perfgen.importer.report import Where
from perfgen.importer.result import ImportedProject
from perfgen.model.layout import fill


class Explanation:
    """A project explanation (关于…的说明): its sections as the template prints them."""

    SECTIONS = ("项目概况", "资金安排情况", "绩效目标", "绩效指标", "评价标准")

    def __init__(self, reader: PartReader, where: Where, title: str, fmt: Format, fields: dict[str, str],
                 office: str | None):
        self.reader = reader
        self.where = where
        self.title = title
        self.fmt = fmt
        self.name = fields["项目名称"]
        self.office = office
        self.sections: dict[str, list[str]] = {}
        self.current: str | None = None
        self.last: list[str] = []

    def add(self, where: Where, text: str) -> None:
        for line in lines(text):
            m = pattern("说明小标题编号").match(line)
            label = label_of(line[m.end():], "说明小标题") if m else None
            if label is not None:
                self.current = label if label in self.SECTIONS else None
                if self.current is not None:
                    self.sections.setdefault(self.current, [])
                self.last = []
                continue
            if self.current is None:
                self.reader.rep.unplaced(where, line, "项目说明中不在任何小标题下的文字")
                continue
            self.sections[self.current].append(line)
            self.last = self.sections[self.current]

    def pop_last(self) -> str:
        return self.last.pop()

    def attach(self, p: ImportedProject) -> None:
        L = self.reader.L
        e: dict[str, Any] = {}
        expected_title = fill(L["说明标题"], 项目名称=p.name)
        if self.title != expected_title:
            e["标题"] = self.title
        e["项目概况"] = self.sections.get("项目概况", [])
        funding = list(self.sections.get("资金安排情况", []))
        summary = funding.pop(0) if funding else ""
        fmt = compile_format(L["说明资金总述"])
        lead = L["说明资金明细引导"]
        has_lead = bool(lead) and summary.endswith(lead)
        m = fmt.match(summary[: -len(lead)] if has_lead else summary) if summary else None
        # the template prints the summary, then the lead only when itemised lines follow
        matches_default = m is not None and (has_lead == bool(funding) or not lead)
        if m is not None and "金额万元" in m and p.total is None:
            p.total = Decimal(m["金额万元"]) * 10000
        if not matches_default:
            e["资金安排总述"] = summary
            if p.total is None:
                am = pattern("说明金额").search(summary)
                if am:
                    p.total = Decimal(am.group(1)) * 10000
                    self.reader.rep.note(self.where, f"项目“{p.name}”的预算数取自资金安排总述：{am.group(0)}")
        if m is not None and m.get("年度") and int(m["年度"]) != self.reader.year:
            self.reader.rep.note(self.where, f"资金安排总述中的年度 {m['年度']} 与导入年度 {self.reader.year} 不同，"
                                             "重新生成时按导入年度印出")
        if funding:
            e["资金安排"] = funding
        e["绩效目标"] = self.sections.get("绩效目标", [])
        e["绩效指标"] = self.sections.get("绩效指标", [])
        criteria = list(self.sections.get("评价标准", []))
        closing = L["说明结语"]
        if criteria and closing and criteria[-1] == closing:
            criteria.pop()
        elif closing:
            e["结语"] = ""
        e["评价标准"] = criteria
        p.explanation = e
        if self.office:
            p.office = self.office
        if p.total is None:
            self.reader.rep.add(self.where, f"项目“{p.name}”没有预算数，记为 0", "在 YAML 的“预算 › 预算数”中填写金额（元）。",
                                severity="error")
            p.total = Decimal(0)

    def as_project(self) -> ImportedProject:
        """An explanation with no table after it: a project known only by its explanation."""
        p = ImportedProject(name=self.name, where=self.where, source=self.title)
        self.attach(p)
        return p
