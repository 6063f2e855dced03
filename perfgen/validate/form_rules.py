"""Business rules of the national 申报表 forms (财预〔2015〕88号 family).

中期 (the project period) must contain the budget year and plan at least what the year plans;
年度主要任务 amounts add up; a 101号-style split 指标值 (符号 / 值 / 单位) is not also written as one
string, and its sign is followed by a number. Indicators of 中期 and of the department's
年度绩效指标 follow the department's profile just as project indicators do.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Any

from perfgen.errors import Finding
from perfgen.loaded import LoadResult
from perfgen.model.entities import DepartmentYear, Indicator
from perfgen.model.values import ValueSyntaxError, parse_value, starts_with_operator

_PARTS = (("预算数", "total", "中期资金总额"), ("财政资金", "fiscal", "其中：财政拨款"), ("其他资金", "other", "其他资金"))


def midterm_years(result: LoadResult) -> Iterator[Finding]:
    """中期 开始年度 ≤ 结束年度, and the budget year lies within them."""
    for dy in result.department_years():
        for p in dy.projects:
            m = p.midterm
            if m is None:
                continue
            if m.first_year > m.last_year:
                yield result.finding(m.source, ("结束年度",),
                                     f"中期结束年度 {m.last_year} 早于开始年度 {m.first_year}",
                                     "核对项目期：开始年度写第一年，结束年度写最后一年，例如 2025 和 2027。",
                                     "rule.midterm-years")
            elif not m.contains(dy.year):
                yield result.finding(m.source, ("开始年度",),
                                     f"中期 {m.first_year}—{m.last_year} 年不包含本年度 {dy.year} 年",
                                     f"本文件在 {dy.year} 年目录下，项目期应包含 {dy.year} 年；核对开始年度和结束年度，"
                                     "或把文件放到正确的年度目录。", "rule.midterm-years")


def midterm_amounts(result: LoadResult) -> Iterator[Finding]:
    """中期资金 adds up like 预算 does, and is at least the year's amount in each part."""
    for dy in result.department_years():
        for p in dy.projects:
            m = p.midterm
            if m is None or m.budget is None:
                continue
            raw = p.raw["中期"]["预算"]
            b = m.budget
            if "财政资金" in raw and "其他资金" in raw and b.fiscal + b.other != b.total:
                yield result.finding(m.source, ("预算", "预算数"),
                                     f"中期预算数 {b.total} 元不等于财政资金 {b.fiscal} 元与其他资金 {b.other} 元之和"
                                     f"（{b.fiscal + b.other} 元）", "核对三个金额；预算数 = 财政资金 + 其他资金。",
                                     "rule.budget-sum")
                continue
            for key, attr, label in _PARTS:
                mid, year = getattr(b, attr), getattr(p.budget, attr)
                if mid < year:
                    where = ("预算", key) if key in raw else ("预算",)
                    yield result.finding(
                        m.source, where, f"中期{key} {mid} 元少于本年度{key} {year} 元（{label}）",
                        "中期资金是整个项目期的总额，包含本年度：每项应不少于本年度“预算”中的金额；"
                        "核对是否把万元写成了元，或两处写反了。", "rule.midterm-amount")


def task_sums(result: LoadResult) -> Iterator[Finding]:
    """Each 年度主要任务: 总额 = 财政拨款 + 其他资金 (when both are written)."""
    for dy in result.department_years():
        g = dy.goals
        if g is None:
            continue
        raw_tasks = result.docs[g.source.file].data.get("年度主要任务") or []
        for t, raw in zip(g.tasks, raw_tasks):
            a = raw["预算金额"]
            if "财政拨款" in a and "其他资金" in a and t.fiscal + t.other != t.total:
                yield result.finding(t.source, ("预算金额", "总额"),
                                     f"任务“{t.name}”的总额 {t.total} 元不等于财政拨款 {t.fiscal} 元与其他资金 {t.other} 元之和"
                                     f"（{t.fiscal + t.other} 元）", "核对三个金额；总额 = 财政拨款 + 其他资金。",
                                     "rule.task-sum")
            elif t.fiscal < 0 or t.other < 0:
                yield result.finding(t.source, ("预算金额",), f"任务“{t.name}”的财政拨款或其他资金算出来是负数",
                                     "财政拨款和其他资金之和不能超过总额。", "rule.task-sum")


def _item(result: LoadResult, ind: Indicator) -> dict[str, Any]:
    node: Any = result.docs[ind.source.file].data
    for step in ind.source.path:
        node = node[step]
    assert isinstance(node, dict)
    return node


def _extra_indicators(dy: DepartmentYear) -> Iterator[Indicator]:
    """Indicators the national forms add: 中期 ones and the department's 年度绩效指标."""
    for p in dy.projects:
        if p.midterm is not None:
            yield from p.midterm.indicators
    if dy.goals is not None:
        yield from dy.goals.indicators


def _all_indicators(dy: DepartmentYear) -> Iterator[Indicator]:
    for p in dy.projects:
        yield from p.indicators
    yield from _extra_indicators(dy)


def split_values(result: LoadResult) -> Iterator[Finding]:
    """指标值 is one string or 符号/值/单位, not both; a sign needs a number after it."""
    for dy in result.department_years():
        for ind in _all_indicators(dy):
            item = _item(result, ind)
            if "值" not in item:
                continue
            if "指标值" in item:
                yield result.finding(ind.source, ("指标值",), "同时写了“指标值”和“值”",
                                     "指标值写成一个字符串（如 ≥90%）或分开写成 符号/值/单位，二者选一；删去其中一种。",
                                     "rule.value-both")
            elif ind.sign and (ind.value is None or not ind.value.quantitative):
                yield result.finding(ind.source, ("值",), f"写了符号“{ind.sign}”，但值“{ind.number_text}”不是数字",
                                     "有符号时“值”写数字（如 95），单位写在“单位”里（如 %）；定性指标不写符号。",
                                     "rule.value-syntax")


def extra_value_syntax(result: LoadResult) -> Iterator[Finding]:
    """A one-string 指标值 of 中期 or 年度绩效指标 that starts with a sign goes on with a number."""
    for dy in result.department_years():
        for ind in _extra_indicators(dy):
            if ind.value_text and not ind.number_text and starts_with_operator(ind.value_text):
                try:
                    parse_value(ind.value_text)
                except ValueSyntaxError:
                    yield result.finding(
                        ind.source, ("指标值",), f"指标值“{ind.value_text}”以比较符号开头，但后面不是数字",
                        "写成 符号+数字+单位，例如 ≥90%、≥3次、≤5万元；定性指标不要加符号，例如 及时。",
                        "rule.value-syntax")


def extra_taxonomy(result: LoadResult) -> Iterator[Finding]:
    """中期 indicators and 年度绩效指标 use the 二级 names of the department's profile."""
    for dy in result.department_years():
        tax = dy.taxonomy
        if tax is None:
            continue
        for ind in _extra_indicators(dy):
            written = _item(result, ind)["二级指标"]
            if tax.canonical_level2(written) is None:
                close = difflib.get_close_matches(written, tax.level2_names, n=1, cutoff=0.3)
                hint = (f"是不是“{close[0]}”？" if close else "") + f"“{tax.title}”的二级指标有：" + "、".join(tax.level2_names)
                yield result.finding(ind.source, ("二级指标",), f"二级指标“{written}”不在指标体系“{tax.title}”中",
                                     hint, "rule.taxonomy-level2")


RULES: list[Callable[[LoadResult], Iterator[Finding]]] = [midterm_years, midterm_amounts, task_sums, split_values,
                                                          extra_value_syntax, extra_taxonomy]

