"""Plain objects for what the YAML files describe, after validation.

Attribute names are English for the code and the templates; the YAML keys people edit are Chinese
(see schemas/). `Source` remembers the file and the path of every object so later checks (business
rules, review, diff) can point at the line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfgen.model.taxonomy import Taxonomy
from perfgen.model.values import IndicatorValue


@dataclass(frozen=True)
class Source:
    file: str
    path: tuple[str | int, ...] = ()


@dataclass
class Indicator:
    level1: str
    level2: str
    level3: str
    description: str
    value_text: str
    basis: str
    placeholder: bool
    value: IndicatorValue | None
    source: Source
    # the 101号 split form (符号 / 值 / 单位) as written; empty when 指标值 is one string
    sign: str = ""
    number_text: str = ""
    unit: str = ""


@dataclass
class Budget:
    total: Decimal
    fiscal: Decimal
    other: Decimal


@dataclass
class Explanation:
    title: str | None
    overview: list[str]
    funding_items: list[str]
    funding_summary: str | None
    goals: list[str]
    indicators: list[str]
    criteria: list[str]
    closing: str | None


@dataclass
class Project:
    id: str
    name: str
    code: str | None
    budget: Budget
    fund_use: list[str]
    spending_plan: dict[str, Decimal]
    goals: list[str]
    goals_local: list[str]
    indicators: list[Indicator]
    explanation: Explanation | None
    office: str | None
    competent_dept: str | None
    implementing_unit: str | None
    attribute: str | None
    period: str | None
    source: Source
    midterm: Midterm | None = None   # before raw: the cache stores fields in order, raw excluded
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    fund_nature: str | None = None  # 资金性质: which 部分 of the layout holds the project

    @property
    def real_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if not i.placeholder]


@dataclass
class Midterm:
    """中期: the project period and what it plans over all its years (the 88号 申报表's left half)."""

    first_year: int
    last_year: int
    budget: Budget | None
    goals: list[str]
    indicators: list[Indicator]
    source: Source

    def contains(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


@dataclass
class Task:
    """年度主要任务: one row of the 部门（单位）整体支出 form, amounts in 元."""

    name: str
    content: list[str]
    total: Decimal
    fiscal: Decimal
    other: Decimal
    source: Source


@dataclass
class SubGoal:
    title: str
    project_id: str | None
    amount: Decimal | None
    title_suffix: str | None
    duty: list[str]
    goals: list[str]
    indicators: list[str]
    source: Source


@dataclass
class DeptIndicatorRow:
    level1: str
    level2: str
    level3: str
    sign: str
    value: str
    unit: str
    note: str


@dataclass
class YearGoals:
    overall: list[str]
    subgoals_intro: list[str]
    subgoals: list[SubGoal]
    measures: list[str]
    dept_table: list[DeptIndicatorRow]
    special_funds: list[str] | None
    project_order: list[str]
    layout: dict[str, Any]
    source: Source
    tasks: list[Task] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)   # 年度绩效指标 of the whole department

    @property
    def tasks_total(self) -> Budget:
        """金额合计 of 年度主要任务: computed, never typed."""
        return Budget(sum((t.total for t in self.tasks), Decimal(0)), sum((t.fiscal for t in self.tasks), Decimal(0)),
                      sum((t.other for t in self.tasks), Decimal(0)))


@dataclass
class Department:
    id: str
    name: str
    short_name: str | None
    unit_code: str | None
    unit_name: str
    competent_dept: str | None
    region: str | None
    template: str
    profile: str
    layout: dict[str, Any]
    source: Source
    years: dict[int, DepartmentYear] = field(default_factory=dict)
    named: bool = True  # 名称 was written (else `name` is the folder id, for lists and the volume)


@dataclass
class DepartmentYear:
    department: Department
    year: int
    goals: YearGoals | None
    projects: list[Project]
    taxonomy: Taxonomy | None
    layout: dict[str, Any]
    folder: Path
    project_files: set[str] = field(default_factory=set)  # ids with a file, loadable or not
    results: dict[str, Any] = field(default_factory=dict)  # project id -> results.model.ProjectResults

    @property
    def total_budget(self) -> Decimal:
        return sum((p.budget.total for p in self.projects), Decimal(0))


@dataclass
class WorkspaceSettings:
    title: str
    issuer: str
    default_year: int | None
    department_order: list[str]
    duplex: bool = True   # 双面打印: departments start on odd pages of the volume
    locality: str = ""    # 地区: named in the volume's title ({地区})
    volume_layout: dict[str, Any] = field(default_factory=dict)  # templates/volume/layout.yaml (版式)


@dataclass
class Workspace:
    root: Path
    settings: WorkspaceSettings
    departments: dict[str, Department]

    def years(self) -> list[int]:
        return sorted({y for d in self.departments.values() for y in d.years})

    def ordered_departments(self) -> list[Department]:
        order = self.settings.department_order
        listed = [self.departments[d] for d in order if d in self.departments]
        rest = sorted((d for k, d in self.departments.items() if k not in order), key=lambda d: d.id)
        return listed + rest
