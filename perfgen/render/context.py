"""The view model handed to a template: every number, total and generated sentence, formatted.

Templates only place text; anything computed (section numbers, 万元 totals, the 资金安排 summary
sentence, which 一级 cell starts a merged run) is computed here, with wording taken from the layout
settings (templates/<name>/layout.yaml plus the department's and the year's 版式 overrides).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfgen.model.amounts import format_percent, format_wan, format_yuan
from perfgen.model.entities import DepartmentYear, Indicator, Project
from perfgen.model.layout import chinese_number, fill, number_fields


class View(dict[str, Any]):
    """A dict whose keys read as attributes in Jinja ({{ p.name }}); missing keys stay errors."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _rows(indicators: list[Indicator], layout: dict[str, Any]) -> list[View]:
    """Indicator rows with merge flags: l1_first / l2_first start a merged run of equal cells."""
    rows: list[View] = []
    prev_l1: str | None = None
    prev_l2: str | None = None
    counters: dict[tuple[str, str], int] = {}
    label = layout.get("占位标签", "指标{n}:")
    for ind in indicators:
        key = (ind.level1, ind.level2)
        counters[key] = counters.get(key, 0) + 1
        l3 = fill(label, **number_fields(counters[key])) if ind.placeholder else ind.level3
        rows.append(View(
            l1=ind.level1, l2=ind.level2, l3=l3, description=ind.description,
            value="" if ind.placeholder else ind.value_text, basis=ind.basis, placeholder=ind.placeholder,
            l1_first=ind.level1 != prev_l1, l2_first=(ind.level1, ind.level2) != (prev_l1, prev_l2)))
        prev_l1, prev_l2 = ind.level1, ind.level2
    return rows


def _with_empty_categories(project: Project, dy: DepartmentYear) -> list[Indicator]:
    """For forms that keep every category: add a placeholder row for each empty 二级 category."""
    tax = dy.taxonomy
    if tax is None or not dy.layout.get("空类别占位", False):
        return project.indicators
    from perfgen.model.entities import Source
    present = {(i.level1, i.level2) for i in project.indicators}
    result: list[Indicator] = []
    remaining = list(project.indicators)
    for l1, l2s in tax.levels:
        for l2 in l2s:
            block = [i for i in remaining if (i.level1, i.level2) == (l1, l2)]
            if block:
                result.extend(block)
            elif (l1, l2) not in present:
                result.append(Indicator(l1, l2, "", "", "", "", True, None, Source(project.source.file)))
    # anything not in the taxonomy order (should not pass validation) keeps its place at the end
    result.extend(i for i in remaining if i not in result)
    return result


def project_view(p: Project, n: int | None, dy: DepartmentYear) -> View:
    L = dy.layout
    zero = L.get("金额零值", "0")
    decimals = int(L.get("支出计划小数位", 2))
    milestones = list(L.get("支出计划节点", []) or [])
    raw_budget = p.raw.get("预算", {})
    wan = format_wan(p.budget.total)
    indicators = _with_empty_categories(p, dy)
    title = fill(L["项目表标题"], 项目名称=p.name, **number_fields(n)) if n and "项目表标题" in L else ""
    name_line = fill(L["项目名称格式"], 项目名称=p.name, **number_fields(n or 0)) if "项目名称格式" in L else p.name
    explanation = None
    if p.explanation is not None:
        e = p.explanation
        summary = e.funding_summary
        if summary is None:
            summary = fill(L.get("说明资金总述", ""), 年度=dy.year, 金额万元=wan, 项目名称=p.name)
            if e.funding_items:
                summary += L.get("说明资金明细引导", "")
        explanation = View(
            office=p.office or "",
            title=e.title or fill(L.get("说明标题", "{项目名称}"), 项目名称=p.name),
            overview=e.overview, summary=summary, funding=e.funding_items, goals=e.goals,
            indicators=e.indicators, criteria=e.criteria,
            closing=L.get("说明结语", "") if e.closing is None else e.closing)
    return View(
        id=p.id, n=n or 0, title=title, name=p.name, name_line=name_line, code=p.code or "",
        total=format_yuan(p.budget.total, zero), fiscal=format_yuan(p.budget.fiscal, zero),
        other=format_yuan(p.budget.other, zero),
        total_wan=fill(L.get("金额格式", "{金额万元}"), 金额万元=wan),
        fiscal_wan=fill(L.get("金额格式", "{金额万元}"), 金额万元=format_wan(p.budget.fiscal))
        if "财政资金" in raw_budget else "",
        other_wan=fill(L.get("金额格式", "{金额万元}"), 金额万元=format_wan(p.budget.other))
        if "其他资金" in raw_budget else "",
        fund_use=p.fund_use,
        plan_labels=milestones,
        plan=[format_percent(p.spending_plan[m], decimals) if m in p.spending_plan else "" for m in milestones],
        goals=p.goals, goals_local=p.goals_local,
        competent=p.competent_dept or dy.department.competent_dept or "",
        implementing=p.implementing_unit or dy.department.short_name or dy.department.name,
        attribute=p.attribute or "", period=p.period or "",
        rows=_rows(indicators, L), has_table=bool(p.indicators) or n is not None and bool(indicators),
        explanation=explanation)


