"""One department's mistake blocks only that department (issue 13 item 5) and the smaller defects
found on the way (item 6): build/review check what they were asked for plus the year-wide rules;
build --keep-going writes every valid department; validate counts files of an absolute path."""
from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import CASES, make_workspace

from perfgen.cli.app import cli


def run(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def two_departments(tmp_path: Path, broken: bool = True) -> Path:
    """demo (valid) and other (a valid copy of duplicate-code's second department, with its code
    made unique), other's project broken when `broken`."""
    ws = make_workspace(tmp_path / "ws", CASES / "invalid" / "duplicate-code")
    gamma = ws / "departments/other/2025/projects/gamma.yaml"
    text = gamma.read_text(encoding="utf-8").replace("13000025P00000000001A", "13000025P00000000009Z")
    if broken:
        text = text.replace('预算数: "50000.00"', '预算数: "五万元"')
    gamma.write_text(text, encoding="utf-8")
    return ws


def test_a_mistake_elsewhere_does_not_stop_building_or_reviewing_a_department(tmp_path: Path) -> None:
    ws = two_departments(tmp_path)
    out = tmp_path / "out"
    r = run("--root", str(ws), "build", "--dept", "demo", "--out", str(out), "--no-cache", "-q")
    assert r.exit_code == 0, r.output
    assert (out / "2025/demo.docx").exists() and not (out / "2025/other.docx").exists()
    assert run("--root", str(ws), "review", "--dept", "demo").exit_code == 0
    # the broken department itself is still refused, with its error located
    r = run("--root", str(ws), "build", "--dept", "other", "--out", str(out), "--no-cache", "-q")
    assert r.exit_code == 1 and "gamma.yaml:5" in r.output and "--keep-going" in r.output
    r = run("--root", str(ws), "review", "--dept", "other")
    assert r.exit_code == 1 and "gamma.yaml" in r.output


def test_year_wide_rules_still_apply_to_a_selection(tmp_path: Path) -> None:
    """Unique project codes within a year span departments: demo's build sees other's duplicate."""
    ws = make_workspace(tmp_path / "ws", CASES / "invalid" / "duplicate-code")
    r = run("--root", str(ws), "build", "--dept", "demo", "--out", str(tmp_path / "out"), "--no-cache", "-q")
    assert r.exit_code == 1 and "重复" in r.output


def test_keep_going_writes_every_valid_department_and_lists_what_it_skipped(tmp_path: Path) -> None:
    ws = two_departments(tmp_path)
    out = tmp_path / "out"
    r = run("--root", str(ws), "build", "--out", str(out), "--no-cache", "-q")
    assert r.exit_code == 1 and not (out / "2025/demo.docx").exists()   # without -k: nothing is written
    r = run("--root", str(ws), "build", "-k", "--out", str(out), "--no-cache", "-q")
    assert r.exit_code == 1, r.output
    assert (out / "2025/demo.docx").exists()
    assert not (out / "2025/other.docx").exists() and not (out / "2025/volume.docx").exists()
    assert "跳过了 2 项" in r.output and "2025 年 other（1 个错误）" in r.output and "2025 年汇编" in r.output
    assert "gamma.yaml:5" in r.output
    # once other is fixed, -k builds everything, the volume too, and exits 0
    gamma = ws / "departments/other/2025/projects/gamma.yaml"
    gamma.write_text(gamma.read_text(encoding="utf-8").replace("五万元", "50000.00"), encoding="utf-8")
    r = run("--root", str(ws), "build", "-k", "--out", str(out), "-q")
    assert r.exit_code == 0, r.output
    assert (out / "2025/other.docx").exists() and (out / "2025/volume.docx").exists()


def test_keep_going_skips_a_department_whose_department_file_is_broken(tmp_path: Path) -> None:
    ws = two_departments(tmp_path, broken=False)
    dept = ws / "departments/other/department.yaml"
    dept.write_text(dept.read_text(encoding="utf-8").replace("模板:", "模版:"), encoding="utf-8")
    out = tmp_path / "out"
    r = run("--root", str(ws), "build", "-k", "--out", str(out), "--no-cache", "-q")
    assert r.exit_code == 1, r.output
    assert (out / "2025/demo.docx").exists() and not (out / "2025/volume.docx").exists()
    assert "2025 年 other" in r.output


def test_validate_counts_the_files_of_an_absolute_path(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    n = len(list((ws / "departments").rglob("*.yaml")))
    for args in (["--root", str(ws), "validate", str(ws / "departments")],
                 ["--root", str(ws), "validate", str((ws / "departments").resolve()) + "/"]):
        r = run(*args)
        assert f"检查了 {n} 个文件" in r.output, r.output


def test_validate_warns_about_modelines_that_lead_nowhere(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    run("init", str(root))
    run("--root", str(root), "new", "department", "x")
    run("--root", str(root), "new", "project", "x", "p1")
    p1 = next(root.glob("departments/x/*/projects/p1.yaml"))
    goals = next(root.glob("departments/x/*/goals.yaml"))
    dept = root / "departments/x/department.yaml"
    good = p1.read_text(encoding="utf-8").split("\n", 1)[0]
    # one ../ too few; the goals schema for a project; no modeline at all
    p1.write_text(p1.read_text(encoding="utf-8").replace("$schema=../", "$schema=", 1), encoding="utf-8")
    goals.write_text(goals.read_text(encoding="utf-8").replace("goals.common.schema.json", "project.schema.json", 1),
                     encoding="utf-8")
    dept.write_text(dept.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    out = run("--root", str(root), "validate").output
    assert f"{p1.relative_to(root).as_posix()}:1:1: 警告" in out and "不存在" in out and good in out
    assert f"{goals.relative_to(root).as_posix()}:1:1: 警告" in out and "别的文件类型" in out
    assert "departments/x/department.yaml:1:1: 警告" in out and "缺少 yaml-language-server" in out
    run("--root", str(root), "schemas", "--modelines")
    out = run("--root", str(root), "validate").output
    assert "yaml-language-server" not in out
    assert p1.read_text(encoding="utf-8").split("\n", 1)[0] == good


def test_validate_warns_when_a_profile_changed_after_the_editor_schemas(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    run("init", str(root))
    run("--root", str(root), "new", "department", "x")
    (root / "profiles").mkdir()
    shipped = Path(__file__).resolve().parent.parent / "profiles" / "common.yaml"
    text = shipped.read_text(encoding="utf-8").replace("[服务对象满意度指标]", "[服务对象满意度指标, 社会公众满意度指标]")
    (root / "profiles/common.yaml").write_text(text, encoding="utf-8")
    out = run("--root", str(root), "validate").output
    assert "schemas/project.common.schema.json" in out and "perfgen schemas" in out
    run("--root", str(root), "schemas")
    assert "社会公众满意度指标" in (root / "schemas/project.common.schema.json").read_text(encoding="utf-8")
    assert "project.common.schema.json" not in run("--root", str(root), "validate").output
    shutil.rmtree(root / "profiles")
