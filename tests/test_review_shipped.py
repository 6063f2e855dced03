"""`perfgen review` on the four transcribed documents finds the defects a reviewer sees in them.

000 (山海关区 2021): 指标值 “是/否”; 社会效益 rows pasted as 生态效益.
002 (承德高新区 2022): explanations whose itemised amounts do not add up (综治工作经费 33万 vs 8万).
003 (玉田县 2025): satisfaction indicators filed as 社会效益指标 rows.
004 (永宁县 2024): placeholder rows are form padding and are never reported.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from perfgen.load import load_workspace
from perfgen.review.engine import ReviewOptions, ReviewReport, review


@pytest.fixture(scope="module")
def report(shipped: Path) -> ReviewReport:
    return review(shipped)


def findings(report: ReviewReport, dept: str, code: str, project: str | None = None):
    return [f for f in report.findings if f.file.startswith(f"departments/{dept}/") and f.code == f"review.{code}"
            and (project is None or f.file.endswith(f"/projects/{project}.yaml"))]


def test_000_yes_no_values_are_not_targets(report: ReviewReport) -> None:
    hits = [f for f in findings(report, "shanhaiguan-zfw", "unquantified") if "“是/否”" in f.message]
    assert len(hits) >= 15
    projects = {f.file for f in hits}
    assert len(projects) >= 7                     # nearly every project of 000 has them
    f = next(f for f in hits if f.file.endswith("renshidaili-zhuanxiang-buzhu.yaml"))
    assert f.line == 31 and f.severity == "error" and "成本指标「资金支付及时率」" in (f.breadcrumb or "")


def test_000_social_benefit_rows_pasted_as_ecological_benefit(report: ReviewReport) -> None:
    (f,) = findings(report, "shanhaiguan-zfw", "duplicate-in-project", "guojiaanquan-renminfangxian-jianshe")
    assert "生态效益指标「群众维护国家安全的意识增强」" in (f.breadcrumb or "")
    assert "与社会效益指标「群众维护国家安全的意识增强」（第 38 行）完全相同" in f.message
    assert f.line == 43


def test_000_timeliness_filed_under_cost(report: ReviewReport) -> None:
    (f,) = findings(report, "shanhaiguan-zfw", "misplaced", "renshidaili-zhuanxiang-buzhu")
    assert "“资金支付及时率”含“及时率”，应属于时效指标，却填在成本指标下" in f.message


def test_002_explanation_amounts_that_contradict_the_budget(report: ReviewReport) -> None:
    hits = findings(report, "chengde-gxq-zfw", "funding-breakdown")
    by_project = {f.file.rsplit("/", 1)[1]: f.message for f in hits}
    assert by_project == {
        "zongzhi-gongzuo-jingfei.yaml": "资金安排明细合计 8万元，与预算数 33万元 不符",
        "qunzhong-zhongxin-bangonglou.yaml": "资金安排明细合计 40.6万元，与预算数 41.3万元 不符",
        "shequ-jiaozheng-jidi-weihu.yaml": "资金安排明细合计 16万元，与预算数 14.5万元 不符",
    }
    # 法制工作专项 lists an item without an amount (“其他欠款等”): the rest stays below the budget, no report
    assert not findings(report, "chengde-gxq-zfw", "funding-breakdown", "fazhi-gongzuo-zhuanxiang")


def test_002_projects_without_indicator_tables_and_the_department_table(report: ReviewReport) -> None:
    assert len(findings(report, "chengde-gxq-zfw", "no-indicators")) == 15
    assert not findings(report, "chengde-gxq-zfw", "missing-category")   # said once, by no-indicators
    (f,) = findings(report, "chengde-gxq-zfw", "satisfaction-number")
    assert f.file.endswith("goals.yaml") and "“群众满意度”" in f.message and "“=%”" in f.message


def test_003_satisfaction_indicators_filed_as_social_benefit(report: ReviewReport) -> None:
    hits = [f for f in findings(report, "yutian-zfw", "misplaced")
            if "含“满意”" in f.message and "却填在社会效益指标下" in f.message]
    per_project = Counter(f.file for f in hits)
    assert len(per_project) == 9 and len(hits) == 17      # 9 of the 12 tables, two rows in most
    lianhe = [f.line for f in hits if f.file.endswith("lianhe-jiefang-wending.yaml")]
    assert lianhe == [47, 52]
    # two of the remaining tables keep such rows out of 社会效益 but copy each other's rows instead
    copied = findings(report, "yutian-zfw", "copied-across-projects", "zhongdian-buwei-shipin-jiankong")
    assert any("社会治理智能化平台建设项目经费" in f.message for f in copied)


def test_003_cost_rows_about_social_stability(report: ReviewReport) -> None:
    hits = findings(report, "yutian-zfw", "category-content")
    assert any("“社会稳定水平”填在成本指标下" in f.message for f in hits)
    assert any("“数据共享率（%）”填在服务对象满意度指标下" in f.message for f in hits)


def test_004_placeholder_rows_are_never_reported(report: ReviewReport, shipped: Path) -> None:
    result = load_workspace(shipped)
    placeholder_lines = set()
    for dy in result.workspace.departments["yongning-zfw"].years.values():
        for p in dy.projects:
            for ind in p.indicators:
                if ind.placeholder:
                    placeholder_lines.add((ind.source.file, result.locate(ind.source)[0]))
    assert len(placeholder_lines) > 20
    hit = [f.format() for f in report.findings if (f.file, f.line) in placeholder_lines]
    assert hit == []
    # a row the transcription left blank (not a placeholder) is reported
    (f,) = findings(report, "yongning-zfw", "empty-field", "pingan-yongning-jianshe-zijin")
    assert "没有填写三级指标和指标值" in f.message


def test_every_project_gets_a_grade_with_reasons(report: ReviewReport) -> None:
    assert len(report.subjects) == 51  # 48 of the four transcriptions + 3 of the national-form examples
    for s in report.subjects:
        assert s.grade is not None and s.grade.letter in "优良中差" and s.grade.reasons, s.name
    grades = {(y.department.id, s.number): s.grade.letter for y in report.years for s in y.projects}
    assert grades[("shanhaiguan-zfw", 6)] == "差"      # 铁路护路联防: 7 of 9 indicators are not targets
    assert grades[("yutian-zfw", 11)] == "良"          # 视频监控维护: only notes and one warning
    assert Counter(grades.values())["差"] >= 5


def test_selecting_one_department(report: ReviewReport, shipped: Path) -> None:
    one = review(shipped, ReviewOptions(departments=["yutian-zfw"], years=[2025]))
    assert [(y.department.id, y.year) for y in one.years] == [("yutian-zfw", 2025)]
    assert [f.format() for f in one.findings] == [f.format() for f in report.findings
                                                   if f.file.startswith("departments/yutian-zfw/")]
