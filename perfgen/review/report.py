"""Presenting a review: text for the terminal, Markdown, a self-contained HTML page, and JSON.

Every form carries the same content in the same order: per department-year a summary, then each
graded subject (department part first, then the projects in document order) with its grade, the
reasons and the findings, and at the end what each rule that fired checks and why.
"""
from __future__ import annotations

import html
import json
from typing import Any

from perfgen.errors import SEVERITY_CN, Finding
from perfgen.review.engine import ReviewReport, SubjectReview, YearReview

FORMATS = ("text", "md", "html", "json")
GRADE_ORDER = ("差", "中", "良", "优")

_ANSI = {"error": "31", "warning": "33", "info": "36", "bold": "1", "dim": "2",
         "差": "1;31", "中": "1;33", "良": "1;34", "优": "1;32"}


def render(report: ReviewReport, fmt: str, color: bool = False) -> str:
    if fmt == "text":
        return as_text(report, color)
    if fmt == "md":
        return as_markdown(report)
    if fmt == "html":
        return as_html(report)
    if fmt == "json":
        return as_json(report)
    raise ValueError(fmt)


# ── shared wording ───────────────────────────────────────────────────────────────────────


def _title(s: SubjectReview) -> str:
    return f"{s.number}. {s.name}" if s.number is not None else s.name


def _year_heading(y: YearReview) -> str:
    return f"{y.department.name} {y.year} 年"


def _grades_line(subjects: list[SubjectReview]) -> str:
    counts = {g: sum(1 for s in subjects if s.grade and s.grade.letter == g) for g in GRADE_ORDER}
    return "，".join(f"{g} {counts[g]}" for g in GRADE_ORDER)


def _counts_line(findings: list[Finding]) -> str:
    n = {sev: sum(1 for f in findings if f.severity == sev) for sev in ("error", "warning", "info")}
    return f"错误 {n['error']}，警告 {n['warning']}，提示 {n['info']}"


def _year_summary(y: YearReview) -> str:
    findings = [f for s in y.subjects for f in s.findings]
    return f"审核 {len(y.subjects)} 项（{_grades_line(y.subjects)}）；{_counts_line(findings)}。"


def summary(report: ReviewReport) -> str:
    return f"合计：审核 {len(report.subjects)} 项（{_grades_line(report.subjects)}）；{_counts_line(report.findings)}。"


def _rule_titles(report: ReviewReport) -> dict[str, str]:
    return {r.code: r.title for r in report.ruleset.rules.values()}


def _rules_line(report: ReviewReport) -> str:
    return f"审核规则：{report.ruleset.name}（" + " ← ".join(report.ruleset.files) + "）"


# ── text ─────────────────────────────────────────────────────────────────────────────────


def as_text(report: ReviewReport, color: bool = False) -> str:
    def paint(style: str, text: str) -> str:
        return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if color else text

    titles = _rule_titles(report)
    out = [paint("bold", "绩效目标审核报告"), _rules_line(report), ""]
    for y in report.years:
        out.append(paint("bold", f"━━ {_year_heading(y)} ━━"))
        out.append(_year_summary(y))
        out.append("")
        for s in y.subjects:
            letter = s.grade.letter if s.grade else "—"
            out.append(paint("bold", f"■ {_title(s)}") + "　建议评级：" + paint(letter if letter in _ANSI else "bold", letter))
            if s.grade:
                out.append(f"  理由：{s.grade.reasons[0]}" + ("；" + "、".join(s.grade.reasons[1:]) if s.grade.reasons[1:] else ""))
            hinted: set[str] = set()
            for f in s.findings:
                sev = paint(f.severity, SEVERITY_CN[f.severity])
                head = f"  {f.location}: {sev}【{titles.get(f.code, f.code)}】"
                head += f"{f.breadcrumb}: " if f.breadcrumb else ""
                out.append(head + f.message)
                if f.hint and f.hint not in hinted:  # the same advice once per project is enough
                    out.append(paint("dim", f"      提示：{f.hint}"))
                    hinted.add(f.hint)
            out.append("")
    fired = report.fired_rules()
    if fired:
        out.append(paint("bold", "规则说明"))
        for r in fired:
            out.append(f"  {r.title}（{r.code}，{r.criterion}，{SEVERITY_CN[r.severity]}）：{r.explanation}")
        out.append("")
    out.append(summary(report))
    return "\n".join(out)


