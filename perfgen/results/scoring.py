"""The 自评表 score, computed from the results and the rules in rules/scoring.yaml.

执行率 = B ÷ A and its score = min(执行率, 封顶) × 权重; each first-level class (产出 / 效益 / 满意度)
carries its weight, spread over its indicators evenly unless a 分值 is written; an indicator marked
不适用 is dropped and the rest of its class rescaled, and a class with nothing left passes its
weight to the other classes in proportion. A quantitative indicator scores actual ÷ target (≥, >)
or target ÷ actual (≤, <) times its 分值, capped; “=” is full or nothing within the tolerance; a
qualitative one scores the share of the grade the evaluator wrote. Problems that make a score
meaningless (units that differ, no actual, no reason below full marks) are returned as problems
with the place they belong to, and validation reports them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from perfgen.diff.settings import DiffSettings
from perfgen.model.entities import Source
from perfgen.model.taxonomy import Taxonomy
from perfgen.model.values import IndicatorValue, ValueSyntaxError, parse_value
from perfgen.results.model import ProjectResults, SelfIndicator
from perfgen.results.rules import ScoringRules

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Problem:
    source: Source
    at: tuple[str | int, ...]
    message: str
    hint: str
    code: str


@dataclass
class RowScore:
    item: SelfIndicator
    level1: str
    weight: Decimal          # the 分值 the row carries after spreading and rescaling (0 when 不适用)
    score: Decimal | None    # None: 不适用, or not computable (a problem says why)
    rule: str                # 正向 / 反向 / 等于 / 定性 / 不适用, for the record

    @property
    def full(self) -> bool:
        return self.score is not None and self.score >= self.weight


@dataclass
class Scorecard:
    rate: Decimal | None          # 执行率 in percent
    rate_weight: Decimal
    rate_score: Decimal
    rows: list[RowScore]
    total: Decimal
    grade: str
    decimals: int
    problems: list[Problem] = field(default_factory=list)

    def r(self, value: Decimal | None) -> str:
        """A score as printed: rounded half up to the rules' decimals, trailing zeros kept."""
        if value is None:
            return ""
        q = Decimal(1).scaleb(-self.decimals)
        return str(value.quantize(q, rounding=ROUND_HALF_UP))


def _parse(text: str) -> IndicatorValue | None:
    try:
        return parse_value(text)
    except ValueSyntaxError:
        return None


def _split(rows: list[SelfIndicator], weight: Decimal, problems: list[Problem]) -> dict[int, Decimal]:
    """Base 分值 of each row of one class: written ones kept, the rest of the class weight spread evenly."""
    given = sum((r.weight for r in rows if r.weight is not None), Decimal(0))
    free = [r for r in rows if r.weight is None]
    out: dict[int, Decimal] = {}
    if given > weight or (not free and given != weight):
        first = next(r for r in rows if r.weight is not None)
        problems.append(Problem(first.source, ("分值",), f"{first.goal.level1}各指标的分值合计 {given:f}，"
                                f"应为该一级指标的权重 {weight:f}",
                                f"调整分值使合计为 {weight:f}，或删去“分值”由 perfgen 平均分配。", "results.weights"))
    for r in rows:
        out[id(r)] = r.weight if r.weight is not None else (max(weight - given, Decimal(0)) / len(free))
    return out


def _ratio(item: SelfIndicator, target: IndicatorValue, rules: ScoringRules, units: DiffSettings,
           problems: list[Problem]) -> tuple[Decimal | None, str]:
    g = item.goal
    actual = _parse(item.actual)
    if not item.actual.strip():
        problems.append(Problem(item.source, ("实际完成值",) if item.actual == "" else (), "没有填写实际完成值",
                                f"填写全年实际完成值（目标是“{g.value_text}”）；本年不考核时写“不适用: true”。", "results.no-actual"))
        return None, ""
    if actual is None or not actual.quantitative:
        problems.append(Problem(item.source, ("实际完成值",), f"实际完成值“{item.actual}”不是数字，而目标“{g.value_text}”是定量的",
                                f"写出数字和单位，例如“{target.number}{target.unit}”。", "results.actual-not-number"))
        return None, ""
    base_t, factor_t = units.unit(target.unit)
    base_a, factor_a = units.unit(actual.unit) if actual.unit else (base_t, factor_t)
    if base_t != base_a:
        problems.append(Problem(item.source, ("实际完成值",),
                                f"实际完成值“{item.actual}”的单位（{actual.unit}）与目标“{g.value_text}”的单位（{target.unit or '无单位'}）不一致",
                                f"按目标的单位填写实际完成值，例如“…{target.unit}”。", "results.unit"))
        return None, ""
    t = target.number * factor_t  # type: ignore[operator]
    a = actual.number * factor_a  # type: ignore[operator]
    op = target.operator
    if op is None:
        op = "≤" if rules.reverse(g.level2, g.level3 + g.description) else "≥"
    if op == "=":
        ok = abs(a - t) <= abs(t) * rules.equal_tolerance / HUNDRED
        return (Decimal(1) if ok else Decimal(0)), "等于"
    if op in ("≥", ">"):
        ratio = Decimal(1) if t == 0 else a / t
        kind = "正向"
    else:
        ratio = Decimal(1) if a == 0 else t / a
        kind = "反向"
    if rules.cap:
        ratio = min(ratio, Decimal(1))
    return ratio, kind


