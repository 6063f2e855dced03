"""Presenting a diff: coloured terminal text, Markdown for merge requests, one HTML page, JSON.

The three human formats share one outline built here (perfgen.outline: headings, paragraphs, list
items made of styled pieces, one table), so they always say the same thing in the same order; the
renderers there decide how a deletion, an insertion or a warning looks. JSON is the plain data of the
comparison (perfgen.diff.compare), with full texts and segments, for tools.
"""
from __future__ import annotations

import json
from decimal import Decimal

from perfgen.diff.chardiff import Segment, trim
from perfgen.diff.compare import (
    AmountChange,
    DeptDiff,
    DiffReport,
    FieldChange,
    GoalsDiff,
    IndicatorDiff,
    ProjectDiff,
)
from perfgen.outline import FORMATS, Block, Outline, Part
from perfgen.outline import render as render_outline

__all__ = ["FORMATS", "LEGEND", "as_json", "outline", "render"]

LEGEND = "说明：[-…-] 为删除的文字，{+…+} 为新增的文字；⚠ 标出目标降低或方向改变的指标。"


# -- numbers --------------------------------------------------------------------------------------

def money(d: Decimal | None) -> str:
    return "—" if d is None else f"{d:,.2f}"


def signed_money(d: Decimal) -> str:
    return f"+{d:,.2f}" if d > 0 else f"{d:,.2f}"


def change_text(a: AmountChange) -> str:
    """“+50,000.00 元，+100.00%”, or “不变”."""
    if not a.changed:
        return "不变"
    pct = a.percent
    text = f"{signed_money(a.delta)} 元"
    if pct is not None:
        text += f"，{'+' if pct > 0 else ''}{pct}%"
    return text


def _is_money(field_name: str) -> bool:
    return field_name.startswith("预算") or field_name == "金额"


def _value(field_name: str, v: str | None) -> str:
    if v is None or v == "":
        return "（空）"
    if _is_money(field_name):
        try:
            return money(Decimal(v))
        except ArithmeticError:  # pragma: no cover - values come from the model
            return v
    return v


# -- the outline ------------------------------------------------------------------------------------

class _Outline(Outline):
    def __init__(self, context: int):
        super().__init__()
        self.context = context

    def segments(self, segs: list[Segment]) -> list[Part]:
        parts: list[Part] = []
        for s in trim(segs, self.context):
            if s.op == "equal":
                parts.append(("", s.text))
            else:
                parts.append(("del" if s.op == "delete" else "ins", s.text.replace("\n", "↵")))
        return parts

    def field(self, c: FieldChange, indent: int, prefix: str = "") -> None:
        if c.is_text and c.old and c.new:
            self.add("item", f"{prefix}{c.field}：", *self.segments(c.segments), indent=indent, mark="change")
        elif c.is_text:
            self.add("item", f"{prefix}{c.field}：", *self.segments(c.segments), indent=indent,
                     mark="add" if c.new else "remove")
        else:
            unit = " 元" if _is_money(c.field) else ""
            self.add("item", f"{prefix}{c.field}：", ("old", _value(c.field, c.old)), " → ",
                     ("new", _value(c.field, c.new)), unit, indent=indent, mark="change")


def _indicator(o: _Outline, d: IndicatorDiff, indent: int) -> None:
    if d.status == "added":
        assert d.new is not None
        o.add("item", ("b", "新增指标 "), f"{d.label}：{d.new.value_text or '（无指标值）'}", indent=indent, mark="add")
        return
    if d.status == "removed":
        assert d.old is not None
        o.add("item", ("b", "删除指标 "), f"{d.label}：{d.old.value_text or '（无指标值）'}", indent=indent,
              mark="remove")
        return
    parts: list[Part | str] = [("b", "修改指标 "), f"{d.label}"]
    if d.target is not None and d.target.flagged:
        parts += ["  ", ("warn", f"⚠ {d.target.reason}")]
    o.add("item", *parts, indent=indent, mark="change")
    for c in d.changes:
        o.field(c, indent + 1)
    if d.target is not None and not d.target.flagged and d.target.verdict in ("stronger", "changed"):
        o.add("item", ("dim", d.target.reason), indent=indent + 1)


def _project_title(p: ProjectDiff) -> str:
    r = p.ref
    code = f"，编码 {r.code}" if r.code else ""
    return f"{r.name}（{r.id}{code}）"


