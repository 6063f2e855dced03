"""One reporter shape: validate, review and diff are outlines (perfgen/outline.py) rendered by the
same renderers, so a format added there is offered by every command."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfgen.cli.app import cli
from perfgen.errors import Finding, sort_findings
from perfgen.outline import FORMATS, Outline, as_html, as_markdown, as_text, md_escape
from perfgen.validate.report import render


def _findings() -> list[Finding]:
    return [Finding(file="departments/a/2025/goals.yaml", line=3, column=5, message="金额 <不对> | *x*",
                    hint="改成 10 万元", breadcrumb="年度目标 › 总体", code="rule.x", severity="error"),
            Finding(file="departments/a/department.yaml", line=None, column=None, message="缺少模板",
                    hint=None, breadcrumb=None, code="rule.y", severity="warning")]


def test_validate_text_is_what_it_always_printed() -> None:
    findings = _findings()
    expected = "\n".join([f.format() for f in sort_findings(findings)] + ["检查了 2 个文件：1 个错误，1 个警告。"])
    assert render(findings, 2, "text") == expected + "\n"


@pytest.mark.parametrize("command", ["validate", "review", "diff"])
def test_every_report_offers_every_format(command: str) -> None:
    params = {p.name: p for p in cli.commands[command].params}
    assert tuple(params["fmt"].type.choices) == FORMATS  # type: ignore[attr-defined]


def test_validate_in_markdown_and_html(workspace: Path) -> None:
    beta = workspace / "departments/demo/2025/projects/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8").replace("12月底: 100", "12月底: 90"), encoding="utf-8")
    runner = CliRunner()
    md = runner.invoke(cli, ["--root", str(workspace), "validate", "--format", "md"])
    page = runner.invoke(cli, ["--root", str(workspace), "validate", "--format", "html"])
    data = json.loads(runner.invoke(cli, ["--root", str(workspace), "validate", "--format", "json"]).output)
    assert md.exit_code == page.exit_code == 1
    (finding,) = [f for f in data["findings"] if f["file"].endswith("beta.yaml")]
    assert f"`departments/demo/2025/projects/beta.yaml:{finding['line']}:{finding['column']}`" in md.output
    assert "**错误**" in md.output and "个错误" in md.output
    assert page.output.startswith("<!DOCTYPE html>") and '<span class="error">错误</span>' in page.output


def test_renderers_escape_what_they_print() -> None:
    o = Outline()
    o.add("p", ("loc", "a.yaml:1"), " <b>粗</b> | *星* ")
    o.add("item", ("hint", "提示：a_b"), indent=1)
    assert "<b>" not in as_html(o.blocks, "标题") and "&lt;b&gt;粗&lt;/b&gt;" in as_html(o.blocks, "<t>")
    assert "&lt;t&gt;" in as_html(o.blocks, "<t>")
    assert r"\| \*星\*" in as_markdown(o.blocks) and md_escape("a_b\nc") == r"a\_b c"
    assert as_text(o.blocks) == "a.yaml:1 <b>粗</b> | *星* \n    · 提示：a_b\n"
