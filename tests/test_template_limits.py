"""Templates are untrusted: no tag may run for hours, eat the memory or end in exit 3. Each runs
through both render paths and `perfgen template check`; the error names the template and the tag."""
from __future__ import annotations

import time
from pathlib import Path

import jinja2
import pytest
from docx import Document

from perfgen.errors import UserError
from perfgen.render import limits
from perfgen.render.compiled import CompiledTemplate
from perfgen.render.template_check import check_template

HOSTILE = {
    "除零": ("{{ 1/0 }}", "除数为零"),
    "大乘方": ("{{ 10**5000 }}", "乘方"),
    "重复": ("{{ 'x'*10**10 }}", "上限"),
    "居中": ("{{ 'x'.center(3000000000) }}", "宽度超过上限"),
    "居中过滤器": ("{{ 'x'|center(3000000000) }}", "超过上限"),
    "格式宽度": ("{{ '%3000000000d' % 1 }}", "宽度超过上限"),
    "lipsum": ("{{ lipsum(1000000) }}", "lipsum"),
    "include": ("{% include 'x.docx' %}", "include"),
    "递归": ("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "递归"),
    "大range": ("{% for i in range(10**9) %}{{ i }}{% endfor %}", "range"),
}


def _template(tmp_path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph("标题段落")
    doc.add_paragraph(text)
    path = tmp_path / "hostile" / "template.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_tag_is_a_located_chinese_error(name: str, tmp_path: Path) -> None:
    tag, words = HOSTILE[name]
    path = _template(tmp_path, tag)
    t = time.monotonic()
    with pytest.raises(UserError) as info:
        CompiledTemplate(path, "templates/hostile/template.docx").render({}, "标题", 2025)
    assert time.monotonic() - t < 20
    message = info.value.message
    assert "templates/hostile/template.docx" in message and words in message, message
    assert info.value.hint


@pytest.mark.parametrize("name", ["除零", "大乘方", "居中", "lipsum", "include", "递归", "大range", "重复"])
def test_template_check_finds_it_before_a_build(name: str, tmp_path: Path) -> None:
    tag, words = HOSTILE[name]
    findings = check_template(_template(tmp_path, tag), "templates/hostile/template.docx", "hebei")
    assert any(words in f.message for f in findings), [f.message for f in findings]


def test_the_error_names_the_tag_and_its_paragraph(tmp_path: Path) -> None:
    path = _template(tmp_path, "合计：{{ 1/0 }}")
    with pytest.raises(UserError) as info:
        CompiledTemplate(path, "t.docx").render({}, "标题", 2025)
    assert "{{ 1/0 }}" in info.value.message and "合计" in info.value.message, info.value.message


def test_nested_loops_stop_at_the_deadline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SECONDS", 0.3)
    path = _template(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    t = time.monotonic()
    with pytest.raises(UserError) as info:
        CompiledTemplate(path, "t.docx").render({}, "标题", 2025)
    assert time.monotonic() - t < 10
    assert "秒" in info.value.message


def test_output_beyond_the_limit_stops_the_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_OUTPUT_CHARS", 100_000)
    path = _template(tmp_path, "{% for i in range(90000) %}{{ 'abcdefgh' }}{% endfor %}")
    with pytest.raises(UserError) as info:
        CompiledTemplate(path, "t.docx").render({}, "标题", 2025)
    assert "超过上限" in info.value.message


def test_ordinary_arithmetic_and_loops_still_work(tmp_path: Path) -> None:
    path = _template(tmp_path, "{% for i in range(3) %}{{ i * 2 }}{% endfor %}{{ 2**10 }}{{ 'ab' * 3 }}")
    out = CompiledTemplate(path, "t.docx").render({}, "标题", 2025)
    assert b"024" in out.body and b"1024" in out.body and b"ababab" in out.body


def test_the_sandboxs_shortcut_for_view_keys_answers_as_the_sandbox_does() -> None:
    """LimitedSandbox.getattr takes a shortcut for the view model's keys; every kind of name gives
    what Jinja's own sandbox gives: keys, dict methods that a key shadows, private names, str.format."""
    from jinja2.sandbox import SandboxedEnvironment

    from perfgen.render import engine
    from perfgen.render.context import View
    env = engine.make_environment()
    view = View(name="甲", items="键", get="取", _hidden="私", __class__="类", fmt="{0}".format, n=3, rows=[1])
    for attr in ("name", "items", "get", "_hidden", "__class__", "fmt", "n", "rows", "missing", "mro"):
        mine, theirs = env.getattr(view, attr), SandboxedEnvironment.getattr(env, view, attr)
        assert type(mine) is type(theirs), attr
        if not callable(theirs) and not isinstance(theirs, jinja2.Undefined):
            assert mine == theirs, attr
    assert env.getattr(view, "name") == "甲" and callable(env.getattr(view, "items"))
    assert isinstance(env.getattr(view, "_hidden"), jinja2.Undefined)
    with pytest.raises(AttributeError):
        view.x = 1  # no instance attributes: what the shortcut relies on
