"""perfgen init --help says what perfgen init writes: the title's fields are the ones perfgen.yaml 标题
receives (地区 too), and it does not quote a default title that is no longer the default; template copy
says how the copied template is used."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfgen.cli.app import cli
from perfgen.load import DEFAULT_TITLE, TITLE_FIELDS


def test_init_help_names_every_title_field_and_no_stale_default() -> None:
    out = CliRunner().invoke(cli, ["init", "--help"]).output
    for name in TITLE_FIELDS:
        assert "{" + name + "}" in out, name
    quoted = [q.split("”")[0] for q in out.split("“")[1:]]
    assert all(q == DEFAULT_TITLE for q in quoted if q.endswith("部门预算绩效目标汇编") and "{" in q), quoted
    assert "地区" in out.split("选项：")[0]   # perfgen.yaml's keys as init writes them


def test_copying_the_volume_template_does_not_say_to_choose_it_in_department_yaml(workspace: Path) -> None:
    r = CliRunner().invoke(cli, ["--root", str(workspace), "template", "copy", "volume"])
    assert r.exit_code == 0, r.output
    assert "模板: volume" not in r.output and "汇编" in r.output
    assert (workspace / "templates" / "volume" / "layout.yaml").exists()


@pytest.mark.parametrize(("args", "said"), [
    (["volume", "--as", "huibian-2"], "汇编模板只能复制为 templates/volume"),   # would be offered as a department form
    (["hebei", "--as", "volume"], "不能用它"),              # would replace the volume's cover and contents
    (["results"], "可以复制的模板：hebei、national-department"),   # not offered as copyable when it is not
])
def test_template_copy_refuses_a_copy_that_cannot_work(workspace: Path, args: list[str], said: str) -> None:
    r = CliRunner().invoke(cli, ["--root", str(workspace), "template", "copy", *args])
    assert r.exit_code == 1, r.output
    assert said in r.output, r.output
    assert "results" not in r.output.split("提示：")[-1], r.output
    assert not (workspace / "templates").exists()


def test_template_copy_into_a_templates_file_is_a_user_error(workspace: Path) -> None:
    (workspace / "templates").write_text("", encoding="utf-8")   # not a folder: was an internal error (exit 3)
    r = CliRunner().invoke(cli, ["--root", str(workspace), "template", "copy", "hebei"])
    assert r.exit_code == 1, r.output
    assert "无法把模板复制到" in r.output and "同名文件" in r.output, r.output
    assert not re.search("[A-Za-z]{4,} [a-z]{4,}", r.output), r.output   # no English OS error text
