"""The finance bureau's summary of a year's results: per department and for the whole county,
the self-evaluation scores (distribution, grades) and execution against the spending plan.

A use case returning data; summary_report.py presents it (text, Markdown, HTML with charts, JSON).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from perfgen.errors import UserError
from perfgen.model.entities import DepartmentYear
from perfgen.results.load import scoring_rules
from perfgen.results.scoring import Scorecard
from perfgen.results.views import month

HUNDRED = Decimal(100)


@dataclass
class Progress:
    """Execution at one checkpoint, summed over the projects monitored then."""

    label: str
    budget: Decimal
    executed: Decimal
    planned: Decimal           # Σ plan% × budget / 100 over the projects whose plan has this checkpoint
    planned_budget: Decimal = Decimal(0)   # Σ budget of those projects

    @property
    def rate(self) -> Decimal | None:
        return self.executed / self.budget * HUNDRED if self.budget else None

    @property
    def plan_rate(self) -> Decimal | None:
        """The budget-weighted plan; None when no monitored project has a plan for this checkpoint."""
        return self.planned / self.planned_budget * HUNDRED if self.planned_budget else None


@dataclass
class Line:
    """One department-year, or the county (department None)."""

    name: str
    year: int
    dept_id: str | None
    scores: list[tuple[str, Decimal, str]] = field(default_factory=list)   # (project, total, grade)
    budget: Decimal = Decimal(0)        # Σ A of the self-evaluations
    executed: Decimal = Decimal(0)      # Σ B
    progress: list[Progress] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        return sum((s for _, s, _ in self.scores), Decimal(0)) / len(self.scores) if self.scores else None

    @property
    def rate(self) -> Decimal | None:
        return self.executed / self.budget * HUNDRED if self.budget else None

    def grades(self, order: tuple[str, ...]) -> dict[str, int]:
        return {g: sum(1 for _, _, x in self.scores if x == g) for g in order}


@dataclass
class Summary:
    title: str
    grades: tuple[str, ...]             # the bands of rules/scoring.yaml, best first
    floors: tuple[Decimal, ...]
    decimals: int
    lines: list[Line]                   # departments, then per year the county line

    def r(self, value: Decimal | None, places: int | None = None) -> str:
        if value is None:
            return "—"
        q = Decimal(1).scaleb(-(self.decimals if places is None else places))
        return str(value.quantize(q, rounding=ROUND_HALF_UP))


def _line(dy: DepartmentYear) -> Line:
    line = Line(dy.department.name, dy.year, dy.department.id)
    by_label: dict[str, Progress] = {}
    for p in dy.projects:
        res = dy.results.get(p.id)
        if res is None:
            continue
        card = res.scorecard
        if res.evaluation is not None and isinstance(card, Scorecard):
            line.scores.append((p.name, card.total, card.grade))
            line.budget += res.evaluation.budget.total
            line.executed += res.evaluation.executed.total
        for cp in res.checkpoints:
            prog = by_label.setdefault(cp.label, Progress(cp.label, Decimal(0), Decimal(0), Decimal(0)))
            prog.budget += cp.budget
            prog.executed += cp.executed
            plan = p.spending_plan.get(cp.label)
            if plan is not None:
                prog.planned += plan * cp.budget / HUNDRED
                prog.planned_budget += cp.budget
    line.progress = [by_label[k] for k in sorted(by_label, key=month)]
    return line


def _county(year: int, lines: list[Line]) -> Line:
    county = Line("全县合计", year, None)
    by_label: dict[str, Progress] = {}
    for line in lines:
        county.scores += line.scores
        county.budget += line.budget
        county.executed += line.executed
        for prog in line.progress:
            total = by_label.setdefault(prog.label, Progress(prog.label, Decimal(0), Decimal(0), Decimal(0)))
            total.budget += prog.budget
            total.executed += prog.executed
            total.planned += prog.planned
            total.planned_budget += prog.planned_budget
    county.progress = [by_label[k] for k in sorted(by_label, key=month)]
    return county


def summarize(root: Path, years: list[int] | None = None, departments: list[str] | None = None) -> Summary:
    """Load and validate the workspace, then summarize the results of the selected years."""
    from perfgen.load import load_workspace
    from perfgen.selection import select
    result = load_workspace(root)
    if result.errors:
        raise UserError(f"数据有 {len(result.errors)} 个错误，未生成汇总", "先按提示修改（perfgen validate 列出全部问题）。",
                        findings=result.errors)
    rules = scoring_rules(root)
    chosen = [dy for dy in select(result.workspace, years, departments, "汇总") if dy.results]
    if not chosen:
        raise UserError("所选年度和部门没有监控或自评结果", "结果写在 departments/<部门>/<年度>/results/<项目>.yaml；"
                        "可用 perfgen new results <部门> <项目> 新建。")
    lines: list[Line] = []
    for year in sorted({dy.year for dy in chosen}):
        dept_lines = [_line(dy) for dy in chosen if dy.year == year]
        lines += dept_lines + [_county(year, dept_lines)]
    return Summary(f"{result.workspace.settings.issuer}项目支出绩效监控和自评汇总", tuple(b.grade for b in rules.bands),
                   tuple(b.floor for b in rules.bands), rules.decimals, lines)
