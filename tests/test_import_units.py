"""perfgen import, piece by piece: what people typed, read back; layout formats inverted; merged
Word cells resolved into a grid."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st

from perfgen.importer.docx_reader import read_docx
from perfgen.importer.formats import best_format, candidates, cn_to_int, compile_format, format_from_example
from perfgen.importer.normalize import (
    AmountError,
    lines,
    one_line,
    parse_amount,
    parse_percent,
    value_text,
    yuan,
)
from perfgen.model.amounts import format_wan
from perfgen.model.layout import chinese_number, fill

# -- normalising what people typed ------------------------------------------------------------------

@pytest.mark.parametrize("typed, unit, amount", [
    ("50000.00", "元", "50000.00"),
    ("1,234.50元", "元", "1234.50"),
    ("１２０，０００．００", "元", "120000.00"),
    ("12.5万元", "元", "125000.00"),
    ("５万", "元", "50000.00"),
    ("20", "万元", "200000.00"),
    ("52.0914万元", "元", "520914.00"),
    (" ￥ 300 元 ", "元", "300.00"),
])
def test_amounts_become_exact_yuan(typed: str, unit: str, amount: str) -> None:
    assert yuan(parse_amount(typed, unit)) == amount


@pytest.mark.parametrize("typed", ["", "-", "—", "/", "无"])
def test_blank_amounts_are_none(typed: str) -> None:
    assert parse_amount(typed) is None


@pytest.mark.parametrize("typed", ["约5万", "五万元", "5万元整数", "12.3.4"])
def test_what_is_not_an_amount_is_refused(typed: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(typed)


@given(st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2))
def test_amounts_printed_in_wan_read_back_exactly(amount: Decimal) -> None:
    """The inverse of the 万元 the templates print: 407.257万元 → 4072570.00 元, for any amount."""
    assert parse_amount(format_wan(amount) + "万元") == amount


@pytest.mark.parametrize("typed, value, decimals", [
    ("25.00%", "25", 2), ("２５％", "25", 0), ("75", "75", 0), ("12.5 %", "12.5", 1), ("100％", "100", 0),
])
def test_percentages_with_or_without_sign(typed: str, value: str, decimals: int) -> None:
    assert parse_percent(typed) == (Decimal(value), decimals)


@pytest.mark.parametrize("typed, printed", [
    ("≥９０％", "≥90%"), ("＞＝95%", "≥95%"), (">=90%", "≥90%"), ("≦ 5万元", "≤5万元"), ("≥ 95 %", "≥95%"),
    ("＜１０天", "<10天"), ("100%", "100%"), ("高质量完成", "高质量完成"), ("及时\n完成", "及时完成"),
])
def test_indicator_values_normalised(typed: str, printed: str) -> None:
    assert value_text(typed) == printed


def test_text_keeps_chinese_punctuation_but_not_stray_spaces() -> None:
    assert one_line("　　人民调解队伍 稳定（％）") == "人民调解队伍稳定（％）"
    assert one_line("调解成功率达到９５％以上") == "调解成功率达到95％以上"
    assert one_line("APP\nuse") == "APP use"
    assert lines("第一行\n\n  第二行  \r\n") == ["第一行", "第二行"]


# -- layout formats, read back ------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 9, 10, 11, 15, 20, 21, 99, 100, 105, 120])
def test_chinese_numbers_read_back(n: int) -> None:
    assert cn_to_int(chinese_number(n)) == n


@pytest.mark.parametrize("fmt, values", [
    ("{n}.{项目名称}绩效目标表", {"n": 3, "项目名称": "见义勇为基金"}),
    ("（{cn}）、", {"cn": "十五"}),
    ("{年度}年部门项目支出预算绩效目标表", {"年度": 2024}),
    ("关于{项目名称}项目绩效目标指标的说明", {"项目名称": "王跃强专项医疗专项"}),
    ("项目{n}{项目名称}", {"n": 8, "项目名称": "财政核定做实职业年金"}),
])
def test_what_a_format_prints_reads_back_to_its_values(fmt: str, values: dict) -> None:
    fields = compile_format(fmt).match(fill(fmt, **values))
    assert fields is not None
    assert {k: fields[k] for k in values} == {k: str(v) for k, v in values.items()}


def test_full_width_variants_match_after_narrowing_and_say_so() -> None:
    f = compile_format("（{cn}）")
    exact = f.match("（二）法律援助", prefix=True)
    loose = f.match("(二)法律援助", prefix=True)
    assert exact["_rest"] == loose["_rest"] == "法律援助"
    assert exact["_exact"] and not loose["_exact"]


def test_the_layouts_own_wording_wins_a_tie() -> None:
    fmts = candidates("{金额万元}万", ["{金额万元}万元", "{金额万元}万"])
    assert best_format(["20万", "5万元"], fmts).fmt == "{金额万元}万"
    assert best_format(["20万元", "5万元"], fmts).fmt == "{金额万元}万元"


def test_a_sentence_becomes_a_format_by_naming_its_values() -> None:
    text = "2025年专项项目12个，项目经费共407.257万元。"
    assert format_from_example(text, {"年度": "2025", "项目数": "12", "合计万元": "407.257"}) == \
        "{年度}年专项项目{项目数}个，项目经费共{合计万元}万元。"
    assert format_from_example(text, {"项目数": "13", "合计万元": "407.257"}) is None


# -- Word tables as a grid ------------------------------------------------------------------------------

def _table_docx(tmp_path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("前言")
    t = doc.add_table(rows=4, cols=4)
    t.cell(0, 0).text = "一级指标"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "二级和三级"
    t.cell(0, 3).text = "指标值"
    t.cell(1, 0).text = "产出指标"
    t.cell(1, 0).merge(t.cell(3, 0))
    for r, (a, b, v) in enumerate((("数量", "甲", "1次"), ("质量", "乙", "90%"), ("时效", "丙", "及时")), start=1):
        t.cell(r, 1).text, t.cell(r, 2).text, t.cell(r, 3).text = a, b, v
    p = doc.add_paragraph("第一行")
    p.add_run().add_break()
    p.add_run("第二行")
    # a row that starts one grid column in (w:gridBefore), as some exporters write
    t2 = doc.add_table(rows=1, cols=2)
    t2.cell(0, 0).text, t2.cell(0, 1).text = "甲", "乙"
    tr = t2.rows[0]._tr
    tr.remove(tr.tc_lst[1])
    trpr = tr.get_or_add_trPr()
    gb = OxmlElement("w:gridBefore")
    gb.set(qn("w:val"), "1")
    trpr.append(gb)
    path = tmp_path / "grid.docx"
    doc.save(path)
    return path


def test_merged_cells_are_read_by_grid_position(tmp_path: Path) -> None:
    doc = read_docx(_table_docx(tmp_path))
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["p", "t", "p", "t"]
    table = doc.tables[0]
    head = table.rows[0]
    assert [(c.col, c.span, c.text) for c in head] == [(0, 1, "一级指标"), (1, 2, "二级和三级"), (3, 1, "指标值")]
    assert table.at(0, 2) is head[1]                        # a gridSpan'd cell covers both columns
    below = [table.at(r, 0) for r in (1, 2, 3)]
    assert [c.continued for c in below] == [False, True, True]
    assert {c.text.strip() for c in below} == {"产出指标"}  # continued cells carry the first cell's text
    assert doc.blocks[2].text == "第一行\n第二行"
    assert [(c.col, c.text) for c in doc.tables[1].rows[0]] == [(1, "甲")]
