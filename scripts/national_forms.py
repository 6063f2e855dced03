"""The national 申报表 forms (财预〔2015〕88号 family) as docxtpl templates.

Structure comes from each form's layout.yaml: the builder emits the row blocks in the order of
its 表格行, each block wrapped in `{%tr if "<块>" in L.表格行 %}` so a department's 版式 can drop
it; every label is `{{ L.<栏> }}`, so wording is data too. Typography (styles, widths, borders)
uses make_templates.py's helpers, passed in as `mt`. Used by scripts/make_templates.py.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent

PROJECT_WIDTHS = [19, 22, 22, 20, 15, 22, 20, 16]      # 栏名 一级 | 中期 二级 三级 值 | 年度 二级 三级 值
DEPARTMENT_WIDTHS = [19, 22, 13, 28, 20, 15, 20, 19]   # 栏名 | 任务名称 主要内容 总额 财政拨款 其他资金 / 指标


def layout(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "templates" / name / "layout.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("表格行"), list), f"{name}: layout.yaml needs 表格行"
    return data


def var(expr: str) -> str:
    """A Jinja expression as docxtpl cell text: {{ expr }}."""
    return "{{ " + expr + " }}"


def _vmerge(cell: Any, value: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    vm = OxmlElement("w:vMerge")
    vm.set(qn("w:val"), value)
    tcpr.append(vm)


class Form:
    """Rows of one table appended block by block (python-docx grows the table row by row).

    The indicator block is a table of its own (split), drawn as one with the form above it: header
    rows repeat on every page only when they are a table's first rows (w:tblHeader)."""

    def __init__(self, mt: ModuleType, doc: Any, widths: list[float], split_block: str):
        self.mt = mt
        self.doc = doc
        self.widths = widths
        self.split_block = split_block
        # the form table prints when the layout keeps any block besides the indicators
        mt.tag(doc, '{%p if L.表格行|reject("equalto", "' + split_block + '")|list %}')
        self.table = mt.table(doc, 1, widths)
        self._first = True

    def split(self) -> None:
        """Close the form table (it keeps with what follows) and start the indicator table."""
        self.mt.keep_with_next(self.table)
        self.mt.tag(self.doc, "{%p endif %}")
        self.mt.tag(self.doc, '{%p if "' + self.split_block + '" in L.表格行 %}')
        self.mt.tag(self.doc, '{%p if L.表格行|reject("equalto", "' + self.split_block + '")|list %}')
        self.mt.joint(self.doc)
        self.mt.tag(self.doc, "{%p endif %}")
        self.table = self.mt.table(self.doc, 1, self.widths)
        self._first = True

    def end(self) -> None:
        self.mt.tag(self.doc, "{%p endif %}")

    def header(self, r: Any) -> Any:
        """This row repeats at the top of every page the indicator table continues on."""
        trpr = r._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:tblHeader"))
        return r

    def keep_pair(self, fill: Callable[[], Any]) -> None:
        """The data row twice: {%tr if r.keep %} a row keeping with the next {%tr else %} the row
        {%tr endif %} (layout 指标组不跨页 sets r.keep inside a merged group)."""
        self.control("{%tr if r.keep %}")
        kept = fill()
        for tc in kept._tr.tc_lst:
            for p in tc.iter(qn("w:p")):
                p.get_or_add_pPr().append(OxmlElement("w:keepNext"))
        self.control("{%tr else %}")
        fill()
        self.control("{%tr endif %}")

    def keep_so_far(self) -> None:
        """Every row made so far stays with the next one (a form's head never ends a page alone)."""
        self.mt.keep_with_next(self.table, slice(0, len(self.table.rows)))

    def row(self) -> Any:
        if self._first:
            self._first = False
            return self.table.rows[0]
        r = self.table.add_row()
        self.mt._set_row(r)
        return r

    def control(self, text: str) -> None:
        """A {%tr %} row: docxtpl replaces the whole row by its tag."""
        self.mt._cell_text(self.row().cells[0], text)

    def cell(self, r: Any, first: int, last: int, text: str, style: str = "PG Cell") -> Any:
        c = r.cells[first] if first == last else r.cells[first].merge(r.cells[last])
        self.mt._cell_text(c, text, style)
        return c

    def label(self, r: Any, first: int, last: int, key: str) -> Any:
        return self.cell(r, first, last, var("L." + key), "PG Cell Head")

    def block(self, name: str, body: Callable[[], None]) -> None:
        self.control('{%tr if "' + name + '" in L.表格行 %}')
        body()
        self.control("{%tr endif %}")


