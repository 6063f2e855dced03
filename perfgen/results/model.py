"""Plain objects for results files, after validation and matching to the goals."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from perfgen.model.entities import Indicator, Project, Source


@dataclass
class Funds:
    """An amount in 元 with its split (财政拨款 / 上年结转 / 其他资金)."""

    total: Decimal
    fiscal: Decimal
    carried: Decimal
    other: Decimal


@dataclass
class Reason:
    category: str
    text: list[str]


@dataclass
class MonitorIndicator:
    goal: Indicator
    to_date: str
    forecast: str
    reason: Reason | None
    likelihood: str
    measures: list[str]
    note: list[str]
    source: Source


@dataclass
class Checkpoint:
    label: str                      # 6月底
    initial: Decimal                # 年初预算数
    budget: Decimal                 # 全年预算数（调整后）
    executed: Decimal               # 执行数 to date
    forecast: Decimal | None        # 全年预计执行数
    indicators: list[MonitorIndicator]
    source: Source

    @property
    def rate(self) -> Decimal | None:
        """执行率 in percent (None when the budget is 0)."""
        return self.executed / self.budget * 100 if self.budget else None


@dataclass
class SelfIndicator:
    goal: Indicator
    actual: str
    weight: Decimal | None          # 分值 as written (None: spread evenly)
    grade: str | None               # 达成 / 部分达成 / 未达成 for qualitative targets
    not_applicable: bool
    reason: list[str]
    source: Source


@dataclass
class SelfEvaluation:
    initial: Funds
    budget: Funds                   # A
    executed: Funds                 # B
    expected: list[str]
    achieved: list[str]
    indicators: list[SelfIndicator]
    source: Source


@dataclass
class ProjectResults:
    project: Project
    checkpoints: list[Checkpoint]
    evaluation: SelfEvaluation | None
    source: Source
    scorecard: object | None = field(default=None, repr=False)  # scoring.Scorecard, set after scoring