# ── Markdown ─────────────────────────────────────────────────────────────────────────────


def _md(text: object) -> str:
    """Text safe inside a Markdown table cell or list item."""
    s = str(text).replace("\\", "\\\\").replace("\n", " ")
    for ch in "|*_`<>[]":
        s = s.replace(ch, "\\" + ch)
    return s


def as_markdown(report: ReviewReport) -> str:
    titles = _rule_titles(report)
    out = ["# 绩效目标审核报告", "", _md(_rules_line(report)) + "。" + _md(summary(report)), ""]
    for y in report.years:
        out += [f"## {_md(_year_heading(y))}", "", _md(_year_summary(y)), "",
                "| 序号 | 名称 | 建议评级 | 错误 | 警告 | 提示 | 主要理由 |", "|---|---|---|---|---|---|---|"]
        for s in y.subjects:
            out.append(f"| {s.number if s.number is not None else '—'} | {_md(s.name)} | **{s.grade.letter if s.grade else '—'}** | "
                       f"{s.count('error')} | {s.count('warning')} | {s.count('info')} | "
                       f"{_md(s.grade.reasons[0]) if s.grade else ''} |")
        out.append("")
        for s in y.subjects:
            out += [f"### {_md(_title(s))}：{s.grade.letter if s.grade else '—'}", ""]
            if s.grade:
                out.append(f"**理由**：{_md(s.grade.reasons[0])}")
                if s.grade.reasons[1:]:
                    out += [""] + [f"- {_md(r)}" for r in s.grade.reasons[1:]]
            if s.findings:
                out.append("")
            for f in s.findings:
                where = f"`{f.location}`"
                crumb = f"{_md(f.breadcrumb)}：" if f.breadcrumb else ""
                out.append(f"1. **{SEVERITY_CN[f.severity]}**【{_md(titles.get(f.code, f.code))}】{where} {crumb}{_md(f.message)}")
                if f.hint:
                    out.append(f"   提示：{_md(f.hint)}")
            out.append("")
    fired = report.fired_rules()
    if fired:
        out += ["## 规则说明", "", "| 规则 | 代码 | 准则 | 级别 | 说明 |", "|---|---|---|---|---|"]
        out += [f"| {_md(r.title)} | `{r.code}` | {r.criterion} | {SEVERITY_CN[r.severity]} | {_md(r.explanation)} |" for r in fired]
        out.append("")
    return "\n".join(out)


# ── HTML ─────────────────────────────────────────────────────────────────────────────────

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em auto;
       max-width: 72em; padding: 0 1em; color: #222; line-height: 1.5; }
