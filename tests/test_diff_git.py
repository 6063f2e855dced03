"""`perfgen diff --rev`: the same files at two git revisions (a temporary repository per test)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, assert_snapshot

from perfgen.cli.app import cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=测试", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose workspace is in a sub-folder; two commits, then an uncommitted edit."""
    top = tmp_path / "repo"
    ws = top / "预算" / "ws"
    (ws / "departments").mkdir(parents=True)
    shutil.copytree(ROOT / "departments" / "yutian-zfw", ws / "departments" / "yutian-zfw")
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "2025 年初稿")
    proj = ws / "departments/yutian-zfw/2025/projects"
    edit(proj / "saohei-chue.yaml", '预算数: "50000.00"', '预算数: "60000.00"')
    edit(proj / "saohei-chue.yaml", '财政资金: "50000.00"', '财政资金: "60000.00"')
    edit(proj / "saohei-chue.yaml", '指标值: "≥10次"', '指标值: "≥6次"')
    git(top, "commit", "-q", "-am", "按审核意见修改")
    edit(proj / "jianyiyongwei-jijin.yaml", '资金用途: "表彰奖励、抚恤、慰问见义勇为人员，弘扬社会正能量。"',
         '资金用途: "表彰奖励、抚恤、慰问见义勇为人员及其家属，弘扬社会正能量。"')
    return ws


def test_two_revisions(repo: Path) -> None:
    r = run("--root", str(repo), "diff", "yutian-zfw", "--rev", "HEAD~1..HEAD", "--no-color")
    assert r.exit_code == 0, r.output
    assert_snapshot("diff-rev-two-commits.txt", r.stdout)
    assert "⚠ 目标降低：≥10次 → ≥6次" in r.stdout and "+20.00%" in r.stdout
    assert "及其家属" not in r.stdout  # not committed yet


def test_a_revision_against_the_files_on_disk(repo: Path) -> None:
    r = run("--root", str(repo), "diff", "--rev", "HEAD", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert (data["from"], data["to"]) == ("HEAD", "工作区")
    (dept,) = data["departments"]
    assert dept["from"] == "2025年（HEAD）" and dept["counts"]["changed"] == 1
    (project,) = dept["projects"]
    assert project["new"]["id"] == "jianyiyongwei-jijin"
    assert {"op": "insert", "text": "及其家属"} in project["changes"][0]["segments"]


def test_rev_with_docx(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "修订.docx"
    r = run("--root", str(repo), "diff", "yutian-zfw", "--rev", "HEAD~1..HEAD", "--year", "2025", "--docx", str(out))
    assert r.exit_code == 0, r.output
    assert b"word/document.xml" in out.read_bytes()


@pytest.mark.parametrize("args, code, words", [
    (["--rev", "nosuchbranch..HEAD"], 1, "git 中找不到版本“nosuchbranch”"),
    (["--rev", "HEAD~1...HEAD"], 2, "--rev 的写法不对"),
    (["--rev", "HEAD", "--year", "2019"], 1, "没有 2019 年度的数据"),
    (["--year", "2025"], 2, "--year 只和 --rev 一起使用"),
])
def test_rev_errors(repo: Path, args: list[str], code: int, words: str) -> None:
    r = run("--root", str(repo), "diff", "yutian-zfw", *args)
    assert r.exit_code == code, r.output
    assert words in r.output and "Traceback" not in r.output


def test_not_a_git_repository(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    (ws / "departments").mkdir(parents=True)
    r = run("--root", str(ws), "diff", "--rev", "HEAD~1")
    assert r.exit_code == 1
    assert "不在 git 仓库中" in r.output and "--from/--to" in r.output
