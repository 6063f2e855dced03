"""The pieces review rules work on: indicator rows from either table, and the issues rules raise.

A project's 绩效指标 and a department's 部门绩效文本信息 table are shaped differently (the latter
keeps 符号 / 值 / 单位 apart); `Row` gives both the same face, so one rule about 指标值 checks both.
Rules return `Issue`s — facts, not sentences: the wording comes from the rules file.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from perfgen.loaded import LoadResult
from perfgen.model.entities import DepartmentYear, Project, Source
from perfgen.model.values import IndicatorValue, ValueSyntaxError, parse_value

# 符号 values in a department table that mean "the value is text", not a comparison. These are the
# form's own words, the same in every region.
QUALITATIVE_SIGNS = ("文字描述", "定性", "文字")

_TRAILING = "。．.，,；;：:、"


def shown(text: Any, limit: int = 30) -> str:
    """Text quoted in a message: on one line, long text cut short."""
    s = re.sub(r"\s+", "", str(text or "")) if re.search(r"[\u4e00-\u9fff]", str(text or "")) else \
        re.sub(r"\s+", " ", str(text or "")).strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


def norm(text: Any) -> str:
    """Text for comparing: full-width to half-width, no spaces, no trailing punctuation."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = re.sub(r"\s+", "", s)
    return s.rstrip(_TRAILING)


@dataclass(frozen=True)
class Row:
    """One indicator row as rules see it."""

    level1: str
    level2: str
    level3: str
    description: str
    value_text: str
    basis: str
    value: IndicatorValue | None
    source: Source                        # the row itself
    value_field: tuple[str | int, ...]    # where its 指标值 is written, below `source`
    project: Project | None               # None: the department's own indicator table

    @property
    def quantitative(self) -> bool:
        return self.value is not None and self.value.quantitative

    def text(self, columns: list[str]) -> str:
        """The named columns (三级指标, 绩效指标描述, 指标值, 二级指标) joined, for keyword search."""
        return "\n".join(norm(self.column(c)) for c in columns)

    def column(self, name: str) -> str:
        return {"一级指标": self.level1, "二级指标": self.level2, "三级指标": self.level3,
                "绩效指标描述": self.description, "指标值": self.value_text,
                "指标值确定依据": self.basis}.get(name, "")


COLUMNS = ("二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


def _parse(text: str) -> IndicatorValue | None:
    if not text:
        return None
    try:
        return parse_value(text)
    except ValueSyntaxError:
        return None


def project_rows(p: Project) -> list[Row]:
    """The real indicators of a project (placeholder rows are form padding, not indicators)."""
    return [Row(i.level1, i.level2, i.level3.strip(), i.description.strip(), i.value_text.strip(), i.basis.strip(),
                i.value, i.source, ("指标值",), p) for i in p.real_indicators]


def department_rows(dy: DepartmentYear) -> list[Row]:
    """The 部门绩效文本信息 table: 一级 carries down like a merged cell; 符号+值+单位 make the 指标值."""
    g = dy.goals
    if g is None:
        return []
    rows = []
    level1 = ""
    for i, r in enumerate(g.dept_table):
        level1 = r.level1 or level1
        sign, value, unit = (r.sign or "").strip(), str(r.value or "").strip(), (r.unit or "").strip()
        if sign in QUALITATIVE_SIGNS:
            text = value or unit
            field_: tuple[str | int, ...] = ("值",) if value else ("单位",) if unit else ("符号",)
        else:
            text = sign + value + unit if (value or sign) else ""
            field_ = ("值",) if value else ("符号",) if sign else ()
        rows.append(Row(level1, norm(r.level2), norm(r.level3), "", text, "", _parse(text),
                        Source(g.source.file, ("部门绩效文本信息", i)), field_, None))
    return rows


def all_rows(dy: DepartmentYear) -> list[Row]:
    return [row for p in dy.projects for row in project_rows(p)] + department_rows(dy)


@dataclass
class Issue:
    """One problem a rule found: where, about what, and the facts its message is filled with."""

    project: Project | None              # None: the department part (goals.yaml)
    source: Source
    at: tuple[str | int, ...] = ()       # the field to point at, below `source`
    facts: dict[str, object] = field(default_factory=dict)
    row: Row | None = None               # the indicator row, when the issue is about one
    key: bool = False                    # point at the key (绩效指标:) rather than its value


@dataclass
class RuleContext:
    """What a rule function gets besides the department-year: its parameters and the load result."""

    params: dict[str, Any]
    result: LoadResult

    def words(self, name: str) -> list[str]:
        return [norm(w) for w in self.params[name] if norm(w)]

    def line_of(self, source: Source) -> int | None:
        return self.result.locate(source)[0]
