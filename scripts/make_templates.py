#!/usr/bin/env python3
"""Write templates/<name>/template.docx: the official layouts as docxtpl templates.

The .docx files are the source of truth that users copy and edit in Word or WPS; this script is
how the shipped ones were made, so that a change to the typesetting is a reviewed diff of code
rather than an opaque binary edit. Run it after changing it:  python scripts/make_templates.py

Typesetting follows GB/T 9704-2012: A4, top margin 37 mm, binding-side 28 mm, text block
156 × 225 mm (22 lines of 28 characters), body 3号 仿宋_GB2312, title 2号 方正小标宋简体, headings
黑体 / 楷体_GB2312, page numbers 4号 宋体 "— N —" (odd pages right, even pages left).
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from perfgen.render.ooxml import canonicalize  # noqa: E402

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
LATIN = "Times New Roman"

BODY_PT = 16      # 3号
TITLE_PT = 22     # 2号
TABLE_PT = 10.5   # 五号
FOOTER_PT = 14    # 4号
# The body grid of GB/T 9704: 22 lines of 28 characters in the 156 × 225 mm text block.
# 22 × 580 twips (29 pt) is 1 twip taller than the block, so LibreOffice fits 21 lines and centres
# them; 579 twips fits 22 lines. 28 characters of 16 pt (448 pt) do not fit 156 mm (442 pt): a
# negative charSpace on a linesAndChars grid would squeeze them, but LibreOffice mis-renders it, so
# the grid counts lines only and every character is set 0.25 pt tighter (28 × 15.75 pt = 441 pt),
# which Word and LibreOffice both honour.
LINE_TWIPS = 579
LETTER_SPACING_TWIPS = -5   # w:spacing in rPr, in twentieths of a point
PAGE_WIDTH_MM, LEFT_MM, RIGHT_MM = 210, 28, 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - LEFT_MM - RIGHT_MM   # 156 mm
# How many title characters fit a line: long titles are broken into balanced lines at word
# boundaries by the template filter title_break (perfgen/render/titles.py), which needs the measure.
TITLE_MEASURE = round(TEXT_WIDTH_MM / 25.4 * 72 / (TITLE_PT + LETTER_SPACING_TWIPS / 20), 2)


def title(expr: str) -> str:
    """A title's tag: its text broken into balanced lines when wider than the text block."""
    return "{{ " + expr + f"|title_break({TITLE_MEASURE}, L.标题回行词语) }}}}"


# -- styles -----------------------------------------------------------------------------------

def _fonts(style, east_asia: str, size: float, bold: bool = False) -> None:
    font = style.font
    font.name = LATIN
    font.size = Pt(size)
    font.bold = bold
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), LATIN)
    rfonts.set(qn("w:eastAsia"), east_asia)
    # characters both scripts share (“” ‘’ … — ·) are set as Chinese, full width, in the East
    # Asian font; without the hint Word may take them as narrow Western quotes
    rfonts.set(qn("w:hint"), "eastAsia")
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme_attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _outline(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    ppr.append(el)


def _indent_chars(style, chars: int) -> None:
    ppr = style.element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(chars * BODY_PT * 20)))


def paragraph_style(doc, name: str, east_asia: str, size: float, *, bold: bool = False,
                    align=None, indent_chars: int = 0, line_twips: int | None = LINE_TWIPS,
                    outline: int | None = None, keep_next: bool = False, page_break: bool = False,
                    space_before: float = 0, space_after: float = 0):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    _fonts(style, east_asia, size, bold)
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    if line_twips:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Twips(line_twips)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        # off the 22-line document grid, or every table line would be 29 pt tall
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        style.element.get_or_add_pPr().append(snap)
    pf.space_before = Pt(space_before)
    pf.space_after = Pt(space_after)
    pf.keep_with_next = keep_next
    pf.page_break_before = page_break
    pf.widow_control = True
    if indent_chars:
        _indent_chars(style, indent_chars)
    if outline is not None:
        _outline(style, outline)
    return style


