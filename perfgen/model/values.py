"""Indicator values (指标值): "≥90%" is an operator, a number and a unit; "及时" is a word.

Documents print exactly what was written; the parsed form is for checks (a target that starts with
an operator must parse, percentages over 100, weaker targets between years).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

# Operators as people type them, mapped to one canonical sign.
_OPERATORS: list[tuple[str, str]] = [
    (">=", "≥"), ("<=", "≤"), ("≧", "≥"), ("≦", "≤"), ("⩾", "≥"), ("⩽", "≤"),
    ("不低于", "≥"), ("不少于", "≥"), ("大于等于", "≥"), ("至少", "≥"),
    ("不高于", "≤"), ("不超过", "≤"), ("小于等于", "≤"), ("不多于", "≤"),
    ("大于", ">"), ("小于", "<"), ("等于", "="),
    ("≥", "≥"), ("≤", "≤"), (">", ">"), ("<", "<"), ("=", "="),
]
_OPERATOR_START = re.compile("^(" + "|".join(re.escape(a) for a, _ in _OPERATORS) + ")")
# Only signs make a value "start with an operator"; words such as 不超过 may begin plain text
# ("不超过财政支持经费") and count as operators only when a number follows.
_SIGN_START = re.compile("^(" + "|".join(re.escape(a) for a, _ in _OPERATORS if not a[0].isalpha() and not "\u4e00" <= a[0] <= "\u9fff") + ")")
_NUMBER_UNIT = re.compile(r"^(?P<number>\d+(?:\.\d+)?)(?P<unit>[^\d]{0,12})$")
# The same rule as a JSON Schema pattern for the editor (scaffold/editor_checks.py): a value that
# starts with a sign goes on with a number and at most 12 characters of unit. Typed forms only
# (half- and full-width signs and digits), since a pattern cannot normalize; tests/test_values.py
# holds it to parse_value.
_NUM = "\\s*[0-9０-９]+(?:[.．][0-9０-９]+)?\\s*[^0-9０-９]{0,12}$"
SIGN_PATTERN = f"^(?!\\s*(?:[>＞<＜](?![=＝]?{_NUM})|[≥≤=＝≧≦⩾⩽](?!{_NUM})))"


def normalize(text: str) -> str:
    """Full-width digits, signs and spaces to their ordinary forms (NFKC), spaces removed."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class IndicatorValue:
    text: str
    operator: str | None = None
    number: Decimal | None = None
    unit: str = ""

    @property
    def quantitative(self) -> bool:
        return self.number is not None

    @property
    def is_percent(self) -> bool:
        return self.unit in ("%", "百分比", "％")


class ValueSyntaxError(ValueError):
    """A value starts with a comparison sign but what follows is not a number and unit."""


@functools.lru_cache(maxsize=65536)
def starts_with_operator(text: str) -> bool:
    return bool(_SIGN_START.match(normalize(text)))


@functools.lru_cache(maxsize=65536)
def parse_value(text: str) -> IndicatorValue:
    """Parse 指标值 text. Qualitative text returns a value with number None.

    Raises ValueSyntaxError when the text starts with an operator that is not followed by a number.
    """
    norm = normalize(text)
    operator = None
    m = _OPERATOR_START.match(norm)
    rest = norm
    if m:
        operator = dict(_OPERATORS)[m.group(1)]
        rest = norm[m.end():]
    n = _NUMBER_UNIT.match(rest)
    if n:
        return IndicatorValue(text=text, operator=operator, number=Decimal(n.group("number")),
                              unit=n.group("unit"))
    if operator is not None and _SIGN_START.match(norm):
        raise ValueSyntaxError(text)
    return IndicatorValue(text=text)
