"""Presenting findings: a readable Chinese text form and a JSON form for CI."""
from __future__ import annotations

import json

from perfgen.errors import Finding, sort_findings


def summary(findings: list[Finding], files: int) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    if not errors and not warnings:
        return f"检查了 {files} 个文件，没有发现问题。"
    return f"检查了 {files} 个文件：{errors} 个错误，{warnings} 个警告。"


def as_text(findings: list[Finding], files: int) -> str:
    lines = [f.format() for f in sort_findings(findings)]
    lines.append(summary(findings, files))
    return "\n".join(lines)


def as_json(findings: list[Finding], files: int) -> str:
    payload = {
        "files": files,
        "errors": sum(1 for f in findings if f.severity == "error"),
        "warnings": sum(1 for f in findings if f.severity == "warning"),
        "findings": [f.as_dict() for f in sort_findings(findings)],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
