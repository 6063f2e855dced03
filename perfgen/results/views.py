"""View models of the 自评表 and the 监控表: every cell's text, formatted with the layout's words.

Templates (templates/results/*/template.docx) only place text; the wording comes from the
layout.yaml beside each template (a workspace copy of the folder overrides the shipped one).
"""
from __future__ import annotations

import difflib
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from perfgen import resources, yamlsource
from perfgen.errors import Finding, UserError
from perfgen.model.amounts import format_wan
from perfgen.model.entities import DepartmentYear, Indicator, Project
from perfgen.model.layout import every_template_keys, fill
from perfgen.render.context import View
from perfgen.results.model import Checkpoint, Funds, ProjectResults
from perfgen.results.scoring import Scorecard


def layout(root: Path, template: str) -> dict[str, Any]:
    """The template's layout: the shipped file's keys, overridden by a workspace copy's."""
    shipped = resources.builtin_dir() / "templates" / template / "layout.yaml"
    folder = resources.find_named(root, "templates", template)
    if folder is None or not (folder / "layout.yaml").exists():
        raise UserError(f"找不到模板“{template}”的 layout.yaml", "检查 rules/scoring.yaml 中的“自评表模板”“监控表模板”。")
    base: dict[str, Any] = {}
    if shipped.exists() and shipped.resolve() != (folder / "layout.yaml").resolve():
        doc, _ = yamlsource.read(shipped, f"（perfgen 自带）templates/{template}/layout.yaml")
        base = dict(doc.data) if doc is not None and isinstance(doc.data, dict) else {}
    rel = (folder / "layout.yaml").relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder / "layout.yaml")
    doc, problems = yamlsource.read(folder / "layout.yaml", rel)
    if doc is None or not isinstance(doc.data, dict):
        raise UserError(f"{rel} 无法读取", "文件应为“键: 值”形式的 YAML。", findings=problems)
    bad = []
    for key, value in doc.data.items():
        if base and key not in base and key not in every_template_keys():
            close = difflib.get_close_matches(str(key), list(base), n=1, cutoff=0.3)
            line, col = doc.position((key,), key=True)
            bad.append(Finding(rel, f"模板没有“{key}”这项版式设置", line, col,
                               f"是不是要写“{close[0]}”？" if close else "可用的设置见 perfgen 自带的同名 layout.yaml。",
                               code="layout.unknown-key"))
        elif base and type(value) is not type(base[key]):
            line, col = doc.position((key,))
            bad.append(Finding(rel, f"版式设置“{key}”的类型不对", line, col, f"默认值是 {base[key]!r}。", code="layout.type"))
    if bad:
        raise UserError(f"{rel} 有 {len(bad)} 处错误", "按提示修改后重新运行。", findings=bad)
    base.update(doc.data)
    return base


def _wan(amount: Decimal | None, L: dict[str, Any]) -> str:
    return "" if amount is None else fill(L["金额格式"], 金额万元=format_wan(amount))


def _rate(rate: Decimal | None, L: dict[str, Any]) -> str:
    if rate is None:
        return ""
    q = Decimal(1).scaleb(-int(L["执行率小数位"]))
    return fill(L["执行率格式"], 执行率=str(rate.quantize(q, rounding=ROUND_HALF_UP)))


def _merge_flags(rows: list[View]) -> list[View]:
    prev: tuple[str, str] | None = None
    for row in rows:
        row["l1_first"] = prev is None or row["l1"] != prev[0]
        row["l2_first"] = prev is None or (row["l1"], row["l2"]) != prev
        prev = (row["l1"], row["l2"])
    return rows


def _heading(dy: DepartmentYear, project: Project) -> dict[str, str]:
    dept = dy.department
    return {"name": project.name,
            "competent": project.competent_dept or dept.competent_dept or dept.name,
            "implementing": project.implementing_unit or dept.unit_name}


