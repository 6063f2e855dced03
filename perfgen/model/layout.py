"""Layout settings (版式): the structure, wording and numbering a template prints, kept as data.

One source: schemas/layout.schema.json names every key, its type, the {fields} its format
receives (x-fields) and its default; templates/<name>/layout.yaml sets the keys that template
prints (a key it does not set keeps the schema default, and is not the template's to override);
a department (department.yaml) and a year (goals.yaml) override any of the template's keys under
版式. Formats are str.format strings whose fields are named in Chinese ({年度}, {项目名称}) plus
{n} (1, 2, 3) and {cn} (一, 二, 三); format specs, conversions and attribute access are refused.

API for templates and views (see the layout schema for the meaning of each key):
- `schema_defaults()`: every key's default; `complete(own)`: a template's whole layout (the
  renderer's loader and the importer both use it); `key_schema(key)`: one key's schema;
  `own_keys(own)`: the keys a template has (its layout.yaml's and the every-template ones).
- `format_problem(fmt, fields)`: why a format string is unsafe or uses a field it does not get
  (perfgen/safeformat.py, shared with perfgen.yaml 标题 and the review rules' messages).
- `BLOCK_FIELDS`: which project fields each 项目表区块 prints (so which are required).
- `fill`, `number_fields`, `chinese_number`, `merge`.
"""
from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

from perfgen import safeformat

_DIGITS = "零一二三四五六七八九"

# The project fields each block of a project table prints: a field is required only if the
# department's form prints a block that shows it (validate/rules.py).
BLOCK_FIELDS: dict[str, tuple[str, ...]] = {
    "单位行": (), "编码名称": (), "预算": ("预算",), "支出计划": (), "绩效目标": (), "绩效指标": (),
}


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


def format_problem(fmt: str, fields: list[str] | tuple[str, ...]) -> tuple[str, str] | None:
    """(message, hint) when `fmt` is not a plain format over `fields`; None when it is safe.

    The one checker for user formats (perfgen/safeformat.py): only bare {名称} fields, so no
    {n:>300000000} (a 5 GB string), no {n!r}, no {年度.__class__}, no positional {} or {0}."""
    problem = safeformat.check(fmt, fields)
    return None if problem is None else (problem.message, problem.hint)


_NUMBERING = {"n": "[0-9]+", "cn": "[一二三四五六七八九十百]+", "圈": "[\u2460-\u2473]"}


def heading_level(line: str, numberings: list[str]) -> int:
    """0 for a body paragraph; k when `line` starts with the k-th numbering of 正文小标题."""
    import re
    for level, fmt in enumerate(numberings, start=1):
        pattern = "".join(re.escape(literal) + (_NUMBERING.get(name, "") if name is not None else "")
                          for literal, name, _, _ in string.Formatter().parse(fmt))
        if re.match(pattern, line.lstrip()):
            return level
    return 0


def fill(fmt: str, **values: Any) -> str:
    """Fill a layout format without str.format; formats are checked by validation first."""
    return safeformat.fill(fmt, values)


def merge(defaults: dict[str, Any], *overrides: dict[str, Any] | None) -> dict[str, Any]:
    result = dict(defaults)
    for o in overrides:
        if o:
            result.update(o)
    return result


def schema() -> dict[str, Any]:
    from perfgen import resources
    return resources.schema("layout")


def key_schema(key: str) -> dict[str, Any] | None:
    sub = schema()["properties"].get(key)
    return sub if isinstance(sub, dict) else None


def key_fields(key: str) -> list[str] | None:
    """The {fields} the format of `key` receives, or None when the value is not a format."""
    sub = key_schema(key)
    return list(sub["x-fields"]) if sub is not None and "x-fields" in sub else None


def every_template_keys() -> list[str]:
    """Keys every form has whether or not its layout.yaml sets them (x-every-template in the schema,
    such as 标题回行词语): a template may use them and a department's 版式 may override them."""
    return [k for k, v in schema()["properties"].items() if isinstance(v, dict) and v.get("x-every-template")]


def own_keys(own: object) -> list[str]:
    """The keys of a template: those its layout.yaml sets, then the every-template keys."""
    keys = [str(k) for k in own] if isinstance(own, dict) else []
    return keys + [k for k in every_template_keys() if k not in keys]


def complete(own: dict[str, Any]) -> dict[str, Any]:
    """A template's whole layout: every schema default, then the keys its layout.yaml sets."""
    layout = schema_defaults()
    layout.update(own)
    return layout


def schema_defaults() -> dict[str, Any]:
    """Every layout key with the value it has when a template's layout.yaml does not set it.

    Keys without a default (表格行, 部门整体部分 …) mean something by their absence ("print all")."""
    import copy
    return {k: copy.deepcopy(v["default"]) for k, v in schema()["properties"].items() if "default" in v}


# 指标组不跨页 (layout) → the merge flag of the row that starts the next group at that level
KEEP_LEVELS = {"一级指标": "l1_first", "二级指标": "l2_first", "否": None}


def keep_flags(rows: Sequence[dict[str, Any]], level: str) -> None:
    """Set row["keep"]: the row stays on the page of the next one because both belong to the same
    merged 一级 (or 二级) group, so a merged cell's text never stays behind on the previous page
    (templates print keep rows with keep-with-next paragraphs). The last row of a group is free; rows
    without merged 二级 cells (the hebei 部门绩效文本信息 table) are each a group of their own."""
    flag = KEEP_LEVELS[level]
    for row, nxt in zip(rows, [*rows[1:], None]):
        row["keep"] = flag is not None and nxt is not None and not nxt.get(flag, True)
