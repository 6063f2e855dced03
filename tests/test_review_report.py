"""What `perfgen review` prints: snapshot tests for every format, and the command line around it.

The snapshots in tests/snapshots/review-*.{txt,md,html,json} are what users read; after a deliberate
change, regenerate them with `pytest --update-snapshots` and read the diff.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CASES, ROOT, assert_snapshot
from test_review_rules import build_case

from perfgen.cli.app import cli
from perfgen.review.engine import review
from perfgen.review.report import as_text, render

REVIEW = CASES / "review"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    ws, _ = build_case(REVIEW / "_snapshot", tmp_path / "ws")
    return ws


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("fmt, suffix", [("text", "txt"), ("md", "md"), ("html", "html"), ("json", "json")])
def test_report_snapshot(demo: Path, fmt: str, suffix: str) -> None:
    assert_snapshot(f"review-demo.{suffix}", render(review(demo), fmt) + "\n")


def test_shipped_examples_snapshot(shipped: Path) -> None:
    assert_snapshot("review-shipped.txt", render(review(shipped), "text") + "\n")


def test_json_carries_grades_reasons_and_located_findings(demo: Path) -> None:
    data = json.loads(render(review(demo), "json"))
    assert data["rules"]["files"] == ["rules/default.yaml"]
    (dept,) = data["departments"]
    alpha = dept["projects"][0]
    assert (alpha["id"], alpha["number"], alpha["grade"]) == ("alpha", 1, "中")
    assert alpha["reasons"][0].startswith("指标不完整")
    f = next(f for f in alpha["findings"] if f["code"] == "review.unquantified")
    assert f["file"] == "departments/demo/2025/projects/alpha.yaml" and f["line"] == 15 and f["severity"] == "error"
    assert f["rule"] == "指标值不是目标值" and f["hint"]
    assert data["summary"]["errors"] == sum(len([x for x in s["findings"] if x["severity"] == "error"])
                                            for s in [dept["part"], *dept["projects"]])


def test_html_is_one_self_contained_escaped_page(demo: Path) -> None:
    alpha = demo / "departments/demo/2025/projects/alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("三级指标: 帮扶见义勇为人次", "三级指标: <b>帮扶</b>"),
                     encoding="utf-8")
    page = render(review(demo), "html")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert "<b>帮扶</b>" not in page and "&lt;b&gt;帮扶&lt;/b&gt;" in page


def test_text_is_coloured_only_when_asked(demo: Path) -> None:
    report = review(demo)
    assert "\x1b[" in as_text(report, color=True)
    assert "\x1b[" not in as_text(report, color=False)
    r = run("--root", str(demo), "review")      # CliRunner's output is not a terminal
    assert "\x1b[" not in r.output


def test_review_reports_and_exits_0_without_strict(demo: Path) -> None:
    r = run("--root", str(demo), "review")
    assert r.exit_code == 0, r.output
    assert "alpha.yaml:15:10: 错误【指标值不是目标值】" in r.output and "建议评级：中" in r.output


@pytest.mark.parametrize("args, code", [
    (["--strict"], 1),                             # errors exist
    (["--strict", "--severity", "warning"], 1),
    (["--strict", "--severity", "错误"], 1),
])
def test_strict_exits_1_at_the_chosen_severity(demo: Path, args: list[str], code: int) -> None:
    assert run("--root", str(demo), "review", *args).exit_code == code


def test_strict_severity_counts_only_that_level_and_above(tmp_path: Path) -> None:
    ws, _ = build_case(REVIEW / "same-as-description" / "fires", tmp_path / "ws")   # one hint, nothing else
    assert run("--root", str(ws), "review", "--strict", "--severity", "error").exit_code == 0
    assert run("--root", str(ws), "review", "--strict", "--severity", "warning").exit_code == 0
    assert run("--root", str(ws), "review", "--strict", "--severity", "info").exit_code == 1


def test_invalid_data_is_reported_like_build_and_not_reviewed(demo: Path) -> None:
    beta = demo / "departments/demo/2025/projects/beta.yaml"
    beta.write_text(beta.read_text(encoding="utf-8").replace("12月底: 100", "12月底: 90"), encoding="utf-8")
    r = run("--root", str(demo), "review")
    assert r.exit_code == 1
    assert "未进行审核" in r.output and "beta.yaml:9" in r.output and "Traceback" not in r.output
    assert "建议评级" not in r.output


def test_bad_rules_file_exits_1_with_located_message(demo: Path) -> None:
    (demo / "rules").mkdir()
    (demo / "rules" / "county.yaml").write_text("继承: default\n规则:\n  vauge: {启用: false}\n", encoding="utf-8")
    r = run("--root", str(demo), "review", "--rules", "county")
    assert r.exit_code == 1 and "rules/county.yaml:3:" in r.output and "vague" in r.output
    assert "Traceback" not in r.output


def test_selection_by_year_and_department(demo: Path) -> None:
    r = run("--root", str(demo), "review", "--dept", "nope")
    assert r.exit_code == 1 and "没有部门“nope”" in r.output
    r = run("--root", str(demo), "review", "--year", "2019")
    assert r.exit_code == 1 and "2019" in r.output
    r = run("--root", str(demo), "review", "--year", "2025", "--dept", "demo", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.output)["departments"][0]["year"] == 2025


def test_out_writes_the_report_file(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "报告" / "审核.html"
    r = run("--root", str(demo), "review", "--format", "html", "-o", str(out))
    assert r.exit_code == 0 and "已写入" in r.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_list_rules_shows_switches_from_the_chosen_rules(demo: Path) -> None:
    (demo / "rules").mkdir()
    (demo / "rules" / "county.yaml").write_text("继承: default\n规则:\n  vague: {启用: false}\n", encoding="utf-8")
    r = run("--root", str(demo), "review", "--rules", "county", "--list-rules")
    assert r.exit_code == 0
    line = next(line for line in r.output.splitlines() if line.strip().startswith("vague "))
    assert "关闭" in line and "目标值表述模糊" in line
    assert "rules/county.yaml ← rules/default.yaml" in r.output


def test_help_ends_with_examples() -> None:
    r = run("review", "--help")
    assert r.exit_code == 0
    examples = r.output.split("示例：")[1]
    assert "perfgen review --format html" in examples and "--strict" in examples


def test_rules_folder_is_packaged_with_perfgen() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"rules" = "perfgen/_data/rules"' in text


def test_strict_fails_on_warnings_by_default_as_the_ci_step_says(tmp_path: Path) -> None:
    """The generated CI step is titled “警告也算不通过” and runs plain `perfgen review --strict`."""
    ws, _ = build_case(REVIEW / "missing-basis" / "fires", tmp_path / "ws")   # warnings only
    assert {f.severity for f in review(ws).findings} == {"warning"}
    assert run("--root", str(ws), "review", "--strict").exit_code == 1
    assert run("--root", str(ws), "review", "--strict", "--severity", "error").exit_code == 0
