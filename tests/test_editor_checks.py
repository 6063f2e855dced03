"""The editor's copies of perfgen's checks (scaffold/editor_checks.py) say what validate says.

Each pattern the workspace schemas carry is held to the code perfgen validates with: the format
placeholders to safeformat, the control characters to render/xmltext. (指标值's sign pattern is
held to parse_value in tests/test_values.py.)
"""
from __future__ import annotations

import re

import pytest

from perfgen import safeformat
from perfgen.render.xmltext import invalid_xml_chars
from perfgen.scaffold.editor_checks import NO_CONTROL, format_pattern

FIELDS = ["n", "cn", "项目名称"]


@pytest.mark.parametrize("fmt", ["{n}.{项目名称}绩效目标表", "第{cn}部分", "", "无占位", "{{n}}", "{{{n}}}",
                                 "{项目数}", "{n:>3}", "{cn.__class__}", "{0}", "{}", "{n", "n}", "{n!r}",
                                 "{项目名称}}", "{{项目名称}", "{ n }", "{项目名称[0]}"])
def test_the_format_pattern_agrees_with_safeformat(fmt: str) -> None:
    assert (re.search(format_pattern(FIELDS), fmt) is not None) == (safeformat.check(fmt, FIELDS) is None)


@pytest.mark.parametrize("text", ["基层平安建设。", "a\vb", "tab\tand\nnewline", "\x00", "\x1f", "\ufffe", "全角　空格"])
def test_the_control_character_pattern_agrees_with_xmltext(text: str) -> None:
    assert (re.search(NO_CONTROL, text) is not None) == (not invalid_xml_chars(text))
