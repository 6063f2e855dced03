"""Format strings users write ({年度}年部门预算绩效目标汇编, 没有填写任何{类别}), checked and filled safely.

Workspace files are untrusted (docs/SECURITY.md): Python's str.format would let `{年度.__class__}`
print interpreter internals, `{n:>300000000}` allocate gigabytes and `{0}` or a lone `{` crash.
So a user format may contain only literal text, `{{`/`}}` for braces and plain `{名称}` fields from
the set its key receives — no positional fields, attribute or index access, conversions or format
specs. `problems` says in Chinese what is wrong (for validation, with the caller's location);
`fill` substitutes without str.format at all, so the output is never longer than the text plus
the values. One checker for every key that takes a format: perfgen.yaml 标题, rules 消息/提示/理由,
layout (版式) keys.
"""
from __future__ import annotations

import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from perfgen.errors import UserError

MAX_LENGTH = 2000  # no key that takes a format needs more; longer text is refused before parsing


@dataclass(frozen=True)
class FormatProblem:
    """What is wrong with a format string, in Chinese, and how to fix it."""

    message: str
    hint: str


class FormatError(UserError):
    """A format string that `problems` would have refused reached `fill` (validation was skipped)."""


def _available(allowed: Collection[str]) -> str:
    if not allowed:
        return "这里不能用占位符；要印出大括号本身，写成 {{ 或 }}。"
    return "可用的占位符：" + "、".join("{" + a + "}" for a in allowed) + "；要印出大括号本身，写成 {{ 或 }}。"


def _pieces(fmt: str) -> list[tuple[str, str | None, str | None, str | None]]:
    return list(string.Formatter().parse(fmt))


def problems(fmt: str, allowed: Collection[str]) -> list[FormatProblem]:
    """Every reason `fmt` is not a safe format whose fields are all in `allowed` (empty list: fine)."""
    if not isinstance(fmt, str):
        return [FormatProblem("应为文字", "写一段文字；含冒号等符号时用引号括起来。")]
    if len(fmt) > MAX_LENGTH:
        return [FormatProblem(f"文字太长（{len(fmt)} 个字符，最多 {MAX_LENGTH} 个）", "缩短这段文字。")]
    try:
        pieces = _pieces(fmt)
    except ValueError:
        return [FormatProblem("大括号不成对", "占位符写成 {名称}；" + _available(allowed))]
    found: list[FormatProblem] = []
    for _, name, spec, conversion in pieces:
        if name is None:
            continue
        shown = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
        if name == "" or name.isdigit():
            found.append(FormatProblem(f"占位符“{shown}”没有名称", "占位符要写名称，例如 {年度}；" + _available(allowed)))
        elif any(c in name for c in ".[]"):
            found.append(FormatProblem(f"占位符“{shown}”里不能有“.”或“[ ]”",
                                       "只写占位符的名称本身；" + _available(allowed)))
        elif conversion or spec:
            found.append(FormatProblem(f"占位符“{shown}”里不能有“!”或“:”后的格式说明",
                                       f"只写 {{{name}}}；数字的写法由程序决定。"))
        elif name not in allowed:
            found.append(FormatProblem(f"没有“{{{name}}}”这个占位符", _suggest(name, allowed) + _available(allowed)))
    return found


def check(fmt: str, allowed: Collection[str]) -> FormatProblem | None:
    """The first problem of `fmt`, or None when it is safe to fill with fields from `allowed`."""
    found = problems(fmt, allowed)
    return found[0] if found else None


def fields(fmt: str) -> list[str]:
    """The placeholder names a format uses, in order ([] when it does not parse)."""
    try:
        return [name for _, name, _, _ in _pieces(fmt) if name]
    except ValueError:
        return []


def fill(fmt: str, values: Mapping[str, Any], missing: str | None = None) -> str:
    """Substitute plain {name} fields with str(value); no str.format, so nothing but text is produced.

    A field not in `values` becomes `missing` when given, else a FormatError (as does anything
    `problems` refuses: callers validate first, this is the backstop).
    """
    allowed: Collection[str] = values.keys() if missing is None else set(values) | set(fields(fmt))
    bad = check(fmt, allowed)
    if bad is not None:
        raise FormatError(f"格式“{fmt[:80]}”有误：{bad.message}", bad.hint)
    out: list[str] = []
    for literal, name, _, _ in _pieces(fmt):
        out.append(literal)
        if name is not None:
            out.append(str(values[name]) if name in values else (missing or ""))
    return "".join(out)


def _suggest(word: str, options: Collection[str]) -> str:
    import difflib
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.4)
    return f"是不是“{{{close[0]}}}”？" if close else ""
