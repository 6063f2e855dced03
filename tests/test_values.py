"""指标值 parsing: operator, number and unit; qualitative text stays text."""
from decimal import Decimal

import pytest

from perfgen.model.values import ValueSyntaxError, parse_value, starts_with_operator


@pytest.mark.parametrize("text, op, number, unit", [
    ("≥90%", "≥", "90", "%"),
    ("≥3次", "≥", "3", "次"),
    ("≤5万元", "≤", "5", "万元"),
    ("100%", None, "100", "%"),
    (">=95%", "≥", "95", "%"),
    ("＞９０％", ">", "90", "%"),          # full-width sign, digits and percent
    ("≥ 95 %", "≥", "95", "%"),           # stray spaces
    ("≥90百分比", "≥", "90", "百分比"),
    ("不低于90%", "≥", "90", "%"),
    ("12个月", None, "12", "个月"),
    ("=12次", "=", "12", "次"),
    ("≤0.5天", "≤", "0.5", "天"),
])
def test_quantitative(text: str, op: str | None, number: str, unit: str) -> None:
    v = parse_value(text)
    assert (v.operator, v.number, v.unit) == (op, Decimal(number), unit)
    assert v.text == text  # documents print exactly what was written


@pytest.mark.parametrize("text", ["及时", "高质量完成", "有效保障", "是/否", "不超过财政支持经费", "进一步推动"])
def test_qualitative_stays_text(text: str) -> None:
    v = parse_value(text)
    assert v.number is None and v.operator is None and v.text == text


@pytest.mark.parametrize("text", ["≥", "≥大部分", "<=很多", "> 九十%"])
def test_operator_without_number_is_an_error(text: str) -> None:
    assert starts_with_operator(text)
    with pytest.raises(ValueSyntaxError):
        parse_value(text)


def test_word_operators_do_not_make_text_an_error() -> None:
    assert not starts_with_operator("不超过财政支持经费")


@pytest.mark.parametrize("text", ["≥90%", "≥3次", "≤5万元", "100%", ">=95%", "＞９０％", "≥ 95 %", "≥90百分比",
                                  "不低于90%", "=12次", "≤0.5天", "及时", "不超过财政支持经费", "", "≥", "≥大部分",
                                  "<=很多", "> 九十%", "≥90%以上", "≥1000人次", "=", "≥9０", "≤0.2%", "≥3次/年"])
def test_the_editor_pattern_agrees_with_parse_value(text: str) -> None:
    """SIGN_PATTERN (the editor's copy of the rule, scaffold/editor_checks.py) accepts what parses."""
    import re

    from perfgen.model.values import SIGN_PATTERN
    try:
        parse_value(text)
        parses = True
    except ValueSyntaxError:
        parses = False
    assert (re.search(SIGN_PATTERN, text) is not None) == parses