def _blocks(form: Form, blocks: dict[str, Callable[[], None]], order: list[str], template: str) -> None:
    unknown = [b for b in order if b not in blocks]
    assert not unknown, f"{template}: 表格行 names unknown blocks {unknown}; known: {list(blocks)}"
    assert order[-1] == form.split_block, f"{template}: 表格行 must end with {form.split_block} (its own table)"
    for name in order:
        if name == form.split_block:
            form.split()
        form.block(name, blocks[name])
    form.end()


def _styles(mt: ModuleType, doc: Any) -> None:
    mt.paragraph_style(doc, "PG Form Title", mt.XIAOBIAOSONG, mt.TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER,
                       line_twips=None, keep_next=True, page_break=True, space_after=6)
    mt.paragraph_style(doc, "PG Form Year", mt.KAITI, mt.BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line_twips=None,
                       keep_next=True, space_after=6)


def _title(mt: ModuleType, doc: Any, in_loop: bool) -> None:
    """Form title and （YYYY年度）; in a loop every form after the first starts a page."""
    if in_loop:
        mt.tag(doc, "{%p if loop.first %}")
        first = mt.para(doc, mt.title("national.title"), "PG Form Title")
        first.paragraph_format.page_break_before = False
        mt.tag(doc, "{%p else %}")
        mt.para(doc, mt.title("national.title"), "PG Form Title")
        mt.tag(doc, "{%p endif %}")
    else:
        first = mt.para(doc, mt.title("national.title"), "PG Form Title")
        first.paragraph_format.page_break_before = False
    mt.para(doc, "{{ national.year_line }}", "PG Form Year")


# -- 项目支出绩效目标申报表 ------------------------------------------------------------------------

