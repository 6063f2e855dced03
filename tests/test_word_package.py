"""The generated .docx files are Chinese-native Word/WPS documents (judged from the package, since
Word and WPS cannot run here), and their tables are wide enough for the standard words."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS_PER_MM = 1440 / 25.4


@pytest.fixture(scope="module")
def docs(shipped_build: Path) -> list[Path]:
    found = sorted(shipped_build.glob("*/*.docx"))
    assert len(found) >= 8  # every department document and volume, plus the 自评表/监控表
    return found


def _part(docx: Path, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(docx).read(name))


def test_settings_say_zh_cn_and_word_2013_layout(docs: list[Path]) -> None:
    for docx in docs:
        settings = _part(docx, "word/settings.xml")
        lang = settings.find(W + "themeFontLang")
        assert lang is not None and lang.get(W + "eastAsia") == "zh-CN", docx
        modes = [c.get(W + "val") for c in settings.iter(W + "compatSetting") if c.get(W + "name") == "compatibilityMode"]
        assert modes == ["15"], docx


def test_font_table_lists_the_official_fonts_with_windows_fallbacks(docs: list[Path]) -> None:
    for docx in docs:
        table = _part(docx, "word/fontTable.xml")
        fonts = {f.get(W + "name"): f for f in table.iter(W + "font")}
        assert {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"} <= set(fonts), docx
        assert not any("ＭＳ" in name for name in fonts), docx
        alt = {n: f.find(W + "altName").get(W + "val") for n, f in fonts.items() if f.find(W + "altName") is not None}
        assert alt["仿宋_GB2312"] == "仿宋" and alt["楷体_GB2312"] == "楷体"
        for f in fonts.values():
            assert re.fullmatch(r"[0-9A-F]{20}", f.find(W + "panose1").get(W + "val"))
        # every East Asian font the styles use is in the table
        styles = _part(docx, "word/styles.xml")
        used = {r.get(W + "eastAsia") for r in styles.iter(W + "rFonts")} - {None}
        assert used <= set(fonts), used - set(fonts)


def test_builtin_headings_are_the_gongwen_headings_not_blue_theme_fonts(docs: list[Path]) -> None:
    styles = _part(docs[0], "word/styles.xml")
    by_id = {s.get(W + "styleId"): s for s in styles.iter(W + "style")}
    expect = {"Heading1": "黑体", "Heading2": "楷体_GB2312", "Heading3": "仿宋_GB2312", "Title": "方正小标宋简体"}
    for sid, font in expect.items():
        style = by_id[sid]
        rfonts = style.find(f"{W}rPr/{W}rFonts")
        assert rfonts.get(W + "eastAsia") == font, sid
        assert rfonts.get(W + "eastAsiaTheme") is None and rfonts.get(W + "asciiTheme") is None, sid
        assert style.find(f"{W}rPr/{W}color") is None, sid
    for n in range(1, 10):
        assert by_id[f"Heading{n}"].find(f"{W}pPr/{W}outlineLvl").get(W + "val") == str(n - 1)
        char = by_id.get(f"Heading{n}Char")
        if char is not None:
            assert char.find(f"{W}rPr/{W}color") is None, f"Heading{n}Char"
    theme = zipfile.ZipFile(docs[0]).read("word/theme/theme1.xml").decode()
    assert '<a:font script="Hans" typeface="仿宋_GB2312"/>' in theme


def test_shared_punctuation_is_hinted_east_asian(docs: list[Path]) -> None:
    styles = _part(docs[0], "word/styles.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert default.get(W + "hint") == "eastAsia" and default.get(W + "eastAsia") == "仿宋_GB2312"
    for style in styles.iter(W + "style"):
        if style.get(W + "styleId", "").startswith("PG"):
            rfonts = style.find(f"{W}rPr/{W}rFonts")
            assert rfonts is not None and rfonts.get(W + "hint") == "eastAsia", style.get(W + "styleId")


def _cells(docx: Path):
    """(table grid, tcW, text) of every cell, with the grid columns it spans."""
    doc = _part(docx, "word/document.xml")
    for tbl in doc.iter(W + "tbl"):
        grid = [int(g.get(W + "w")) for g in tbl.find(W + "tblGrid")]
        for tr in tbl.iter(W + "tr"):
            col = 0
            for tc in tr.findall(W + "tc"):
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                n = int(span.get(W + "val")) if span is not None else 1
                tcw = tc.find(f"{W}tcPr/{W}tcW")
                text = "".join(t.text or "" for t in tc.iter(W + "t"))
                yield sum(grid[col:col + n]), int(tcw.get(W + "w")) if tcw is not None else None, text
                col += n


def test_cell_widths_agree_with_the_table_grid(docs: list[Path]) -> None:
    """WPS takes column widths from w:gridCol, Word from w:tcW: they must say the same."""
    for docx in docs:
        for grid_w, tcw, text in _cells(docx):
            assert tcw is not None and abs(tcw - grid_w) <= 2, (docx.name, text, tcw, grid_w)


STANDARD_WORDS = {"一级指标", "二级指标", "三级指标", "产出指标", "效益指标", "满意度指标", "数量指标", "质量指标",
                  "时效指标", "成本指标", "绩效指标", "指标值", "年度工作计划"}


def test_standard_words_fit_their_column_on_one_line(docs: list[Path]) -> None:
    # 五号 (10.5 pt) less the 0.25 pt letter spacing per character, and the default cell margins
    per_char = (10.5 - 0.25) * 20
    margins = 2 * 108
    seen = set()
    for docx in docs:
        if "-自评表" in docx.name or "-监控表" in docx.name:
            continue  # the result forms have 8-10 columns on a portrait page: their headers wrap by design
        for grid_w, _tcw, text in _cells(docx):
            if text in STANDARD_WORDS:
                seen.add(text)
                assert len(text) * per_char + margins <= grid_w, (docx.name, text, grid_w / TWIPS_PER_MM)
    assert {"一级指标", "产出指标", "年度工作计划"} <= seen