def make_styles(doc) -> None:
    normal = doc.styles["Normal"]
    _fonts(normal, FANGSONG, BODY_PT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Twips(LINE_TWIPS)
    normal.paragraph_format.space_after = Pt(0)
    rpr = normal.element.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(LETTER_SPACING_TWIPS))
    rpr.append(spacing)
    # Keep every character inside the text column. LibreOffice hangs line-end punctuation into the
    # margin and then does not paint it (a "，" at a line end vanished from the PDFs). Its DOCX
    # import reads w:overflowPunct inverted (writerfilter: hanging = value == 0), so val="1" —
    # which is also Word's own default, "允许标点溢出边界" — turns hanging off in LibreOffice and
    # changes nothing in Word. The build checks each PDF's text, so a LibreOffice that fixes the
    # inversion cannot silently drop characters again.
    overflow = OxmlElement("w:overflowPunct")
    overflow.set(qn("w:val"), "1")
    normal.element.get_or_add_pPr().append(overflow)
    # Word's "Table Grid" is what python-docx uses for tables; make sure it exists with borders.
    paragraph_style(doc, "PG Body", FANGSONG, BODY_PT, indent_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph_style(doc, "PG Title", XIAOBIAOSONG, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER,
                    line_twips=None, space_before=0, space_after=12, keep_next=True)
    paragraph_style(doc, "PG Dept", XIAOBIAOSONG, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line_twips=None,
                    outline=0, page_break=True, space_after=18, keep_next=True)
    paragraph_style(doc, "PG Part", HEITI, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, outline=1,
                    keep_next=True, page_break=True, space_before=12, space_after=12)
    paragraph_style(doc, "PG Part Name", XIAOBIAOSONG, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line_twips=None,
                    keep_next=True, space_after=12)
    # the part name inside the PG Part paragraph (after a line break): 2号 小标宋
    name_char = doc.styles.add_style("PG Part Name Char", WD_STYLE_TYPE.CHARACTER)
    _fonts(name_char, XIAOBIAOSONG, TITLE_PT)
    paragraph_style(doc, "PG Heading 1", HEITI, BODY_PT, indent_chars=2, keep_next=True)
    paragraph_style(doc, "PG Heading 2", KAITI, BODY_PT, indent_chars=2, keep_next=True)
    # headings inside 总体绩效目标 / 分项 text (layout 正文小标题): 1、 仿宋加粗, （1） and ① 仿宋
    paragraph_style(doc, "PG Heading 3", FANGSONG, BODY_PT, bold=True, indent_chars=2, keep_next=True)
    paragraph_style(doc, "PG Heading 4", FANGSONG, BODY_PT, indent_chars=2, keep_next=True)
    paragraph_style(doc, "PG Center", HEITI, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
    paragraph_style(doc, "PG Table Title", HEITI, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True,
                    space_before=12, space_after=6)
    paragraph_style(doc, "PG Office", HEITI, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True,
                    page_break=True)
    paragraph_style(doc, "PG Explanation Title", XIAOBIAOSONG, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER,
                    line_twips=None, keep_next=True, space_after=12)
    paragraph_style(doc, "PG Attachment", HEITI, BODY_PT, page_break=True, keep_next=True)
    paragraph_style(doc, "PG Cell", FANGSONG, TABLE_PT, line_twips=None, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "PG Cell Left", FANGSONG, TABLE_PT, line_twips=None, align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(doc, "PG Cell Head", HEITI, TABLE_PT, line_twips=None, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "PG Spacer", FANGSONG, 6, line_twips=None)
    joint = paragraph_style(doc, "PG Table Joint", FANGSONG, 1, line_twips=None)
    joint.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    joint.paragraph_format.line_spacing = Twips(14)   # 0.7 pt, see joint()
    # the cover: 一号 小标宋 title lines 40 pt apart, 3号 楷体 lines 32 pt apart, both off the body grid
    for name, face, size, line in (("PG Cover Title", XIAOBIAOSONG, 26, 800), ("PG Cover Line", KAITI, BODY_PT, 640)):
        paragraph_style(doc, name, face, size, align=WD_ALIGN_PARAGRAPH.CENTER, line_twips=line)
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        doc.styles[name].element.get_or_add_pPr().append(snap)
    paragraph_style(doc, "PG Contents Title", HEITI, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line_twips=None,
                    page_break=True, space_after=18)
    for level in (1, 2):
        toc = paragraph_style(doc, f"toc {level}", FANGSONG, 14, line_twips=None, space_after=4)
        toc.paragraph_format.left_indent = Pt(28 * (level - 1))
    footer = paragraph_style(doc, "PG Page Number", SONGTI, FOOTER_PT, line_twips=None)
    footer.font.name = SONGTI
    builtin_headings(doc)


# The built-in 标题 styles a user picks in Word or WPS (blue Calibri / MS Gothic in python-docx's
# default template) set as the 公文 heading levels: 一、黑体 / （一）楷体 / 1. 仿宋加粗 / （1）仿宋.
_BUILTIN = {
    "Title": {"east_asia": XIAOBIAOSONG, "size": TITLE_PT, "align": WD_ALIGN_PARAGRAPH.CENTER, "line_twips": None,
                  "space_after": 12},
    "Subtitle": {"east_asia": KAITI, "size": BODY_PT, "align": WD_ALIGN_PARAGRAPH.CENTER},
    "Heading 1": {"east_asia": HEITI, "size": BODY_PT, "indent_chars": 2, "keep_next": True, "outline": 0},
    "Heading 2": {"east_asia": KAITI, "size": BODY_PT, "indent_chars": 2, "keep_next": True, "outline": 1},
    "Heading 3": {"east_asia": FANGSONG, "size": BODY_PT, "bold": True, "indent_chars": 2, "keep_next": True, "outline": 2},
    **{f"Heading {n}": {"east_asia": FANGSONG, "size": BODY_PT, "indent_chars": 2, "keep_next": True, "outline": n - 1}
       for n in range(4, 10)},
}


def builtin_headings(doc) -> None:
    for name, spec in _BUILTIN.items():
        style = doc.styles[name]
        for tag_name in ("w:pPr", "w:rPr"):
            old = style.element.find(qn(tag_name))
            if old is not None:
                style.element.remove(old)
        spec = dict(spec)
        paragraph_style(doc, name, spec.pop("east_asia"), spec.pop("size"), **spec)
        linked = style.element.find(qn("w:link"))
        if linked is not None:  # the "标题 1 字符" character style: same font, no theme colour
            char = doc.styles.element.get_by_id(linked.get(qn("w:val")))
            if char is not None:
                rpr = char.find(qn("w:rPr"))
                if rpr is not None:
                    char.remove(rpr)
                _fonts(doc.styles[char.name_val], _BUILTIN[name]["east_asia"], _BUILTIN[name]["size"],
                       bool(_BUILTIN[name].get("bold")))


# -- page setup and page numbers ----------------------------------------------------------------

def _page_number(paragraph) -> None:
    """— PAGE — as a field, so Word and LibreOffice fill in the real number."""
    def run(text=None):
        r = paragraph.add_run(text)
        return r

    run("— ")
    r = run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    r._r.append(begin)
    r = run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    r._r.append(instr)
    r = run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    r._r.append(sep)
    run("1")
    r = run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    r._r.append(end)
    run(" —")


def setup_page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.style = doc.styles["PG Page Number"]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(FOOTER_PT)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.style = doc.styles["PG Page Number"]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(FOOTER_PT)
    _page_number(even)
    # docGrid: 22 lines per page (28 characters come from the letter spacing, see LINE_TWIPS)
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))


def core_properties(doc, title: str) -> None:
    cp = doc.core_properties
    cp.title = title
    cp.author = "perfgen"


# -- paragraphs and tables ----------------------------------------------------------------------

def para(doc_or_cell, text: str, style: str) -> None:
    p = doc_or_cell.add_paragraph(text)
    p.style = style if isinstance(style, str) else style
    return p


def lines(doc, expr: str) -> None:
    """One body paragraph per line of the list `expr` (a {%p for %} loop)."""
    tag(doc, "{%p for line in " + expr + " %}")
    para(doc, "{{ line }}", "PG Body")
    tag(doc, "{%p endfor %}")


def paragraphs(doc, expr: str) -> None:
    """Each item of `expr` (text + level, layout 正文小标题) as a body paragraph or a nested heading."""
    tag(doc, "{%p for line in " + expr + " %}")
    tag(doc, "{%p if line.level == 1 %}")
    para(doc, "{{ line.text }}", "PG Heading 3")
    tag(doc, "{%p elif line.level > 1 %}")
    para(doc, "{{ line.text }}", "PG Heading 4")
    tag(doc, "{%p else %}")
    para(doc, "{{ line.text }}", "PG Body")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def tag(doc, text: str) -> None:
    """A paragraph holding only a {%p %} tag (docxtpl removes the paragraph itself)."""
    doc.add_paragraph(text, style="PG Body")


def _cell_text(cell, text: str, style: str = "PG Cell") -> None:
    p = cell.paragraphs[0]
    p.text = text
    p.style = style
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _set_row(row, header: bool = False, cant_split: bool = True) -> None:
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        el = OxmlElement("w:cantSplit")
        trpr.append(el)
    if header:
        el = OxmlElement("w:tblHeader")
        trpr.append(el)


def _widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    tbl = table._tbl
    grid = tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths_mm):
        gc.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in table.rows:
        for idx, cell in enumerate(row.cells):
            if idx < len(widths_mm):
                cell.width = Mm(widths_mm[idx])
    tblpr = tbl.tblPr
    layout = tblpr.find(qn("w:tblLayout"))  # autofit=False may already have added it
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tblpr.append(layout)
    layout.set(qn("w:type"), "fixed")
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))


