"""Results files as data: scaffolding from the goals, located errors, scoring rules a province overrides."""
from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner
from conftest import CASES, copy_shipped, make_workspace

from perfgen.cli.app import cli
from perfgen.load import load_workspace


def test_new_results_prefills_every_indicator_with_its_target(tmp_path: Path) -> None:
    ws = copy_shipped(tmp_path / "ws")
    runner = CliRunner()
    first = runner.invoke(cli, ["--root", str(ws), "new", "results", "yutian-zfw", "jianyiyongwei-jijin"])
    assert first.exit_code == 0, first.output
    rel = "departments/yutian-zfw/2025/results/jianyiyongwei-jijin.yaml"
    data = yaml.safe_load((ws / rel).read_text(encoding="utf-8"))
    goals = load_workspace(ws).workspace.departments["yutian-zfw"].years[2025]
    project = next(p for p in goals.projects if p.id == "jianyiyongwei-jijin")
    expected = [(i.level3, i.value_text) for i in project.real_indicators]
    assert [(i["三级指标"], i["年度指标值"]) for i in data["自评"]["指标"]] == expected
    assert [(i["三级指标"], i["年度指标值"]) for i in data["监控"][0]["指标"]] == expected
    assert all(i["实际完成值"] == "" for i in data["自评"]["指标"])
    # the blanks are located errors until filled
    errors = [f for f in load_workspace(ws).errors if f.file == rel]
    assert errors and all(f.line for f in errors)
    again = runner.invoke(cli, ["--root", str(ws), "new", "results", "yutian-zfw", "jianyiyongwei-jijin"])
    assert again.exit_code == 1 and "已经存在" in again.output


def test_results_for_a_project_that_does_not_exist_name_the_closest(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", CASES / "scoring" / "positive")
    results = ws / "departments/demo/2025/results"
    (results / "gamma.yaml").rename(results / "gama.yaml")
    found = [f for f in load_workspace(ws).errors if f.code == "results.no-project"]
    assert len(found) == 1 and "gama" in found[0].message and "gamma" in (found[0].hint or "")


def test_changed_target_and_unknown_category_are_located(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", CASES / "scoring" / "positive")
    path = ws / "departments/demo/2025/results/gamma.yaml"
    text = path.read_text(encoding="utf-8").replace('    - 三级指标: "培训合格率"\n',
                                                    '    - 三级指标: "培训合格率"\n      年度指标值: "≥80%"\n')
    text += ('监控:\n  - 节点: 6月底\n    全年预算数: "100000.00"\n    执行数: "40000.00"\n    指标:\n'
             '      - 三级指标: 培训次数\n        偏差原因: {类别: 天气原因}\n')
    path.write_text(text, encoding="utf-8")
    errors = {f.code: f for f in load_workspace(ws).errors}
    assert "≥80%" in errors["results.target-changed"].message and errors["results.target-changed"].line == 11
    assert "天气原因" in errors["results.choice"].message and "经费保障" in (errors["results.choice"].hint or "")


def test_a_province_overrides_weights_in_its_rules_file(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", CASES / "scoring" / "positive")
    (ws / "rules").mkdir()
    (ws / "rules" / "scoring.yaml").write_text("权重:\n  一级指标: {产出指标: 40, 效益指标: 40}\n", encoding="utf-8")
    card = load_workspace(ws).workspace.departments["demo"].years[2025].results["gamma"].scorecard
    # 8 + 培训次数 0.8 × 20 + 合格率 20 + 法治意识 40 + 满意度 10 = 94
    assert card is not None and card.r(card.total) == "94.00"


def test_a_typo_in_the_rules_file_is_located(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", CASES / "scoring" / "positive")
    (ws / "rules").mkdir()
    (ws / "rules" / "scoring.yaml").write_text("名称: 某省\n权重:\n  预算执行率: 10\n  一级指标值: {产出指标: 40}\n",
                                                encoding="utf-8")
    errors = [f for f in load_workspace(ws).errors if f.code == "scoring.rules"]
    assert len(errors) == 1 and errors[0].file == "rules/scoring.yaml" and errors[0].line == 4
    assert "一级指标值" in errors[0].message and "一级指标" in (errors[0].hint or "")
