"""The review rules: one function per defect reviewers look for (绩效目标审核).

Each function takes a department-year and its `RuleContext` (parameters from the rules file) and
yields `Issue`s: where the problem is and the facts for its message. Wording, severity, word lists
and thresholds all come from rules/*.yaml; this module only knows how to look.
Rules run in the order they are defined here.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from perfgen.model.entities import DepartmentYear, Project
from perfgen.review import money
from perfgen.review.registry import NUMBER, REGISTRY, SWITCH, TEXT, WORDS, Choices, Entries, RuleSpec, rule
from perfgen.review.rows import COLUMNS, Issue, Row, RuleContext, all_rows, norm, project_rows, shown

# ── 完整性 ──────────────────────────────────────────────────────────────────────────────


@rule("missing-category", params={"必备一级指标": WORDS, "必备二级指标": WORDS}, facts=("类别", "可填"))
def missing_category(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """A project whose indicators leave out a whole first-level category (no 效益, no 满意度)."""
    tax = dy.taxonomy
    if tax is None:
        return
    level1 = [n for n in ctx.params["必备一级指标"] if n in tax.level1_names]
    level2 = [c for c in (tax.canonical_level2(n) for n in ctx.params["必备二级指标"]) if c]
    for p in dy.projects:
        rows = project_rows(p)
        if not rows:
            continue  # no-indicators says it once
        have1, have2 = {r.level1 for r in rows}, {r.level2 for r in rows}
        for name in level1:
            if name not in have1:
                yield Issue(p, p.source, ("绩效指标",), {"类别": name, "可填": "、".join(tax.level2_of(name))}, key=True)
        for name in level2:
            if name not in have2:
                yield Issue(p, p.source, ("绩效指标",), {"类别": name, "可填": name}, key=True)


@rule("no-indicators", facts=("项目",))
def no_indicators(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """A project with a goal but no indicator at all (placeholders do not count)."""
    for p in dy.projects:
        if not p.real_indicators:
            where = ("绩效指标",) if "绩效指标" in p.raw else ("项目名称",)
            yield Issue(p, p.source, where, {"项目": p.name}, key=where == ("绩效指标",))


@rule("subgoal-no-indicators", params={"仅当其他分项有指标": SWITCH}, facts=("分项",))
def subgoal_no_indicators(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """A 分项绩效目标 that states a goal but not how it is measured."""
    g = dy.goals
    if g is None:
        return
    if ctx.params["仅当其他分项有指标"] and not any(s.indicators for s in g.subgoals):
        return
    for s in g.subgoals:
        if any(line.strip() for line in s.goals) and not any(line.strip() for line in s.indicators):
            yield Issue(None, s.source, ("绩效目标",), {"分项": s.title.rstrip("：:。")})


_PARTS = ("总体绩效目标", "分项绩效目标", "工作保障措施", "部门绩效文本信息")


@rule("dept-incomplete", params={"必填部分": Choices(_PARTS)}, facts=("部分",))
def dept_incomplete(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """Part one of the department document with a section missing (forms without part one are skipped)."""
    g = dy.goals
    if g is None or not (g.overall or g.subgoals or g.measures):
        return
    present = {"总体绩效目标": any(x.strip() for x in g.overall), "分项绩效目标": bool(g.subgoals),
               "工作保障措施": any(x.strip() for x in g.measures), "部门绩效文本信息": bool(g.dept_table)}
    printed = dy.layout.get("部门整体部分")  # a form that prints only some parts requires only those
    for part in ctx.params["必填部分"]:
        if not present[part] and (printed is None or part in printed):
            yield Issue(None, g.source, (part,), {"部分": part}, key=True)


@rule("empty-field", facts=("缺少",))
def empty_field(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """An indicator row without 三级指标 or 指标值 (the department table has no 三级 column to require)."""
    for row in all_rows(dy):
        missing = []
        if row.project is not None and not row.level3:
            missing.append("三级指标")
        if not row.value_text:
            missing.append("指标值")
        if missing:
            where = ("三级指标",) if missing[0] == "三级指标" else row.value_field
            yield Issue(row.project, row.source, where, {"缺少": "和".join(missing)}, row)


@rule("missing-basis", facts=("三级指标",))
def missing_basis(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """指标值确定依据 left out on one row while the project's other rows have it."""
    for p in dy.projects:
        rows = project_rows(p)
        if not any(r.basis for r in rows):
            continue  # the form has no such column (宁夏附件3)
        for row in rows:
            if not row.basis:
                yield Issue(p, row.source, (), {"三级指标": row.level3}, row)


