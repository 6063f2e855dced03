"""Business rules: checks that need a sound structure and, often, more than one file.

Each rule is a function taking the load result and yielding findings; `RULES` lists them in the
order they run. They assume the schema already passed for the files they look at (the loader only
builds model objects from such files).
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from perfgen.errors import Finding
from perfgen.loaded import LoadResult, kind_of
from perfgen.model.values import ValueSyntaxError, parse_value, starts_with_operator
from perfgen.validate import form_rules, placeholders

Rule = Callable[[LoadResult], Iterator[Finding]]


def budget_sum(result: LoadResult) -> Iterator[Finding]:
    """预算数 = 财政资金 + 其他资金, to the cent."""
    for dy in result.department_years():
        for p in dy.projects:
            b = p.budget
            raw = p.raw.get("预算", {})
            if "财政资金" in raw and "其他资金" in raw and b.fiscal + b.other != b.total:
                yield result.finding(
                    p.source, ("预算", "预算数"),
                    f"预算数 {b.total} 元不等于财政资金 {b.fiscal} 元与其他资金 {b.other} 元之和（{b.fiscal + b.other} 元）",
                    "核对三个金额；预算数 = 财政资金 + 其他资金。", "rule.budget-sum")
            elif b.fiscal < 0 or b.other < 0:
                yield result.finding(
                    p.source, ("预算",), "财政资金或其他资金算出来是负数",
                    "财政资金和其他资金之和不能超过预算数。", "rule.budget-sum")
            for key in ("预算数", "财政资金", "其他资金"):
                value = raw.get(key)
                if isinstance(value, Decimal) and value.as_tuple().exponent < -2:  # type: ignore[operator]
                    yield result.finding(p.source, ("预算", key), f"{key}“{value}”超过两位小数",
                                         "金额以元为单位，最多精确到分（两位小数）。", "rule.amount-cents")


def spending_plan(result: LoadResult) -> Iterator[Finding]:
    """Cumulative spending: the form's milestones, non-decreasing, within 0–100, ending at 100."""
    for dy in result.department_years():
        milestones = list(dy.layout.get("支出计划节点", []) or [])
        for p in dy.projects:
            plan = p.spending_plan
            if not plan:
                continue
            if milestones:
                for key in plan:
                    if key not in milestones:
                        yield result.finding(p.source, ("支出计划", key), f"支出计划节点“{key}”不在本表格的节点中",
                                             "本模板的节点是：" + "、".join(milestones), "rule.plan-milestone", key=True)
                missing = [m for m in milestones if m not in plan]
                if missing:
                    yield result.finding(p.source, ("支出计划",), "支出计划缺少节点：" + "、".join(missing),
                                         "每个节点都要填写累计支出百分比。", "rule.plan-missing")
            ordered = [(m, plan[m]) for m in (milestones or list(plan)) if m in plan]
            for (m1, v1), (m2, v2) in zip(ordered, ordered[1:]):
                if v2 < v1:
                    yield result.finding(p.source, ("支出计划", m2),
                                         f"累计支出比例不能减少：{m1} {v1}%，{m2} 却是 {v2}%",
                                         "支出计划是累计数，后一个节点应不小于前一个。", "rule.plan-decreasing")
            if ordered and ordered[-1][1] != 100 and (not milestones or ordered[-1][0] == milestones[-1]):
                m, v = ordered[-1]
                yield result.finding(p.source, ("支出计划", m), f"最后一个节点（{m}）应为 100%，现在是 {v}%",
                                     "到年底预算应全部支出，填 100。", "rule.plan-final")


