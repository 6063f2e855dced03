"""What changed between two versions of a department's year, as plain data.

The result is a tree of dataclasses (department → projects → fields and indicators, plus the
department-level goals) that the report formats walk; nothing here formats for people except the
Chinese field names, which are the YAML keys users know.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from perfgen.diff.chardiff import Segment, diff_text
from perfgen.diff.match import match_indicators, match_projects, pair
from perfgen.diff.settings import DiffSettings
from perfgen.diff.weaker import TargetChange, compare_targets
from perfgen.model.amounts import format_yuan
from perfgen.model.entities import DepartmentYear, Indicator, Project, Source, SubGoal, YearGoals

Status = Literal["added", "removed", "changed", "unchanged"]


@dataclass
class FieldChange:
    """One field that differs. Text fields carry a character diff; short values show old → new."""

    field: str
    old: str | None
    new: str | None
    segments: list[Segment] = dataclasses.field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return bool(self.segments)

    def as_dict(self) -> dict[str, object]:
        d: dict[str, object] = {"field": self.field, "old": self.old, "new": self.new}
        if self.segments:
            d["segments"] = [s.as_dict() for s in self.segments]
        return d


@dataclass
class AmountChange:
    """Money in 元, before and after; missing on one side for added or removed projects."""

    old: Decimal | None
    new: Decimal | None

    @property
    def delta(self) -> Decimal:
        return (self.new or Decimal(0)) - (self.old or Decimal(0))

    @property
    def percent(self) -> Decimal | None:
        """Change in percent of the old amount, two decimals; None when there was no old amount."""
        if not self.old:
            return None
        return (self.delta * 100 / self.old).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def as_dict(self) -> dict[str, object]:
        pct = self.percent
        return {"old": _money(self.old), "new": _money(self.new), "delta": _money(self.delta),
                "percent": str(pct) if pct is not None else None}


def _money(d: Decimal | None) -> str | None:
    return None if d is None else format_yuan(d, "0.00")


@dataclass
class IndicatorDiff:
    status: Literal["added", "removed", "changed"]
    old: Indicator | None
    new: Indicator | None
    changes: list[FieldChange] = dataclasses.field(default_factory=list)
    target: TargetChange | None = None

    @property
    def label(self) -> str:
        i = self.new or self.old
        assert i is not None
        return f"{i.level2} › {i.level3}" if i.level3 else i.level2

    @property
    def flagged(self) -> bool:
        return self.target is not None and self.target.flagged

    @property
    def weaker(self) -> bool:
        return self.target is not None and self.target.verdict == "weaker"

    def as_dict(self) -> dict[str, object]:
        def ind(i: Indicator | None) -> dict[str, str] | None:
            if i is None:
                return None
            return {"一级指标": i.level1, "二级指标": i.level2, "三级指标": i.level3,
                    "绩效指标描述": i.description, "指标值": i.value_text, "指标值确定依据": i.basis}
        return {"status": self.status, "label": self.label, "old": ind(self.old), "new": ind(self.new),
                "changes": [c.as_dict() for c in self.changes],
                "target": self.target.as_dict() if self.target else None}


@dataclass
class ProjectRef:
    id: str
    name: str
    code: str | None
    file: str
    budget: Decimal

    @classmethod
    def of(cls, p: Project) -> ProjectRef:
        return cls(p.id, p.name, p.code, p.source.file, p.budget.total)

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "code": self.code, "file": self.file,
                "budget": _money(self.budget)}


@dataclass
class ProjectDiff:
    status: Status
    old: ProjectRef | None
    new: ProjectRef | None
    matched_by: str | None = None
    budget: AmountChange = dataclasses.field(default_factory=lambda: AmountChange(None, None))
    changes: list[FieldChange] = dataclasses.field(default_factory=list)
    indicators: list[IndicatorDiff] = dataclasses.field(default_factory=list)

    @property
    def ref(self) -> ProjectRef:
        r = self.new or self.old
        assert r is not None
        return r

    @property
    def renamed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.name != self.new.name

    @property
    def moved(self) -> bool:
        """Same project, different file name (project id)."""
        return self.old is not None and self.new is not None and self.old.id != self.new.id

    @property
    def weaker(self) -> int:
        return sum(1 for i in self.indicators if i.weaker)

    @property
    def flagged(self) -> int:
        return sum(1 for i in self.indicators if i.flagged)

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, "renamed": self.renamed, "moved": self.moved, "matched_by": self.matched_by,
                "old": self.old.as_dict() if self.old else None, "new": self.new.as_dict() if self.new else None,
                "budget": self.budget.as_dict(), "changes": [c.as_dict() for c in self.changes],
                "indicators": [i.as_dict() for i in self.indicators]}


@dataclass
class SubGoalDiff:
    status: Status
    old_title: str | None
    new_title: str | None
    changes: list[FieldChange] = dataclasses.field(default_factory=list)

    @property
    def title(self) -> str:
        return self.new_title or self.old_title or ""

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, "old_title": self.old_title, "new_title": self.new_title,
                "changes": [c.as_dict() for c in self.changes]}


@dataclass
class GoalsDiff:
    """第一部分 部门整体绩效目标 (goals.yaml)."""

    status: Status
    file: str | None
    changes: list[FieldChange] = dataclasses.field(default_factory=list)
    subgoals: list[SubGoalDiff] = dataclasses.field(default_factory=list)
    table: list[IndicatorDiff] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, "file": self.file, "changes": [c.as_dict() for c in self.changes],
                "subgoals": [s.as_dict() for s in self.subgoals if s.status != "unchanged"],
                "table": [t.as_dict() for t in self.table]}


@dataclass
class DeptDiff:
    dept_id: str
    name: str
    old_label: str
    new_label: str
    old_year: int
    new_year: int
    budget: AmountChange
    projects: list[ProjectDiff]
    goals: GoalsDiff

    def of_status(self, status: Status) -> list[ProjectDiff]:
        return [p for p in self.projects if p.status == status]

    @property
    def renamed(self) -> list[ProjectDiff]:
        return [p for p in self.projects if p.renamed or p.moved]

    @property
    def weaker(self) -> int:
        return sum(p.weaker for p in self.projects) + sum(1 for t in self.goals.table if t.weaker)

    @property
    def flagged(self) -> int:
        return sum(p.flagged for p in self.projects) + sum(1 for t in self.goals.table if t.flagged)

    @property
    def changed(self) -> bool:
        return self.goals.changed or any(p.status != "unchanged" for p in self.projects)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.of_status("added")), "removed": len(self.of_status("removed")),
                "renamed": len(self.renamed), "changed": len(self.of_status("changed")),
                "unchanged": len(self.of_status("unchanged")), "weaker": self.weaker, "flagged": self.flagged}

    def as_dict(self) -> dict[str, object]:
        return {"department": self.dept_id, "name": self.name, "from": self.old_label, "to": self.new_label,
                "from_year": self.old_year, "to_year": self.new_year, "changed": self.changed,
                "budget": self.budget.as_dict(), "counts": self.counts(), "goals": self.goals.as_dict(),
                "projects": [p.as_dict() for p in self.projects if p.status != "unchanged"],
                "unchanged_projects": [p.ref.id for p in self.projects if p.status == "unchanged"]}


@dataclass
class DiffReport:
    """Every department compared, with the labels of the two sides (“2025年”, “HEAD~1”)."""

    old_label: str
    new_label: str
    departments: list[DeptDiff]
    summary: bool = False  # print the table of all departments first
    docx: bytes | None = None

    @property
    def changed(self) -> bool:
        return any(d.changed for d in self.departments)

    def totals(self) -> dict[str, int]:
        keys = ("added", "removed", "renamed", "changed", "unchanged", "weaker", "flagged")
        counts = [d.counts() for d in self.departments]
        return {k: sum(c[k] for c in counts) for k in keys}

    @property
    def budget(self) -> AmountChange:
        return AmountChange(sum((d.budget.old or Decimal(0) for d in self.departments), Decimal(0)),
                            sum((d.budget.new or Decimal(0) for d in self.departments), Decimal(0)))

    def as_dict(self) -> dict[str, object]:
        return {"format": "perfgen-diff", "version": 1, "from": self.old_label, "to": self.new_label,
                "summary": {"departments": len(self.departments),
                            "changed_departments": sum(1 for d in self.departments if d.changed),
                            "budget": self.budget.as_dict(), "projects": self.totals()},
                "departments": [d.as_dict() for d in self.departments]}


# -- comparing ----------------------------------------------------------------------------------

def _join(lines: list[str]) -> str:
    return "\n".join(lines)


def _text_change(name: str, old: str | None, new: str | None, settings: DiffSettings) -> FieldChange | None:
    """A change of a text field; None when equal. Missing and empty count as the same."""
    a, b = old or "", new or ""
    if a == b:
        return None
    return FieldChange(name, old, new, diff_text(a, b, settings.island))


def _value_change(name: str, old: object, new: object) -> FieldChange | None:
    a = None if old is None else str(old)
    b = None if new is None else str(new)
    if a == b:
        return None
    return FieldChange(name, a, b)


def _project_changes(a: Project, b: Project, settings: DiffSettings) -> list[FieldChange]:
    changes: list[FieldChange | None] = [
        _text_change("项目名称", a.name, b.name, settings),
        _value_change("项目编码", a.code, b.code),
        _value_change("预算 › 财政资金", format_yuan(a.budget.fiscal, "0.00"), format_yuan(b.budget.fiscal, "0.00")),
        _value_change("预算 › 其他资金", format_yuan(a.budget.other, "0.00"), format_yuan(b.budget.other, "0.00")),
    ]
    for key in list(dict.fromkeys(list(a.spending_plan) + list(b.spending_plan))):
        pa, pb = a.spending_plan.get(key), b.spending_plan.get(key)
        changes.append(_value_change(f"支出计划 › {key}", f"{pa}%" if pa is not None else None,
                                     f"{pb}%" if pb is not None else None))
    for label, attr in (("主管部门", "competent_dept"), ("实施单位", "implementing_unit"), ("项目属性", "attribute"),
                        ("项目期", "period"), ("责任科室", "office")):
        changes.append(_value_change(label, getattr(a, attr), getattr(b, attr)))
    changes += [
        _text_change("资金用途", _join(a.fund_use), _join(b.fund_use), settings),
        _text_change("绩效目标", _join(a.goals), _join(b.goals), settings),
        _text_change("本级绩效目标", _join(a.goals_local), _join(b.goals_local), settings),
    ]
    ea, eb = a.explanation, b.explanation
    for label, attr, is_list in (("标题", "title", False), ("项目概况", "overview", True),
                                 ("资金安排", "funding_items", True), ("资金安排总述", "funding_summary", False),
                                 ("绩效目标", "goals", True), ("绩效指标", "indicators", True),
                                 ("评价标准", "criteria", True), ("结语", "closing", False)):
        va = getattr(ea, attr) if ea else None
        vb = getattr(eb, attr) if eb else None
        if is_list:
            va, vb = _join(va or []), _join(vb or [])
        changes.append(_text_change(f"说明 › {label}", va, vb, settings))
    return [c for c in changes if c is not None]


_INDICATOR_FIELDS = (("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3"),
                     ("绩效指标描述", "description"), ("指标值", "value_text"), ("指标值确定依据", "basis"))


def _indicator_diffs(old: list[Indicator], new: list[Indicator], settings: DiffSettings,
                     names: dict[str, str] | None = None) -> list[IndicatorDiff]:
    """Added, removed and changed indicators, in the new order (removed ones last)."""
    names = names or {}
    pairing = match_indicators(old, new, settings.indicator_similarity)
    result: list[IndicatorDiff] = []
    for a, b, _ in pairing.pairs:
        changes: list[FieldChange] = []
        for label, attr in _INDICATOR_FIELDS:
            label = names.get(label, label)
            va, vb = getattr(a, attr), getattr(b, attr)
            if attr == "value_text":
                c = _value_change(label, va, vb)
            else:
                c = _text_change(label, va, vb, settings)
            if c is not None:
                changes.append(c)
        if not changes:
            continue
        target = None
        if a.value_text != b.value_text:
            target = compare_targets(a.value_text, b.value_text, settings, b.level2,
                                     f"{b.level3} {b.description}")
        result.append(IndicatorDiff("changed", a, b, changes, target))
    for b in pairing.added:
        result.append(IndicatorDiff("added", None, b))
    for a in pairing.removed:
        result.append(IndicatorDiff("removed", a, None))
    order = {id(i): k for k, i in enumerate(new)}
    old_order = {id(i): k for k, i in enumerate(old)}
    result.sort(key=lambda d: (0, order[id(d.new)]) if d.new is not None else (1, old_order[id(d.old)]))
    return result


def compare_projects(a: Project, b: Project, how: str, settings: DiffSettings) -> ProjectDiff:
    indicators = _indicator_diffs(a.real_indicators, b.real_indicators, settings)
    changes = _project_changes(a, b, settings)
    budget = AmountChange(a.budget.total, b.budget.total)
    changed = bool(indicators or changes or budget.changed or a.id != b.id)
    return ProjectDiff("changed" if changed else "unchanged", ProjectRef.of(a), ProjectRef.of(b), how,
                       budget, changes, indicators)


def _subgoal_changes(a: SubGoal | None, b: SubGoal | None, settings: DiffSettings) -> list[FieldChange]:
    def get(s: SubGoal | None, attr: str) -> object:
        return getattr(s, attr) if s is not None else None

    changes = [
        _text_change("标题", get(a, "title"), get(b, "title"), settings),  # type: ignore[arg-type]
        _value_change("金额", format_yuan(a.amount, "0.00") if a and a.amount is not None else None,
                      format_yuan(b.amount, "0.00") if b and b.amount is not None else None),
        _value_change("项目", get(a, "project_id"), get(b, "project_id")),
    ]
    for label, attr in (("职责描述", "duty"), ("绩效目标", "goals"), ("绩效指标", "indicators")):
        changes.append(_text_change(label, _join(get(a, attr) or []), _join(get(b, attr) or []), settings))  # type: ignore[arg-type]
    return [c for c in changes if c is not None]


def _row_indicators(g: YearGoals) -> list[Indicator]:
    """The 部门绩效文本信息 rows as indicators, so they are matched and judged the same way."""
    result = []
    level1 = ""
    for k, r in enumerate(g.dept_table):
        level1 = r.level1 or level1
        result.append(Indicator(level1, r.level2, r.level3, r.note, f"{r.sign}{r.value}{r.unit}", "", False, None,
                                Source(g.source.file, ("部门绩效文本信息", k))))
    return result


def compare_goals(a: YearGoals | None, b: YearGoals | None, settings: DiffSettings) -> GoalsDiff:
    either = b or a
    file = either.source.file if either is not None else None
    if a is None and b is None:
        return GoalsDiff("unchanged", None)
    changes: list[FieldChange | None] = []
    for label, attr in (("总体绩效目标", "overall"), ("分项绩效目标引言", "subgoals_intro"),
                        ("工作保障措施", "measures")):
        changes.append(_text_change(label, _join(getattr(a, attr)) if a else None,
                                    _join(getattr(b, attr)) if b else None, settings))
    sa = _join(a.special_funds) if a and a.special_funds is not None else None
    sb = _join(b.special_funds) if b and b.special_funds is not None else None
    changes.append(_text_change("专项资金说明", sa, sb, settings))
    subs_a, subs_b = (a.subgoals if a else []), (b.subgoals if b else [])
    pairing = pair(subs_a, subs_b, [(lambda s: s.project_id, "项目", True), (lambda s: s.title, "标题", True)],
                   text=lambda s: s.title, threshold=settings.project_similarity)
    subgoals: list[SubGoalDiff] = []
    for sa_, sb_, _ in pairing.pairs:
        ch = _subgoal_changes(sa_, sb_, settings)
        subgoals.append(SubGoalDiff("changed" if ch else "unchanged", sa_.title, sb_.title, ch))
    subgoals += [SubGoalDiff("added", None, s.title) for s in pairing.added]
    subgoals += [SubGoalDiff("removed", s.title, None) for s in pairing.removed]
    table = _indicator_diffs(_row_indicators(a) if a else [], _row_indicators(b) if b else [], settings,
                             {"绩效指标描述": "说明", "指标值": "指标值"})
    kept = [c for c in changes if c is not None]
    if a is None or b is None:
        status: Status = "added" if a is None else "removed"
    else:
        status = "changed" if kept or table or any(s.status != "unchanged" for s in subgoals) else "unchanged"
    return GoalsDiff(status, file, kept, subgoals, table)


def compare_years(old: DepartmentYear, new: DepartmentYear, settings: DiffSettings,
                  old_label: str, new_label: str) -> DeptDiff:
    """Everything that changed in one department from `old` to `new`."""
    pairing = match_projects(old.projects, new.projects, settings.project_similarity)
    diffs: list[ProjectDiff] = []
    matched = {id(b): (a, how) for a, b, how in pairing.pairs}
    for p in new.projects:
        if id(p) in matched:
            a, how = matched[id(p)]
            diffs.append(compare_projects(a, p, how, settings))
        else:
            diffs.append(ProjectDiff("added", None, ProjectRef.of(p), None, AmountChange(None, p.budget.total)))
    for p in pairing.removed:
        diffs.append(ProjectDiff("removed", ProjectRef.of(p), None, None, AmountChange(p.budget.total, None)))
    dept = new.department
    return DeptDiff(dept.id, dept.name, old_label, new_label, old.year, new.year,
                    AmountChange(old.total_budget, new.total_budget), diffs,
                    compare_goals(old.goals, new.goals, settings))


__all__ = ["AmountChange", "DeptDiff", "DiffReport", "FieldChange", "GoalsDiff", "IndicatorDiff", "ProjectDiff", "ProjectRef",
           "SubGoalDiff", "compare_goals", "compare_projects", "compare_years"]