def department_view(dy: DepartmentYear) -> View:
    """Everything one department's document prints, for one year."""
    d = dy.department
    L = dy.layout
    g = dy.goals
    projects = dy.projects
    # Project tables are numbered among the projects that print a table.
    views = []
    n = 0
    for p in projects:
        if p.indicators:
            n += 1
            views.append(project_view(p, n, dy))
        else:
            views.append(project_view(p, None, dy))
    total_wan = format_wan(sum((p.budget.total for p in projects), Decimal(0)))

    def section(i: int, key: str) -> str:
        return fill(L.get("章节编号", "{cn}、"), **number_fields(i)) + str(L.get(key, ""))

    sections: dict[str, str] = {}
    subgoals: list[View] = []
    dept_rows: list[View] = []
    special = None
    if g is not None:
        i = 1
        sections["overall"] = section(i, "总体绩效目标标题")
        if g.subgoals or g.subgoals_intro:
            i += 1
            sections["subgoals"] = section(i, "分项绩效目标标题")
        if g.measures:
            i += 1
            sections["measures"] = section(i, "工作保障措施标题")
        if g.dept_table:
            i += 1
            sections["dept_table"] = section(i, "部门绩效文本信息标题")
        by_id = {p.id: p for p in projects}
        for k, s in enumerate(g.subgoals, start=1):
            amount = s.amount
            if amount is None and s.project_id in by_id:
                amount = by_id[s.project_id].budget.total
            heading = fill(L.get("分项编号", "（{cn}）"), **number_fields(k)) + s.title
            if amount is not None:
                heading += fill(L.get("分项金额格式", "{金额万元}万元"), 金额万元=format_wan(amount))
            heading += s.title_suffix if s.title_suffix is not None else L.get("分项标题后缀", "")
            body: list[str] = []
            labelled = bool(L.get("分项标签", True))
            for label_key, default, lines in (("分项职责描述标签", "职责描述：", s.duty),
                                              ("分项绩效目标标签", "绩效目标：", s.goals),
                                              ("分项绩效指标标签", "绩效指标：", s.indicators)):
                if not lines:
                    continue
                if labelled:
                    body.append(L.get(label_key, default) + lines[0])
                    body.extend(lines[1:])
                else:
                    body.extend(lines)
            subgoals.append(View(heading=heading, body=body))
        prev = None
        for r in g.dept_table:
            l1 = r.level1 or (prev or "")
            dept_rows.append(View(l1=l1, l1_first=l1 != prev or bool(r.level1), l2=r.level2, l3=r.level3,
                                  sign=r.sign, value=r.value, unit=r.unit, note=r.note))
            prev = l1
        special = g.special_funds
    parts: dict[str, str] = {}
    k = 1
    if g is not None:
        parts["goals"] = fill(L.get("部分标题", "第{cn}部分"), **number_fields(k))
    if special is not None:
        k += 1
        parts["special"] = fill(L.get("部分标题", "第{cn}部分"), **number_fields(k))
    k += 1
    parts["projects"] = fill(L.get("部分标题", "第{cn}部分"), **number_fields(k))
    summary_fmt = L.get("分项汇总句", "")
    return View(
        year=dy.year,
        dept=View(id=d.id, name=d.name, short_name=d.short_name or d.name, unit_code=d.unit_code or "",
                  unit_name=d.unit_name, unit_line=(d.unit_code or "") + d.unit_name),
        L=View(L),
        parts=View(parts),
        sections=View(sections),
        overall=g.overall if g else [],
        subgoals_intro=g.subgoals_intro if g else [],
        subgoals=subgoals,
        subgoals_header=bool(L.get("分项抬头", False)),
        subgoals_summary=fill(summary_fmt, 年度=dy.year, 项目数=len(projects), 合计万元=total_wan) if summary_fmt else "",
        measures=g.measures if g else [],
        dept_rows=dept_rows,
        special=special or [],
        has_special=special is not None,
        has_goals=g is not None and bool(g.overall or g.subgoals or g.measures),
        projects=views,
        project_count=len(projects),
        total_wan=total_wan,
        title=fill(L.get("表名", "{年度}"), 年度=dy.year) if "表名" in L else "",
        national=_national(dy),
    )


def _national(dy: DepartmentYear) -> dict[str, Any] | None:
    from perfgen.render.national import national_view  # the national 申报表 forms (render/national.py)
    return national_view(dy)


def cn(n: int) -> str:
    return chinese_number(n)
