"""From what was read to what is written: project ids, 分项 links, and the data of each YAML file.

Ids are the department id plus a number (yutian-zfw-01 …), unique in the year across the workspace,
or the id of the project already on file with the same 项目编码 or name, so importing a document
again replaces its own files. Fields the template would print the same way without them
(主管部门 equal to the department's, 实施单位 equal to its name) are left out.
"""
from __future__ import annotations

import difflib
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from perfgen.importer.labels import vocab
from perfgen.importer.normalize import key, yuan
from perfgen.importer.report import Reporter
from perfgen.importer.result import ImportedDocument, ImportedProject
from perfgen.importer.writer import text_value


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _existing_projects(root: Path, dept: str, year: int) -> dict[str, str]:
    """项目编码 or 项目名称 → id of the project files already in this department and year."""
    found: dict[str, str] = {}
    for path in sorted((root / "departments" / dept / str(year) / "projects").glob("*.yaml")):
        data = read_yaml(path)
        if isinstance(data, dict):
            for k in ("项目编码", "项目名称"):
                if isinstance(data.get(k), str):
                    found.setdefault(f"{k}:{data[k]}", path.stem)
    return found


def assign_ids(root: Path, dept: str, year: int, projects: list[ImportedProject]) -> None:
    existing = _existing_projects(root, dept, year)
    taken = {p.stem for p in (root / "departments").glob(f"*/{year}/projects/*.yaml")}
    used: set[str] = set()
    n = 0
    for p in projects:
        pid = existing.get(f"项目编码:{p.code}") if p.code else None
        pid = pid or existing.get(f"项目名称:{p.name}")
        if pid and pid not in used:
            p.id = pid
            used.add(pid)
            continue
        while True:
            n += 1
            candidate = f"{dept}-{n:02d}"
            if candidate not in taken and candidate not in used:
                break
        p.id = candidate
        used.add(candidate)


def link_subgoals(doc: ImportedDocument) -> None:
    """A 分项 heading that shows an amount names a project: link it when a project has that budget."""
    subgoals = doc.goals.get("分项绩效目标", [])
    linked: set[str] = set()
    for index, amount in sorted(doc.subgoal_amounts.items()):
        sg = subgoals[index]
        matches = [p for p in doc.projects if p.total == amount]
        if not matches:
            sg["金额"] = yuan(amount)
            continue
        best = max(matches, key=lambda p: (p.id not in linked, key(p.name) == key(sg["标题"]),
                                           difflib.SequenceMatcher(None, p.name, sg["标题"]).ratio()))
        sg["项目"] = best.id
        linked.add(best.id)


def duplicate_codes(root: Path, dept: str, year: int, doc: ImportedDocument, rep: Reporter) -> None:
    codes = {p.code: p for p in doc.projects if p.code}
    for path in sorted((root / "departments").glob(f"*/{year}/projects/*.yaml")):
        if path.parts[-4] == dept:
            continue
        data = read_yaml(path)
        code = data.get("项目编码") if isinstance(data, dict) else None
        if code in codes:
            rep.add(codes[code].where, f"项目编码“{code}”已用于部门 {path.parts[-4]} 的 {path.stem}",
                    "同一年度内项目编码不能重复：这份文档是否已导入过？", code="import.duplicate-code")


def project_data(p: ImportedProject, dept: dict[str, Any]) -> tuple[dict[str, Any], dict[tuple[Any, ...], str]]:
    d: dict[str, Any] = {"项目名称": p.name}
    comments: dict[tuple[Any, ...], str] = {}
    if p.code:
        d["项目编码"] = p.code
    if p.competent and p.competent != dept.get("主管部门"):
        d["主管部门"] = p.competent
    if p.implementing and p.implementing != (dept.get("简称") or dept.get("名称")):
        d["实施单位"] = p.implementing
    if p.attribute:
        d["项目属性"] = p.attribute
    if p.period:
        d["项目期"] = p.period
    if p.office:
        d["责任科室"] = p.office
    budget: dict[str, str] = {"预算数": yuan(p.total or Decimal(0))}
    if p.fiscal is not None:
        budget["财政资金"] = yuan(p.fiscal)
    if p.other is not None:
        budget["其他资金"] = yuan(p.other)
    d["预算"] = budget
    for k, c in p.comments.items():
        if k in budget:
            comments[("预算", k)] = c
    if p.fund_use:
        d["资金用途"] = text_value(p.fund_use)
    if p.plan:
        d["支出计划"] = {k: int(v) if v == v.to_integral_value() else float(v) for k, v in p.plan.items()}
    if p.goals:
        d["绩效目标"] = text_value(p.goals)
    if p.goals_local:
        d["本级绩效目标"] = text_value(p.goals_local)
    if p.indicators:
        items = []
        for i, ind in enumerate(p.indicators):
            if ind.placeholder:
                items.append({"二级指标": ind.level2, "占位": True})
                continue
            item: dict[str, Any] = {"二级指标": ind.level2, "三级指标": ind.level3}
            if ind.description is not None:
                item["绩效指标描述"] = ind.description
            item["指标值"] = ind.value
            if ind.basis is not None:
                item["指标值确定依据"] = ind.basis
            items.append(item)
            if ind.comment:
                comments[("绩效指标", i, "二级指标")] = ind.comment
        d["绩效指标"] = items
    if p.explanation is not None:
        e = {}
        for k, v in p.explanation.items():
            e[k] = text_value(v) if isinstance(v, list) else v
        d["说明"] = e
    return d, comments


def goals_data(doc: ImportedDocument, order: list[str], layout_overrides: dict[str, Any]) -> dict[str, Any]:
    g: dict[str, Any] = {}
    for k, v in doc.goals.items():
        if k == "分项绩效目标":
            g[k] = [{f: text_value(x) if isinstance(x, list) else x for f, x in sg.items()} for sg in v]
        elif k == "部门绩效文本信息":
            g[k] = v
        else:
            g[k] = text_value(v) if isinstance(v, list) and v else v
    g.setdefault("总体绩效目标", [])
    if order:
        g["项目顺序"] = order
    if layout_overrides:
        g["版式"] = layout_overrides
    return g


def layout_comments(overrides: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    """A short Chinese note beside each 版式 setting the import chose (labels.yaml 版式说明)."""
    notes = vocab().get("版式说明", {})
    return {("版式", k): notes.get(k, "按原文") for k in overrides}


def goals_summary(g: dict[str, Any]) -> str:
    parts = []
    if g.get("总体绩效目标"):
        parts.append("第一部分")
    if g.get("分项绩效目标"):
        parts.append(f"{len(g['分项绩效目标'])} 个分项")
    if g.get("部门绩效文本信息"):
        parts.append("部门绩效文本信息")
    if "专项资金说明" in g:
        parts.append("专项资金说明")
    parts.append(f"项目顺序 {len(g.get('项目顺序', []))} 项")
    return "，".join(parts)
