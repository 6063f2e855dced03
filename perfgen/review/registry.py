"""What each review rule needs from the rules file: its parameters and the facts it can report.

The rule functions (perfgen.review.rules) register themselves here with `@rule(...)`, and
perfgen.review.rules.specs() hands out the full table (this module never imports the rules); the rules-file
loader (perfgen.review.config) checks a region's YAML against these declarations, so a misspelt
parameter or placeholder is reported with its line instead of failing in the middle of a review.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfgen.model.entities import DepartmentYear
    from perfgen.review.rows import Issue, RuleContext

# Parameter kinds: a word list, a number, a switch, or a list of entries whose fields have kinds.
WORDS = "words"
NUMBER = "number"
SWITCH = "switch"
TEXT = "text"


@dataclass(frozen=True)
class Entries:
    """A list of small mappings, e.g. [{关键词: [...], 应属于: [...]}]; every field is required."""

    fields: dict[str, str]


@dataclass(frozen=True)
class Choices:
    """A list of words, each one of a fixed set (column names, parts of a document)."""

    options: tuple[str, ...]


ParamKind = str | Entries | Choices

RuleFunc = Callable[["DepartmentYear", "RuleContext"], Iterator["Issue"]]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    func: RuleFunc
    params: dict[str, ParamKind] = field(default_factory=dict)
    facts: tuple[str, ...] = ()
    # Findings of this rule on an indicator row are dropped when one of these rules already
    # reported the same row (the more specific message wins: no two messages for one slip).
    defer_to: tuple[str, ...] = ()


REGISTRY: dict[str, RuleSpec] = {}


def rule(rule_id: str, *, params: dict[str, ParamKind] | None = None, facts: tuple[str, ...] = (),
         defer_to: tuple[str, ...] = ()) -> Callable[[RuleFunc], RuleFunc]:
    def register(func: RuleFunc) -> RuleFunc:
        REGISTRY[rule_id] = RuleSpec(rule_id, func, dict(params or {}), facts, defer_to)
        return func
    return register


def kind_name(kind: ParamKind) -> str:
    if isinstance(kind, Choices):
        return "列表（可选：" + "、".join(kind.options) + "）"
    if isinstance(kind, Entries):
        return "条目列表（每项含 " + "、".join(kind.fields) + "）"
    return {WORDS: "文字列表", NUMBER: "数字", SWITCH: "true 或 false", TEXT: "文字"}[kind]


def fits(kind: ParamKind, value: Any) -> bool:
    """Does a parameter value have the declared kind?"""
    from decimal import Decimal
    if kind == WORDS:
        return isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value)
    if kind == NUMBER:
        return isinstance(value, (int, Decimal)) and not isinstance(value, bool)
    if kind == SWITCH:
        return isinstance(value, bool)
    if kind == TEXT:
        return isinstance(value, str)
    if isinstance(kind, Choices):
        return isinstance(value, list) and all(v in kind.options for v in value)
    if isinstance(kind, Entries):
        return isinstance(value, list) and all(
            isinstance(v, dict) and set(v) == set(kind.fields) and all(fits(k, v[name]) for name, k in kind.fields.items())
            for v in value)
    return False
