"""click's own words are Chinese too (perfgen/cli/click_zh.py): the usage line, help headings and
the errors click raises before a command runs. Checked against the installed click, so a click
release that adds or rewords a text fails here instead of showing English to a user."""
from __future__ import annotations

import ast
import importlib
import re
import string
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfgen.cli import click_zh
from perfgen.cli.app import cli

ENGLISH = re.compile(r"\b(Error|Usage|Options|Commands|Invalid|No such|Try|Missing|Got unexpected|Show th|"
                     r"Did you mean|is not|does not|default:|required)")


def _click_texts() -> tuple[set[str], set[tuple[str, str]]]:
    """Every text click passes to _() and ngettext(), read from its source."""
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for name in (*click_zh.MODULES, "utils", "shell_completion"):
        module = importlib.import_module(f"click.{name}")
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if node.func.id == "_" and texts:
                    singles.add(texts[0])
                elif len(texts) == 2:
                    plurals.add((texts[0], texts[1]))
            # a help extra click translates later, `_(extra["required"])`: the text is assigned first
            elif (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                  and isinstance(node.value.value, str) and isinstance(node.targets[0], ast.Subscript)
                  and isinstance(node.targets[0].value, ast.Name) and node.targets[0].value.id == "extra"):
                singles.add(node.value.value)
    return singles, plurals


def test_every_text_click_can_show_a_user_is_translated_and_none_is_stale() -> None:
    singles, plurals = _click_texts()
    assert singles and plurals
    untranslated = singles - set(click_zh.MESSAGES) - click_zh.DEVELOPER_ONLY
    assert untranslated == set(), untranslated
    assert set(click_zh.MESSAGES) | click_zh.DEVELOPER_ONLY <= singles, "texts click no longer has"
    assert set(click_zh.PLURALS) == plurals


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("english", sorted(click_zh.MESSAGES))
def test_a_translation_names_only_fields_click_fills_in(english: str) -> None:
    if "%(" in english:   # the version line is %-formatted
        assert re.findall(r"%\((\w+)\)s", click_zh.MESSAGES[english]) == re.findall(r"%\((\w+)\)s", english)
    else:
        assert _fields(click_zh.MESSAGES[english]) <= _fields(english)


@pytest.mark.parametrize("pair", sorted(click_zh.PLURALS))
def test_a_plural_translation_names_only_fields_click_fills_in(pair: tuple[str, str]) -> None:
    assert _fields(click_zh.PLURALS[pair]) <= _fields(pair[0]) | _fields(pair[1])


MISTAKES = [
    (["bogus"], "没有“bogus”这个命令"),
    (["buld"], "错误：没有“buld”这个命令。是不是“build”？"),
    (["build", "--nope"], "是不是“--no-cache”、“--no-toc-pages”？"),
    (["new", "department"], "错误：缺少参数“部门ID”。\n"),   # not 缺少参数 '部门ID'. (an English full stop)
    (["import", "x.docx"], "错误：缺少选项“--dept”。\n"),
    (["build", "-j", "x"], "错误：“-j/--jobs”的值不对："),
    (["review", "--severity", "x"], "可选：error、info、warning、提示、警告、错误。"),
    (["build", "--yaer", "2025"], "没有“--yaer”这个选项"),
    (["build", "--year", "abc"], "“abc”不是有效的整数"),
    (["build", "--jobs", "0"], "0 不在允许的范围（1 到 64）内"),
    (["build", "--year"], "后面要写值"),
    (["import"], "缺少参数"),
    (["diff", "--format", "pdf"], "不是可选值"),
    (["validate", "--format", "xml"], "不是可选值"),
    (["new"], "用法：perfgen new [选项] 命令 [参数]..."),
    (["rollover", "a", "b", "--to"], "后面要写值"),
]


@pytest.mark.parametrize(("args", "said"), MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_a_mistyped_command_is_answered_in_chinese(args: list[str], said: str) -> None:
    result = CliRunner().invoke(cli, args, prog_name="perfgen")
    assert result.exit_code == 2, result.output
    assert said in result.output, result.output
    assert not ENGLISH.search(result.output), result.output
    assert "错误：" in result.output or result.output.startswith("用法：perfgen"), result.output
    assert "'" not in result.output and ". " not in result.output, result.output   # Chinese quotes and stops


def _commands() -> list[list[str]]:
    out: list[list[str]] = [[]]
    for name, command in sorted(cli.commands.items()):
        out.append([name])
        for sub in sorted(getattr(command, "commands", {})):
            out.append([name, sub])
    return out


@pytest.mark.parametrize("args", _commands(), ids=lambda a: " ".join(a) or "perfgen")
def test_every_help_page_is_chinese(args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="perfgen")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("用法：perfgen") and "显示本帮助后退出" in result.output
    assert not ENGLISH.search(result.output), result.output
    assert not re.search(r"<=|>=|\bx<", result.output), result.output   # click's “1<=x<=64”
    assert not re.search(r"\b(INTEGER|TEXT|DIRECTORY|PATH|FILE|OPTIONS|COMMAND|ARGS)\b", result.output), result.output


def test_an_environment_value_that_is_not_true_or_false_says_what_is() -> None:
    result = CliRunner().invoke(cli, ["build"], prog_name="perfgen", env={"PERFGEN_NO_TOC_PAGES": "abc"})
    assert result.exit_code == 2, result.output
    assert "“abc”不是 true 或 false：写 1、true、yes（是）或 0、false、no（否）。" in result.output, result.output


@pytest.mark.parametrize("args", _commands(), ids=lambda a: " ".join(a) or "perfgen")
def test_help_text_wraps_chinese_at_the_terminal_width(args: list[str]) -> None:
    """click wraps at spaces and counts characters: Chinese lines ran to twice the terminal's width,
    and the joins of a docstring's lines showed as spaces (“生成。 要生成”)."""
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="perfgen", terminal_width=80)
    for line in result.output.splitlines():
        if "perfgen " not in line:   # an example command line is printed as written
            assert click_zh.display_width(line) <= 80, line
            text = re.split(r"\s{2,}", line.strip(), maxsplit=1)[-1]   # an option's text, after its name column
            assert not re.search(r"[\u4e00-\u9fff，。、；：）] +[\u4e00-\u9fff（]", text), line


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "0", "false", "no", "off", ""])
def test_the_toc_pages_switch_means_the_same_to_the_command_and_the_library(
        value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from perfgen.build import BuildOptions
    monkeypatch.setenv("PERFGEN_NO_TOC_PAGES", value)
    with cli.commands["build"].make_context("build", []) as ctx:   # what `perfgen build` reads
        command_says_no_pages = ctx.params["no_toc_pages"]
    assert BuildOptions().toc_pages is not command_says_no_pages
