"""Presenting a diff: coloured terminal text, Markdown for merge requests, one HTML page, JSON.

The three human formats share one outline built here (headings, paragraphs, list items made of
styled pieces, one table), so they always say the same thing in the same order; each renderer only
decides how a deletion, an insertion or a warning looks. JSON is the plain data of the comparison
(perfgen.diff.compare), with full texts and segments, for tools.
"""
from __future__ import annotations

import html
import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

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

Style = Literal["", "del", "ins", "old", "new", "warn", "b", "dim"]
Part = tuple[Style, str]
Mark = Literal["add", "remove", "change", "info"]

FORMATS = ("text", "md", "html", "json")


@dataclass
class Block:
    kind: Literal["h1", "h2", "h3", "p", "item", "table"]
    parts: list[Part] = field(default_factory=list)
    indent: int = 0
    mark: Mark = "info"
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


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

class _Outline:
    def __init__(self, context: int):
        self.blocks: list[Block] = []
        self.context = context

    def add(self, kind: str, *parts: Part | str, indent: int = 0, mark: Mark = "info") -> None:
        self.blocks.append(Block(kind, [p if isinstance(p, tuple) else ("", p) for p in parts],  # type: ignore[arg-type]
                                 indent, mark))

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
    o.add("h1", f"预算绩效目标对比：{report.old_label} → {report.new_label}")
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
        o.blocks.append(Block("table", header=header, rows=rows))
    for d in report.departments:
        if report.summary and not d.changed:
            continue
        _dept(o, d)
    if report.summary and not report.changed:
        o.add("p", "所有部门都没有变化。")
    return o.blocks


# -- text -----------------------------------------------------------------------------------------

_ANSI = {"del": "\x1b[31;9m", "ins": "\x1b[32m", "old": "\x1b[31m", "new": "\x1b[32m", "warn": "\x1b[33;1m", "b": "\x1b[1m", "dim": "\x1b[2m"}
_RESET = "\x1b[0m"
_MARK = {"add": "+", "remove": "-", "change": "~", "info": "·"}
_MARK_COLOR = {"add": "\x1b[32m", "remove": "\x1b[31m", "change": "\x1b[33m", "info": ""}


def width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, cols: int, right: bool = False) -> str:
    gap = " " * max(0, cols - width(text))
    return gap + text if right else text + gap


def _text_parts(parts: list[Part], color: bool) -> str:
    out = []
    for style, text in parts:
        if color and style in _ANSI:
            out.append(_ANSI[style] + text + _RESET)
        elif style == "del":
            out.append(f"[-{text}-]")
        elif style == "ins":
            out.append(f"{{+{text}+}}")
        else:
            out.append(text)
    return "".join(out)


def _text_table(b: Block) -> list[str]:
    cols = [max(width(r[k]) for r in [b.header] + b.rows) for k in range(len(b.header))]
    def line(row: list[str]) -> str:
        return "  ".join(_pad(cell, cols[k], right=k > 0) for k, cell in enumerate(row)).rstrip()
    out = [line(b.header), "  ".join("-" * c for c in cols)]
    out += [line(r) for r in b.rows]
    return out


def as_text(report: DiffReport, color: bool = False, context: int = 20) -> str:
    """Plain text; with `color`, deletions red struck through and insertions green (ANSI)."""
    lines: list[str] = []
    for b in outline(report, context):
        if b.kind == "h1":
            lines += [_text_parts(b.parts, color), ""]
        elif b.kind == "h2":
            text = "■ " + _text_parts(b.parts, False)
            lines += ([] if lines and lines[-1] == "" else [""]) + [(_ANSI["b"] + text + _RESET) if color else text]
        elif b.kind == "h3":
            lines += ["", f"【{_text_parts(b.parts, color)}】"]
        elif b.kind == "p":
            lines.append(_text_parts(b.parts, color))
        elif b.kind == "item":
            mark = _MARK[b.mark]
            if color and _MARK_COLOR[b.mark]:
                mark = _MARK_COLOR[b.mark] + mark + _RESET
            lines.append("  " * (b.indent + 1) + mark + " " + _text_parts(b.parts, color))
        elif b.kind == "table":
            lines += _text_table(b)
    if not color:
        lines += ["", "说明：[-…-] 为删除的文字，{+…+} 为新增的文字；⚠ 标出目标降低或方向改变的指标。"]
    return "\n".join(lines).strip("\n") + "\n"


# -- Markdown --------------------------------------------------------------------------------------

_MD_SPECIAL = "\\`*_[]|~#"