def keep_with_next(table, rows: slice = slice(None)) -> None:
    """Keep these rows with what follows: every paragraph in them is keep-with-next. Word keeps a
    row whose paragraphs are all keep-with-next on the page of the next row; LibreOffice imports the
    same as its table "keep with next paragraph". A chain that does not fit the rest of a page starts
    on the next one (one longer than a page still breaks at the page end)."""
    for row in table.rows[rows]:
        for tc in row._tr.tc_lst:
            for p in tc.iter(qn("w:p")):
                ppr = p.get_or_add_pPr()
                if ppr.find(qn("w:keepNext")) is None:
                    ppr.append(OxmlElement("w:keepNext"))


def _no_borders(row) -> None:
    for tc in row._tr.tc_lst:  # each cell once (row.cells repeats a merged cell per grid column)
        tcpr = tc.get_or_add_tcPr()
        borders = OxmlElement("w:tcBorders")
        for side in ("top", "left", "bottom", "right"):
            b = OxmlElement(f"w:{side}")
            b.set(qn("w:val"), "nil")
            borders.append(b)
        tcpr.append(borders)


def table(doc, rows: int, widths_mm: list[float]):
    t = doc.add_table(rows=rows, cols=len(widths_mm))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(t, widths_mm)
    for r in t.rows:
        _set_row(r)
    return t


