"""Indicator taxonomies (指标体系): which 二级 names belong to which 一级, per profile.

A profile is a YAML file in profiles/. Writing the 二级 name alone places an indicator; the 一级
comes from here, so a region that renames 效益指标 to 效果指标 changes a data file, not code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Taxonomy:
    name: str
    title: str
    levels: tuple[tuple[str, tuple[str, ...]], ...]
    aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # looked up for every indicator row: computed once
        object.__setattr__(self, "_l2", [l2 for _, l2s in self.levels for l2 in l2s])
        object.__setattr__(self, "_l1_of", {l2: l1 for l1, l2s in self.levels for l2 in l2s})

    @property
    def level1_names(self) -> list[str]:
        return [l1 for l1, _ in self.levels]

    @property
    def level2_names(self) -> list[str]:
        names: list[str] = self._l2  # type: ignore[attr-defined]
        return names

    def canonical_level2(self, name: str) -> str | None:
        """The 二级 name as the profile spells it: 数量指标 for 数量指标 or 数量."""
        name = name.strip()
        if name in self._l1_of:  # type: ignore[attr-defined]
            return name
        if name in self.aliases:
            return self.aliases[name]
        if name + "指标" in self.level2_names:
            return name + "指标"
        return None

    def level1_of(self, level2: str) -> str | None:
        canonical = self.canonical_level2(level2)
        return self._l1_of.get(canonical) if canonical else None  # type: ignore[attr-defined]

    def level2_of(self, level1: str) -> tuple[str, ...]:
        for l1, l2s in self.levels:
            if l1 == level1:
                return l2s
        return ()


def taxonomy_from_data(name: str, data: dict[str, Any]) -> Taxonomy:
    levels = tuple((entry["名称"], tuple(entry["二级指标"])) for entry in data["一级指标"])
    return Taxonomy(name=name, title=data.get("名称", name), levels=levels,
                    aliases=dict(data.get("别名", {}) or {}))
