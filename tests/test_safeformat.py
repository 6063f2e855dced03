"""The one checker for user format strings: only plain {名称} fields, filled without str.format."""
from __future__ import annotations

import pytest

from perfgen.errors import UserError
from perfgen.safeformat import check, fields, fill, problems


@pytest.mark.parametrize("fmt, words", [
    ("{", "大括号不成对"), ("}", "大括号不成对"), ("a{年度", "大括号不成对"),
    ("{0}", "没有名称"), ("{}", "没有名称"), ("{!r}", "没有名称"),
    ("{年度.__class__.__mro__}", "“.”或“[ ]”"), ("{年度[0]}", "“.”或“[ ]”"),
    ("{年度:d}", "格式说明"), ("{年度!s:x}", "格式说明"), ("{年度:>300000000}", "格式说明"), ("{年度!r}", "格式说明"),
    ("{年}", "没有“{年}”这个占位符"), ("x" * 5000, "文字太长"),
])
def test_unsafe_formats_are_refused_in_chinese(fmt: str, words: str) -> None:
    bad = check(fmt, ["年度"])
    assert bad is not None and words in bad.message, bad
    assert bad.hint
    with pytest.raises(UserError):
        fill(fmt, {"年度": 2025})


def test_a_typo_suggests_the_field() -> None:
    (bad,) = problems("{年}", ["年度", "部门"])
    assert "是不是“{年度}”" in bad.hint


def test_plain_fields_and_doubled_braces_fill() -> None:
    assert check("{年度}年{{汇编}}", ["年度"]) is None
    assert fill("{年度}年{{汇编}}", {"年度": 2025}) == "2025年{汇编}"
    assert fields("{年度}{n}") == ["年度", "n"]


def test_missing_values_may_default_to_empty_text() -> None:
    assert fill("缺{类别}{可填}", {"类别": "产出指标"}, missing="") == "缺产出指标"
    with pytest.raises(UserError):
        fill("{类别:>9}", {"类别": "x"}, missing="")


def test_fill_never_uses_str_format_on_the_values() -> None:
    class Sneaky:
        def __format__(self, spec: str) -> str:  # pragma: no cover - must not be called
            raise AssertionError("str.format was used")

        def __str__(self) -> str:
            return "ok"
    assert fill("{a}", {"a": Sneaky()}) == "ok"
