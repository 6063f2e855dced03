"""Building the model parts the national 申报表 forms add (财预〔2015〕88号 family).

Kept apart from load.py so the loader stays about files: an indicator item (one 指标值 string or
the 101号 split 符号 / 值 / 单位), a project's 中期 block, and goals.yaml's 年度主要任务.
The structure is already checked against the schemas when these run.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from perfgen.model.amounts import to_yuan
from perfgen.model.entities import Budget, Indicator, Midterm, Source, Task
from perfgen.model.taxonomy import Taxonomy
from perfgen.model.values import ValueSyntaxError, parse_value


def indicator(item: dict[str, Any], source: Source, tax: Taxonomy | None) -> Indicator:
    """One 绩效指标 item; a split value prints as 符号+值+单位 wherever the form has one column."""
    level2 = item["二级指标"]
    canonical = tax.canonical_level2(level2) if tax else None
    level1 = item.get("一级指标") or (tax.level1_of(level2) if tax else None) or ""
    sign = item.get("符号", "")
    number_text = str(item["值"]) if "值" in item else ""
    unit = item.get("单位", "")
    value_text = item.get("指标值", "") if "值" not in item else sign + number_text + unit
    try:
        value = parse_value(value_text) if value_text else None
    except ValueSyntaxError:
        value = None
    return Indicator(
        level1=level1, level2=canonical or level2, level3=item.get("三级指标", ""),
        description=item.get("绩效指标描述", ""), value_text=value_text,
        basis=item.get("指标值确定依据", ""), placeholder=bool(item.get("占位", False)), value=value,
        source=source, sign=sign, number_text=number_text, unit=unit)


def indicators(items: list[dict[str, Any]] | None, rel: str, path: tuple[str | int, ...],
               tax: Taxonomy | None) -> list[Indicator]:
    return [indicator(item, Source(rel, path + (i,)), tax) for i, item in enumerate(items or [])]


def budget(raw: dict[str, Any]) -> Budget:
    """预算数 with 财政资金 and 其他资金; a missing part is what the total leaves over."""
    total = to_yuan(raw["预算数"])
    other = to_yuan(raw["其他资金"]) if raw.get("其他资金") is not None else None
    fiscal = to_yuan(raw["财政资金"]) if raw.get("财政资金") is not None else None
    if fiscal is None:
        fiscal = total - (other or Decimal(0))
    if other is None:
        other = total - fiscal
    return Budget(total, fiscal, other)


def midterm(data: dict[str, Any], rel: str, tax: Taxonomy | None,
            text: Callable[[Any], list[str]]) -> Midterm | None:
    m = data.get("中期")
    if m is None:
        return None
    return Midterm(
        first_year=int(m["开始年度"]), last_year=int(m["结束年度"]),
        budget=budget(m["预算"]) if m.get("预算") is not None else None,
        goals=text(m.get("绩效目标")), indicators=indicators(m.get("绩效指标"), rel, ("中期", "绩效指标"), tax),
        source=Source(rel, ("中期",)))


def tasks(data: dict[str, Any], rel: str, text: Callable[[Any], list[str]]) -> list[Task]:
    """年度主要任务; 财政拨款 or 其他资金 left out is what 总额 leaves over."""
    result = []
    for i, t in enumerate(data.get("年度主要任务") or []):
        a = t["预算金额"]
        b = budget({"预算数": a["总额"], "财政资金": a.get("财政拨款"), "其他资金": a.get("其他资金")})
        result.append(Task(name=t["任务名称"], content=text(t.get("主要内容")), total=b.total, fiscal=b.fiscal,
                           other=b.other, source=Source(rel, ("年度主要任务", i))))
    return result
