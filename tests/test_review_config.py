"""Rules files: regions change rules by data (继承 + only what differs); mistakes are located messages."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CASES, ROOT

from perfgen.errors import UserError
from perfgen.review.config import load_ruleset
from perfgen.review.engine import ReviewOptions, review
from perfgen.review.rules import specs

BASE = CASES / "review" / "_base"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    dest = tmp_path / "ws"
    shutil.copytree(BASE, dest)
    (dest / "rules").mkdir()
    return dest


def write_rules(ws: Path, name: str, text: str) -> None:
    (ws / "rules" / f"{name}.yaml").write_text(text, encoding="utf-8")


def errors_of(ws: Path, spec: str) -> list[str]:
    with pytest.raises(UserError) as info:
        load_ruleset(ws, spec)
    assert info.value.findings, info.value.message
    for f in info.value.findings:
        assert f.hint, f.format()
    return [f.format() for f in info.value.findings]


def test_shipped_default_configures_every_rule_in_chinese() -> None:
    ruleset = load_ruleset(ROOT)
    assert ruleset.files == ("rules/default.yaml",)
    assert list(ruleset.rules) == list(specs())
    for r in ruleset.rules.values():
        assert r.enabled
        assert r.criterion in ("完整性", "相关性", "适当性", "可行性"), r.id
        for text in (r.title, r.explanation, r.message, r.hint):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (r.id, text)
    assert [s.grade for s in ruleset.grading][-1] == "优"


def test_extends_default_switches_a_rule_off_and_edits_a_word_list(ws: Path) -> None:
    write_rules(ws, "county", "名称: 某县规则\n继承: default\n规则:\n  same-as-description: {启用: false}\n"
                              "  vague:\n    级别: 错误\n    参数:\n      模糊词: {追加: [大力], 去掉: [有效]}\n")
    ruleset = load_ruleset(ws, "county")
    assert ruleset.name == "某县规则"
    assert ruleset.files == ("rules/county.yaml", "rules/default.yaml")
    assert not ruleset.rules["same-as-description"].enabled
    words = ruleset.rules["vague"].params["模糊词"]
    assert "大力" in words and "有效" not in words and "进一步" in words
    assert ruleset.rules["vague"].severity == "error"
    assert ruleset.rules["vague"].message == load_ruleset(ws).rules["vague"].message  # the rest is inherited


def test_word_list_edit_changes_what_is_found(ws: Path) -> None:
    alpha = ws / "departments/demo/2025/projects/alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("指标值: ≥2次", "指标值: 大力宣传"), encoding="utf-8")
    assert not [f for f in review(ws).findings if f.code == "review.vague"]
    write_rules(ws, "county", "继承: default\n规则:\n  vague:\n    参数:\n      模糊词: {追加: [大力]}\n")
    (f,) = [f for f in review(ws, ReviewOptions(rules="county")).findings if f.code == "review.vague"]
    assert "大力" in f.message and f.line == 30


def test_workspace_rules_take_precedence_over_shipped(ws: Path) -> None:
    shutil.copy(ROOT / "rules" / "default.yaml", ws / "rules" / "default.yaml")
    text = (ws / "rules" / "default.yaml").read_text(encoding="utf-8").replace("名称: 默认审核规则", "名称: 本地默认规则")
    write_rules(ws, "default", text)
    assert load_ruleset(ws).name == "本地默认规则"


def test_rules_given_as_a_path(ws: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "my.yaml"
    other.parent.mkdir()
    other.write_text("名称: 路径规则\n继承: default\n", encoding="utf-8")
    assert load_ruleset(ws, str(other)).name == "路径规则"


def test_unknown_rules_name_lists_the_available_ones(ws: Path) -> None:
    write_rules(ws, "county", "继承: default\n")
    with pytest.raises(UserError) as info:
        load_ruleset(ws, "countyy")
    assert "countyy" in info.value.message and "county" in (info.value.hint or "") and "default" in (info.value.hint or "")


@pytest.mark.parametrize("text, line, words", [
    ("继承: default\n规则:\n  vauge: {启用: false}\n", 3, ["没有 id 为“vauge”的审核规则", "vague"]),
    ("继承: default\n规则:\n  vague:\n    参数:\n      模糊字: [大力]\n", 5, ["没有参数“模糊字”", "模糊词"]),
    ("继承: default\n规则:\n  vague:\n    参数:\n      模糊词: 大力\n", 5, ["应为文字列表"]),
    ("继承: default\n规则:\n  vague:\n    启用: 否\n", 4, ["“启用”应为 true 或 false"]),
    ("继承: default\n规则:\n  vague:\n    级别: 严重\n", 4, ["级别“严重”不对", "错误、警告、提示"]),
    ("继承: default\n规则:\n  vague:\n    消息: 指标值{值}太模糊\n", 4, ["没有“{值}”这个占位符", "{指标值}"]),
    ("继承: default\n规则:\n  vague:\n    提示: 改成{数字\n", 4, ["大括号不成对"]),
    ("继承: default\n规则:\n  missing-basis:\n    消息: \"{三级指标:d}\"\n", 4, ["“{三级指标:d}”里不能有", "只写 {三级指标}"]),
    ("继承: default\n规则:\n  missing-basis:\n    消息: \"{三级指标.__class__}\"\n", 4, ["里不能有“.”"]),
    ("继承: default\n规则:\n  missing-basis:\n    提示: \"{0}\"\n", 4, ["“{0}”没有名称"]),
    ("继承: default\n评级:\n  - 等级: 中\n    理由: \"{错误:>300000000}\"\n", 4, ["不能有“!”或“:”"]),
    ("继承: default\n评级:\n  - 等级: 甲\n    理由: 好\n", 3, ["等级“甲”不对"]),
    ("继承: default\n评级:\n  - 等级: 中\n    条件: {错误多于: 3}\n    理由: 差\n", 4, ["条件中不认识的键“错误多于”"]),
    ("继承: default\n规则:\n  low-target:\n    参数:\n      下限: [{关键词: 满意}]\n", 5, ["条目列表"]),
    ("继承: default\n规格: {}\n", 2, ["不认识的键“规格”", "规则"]),
])
def test_mistakes_in_a_rules_file_are_located(ws: Path, text: str, line: int, words: list[str]) -> None:
    write_rules(ws, "county", text)
    (message,) = errors_of(ws, "county")
    assert message.startswith(f"rules/county.yaml:{line}:"), message
    for w in words:
        assert w in message, message


def test_a_file_without_extends_must_configure_every_rule(ws: Path) -> None:
    write_rules(ws, "alone", "名称: 独立规则\n规则:\n  vague: {启用: false}\n")
    messages = errors_of(ws, "alone")
    assert any("没有写规则“missing-category”" in m for m in messages)
    assert any("规则“vague”缺少" in m and "标题" in m for m in messages)
    assert all("继承: default" in m for m in messages if "规则" in m)


def test_list_edit_needs_an_inherited_list(ws: Path) -> None:
    import re
    text = (ROOT / "rules" / "default.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^      模糊词: \[.*\]$", "      模糊词: {追加: [大力]}", text)
    write_rules(ws, "full", text)
    (message,) = errors_of(ws, "full")
    assert "没有可以修改的继承列表" in message and "模糊词" in message


def test_extends_cycle_is_reported(ws: Path) -> None:
    write_rules(ws, "a", "继承: b\n")
    write_rules(ws, "b", "继承: a\n")
    with pytest.raises(UserError) as info:
        load_ruleset(ws, "a")
    assert "绕成了一个圈" in info.value.message and "rules/a.yaml" in info.value.message


def test_unknown_parent_is_located(ws: Path) -> None:
    write_rules(ws, "county", "名称: 某县\n继承: defualt\n")
    (message,) = errors_of(ws, "county")
    assert message.startswith("rules/county.yaml:2:") and "defualt" in message and "default" in message


def test_broken_yaml_in_a_rules_file_is_a_located_error(ws: Path) -> None:
    write_rules(ws, "county", "继承: default\n规则: [\n")
    (message,) = errors_of(ws, "county")
    assert message.startswith("rules/county.yaml:")


@pytest.mark.parametrize("parent", ["/etc/passwd", "../../../../../../../../../../../../etc/hostname", "../../outside.yaml"])
def test_extends_stays_inside_the_workspace(ws: Path, parent: str) -> None:
    (ws.parent / "outside.yaml").write_text("秘密: 值\n", encoding="utf-8")
    write_rules(ws, "county", f"继承: {parent}\n")
    (message,) = errors_of(ws, "county")
    assert message.startswith("rules/county.yaml:1:") and "工作区之外" in message, message
    assert "秘密" not in message and "root" not in message
