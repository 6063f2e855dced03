"""A workspace's 句式 (importer/labels.yaml) is untrusted: a pattern that backtracks without end stops
the import with a located Chinese error (exit 1) instead of hanging it, and a pattern whose first
group the importer reads must have one (no IndexError, exit 3)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfgen.cli.app import cli
from perfgen.errors import UserError
from perfgen.importer import labels

HEBEI = Path(__file__).resolve().parent / "fixtures" / "import" / "hebei_independent.docx"
XLSX = Path(__file__).resolve().parent / "fixtures" / "import" / "indicators_export.xlsx"


def _own_labels(ws: Path, text: str) -> None:
    (ws / "importer").mkdir(exist_ok=True)
    (ws / "importer" / "labels.yaml").write_text(text, encoding="utf-8")


def _import(ws: Path, source: Path) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--root", str(ws), "import", str(source), "--dept", "sifaju", "--year", "2025",
                                 "--dry-run"])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.output


@pytest.mark.parametrize("name", ["金额单位", "支出计划节点"])
def test_a_backtracking_pattern_stops_the_import_with_its_line(workspace: Path, name: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Each match of this pattern on a cell of 20 characters takes about 0.3 s (and doubles with each
    character more); the import meets it on every cell."""
    monkeypatch.setattr(labels, "TOTAL_SECONDS", 0.2)   # the loop stays fast; the limit is the same code
    # an (empty) first group, overlapping alternatives under a repeat, and a look-ahead that fails
    _own_labels(workspace, f"# 本地写法\n句式:\n  {name}: '^()(?:.|..|...|....)+(?=x)'\n")
    start = time.monotonic()
    code, out = _import(workspace, HEBEI)
    assert time.monotonic() - start < 60, "the import must not hang on a workspace pattern"   # wall clock, shared machine
    assert code == 1, out
    assert f"importer/labels.yaml:3: 句式 › {name}: 匹配太慢" in out, out
    assert "嵌套或重叠的重复" in out


def test_one_slow_match_is_stopped_by_its_own_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels, "MATCH_SECONDS", 0.2)   # below TOTAL_SECONDS (5 s): the limit of one match stops it
    sentence = labels.Sentence("表名", "^(.|..)+1$", ("importer/labels.yaml", 7, 5))
    start = time.monotonic()
    with pytest.raises(UserError) as info:
        sentence.search("一、对应目标一设置1项产出指标、1项效果指标，分别是按合同约定期限定期组织律师事务所签订服务协议")
    assert time.monotonic() - start < 30   # without the limit: hours
    assert str(info.value).startswith("importer/labels.yaml:7: 句式 › 表名: 匹配太慢")


def test_the_shipped_patterns_are_trusted_and_unlimited() -> None:
    assert not any(labels.shipped().pattern(name).limited for name in labels.shipped().data["句式"])


@pytest.mark.parametrize("name, text", [
    ("金额单位", "'单位'"), ("说明金额", "'万元'"), ("支出计划节点", "'^\\d{1,2}月底$'"), ("标题中的部门", "'^.+?\\d{4}年'")])
@pytest.mark.parametrize("source", [HEBEI, XLSX], ids=["docx", "xlsx"])
def test_a_pattern_without_the_group_the_importer_reads_is_a_located_error(
        workspace: Path, name: str, text: str, source: Path) -> None:
    _own_labels(workspace, f"句式:\n  {name}: {text}\n")
    code, out = _import(workspace, source)
    assert code == 1, out
    assert "importer/labels.yaml:2:" in out and f"句式 › {name}: 括号分组不够" in out, out
    assert labels.shipped().data["句式"][name] in out   # the hint shows the shipped wording


def test_a_first_group_of_the_wrong_shape_is_no_match(workspace: Path) -> None:
    """支出计划节点's group is read as a month (int), 金额单位's as 万元/元: other text is not a match."""
    _own_labels(workspace, "句式:\n  支出计划节点: '^(\\d{1,2}月)底$'\n  金额单位: '(单位)'\n")
    code, out = _import(workspace, HEBEI)
    assert code in (0, 1) and "内部错误" not in out, out
    with labels.using(workspace):
        assert labels.pattern("支出计划节点").match("3月底") is None
        assert labels.pattern("金额单位").search("单位：元") is None
    assert labels.pattern("支出计划节点").match("3月底") is not None   # the shipped words again