def project(mt: ModuleType, doc: Any, name: str = "national-project") -> None:
    _styles(mt, doc)
    mt.tag(doc, "{%p for q in national.projects %}")
    _title(mt, doc, in_loop=True)
    f = Form(mt, doc, PROJECT_WIDTHS, "绩效指标")

    def name_row() -> None:
        r = f.row()
        f.label(r, 0, 1, "项目名称栏")
        f.cell(r, 2, 7, "{{ q.name }}")

    def pair(a: str, av: str, b: str, bv: str) -> Callable[[], None]:
        def body() -> None:
            r = f.row()
            f.label(r, 0, 1, a)
            f.cell(r, 2, 4, av)
            f.label(r, 5, 5, b)
            f.cell(r, 6, 7, bv)
        return body

    def money() -> None:
        rows = [f.row() for _ in range(3)]
        label = rows[0].cells[0].merge(rows[2].cells[1])
        mt._cell_text(label, "{{ L.项目资金栏 }}", "PG Cell Head")
        for r, (mid_key, year_key, attr) in zip(rows, (("中期资金栏", "年度资金栏", "total"),
                                                       ("财政拨款栏", "财政拨款栏", "fiscal"),
                                                       ("其他资金栏", "其他资金栏", "other"))):
            f.label(r, 2, 3, mid_key)
            f.cell(r, 4, 4, var("q.mid." + attr))
            f.label(r, 5, 6, year_key)
            f.cell(r, 7, 7, var("q.year." + attr))

    def goals() -> None:
        head, body = f.row(), f.row()
        label = head.cells[0].merge(body.cells[1])
        mt._cell_text(label, "{{ L.总体目标栏 }}", "PG Cell Head")
        f.cell(head, 2, 4, "{{ q.mid_goals_head }}", "PG Cell Head")
        f.label(head, 5, 7, "年度目标栏")
        f.cell(body, 2, 4, "{{ q.mid_goals|lines }}", "PG Cell Left")
        f.cell(body, 5, 7, "{{ q.goals|lines }}", "PG Cell Left")

    def indicators() -> None:
        # optional group header 中期指标 | 年度指标; 绩效指标 and 一级指标 start their merge there,
        # or on the column header when the layout leaves 中期指标栏 empty. Both header rows repeat
        # on every page; the 绩效指标 label stands over an empty merged cell beside the rows
        # (make_templates._border), so no merge reaches from the header into the rows.
        f.control("{%tr if L.中期指标栏 %}")
        a = f.header(f.row())
        _vmerge(f.label(a, 0, 0, "绩效指标栏"), "restart")
        _vmerge(f.label(a, 1, 1, "一级指标栏"), "restart")
        f.label(a, 2, 4, "中期指标栏")
        f.label(a, 5, 7, "年度指标栏")
        f.control("{%tr endif %}")
        b = f.header(f.row())
        mt._border(f.cell(b, 0, 0, "{% vm not L.中期指标栏 %}{{ L.绩效指标栏 }}", "PG Cell Head"), "bottom")
        f.cell(b, 1, 1, "{% vm not L.中期指标栏 %}{{ L.一级指标栏 }}", "PG Cell Head")
        for col, key in zip(range(2, 8), ("二级指标栏", "三级指标栏", "指标值栏") * 2):
            f.label(b, col, col, key)
        f.keep_so_far()   # the header stays with the first indicator row
        f.control("{%tr for r in q.rows %}")

        def data() -> Any:
            d = f.row()
            mt._border(f.cell(d, 0, 0, "{% vm loop.first %}"), "top")
            f.cell(d, 1, 1, "{% vm r.l1_first %}{{ r.l1 }}")
            for side, start in ((0, 2), (1, 5)):
                f.cell(d, start, start, "{% vm r.l2_first %}{{ r.l2 }}")
                f.cell(d, start + 1, start + 1, var(f"r.cells[{side}].l3"), "PG Cell Left")
                f.cell(d, start + 2, start + 2, var(f"r.cells[{side}].value"))
            return d

        f.keep_pair(data)
        f.control("{%tr endfor %}")

    blocks = {
        "项目名称": name_row,
        "主管部门和实施单位": pair("主管部门栏", "{{ q.competent }}", "实施单位栏", "{{ q.implementing }}"),
        "项目属性和项目期": pair("项目属性栏", "{{ q.attribute }}", "项目期栏", "{{ q.period }}"),
        "项目资金": money,
        "总体目标": goals,
        "绩效指标": indicators,
    }
    _blocks(f, blocks, layout(name)["表格行"], name)
    mt.tag(doc, "{%p endfor %}")


# -- 部门（单位）整体支出绩效目标申报表 ---------------------------------------------------------------