def loop_rows(t, first: int, open_tag: str, close_tag: str) -> None:
    """Rows `first` and `first+2` become {%tr %} control rows around the content row between them."""
    _cell_text(t.rows[first].cells[0], open_tag)
    _cell_text(t.rows[first + 2].cells[0], close_tag)


# -- the hebei template ------------------------------------------------------------------------

HEBEI_A = [28] + [128 / 12] * 12   # label column + 12 equal columns
# Widths from the content: a 五号 character is 3.6 mm and the cell margins take 3.8 mm, so 一级指标 /
# 产出指标 need 18.3 mm, 满意度指标 21.9 mm and 年度工作计划 25.5 mm on one line (服务对象满意度指标 still takes two).
HEBEI_B = [22.5, 25.5, 27, 30, 22.5, 28.5]   # 一级 二级 三级 描述 指标值 依据


def _tr_if(t, row: int, flag: str, last: int) -> None:
    """Rows `row` and `last` become {%tr if p.show.<flag> %} … {%tr endif %}: a 项目表区块 the layout may drop."""
    _cell_text(t.rows[row].cells[0], "{%tr if p.show." + flag + " %}")
    _cell_text(t.rows[last].cells[0], "{%tr endif %}")


def hebei_project_table(doc) -> None:
    """The 项目绩效目标表: five optional blocks (项目表区块 in layout.yaml), then the indicator table."""
    tag(doc, "{%p if p.show.head %}")
    t = table(doc, 17, HEBEI_A)
    r = t.rows
    # 单位行: unit and 单位：元 (no borders, as printed above the form)
    _tr_if(t, 0, "unit_line", 2)
    a = r[1].cells[0].merge(r[1].cells[9])
    _cell_text(a, "{{ dept.unit_line }}", "PG Cell Left")
    b = r[1].cells[10].merge(r[1].cells[12])
    _cell_text(b, "单位：元", "PG Cell")
    b.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _no_borders(r[1])
    # 编码名称: 项目编码 / 项目名称
    _tr_if(t, 3, "code_name", 5)
    _cell_text(r[4].cells[0], "项目编码", "PG Cell Head")
    _cell_text(r[4].cells[1].merge(r[4].cells[5]), "{{ p.code }}")
    _cell_text(r[4].cells[6].merge(r[4].cells[7]), "项目名称", "PG Cell Head")
    _cell_text(r[4].cells[8].merge(r[4].cells[12]), "{{ p.name }}")
    # 预算: 预算规模及资金用途
    _tr_if(t, 6, "budget", 9)
    label = r[7].cells[0].merge(r[8].cells[0])
    _cell_text(label, "预算规模及资金用途", "PG Cell Head")
    for i, (text, value) in enumerate((("预算数", "{{ p.total }}"), ("其中：财政资金", "{{ p.fiscal }}"),
                                       ("其他资金", "{{ p.other }}"))):
        _cell_text(r[7].cells[1 + 4 * i].merge(r[7].cells[2 + 4 * i]), text, "PG Cell Head")
        _cell_text(r[7].cells[3 + 4 * i].merge(r[7].cells[4 + 4 * i]), value)
    _cell_text(r[8].cells[1].merge(r[8].cells[12]), "{{ p.fund_use|lines }}", "PG Cell Left")
    # 支出计划: 资金支出计划（%）
    _tr_if(t, 10, "plan", 13)
    plan = r[11].cells[0].merge(r[12].cells[0])
    _cell_text(plan, "资金支出计划（%）", "PG Cell Head")
    for i in range(4):
        _cell_text(r[11].cells[1 + 3 * i].merge(r[11].cells[3 + 3 * i]), f"{{{{ p.plan_labels[{i}] }}}}", "PG Cell Head")
        _cell_text(r[12].cells[1 + 3 * i].merge(r[12].cells[3 + 3 * i]), f"{{{{ p.plan[{i}] }}}}")
    # 绩效目标
    _tr_if(t, 14, "goals", 16)
    _cell_text(r[15].cells[0], "绩效目标", "PG Cell Head")
    _cell_text(r[15].cells[1].merge(r[15].cells[12]), "{{ p.goals|lines }}", "PG Cell Left")
    keep_with_next(t)   # the form stays with its indicator table (issue 12 item 3)
    doc.add_paragraph("", style="PG Spacer").paragraph_format.keep_with_next = True
    tag(doc, "{%p endif %}")
    # 绩效指标: the indicator table
    tag(doc, "{%p if p.show.indicators %}")
    t = table(doc, 8, HEBEI_B)
    for cell, text in zip(t.rows[0].cells, ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")):
        _cell_text(cell, text, "PG Cell Head")
    _set_row(t.rows[0], header=True, cant_split=False)
    keep_with_next(t, slice(0, 1))   # the header stays with the first indicator row
    _cell_text(t.rows[1].cells[0], "{%tr for r in p.rows %}")

    def data(r) -> None:
        row = r.cells
        _cell_text(row[0], "{% vm r.l1_first %}{{ r.l1 }}")
        _cell_text(row[1], "{{ r.l2 }}")
        _cell_text(row[2], "{{ r.l3 }}", "PG Cell Left")
        _cell_text(row[3], "{{ r.description }}", "PG Cell Left")
        _cell_text(row[4], "{{ r.value }}")
        _cell_text(row[5], "{{ r.basis }}")

    indicator_row_pair(t, 2, data)   # a merged 一级 group keeps together (layout 指标组不跨页)
    _cell_text(t.rows[7].cells[0], "{%tr endfor %}")
    tag(doc, "{%p endif %}")


def hebei_dept_table(doc) -> None:
    widths = [22.5, 26, 26, 13, 14, 25, 29.5]   # 一级指标 on one line (see HEBEI_B)
    t = table(doc, 8, widths)
    head = ("", "", "", "符号", "值", "单位（文字描述）", "")
    for cell, text in zip(t.rows[0].cells, head):
        _cell_text(cell, text, "PG Cell Head")
    _set_row(t.rows[0], header=True, cant_split=False)
    _cell_text(t.rows[1].cells[0], "{%tr for r in dept_rows %}")

    def data(r) -> None:
        row = r.cells
        _cell_text(row[0], "{% vm r.l1_first %}{{ r.l1 }}")
        for cell, field in zip(row[1:], ("l2", "l3", "sign", "value", "unit", "note")):
            _cell_text(cell, f"{{{{ r.{field}|lines }}}}", "PG Cell Left" if field in ("l2", "l3", "note") else "PG Cell")

    indicator_row_pair(t, 2, data)   # a merged 一级 group keeps together (layout 指标组不跨页)
    _cell_text(t.rows[7].cells[0], "{%tr endfor %}")


def hebei_goals(doc) -> None:
    """第一部分's content: 总体绩效目标, 分项绩效目标, 工作保障措施, 部门绩效文本信息."""
    para(doc, "{{ sections.overall }}", "PG Heading 1")
    paragraphs(doc, "overall_paras")
    tag(doc, "{%p if sections.subgoals is defined %}")
    para(doc, "{{ sections.subgoals }}", "PG Heading 1")
    tag(doc, "{%p if subgoals_header %}")
    para(doc, "{{ dept.name }}", "PG Center")
    para(doc, "{{ L.分项绩效目标标题 }}", "PG Center")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if subgoals_summary %}")
    para(doc, "{{ subgoals_summary }}", "PG Body")
    tag(doc, "{%p endif %}")
    lines(doc, "subgoals_intro")
    tag(doc, "{%p for s in subgoals %}")
    para(doc, "{{ s.heading }}", "PG Heading 2")
    paragraphs(doc, "s.paras")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if sections.measures is defined %}")
    para(doc, "{{ sections.measures }}", "PG Heading 1")
    lines(doc, "measures")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if sections.dept_table is defined %}")
    para(doc, "{{ sections.dept_table }}", "PG Heading 1")
    hebei_dept_table(doc)
    tag(doc, "{%p endif %}")


