"""The scoring rules (rules/scoring.yaml): weights, formulas' switches, grade bands, word lists.

A province writes only what it changes in its workspace's rules/scoring.yaml; mappings merge key by
key over the shipped file, lists and numbers replace. The merged rules are checked before any
score is computed, so a typo is a located Chinese message rather than a wrong score.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfgen import resources, yamlsource
from perfgen.errors import Finding

FILE = "scoring.yaml"

# The shape of the file: key -> kind ("number", "switch", "text", "words", "numbers" (mapping of
# name → number), "bands", or a nested mapping of the same).
_SHAPE: dict[str, Any] = {
    "名称": "text",
    "权重": {"预算执行率": "number", "一级指标": "numbers"},
    "执行率": {"封顶": "number"},
    "定量指标": {"封顶": "switch", "等于容差": "number", "反向二级指标": "words", "反向关键词": "words"},
    "定性评价": "numbers",
    "评级": "bands",
    "小数位": "number",
    "偏差原因类别": "words",
    "完成目标可能性": "words",
    "自评表模板": "text",
    "监控表模板": "text",
}


@dataclass(frozen=True)
class Band:
    grade: str
    floor: Decimal


@dataclass(frozen=True)
class ScoringRules:
    files: tuple[str, ...]
    name: str
    rate_weight: Decimal
    class_weights: dict[str, Decimal]
    rate_cap: Decimal
    cap: bool
    equal_tolerance: Decimal
    reverse_level2: tuple[str, ...]
    reverse_words: tuple[str, ...]
    grade_shares: dict[str, Decimal]
    bands: tuple[Band, ...]
    decimals: int
    reason_categories: tuple[str, ...]
    likelihoods: tuple[str, ...]
    selfeval_template: str
    monitoring_template: str

    def grade_of(self, score: Decimal) -> str:
        for band in self.bands:
            if score >= band.floor:
                return band.grade
        return self.bands[-1].grade if self.bands else ""

    def reverse(self, level2: str, words: str) -> bool:
        """A target without a comparison sign is scored as reverse (lower is better)?"""
        return level2 in self.reverse_level2 or any(w in words for w in self.reverse_words)


def _number(v: Any) -> bool:
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


# kind → (is the value fine?, message, hint) for the plain kinds of _SHAPE
_KINDS: dict[str, tuple[Any, str, str]] = {
    "number": (lambda v: _number(v) and v >= 0, "“{key}”应为不小于 0 的数字", "例如 10。"),
    "switch": (lambda v: isinstance(v, bool), "“{key}”应为 true 或 false", "写 true 或 false。"),
    "text": (lambda v: isinstance(v, str) and bool(v.strip()), "“{key}”应为文字", "写一段文字。"),
    "words": (lambda v: isinstance(v, list) and all(isinstance(w, str) for w in v), "“{key}”应为文字列表",
              "例如 [经费保障, 其他]。"),
    "numbers": (lambda v: isinstance(v, dict) and all(_number(x) and x >= 0 for x in v.values()),
                "“{key}”应为“名称: 数字”的映射", "例如 {产出指标: 50, 效益指标: 30}。"),
}


def _bands_problem(value: Any) -> tuple[str, str] | None:
    ok = isinstance(value, list) and value and all(
        isinstance(b, dict) and set(b) == {"等级", "不低于"} and isinstance(b["等级"], str) and _number(b["不低于"])
        for b in value)
    if not ok:
        return "“评级”应为列表，每项写“等级”和“不低于”", "例如 - {等级: 优, 不低于: 90}"
    if [b["不低于"] for b in value] != sorted((b["不低于"] for b in value), reverse=True):
        return "“评级”各档应按“不低于”从高到低排列", "先写优，最后写差。"
    return None


def _check(doc: yamlsource.YamlDocument, data: Any, shape: dict[str, Any], path: tuple[str | int, ...],
           found: list[Finding]) -> None:
    def add(at: tuple[str | int, ...], message: str, hint: str, key: bool = False) -> None:
        line, col = doc.position(at, key=key)
        crumb = " › ".join(["评分规则", *(str(p) if isinstance(p, str) else f"第{p + 1}项" for p in at)])
        found.append(Finding(doc.rel, message, line, col, hint, crumb, "scoring.rules"))

    if not isinstance(data, dict):
        add(path, "这里应为“键: 值”形式", "参照 perfgen 自带的 rules/scoring.yaml。")
        return
    for key, value in data.items():
        at = path + (key,)
        kind = shape.get(key)
        if kind is None:
            close = difflib.get_close_matches(str(key), list(shape), n=1, cutoff=0.3)
            add(at, f"不认识的键“{key}”", (f"是不是“{close[0]}”？" if close else "") + "可用的键：" + "、".join(shape), key=True)
        elif isinstance(kind, dict):
            _check(doc, value, kind, at, found)
        elif kind == "bands":
            problem = _bands_problem(value)
            if problem is not None:
                add(at, *problem)
        elif not _KINDS[kind][0](value):
            add(at, _KINDS[kind][1].replace("{key}", str(key)), _KINDS[kind][2])


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key not in ("定性评价",):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_rules(root: Path | None) -> tuple[ScoringRules | None, list[Finding]]:
    """The merged rules (shipped file, then the workspace's rules/scoring.yaml) and any problems."""
    paths = [resources.builtin_dir() / "rules" / FILE]
    if root is not None:
        own = root / "rules" / FILE
        if own.is_file() and own.resolve() != paths[0].resolve():
            paths.append(own)
    merged: dict[str, Any] = {}
    found: list[Finding] = []
    files = []
    for path in paths:
        rel = f"rules/{FILE}" if path is not paths[0] else f"（perfgen 自带）rules/{FILE}"
        doc, problems = yamlsource.read(path, rel)
        found.extend(problems)
        if doc is None:
            continue
        _check(doc, doc.data, _SHAPE, (), found)
        if isinstance(doc.data, dict):
            merged = _merge(merged, doc.data)
        files.append(rel)
    if any(f.severity == "error" for f in found):
        return None, found
    try:
        w = merged["权重"]
        q = merged["定量指标"]
        rules = ScoringRules(
            files=tuple(files), name=str(merged.get("名称", "")), rate_weight=Decimal(w["预算执行率"]),
            class_weights={k: Decimal(v) for k, v in w["一级指标"].items()},
            rate_cap=Decimal(merged["执行率"]["封顶"]), cap=bool(q["封顶"]), equal_tolerance=Decimal(q["等于容差"]),
            reverse_level2=tuple(q["反向二级指标"]), reverse_words=tuple(q["反向关键词"]),
            grade_shares={k: Decimal(v) for k, v in merged["定性评价"].items()},
            bands=tuple(Band(b["等级"], Decimal(b["不低于"])) for b in merged["评级"]),
            decimals=int(merged["小数位"]), reason_categories=tuple(merged["偏差原因类别"]),
            likelihoods=tuple(merged["完成目标可能性"]), selfeval_template=merged["自评表模板"],
            monitoring_template=merged["监控表模板"])
    except (KeyError, TypeError) as exc:
        found.append(Finding(files[-1] if files else FILE, f"评分规则缺少“{exc}”", hint="写出这一项，或删去工作区的 rules/scoring.yaml 沿用自带规则。",
                             code="scoring.rules"))
        return None, found
    return rules, found
