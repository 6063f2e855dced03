"""Hebei 部门预算绩效信息: the document split into its parts, each read by its own reader.

The document is read in the order the template prints it (scripts/make_templates.py, hebei):
第一部分 with its numbered sections (hebei_goals.py); an optional 专项资金 part; the project part
with, per project, an optional explanation and a titled form plus indicator table
(hebei_projects.py). Headings are found by the layout's own formats (部分标题, 章节编号, 分项编号,
项目表标题 …) and, failing those, by the other wordings in labels.yaml; a wording that differs
from the template's becomes a 版式 setting.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from perfgen.importer.docx_reader import Document, Paragraph, Table
from perfgen.importer.formats import compile_format
from perfgen.importer.forms import most_common, unit_info
from perfgen.importer.hebei_goals import GoalsReader
from perfgen.importer.hebei_projects import ProjectsReader, is_project_form
from perfgen.importer.labels import pattern, vocab
from perfgen.importer.normalize import key, lines, one_line
from perfgen.importer.reading import PartReader, table_text
from perfgen.importer.report import Reporter, Where
from perfgen.importer.result import ImportedDocument

TOC_LINE = re.compile(r"[.…·]{2,}|\d+$")     # a table-of-contents entry: dot leaders or a page number


@dataclass
class Part:
    kind: str                    # goals / special / projects / preamble
    name: str = ""
    blocks: list[Paragraph | Table] = field(default_factory=list)


# kinds of Part ↔ 部分 › 内容 in the layout
_CONTENT = {"goals": "整体绩效目标", "special": "专项资金说明", "projects": "项目"}
_KIND = {v: k for k, v in _CONTENT.items()}


class HebeiReader(PartReader):
    def __init__(self, doc: Document, layout: dict[str, Any], year: int, rep: Reporter):
        super().__init__(doc, layout, year, rep)
        self.goals = GoalsReader(doc, layout, year, rep, self.out, self.found)
        self.projects = ProjectsReader(doc, layout, year, rep, self.out, self.found)

    def read(self) -> ImportedDocument:
        parts = self.split_parts()
        for part in parts:       # projects first: part one's 分项汇总句 names their count and total
            if part.kind == "projects":
                self.projects.read_projects(part.blocks)
        for part in parts:
            if part.kind == "goals":
                self.goals.read_goals(part.blocks)
            elif part.kind == "special":
                self.out.goals["专项资金说明"] = [ln for b in part.blocks if isinstance(b, Paragraph) for ln in lines(b.text)]
                for b in part.blocks:
                    if isinstance(b, Table):
                        self.rep.unplaced(Where(table=b.index), table_text(b), "专项资金部分只导入文字")
            elif part.kind == "preamble":
                self.skip(part.blocks, "文档开头、第一部分之前的内容")
        self.finish_department()
        self.out.layout.update({k: v for k, v in self.found.items() if self.L.get(k) != v})
        return self.out

    def split_parts(self) -> list[Part]:
        fmt = compile_format(self.L["部分标题"])
        parts: list[Part] = [Part("preamble")]
        want_name = False
        for b in self.doc.blocks:
            if isinstance(b, Paragraph):
                text = one_line(b.text)
                m = fmt.match(text, prefix=True) if text else None
                if (m and fmt.number(m) == sum(1 for p in parts if p.kind != "preamble") + 1 and len(m["_rest"]) <= 20
                        and not TOC_LINE.search(m["_rest"])):
                    parts.append(Part("", m["_rest"].strip()))
                    want_name = not parts[-1].name
                    continue
                if want_name and text:
                    parts[-1].name = text
                    want_name = False
                    continue
            parts[-1].blocks.append(b)
        if len(parts) == 1:
            return self.split_without_parts(parts[0].blocks)
        for i, part in enumerate(parts[1:], start=1):
            part.kind = self.part_kind(part, i, len(parts) - 1)
        self.found_part_names(parts[1:])
        return parts

    def layout_part_name(self, kind: str) -> str:
        """The name the layout (部分) gives the first part of this kind."""
        content = _CONTENT[kind]
        return next((p["名称"] for p in self.L["部分"] if p["内容"] == content), "")

    def found_part_names(self, parts: list[Part]) -> None:
        """Part names that differ from the layout's become a 部分 override (the whole list)."""
        names = {p.kind: p.name for p in reversed(parts) if p.name}
        if all(names.get(k, self.layout_part_name(k)) == self.layout_part_name(k) for k in _CONTENT):
            return
        self.found["部分"] = [dict(part, 名称=names.get(_KIND[part["内容"]], part["名称"])) for part in self.L["部分"]]

    def part_kind(self, part: Part, number: int, count: int) -> str:
        for kind in ("goals", "special", "projects"):
            if key(part.name) == key(self.layout_part_name(kind)):
                return kind
        words = vocab()["部分关键字"]
        for kind, key_name in (("special", "专项资金部分名称"), ("projects", "项目部分名称"), ("goals", "第一部分名称")):
            if any(w in part.name for w in words.get(key_name, [])):
                return kind
        return "goals" if number == 1 and count > 1 else "projects"

    def split_without_parts(self, blocks: list[Paragraph | Table]) -> list[Part]:
        """No 第N部分 headings: part one runs until the first project table or table title."""
        first_project = len(blocks)
        for i, b in enumerate(blocks):
            if isinstance(b, Table) and is_project_form(b) or isinstance(b, Paragraph) and self.projects.table_title(b.text):
                first_project = i
                break
        head, rest = blocks[:first_project], blocks[first_project:]
        if any(isinstance(b, Paragraph) and self.goals.section_of(one_line(b.text)) for b in head):
            return [Part("goals", "", head), Part("projects", "", rest)]
        return [Part("preamble", "", head), Part("projects", "", rest)]

    def finish_department(self) -> None:
        """名称, 单位编码 and 单位名称 as the document shows them (抬头, unit line, properties)."""
        projects = self.out.projects
        units = [p.unit_line for p in projects if p.unit_line]
        if units:
            unit = most_common(units)
            info = unit_info(unit)
            self.out.dept.update({k: v for k, v in info.items() if k != "名称"})
            for p in projects:
                if p.unit_line and p.unit_line != unit:
                    self.rep.note(p.where, f"这张表的单位“{p.unit_line}”与其他表（{unit}）不同；部门只记一个单位")
        name = self.out.dept.get("抬头")
        if not name and self.doc.title:
            m = pattern("标题中的部门").match(self.doc.title)
            name = m.group(1) if m else None
        if not name and units:
            name = unit_info(most_common(units))["名称"]
        if name:
            self.out.dept["名称"] = name


def read(doc: Document, layout: dict[str, Any], year: int, rep: Reporter) -> ImportedDocument:
    return HebeiReader(doc, layout, year, rep).read()
