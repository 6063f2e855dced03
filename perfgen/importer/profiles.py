"""The indicator profile (指标体系) of an imported document: guessed, then checked row by row.

A new department gets the profile that agrees with most of the document's 一级/二级 pairs (效果指标
→ xiaoguo, 成本指标 as 一级 → caiyu-2021-101 …), computed from the profiles themselves, not from a
list in code. Rows the profile cannot place are reported, never moved silently.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from perfgen import resources
from perfgen.errors import UserError
from perfgen.importer.labels import vocab
from perfgen.importer.normalize import key
from perfgen.importer.report import Reporter
from perfgen.importer.result import ImportedDocument
from perfgen.model.taxonomy import Taxonomy, taxonomy_from_data
from perfgen.validate import schema_check


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def taxonomies(root: Path) -> dict[str, Taxonomy]:
    out = {}
    for name in resources.available(root, "profiles", ".yaml"):
        path = resources.find_named(root, "profiles", name, ".yaml")
        data = _read_yaml(path) if path else None
        if isinstance(data, dict) and schema_check.valid("profile", data):  # perfgen validate reports bad ones
            out[name] = taxonomy_from_data(name, data)
    return out


def guess_profile(doc: ImportedDocument, taxes: dict[str, Taxonomy]) -> str:
    """The profile that agrees with most of the document's 一级/二级 pairs and 一级 names."""
    pairs = [(i.level1, i.level2) for p in doc.projects for i in p.indicators]
    level1s = set(doc.level1_seen) | {l1 for l1, _ in pairs if l1}
    default = vocab().get("默认指标体系", "common")

    def score(tax: Taxonomy) -> tuple[int, int]:
        s = 0
        for l1, l2 in pairs:
            c = tax.canonical_level2(l2)
            if c:
                s += 1
                if l1 and tax.level1_of(c) == l1:
                    s += 2
        s += sum(1 for l1 in level1s if l1 in tax.level1_names)
        return s, 1 if tax.name == default else 0

    if not taxes:
        raise UserError("工作区和 perfgen 自带的 profiles/ 中都没有指标体系", "检查 perfgen 的安装是否完整。")
    return max(sorted(taxes), key=lambda n: score(taxes[n]))


def check_indicators(doc: ImportedDocument, tax: Taxonomy, rep: Reporter) -> None:
    for p in doc.projects:
        for ind in p.indicators:
            canonical = tax.canonical_level2(ind.level2)
            if canonical is None:
                close = difflib.get_close_matches(ind.level2, tax.level2_names, n=1, cutoff=0.3)
                rep.add(ind.where, f"二级指标“{ind.level2}”不在指标体系“{tax.title}”中，照原文写入",
                        (f"是不是“{close[0]}”？" if close else "") + "二级指标可以是：" + "、".join(tax.level2_names),
                        code="import.level2", severity="error")
                continue
            if canonical != ind.level2:
                rep.note(ind.where, f"二级指标“{ind.level2}”记为“{canonical}”")
            ind.level2 = canonical
            expected = tax.level1_of(canonical)
            if ind.level1 and key(ind.level1) != key(expected or ""):
                rep.add(ind.where, f"一级指标“{ind.level1}”与二级指标“{canonical}”不符，按指标体系“{tax.title}”归入“{expected}”",
                        "重新生成时这一行印在“" + str(expected) + "”下；如原文有误，无需处理。", code="import.level1")
                ind.comment = f"原文一级指标：{ind.level1}"


def empty_categories_setting(doc: ImportedDocument, tax: Taxonomy, layout: dict[str, Any]) -> None:
    """Forms that add a placeholder row for each empty category (空类别占位) would change a
    document that does not show one for every category, or shows them in another order."""
    if not layout.get("空类别占位"):
        return
    order = [(l1, l2) for l1, l2s in tax.levels for l2 in l2s]
    for p in doc.projects:
        if not p.indicators:
            continue
        seen = [(tax.level1_of(i.level2), i.level2) for i in p.indicators]
        positions = [order.index(s) for s in seen if s in order]
        if set(order) - set(seen) or positions != sorted(positions):
            doc.layout["空类别占位"] = False
            return
