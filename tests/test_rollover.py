"""`perfgen rollover`: next year's files start as this year's, byte for byte, years in prose updated."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, assert_snapshot, make_workspace

from perfgen.cli.app import cli
from perfgen.load import load_workspace
from perfgen.rollover import replace_in_text, roll_text

SHIPPED = {"shanhaiguan-zfw": 2021, "chengde-gxq-zfw": 2022, "yongning-zfw": 2024, "yutian-zfw": 2025}


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def shipped(tmp_path: Path, *depts: str, base: bool = False) -> Path:
    ws = tmp_path / "ws"
    if base:
        make_workspace(ws)
    else:
        (ws / "departments").mkdir(parents=True)
    for d in depts:
        shutil.copytree(ROOT / "departments" / d, ws / "departments" / d)
    return ws


@pytest.mark.parametrize("text, expected", [
    ("2025年，政法委在区工委的领导下", "2026年，政法委在区工委的领导下"),
    ("落实2025年度平安建设工作目标", "落实2026年度平安建设工作目标"),
    ("2025年底前完成，2025年12月验收", "2026年底前完成，2026年12月验收"),
    ("“十四五”规划2021—2025年", "“十四五”规划2021—2025年"),   # a period stays as it is
    ("2025-2027年三年行动", "2025-2027年三年行动"),
    ("2025年至2027年", "2025年至2027年"),
    ("较2024年增长", "较2024年增长"),                          # other years are facts, not this year
    ("编号12025年", "编号12025年"),                            # part of a longer number
    ("经费2025元", "经费2025元"),                              # a number, not a year
])
def test_which_years_are_plain_data(text: str, expected: str) -> None:
    assert replace_in_text(text, 2025, 2026)[0] == expected


def test_identifiers_numbers_periods_comments_and_keys_stay() -> None:
    source = (
        "# 来源：某县2025年部门预算绩效信息\n"
        "项目名称: \"2025年扫黑除恶经费\"\n"
        "项目编码: \"2025年P001\"\n"
        "项目期: 2025年\n"
        "预算:\n  预算数: \"2025.00\"\n"
        "绩效目标: |-\n  1.2025年完成\n  2.持续推进\n"
        "绩效指标:\n  - 二级指标: 时效指标\n    三级指标: 完成时间\n    指标值: 2025年12月底前\n"
    )
    rolled, count, note = roll_text(source, "p.yaml", 2025, 2026)
    assert note is None and count == 3
    assert rolled == source.replace("\"2025年扫黑", "\"2026年扫黑").replace("1.2025年", "1.2026年").replace(
        "指标值: 2025年", "指标值: 2026年")


def test_line_endings_and_quoting_are_kept() -> None:
    source = "总体绩效目标:\r\n  - '2025年目标'\r\n  - \"2025年\\t目标\"\r\n"
    rolled, count, _ = roll_text(source, "g.yaml", 2025, 2026)
    assert rolled == source.replace("2025", "2026") and count == 2


def test_rollover_shipped_department(tmp_path: Path) -> None:
    ws = shipped(tmp_path, "shanhaiguan-zfw")
    r = run("--root", str(ws), "rollover", "shanhaiguan-zfw", "--from", "2021", "--to", "2022")
    assert r.exit_code == 0, r.output
    assert_snapshot("rollover-shanhaiguan.txt", r.stdout)
    old_dir, new_dir = ws / "departments/shanhaiguan-zfw/2021", ws / "departments/shanhaiguan-zfw/2022"
    files = sorted(p.relative_to(old_dir) for p in old_dir.rglob("*.yaml"))
    assert sorted(p.relative_to(new_dir) for p in new_dir.rglob("*.yaml")) == files
    for rel in files:
        old = (old_dir / rel).read_text(encoding="utf-8").split("\n")
        new = (new_dir / rel).read_text(encoding="utf-8").split("\n")
        changed = [(a, b) for a, b in zip(old, new) if a != b]
        assert len(old) == len(new)
        for a, b in changed:  # only “2021年” in values changed; comments never
            assert not a.lstrip().startswith("#") and a.replace("2021年", "2022年") == b
    assert "2022年度平安建设" in (new_dir / "goals.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("dept", sorted(SHIPPED))
def test_rolled_over_years_are_valid(dept: str, tmp_path: Path) -> None:
    ws = shipped(tmp_path, dept)
    year = SHIPPED[dept]
    assert run("--root", str(ws), "rollover", dept, "--from", str(year)).exit_code == 0
    result = load_workspace(ws)
    assert [f.format() for f in result.errors] == []
    years = result.workspace.departments[dept].years
    assert [p.id for p in years[year + 1].projects] == [p.id for p in years[year].projects]


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    ws = shipped(tmp_path, "yutian-zfw", base=True)
    mine = ws / "departments/yutian-zfw/2026/goals.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text("# 我已经开始写了\n总体绩效目标: 新目标\n", encoding="utf-8")
    r = run("--root", str(ws), "rollover", "--all", "--from", "2025", "--to", "2026")
    assert r.exit_code == 0, r.output
    assert_snapshot("rollover-all-with-existing.txt", r.stdout)
    assert mine.read_text(encoding="utf-8") == "# 我已经开始写了\n总体绩效目标: 新目标\n"
    again = run("--root", str(ws), "rollover", "--all", "--from", "2025", "--to", "2026")
    assert again.exit_code == 0 and "共写入 0 个文件，跳过 16 个" in again.stdout


def test_files_that_cannot_be_read_are_copied_as_they_are(tmp_path: Path) -> None:
    ws = shipped(tmp_path, base=True)
    proj = ws / "departments/demo/2025/projects"
    (proj / "gbk.yaml").write_bytes("项目名称: 2025年经费\n".encode("gbk"))
    (proj / "broken.yaml").write_text("项目名称: [2025年经费\n", encoding="utf-8")
    r = run("--root", str(ws), "rollover", "demo", "--from", "2025")
    assert r.exit_code == 0, r.output
    new = ws / "departments/demo/2026/projects"
    assert (new / "gbk.yaml").read_bytes() == (proj / "gbk.yaml").read_bytes()
    assert (new / "broken.yaml").read_bytes() == (proj / "broken.yaml").read_bytes()
    assert "不是 UTF-8 文本，已原样复制" in r.stdout and "有格式错误，已原样复制" in r.stdout


@pytest.mark.parametrize("args, code, words", [
    (["rollover", "nope", "--from", "2025"], 1, "没有部门“nope”"),
    (["rollover", "demo", "--from", "2024"], 1, "没有 2024 年度的数据"),
    (["rollover", "demo", "--from", "2025", "--to", "2025"], 1, "应晚于来源年度"),
    (["rollover", "demo", "--all", "--from", "2025"], 2, "不能同时写部门 id 和 --all"),
    (["rollover", "--from", "2025"], 2, "请写明要复制的部门 id"),
    (["rollover", "demo"], 2, "--from"),
    (["rollover", "--all", "--from", "2019"], 1, "没有任何部门有 2019 年度的数据"),
])
def test_rollover_errors(tmp_path: Path, args: list[str], code: int, words: str) -> None:
    ws = shipped(tmp_path, base=True)
    r = run("--root", str(ws), *args)
    assert r.exit_code == code, r.output
    assert words in r.output and "Traceback" not in r.output
    assert not (ws / "departments/demo/2026").exists() or code == 0