def hebei_project(doc) -> None:
    """One project of a 项目 part: its written explanation (if any), then its table."""
    tag(doc, "{%p if p.explanation %}")
    tag(doc, "{%p with e = p.explanation %}")
    # each explanation starts a page, except the first, which follows its part title
    tag(doc, "{%p if loop.first %}")
    first = para(doc, "{{ e.office }}", "PG Office")
    first.paragraph_format.page_break_before = False
    tag(doc, "{%p else %}")
    para(doc, "{{ e.office }}", "PG Office")
    tag(doc, "{%p endif %}")
    para(doc, title("e.title"), "PG Explanation Title")
    para(doc, "一、项目基本情况", "PG Heading 1")
    para(doc, "（一）项目概况", "PG Heading 2")
    lines(doc, "e.overview")
    para(doc, "（二）资金安排情况", "PG Heading 2")
    para(doc, "{{ e.summary }}", "PG Body")
    lines(doc, "e.funding")
    para(doc, "二、绩效目标和指标设置情况", "PG Heading 1")
    para(doc, "（一）绩效目标", "PG Heading 2")
    lines(doc, "e.goals")
    para(doc, "（二）绩效指标", "PG Heading 2")
    lines(doc, "e.indicators")
    para(doc, "（三）评价标准", "PG Heading 2")
    lines(doc, "e.criteria")
    tag(doc, "{%p if e.closing %}")
    para(doc, "{{ e.closing }}", "PG Body")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endwith %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if p.title %}")
    para(doc, "{{ p.title }}", "PG Table Title")
    hebei_project_table(doc)
    tag(doc, "{%p endif %}")