# ── 可行性：指标值 ───────────────────────────────────────────────────────────────────────


def _unquantified(row: Row, ctx: RuleContext) -> bool:
    value = norm(row.value_text)
    return bool(value) and (value in ctx.words("非量化值") or any(w in value for w in ctx.words("含有即报告")))


@rule("unquantified", params={"非量化值": WORDS, "含有即报告": WORDS}, facts=("指标值", "三级指标"))
def unquantified(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """是/否, 进一步推动, 按要求支出: a 指标值 that no result can be checked against."""
    for row in all_rows(dy):
        if _unquantified(row, ctx):
            yield Issue(row.project, row.source, row.value_field, {"指标值": shown(row.value_text), "三级指标": row.level3}, row)


@rule("needs-number", params={"须定量的二级指标": WORDS}, facts=("指标值", "二级指标", "三级指标"),
      defer_to=("unquantified", "misplaced", "category-content"))
def needs_number(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """数量 and 成本 indicators are counts and money: their value must contain a number."""
    wanted = set(ctx.params["须定量的二级指标"])
    for p in dy.projects:
        for row in project_rows(p):
            if row.level2 in wanted and row.value_text and not row.quantitative:
                yield Issue(p, row.source, row.value_field,
                            {"指标值": shown(row.value_text), "二级指标": row.level2, "三级指标": row.level3}, row)


@rule("vague", params={"模糊词": WORDS}, facts=("指标值", "模糊词"), defer_to=("unquantified", "satisfaction-number"))
def vague(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """进一步, 明显, 有效, 逐步: words with no yardstick, in a value that has no number either."""
    words = ctx.words("模糊词")
    for row in all_rows(dy):
        if row.quantitative:
            continue
        hit = next((w for w in words if w in norm(row.value_text)), None)
        if hit:
            yield Issue(row.project, row.source, row.value_field, {"指标值": shown(row.value_text), "模糊词": hit}, row)


def _is_satisfaction(row: Row, ctx: RuleContext) -> bool:
    if row.level2 in ctx.params["满意度二级指标"] or row.level1 in ctx.params["满意度二级指标"]:
        return True
    names = norm(row.level3) + ("\n" + norm(row.level2) + "\n" + norm(row.level1) if row.project is None else "")
    return any(w in names for w in ctx.words("满意度关键词"))


@rule("satisfaction-number", params={"满意度二级指标": WORDS, "满意度关键词": WORDS}, facts=("指标值", "三级指标"),
      defer_to=("unquantified",))
def satisfaction_number(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """A satisfaction target must be a percentage from a survey, not words."""
    for row in all_rows(dy):
        if row.value_text and not row.quantitative and _is_satisfaction(row, ctx):
            name = row.level3 or row.level2
            yield Issue(row.project, row.source, row.value_field, {"指标值": shown(row.value_text), "三级指标": name}, row)


def _is_percent(row: Row) -> bool:
    return row.value is not None and row.value.unit.startswith(("%", "百分比"))


@rule("percent-over-100", params={"上限": NUMBER}, facts=("指标值", "上限"))
def percent_over_100(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    limit = Decimal(ctx.params["上限"])
    for row in all_rows(dy):
        if row.quantitative and _is_percent(row) and row.value.number > limit:  # type: ignore[union-attr,operator]
            yield Issue(row.project, row.source, row.value_field, {"指标值": shown(row.value_text), "上限": limit}, row)


@rule("missing-unit", facts=("指标值", "三级指标"), defer_to=("unquantified",))
def missing_unit(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """≥95 — percent, times or people?"""
    for row in all_rows(dy):
        if row.quantitative and not row.value.unit:  # type: ignore[union-attr]
            yield Issue(row.project, row.source, row.value_field, {"指标值": shown(row.value_text), "三级指标": row.level3}, row)


@rule("odd-unit", params={"常见单位": WORDS}, facts=("指标值", "单位"), defer_to=("unquantified",))
def odd_unit(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """≥90良好, 100%全部接入: words where the unit should be."""
    units = set(ctx.words("常见单位"))
    for row in all_rows(dy):
        if row.quantitative and row.value.unit and norm(row.value.unit) not in units:  # type: ignore[union-attr]
            yield Issue(row.project, row.source, row.value_field, {"指标值": shown(row.value_text), "单位": row.value.unit}, row)  # type: ignore[union-attr]


@rule("unit-mismatch", params={"应为百分比的关键词": WORDS, "不应为百分比的关键词": WORDS, "例外": WORDS},
      facts=("三级指标", "指标值", "关键词", "应为"), defer_to=("unquantified", "odd-unit"))
def unit_mismatch(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """A rate (准确率) given in 人, or a count (次数) given as a percentage."""
    rates, counts, exceptions = ctx.words("应为百分比的关键词"), ctx.words("不应为百分比的关键词"), ctx.words("例外")
    for row in all_rows(dy):
        if not row.quantitative or not row.value.unit:  # type: ignore[union-attr]
            continue
        name = norm(row.level3)
        for word in exceptions:
            name = name.replace(word, "")
        count = next((w for w in counts if w in name), None)
        rate = next((w for w in rates if w in name), None) if count is None else None
        if count and _is_percent(row):
            yield Issue(row.project, row.source, row.value_field, {"三级指标": row.level3, "指标值": shown(row.value_text),
                                                                  "关键词": count, "应为": "次数、人数等数量单位"}, row)
        elif rate and not _is_percent(row):
            yield Issue(row.project, row.source, row.value_field, {"三级指标": row.level3, "指标值": shown(row.value_text),
                                                                  "关键词": rate, "应为": "百分比（%）"}, row)


@rule("low-target", params={"下限": Entries({"关键词": TEXT, "最低": NUMBER})}, facts=("三级指标", "指标值", "下限"))
def low_target(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """A rate target set below what is usual for its kind (适当性: targets not set low)."""
    for row in all_rows(dy):
        if not (row.quantitative and _is_percent(row)) or row.value.operator in ("≤", "<"):  # type: ignore[union-attr, operator]
            continue
        name = norm(row.level3 or row.level2)
        for entry in ctx.params["下限"]:
            if norm(entry["关键词"]) in name:
                if row.value.number < Decimal(entry["最低"]):  # type: ignore[union-attr,operator]
                    yield Issue(row.project, row.source, row.value_field,
                                {"三级指标": row.level3 or row.level2, "指标值": row.value_text, "下限": entry["最低"]}, row)
                break


# ── 相关性：指标与类别 ─────────────────────────────────────────────────────────────────────


@rule("same-as-description", facts=("三级指标",))
def same_as_description(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    for p in dy.projects:
        for row in project_rows(p):
            if row.description and norm(row.description) == norm(row.level3):
                yield Issue(p, row.source, ("绩效指标描述",), {"三级指标": row.level3}, row)


def _key(row: Row, columns: list[str]) -> tuple[str, ...]:
    return tuple(norm(row.column(c)) for c in columns)


def _row_name(row: Row, ctx: RuleContext) -> str:
    line = ctx.line_of(row.source)
    return f"{row.level2}「{row.level3}」" + (f"（第 {line} 行）" if line else "")


@rule("duplicate-in-project", params={"比较栏目": Choices(COLUMNS)}, facts=("另见", "二级指标"))
def duplicate_in_project(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """The same row pasted twice in one table (000: 社会效益 = 生态效益)."""
    columns = list(ctx.params["比较栏目"])
    for p in dy.projects:
        first: dict[tuple[str, ...], Row] = {}
        for row in project_rows(p):
            if not row.level3:
                continue
            key = _key(row, columns)
            if key in first:
                yield Issue(p, row.source, (), {"另见": _row_name(first[key], ctx), "二级指标": row.level2}, row)
            else:
                first[key] = row


@rule("copied-across-projects", params={"比较栏目": Choices(COLUMNS), "忽略的三级指标": WORDS, "最少项目数": NUMBER},
      facts=("项目数", "项目"))
def copied_across_projects(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """One row copied into several projects of the same year, beyond the usual common indicators."""
    columns = list(ctx.params["比较栏目"])
    ignored = set(ctx.words("忽略的三级指标"))
    groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for p in dy.projects:
        for row in project_rows(p):
            if row.level3 and row.value_text and norm(row.level3) not in ignored:
                groups[_key(row, columns)].append(row)
    for rows in groups.values():
        projects: list[Project] = []
        for r in rows:
            if r.project not in projects:
                projects.append(r.project)  # type: ignore[arg-type]
        if len(projects) < max(2, int(ctx.params["最少项目数"])):
            continue
        for row in rows:
            others = [q.name for q in projects if q is not row.project]
            shown = "、".join(f"“{n}”" for n in others[:3]) + ("等" if len(others) > 3 else "")
            yield Issue(row.project, row.source, (), {"项目数": len(others), "项目": shown}, row)


def _category_names(dy: DepartmentYear, names: list[str]) -> list[str]:
    """The names a rules file lists that exist in the department's taxonomy (profile)."""
    if dy.taxonomy is None:
        return list(names)
    return [n for n in names if n in dy.taxonomy.level2_names or n in dy.taxonomy.level1_names]


def _shown_names(dy: DepartmentYear, names: list[str]) -> str:
    """Where to move a row: the 二级 names among `names` (a 一级 name only when no 二级 is listed)."""
    level2 = [n for n in names if dy.taxonomy is None or n in dy.taxonomy.level2_names]
    return "、".join(level2 or names)


@rule("misplaced", params={"检查栏目": Choices(COLUMNS), "归属": Entries({"关键词": WORDS, "应属于": WORDS})},
      facts=("三级指标", "二级指标", "关键词", "应属于"))
def misplaced(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """及时率 under 成本, 满意度 under 社会效益: a keyword that says where the row belongs."""
    columns = list(ctx.params["检查栏目"])
    for p in dy.projects:
        for row in project_rows(p):
            text = row.text(columns)
            for entry in ctx.params["归属"]:
                hit = next((norm(w) for w in entry["关键词"] if norm(w) and norm(w) in text), None)
                if hit is None:
                    continue
                belongs = _category_names(dy, entry["应属于"])
                if belongs and row.level2 not in belongs and row.level1 not in belongs:
                    yield Issue(p, row.source, ("二级指标",), {"三级指标": row.level3, "二级指标": row.level2,
                                                              "关键词": hit, "应属于": _shown_names(dy, belongs)}, row)
                break


@rule("category-content", params={"检查栏目": Choices(COLUMNS),
                                  "类别": Entries({"二级指标": WORDS, "应含": WORDS, "说明": TEXT})},
      facts=("三级指标", "二级指标", "应含说明"), defer_to=("misplaced",))
def category_content(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """A 成本 row about social stability, a 满意度 row about data sharing."""
    columns = list(ctx.params["检查栏目"])
    for p in dy.projects:
        for row in project_rows(p):
            for entry in ctx.params["类别"]:
                if row.level2 in entry["二级指标"]:
                    text = row.text(columns)
                    if not any(norm(w) and norm(w) in text for w in entry["应含"]):
                        yield Issue(p, row.source, ("三级指标",), {"三级指标": row.level3, "二级指标": row.level2,
                                                                  "应含说明": entry["说明"]}, row)
                    break


# ── 适当性：文字中的金额与预算 ─────────────────────────────────────────────────────────────


@rule("funding-breakdown", params={"容差": NUMBER}, facts=("明细合计", "预算", "缺金额"))
def funding_breakdown(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """The explanation's 资金安排 items do not add up to the budget (002: 综治工作经费 33万, items 8万)."""
    tolerance = Decimal(ctx.params["容差"])
    for p in dy.projects:
        if p.explanation is None or not p.explanation.funding_items:
            continue
        items = money.funding_items(p.explanation.funding_items)
        firsts = [money.amounts(item) for item in items]
        total = sum((a[0].yuan for a in firsts if a), Decimal(0))
        missing = sum(1 for a in firsts if not a)
        budget = p.budget.total
        if (not missing and abs(total - budget) > tolerance) or total > budget + tolerance:
            yield Issue(p, p.source, ("说明", "资金安排"), {
                "明细合计": money.wan(total), "预算": money.wan(budget),
                "缺金额": f"（另有 {missing} 项未写金额）" if missing else ""})


def _texts(p: Project) -> Iterator[tuple[str, tuple[str, ...], list[str]]]:
    yield "资金用途", ("资金用途",), p.fund_use
    yield "绩效目标", ("绩效目标",), p.goals
    yield "本级绩效目标", ("本级绩效目标",), p.goals_local
    e = p.explanation
    if e is not None:
        yield "说明 › 项目概况", ("说明", "项目概况"), e.overview
        yield "说明 › 资金安排总述", ("说明", "资金安排总述"), [e.funding_summary or ""]
        yield "说明 › 绩效目标", ("说明", "绩效目标"), e.goals


def _contradictions(lines: list[str], budget: Decimal, ctx: RuleContext) -> Iterator[money.Amount]:
    tolerance = Decimal(ctx.params["容差"])
    markers = [str(m) for m in ctx.params["合计标记"]]
    for line in lines:
        for amount in money.amounts(line):
            if money.is_total(amount, markers):
                if abs(amount.yuan - budget) > tolerance:
                    yield amount
            elif ctx.params["超出预算即报告"] and amount.yuan > budget + tolerance:
                yield amount


@rule("text-amount", params={"合计标记": WORDS, "超出预算即报告": SWITCH, "容差": NUMBER}, facts=("栏目", "原文", "预算"))
def text_amount(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """A total in goals or explanations that is not the budget, or any amount above the whole budget."""
    for p in dy.projects:
        for label, path, lines in _texts(p):
            for amount in _contradictions(lines, p.budget.total, ctx):
                yield Issue(p, p.source, path, {"栏目": label, "原文": amount.text, "预算": money.wan(p.budget.total)})
    g = dy.goals
    if g is None:
        return
    by_id = {p.id: p for p in dy.projects}
    for s in g.subgoals:
        budget = by_id[s.project_id].budget.total if s.project_id in by_id else s.amount
        if budget is None:
            continue
        for name, lines in (("职责描述", s.duty), ("绩效目标", s.goals), ("绩效指标", s.indicators)):
            for amount in _contradictions(lines, budget, ctx):
                yield Issue(None, s.source, (name,), {"栏目": f"分项“{s.title.rstrip('：:。')}” › {name}",
                                                      "原文": amount.text, "预算": money.wan(budget)})


def specs() -> dict[str, RuleSpec]:
    """Every rule, in the order they run: the ones this module registered as it was imported."""
    from perfgen.review import form_rules  # noqa: F401  (registers the national forms' task-total)
    return REGISTRY


# the rules on monitoring and self-evaluation results run after the rules on the goals
from perfgen.review import result_rules  # noqa: E402, F401  (registration side effect)