h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
h3 { margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.n { text-align: right; white-space: nowrap; }
.grade { display: inline-block; min-width: 1.6em; text-align: center; font-weight: bold; color: #fff;
         border-radius: .3em; padding: 0 .3em; }
.g-优 { background: #2e7d32; } .g-良 { background: #1565c0; } .g-中 { background: #ef6c00; } .g-差 { background: #c62828; }
.sev { font-weight: bold; white-space: nowrap; }
.sev-error { color: #c62828; } .sev-warning { color: #b26a00; } .sev-info { color: #00796b; }
.loc { font-family: monospace; font-size: .9em; color: #555; word-break: break-all; }
.hint { color: #555; } .reasons { margin: .3em 0; } .muted { color: #666; }
td.line { white-space: nowrap; color: #555; }
@media print { a { color: inherit; text-decoration: none; } h2 ~ h2 { page-break-before: always; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _badge(s: SubjectReview) -> str:
    letter = s.grade.letter if s.grade else "—"
    return f'<span class="grade g-{_e(letter)}">{_e(letter)}</span>'


def as_html(report: ReviewReport) -> str:
    titles = _rule_titles(report)
    parts = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>绩效目标审核报告</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
             "<h1>绩效目标审核报告</h1>", f'<p class="muted">{_e(_rules_line(report))}</p>', f"<p>{_e(summary(report))}</p>"]
    anchor = 0
    for y in report.years:
        parts += [f"<h2>{_e(_year_heading(y))}</h2>", f"<p>{_e(_year_summary(y))}</p>", "<table>",
                  "<tr><th>序号</th><th>名称</th><th>建议评级</th><th>错误</th><th>警告</th><th>提示</th><th>主要理由</th></tr>"]
        first = anchor
        for s in y.subjects:
            anchor += 1
            parts.append(f'<tr><td class="n">{s.number if s.number is not None else "—"}</td>'
                         f'<td><a href="#s{anchor}">{_e(s.name)}</a></td><td>{_badge(s)}</td>'
                         f'<td class="n">{s.count("error")}</td><td class="n">{s.count("warning")}</td>'
                         f'<td class="n">{s.count("info")}</td><td>{_e(s.grade.reasons[0]) if s.grade else ""}</td></tr>')
        parts.append("</table>")
        anchor = first
        for s in y.subjects:
            anchor += 1
            parts.append(f'<h3 id="s{anchor}">{_e(_title(s))} {_badge(s)}</h3>')
            if s.grade:
                parts.append('<ul class="reasons">' + "".join(f"<li>{_e(r)}</li>" for r in s.grade.reasons) + "</ul>")
            parts.append(f'<p class="loc">{_e(s.file)}</p>')
            if s.findings:
                parts += ["<table>", "<tr><th>位置</th><th>级别</th><th>问题</th><th>修改提示</th></tr>"]
                for f in s.findings:
                    crumb = f'<div class="muted">{_e(f.breadcrumb)}</div>' if f.breadcrumb else ""
                    line = f"第 {f.line} 行" if f.line is not None else ""
                    parts.append(f'<tr><td class="line">{_e(line)}</td>'
                                 f'<td class="sev sev-{f.severity}">{_e(SEVERITY_CN[f.severity])}</td>'
                                 f'<td><strong>{_e(titles.get(f.code, f.code))}</strong>{crumb}{_e(f.message)}</td>'
                                 f'<td class="hint">{_e(f.hint or "")}</td></tr>')
                parts.append("</table>")
    fired = report.fired_rules()
    if fired:
        parts += ["<h2>规则说明</h2>", "<table>", "<tr><th>规则</th><th>代码</th><th>准则</th><th>级别</th><th>说明</th></tr>"]
        parts += [f"<tr><td>{_e(r.title)}</td><td class=\"loc\">{_e(r.code)}</td><td>{_e(r.criterion)}</td>"
                  f"<td class=\"sev sev-{r.severity}\">{_e(SEVERITY_CN[r.severity])}</td><td>{_e(r.explanation)}</td></tr>"
                  for r in fired]
        parts.append("</table>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


# ── JSON ─────────────────────────────────────────────────────────────────────────────────


def _subject_json(s: SubjectReview, titles: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": s.kind, "id": s.id, "number": s.number, "name": s.name, "file": s.file,
        "grade": s.grade.letter if s.grade else None, "reasons": list(s.grade.reasons) if s.grade else [],
        "errors": s.count("error"), "warnings": s.count("warning"), "infos": s.count("info"),
        "indicators": s.stats.rows,
        "findings": [{**f.as_dict(), "rule": titles.get(f.code)} for f in s.findings],
    }


def as_json(report: ReviewReport) -> str:
    titles = _rule_titles(report)
    payload = {
        "rules": {"name": report.ruleset.name, "files": list(report.ruleset.files)},
        "summary": {"subjects": len(report.subjects), "grades": {g: report.grade_counts().get(g, 0) for g in GRADE_ORDER},
                    "errors": report.count("error"), "warnings": report.count("warning"), "infos": report.count("info")},
        "departments": [{"id": y.department.id, "name": y.department.name, "year": y.year,
                         "part": _subject_json(y.part, titles) if y.part else None,
                         "projects": [_subject_json(s, titles) for s in y.projects]} for y in report.years],
        "rules_fired": [{"code": r.code, "title": r.title, "criterion": r.criterion, "severity": r.severity,
                         "explanation": r.explanation, "count": sum(1 for f in report.findings if f.code == r.code)}
                        for r in report.fired_rules()],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
