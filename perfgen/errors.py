"""One error hierarchy for the whole tool.

User-facing problems are `Finding`s (located, Chinese, with a hint) collected per run and
reported together; `PerfgenError` subclasses stop a command. The CLI maps `UserError` to exit 1,
`UsageError` to exit 2, and anything else is a bug (exit 3, with a traceback only under --debug).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]

SEVERITY_CN: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
# the words a rules file (级别) and `review --severity` accept for each severity
SEVERITY_WORDS: dict[str, Severity] = {"错误": "error", "警告": "warning", "提示": "info",
                                       "error": "error", "warning": "warning", "info": "info"}


@dataclass(frozen=True)
class Finding:
    """A problem found in a user's file: where it is, what is wrong, how to fix it."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    breadcrumb: str | None = None
    code: str = "error"
    severity: Severity = "error"

    @property
    def location(self) -> str:
        loc = self.file
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def format(self) -> str:
        head = f"{self.location}: {SEVERITY_CN[self.severity]}: "
        if self.breadcrumb:
            head += f"{self.breadcrumb}: "
        text = head + self.message
        if self.hint:
            text += f"\n    提示：{self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "field": self.breadcrumb,
            "message": self.message,
            "hint": self.hint,
        }


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.column or 0, f.code, f.message))


class PerfgenError(Exception):
    """Base of every error perfgen raises on purpose."""


class UserError(PerfgenError):
    """Bad input or environment the user can fix: reported in Chinese, exit code 1."""

    def __init__(self, message: str, hint: str | None = None, findings: list[Finding] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.findings: list[Finding] = findings or []

    def __reduce__(self) -> tuple[type[UserError], tuple[str, str | None, list[Finding]]]:  # keep hint and findings when raised in a worker process
        return (type(self), (self.message, self.hint, self.findings))


class UsageError(PerfgenError):
    """The command line itself is wrong: exit code 2."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass
class FindingList:
    """Collects findings during a run; `errors` decides the exit code."""

    items: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.items.append(finding)

    def extend(self, findings: list[Finding]) -> None:
        self.items.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.severity == "error"]
