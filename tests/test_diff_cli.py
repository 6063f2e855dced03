"""`perfgen diff` on the command line: choosing years, colour, files, and the errors people meet."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CASES
from test_diff_cases import build_case

from perfgen.cli.app import cli

CASE = CASES / "diff" / "shanhaiguan-hand-edited"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    return build_case(CASE, tmp_path_factory.mktemp("cli") / "ws")


def test_years_default_to_the_latest_two(ws: Path) -> None:
    explicit = run("--root", str(ws), "diff", "shanhaiguan-zfw", "--from", "2021", "--to", "2022").stdout
    assert run("--root", str(ws), "diff", "shanhaiguan-zfw").stdout == explicit
    assert run("--root", str(ws), "diff", "--dept", "shanhaiguan-zfw", "--from", "2021").stdout == explicit


def test_colour_only_when_asked_or_on_a_terminal(ws: Path) -> None:
    plain = run("--root", str(ws), "diff", "shanhaiguan-zfw").stdout
    assert "\x1b[" not in plain and "[-1-]{+2+}" in plain
    coloured = run("--root", str(ws), "diff", "shanhaiguan-zfw", "--color").stdout
    assert "\x1b[31;9m1\x1b[0m\x1b[32m2\x1b[0m" in coloured and "{+" not in coloured


def test_out_writes_the_report_to_a_file(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "报告.html"
    r = run("--root", str(ws), "diff", "shanhaiguan-zfw", "--format", "html", "-o", str(out), "--color")
    assert r.exit_code == 0 and r.stdout == ""
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<del>1</del><ins>2</ins>" in html and "\x1b" not in html


def test_html_is_self_contained_and_balanced(ws: Path) -> None:
    from html.parser import HTMLParser
    html = run("--root", str(ws), "diff", "shanhaiguan-zfw", "--format", "html").stdout

    class Checker(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.external: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "link", "img") or any(k in ("src", "href") for k, _ in attrs):
                self.external.append(tag)
            if tag not in ("meta", "br"):
                self.stack.append(tag)

        def handle_endtag(self, tag):
            assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
            self.stack.pop()

    checker = Checker()
    checker.feed(html)
    assert checker.stack == [] and checker.external == []


@pytest.mark.parametrize("args, code, words", [
    (["diff", "nope", "--from", "2021", "--to", "2022"], 1, "没有部门“nope”"),
    (["diff", "shanhaiguan-zfw", "--from", "2021", "--to", "2023"], 1, "没有 2023 年度的数据"),
    (["diff", "shanhaiguan-zfw", "--from", "2022", "--to", "2022"], 2, "是同一年"),
    (["diff", "--from", "2019", "--to", "2020"], 1, "没有同时有 2019 年和 2020 年数据的部门"),
    (["diff", "shanhaiguan-zfw", "--format", "pdf"], 2, "pdf"),
])
def test_usage_and_data_errors(ws: Path, args: list[str], code: int, words: str) -> None:
    r = run("--root", str(ws), *args)
    assert r.exit_code == code, r.output
    assert words in r.output and "Traceback" not in r.output


def test_a_department_with_one_year_points_to_rollover(shipped: Path) -> None:
    r = run("--root", str(shipped), "diff", "yutian-zfw")
    assert r.exit_code == 1
    assert "只有一个年度（2025）" in r.output and "perfgen rollover" in r.output
    r = run("--root", str(shipped), "diff")
    assert r.exit_code == 1 and "每个部门都只有一个年度的数据" in r.output and "perfgen rollover" in r.output


def test_an_unreadable_file_is_not_reported_as_deleted(ws: Path, tmp_path: Path) -> None:
    broken = build_case(CASE, tmp_path / "ws")
    path = broken / "departments/shanhaiguan-zfw/2022/projects/sifajiuzhu-jingfei.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("项目名称:", "项目名称: [", 1), encoding="utf-8")
    r = run("--root", str(broken), "diff", "shanhaiguan-zfw")
    assert r.exit_code == 1
    assert "departments/shanhaiguan-zfw/2022/projects/sifajiuzhu-jingfei.yaml:4:5: 错误: YAML 格式错误" in r.output
    assert "读不出来（projects/sifajiuzhu-jingfei.yaml）" in r.output and "删除" in r.output
