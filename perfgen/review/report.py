"""Presenting a review: text for the terminal, Markdown, a self-contained HTML page, and JSON.

Every form carries the same content in the same order, because the three human forms are one
outline (perfgen.outline) rendered three ways: per department-year a summary and a table of
subjects, then each graded subject (department part first, then the projects in document order)
with its grade, the reasons and the findings, then what each rule that fired checks and why.
JSON is the review's plain data, for tools.
"""
from __future__ import annotations

import json
from typing import Any

from perfgen.errors import SEVERITY_CN, Finding
from perfgen.outline import FORMATS, Block, Outline
from perfgen.outline import as_text as outline_text
from perfgen.outline import render as render_outline
from perfgen.review.engine import ReviewReport, SubjectReview, YearReview

__all__ = ["FORMATS", "as_json", "as_text", "outline", "render", "summary"]

GRADE_ORDER = ("差", "中", "良", "优")
TITLE = "绩效目标审核报告"


def render(report: ReviewReport, fmt: str, color: bool = False) -> str:
    """The review in one of FORMATS."""
    return render_outline(outline(report), fmt, TITLE, lambda: as_json(report), color)


def as_text(report: ReviewReport, color: bool = False) -> str:
    return outline_text(outline(report), color)


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


# ── the outline ──────────────────────────────────────────────────────────────────────


def outline(report: ReviewReport) -> list[Block]:
    titles = _rule_titles(report)
    o = Outline()
    o.add("h1", TITLE)
    o.add("p", ("dim", _rules_line(report)))
    for y in report.years:
        o.add("h2", _year_heading(y))
        o.add("p", _year_summary(y))
        o.table(["序号", "名称", "建议评级", "错误", "警告", "提示", "主要理由"],
                [[str(s.number) if s.number is not None else "—", s.name, s.grade.letter if s.grade else "—",
                  str(s.count("error")), str(s.count("warning")), str(s.count("info")),
                  s.grade.reasons[0] if s.grade else ""] for s in y.subjects], numeric=False)
        for s in y.subjects:
            _subject(o, s, titles)
    fired = report.fired_rules()
    if fired:
        o.add("h2", "规则说明")
        for r in fired:
            o.add("item", ("b", r.title), f"（{r.code}，{r.criterion}，", (r.severity, SEVERITY_CN[r.severity]),
                  f"）：{r.explanation}")
    o.add("p", ("b", summary(report)))
    return o.blocks


def _subject(o: Outline, s: SubjectReview, titles: dict[str, str]) -> None:
    o.add("h3", _title(s), "　建议评级：", ("grade", s.grade.letter if s.grade else "—"))
    if s.grade:
        o.add("p", "理由：" + "；".join(s.grade.reasons))
    o.add("p", ("loc", s.file))
    hinted: set[str] = set()
    for f in s.findings:
        crumb = f"{f.breadcrumb}: " if f.breadcrumb else ""
        o.add("item", ("loc", f.location), ": ", (f.severity, SEVERITY_CN[f.severity]),
              f"【{titles.get(f.code, f.code)}】{crumb}{f.message}", mark="info")
        if f.hint and f.hint not in hinted:  # the same advice once per project is enough
            o.add("item", ("hint", f"提示：{f.hint}"), indent=1)
            hinted.add(f.hint)


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