def _dept(o: _Outline, d: DeptDiff) -> None:
    o.add("h2", f"{d.name}（{d.dept_id}）：{d.old_label} → {d.new_label}")
    n_old = sum(1 for p in d.projects if p.old is not None)
    n_new = sum(1 for p in d.projects if p.new is not None)
    c = d.counts()
    o.add("p", f"预算合计：{money(d.budget.old)} 元 → {money(d.budget.new)} 元（{change_text(d.budget)}）")
    o.add("p", f"项目：{n_old} 个 → {n_new} 个；新增 {c['added']}，删除 {c['removed']}，更名 {c['renamed']}，"
               f"修改 {c['changed']}，未变 {c['unchanged']}。")
    if c["weaker"]:
        o.add("p", ("warn", f"⚠ 目标降低 {c['weaker']} 处（下文以 ⚠ 标出）。"))
    if c["flagged"] > c["weaker"]:
        o.add("p", ("warn", f"⚠ 比较方向改变 {c['flagged'] - c['weaker']} 处，请确认。"))
    if not d.changed:
        o.add("p", "没有变化。")
        return
    removed, added = d.of_status("removed"), d.of_status("added")
    if removed:
        o.add("h3", "删除的项目")
        for p in removed:
            o.add("item", ("b", _project_title(p)), f"：预算 {money(p.budget.old)} 元", mark="remove")
    if added:
        o.add("h3", "新增的项目")
        for p in added:
            o.add("item", ("b", _project_title(p)), f"：预算 {money(p.budget.new)} 元", mark="add")
    changed = d.of_status("changed")
    if changed:
        o.add("h3", "修改的项目")
        for p in changed:
            _changed_project(o, p)
    if d.goals.changed:
        _goals(o, d.goals)


def _changed_project(o: _Outline, p: ProjectDiff) -> None:
    assert p.old is not None and p.new is not None
    head: list[Part | str] = [("b", f"{p.new.name}（{p.new.id}）")]
    if p.renamed:
        head.append(f"  原名“{p.old.name}”")
    if p.moved:
        head.append(f"  文件由 {p.old.id}.yaml 改为 {p.new.id}.yaml")
    if (p.renamed or p.moved) and p.matched_by:
        head.append(("dim", f"（按{p.matched_by}对应）"))
    if p.flagged:
        head += ["  ", ("warn", f"⚠ 目标降低 {p.weaker} 处" if p.weaker == p.flagged else f"⚠ 需确认 {p.flagged} 处")]
    o.add("item", *head, mark="change")
    if p.budget.changed:
        o.add("item", "预算数：", ("old", money(p.budget.old)), " → ", ("new", money(p.budget.new)),
              f" 元（{change_text(p.budget)}）", indent=1, mark="change")
    for c in p.changes:
        if c.field == "项目名称":
            continue
        o.field(c, 1)
    if p.indicators:
        o.add("item", "绩效指标：", indent=1)
        for i in p.indicators:
            _indicator(o, i, 2)


def _goals(o: _Outline, g: GoalsDiff) -> None:
    o.add("h3", f"部门整体绩效目标（{g.file}）" if g.file else "部门整体绩效目标")
    if g.status in ("added", "removed"):
        o.add("item", "整个文件" + ("新增" if g.status == "added" else "删除"), mark="add" if g.status == "added" else "remove")
    for c in g.changes:
        o.field(c, 0)
    for s in g.subgoals:
        if s.status == "added":
            o.add("item", ("b", "新增分项绩效目标 "), f"“{s.title}”", mark="add")
        elif s.status == "removed":
            o.add("item", ("b", "删除分项绩效目标 "), f"“{s.title}”", mark="remove")
        elif s.status == "changed":
            o.add("item", ("b", "分项绩效目标 "), f"“{s.title}”", mark="change")
            for c in s.changes:
                o.field(c, 1)
    if g.table:
        o.add("item", "部门绩效文本信息：")
        for t in g.table:
            _indicator(o, t, 1)


def outline(report: DiffReport, context: int = 20) -> list[Block]:
    o = _Outline(context)
    o.add("h1", title(report))
    if report.summary:
        header = ["部门", "预算（元）", "变化", "新增", "删除", "更名", "修改", "目标降低"]
        rows = []
        for d in report.departments:
            c = d.counts()
            if not d.changed:
                rows.append([f"{d.name}（{d.dept_id}）", money(d.budget.new), "无变化", "", "", "", "", ""])
                continue
            rows.append([f"{d.name}（{d.dept_id}）", f"{money(d.budget.old)} → {money(d.budget.new)}",
                         change_text(d.budget), str(c["added"]), str(c["removed"]), str(c["renamed"]),
                         str(c["changed"]), str(c["weaker"]) if c["weaker"] else ""])
        t = report.totals()
        b = report.budget
        total = f"合计（{len(report.departments)} 个部门）"
        if report.changed:
            rows.append([total, f"{money(b.old)} → {money(b.new)}", change_text(b),
                         str(t["added"]), str(t["removed"]), str(t["renamed"]), str(t["changed"]),
                         str(t["weaker"]) if t["weaker"] else ""])
        else:
            rows.append([total, money(b.new), "无变化", "", "", "", "", ""])
        o.table(header, rows)
    for d in report.departments:
        if report.summary and not d.changed:
            continue
        _dept(o, d)
    if report.summary and not report.changed:
        o.add("p", "所有部门都没有变化。")
    return o.blocks


# -- JSON ------------------------------------------------------------------------------------------

def as_json(report: DiffReport) -> str:
    """Stable JSON: fixed key order, amounts as strings in 元, full texts with their segments."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"


def title(report: DiffReport) -> str:
    return f"预算绩效目标对比：{report.old_label} → {report.new_label}"


def render(report: DiffReport, fmt: str, color: bool = False, context: int = 20) -> str:
    """The report in one of FORMATS: the outline for people, the comparison's data as JSON."""
    return render_outline(outline(report, context), fmt, title(report), lambda: as_json(report), color, LEGEND)