def part_heading(doc):
    """The part heading as ONE paragraph with an outline level: the number, then (unless 部分名称同行)
    a line break and the name in large type. A table of contents lists whole paragraphs, so a name in
    a paragraph of its own was lost when Word (F9) or LibreOffice updated the volume's contents; a
    line break inside an entry is a space in the updated TOC (no \\x switch, ECMA-376 17.16.5.68)."""
    p = para(doc, "{{ part.heading }}{% if not part.one_line %}", "PG Part")
    name = p.add_run()
    name.style = doc.styles["PG Part Name Char"]
    name.add_break()
    name.add_text(title("part.name"))
    p.add_run("{% endif %}")
    return p


def hebei(doc) -> None:
    """The structure comes from the layout: title line, then each 部分 (layout 部分) in order."""
    tag(doc, "{%p if doc_title %}")
    para(doc, title("doc_title"), "PG Title")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for part in parts %}")
    # the part heading starts a page, except the first part's
    tag(doc, "{%p if loop.first %}")
    part_heading(doc).paragraph_format.page_break_before = False
    tag(doc, "{%p else %}")
    part_heading(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if part.kind == 'goals' %}")
    hebei_goals(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if part.kind == 'special' %}")
    lines(doc, "special")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if part.kind == 'projects' %}")
    tag(doc, "{%p for p in part.projects %}")
    hebei_project(doc)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


# -- the ningxia attachment-3 template ---------------------------------------------------------

NINGXIA = [20, 22, 30, 29, 26, 29]   # 绩效指标 / 一级指标 / 可持续影响指标 on one line (see HEBEI_B)


def joint(doc):
    """The paragraph between a form and its indicator table, which are two tables drawn as one.

    A table's header rows (w:tblHeader) repeat only if they are its first rows, so an indicator
    header below a form needs a table of its own; without a paragraph between them Word joins two
    tables into one. This one is 0.7 pt high (Word's smallest exact line height), off the grid, and
    keeps with the table below, so the two borders touch and the form stays with its indicators."""
    p = doc.add_paragraph("", style="PG Table Joint")
    p.paragraph_format.keep_with_next = True
    return p


def _border(cell, side: str) -> None:
    """No border on this side of the cell. The 绩效指标 label column of an indicator table is the
    label in the header row over an empty merged cell beside the rows, with no line between them: a
    merge from the header into the rows would tie the repeated header to the first page's rows,
    while this way every page shows the same column."""
    tcpr = cell._tc.get_or_add_tcPr()
    borders = tcpr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tcpr.append(borders)
    b = OxmlElement(f"w:{side}")
    b.set(qn("w:val"), "nil")
    borders.append(b)


def keep_rows(doc_table, rows: slice) -> None:
    """Rows whose paragraphs keep with the next (Word and LibreOffice keep such a row on the page
    of the next row; see keep_with_next)."""
    keep_with_next(doc_table, rows)


def indicator_row_pair(t, first: int, fill) -> None:
    """Rows first..first+4 become {%tr if r.keep %} ROW {%tr else %} ROW {%tr endif %}: the same row
    twice, the first keeping with the next (layout 指标组不跨页 decides r.keep)."""
    _cell_text(t.rows[first].cells[0], "{%tr if r.keep %}")
    fill(t.rows[first + 1])
    _cell_text(t.rows[first + 2].cells[0], "{%tr else %}")
    fill(t.rows[first + 3])
    _cell_text(t.rows[first + 4].cells[0], "{%tr endif %}")
    keep_rows(t, slice(first + 1, first + 2))


