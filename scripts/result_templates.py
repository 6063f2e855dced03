"""The 自评表 and 监控表 templates (templates/results/*/template.docx), built with the typography
helpers of make_templates.py (styles, page setup, tables), which passes itself in as `kit`.

Every label the forms print is a layout setting ({{ L.… }} from templates/results/*/layout.yaml),
so a province renames a row or a column in YAML; the structure (which cells merge) lives here.
"""
from __future__ import annotations

from typing import Any

from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# 绩效指标 | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
SELFEVAL = [10, 13, 15, 22, 17, 17, 14, 17, 31]
# 绩效指标 | 一级 | 二级 | 三级 | 年度指标值 | 1-N月完成值 | 全年预计 | 偏差原因 | 可能性 | 备注
MONITORING = [8, 11, 12, 26, 15, 14, 14, 22, 14, 20]


def _vmerge(cell: Any, value: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    vm = OxmlElement("w:vMerge")
    vm.set(qn("w:val"), value)
    tcpr.append(vm)


def _page_break_between(doc: Any, kit: Any) -> None:
    """A page break after every form but the last (inside the {%p for %} loop)."""
    kit.tag(doc, "{%p if not loop.last %}")
    p = doc.add_paragraph("", style="PG Spacer")
    p.add_run().add_break(WD_BREAK.PAGE)
    kit.tag(doc, "{%p endif %}")


def _head(doc: Any, kit: Any) -> None:
    kit.para(doc, "{{ L.表名 }}", "PG Title")
    kit.para(doc, "{{ p.period_line }}", "PG Center")
    kit.para(doc, "{{ p.unit_line }}", "PG Cell Left")


def _loop_block(kit: Any, t: Any, first: int, label: str, open_tag: str, fill: Any) -> None:
    """Rows first..first+2: {%tr for %}, the content row, {%tr endfor %}; column 0 carries `label`
    merged down from the row above (the header row must start the merge)."""
    kit._cell_text(t.rows[first].cells[0], open_tag)
    row = t.rows[first + 1].cells
    _vmerge(row[0], "continue")
    fill(row)
    kit._cell_text(t.rows[first + 2].cells[0], "{%tr endfor %}")


def selfeval(doc: Any, kit: Any) -> None:
    """项目支出绩效自评表 (财预〔2020〕10号 附件1), one per project of the department-year."""
    kit.tag(doc, "{%p for p in projects %}")
    _head(doc, kit)
    t = kit.table(doc, 15, SELFEVAL)
    r = t.rows
    def head(cell: Any, text: str) -> None:
        kit._cell_text(cell, text, "PG Cell Head")
    head(r[0].cells[0].merge(r[0].cells[1]), "{{ L.项目名称 }}")
    kit._cell_text(r[0].cells[2].merge(r[0].cells[8]), "{{ p.name }}")
    head(r[1].cells[0].merge(r[1].cells[1]), "{{ L.主管部门 }}")
    kit._cell_text(r[1].cells[2].merge(r[1].cells[4]), "{{ p.competent }}")
    head(r[1].cells[5], "{{ L.实施单位 }}")
    kit._cell_text(r[1].cells[6].merge(r[1].cells[8]), "{{ p.implementing }}")
    # 项目资金（万元）: header row, then one row per 资金行 of the layout
    money = r[2].cells
    head(money[0], "{{ L.项目资金 }}")
    _vmerge(money[0], "restart")
    kit._cell_text(money[1].merge(money[2]), "")
    for i in range(6):
        head(money[3 + i], f"{{{{ L.资金列[{i}] }}}}")

    def fund_row(row: Any) -> None:
        kit._cell_text(row[1].merge(row[2]), "{{ f.label }}", "PG Cell Left")
        for i, key in enumerate(("initial", "budget", "executed", "weight", "rate", "score")):
            kit._cell_text(row[3 + i], f"{{{{ f.{key} }}}}")
    _loop_block(kit, t, 3, "", "{%tr for f in p.funds %}", fund_row)
    # 年度总体目标: 预期目标 | 实际完成情况
    g1, g2 = r[6].cells, r[7].cells
    head(g1[0].merge(g2[0]), "{{ L.年度总体目标 }}")
    head(g1[1].merge(g1[4]), "{{ L.预期目标 }}")
    head(g1[5].merge(g1[8]), "{{ L.实际完成情况 }}")
    kit._cell_text(g2[1].merge(g2[4]), "{{ p.expected|lines }}", "PG Cell Left")
    kit._cell_text(g2[5].merge(g2[8]), "{{ p.achieved|lines }}", "PG Cell Left")
    # 绩效指标: header, then one row per indicator, 一级 merged down
    h = r[8].cells
    head(h[0], "{{ L.绩效指标 }}")
    _vmerge(h[0], "restart")
    for i in range(8):
        head(h[1 + i], f"{{{{ L.指标列[{i}] }}}}")
    kit._set_row(r[8], header=False)

    def indicator_row(row: Any) -> None:
        kit._cell_text(row[1], "{% vm r.l1_first %}{{ r.l1 }}")
        kit._cell_text(row[2], "{% vm r.l2_first %}{{ r.l2 }}")
        kit._cell_text(row[3], "{{ r.l3 }}", "PG Cell Left")
        for i, key in enumerate(("target", "actual", "weight", "score")):
            kit._cell_text(row[4 + i], f"{{{{ r.{key} }}}}")
        kit._cell_text(row[8], "{{ r.reason|lines }}", "PG Cell Left")
    _loop_block(kit, t, 9, "", "{%tr for r in p.rows %}", indicator_row)
    # 总分 and the grade
    last = r[12].cells
    head(last[0].merge(last[5]), "{{ L.总分 }}")
    kit._cell_text(last[6], "{{ p.full }}")
    kit._cell_text(last[7], "{{ p.total }}")
    kit._cell_text(last[8], "{{ p.grade_line }}")
    for extra in (r[14], r[13]):
        extra._tr.getparent().remove(extra._tr)
    _page_break_between(doc, kit)
    kit.tag(doc, "{%p endfor %}")


def monitoring(doc: Any, kit: Any) -> None:
    """绩效运行监控表 (财预〔2019〕136号 practice) of one checkpoint, one per project."""
    kit.tag(doc, "{%p for p in projects %}")
    _head(doc, kit)
    t = kit.table(doc, 13, MONITORING)
    r = t.rows
    def head(cell: Any, text: str) -> None:
        kit._cell_text(cell, text, "PG Cell Head")
    head(r[0].cells[0].merge(r[0].cells[1]), "{{ L.项目名称 }}")
    kit._cell_text(r[0].cells[2].merge(r[0].cells[9]), "{{ p.name }}")
    head(r[1].cells[0].merge(r[1].cells[1]), "{{ L.主管部门 }}")
    kit._cell_text(r[1].cells[2].merge(r[1].cells[4]), "{{ p.competent }}")
    head(r[1].cells[5].merge(r[1].cells[6]), "{{ L.实施单位 }}")
    kit._cell_text(r[1].cells[7].merge(r[1].cells[9]), "{{ p.implementing }}")
    m1, m2 = r[2].cells, r[3].cells
    head(m1[0].merge(m2[1]), "{{ L.项目资金 }}")
    spans = ((2, 3), (4, 5), (6, 6), (7, 8), (9, 9))
    for i, (a, b) in enumerate(spans):
        head(m1[a].merge(m1[b]) if a != b else m1[a], f"{{{{ p.fund_columns[{i}] }}}}")
        kit._cell_text(m2[a].merge(m2[b]) if a != b else m2[a], f"{{{{ p.funds[{i}] }}}}")
    g = r[4].cells
    head(g[0].merge(g[1]), "{{ L.年度总体目标 }}")
    kit._cell_text(g[2].merge(g[9]), "{{ p.goals|lines }}", "PG Cell Left")
    h = r[5].cells
    head(h[0], "{{ L.绩效指标 }}")
    _vmerge(h[0], "restart")
    for i in range(9):
        head(h[1 + i], f"{{{{ p.indicator_columns[{i}] }}}}")

    def indicator_row(row: Any) -> None:
        kit._cell_text(row[1], "{% vm r.l1_first %}{{ r.l1 }}")
        kit._cell_text(row[2], "{% vm r.l2_first %}{{ r.l2 }}")
        kit._cell_text(row[3], "{{ r.l3 }}", "PG Cell Left")
        for i, key in enumerate(("target", "to_date", "forecast")):
            kit._cell_text(row[4 + i], f"{{{{ r.{key} }}}}")
        kit._cell_text(row[7], "{{ r.reason|lines }}", "PG Cell Left")
        kit._cell_text(row[8], "{{ r.likelihood }}")
        kit._cell_text(row[9], "{{ r.note|lines }}", "PG Cell Left")
    _loop_block(kit, t, 6, "", "{%tr for r in p.rows %}", indicator_row)
    for extra in (r[12], r[11], r[10], r[9]):
        extra._tr.getparent().remove(extra._tr)
    _page_break_between(doc, kit)
    kit.tag(doc, "{%p endfor %}")


def templates(kit: Any) -> dict[str, tuple[str, Any]]:
    """Entries for make_templates.TEMPLATES."""
    return {
        "results/selfeval": ("项目支出绩效自评表", lambda doc: selfeval(doc, kit)),
        "results/monitoring": ("项目支出绩效运行监控表", lambda doc: monitoring(doc, kit)),
    }
