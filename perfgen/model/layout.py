"""Layout settings (版式): the wording and numbering a template prints, kept as data.

Each template folder has a layout.yaml with defaults; a department (department.yaml) and a year
(goals.yaml) may override any key under 版式. Formats are str.format strings whose fields are
named in Chinese ({年度}, {项目名称}) plus {n} (1, 2, 3) and {cn} (一, 二, 三).
"""
from __future__ import annotations

import string
from typing import Any

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 100 → 一百 (enough for section numbering)."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    tail = ""
    if rest:
        tail = ("零" if rest < 10 else "") + (chinese_number(rest) if rest >= 20 or rest < 10 else "一" + chinese_number(rest))
    return _DIGITS[hundreds] + "百" + tail


def number_fields(n: int) -> dict[str, Any]:
    return {"n": n, "cn": chinese_number(n)}


def format_fields(fmt: str) -> list[str]:
    """The placeholder names used in a format string ({年度} → 年度)."""
    return [name for _, name, _, _ in string.Formatter().parse(fmt) if name]


def fill(fmt: str, **values: Any) -> str:
    """Fill a layout format; an unknown placeholder is a user error reported by validation first."""
    return fmt.format(**values)


def merge(defaults: dict[str, Any], *overrides: dict[str, Any] | None) -> dict[str, Any]:
    result = dict(defaults)
    for o in overrides:
        if o:
            result.update(o)
    return result