def ningxia(doc) -> None:
    tag(doc, "{%p for p in projects %}")
    para(doc, "{{ L.附件标记 }}", "PG Attachment")
    para(doc, title("title"), "PG Title")
    t = table(doc, 7, NINGXIA)
    r = t.rows

    def label(cell, text):
        _cell_text(cell, text, "PG Cell Head")

    label(r[0].cells[0].merge(r[0].cells[1]), "项目名称")
    _cell_text(r[0].cells[2].merge(r[0].cells[5]), "{{ p.name_line }}")
    for i, (a, av, b, bv) in enumerate((("主管部门", "{{ p.competent }}", "实施单位", "{{ p.implementing }}"),
                                        ("项目属性", "{{ p.attribute }}", "项目期", "{{ p.period }}")), start=1):
        label(r[i].cells[0].merge(r[i].cells[1]), a)
        _cell_text(r[i].cells[2].merge(r[i].cells[3]), av)
        label(r[i].cells[4], b)
        _cell_text(r[i].cells[5], bv)
    money = r[3].cells[0].merge(r[5].cells[1])
    label(money, "项目资金 (万元)")
    for i, (a, b, value) in enumerate((("年度资金总额(含本级和市县)", "年度资金总额(含本级)", "{{ p.total_wan }}"),
                                       ("其中:财政拨款", "其中:财政拨款", "{{ p.fiscal_wan }}"),
                                       ("其他资金", "其他资金", "{{ p.other_wan }}")), start=3):
        label(r[i].cells[2], a)
        _cell_text(r[i].cells[3], "")
        label(r[i].cells[4], b)
        _cell_text(r[i].cells[5], value)
    label(r[6].cells[0].merge(r[6].cells[1]), "绩效目标")
    _cell_text(r[6].cells[2].merge(r[6].cells[3]), "年度总体绩效目标{{ p.goals|lines }}", "PG Cell Left")
    _cell_text(r[6].cells[4].merge(r[6].cells[5]), "{% if p.goals_local %}年度绩效目标{{ p.goals_local|lines }}{% endif %}",
               "PG Cell Left")
    keep_with_next(t)   # the form stays with the indicator header and the first rows
    joint(doc)
    # the indicator table: its header repeats on every page the table continues on
    t = table(doc, 8, NINGXIA)
    head = t.rows[0].cells
    label(head[0], "绩效指标")
    label(head[1], "一级指标")
    label(head[2], "二级指标")
    label(head[3].merge(head[4]), "三级指标")
    label(head[5], "指标值")
    _set_row(t.rows[0], header=True, cant_split=False)
    keep_with_next(t, slice(0, 1))
    _cell_text(t.rows[1].cells[0], "{%tr for r in p.rows %}")

    def data(row) -> None:
        c = row.cells
        _cell_text(c[0], "{% vm loop.first %}")
        _border(c[0], "top")
        _cell_text(c[1], "{% vm r.l1_first %}{{ r.l1 }}")
        _cell_text(c[2], "{% vm r.l2_first %}{{ r.l2 }}")
        _cell_text(c[3].merge(c[4]), "{{ r.l3 }}", "PG Cell Left")
        _cell_text(c[5], "{{ r.value }}")

    indicator_row_pair(t, 2, data)
    _border(head[0], "bottom")   # the 绩效指标 column reads as one cell (see header_label_column)
    _cell_text(t.rows[7].cells[0], "{%tr endfor %}")
    tag(doc, "{%p endfor %}")


def _gap(doc, mm: float) -> None:
    """An empty paragraph exactly `mm` tall (off the grid): fixed positions on the cover."""
    p = doc.add_paragraph("", style="PG Spacer")
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Mm(mm)


def volume(doc) -> None:
    """Cover and table of contents; perfgen inserts the departments after the marker paragraph.

    The cover is balanced as a GB/T 9704-style page: the title block (each line of
    `title_lines`, layout 封面标题分行) starts a third of the way down the page, the issuer and date
    (`cover_lines`, layout 封面落款) sit in the lower third. Its section has no footer, so no page
    number."""
    _gap(doc, 55)        # text block top (37 mm) + 55 mm: the title starts at ~31 % of the page
    tag(doc, "{%p for line in title_lines %}")
    para(doc, "{{ line }}", "PG Cover Title")
    tag(doc, "{%p endfor %}")
    _gap(doc, 80)        # the issuer block starts at ~2/3 of the page
    tag(doc, "{%p for line in cover_lines %}")
    para(doc, "{{ line }}", "PG Cover Line")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ contents_title }}", "PG Contents Title")
    para(doc, "{{ toc_marker }}", "PG Body")
    para(doc, "{{ departments_marker }}", "PG Body")


TEMPLATES = {
    "hebei": ("部门预算绩效信息（河北）", hebei),
    "ningxia-attachment3": ("部门项目支出预算绩效目标表（宁夏附件3）", ningxia),
    "volume": ("部门预算绩效目标汇编", volume),
}
sys.path.insert(0, str(Path(__file__).resolve().parent))
import national_forms  # noqa: E402  (the 财预〔2015〕88号 forms, built from their layout.yaml)
from result_templates import templates as _result_templates  # noqa: E402  (自评表 and 监控表)

