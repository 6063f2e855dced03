"""Presenting findings: one outline (perfgen.outline) as text, Markdown or HTML, and JSON for CI.

The text form is what `perfgen validate` has always printed, one `Finding.format()` per problem and
a summary line; the other forms carry the same content in the same order.
"""
from __future__ import annotations

import json

from perfgen.errors import SEVERITY_CN, Finding, sort_findings
from perfgen.outline import FORMATS, Block, Outline
from perfgen.outline import render as render_outline

__all__ = ["FORMATS", "as_json", "as_text", "outline", "render", "summary"]

TITLE = "perfgen validate：检查结果"


def summary(findings: list[Finding], files: int) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    if not errors and not warnings:
        return f"检查了 {files} 个文件，没有发现问题。"
    return f"检查了 {files} 个文件：{errors} 个错误，{warnings} 个警告。"


def outline(findings: list[Finding], files: int) -> list[Block]:
    o = Outline()
    for f in sort_findings(findings):
        crumb = f"{f.breadcrumb}: " if f.breadcrumb else ""
        o.add("p", ("loc", f.location), ": ", (f.severity, SEVERITY_CN[f.severity]), f": {crumb}{f.message}")
        if f.hint:
            o.add("p", ("hint", f"提示：{f.hint}"), indent=2)
    o.add("p", summary(findings, files))
    return o.blocks


def render(findings: list[Finding], files: int, fmt: str, color: bool = False) -> str:
    """The findings in one of FORMATS."""
    return render_outline(outline(findings, files), fmt, TITLE, lambda: as_json(findings, files), color)


def as_text(findings: list[Finding], files: int) -> str:
    return render(findings, files, "text").rstrip("\n")


def as_json(findings: list[Finding], files: int) -> str:
    payload = {
        "files": files,
        "errors": sum(1 for f in findings if f.severity == "error"),
        "warnings": sum(1 for f in findings if f.severity == "warning"),
        "findings": [f.as_dict() for f in sort_findings(findings)],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
