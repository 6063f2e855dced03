"""Long titles break at word boundaries into balanced lines (issue 12 item 6; GB/T 9704: 回行时要做到
词意完整，排列对称). The measure is the one the shipped templates pass to title_break; the words are
the layout's 标题回行词语; the PDF shows the lines LibreOffice really set."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_shipped

from perfgen.build import BuildOptions, build
from perfgen.render import pdf as pdfmod
from perfgen.render.titles import title_lines, width, words

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _measure() -> float:
    with zipfile.ZipFile(ROOT / "templates" / "hebei" / "template.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    found = set(re.findall(r"title_break\(([\d.]+), L\.标题回行词语\)", xml))
    assert len(found) == 1, found
    return float(found.pop())


MEASURE = _measure()
SHIPPED_LONG = [  # the 2022 chengde explanation titles that wrapped as “…指标的说” / “明”
    "关于王跃强专项医疗专项项目绩效目标指标的说明", "关于特殊疑难问题专项项目绩效目标指标的说明",
    "关于铁路护路可视化监管项目绩效目标指标的说明", "关于上板城综合楼维护项目绩效目标指标的说明",
    "关于社区矫正基地维护项目绩效目标指标的说明", "关于群众中心办公楼维护项目绩效目标指标的说明",
]
SYNTHETIC_LONG = [
    "中共秦皇岛市山海关区委政法委员会2021年部门预算绩效信息",
    "某某自治区某某市某某县人民政府办公室关于印发2026年度部门整体支出和项目支出预算绩效目标申报表的通知",
    "关于某某县城乡供水一体化改造提升工程项目支出绩效目标申报表（2026年度）的说明",
    "宁夏回族自治区永宁县委政法委2024年部门项目支出预算绩效目标表",
]
SHORT = ["关于信访维稳项目绩效目标指标的说明", "2024年部门项目支出预算绩效目标表", "部门（单位）整体支出绩效目标申报表",
         "关于综治工作经费项目绩效目标指标的说明"]


def test_the_measure_follows_from_the_text_block_and_the_title_size() -> None:
    assert MEASURE == pytest.approx(156 / 25.4 * 72 / (22 - 0.25), abs=0.01)   # 20.33 characters of 2号


def _inside_a_word(text: str, cut: int) -> str | None:
    for w in words():
        start = text.find(w)
        while start >= 0:
            if start < cut < start + len(w):
                return w
            start = text.find(w, start + 1)
    return None


@pytest.mark.parametrize("title", SHIPPED_LONG + SYNTHETIC_LONG)
def test_long_titles_break_between_words_into_balanced_lines(title: str) -> None:
    lines = title_lines(title, MEASURE)
    assert "".join(lines) == title and len(lines) == -(-width(title) // MEASURE)   # as few lines as fit
    widths = [width(x) for x in lines]
    assert max(widths) <= MEASURE
    assert max(widths) - min(widths) <= 5, lines   # a few characters: words come first
    cut = 0
    for line in lines[:-1]:
        cut += len(line)
        assert _inside_a_word(title, cut) is None, (lines, _inside_a_word(title, cut))
        assert not line[-1].isdigit() and title[cut] not in "，。、；：）》”"   # numbers and closing marks stay


def test_a_listed_word_stays_whole() -> None:
    lines = title_lines(SYNTHETIC_LONG[1], MEASURE)
    assert any("办公室" in line for line in lines), lines   # not “…办公” / “室…”


def test_the_words_are_data(tmp_path: Path) -> None:
    """The same title breaks elsewhere when a word list protects other words."""
    title = "关于铁路护路可视化监管项目绩效目标指标的说明"
    assert title_lines(title, MEASURE)[0] == "关于铁路护路可视化监管"
    assert title_lines(title, MEASURE, ("可视化监管项目",))[0] != "关于铁路护路可视化监管"


@pytest.mark.parametrize("title", SHORT)
def test_titles_that_fit_stay_one_line(title: str) -> None:
    assert title_lines(title, MEASURE) == [title]


def test_odd_measures_leave_the_title_alone() -> None:
    title = SHIPPED_LONG[0]
    assert title_lines(title, float("nan")) == [title] and title_lines(title, 0) == [title]
    assert title_lines(title, float("inf")) == [title]


# -- the package and the PDF ---------------------------------------------------------------------

def _titles(docx: Path) -> list[list[str]]:
    """Each explanation title's w:t texts."""
    with zipfile.ZipFile(docx) as z:
        from lxml import etree
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for p in root.iter(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(W + "val") == "PGExplanationTitle":
            assert p.find(f".//{W}br") is None   # one line of text for search, copy and fidelity
            out.append([t.text or "" for t in p.iter(W + "t")])
    return out


def test_the_document_carries_the_break_as_hanging_spaces(shipped: Path, tmp_path: Path) -> None:
    build(shipped, BuildOptions(out=tmp_path, departments=["chengde-gxq-zfw"], volume=False))
    titles = _titles(tmp_path / "2022" / "chengde-gxq-zfw.docx")
    assert len(titles) == 15
    for texts in titles:
        title = "".join(t for t in texts if t.strip())
        lines = title_lines(title, MEASURE)
        assert [t for t in texts if t.strip()] == lines
        for t in texts:
            assert t.strip() or len(t) > 4 * MEASURE   # wider than any line: the line must wrap there


@pytest.mark.slow
@pytest.mark.acceptance
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None, reason="no LibreOffice")
def test_libreoffice_sets_the_chosen_lines(tmp_path: Path) -> None:
    ws = copy_shipped(tmp_path / "ws")
    build(ws, BuildOptions(out=ws / "build", departments=["chengde-gxq-zfw"], volume=False, pdf=True))
    text = "\n".join(pdfmod.page_texts(ws / "build" / "2022" / "chengde-gxq-zfw.pdf"))
    printed = [line.strip() for line in text.splitlines()]
    for title in SHIPPED_LONG:
        lines = title_lines(title, MEASURE)
        at = printed.index(lines[0])
        assert printed[at:at + len(lines)] == lines, printed[at - 1:at + 3]