TEMPLATES.update(_result_templates(sys.modules[__name__]))
TEMPLATES.update(national_forms.templates(sys.modules[__name__]))


def build(name: str) -> Path:
    title, body = TEMPLATES[name]
    doc = Document()
    make_styles(doc)
    setup_page(doc)
    core_properties(doc, title)
    # python-docx starts with one empty paragraph; drop it so the document starts with our content
    for paragraph in list(doc.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    body(doc)
    out = ROOT / "templates" / name / "template.docx"
    out.parent.mkdir(parents=True, exist_ok=True)
    canonicalize(doc.element)
    canonicalize(doc.styles.element)
    for section in doc.sections:
        for part in (section.footer, section.even_page_footer):
            canonicalize(part._element)
    doc.save(out)
    _finish_package(out)
    return out


# -- a Chinese-native package -------------------------------------------------------------------
# python-docx's default package is an English/Japanese Word 2010 document: themeFontLang ja-JP,
# ＭＳ 明朝 in the font table, compatibilityMode 14 (Word opens it in 兼容模式). Word and WPS read
# these parts to choose fonts and layout rules, so they are rewritten for a zh-CN 公文.

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# name, altName (what Windows installs today), panose, charset (86 = GB2312), family, pitch
_FONTS = [
    (LATIN, None, "02020603050405020304", "00", "roman", "variable"),
    (FANGSONG, "仿宋", "02010609030101010101", "86", "modern", "fixed"),
    (KAITI, "楷体", "02010609030101010101", "86", "modern", "fixed"),
    (XIAOBIAOSONG, "宋体", "02000000000000000000", "86", "script", "fixed"),
    (HEITI, "SimHei", "02010609060101010101", "86", "modern", "fixed"),
    (SONGTI, "SimSun", "02010600030101010101", "86", "auto", "variable"),
]


def font_table_xml() -> bytes:
    fonts = []
    for name, alt, panose, charset, family, pitch in _FONTS:
        alt_el = f'<w:altName w:val="{alt}"/>' if alt else ""
        fonts.append(f'<w:font w:name="{name}">{alt_el}<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
                     f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')
    return (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:fonts xmlns:w=\"{_W_NS}\">"
            + "".join(fonts) + "</w:fonts>").encode("utf-8")


_RPR_DEFAULT = (f'<w:rPrDefault><w:rPr><w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{FANGSONG}" '
                f'w:cs="{LATIN}" w:hint="eastAsia"/><w:kern w:val="2"/><w:sz w:val="{BODY_PT * 2}"/>'
                f'<w:szCs w:val="{BODY_PT * 2}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
                '</w:rPr></w:rPrDefault>')


def _native(name: str, data: bytes) -> bytes:
    import re
    if name == "word/settings.xml":
        data = re.sub(rb'<w:themeFontLang [^>]*/>', b'<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>', data)
        data = re.sub(rb'(w:name="compatibilityMode" [^>]*w:val=")\d+"', rb'\g<1>15"', data)
    elif name == "word/fontTable.xml":
        data = font_table_xml()
    elif name == "word/styles.xml":
        data = re.sub(rb"<w:rPrDefault>.*?</w:rPrDefault>", _RPR_DEFAULT.encode("utf-8"), data, flags=re.S)
    elif name == "word/theme/theme1.xml":
        # the script fonts Word uses for zh-CN text that names a theme font
        head, minor = data.split(b"<a:minorFont>", 1)   # <a:majorFont> comes first
        hans = rb'<a:font script="Hans" typeface="[^"]*"/>'
        head = re.sub(hans, f'<a:font script="Hans" typeface="{HEITI}"/>'.encode(), head)
        minor = re.sub(hans, f'<a:font script="Hans" typeface="{FANGSONG}"/>'.encode(), minor)
        data = head + b"<a:minorFont>" + minor
    return data


def _finish_package(path: Path) -> None:
    """Rewrite the package parts python-docx copies from its default template (see _native), and
    drop Word 2010's stylesWithEffects.xml, which no longer matches our styles (validators flag the
    mismatch as "unreadable content"); the part is optional."""
    import io
    import re
    import zipfile
    src = zipfile.ZipFile(path)
    entries = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    src.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "word/stylesWithEffects.xml":
                continue
            if name == "[Content_Types].xml":
                data = re.sub(rb'<Override PartName="/word/stylesWithEffects.xml"[^>]*/>', b"", data)
            if name == "word/_rels/document.xml.rels":
                data = re.sub(rb'<Relationship [^>]*Target="stylesWithEffects.xml"[^>]*/>', b"", data)
            data = _native(name, data)
            dst.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())


def main(argv: list[str]) -> int:
    names = argv or list(TEMPLATES)
    for name in names:
        print(build(name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