def taxonomy_pairs(result: LoadResult) -> Iterator[Finding]:
    """Every 二级 belongs to the department's profile, and a written 一级 matches it."""
    for dy in result.department_years():
        tax = dy.taxonomy
        if tax is None:
            continue
        for p in dy.projects:
            for ind in p.indicators:
                item = p.raw["绩效指标"][ind.source.path[-1]]
                written_l2 = item["二级指标"]
                canonical = tax.canonical_level2(written_l2)
                if canonical is None:
                    close = difflib.get_close_matches(written_l2, tax.level2_names, n=1, cutoff=0.3)
                    hint = (f"是不是“{close[0]}”？" if close else "") + f"“{tax.title}”的二级指标有：" + "、".join(tax.level2_names)
                    yield result.finding(ind.source, ("二级指标",), f"二级指标“{written_l2}”不在指标体系“{tax.title}”中",
                                         hint, "rule.taxonomy-level2")
                    continue
                written_l1 = item.get("一级指标")
                expected = tax.level1_of(canonical)
                if written_l1 and written_l1 != expected:
                    if written_l1 not in tax.level1_names:
                        hint = "一级指标可以是：" + "、".join(tax.level1_names)
                    else:
                        hint = f"按“{tax.title}”，“{canonical}”属于“{expected}”。可以删去一级指标，由二级指标自动确定。"
                    yield result.finding(ind.source, ("一级指标",),
                                         f"一级指标“{written_l1}”与二级指标“{canonical}”不匹配", hint, "rule.taxonomy-pair")


def value_syntax(result: LoadResult) -> Iterator[Finding]:
    """A 指标值 that starts with ≥, ≤, >, < or = must go on with a number (and a unit)."""
    for dy in result.department_years():
        for p in dy.projects:
            for ind in p.indicators:
                if ind.value_text and not ind.number_text and starts_with_operator(ind.value_text):  # split: form_rules
                    try:
                        parse_value(ind.value_text)
                    except ValueSyntaxError:
                        yield result.finding(
                            ind.source, ("指标值",), f"指标值“{ind.value_text}”以比较符号开头，但后面不是数字",
                            "写成 符号+数字+单位，例如 ≥90%、≥3次、≤5万元；定性指标不要加符号，例如 及时。",
                            "rule.value-syntax")


def _others(paths: list[str]) -> str:
    shown = "、".join(paths[:3])
    return shown + (f" 等 {len(paths)} 处" if len(paths) > 3 else "")


def unique_codes_and_ids(result: LoadResult) -> Iterator[Finding]:
    """Project codes and ids are unique within a year across the workspace."""
    by_year_code: dict[tuple[int, str], list[Any]] = defaultdict(list)
    by_year_id: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for dy in result.department_years():
        for p in dy.projects:
            if p.code:
                by_year_code[(dy.year, p.code)].append(p)
            by_year_id[(dy.year, p.id)].append(p)
    for (year, code), projects in sorted(by_year_code.items()):
        if len(projects) > 1:
            for p in projects[1:]:
                others = _others([q.source.file for q in projects if q is not p])
                yield result.finding(p.source, ("项目编码",), f"{year} 年项目编码“{code}”重复（另见 {others}）",
                                     "同一年度内项目编码不能重复；核对预算系统中的编码。", "rule.duplicate-code")
    for (year, pid), projects in sorted(by_year_id.items()):
        if len(projects) > 1:
            for p in projects[1:]:
                others = _others([q.source.file for q in projects if q is not p])
                yield result.finding(p.source, (), f"{year} 年项目 id“{pid}”在多个部门中重复（另见 {others}）",
                                     "给项目文件改一个不重复的名字，例如加上部门前缀。", "rule.duplicate-id")


