"""The suggested grade (优/良/中/差) of a project or department part, from its findings.

The ladder is data (评级 in the rules file): the first step whose condition holds decides, and its
sentence plus a count per rule become the reasons a reviewer reads. Shares count indicator rows, not
findings, so one bad row reported by two rules does not weigh twice.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from perfgen.errors import SEVERITY_CN, Finding
from perfgen.review.config import GradeStep, RuleSet
from perfgen.safeformat import fill

_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Grade:
    letter: str                       # 优 / 良 / 中 / 差
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowStats:
    """How many indicator rows a subject has, and how many of them have problems."""

    rows: int = 0
    error_rows: int = 0
    problem_rows: int = 0             # rows with an error or a warning

    def share(self, n: int) -> float:
        return 100.0 * n / self.rows if self.rows else 0.0


def _holds(step: GradeStep, counts: Counter[str], fired: set[str], stats: RowStats) -> bool:
    problems = counts["error"] + counts["warning"]
    checks = [
        not step.rules or bool(fired & set(step.rules)),
        step.min_errors is None or counts["error"] >= step.min_errors,
        step.min_warnings is None or counts["warning"] >= step.min_warnings,
        step.min_infos is None or counts["info"] >= step.min_infos,
        step.min_problems is None or problems >= step.min_problems,
        step.min_error_share is None or (stats.rows > 0 and stats.share(stats.error_rows) >= step.min_error_share),
        step.min_problem_share is None or (stats.rows > 0 and stats.share(stats.problem_rows) >= step.min_problem_share),
    ]
    return all(checks)


def breakdown(findings: list[Finding], ruleset: RuleSet) -> list[str]:
    """“指标值不是目标值 3 处（错误）” for each rule that fired, most severe and most frequent first."""
    by_code = Counter(f.code for f in findings)
    rules = {r.code: r for r in ruleset.rules.values()}
    lines = []
    for code, n in sorted(by_code.items(), key=lambda kv: (_ORDER[rules[kv[0]].severity] if kv[0] in rules else 3, -kv[1], kv[0])):
        r = rules.get(code)
        if r is not None:
            lines.append(f"{r.title} {n} 处（{SEVERITY_CN[r.severity]}）")
    return lines


def grade(findings: list[Finding], ruleset: RuleSet, stats: RowStats = RowStats()) -> Grade:
    counts: Counter[str] = Counter(f.severity for f in findings)
    fired = {f.code.removeprefix("review.") for f in findings}
    titles = {r.id: r.title for r in ruleset.rules.values()}
    for step in ruleset.grading:
        if _holds(step, counts, fired, stats):
            matched = [titles[r] for r in step.rules if r in fired]
            reason = fill(step.reason, {"错误": counts["error"], "警告": counts["warning"], "提示": counts["info"],
                                        "规则": "、".join(matched), "指标数": stats.rows, "错误指标": stats.error_rows,
                                        "问题指标": stats.problem_rows})
            return Grade(step.grade, (reason, *breakdown(findings, ruleset)))
    return Grade("优", ("没有需要修改的问题", *breakdown(findings, ruleset)))
