"""What a document says, as read: projects, indicators and part one, before it becomes YAML files.

The readers (hebei, ningxia, xlsx) fill these plain objects; the use case (run.py) checks them
against the indicator profile, gives the projects ids and hands them to the writer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from perfgen.importer.report import Where


@dataclass
class ImportedIndicator:
    level1: str
    level2: str
    level3: str = ""
    description: str | None = None     # None: the form has no such column
    value: str = ""
    basis: str | None = None
    placeholder: bool = False
    where: Where = field(default_factory=Where)
    comment: str | None = None


@dataclass
class ImportedProject:
    name: str
    where: Where
    source: str                         # for the file's "来源" comment, e.g. "1.见义勇为基金绩效目标表"
    code: str | None = None
    total: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None
    fund_use: list[str] = field(default_factory=list)
    plan: dict[str, Decimal] = field(default_factory=dict)
    goals: list[str] = field(default_factory=list)
    goals_local: list[str] = field(default_factory=list)
    indicators: list[ImportedIndicator] = field(default_factory=list)
    explanation: dict[str, Any] | None = None
    office: str | None = None
    competent: str | None = None
    implementing: str | None = None
    attribute: str | None = None
    period: str | None = None
    unit_line: str | None = None
    comments: dict[str, str] = field(default_factory=dict)   # YAML key (预算数, 绩效目标…) → comment
    id: str = ""


@dataclass
class ImportedDocument:
    """Everything read from one file."""

    template: str
    projects: list[ImportedProject] = field(default_factory=list)
    goals: dict[str, Any] = field(default_factory=dict)        # goals.yaml keys, without 项目顺序
    subgoal_amounts: dict[int, Decimal] = field(default_factory=dict)   # 分项 index → amount in its heading
    layout: dict[str, Any] = field(default_factory=dict)       # 版式 settings the document shows
    dept: dict[str, str] = field(default_factory=dict)          # 名称, 单位编码, 单位名称, 主管部门 as printed
    level1_seen: list[str] = field(default_factory=list)        # 一级 names outside project tables
    labels_seen: list[str] = field(default_factory=list)        # column labels (xlsx), for the template
    kind: str = "docx"