def references(result: LoadResult) -> Iterator[Finding]:
    """项目顺序 and 分项绩效目标 refer to projects that exist; amounts agree with the budget."""
    for dy in result.department_years():
        g = dy.goals
        if g is None:
            continue
        ids = {p.id: p for p in dy.projects}
        for i, pid in enumerate(g.project_order):
            if pid not in ids and pid not in dy.project_files:
                close = difflib.get_close_matches(pid, list(ids), n=1, cutoff=0.5)
                yield result.finding(g.source, ("项目顺序", i), f"项目顺序中的“{pid}”没有对应的项目文件",
                                     (f"是不是“{close[0]}”？" if close else "") + "项目 id 是 projects/ 下的文件名（不含 .yaml）。",
                                     "rule.unknown-project")
        listed = set(g.project_order)
        if g.project_order:
            for p in dy.projects:
                if p.id not in listed:
                    yield result.finding(g.source, ("项目顺序",), f"项目“{p.id}”（{p.name}）没有列入项目顺序，将排在最后",
                                         f"把 {p.id} 加到项目顺序中合适的位置。", "rule.order-missing", severity="warning")
        for s in g.subgoals:
            if s.project_id is None:
                continue
            if s.project_id not in ids:
                if s.project_id in dy.project_files:
                    continue  # that file has its own error
                close = difflib.get_close_matches(s.project_id, list(ids), n=1, cutoff=0.5)
                yield result.finding(s.source, ("项目",), f"分项对应的项目“{s.project_id}”不存在",
                                     (f"是不是“{close[0]}”？" if close else "") + "写 projects/ 下的文件名（不含 .yaml）。",
                                     "rule.unknown-project")
            elif s.amount is not None and s.amount != ids[s.project_id].budget.total:
                yield result.finding(s.source, ("金额",),
                                     f"分项金额 {s.amount} 元与项目“{ids[s.project_id].name}”的预算数 {ids[s.project_id].budget.total} 元不一致",
                                     "对应了项目就不必再写金额，删去“金额”即可自动取项目预算数。", "rule.subgoal-amount")


def xml_characters(result: LoadResult) -> Iterator[Finding]:
    """Text a Word document cannot hold (control characters, lone surrogates) is refused here,
    with its exact place, instead of vanishing silently from the document."""
    from perfgen.validate import characters
    from perfgen.validate.schema_check import breadcrumb
    for rel, doc in sorted(result.docs.items()):
        kind = kind_of(rel)
        yield from characters.findings(
            rel, doc, (lambda path, kind=kind, doc=doc: breadcrumb(kind, doc.data, path)) if kind else None)


def printed_fields(result: LoadResult) -> Iterator[Finding]:
    """A field is required when the department's form prints it (版式 项目表区块, 分项抬头)."""
    from perfgen.model.layout import BLOCK_FIELDS
    from perfgen.render.context import part_projects
    for dy in result.department_years():
        blocks = dy.layout.get("项目表区块", [])
        d = dy.department
        if not d.named and ("单位行" in blocks or dy.layout.get("分项抬头")):
            where = "项目表的单位行" if "单位行" in blocks else "分项抬头"
            yield result.finding(d.source, (), "缺少必填项“名称”",
                                 f"本部门的表样在{where}印部门名称：添加“名称: …”（部门的正式全称）。", "rule.form-field")
        for p in dy.projects:
            for block in blocks:
                for key in BLOCK_FIELDS.get(block, ()):
                    if key not in p.raw:
                        yield result.finding(p.source, (), f"缺少必填项“{key}”",
                                             f"本部门的表样印“{block}”区块，要填写“{key}”；"
                                             "表样不印这一块时，在版式“项目表区块”中去掉它。", "rule.form-field")
        if dy.layout.get("部分") and any(part["内容"] == "项目" for part in dy.layout["部分"]):
            held = {p.id for ps in part_projects(dy) for p in ps}
            for p in dy.projects:
                if p.id not in held:
                    yield result.finding(p.source, ("资金性质",) if p.fund_nature else ("项目名称",),
                                         f"项目不属于版式中的任何部分（资金性质：{p.fund_nature or '未填写'}）",
                                         "改正“资金性质”，或在版式“部分”中加一个收这类项目的部分"
                                         "（不写“资金性质”的部分收其余所有项目）。", "rule.part")


RULES: list[Rule] = [xml_characters, budget_sum, printed_fields, spending_plan, taxonomy_pairs, value_syntax, unique_codes_and_ids, references]
RULES += form_rules.RULES  # 中期, 年度主要任务 and split 指标值 of the national forms


def check(result: LoadResult) -> None:
    # a “待填写” value reports only itself, not the rules it breaks (validate/placeholders.py)
    blanks = placeholders.locations(result.docs.values())
    for rule in RULES:
        result.findings.extend(f for f in rule(result) if (f.file, f.line, f.column) not in blanks)
