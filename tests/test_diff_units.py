"""The parts of `perfgen diff`: character diff, weaker targets, matching projects and indicators."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfgen.diff.chardiff import Segment, diff_text, new_text, old_text, trim
from perfgen.diff.compare import AmountChange
from perfgen.diff.match import match_indicators, match_projects
from perfgen.diff.settings import load_settings
from perfgen.diff.weaker import compare_targets
from perfgen.model.entities import Budget, Indicator, Project, Source

RULES = load_settings()


# -- character diff --------------------------------------------------------------------------------

def show(segments: list[Segment]) -> str:
    return "".join(s.text if s.op == "equal" else f"[-{s.text}-]" if s.op == "delete" else f"{{+{s.text}+}}"
                   for s in segments)


@pytest.mark.parametrize("old, new, shown", [
    ("≥95%", "≥90%", "≥9[-5-]{+0+}%"),
    # Chinese has no spaces: the edit is found inside the sentence, not as a changed “word”
    ("对群众关注度高、社会影响恶劣的黑恶势力", "对群众反映强烈、社会影响恶劣的黑恶势力",
     "对群众[-关注度高-]{+反映强烈+}、社会影响恶劣的黑恶势力"),
    # a one-character island between two replacements is absorbed: one readable edit, not confetti
    ("弘扬社会正气。", "弘扬正能量。", "弘扬[-社会正气-]{+正能量+}。"),
    # between plain insertions a longer equal stretch stays
    ("2.开展平安创建。", "2.开展平安乡镇、平安村庄创建。\n3.加强基层综治中心建设。",
     "2.开展平安{+乡镇、平安村庄+}创建。{+\n3.加强基层综治中心建设。+}"),
    ("甲", "甲", "甲"),
    ("", "新增", "{+新增+}"),
    ("删除", "", "[-删除-]"),
])
def test_character_diff(old: str, new: str, shown: str) -> None:
    assert show(diff_text(old, new)) == shown


def test_islands_do_not_cross_line_breaks() -> None:
    segs = diff_text("1.甲\n2.乙", "1.丙\n2.丁")
    assert show(segs) == "1.[-甲-]{+丙+}\n2.[-乙-]{+丁+}"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="甲乙丙丁，。的\n12", max_size=40), st.text(alphabet="甲乙丙丁，。的\n12", max_size=40))
def test_segments_rebuild_both_texts(old: str, new: str) -> None:
    segs = diff_text(old, new)
    assert old_text(segs) == old and new_text(segs) == new
    assert all(s.text for s in segs)


def test_trim_keeps_context_and_only_changed_lines() -> None:
    old = "第一行不变。\n" + "很长的一段没有修改的文字" * 5 + "这里改了。\n最后一行也不变。"
    new = old.replace("这里改了", "这里改动了")
    shown = show(trim(diff_text(old, new), 8))
    assert shown == "…修改的文字这里改{+动+}了。…"


# -- weaker targets --------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, verdict, words", [
    ("≥95%", "≥90%", "weaker", "目标降低"),
    ("≥12次", "≥6次", "weaker", "目标降低"),
    ("≥95%", "较高", "weaker", "定量目标“≥95%”改为定性描述“较高”"),
    ("≥95%", "", "weaker", "被删除"),
    ("≥90%", "≥95%", "stronger", "目标提高"),
    ("≥90%", ">90%", "stronger", "目标提高"),
    (">90%", "≥90%", "weaker", "目标降低"),
    ("≥95%", "≥95百分比", "same", ""),      # the same target written differently
    ("≥95%", "≥ 95 ％", "same", ""),
    ("≤5万元", "≤60000元", "weaker", "上限放宽"),  # units converted before comparing
    ("≤5万元", "≤40000元", "stronger", "上限收紧"),
    ("≥90%", "≥9次", "changed", "单位不同"),
    ("≥90%", "≤90%", "direction", "方向变了"),
    ("100%", "≥98%", "weaker", "目标降低"),  # a value without a sign takes the other side's direction
    ("100%", "90%", "weaker", "按越高越好判断"),
    ("及时", "较及时", "changed", "定性描述"),
    ("较高", "≥95%", "stronger", "改为定量目标"),
])
def test_target_direction(old: str, new: str, verdict: str, words: str) -> None:
    change = compare_targets(old, new, RULES)
    assert change.verdict == verdict, change
    assert words in change.reason
    assert change.flagged == (verdict in ("weaker", "direction"))


def test_values_without_sign_use_the_lower_is_better_list() -> None:
    assert compare_targets("5万元", "6万元", RULES, level2="成本指标").verdict == "weaker"
    assert compare_targets("3起", "5起", RULES, words="安全事故发生数").verdict == "weaker"
    assert compare_targets("3次", "5次", RULES, words="宣传活动次数").verdict == "stronger"


def test_workspace_rules_file_overrides_the_shipped_one(tmp_path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules/diff.yaml").write_text("越低越好:\n  关键词: [时长]\n", encoding="utf-8")
    own = load_settings(tmp_path)
    assert compare_targets("3天", "5天", own, words="办结时长").verdict == "weaker"
    assert compare_targets("5万元", "6万元", own, level2="成本指标").verdict == "stronger"  # list replaced


# -- amounts --------------------------------------------------------------------------------------

def test_amount_change_in_yuan_and_percent() -> None:
    a = AmountChange(Decimal("50000.00"), Decimal("100000.00"))
    assert (a.delta, a.percent) == (Decimal("50000.00"), Decimal("100.00"))
    assert AmountChange(None, Decimal("1")).percent is None
    assert AmountChange(Decimal("3"), Decimal("2")).percent == Decimal("-33.33")


# -- matching ---------------------------------------------------------------------------------------

def project(pid: str, name: str, code: str | None) -> Project:
    return Project(pid, name, code, Budget(Decimal(1), Decimal(1), Decimal(0)), [], {}, [], [], [], None,
                   None, None, None, None, None, Source(f"{pid}.yaml"))


def test_projects_match_by_code_then_id_then_similar_name() -> None:
    old = [project("a", "见义勇为基金", "C1"), project("b", "扫黑除恶工作经费", "C2"),
           project("c", "政法网运行维护费", "C3"), project("d", "暑期警卫保障经费", "C4")]
    new = [project("a2", "见义勇为奖励基金", "C1"),            # renamed and moved, same code
           project("b", "扫黑除恶专项经费", "C2-2026"),        # new code, same file
           project("c-new", "政法网运行维护经费", None),       # new file, no code, similar name
           project("e", "基层平安创建经费", "C9")]             # new
    pairing = match_projects(old, new, RULES.project_similarity)
    assert [(a.id, b.id, how) for a, b, how in pairing.pairs] == [
        ("a", "a2", "项目编码"), ("b", "b", "项目 id"), ("c", "c-new", "名称相似")]
    assert [p.id for p in pairing.removed] == ["d"] and [p.id for p in pairing.added] == ["e"]


def test_a_code_used_twice_is_not_a_match_key() -> None:
    old = [project("a", "甲经费", "DUP"), project("b", "乙经费", "DUP")]
    new = [project("b", "乙经费", "DUP"), project("a", "甲经费", "DUP")]
    pairs = match_projects(old, new, RULES.project_similarity).pairs
    assert sorted((a.id, b.id, how) for a, b, how in pairs) == [("a", "a", "项目 id"), ("b", "b", "项目 id")]


def ind(l2: str, l3: str, desc: str, value: str, l1: str = "产出指标") -> Indicator:
    return Indicator(l1, l2, l3, desc, value, "", False, None, Source("p.yaml"))


def test_indicators_match_by_category_and_name_then_wording() -> None:
    old = [ind("数量指标", "宣传次数", "开展宣传活动次数", "≥3次"), ind("质量指标", "完成率", "任务完成率", "≥90%"),
           ind("时效指标", "及时率", "资金拨付及时率", "100%")]
    new = [ind("数量指标", "宣传次数", "开展宣传活动次数", "≥5次"),
           ind("质量指标", "任务完成率", "任务完成率", "≥95%"),  # renamed 三级, same description
           ind("成本指标", "成本控制", "控制在预算内", "≤5万元")]
    pairing = match_indicators(old, new, RULES.indicator_similarity)
    assert [(a.level3, b.level3) for a, b, _ in pairing.pairs] == [("宣传次数", "宣传次数"), ("完成率", "任务完成率")]
    assert [i.level3 for i in pairing.removed] == ["及时率"] and [i.level3 for i in pairing.added] == ["成本控制"]