def md_escape(text: str) -> str:
    text = html.escape(text, quote=False)
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def _md_parts(parts: list[Part]) -> str:
    out = []
    for style, text in parts:
        t = md_escape(text)
        if not text:
            continue
        if style == "del":
            out.append(f"<del>{t}</del>")
        elif style == "ins":
            out.append(f"<ins>{t}</ins>")
        elif style in ("warn", "b"):
            out.append(f"**{t.strip()}**" + (" " if text.endswith(" ") else ""))
        elif style == "dim":
            out.append(f"<sub>{t}</sub>")
        elif style in ("old", "new"):
            out.append(f"`{text}`" if "`" not in text else t)
        else:
            out.append(t)
    return "".join(out)


def as_markdown(report: DiffReport, context: int = 20) -> str:
    """GitHub/GitLab Markdown: <del>/<ins> for the edits, a table for the summary."""
    lines: list[str] = []
    for b in outline(report, context):
        if b.kind in ("h1", "h2", "h3"):
            level = {"h1": "#", "h2": "##", "h3": "###"}[b.kind]
            lines += ["", f"{level} {_md_parts(b.parts)}", ""]
        elif b.kind == "p":
            lines += [_md_parts(b.parts), ""]
        elif b.kind == "item":
            if lines and lines[-1] == "" and len(lines) >= 2 and lines[-2].lstrip().startswith("- "):
                lines.pop()
            lines.append("  " * b.indent + "- " + _md_parts(b.parts))
        elif b.kind == "table":
            lines.append("| " + " | ".join(md_escape(h) for h in b.header) + " |")
            lines.append("|" + "|".join(["---"] + ["---:"] * (len(b.header) - 1)) + "|")
            lines += ["| " + " | ".join(md_escape(c) for c in r) + " |" for r in b.rows]
            lines.append("")
    text = "\n".join(lines).strip("\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text + "\n"


# -- HTML ------------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;max-width:60em;margin:2em auto;
padding:0 1em;line-height:1.7;color:#222}
h1{font-size:1.5em;border-bottom:2px solid #444}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #bbb}
h3{font-size:1.05em;margin-bottom:.3em}
del{background:#fde2e2;color:#a00;text-decoration:line-through}ins{background:#dcfce7;color:#065f46;text-decoration:none}
.warn{color:#b45309;font-weight:bold}.dim{color:#777;font-size:.9em}.old{color:#a00}.new{color:#065f46}
ul{margin:.2em 0;padding-left:1.4em}li{margin:.15em 0}
li.add{list-style-type:"＋ ";color:#065f46}li.remove{list-style-type:"－ ";color:#a00}li.change{list-style-type:"～ "}
li.add>span,li.remove>span{color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:.2em .6em}td{text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f3f4f6}
""".strip()


def _html_parts(parts: list[Part]) -> str:
    out = []
    for style, text in parts:
        t = html.escape(text)
        if style == "del":
            out.append(f"<del>{t}</del>")
        elif style == "ins":
            out.append(f"<ins>{t}</ins>")
        elif style == "b":
            out.append(f"<b>{t}</b>")
        elif style in ("warn", "dim", "old", "new"):
            out.append(f'<span class="{style}">{t}</span>')
        else:
            out.append(t)
    return "".join(out)


def as_html(report: DiffReport, context: int = 20) -> str:
    """One self-contained page (inline CSS, no scripts, no external files)."""
    title = html.escape(f"预算绩效目标对比：{report.old_label} → {report.new_label}")
    body: list[str] = []
    depth = 0  # open <ul> levels

    def close_to(level: int) -> None:
        nonlocal depth
        while depth > level:
            body.append("</li></ul>")
            depth -= 1

    for b in outline(report, context):
        if b.kind != "item":
            close_to(0)
        if b.kind in ("h1", "h2", "h3"):
            body.append(f"<{b.kind}>{_html_parts(b.parts)}</{b.kind}>")
        elif b.kind == "p":
            body.append(f"<p>{_html_parts(b.parts)}</p>")
        elif b.kind == "table":
            head = "".join(f"<th>{html.escape(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in b.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        else:
            level = b.indent + 1
            if level > depth:
                while depth < level:
                    body.append("<ul>")
                    depth += 1
            else:
                close_to(level)
                body.append("</li>")
            body.append(f'<li class="{b.mark}"><span>{_html_parts(b.parts)}</span>')
    close_to(0)
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


# -- JSON ------------------------------------------------------------------------------------------

def as_json(report: DiffReport) -> str:
    """Stable JSON: fixed key order, amounts as strings in 元, full texts with their segments."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"


def render(report: DiffReport, fmt: str, color: bool = False, context: int = 20) -> str:
    if fmt == "json":
        return as_json(report)
    if fmt == "md":
        return as_markdown(report, context)
    if fmt == "html":
        return as_html(report, context)
    return as_text(report, color, context)