def department(mt: ModuleType, doc: Any, name: str = "national-department") -> None:
    _styles(mt, doc)
    _title(mt, doc, in_loop=False)
    f = Form(mt, doc, DEPARTMENT_WIDTHS, "年度绩效指标")

    def name_row() -> None:
        r = f.row()
        f.label(r, 0, 0, "部门名称栏")
        f.cell(r, 1, 7, "{{ dept.name }}")

    def tasks() -> None:
        h1, h2 = f.row(), f.row()
        _vmerge(f.label(h1, 0, 0, "年度主要任务栏"), "restart")
        _vmerge(h2.cells[0], "continue")
        f.label(h1, 1, 2, "任务名称栏")
        h1.cells[1].merge(h2.cells[2])
        f.label(h1, 3, 4, "主要内容栏")
        h1.cells[3].merge(h2.cells[4])
        f.label(h1, 5, 7, "预算金额栏")
        for col, key in ((5, "总额栏"), (6, "财政拨款栏"), (7, "其他资金栏")):
            f.label(h2, col, col, key)
        f.keep_so_far()
        f.control("{%tr for t in national.tasks %}")
        d = f.row()
        _vmerge(d.cells[0], "continue")
        f.cell(d, 1, 2, "{{ t.name }}", "PG Cell Left")
        f.cell(d, 3, 4, "{{ t.content|lines }}", "PG Cell Left")
        for col, attr in ((5, "total"), (6, "fiscal"), (7, "other")):
            f.cell(d, col, col, var("t.amounts." + attr))
        f.control("{%tr endfor %}")
        s = f.row()
        _vmerge(s.cells[0], "continue")
        f.label(s, 1, 4, "金额合计栏")
        for col, attr in ((5, "total"), (6, "fiscal"), (7, "other")):
            f.cell(s, col, col, var("national.tasks_total." + attr))

    def goals() -> None:
        r = f.row()
        f.label(r, 0, 0, "年度总体目标栏")
        f.cell(r, 1, 7, "{{ national.goals|lines }}", "PG Cell Left")

    def indicators() -> None:
        def head(split: bool) -> None:
            r = f.header(f.row())   # repeats on every page (see Form)
            mt._border(f.label(r, 0, 0, "年度绩效指标栏"), "bottom")
            f.label(r, 1, 1, "一级指标栏")
            f.label(r, 2, 3, "二级指标栏")
            if split:
                f.label(r, 4, 4, "三级指标栏")
                for col, key in ((5, "符号栏"), (6, "值栏"), (7, "单位栏")):
                    f.label(r, col, col, key)
            else:
                f.label(r, 4, 5, "三级指标栏")
                f.label(r, 6, 7, "指标值栏")

        def data(split: bool) -> Any:
            r = f.row()
            mt._border(f.cell(r, 0, 0, "{% vm loop.first %}"), "top")
            f.cell(r, 1, 1, "{% vm r.l1_first %}{{ r.l1 }}")
            f.cell(r, 2, 3, "{% vm r.l2_first %}{{ r.l2 }}")
            if split:
                f.cell(r, 4, 4, "{{ r.cells[0].l3 }}", "PG Cell Left")
                for col, attr in ((5, "sign"), (6, "number"), (7, "unit")):
                    f.cell(r, col, col, var("r.cells[0]." + attr))
            else:
                f.cell(r, 4, 5, "{{ r.cells[0].l3 }}", "PG Cell Left")
                f.cell(r, 6, 7, "{{ r.cells[0].value }}")
            return r

        # 指标值分列 chooses the columns at render time, so a 版式 override needs no other template
        f.control("{%tr if L.指标值分列 %}")
        head(True)
        f.control("{%tr else %}")
        head(False)
        f.control("{%tr endif %}")
        f.keep_so_far()
        f.control("{%tr for r in national.rows %}")
        f.control("{%tr if L.指标值分列 %}")
        f.keep_pair(lambda: data(True))
        f.control("{%tr else %}")
        f.keep_pair(lambda: data(False))
        f.control("{%tr endif %}")
        f.control("{%tr endfor %}")

    blocks = {"部门名称": name_row, "年度主要任务": tasks, "年度总体目标": goals, "年度绩效指标": indicators}
    _blocks(f, blocks, layout(name)["表格行"], name)


def templates(mt: ModuleType) -> dict[str, tuple[str, Callable[[Any], None]]]:
    """Entries for make_templates.TEMPLATES: name → (document title, body builder)."""
    return {
        "national-project": ("项目支出绩效目标申报表（财预〔2015〕88号）", lambda doc: project(mt, doc)),
        "national-department": ("部门（单位）整体支出绩效目标申报表（财预〔2015〕88号）", lambda doc: department(mt, doc)),
    }
