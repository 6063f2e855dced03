"""Hebei 第一部分 部门整体绩效目标: numbered sections, 分项 headings and bodies, the department table.

Section headings are 章节编号 + a known title (labels.yaml 章节标题); 分项 headings are found by
trying the layout's 分项编号 and the other numbering styles and keeping the one that numbers the
most paragraphs 1, 2, 3… in order; a heading may end with an amount (分项金额格式) and a suffix.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfgen.importer.docx_reader import Paragraph, Table
from perfgen.importer.formats import Format, candidates, compile_format, format_from_example
from perfgen.importer.forms import most_common
from perfgen.importer.labels import candidates as wordings
from perfgen.importer.labels import label_of, pattern
from perfgen.importer.normalize import block, key, lines, one_line
from perfgen.importer.reading import PartReader, table_text
from perfgen.importer.report import Where
from perfgen.model.amounts import format_wan

SECTION_KEYS = {"总体绩效目标": "总体绩效目标标题", "分项绩效目标": "分项绩效目标标题",
                "工作保障措施": "工作保障措施标题", "部门绩效文本信息": "部门绩效文本信息标题"}
DEPT_TABLE_FIELDS = ("一级指标", "二级指标", "三级指标", "符号", "值", "单位", "说明")  # goals.yaml's fields, in order


class GoalsReader(PartReader):
    def section_of(self, text: str) -> tuple[str, str, str] | None:
        """(section, title as printed, numbering format) when `text` is a section heading of part one."""
        for fmt in candidates(self.L["章节编号"], wordings("章节编号")):
            m = fmt.match(text, prefix=True)
            if not m:
                continue
            title = m["_rest"].strip()
            for canonical, layout_key in SECTION_KEYS.items():
                if key(title) == key(self.L[layout_key]) or label_of(title, "章节标题") == canonical:
                    return canonical, title, fmt.fmt
        return None

    def read_goals(self, blocks: list[Paragraph | Table]) -> None:
        sections: dict[str, list[Paragraph | Table]] = {}
        current: str | None = None
        for b in blocks:
            if isinstance(b, Paragraph):
                text = one_line(b.text)
                found = self.section_of(text) if text else None
                if found and found[0] not in sections:
                    current, title, numbering = found
                    sections[current] = []
                    self.found[SECTION_KEYS[current]] = title
                    self.found["章节编号"] = numbering
                    continue
            if current is None:
                self.skip([b], "第一部分中第一个小节标题之前的内容")
            else:
                sections[current].append(b)
        g = self.out.goals
        g["总体绩效目标"] = self.paragraph_lines(sections.get("总体绩效目标", []), "总体绩效目标")
        if "分项绩效目标" in sections:
            self.read_subgoals(sections["分项绩效目标"])
        if "工作保障措施" in sections:
            g["工作保障措施"] = self.paragraph_lines(sections["工作保障措施"], "工作保障措施")
        if "部门绩效文本信息" in sections:
            self.read_dept_table(sections["部门绩效文本信息"])

    def paragraph_lines(self, blocks: list[Paragraph | Table], section: str) -> list[str]:
        out: list[str] = []
        for b in blocks:
            if isinstance(b, Paragraph):
                out.extend(lines(b.text))
            else:
                self.rep.unplaced(Where(table=b.index), table_text(b), f"“{section}”中的表格无处可放")
        return out

    def read_subgoals(self, blocks: list[Paragraph | Table]) -> None:
        items: list[tuple[Where, str]] = []
        for b in blocks:
            if isinstance(b, Paragraph):
                items.extend((Where(paragraph=b.index), ln) for ln in lines(b.text))
            else:
                self.rep.unplaced(Where(table=b.index), table_text(b), "“分项绩效目标”中的表格无处可放")
        header_title = self.L["分项绩效目标标题"]
        if len(items) >= 2 and key(items[1][1]) == key(header_title) and pattern("部门名称行").match(items[0][1].replace("：", "")):
            self.found["分项抬头"] = True
            self.out.dept["抬头"] = items[0][1]
            items = items[2:]
        else:
            self.found["分项抬头"] = False
        fmt, hits = self.subgoal_numbering([t for _w, t in items])
        if not hits:
            self.summary_and_intro(items)
            return
        self.found["分项编号"] = fmt.fmt
        starts = [i for i, _m in hits]
        self.summary_and_intro(items[: starts[0]])
        label_map = self.subgoal_labels()
        labelled = any(any(t.startswith(lab) for lab in label_map) for _w, t in items[starts[0]:])
        amount_fmts = candidates(self.L["分项金额格式"], wordings("分项金额格式"))
        suffixes = sorted((s for s in wordings("分项标题后缀") if s), key=len, reverse=True)
        subgoals: list[dict[str, Any]] = []
        seen_suffix: list[str] = []
        for k, (i, m) in enumerate(hits):
            end = starts[k + 1] if k + 1 < len(starts) else len(items)
            rest = m["_rest"].strip()
            suffix = next((s for s in suffixes if rest.endswith(s)), "")
            if suffix:
                rest = rest[: -len(suffix)].rstrip()
            seen_suffix.append(suffix)
            entry: dict[str, Any] = {"标题": rest}
            for af in amount_fmts:
                am = af.match(rest, suffix=True)
                if am and am["_rest"]:
                    entry["标题"] = am["_rest"].strip()
                    self.out.subgoal_amounts[k] = Decimal(am["金额万元"]) * 10000
                    self.found["分项金额格式"] = af.fmt
                    break
            body = items[i + 1:end]
            if labelled:
                self.labelled_body(entry, body, label_map)
            elif body:
                entry["绩效目标"] = [t for _w, t in body]
            if not entry["标题"]:
                self.rep.add(items[i][0], "分项标题为空", "在 goals.yaml 中补上这一项的标题。")
                entry["标题"] = "（无标题）"
            subgoals.append(entry)
        self.found["分项标签"] = labelled
        common = most_common(seen_suffix, "")
        self.found["分项标题后缀"] = common
        for entry, suffix in zip(subgoals, seen_suffix):
            if suffix != common:
                entry["标题后缀"] = suffix
        self.out.goals["分项绩效目标"] = subgoals

    def summary_and_intro(self, items: list[tuple[Where, str]]) -> None:
        """Lines before the first 分项: a sentence naming the project count and total is the
        template's 分项汇总句 (its wording kept as a format); the rest is 分项绩效目标引言."""
        projects = self.out.projects
        total = sum((p.total or Decimal(0) for p in projects), Decimal(0))
        values = {"项目数": str(len(projects)), "合计万元": format_wan(total), "年度": str(self.year)}
        intro: list[str] = []
        for _where, text in items:
            fmt = None
            if projects and "分项汇总句" not in self.found:
                fmt = format_from_example(text, values) or format_from_example(
                    text, {k: v for k, v in values.items() if k != "年度"})
            if fmt:
                self.found["分项汇总句"] = fmt
            else:
                intro.append(text)
        if intro:
            self.out.goals["分项绩效目标引言"] = intro

    def subgoal_numbering(self, texts: list[str]) -> tuple[Format, list[tuple[int, dict[str, str]]]]:
        best: tuple[Any, ...] = (0, 0, 0, 0)
        chosen: tuple[Format, list[tuple[int, dict[str, str]]]] = (compile_format(self.L["分项编号"]), [])
        for fmt in candidates(self.L["分项编号"], wordings("分项编号")):
            hits: list[tuple[int, dict[str, str]]] = []
            for i, t in enumerate(texts):
                m = fmt.match(t, prefix=True)
                if m and m["_rest"].strip() and fmt.number(m) == len(hits) + 1:
                    hits.append((i, m))
            if not hits:
                continue
            score = (len(hits), sum(1 for _i, m in hits if m["_exact"]), len(fmt.fmt), -hits[0][0])
            if score > best:
                best, chosen = score, (fmt, hits)
        return chosen

    def subgoal_labels(self) -> dict[str, str]:
        out = {}
        for field_name, layout_key in (("职责描述", "分项职责描述标签"), ("绩效目标", "分项绩效目标标签"),
                                       ("绩效指标", "分项绩效指标标签")):
            label = self.L[layout_key]
            out[label] = field_name
            out[label.replace("：", ":")] = field_name
        return out

    def labelled_body(self, entry: dict[str, Any], body: list[tuple[Where, str]], label_map: dict[str, str]) -> None:
        current = None
        for where, text in body:
            label = next((lab for lab in sorted(label_map, key=len, reverse=True) if text.startswith(lab)), None)
            if label is not None:
                current = label_map[label]
                rest = text[len(label):].strip()
                entry.setdefault(current, [])
                if rest:
                    entry[current].append(rest)
                continue
            if current is None:
                self.rep.note(where, f"分项“{entry['标题']}”中标签之前的文字记入“绩效目标”")
                current = "绩效目标"
                entry.setdefault(current, [])
            entry[current].append(text)

    def read_dept_table(self, blocks: list[Paragraph | Table]) -> None:
        tables = [b for b in blocks if isinstance(b, Table)]
        for b in blocks:
            if isinstance(b, Paragraph) and one_line(b.text):
                self.rep.unplaced(Where(paragraph=b.index), one_line(b.text), "“部门绩效文本信息”只导入表格")
        if not tables:
            return
        table = tables[0]
        for extra in tables[1:]:
            self.rep.unplaced(Where(table=extra.index), table_text(extra), "“部门绩效文本信息”只导入第一张表")
        head, columns = _dept_columns(table)
        rows: list[dict[str, str]] = []
        mapped = {col for _name, col in columns}
        for r in range(0 if head is None else head + 1, len(table.rows)):
            for c in table.rows[r]:
                if not c.continued and one_line(c.text) and not mapped & set(c.cols):
                    self.rep.unplaced(Where(table=table.index, row=r + 1), one_line(c.text), "部门绩效文本信息只有七栏")
            entry = self._dept_row(table, r, columns)
            if not any(k != "一级指标" for k in entry):
                if entry:
                    self.rep.note(Where(table=table.index, row=r + 1), "部门绩效文本信息中的空行未导入")
                continue
            rows.append({k: entry[k] for k in DEPT_TABLE_FIELDS if k in entry})
        self.out.goals["部门绩效文本信息"] = rows

    def _dept_row(self, table: Table, r: int, columns: list[tuple[str, int]]) -> dict[str, str]:
        """One row of the department table; 一级指标 merged down counts only where it starts."""
        entry: dict[str, str] = {}
        for name, col in columns:
            cell = table.at(r, col)
            if cell is None:
                continue
            if name == "一级指标":
                if not cell.continued and one_line(cell.text):
                    entry[name] = one_line(cell.text)
                    self.out.level1_seen.append(entry[name])
                continue
            if cell.continued:
                continue
            text = block(cell.text)
            if text:
                entry[name] = text
        return entry


def _dept_columns(table: Table) -> tuple[int | None, list[tuple[str, int]]]:
    """The header row (the one naming 符号 or 值; None when there is none) and each column's field
    (labels.yaml 部门表表头, else the field in that position)."""
    head = next((r for r in range(len(table.rows))
                 if any(label_of(c.text, "部门表表头") in ("符号", "值") for c in table.rows[r])), None)
    if head is None:
        return None, [(name, c.col) for name, c in zip(DEPT_TABLE_FIELDS, table.rows[0])]
    return head, [(label_of(c.text, "部门表表头") or DEPT_TABLE_FIELDS[i], c.col)
                  for i, c in enumerate(list(table.rows[head])[: len(DEPT_TABLE_FIELDS)])]