def score(results: ProjectResults, taxonomy: Taxonomy | None, rules: ScoringRules, units: DiffSettings) -> Scorecard | None:
    """The scorecard of a project's self-evaluation (None when it has none)."""
    ev = results.evaluation
    if ev is None:
        return None
    problems: list[Problem] = []
    a, b = ev.budget.total, ev.executed.total
    rate = b / a * HUNDRED if a else None
    if rate is None:
        problems.append(Problem(ev.source, ("全年预算数", "合计"), "全年预算数为 0，无法计算执行率",
                                "填写调整后的全年预算数（元）。", "results.zero-budget"))
    rate_score = min(rate, rules.rate_cap) / HUNDRED * rules.rate_weight if rate is not None else Decimal(0)
    effective = _effective_weights(ev.indicators, taxonomy, rules, problems)
    rows = [_row(item, effective.get(id(item), Decimal(0)), rules, units, problems) for item in ev.indicators]
    total = rate_score + sum((r.score for r in rows if r.score is not None), Decimal(0))
    q = Decimal(1).scaleb(-rules.decimals)
    return Scorecard(rate, rules.rate_weight, rate_score, rows, total, rules.grade_of(total.quantize(q, rounding=ROUND_HALF_UP)),
                     rules.decimals, problems)


def _effective_weights(indicators: list[SelfIndicator], taxonomy: Taxonomy | None, rules: ScoringRules,
                       problems: list[Problem]) -> dict[int, Decimal]:
    """Each applicable indicator's share of the indicators' weight (by id of the item)."""
    order = taxonomy.level1_names if taxonomy is not None else []
    classes: dict[str, list[SelfIndicator]] = {}
    for item in indicators:
        classes.setdefault(item.goal.level1, []).append(item)
    for level1 in sorted(classes, key=lambda n: order.index(n) if n in order else len(order)):
        if level1 not in rules.class_weights:
            first = classes[level1][0]
            problems.append(Problem(first.source, (), f"评分规则没有一级指标“{level1}”的权重",
                                    "在工作区的 rules/scoring.yaml 的“权重 › 一级指标”下写出它的分值。", "results.no-weight"))
    weights = {n: rules.class_weights.get(n, Decimal(0)) for n in classes}
    # a class where nothing applies passes its weight on to the other classes in proportion
    live = {n for n, items in classes.items() if any(not i.not_applicable for i in items)}
    # the classes of the profile share the indicators' weight, even one the project left empty
    pool = sum((rules.class_weights.get(n, Decimal(0)) for n in order), Decimal(0)) if order else \
        sum(weights.values(), Decimal(0))
    live_sum = sum((weights[n] for n in live), Decimal(0))
    scale = pool / live_sum if live_sum else Decimal(0)
    effective: dict[int, Decimal] = {}
    for level1, items in classes.items():
        if level1 not in live:
            continue
        base = _split(items, weights[level1], problems)
        applicable = [i for i in items if not i.not_applicable]
        base_sum = sum((base[id(i)] for i in applicable), Decimal(0))
        for i in applicable:
            effective[id(i)] = base[id(i)] * weights[level1] * scale / base_sum if base_sum else Decimal(0)
    return effective


def _qualitative_ratio(item: SelfIndicator, rules: ScoringRules, problems: list[Problem]) -> Decimal | None:
    share = rules.grade_shares.get(item.grade or "")
    if share is not None:
        return share / HUNDRED
    choices = "、".join(rules.grade_shares)
    problems.append(Problem(item.source, ("评价",) if item.grade else (),
                            f"定性指标“{item.goal.level3}”{'的评价“' + item.grade + '”不是可选等级' if item.grade else '没有写评价'}",
                            f"写“评价: …”，可选：{choices}（得分比例见 rules/scoring.yaml 的“定性评价”）。",
                            "results.grade"))
    return None


def _row(item: SelfIndicator, w: Decimal, rules: ScoringRules, units: DiffSettings, problems: list[Problem]) -> RowScore:
    """One indicator's score: its weight times how far it was completed."""
    if item.not_applicable:
        return RowScore(item, item.goal.level1, Decimal(0), None, "不适用")
    target = item.goal.value
    ratio: Decimal | None
    if target is not None and target.quantitative:
        ratio, kind = _ratio(item, target, rules, units, problems)
    else:
        kind = "定性"
        ratio = _qualitative_ratio(item, rules, problems)
    s = ratio * w if ratio is not None else None
    q = Decimal(1).scaleb(-rules.decimals)
    if s is not None and s.quantize(q, rounding=ROUND_HALF_UP) < w.quantize(q, rounding=ROUND_HALF_UP) \
            and not any(x.strip() for x in item.reason):
        problems.append(Problem(item.source, (), f"得分（{s.quantize(q, rounding=ROUND_HALF_UP)}）低于分值"
                                f"（{w.quantize(q, rounding=ROUND_HALF_UP)}），但没有写偏差原因",
                                "填写“偏差原因分析及改进措施”：为什么没有完成，准备怎样改进。", "results.missing-reason"))
    return RowScore(item, item.goal.level1, w, s, kind)
