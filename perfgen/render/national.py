"""View of the national 申报表 forms (财预〔2015〕88号 family) for their templates.

The 项目支出绩效目标申报表 prints each project with 中期 and 年度 side by side: amounts, numbered
goals, and indicator rows paired per 二级 category (中期 on the left, 年度 on the right, empty
categories kept as 指标1：/指标2： rows). The 部门（单位）整体支出绩效目标申报表 prints the
department's 年度主要任务 with a computed 金额合计, its numbered goals and its indicators.
Every label, format and count comes from the layout (templates/national-*/layout.yaml and 版式
overrides); this module only arranges the data. Templates reach it as `national` (None for
templates whose layout has no 表格行, i.e. forms that are not of this family).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfgen.model.amounts import format_wan, plain
from perfgen.model.entities import Budget, DepartmentYear, Indicator, Project
from perfgen.model.layout import fill, keep_flags, number_fields
from perfgen.model.taxonomy import Taxonomy

# Views are plain dicts: Jinja reads {{ q.name }} from a dict key as well, and importing
# render.context's View here would make an import cycle (context calls national_view).
View = dict

BLANK_YEAR = "\u3000\u3000"  # 中期目标（　　年－　　年） when a project has no 中期


def _wan(amount: Decimal | None, L: dict[str, Any]) -> str:
    if amount is None:
        return ""
    return fill(L["金额格式"], 金额万元=format_wan(amount))


def _amounts(b: Budget | None, L: dict[str, Any]) -> dict[str, Any]:
    return View(total=_wan(b.total if b else None, L), fiscal=_wan(b.fiscal if b else None, L),
                other=_wan(b.other if b else None, L))


def numbered(lines: list[str], L: dict[str, Any]) -> list[str]:
    """目标1：… 目标2：… — the numbering format is the layout's 目标编号."""
    return [fill(L["目标编号"], **number_fields(i)) + line for i, line in enumerate(lines, start=1)]


def _split(ind: Indicator) -> tuple[str, str, str]:
    """符号 / 值 / 单位 for forms that print them apart; a one-string 指标值 is taken apart."""
    if ind.number_text:
        return ind.sign, ind.number_text, ind.unit
    v = ind.value
    if v is not None and v.number is not None:
        return v.operator or "", plain(v.number), v.unit
    return "", ind.value_text, ""


def _categories(tax: Taxonomy | None, *groups: list[Indicator]) -> list[tuple[str, str]]:
    """(一级, 二级) in the profile's order, then any others in the order they appear."""
    seen: list[tuple[str, str]] = [(l1, l2) for l1, l2s in tax.levels for l2 in l2s] if tax else []
    for group in groups:
        for ind in group:
            if (ind.level1, ind.level2) not in seen:
                seen.append((ind.level1, ind.level2))
    return seen


def _cell(ind: Indicator | None, k: int, empty_side: bool, L: dict[str, Any]) -> dict[str, Any]:
    """One side of a row: a real indicator, a placeholder (指标N：), or blank."""
    if ind is None or ind.placeholder:
        label = fill(L["占位标签"], **number_fields(k)) if (empty_side or ind is not None) else ""
        return View(l3=label, value="", sign="", number="", unit="", placeholder=True)
    sign, number, unit = _split(ind)
    return View(l3=ind.level3, value=ind.value_text, sign=sign, number=number, unit=unit, placeholder=False)


def indicator_rows(tax: Taxonomy | None, L: dict[str, Any], *sides: list[Indicator]) -> list[dict[str, Any]]:
    """Rows of an indicator table with one or more sides (年度 alone, or 中期 and 年度).

    Each 二级 category gets as many rows as its longest side; a category empty on every side keeps
    `占位行数` placeholder rows when the layout says 空类别占位. `l1_first`/`l2_first` start merged runs."""
    keep_empty = bool(L.get("空类别占位", False))
    per_empty = int(L.get("占位行数", 1))
    rows: list[dict[str, Any]] = []
    prev_l1 = None
    for l1, l2 in _categories(tax, *sides):
        lists = [[i for i in side if (i.level1, i.level2) == (l1, l2)] for side in sides]
        n = max(len(x) for x in lists)
        if n == 0:
            if not keep_empty:
                continue
            n = per_empty
        for k in range(n):
            cells = [_cell(x[k] if k < len(x) else None, k + 1, not x, L) for x in lists]
            rows.append(View(l1=l1, l2=l2, l1_first=l1 != prev_l1, l2_first=k == 0, cells=cells))
            prev_l1 = l1
    keep_flags(rows, L["指标组不跨页"])
    return rows


def _period(p: Project, L: dict[str, Any]) -> str:
    if p.period:
        return p.period
    m = p.midterm
    return fill(L["项目期格式"], 开始年度=m.first_year, 结束年度=m.last_year) if m else ""


def project_form(p: Project, dy: DepartmentYear) -> dict[str, Any]:
    L = dy.layout
    d = dy.department
    m = p.midterm
    first, last = (m.first_year, m.last_year) if m else (BLANK_YEAR, BLANK_YEAR)
    return View(
        id=p.id, name=p.name,
        competent=p.competent_dept or d.competent_dept or "",
        implementing=p.implementing_unit or d.short_name or d.name,
        attribute=p.attribute or "", period=_period(p, L),
        mid=_amounts(m.budget if m else None, L), year=_amounts(p.budget, L),
        mid_goals_head=fill(L["中期目标栏"], 开始年度=first, 结束年度=last),
        mid_goals=numbered(m.goals if m else [], L), goals=numbered(p.goals, L),
        rows=indicator_rows(dy.taxonomy, L, m.indicators if m else [], p.indicators))


def national_view(dy: DepartmentYear) -> dict[str, Any] | None:
    """What the national forms print for one department and year; None for other forms."""
    L = dy.layout
    if "表格行" not in L:
        return None
    g = dy.goals
    tasks = [View(name=t.name, content=t.content, amounts=_amounts(Budget(t.total, t.fiscal, t.other), L))
             for t in (g.tasks if g else [])]
    return View(
        title=fill(L["表名"], 年度=dy.year),
        year_line=fill(L["年度行"], 年度=dy.year),
        # per-project tables only for a layout that has the project form's keys (national-project)
        projects=[project_form(p, dy) for p in dy.projects] if "中期目标栏" in L else [],
        tasks=tasks,
        tasks_total=_amounts(g.tasks_total if g else None, L),
        goals=numbered(g.overall if g else [], L),
        rows=indicator_rows(dy.taxonomy, L, g.indicators if g else []),
    )
