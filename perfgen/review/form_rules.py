"""Review rules of the national 申报表 forms (财预〔2015〕88号 family).

The 部门（单位）整体支出 form prints 金额合计 of its 年度主要任务 (computed, never typed). Where the
workspace also holds the department's projects for that year, the two totals should agree; a
difference is for the reviewer to judge (tasks may include basic expenditure), so it is a review
finding with the rules file's severity, not a validation error.
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from perfgen.model.amounts import format_wan
from perfgen.model.entities import DepartmentYear
from perfgen.review.registry import NUMBER, rule
from perfgen.review.rows import Issue, RuleContext


@rule("task-total", params={"允许差额万元": NUMBER}, facts=("金额合计", "项目合计", "项目数", "差额"))
def task_total(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """金额合计 of 年度主要任务 differs from the sum of the year's project budgets."""
    g = dy.goals
    if g is None or not g.tasks or not dy.projects:
        return
    tasks = g.tasks_total.total
    projects = dy.total_budget
    allowed = Decimal(str(ctx.params["允许差额万元"])) * 10000
    if abs(tasks - projects) > allowed:
        yield Issue(None, g.source, ("年度主要任务",),
                    {"金额合计": format_wan(tasks), "项目合计": format_wan(projects), "项目数": len(dy.projects),
                     "差额": format_wan(abs(tasks - projects))}, key=True)
