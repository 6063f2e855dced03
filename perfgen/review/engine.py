"""`perfgen review` as a library call: validate, run the enabled rules, grade every project.

The review only runs on a workspace that validates: rules assume sound structure, and a reviewer's
report on a file that does not even load would mislead. Findings are grouped by what a reviewer
grades: each project, and the department part (goals.yaml) of each department-year.
"""
from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from perfgen.errors import Finding, UserError, sort_findings
from perfgen.load import load_workspace
from perfgen.loaded import LoadResult
from perfgen.model.entities import Department, DepartmentYear
from perfgen.review.config import RuleConfig, RuleSet, load_ruleset
from perfgen.review.grading import Grade, RowStats, grade
from perfgen.review.rows import Issue, RuleContext, department_rows, project_rows
from perfgen.review.rules import specs
from perfgen.safeformat import fill

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass
class ReviewOptions:
    years: list[int] | None = None
    departments: list[str] | None = None
    rules: str | None = None          # a rules name (rules/<name>.yaml) or a path; default: "default"


@dataclass
class SubjectReview:
    """What gets a grade: one project, or the department part of a department-year."""

    kind: str                         # "project" or "department"
    name: str
    file: str
    id: str | None = None             # project id
    number: int | None = None         # the project's number in the document (1.见义勇为基金绩效目标表)
    findings: list[Finding] = field(default_factory=list)
    grade: Grade | None = None
    stats: RowStats = RowStats()

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class YearReview:
    department: Department
    year: int
    part: SubjectReview | None
    projects: list[SubjectReview]

    @property
    def subjects(self) -> list[SubjectReview]:
        return ([self.part] if self.part else []) + self.projects


@dataclass
class ReviewReport:
    ruleset: RuleSet
    years: list[YearReview]

    @property
    def subjects(self) -> list[SubjectReview]:
        return [s for y in self.years for s in y.subjects]

    @property
    def findings(self) -> list[Finding]:
        return [f for s in self.subjects for f in s.findings]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def grade_counts(self) -> Counter[str]:
        return Counter(s.grade.letter for s in self.subjects if s.grade)

    def fired_rules(self) -> list[RuleConfig]:
        codes = {f.code for f in self.findings}
        return [r for r in self.ruleset.rules.values() if r.code in codes]

    def has_findings_at(self, severity: str) -> bool:
        """Any finding at `severity` or more severe (for --strict)."""
        return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[severity] for f in self.findings)


def review(root: Path, options: ReviewOptions | None = None) -> ReviewReport:
    """Review every selected department-year of the workspace at `root`."""
    options = options or ReviewOptions()
    from perfgen.selection import errors_for
    result = load_workspace(root)
    errors = errors_for(result.findings, options.departments, options.years)  # only what is reviewed
    if errors:
        raise UserError(f"数据有 {len(errors)} 个错误，未进行审核", "先按上面的提示修改（也可以运行 perfgen validate "
                        "查看全部问题），数据通过检查后再审核。", findings=errors)
    ruleset = load_ruleset(root, options.rules)
    return review_loaded(result, ruleset, select(result, options))


def select(result: LoadResult, options: ReviewOptions) -> list[DepartmentYear]:
    from perfgen.selection import select as select_years
    return select_years(result.workspace, options.years, options.departments, "审核")


def review_loaded(result: LoadResult, ruleset: RuleSet, plan: list[DepartmentYear]) -> ReviewReport:
    return ReviewReport(ruleset, [_review_year(result, ruleset, dy) for dy in plan])


def _run_rules(result: LoadResult, ruleset: RuleSet, dy: DepartmentYear) -> list[tuple[RuleConfig, Issue]]:
    registry = specs()
    raised: dict[str, list[Issue]] = {}
    for cfg in ruleset.enabled:
        raised[cfg.id] = list(registry[cfg.id].func(dy, RuleContext(cfg.params, result)))
    rows_of = {rid: {(i.row.source.file, i.row.source.path) for i in issues if i.row is not None}
               for rid, issues in raised.items()}
    kept = []
    for cfg in ruleset.enabled:
        deferred = set().union(*(rows_of.get(d, set()) for d in registry[cfg.id].defer_to))
        for issue in raised[cfg.id]:
            if issue.row is not None and (issue.row.source.file, issue.row.source.path) in deferred:
                continue
            kept.append((cfg, issue))
    return kept


def _finding(result: LoadResult, cfg: RuleConfig, issue: Issue) -> Finding:
    facts = issue.facts
    f = result.finding(issue.source, issue.at, fill(cfg.message, facts, missing=""), fill(cfg.hint, facts, missing=""),
                       cfg.code, cfg.severity, key=issue.key)
    row = issue.row
    if row is not None and row.project is not None:
        crumb = f"项目 › 绩效指标 › {row.level2}「{row.level3 or '（未填）'}」"
        if issue.at:
            crumb += f" › {issue.at[-1]}"
        f = dataclasses.replace(f, breadcrumb=crumb)
    return f


def _stats(rows: int, issues: list[tuple[RuleConfig, Issue]]) -> RowStats:
    def keys(severities: tuple[str, ...]) -> set[tuple[str, tuple[str | int, ...]]]:
        return {(i.row.source.file, i.row.source.path) for cfg, i in issues if i.row is not None and cfg.severity in severities}
    return RowStats(rows, len(keys(("error",))), len(keys(("error", "warning"))))


def _review_year(result: LoadResult, ruleset: RuleSet, dy: DepartmentYear) -> YearReview:
    by_project: dict[str, list[tuple[RuleConfig, Issue]]] = defaultdict(list)
    part_issues: list[tuple[RuleConfig, Issue]] = []
    for cfg, issue in _run_rules(result, ruleset, dy):
        if issue.project is not None:
            by_project[issue.project.id].append((cfg, issue))
        else:
            part_issues.append((cfg, issue))

    def subject(kind: str, name: str, file: str, issues: list[tuple[RuleConfig, Issue]], rows: int,
                pid: str | None = None, number: int | None = None) -> SubjectReview:
        findings = sort_findings([_finding(result, cfg, i) for cfg, i in issues])
        stats = _stats(rows, issues)
        return SubjectReview(kind, name, file, pid, number, findings, grade(findings, ruleset, stats), stats)

    part = None
    g = dy.goals
    if part_issues or (g is not None and (g.overall or g.subgoals or g.measures or g.dept_table)):
        part = subject("department", "部门整体绩效目标", g.source.file if g else "", part_issues, len(department_rows(dy)))
    projects = [subject("project", p.name, p.source.file, by_project[p.id], len(project_rows(p)), p.id, n)
                for n, p in enumerate(dy.projects, 1)]
    return YearReview(dy.department, dy.year, part, projects)
