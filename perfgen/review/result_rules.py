"""Review rules on results (perfgen/results/): how the year is going against the approved goals.

They run with the goal rules and read DepartmentYear.results; without results files they are
silent. Wording, severity and thresholds live in rules/default.yaml like every other rule.
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from perfgen.model.entities import DepartmentYear
from perfgen.model.values import IndicatorValue, ValueSyntaxError, normalize, parse_value
from perfgen.review.registry import NUMBER, WORDS, rule
from perfgen.review.rows import Issue, RuleContext


def _number(text: str) -> IndicatorValue | None:
    try:
        value = parse_value(text) if text and text.strip() else None
    except ValueSyntaxError:
        return None
    return value if value is not None and value.quantitative else None


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'))}%".replace(".0%", "%")


@rule("results-behind-plan", params={"容差": NUMBER}, facts=("项目", "节点", "计划", "执行", "差距"))
def behind_plan(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """Spending at a checkpoint behind the spending plan of the goals (支出计划 at the same 月底)."""
    tolerance = Decimal(str(ctx.params["容差"]))
    for res in dy.results.values():
        p = res.project
        for cp in res.checkpoints:
            plan = p.spending_plan.get(cp.label)
            rate = cp.rate
            if plan is None or rate is None or rate >= plan - tolerance:
                continue
            yield Issue(p, cp.source, ("执行数",), {"项目": p.name, "节点": cp.label, "计划": _pct(plan),
                                                   "执行": _pct(rate), "差距": _pct(plan - rate)})


@rule("results-impossible-no-measures", params={"须有整改措施": WORDS}, facts=("指标", "可能性"))
def impossible_no_measures(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """A target judged unreachable (完全不可能) with no 整改措施 written."""
    words = [normalize(w) for w in ctx.params["须有整改措施"]]
    for res in dy.results.values():
        for cp in res.checkpoints:
            for m in cp.indicators:
                if normalize(m.likelihood) in words and not any(x.strip() for x in m.measures):
                    yield Issue(res.project, m.source, ("完成目标可能性",), {"指标": m.goal.level3, "可能性": m.likelihood})


@rule("results-far-above-target", params={"超出比例": NUMBER}, facts=("指标", "目标", "实际", "超出"))
def far_above_target(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """An actual far beyond a ≥ target (or far below a ≤ one): the target was set too low."""
    margin = Decimal(str(ctx.params["超出比例"])) / 100
    for res in dy.results.values():
        if res.evaluation is None:
            continue
        for item in res.evaluation.indicators:
            target, actual = item.goal.value, _number(item.actual)
            if item.not_applicable or target is None or not target.quantitative or actual is None or not target.number:
                continue
            if actual.unit and actual.unit != target.unit:
                continue  # scoring reports units that differ
            t, a = target.number, actual.number
            assert a is not None
            if target.operator in ("≥", ">") and a >= t * (1 + margin):
                over = (a - t) / t * 100
            elif target.operator in ("≤", "<") and a <= t * (1 - margin):
                over = (t - a) / t * 100
            else:
                continue
            yield Issue(res.project, item.source, ("实际完成值",), {"指标": item.goal.level3, "目标": item.goal.value_text,
                                                                 "实际": item.actual, "超出": _pct(over)})


@rule("results-target-below-last-actual", facts=("指标", "目标", "去年实际", "说明"))
def target_below_last_actual(dy: DepartmentYear, ctx: RuleContext) -> Iterator[Issue]:
    """This year's target weaker than what the same project actually achieved last year (the diff's
    notion of a weaker target, perfgen/diff/weaker.py, with last year's actual as the old target)."""
    from perfgen.diff.settings import load_settings
    from perfgen.diff.weaker import compare_targets
    last = dy.department.years.get(dy.year - 1)
    if last is None or not last.results:
        return
    settings = load_settings(ctx.result.workspace.root)
    by_name = {normalize(r.project.name): r for r in last.results.values()}
    for p in dy.projects:
        before = last.results.get(p.id) or by_name.get(normalize(p.name))
        if before is None or before.evaluation is None:
            continue
        actuals = {normalize(i.goal.level3): i for i in before.evaluation.indicators if not i.not_applicable}
        for ind in p.real_indicators:
            old = actuals.get(normalize(ind.level3))
            target = ind.value
            if old is None or target is None or not target.quantitative or _number(old.actual) is None:
                continue
            # last year's actual, read as a target in this year's sense (≥ 96% when the target is ≥ 90%)
            change = compare_targets((target.operator or "") + normalize(old.actual), ind.value_text, settings,
                                     ind.level2, ind.level3 + ind.description)
            if change.verdict == "weaker":
                yield Issue(p, ind.source, ("指标值",), {"指标": ind.level3, "目标": ind.value_text,
                                                         "去年实际": old.actual, "说明": change.reason})
