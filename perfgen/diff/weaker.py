"""Did a target get weaker? Comparing two indicator values (指标值) of the same indicator.

Reviewers reject targets set too low (适当性), and copying last year's table forward is where a
“≥95%” quietly becomes “≥90%”. The direction comes from the comparison sign: with ≥ or > a higher
number is stronger, with ≤ or < a lower one. Numbers are compared only when the units agree (after
the conversions in the rules file). A number replaced by words (“≥95%” → “较高”) is weaker: it can
no longer be measured. Values without a sign (“100%”, “12次”) take the direction from the rules
file: cost-like indicators are better lower, everything else higher.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from perfgen.diff.settings import DiffSettings
from perfgen.model.values import IndicatorValue, ValueSyntaxError, normalize, parse_value

Verdict = Literal["same", "weaker", "stronger", "direction", "changed"]

_UP = {"≥": True, ">": True, "≤": False, "<": False}


@dataclass(frozen=True)
class TargetChange:
    verdict: Verdict
    reason: str

    @property
    def flagged(self) -> bool:
        """Worth a warning in the report: the target got weaker or its sense flipped."""
        return self.verdict in ("weaker", "direction")

    def as_dict(self) -> dict[str, object]:
        return {"verdict": self.verdict, "flagged": self.flagged, "reason": self.reason}


def _parse(text: str) -> IndicatorValue | None:
    if not text or not text.strip():
        return None
    try:
        return parse_value(text)
    except ValueSyntaxError:
        return IndicatorValue(text=text)


def lower_is_better(settings: DiffSettings, level2: str, words: str) -> bool:
    return level2 in settings.lower_level2 or any(w in words for w in settings.lower_words)


def compare_targets(old: str, new: str, settings: DiffSettings, level2: str = "", words: str = "") -> TargetChange:
    """Judge the change of one target from `old` to `new`.

    `level2` and `words` (三级指标 and 绩效指标描述) decide the direction of values without a sign.
    """
    a, b = _parse(old), _parse(new)
    if a is None or b is None or not (a.quantitative and b.quantitative):
        return _presence_or_kind(old, new, a, b)
    base_a, factor_a = settings.unit(a.unit)
    base_b, factor_b = settings.unit(b.unit)
    if base_a != base_b:
        return TargetChange("changed", f"单位不同（{a.unit or '无单位'} → {b.unit or '无单位'}），无法比较高低")
    up_a, up_b = _UP.get(a.operator or ""), _UP.get(b.operator or "")
    if up_a is not None and up_b is not None and up_a != up_b:
        return TargetChange("direction", f"比较符号由“{a.operator}”改为“{b.operator}”，目标的方向变了，请确认")
    inferred = up_a is None and up_b is None
    up = up_a if up_a is not None else up_b
    if up is None:
        up = not lower_is_better(settings, level2, words)
    x = a.number * factor_a  # type: ignore[operator]
    y = b.number * factor_b  # type: ignore[operator]
    strict_a, strict_b = a.operator in (">", "<"), b.operator in (">", "<")
    if x == y:
        if strict_a == strict_b:
            return TargetChange("same", "")
        stronger = strict_b
    else:
        stronger = (y > x) if up else (y < x)
    note = ""
    if inferred:
        note = "（未写比较符号，按越高越好判断）" if up else "（未写比较符号，按越低越好判断）"
    if stronger:
        word = "目标提高" if up else "上限收紧"
        return TargetChange("stronger", f"{word}：{old} → {new}{note}")
    word = "目标降低" if up else "上限放宽"
    return TargetChange("weaker", f"{word}：{old} → {new}{note}")


def _presence_or_kind(old: str, new: str, a: IndicatorValue | None, b: IndicatorValue | None) -> TargetChange:
    """The verdict when either value is missing or not a number: what was added, removed or reworded."""
    if a is None and b is None:
        return TargetChange("same", "")
    if a is not None and b is None:
        return TargetChange("weaker", f"指标值“{old}”被删除，目标无法考核")
    if a is None:
        return TargetChange("stronger", f"补充了指标值“{new}”")
    assert b is not None
    if a.quantitative and not b.quantitative:
        return TargetChange("weaker", f"定量目标“{old}”改为定性描述“{new}”，无法量化考核")
    if not a.quantitative and b.quantitative:
        return TargetChange("stronger", f"定性描述“{old}”改为定量目标“{new}”")
    if normalize(old) == normalize(new):
        return TargetChange("same", "")
    return TargetChange("changed", f"定性描述由“{old}”改为“{new}”")