_PICK = {"合计": "total", "财政拨款": "fiscal", "上年结转": "carried", "其他资金": "other"}


def selfeval_view(dy: DepartmentYear, L: dict[str, Any], results: list[ProjectResults]) -> View:
    projects = []
    for res in results:
        ev, card = res.evaluation, res.scorecard
        assert ev is not None and isinstance(card, Scorecard)
        funds = []
        for i, spec in enumerate(L["资金行"]):
            attr = _PICK[spec["取"]]

            def pick(f: Funds, attr: str = attr) -> Decimal:
                return getattr(f, attr)  # type: ignore[no-any-return]
            first = i == 0
            funds.append(View(label=spec["标签"], initial=_wan(pick(ev.initial), L), budget=_wan(pick(ev.budget), L),
                              executed=_wan(pick(ev.executed), L), weight=card.r(card.rate_weight) if first else "",
                              rate=_rate(card.rate, L) if first else "", score=card.r(card.rate_score) if first else ""))
        rows = []
        for row in card.rows:
            na = row.item.not_applicable
            rows.append(View(l1=row.level1, l2=row.item.goal.level2, l3=row.item.goal.level3,
                             target=row.item.goal.value_text, actual=row.item.actual,
                             weight=L["不适用文字"] if na else card.r(row.weight),
                             score=L["不适用文字"] if na else card.r(row.score), reason=row.item.reason))
        full = card.rate_weight + sum((r.weight for r in card.rows), Decimal(0))
        projects.append(View(_heading(dy, res.project), period_line=fill(L["期间行"], 年度=dy.year),
                             unit_line=fill(L["单位行"], 年度=dy.year), funds=funds, expected=ev.expected,
                             achieved=ev.achieved, rows=_merge_flags(rows), full=card.r(full), total=card.r(card.total),
                             grade_line=fill(L["评级格式"], 评级=card.grade)))
    return View(L=View(L), projects=projects)


def month(label: str) -> int:
    m = re.match(r"(\d+)", label)
    return int(m.group(1)) if m else 12


def monitoring_view(dy: DepartmentYear, L: dict[str, Any], label: str, results: list[ProjectResults]) -> View:
    fields = {"年度": dy.year, "月": month(label), "节点": label}
    projects = []
    for res in results:
        cp: Checkpoint = next(c for c in res.checkpoints if c.label == label)
        by_goal = {id(m.goal): m for m in cp.indicators}
        rows = []
        for goal in res.project.real_indicators:
            m = by_goal.get(id(goal))
            reason = []
            note: list[str] = []
            if m is not None:
                if m.reason is not None:
                    reason = [fill(L["偏差原因格式"], 类别=m.reason.category, 说明="".join(m.reason.text)).rstrip("：:")]
                note = list(m.note)
                if m.measures:
                    note.append(fill(L["整改措施格式"], 整改措施="".join(m.measures)))
            rows.append(_row(goal, m.to_date if m else "", m.forecast if m else "", reason, m.likelihood if m else "", note))
        projects.append(View(_heading(dy, res.project), period_line=fill(L["期间行"], **fields),
                             unit_line=fill(L["单位行"], **fields),
                             fund_columns=[fill(c, **fields) for c in L["资金列"]],
                             funds=[_wan(cp.initial, L), _wan(cp.budget, L), _wan(cp.executed, L), _rate(cp.rate, L),
                                    _wan(cp.forecast, L)],
                             goals=res.project.goals, indicator_columns=[fill(c, **fields) for c in L["指标列"]],
                             rows=_merge_flags(rows)))
    return View(L=View(L), projects=projects)


def _row(goal: Indicator, to_date: str, forecast: str, reason: list[str], likelihood: str, note: list[str]) -> View:
    return View(l1=goal.level1, l2=goal.level2, l3=goal.level3, target=goal.value_text, to_date=to_date,
                forecast=forecast, reason=reason, likelihood=likelihood, note=note)