def test_a_template_layout_lists_its_own_words_and_titles_keep_them_whole(tmp_path: Path) -> None:
    """A finance bureau adds a word to 标题回行词语 in its template's layout.yaml: titles no longer
    break inside it (the word list is data, and part of what the render depends on)."""
    import yaml
    ws = copy_shipped(tmp_path)
    title = SHIPPED_LONG[0]
    shipped = title_lines(title, MEASURE)
    cut = len(shipped[0])
    word = title[cut - 2:cut + 2]   # four characters across the shipped break
    own = title_lines(title, MEASURE, (word, *words()))
    assert own != shipped and _inside_a_word(title, cut) is None
    template = ws / "templates" / "hebei"
    shutil.copytree(ROOT / "templates" / "hebei", template)
    data = yaml.safe_load((template / "layout.yaml").read_text(encoding="utf-8"))
    data["标题回行词语"] = [word]   # added to the default words, which stay in force
    (template / "layout.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    build(ws, BuildOptions(out=ws / "build", years=[2022], toc_pages=False))
    with zipfile.ZipFile(ws / "build" / "2022" / "chengde-gxq-zfw.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    wrap = '</w:t><w:t xml:space="preserve">   '   # a line of the title ends in spaces (title_break)
    assert own[0] + wrap in xml and shipped[0] + wrap not in xml


def test_words_a_layout_lists_add_to_the_defaults() -> None:
    """Writing one local word must not drop the defaults: 2025年度 stays whole (年度 is a default)."""
    from perfgen.render.engine import title_break_filter
    title = "玉田县人民政府办公室2025年度部门整体支出绩效目标表"
    with_defaults = title_lines(title, MEASURE)
    assert title_lines(title, MEASURE, ("以奖代补",)) != with_defaults   # the bare list alone would cut 年|度
    xml = str(title_break_filter(title, MEASURE, ["以奖代补"]))
    assert with_defaults[0] + '</w:t><w:t xml:space="preserve">' in xml


def test_a_title_of_thousands_of_characters_is_set_whole_and_fast(tmp_path: Path) -> None:
    """说明标题 may repeat {项目名称} (200 characters) 33 times: balancing 325 lines took hours (the
    build hung); beyond MAX_LINES lines the title is left to wrap, and balancing stays quick."""
    import time
    long = "防范办经费" * 40 * 33
    start = time.process_time()
    assert title_lines(long, MEASURE) == [long]
    seven = "部门预算绩效" * 20 + "说明"   # seven lines: still balanced, each line fits
    lines = title_lines(seven, MEASURE)
    assert len(lines) == 7 and all(width(x) <= MEASURE for x in lines) and "".join(lines) == seven
    assert time.process_time() - start < 2


def test_a_title_with_markup_characters_stays_escaped_when_broken() -> None:
    from perfgen.render.engine import title_break_filter
    title = "关于防范<办>&经费&amp;专项资金{{x}}项目预算绩效目标指标的说明和很长的文字"
    xml = str(title_break_filter(title, MEASURE))
    assert "<办>" not in xml and "&lt;办&gt;&amp;经费&amp;amp;" in xml
    text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", "<w:t>" + xml + "</w:t>")).replace(" ", "")
    import html
    assert html.unescape(text) == title.replace(" ", "")
