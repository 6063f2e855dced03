"""The comparison rules as data (perfgen/diff/diff.yaml, or rules/diff.yaml in a workspace).

Thresholds and word lists are what a region may want to tune, so they live in YAML, not in code.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfgen import resources, yamlsource
from perfgen.errors import UserError

_SHIPPED = Path(__file__).with_name("diff.yaml")


@dataclass(frozen=True)
class DiffSettings:
    project_similarity: float = 0.6
    indicator_similarity: float = 0.6
    island: int = 2
    context: int = 20
    # unit as written -> (base unit, factor to the base unit)
    units: dict[str, tuple[str, Decimal]] = field(default_factory=dict)
    lower_level2: frozenset[str] = frozenset()
    lower_words: tuple[str, ...] = ()

    def unit(self, written: str) -> tuple[str, Decimal]:
        return self.units.get(written, (written, Decimal(1)))


def _from_data(data: dict[str, Any]) -> DiffSettings:
    units: dict[str, tuple[str, Decimal]] = {}
    for group in data.get("单位", []) or []:
        names = [str(n) for n in group.get("写法", [])]
        if not names:
            continue
        base = names[0]
        for n in names:
            units[n] = (base, Decimal(1))
        for n, factor in (group.get("换算") or {}).items():
            units[str(n)] = (base, Decimal(str(factor)))
    lower = data.get("越低越好") or {}
    return DiffSettings(
        project_similarity=float(data.get("项目名称相似度", 0.6)),
        indicator_similarity=float(data.get("指标相似度", 0.6)),
        island=int(data.get("合并相同片段字数", 2)),
        context=int(data.get("上下文字数", 20)),
        units=units,
        lower_level2=frozenset(str(x) for x in lower.get("二级指标", []) or []),
        lower_words=tuple(str(x) for x in lower.get("关键词", []) or []),
    )


@functools.cache
def _read(path: Path) -> DiffSettings:
    doc, findings = yamlsource.read(path, path.name)
    if doc is None or not isinstance(doc.data, dict):
        raise UserError(f"比较规则文件 {path} 无法读取", findings[0].message if findings else "文件应为 YAML 映射。",
                        findings=findings)
    try:
        return _from_data(doc.data)
    except (TypeError, ValueError, AttributeError, ArithmeticError):
        raise UserError(f"比较规则文件 {path} 的格式不对", f"请对照 perfgen 自带的 {_SHIPPED} 修改。") from None


def load_settings(root: Path | None = None) -> DiffSettings:
    """The workspace's rules/diff.yaml when it has one, else the shipped rules."""
    candidates = [root / "rules" / "diff.yaml"] if root is not None else []
    candidates += [resources.builtin_dir() / "rules" / "diff.yaml", _SHIPPED]
    for path in candidates:
        if path.is_file():
            return _read(path.resolve())
    return DiffSettings()  # pragma: no cover - the shipped file is always there
