"""perfgen summary: the finance bureau's table in every format, and charts that need nothing from elsewhere."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import assert_snapshot

from perfgen.cli.app import cli
from perfgen.results.summary import summarize
from perfgen.results.summary_report import FORMATS, render


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
def test_summary_snapshot(shipped: Path, fmt: str) -> None:
    assert_snapshot(f"results/summary.{'txt' if fmt == 'text' else fmt}", render(summarize(shipped), fmt))


def test_summary_numbers_match_the_results(shipped: Path) -> None:
    data = json.loads(render(summarize(shipped), "json"))
    yutian = next(x for x in data["lines"] if x["department"] == "yutian-zfw")
    assert yutian["scores"] == [{"project": "扫黑除恶工作经费", "total": "93.49", "grade": "优"}]
    assert yutian["execution_rate"] == "92.00"                      # 46000 / 50000
    assert yutian["checkpoints"] == [{"label": "6月底", "budget": "50000.00", "executed": "15000.00",
                                      "rate": "30.00", "plan": "50.00"}]
    county = [x for x in data["lines"] if x["department"] is None]
    assert [x["year"] for x in county] == [2024, 2025]


def test_html_has_both_charts_inline_and_nothing_external(shipped: Path) -> None:
    page = render(summarize(shipped), "html")
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 4  # per year: the score histogram and execution against plan
    assert "得分分布" in page and "执行进度与支出计划" in page
    assert not re.search(r"(src|href)=", page) and "<script" not in page
    assert set(re.findall(r"https?://[^\s\"']+", page)) == {"http://www.w3.org/2000/svg"}
    assert "50%" in svgs[3] and "中共玉田县委政法委员会（6月底）" in svgs[3]


def test_cli_writes_the_page_and_refuses_to_overwrite(shipped: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.html"
    runner = CliRunner()
    first = runner.invoke(cli, ["--root", str(shipped), "summary", "--format", "html", "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = runner.invoke(cli, ["--root", str(shipped), "summary", "--format", "html", "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output


def test_no_results_is_a_user_error(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(workspace), "summary"])
    assert result.exit_code == 1 and "没有监控或自评结果" in result.output


def test_cli_formats_are_the_report_formats() -> None:
    from perfgen.cli.summary_cmd import FORMATS as CLI_FORMATS
    assert CLI_FORMATS == FORMATS
