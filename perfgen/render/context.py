"""The view model handed to a template: every number, total and generated sentence, formatted.

Templates only place text; anything computed (part and section numbers, 万元 totals, the 资金安排
summary sentence, which 一级 cell starts a merged run, which blocks and parts print) is computed
here, with wording and structure taken from the layout (schemas/layout.schema.json defaults,
templates/<name>/layout.yaml, then the department's and the year's 版式 overrides). Every layout
key is read as L[key]: the layout is complete by construction (model/layout.schema_defaults), so
there are no fallbacks here to drift from the layout files.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfgen.model.amounts import format_percent, format_wan, format_yuan
from perfgen.model.entities import DepartmentYear, Indicator, Project, Source, YearGoals
from perfgen.model.layout import chinese_number, fill, heading_level, keep_flags, number_fields

# 项目表区块 (layout words) → the flag the template tests (p.show.<flag>)
BLOCK_FLAGS = {"单位行": "unit_line", "编码名称": "code_name", "预算": "budget", "支出计划": "plan",
               "绩效目标": "goals", "绩效指标": "indicators"}
# 部分 › 内容 (layout words) → the kind the template tests (part.kind)
PART_KINDS = {"整体绩效目标": "goals", "专项资金说明": "special", "项目": "projects"}


class View(dict[str, Any]):
    """A dict whose keys read as attributes in Jinja ({{ p.name }}); missing keys stay errors.
    No instance attributes (the sandbox's shortcut for keys relies on it: limits.LimitedSandbox.getattr)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# -- project tables -------------------------------------------------------------------------------

def _rows(indicators: list[Indicator], layout: dict[str, Any]) -> list[View]:
    """Indicator rows with merge flags: l1_first / l2_first start a merged run of equal cells."""
    rows: list[View] = []
    prev_l1: str | None = None
    prev_l2: str | None = None
    counters: dict[tuple[str, str], int] = {}
    label = layout["占位标签"]
    for ind in indicators:
        key = (ind.level1, ind.level2)
        counters[key] = counters.get(key, 0) + 1
        l3 = fill(label, **number_fields(counters[key])) if ind.placeholder else ind.level3
        rows.append(View(
            l1=ind.level1, l2=ind.level2, l3=l3, description="" if ind.placeholder else ind.description,
            value="" if ind.placeholder else ind.value_text, basis="" if ind.placeholder else ind.basis,
            placeholder=ind.placeholder,
            l1_first=ind.level1 != prev_l1, l2_first=(ind.level1, ind.level2) != (prev_l1, prev_l2)))
        prev_l1, prev_l2 = ind.level1, ind.level2
    keep_flags(rows, layout["指标组不跨页"])
    return rows


def with_empty_categories(project: Project, dy: DepartmentYear) -> list[Indicator]:
    """For forms that keep every category: add a placeholder row for each empty 二级 category."""
    tax = dy.taxonomy
    if tax is None or not dy.layout["空类别占位"]:
        return project.indicators
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


def _explanation(p: Project, dy: DepartmentYear, wan: str) -> View | None:
    if p.explanation is None:
        return None
    L = dy.layout
    e = p.explanation
    summary = e.funding_summary
    if summary is None:
        summary = fill(L["说明资金总述"], 年度=dy.year, 金额万元=wan, 项目名称=p.name)
        if e.funding_items:
            summary += L["说明资金明细引导"]
    return View(
        office=p.office or "",
        title=e.title or fill(L["说明标题"], 项目名称=p.name),
        overview=e.overview, summary=summary, funding=e.funding_items, goals=e.goals,
        indicators=e.indicators, criteria=e.criteria,
        closing=L["说明结语"] if e.closing is None else e.closing)


def project_view(p: Project, n: int | None, dy: DepartmentYear) -> View:
    """One project as its form prints it; `n` is its table number (None: it prints no table)."""
    L = dy.layout
    zero = L["金额零值"]
    decimals = int(L["支出计划小数位"])
    milestones = list(L["支出计划节点"])
    raw_budget = p.raw.get("预算", {})
    wan = format_wan(p.budget.total)
    indicators = with_empty_categories(p, dy)
    blocks = set(L["项目表区块"])
    show = View({flag: word in blocks for word, flag in BLOCK_FLAGS.items()})
    show["head"] = any(show[f] for f in ("code_name", "budget", "plan", "goals"))
    money = L["金额格式"]
    return View(
        id=p.id, n=n or 0, title=fill(L["项目表标题"], 项目名称=p.name, **number_fields(n)) if n else "",
        name=p.name, name_line=fill(L["项目名称格式"], 项目名称=p.name, **number_fields(n or 0)),
        code=p.code or "",
        total=format_yuan(p.budget.total, zero), fiscal=format_yuan(p.budget.fiscal, zero),
        other=format_yuan(p.budget.other, zero),
        total_wan=fill(money, 金额万元=wan),
        fiscal_wan=fill(money, 金额万元=format_wan(p.budget.fiscal)) if "财政资金" in raw_budget else "",
        other_wan=fill(money, 金额万元=format_wan(p.budget.other)) if "其他资金" in raw_budget else "",
        fund_use=p.fund_use,
        plan_labels=milestones,
        plan=[format_percent(p.spending_plan[m], decimals) if m in p.spending_plan else "" for m in milestones],
        goals=p.goals, goals_local=p.goals_local,
        competent=p.competent_dept or dy.department.competent_dept or "",
        implementing=p.implementing_unit or dy.department.short_name or dy.department.name,
        attribute=p.attribute or "", period=p.period or "",
        rows=_rows(indicators, L), has_table=bool(p.indicators) or n is not None and bool(indicators),
        show=show, explanation=_explanation(p, dy, wan))


# -- part one: the department's own goals -----------------------------------------------------------

def _sections(g: YearGoals, L: dict[str, Any]) -> dict[str, str]:
    """一、总体绩效目标, 二、分项绩效目标 …: numbered among the sections the year has."""
    present = [("overall", "总体绩效目标标题", True), ("subgoals", "分项绩效目标标题", bool(g.subgoals or g.subgoals_intro)),
               ("measures", "工作保障措施标题", bool(g.measures)), ("dept_table", "部门绩效文本信息标题", bool(g.dept_table))]
    sections: dict[str, str] = {}
    for name, key, shown in present:
        if shown:
            sections[name] = fill(L["章节编号"], **number_fields(len(sections) + 1)) + L[key]
    return sections


def _subgoals(g: YearGoals, dy: DepartmentYear) -> list[View]:
    L = dy.layout
    by_id = {p.id: p for p in dy.projects}
    labels = (("分项职责描述标签", "duty"), ("分项绩效目标标签", "goals"), ("分项绩效指标标签", "indicators"))
    views = []
    for k, s in enumerate(g.subgoals, start=1):
        amount = s.amount
        if amount is None and s.project_id in by_id:
            amount = by_id[s.project_id].budget.total
        heading = fill(L["分项编号"], **number_fields(k)) + s.title
        if amount is not None:
            heading += fill(L["分项金额格式"], 金额万元=format_wan(amount))
        heading += s.title_suffix if s.title_suffix is not None else L["分项标题后缀"]
        body: list[str] = []
        for label_key, attr in labels:
            lines = getattr(s, attr)
            if not lines:
                continue
            if L["分项标签"]:
                body.append(L[label_key] + lines[0])
                body.extend(lines[1:])
            else:
                body.extend(lines)
        views.append(View(heading=heading, body=body, paras=paragraphs(body, L)))
    return views


def paragraphs(lines: list[str], L: dict[str, Any]) -> list[View]:
    """Lines as paragraphs: level 0 is body text, 1… a heading numbered as 正文小标题 says."""
    return [View(text=line, level=heading_level(line, L["正文小标题"])) for line in lines]


def _dept_rows(g: YearGoals, L: dict[str, Any]) -> list[View]:
    rows: list[View] = []
    prev = None
    for r in g.dept_table:
        l1 = r.level1 or (prev or "")
        rows.append(View(l1=l1, l1_first=l1 != prev or bool(r.level1), l2=r.level2, l3=r.level3,
                         sign=r.sign, value=r.value, unit=r.unit, note=r.note))
        prev = l1
    keep_flags(rows, L["指标组不跨页"])
    return rows


# -- parts -------------------------------------------------------------------------------------------

def part_projects(dy: DepartmentYear) -> list[list[Project]]:
    """Which projects each 部分 of the layout holds (empty for parts that hold none).

    A part with 资金性质 holds the projects whose 资金性质 is listed and that no earlier part holds;
    the first 项目 part without 资金性质 holds the rest. Order follows the year's project order."""
    parts = dy.layout["部分"]
    held: list[list[Project]] = [[] for _ in parts]
    taken: set[str] = set()
    for i, part in enumerate(parts):
        natures = part.get("资金性质")
        if part["内容"] != "项目" or natures is None:
            continue
        held[i] = [p for p in dy.projects if p.fund_nature in natures and p.id not in taken]
        taken.update(p.id for p in held[i])
    rest = next((i for i, part in enumerate(parts) if part["内容"] == "项目" and part.get("资金性质") is None), None)
    if rest is not None:
        held[rest] = [p for p in dy.projects if p.id not in taken]
    return held


def _part_shown(part: dict[str, Any], g: YearGoals | None, projects: list[Project]) -> bool:
    kind = part["内容"]
    if kind == "整体绩效目标":
        return g is not None and bool(g.overall or g.subgoals or g.measures)
    if kind == "专项资金说明":
        return g is not None and g.special_funds is not None
    return part.get("资金性质") is None or bool(projects)


def _parts(dy: DepartmentYear) -> list[View]:
    """The parts that print, numbered as printed, each with its project views."""
    L = dy.layout
    views: list[View] = []
    n = 0  # table numbers: among projects that print a table, per part or running on
    for part, projects in zip(L["部分"], part_projects(dy)):
        if not _part_shown(part, dy.goals, projects):
            continue
        if L["项目表编号"] == "每部分重新":
            n = 0
        pviews = []
        for p in projects:
            if p.indicators:
                n += 1
            pviews.append(project_view(p, n if p.indicators else None, dy))
        number = fill(L["部分标题"], **number_fields(len(views) + 1))
        one_line = bool(L["部分名称同行"])
        heading = number + L["部分名称间隔"] + part["名称"] if one_line else number
        views.append(View(kind=PART_KINDS[part["内容"]], number=number, name=part["名称"], one_line=one_line,
                          heading=heading, toc=heading if one_line else f"{number} {part['名称']}".strip(),
                          projects=pviews))
    return views


def department_view(dy: DepartmentYear) -> View:
    """Everything one department's document prints, for one year."""
    d = dy.department
    L = dy.layout
    g = dy.goals
    parts = _parts(dy)
    projects = [p for part in parts for p in part.projects]
    listed = {p.id for p in projects}
    # a form without parts (ningxia) prints every project, numbered in order
    n = 0
    for p in dy.projects:
        if p.id not in listed:
            n += 1 if p.indicators else 0
            projects.append(project_view(p, n if p.indicators else None, dy))
    total_wan = format_wan(sum((p.budget.total for p in dy.projects), Decimal(0)))
    summary_fmt = L["分项汇总句"]
    return View(
        year=dy.year,
        dept=View(id=d.id, name=d.name, short_name=d.short_name or d.name, unit_code=d.unit_code or "",
                  unit_name=d.unit_name, unit_line=(d.unit_code or "") + d.unit_name),
        L=View(L),
        doc_title=fill(L["文档标题"], 年度=dy.year),
        parts=parts,
        sections=View(_sections(g, L) if g is not None else {}),
        overall=g.overall if g else [],
        overall_paras=paragraphs(g.overall, L) if g else [],
        subgoals_intro=g.subgoals_intro if g else [],
        subgoals=_subgoals(g, dy) if g is not None else [],
        subgoals_header=bool(L["分项抬头"]),
        subgoals_summary=fill(summary_fmt, 年度=dy.year, 项目数=len(dy.projects), 合计万元=total_wan)
        if summary_fmt else "",
        measures=g.measures if g else [],
        dept_rows=_dept_rows(g, L) if g is not None else [],
        special=(g.special_funds or []) if g is not None else [],
        has_special=g is not None and g.special_funds is not None,
        has_goals=g is not None and bool(g.overall or g.subgoals or g.measures),
        projects=projects,
        project_count=len(dy.projects),
        total_wan=total_wan,
        title=fill(L["表名"], 年度=dy.year),
        national=_national(dy),
    )


def _national(dy: DepartmentYear) -> dict[str, Any] | None:
    from perfgen.render.national import national_view  # the national 申报表 forms (render/national.py)
    return national_view(dy)


def cn(n: int) -> str:
    return chinese_number(n)
