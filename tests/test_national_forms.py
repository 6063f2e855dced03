"""The national 申报表 forms (财预〔2015〕88号 family) render from their shipped examples.

The expected document text of each example is a snapshot (tests/snapshots/national-*.txt: one line
per paragraph, one `| … |` line per table row, ↑ for a cell merged with the one above); the labels
the form must print are also asserted in reading order, and each layout setting that shapes the
table (columns, rows, placeholders, headers) has a test that changes it in 版式 only.
"""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import CASES, ROOT, assert_snapshot, make_workspace
from lxml import etree

from perfgen import cache
from perfgen.load import load_workspace
from perfgen.render.document import render_department

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(el: etree._Element) -> str:
    paras = []
    for p in el.iter(W + "p"):
        paras.append("".join((t.text or "") if t.tag == W + "t" else "⏎" for t in p.iter(W + "t", W + "br")))
    return "⏎".join(paras)


def document_text(docx: bytes) -> str:
    """Paragraphs as lines; table rows as `| a | b |` with ↑ for a vertically merged cell."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    lines = []
    for child in root.find(W + "body"):
        if child.tag == W + "p":
            lines.append(_text(child))
        elif child.tag == W + "tbl":
            for tr in child.iter(W + "tr"):
                cells = []
                for tc in tr.findall(W + "tc"):
                    vm = tc.find(f"{W}tcPr/{W}vMerge")
                    cells.append("↑" if vm is not None and vm.get(W + "val") in (None, "continue") else _text(tc))
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render(root: Path, dept: str, year: int = 2026) -> str:
    result = load_workspace(root)
    assert [f.format() for f in result.errors] == []
    return document_text(render_department(root, result.workspace.departments[dept].years[year]).docx)


def assert_in_order(text: str, labels: list[str]) -> None:
    at = 0
    for label in labels:
        found = text.find(label, at)
        assert found >= 0, f"“{label}” missing after position {at}:\n{text[at:at + 300]}"
        at = found + len(label)


PROJECT_LABELS = [
    "项目支出绩效目标申报表", "（2026年度）", "| 项目名称 | 公共法律服务体系建设 |",
    "| 主管部门及代码 |", "| 实施单位 |", "| 项目属性 |", "| 项目期 | 2025年－2027年 |",
    "| 项目资金（万元） | 中期资金总额 | 360 | 年度资金总额 | 120 |",
    "| ↑ | 其中：财政拨款 | 300 | 其中：财政拨款 | 100 |", "| ↑ | 其他资金 | 60 | 其他资金 | 20 |",
    "| 总体目标 | 中期目标（2025年－2027年） | 年度目标 |", "| ↑ | 目标1：", "⏎目标2：", "| 目标1：", "⏎目标2：",
    "| 绩效指标 | 一级指标 | 中期指标 | 年度指标 |",
    "| ↑ | ↑ | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值 |",
    "|  | 产出指标 | 数量指标 |", "| ↑ | ↑ | 时效指标 | 指标1： |",
    "| ↑ | 效益指标 | 经济效益指标 | 指标1： |  | 经济效益指标 | 指标1： |  |",
    "| ↑ | ↑ | ↑ | 指标2： |  | ↑ | 指标2： |  |", "| ↑ | 满意度指标 | 服务对象满意度指标 |",
    "项目支出绩效目标申报表", "| 项目名称 | 人民调解员培训 |", "| 项目期 | 1年 |",
]

DEPARTMENT_LABELS = [
    "部门（单位）整体支出绩效目标申报表", "（2026年度）", "| 部门（单位）名称 | 某县司法局（示例） |",
    "| 年度主要任务 | 任务名称 | 主要内容 | 预算金额（万元） |", "| ↑ | ↑ | ↑ | 总额 | 财政拨款 | 其他资金 |",
    "| ↑ | 公共法律服务 |", "| ↑ | 普法宣传 |", "| ↑ | 金额合计 | 150 | 137 | 13 |",
    "| 年度总体目标 | 目标1：", "⏎目标2：", "⏎目标3：",
    "| 年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |",
    "|  | 产出指标 | 数量指标 | 提供法律咨询 | ≥8000人次 |",
    "| ↑ | ↑ | ↑ | 社区矫正对象重新违法犯罪率 | ≤0.2% |",   # 符号/值/单位 written apart, printed as one
    "| ↑ | ↑ | 成本指标 | 指标1： |  |", "| ↑ | ↑ | ↑ | 指标2： |  |", "| ↑ | 满意度指标 |",
]


def test_project_form_prints_every_label_in_order(shipped: Path) -> None:
    text = render(shipped, "shili-xiangmu")
    assert_snapshot("national-project-shili-xiangmu.txt", text)
    assert_in_order(text, PROJECT_LABELS)
    assert text.count("产出指标") == 2          # 一级 merged down: printed once per project table


def test_department_form_prints_every_label_in_order(shipped: Path) -> None:
    text = render(shipped, "shili-zhengti")
    assert_snapshot("national-department-shili-zhengti.txt", text)
    assert_in_order(text, DEPARTMENT_LABELS)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    for dept in ("shili-xiangmu", "shili-zhengti"):
        shutil.copytree(ROOT / "departments" / dept, root / "departments" / dept)
    return root


def _layout(root: Path, dept: str, lines: str) -> None:
    path = root / "departments" / dept / "department.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "版式:\n" + lines, encoding="utf-8")


def test_split_value_columns_are_a_layout_setting(ws: Path) -> None:
    _layout(ws, "shili-zhengti", "  指标值分列: true\n")
    text = render(ws, "shili-zhengti")
    assert "| 年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 符号 | 值 | 单位 |" in text
    assert "| 社区矫正对象重新违法犯罪率 | ≤ | 0.2 | % |" in text      # written as 符号/值/单位
    assert "| 提供法律咨询 | ≥ | 8000 | 人次 |" in text                 # one string, taken apart
    assert "| ↑ | ↑ | 成本指标 | 指标1： |  |  |  |" in text


def test_rows_follow_the_layout(ws: Path) -> None:
    _layout(ws, "shili-xiangmu", "  表格行: [项目名称, 总体目标, 绩效指标]\n  项目资金栏: 资金\n")
    text = render(ws, "shili-xiangmu")
    assert "中期资金总额" not in text and "主管部门及代码" not in text and "项目属性" not in text
    assert_in_order(text, ["| 项目名称 |", "| 总体目标 |", "| 绩效指标 |"])


def test_labels_placeholders_and_headers_are_layout_settings(ws: Path) -> None:
    _layout(ws, "shili-xiangmu", '  占位标签: ""\n  占位行数: 1\n  中期指标栏: ""\n  目标编号: "{n}."\n'
                                 '  项目名称栏: 项目名称（全称）\n')
    text = render(ws, "shili-xiangmu")
    assert "指标1：" not in text and "中期指标" not in text and "目标1：" not in text
    assert "| 项目名称（全称） | 公共法律服务体系建设 |" in text
    assert "| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值 |" in text
    assert "| ↑ | 效益指标 | 经济效益指标 |  |  | 经济效益指标 |  |  |" in text
    assert "| ↑ | ↑ | ↑ |  |  | ↑ |  |  |" not in text.split("经济效益指标")[1].split("社会效益指标")[0]
    assert "| ↑ | 1.三年内" in text


def test_a_project_without_midterm_prints_blank_midterm_cells(ws: Path) -> None:
    path = ws / "departments/shili-xiangmu/2026/projects/renmin-tiaojie-peixun.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("中期:\n"), text.index("绩效指标:\n  - 二级指标: 数量指标\n    三级指标: 培训人民调解员")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    out = render(ws, "shili-xiangmu").split("人民调解员培训")[1]
    assert "| 总体目标 | 中期目标（\u3000\u3000年－\u3000\u3000年） | 年度目标 |" in out
    assert "| 项目资金（万元） | 中期资金总额 |  | 年度资金总额 | 30 |" in out
    assert "|  | 产出指标 | 数量指标 | 指标1： |  | 数量指标 | 培训人民调解员 | ≥600人次 |" in out


def test_midterm_survives_the_parse_cache(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", CASES / "valid" / "national-forms")
    project = load_workspace(ws).workspace.departments["guojia"].years[2025].projects[0]
    assert project.midterm is not None and project.midterm.indicators[0].number_text == "30"
    back = cache.decode(cache.encode(project, typed=True), typed=True)
    project.raw = {}
    assert back == project
    again = load_workspace(ws).workspace.departments["guojia"].years[2025].projects[0]   # from the cache
    assert again.midterm == project.midterm and again.indicators[0].sign == "≥"


def test_template_list_names_every_form_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from perfgen.cli.app import cli
    ws = tmp_path / "ws"
    (ws / "departments").mkdir(parents=True)
    r = CliRunner().invoke(cli, ["--root", str(ws), "template", "list"])
    assert r.exit_code == 0, r.output
    lines = {line.split()[0]: line for line in r.output.splitlines() if line and not line.startswith("选用")}
    assert set(lines) == {"hebei", "ningxia-attachment3", "national-project", "national-department"}
    assert "项目支出绩效目标申报表" in lines["national-project"] and "88号" in lines["national-project"]
    assert "部门（单位）整体支出绩效目标申报表" in lines["national-department"]
    assert "工作区" not in r.output
    assert "yaml-language-server" not in r.output, r.output   # the layout.yaml's first line is the editor's
    assert lines["hebei"].split(None, 1)[1].startswith("河北“部门预算绩效信息”"), r.output
    CliRunner().invoke(cli, ["--root", str(ws), "template", "copy", "national-project", "--as", "sheng-xiangmu"])
    again = CliRunner().invoke(cli, ["--root", str(ws), "template", "list"]).output
    assert any(line.startswith("sheng-xiangmu") and "工作区" in line for line in again.splitlines())
    assert "yaml-language-server" not in again, again


def test_every_national_layout_key_has_a_schema_entry() -> None:
    """schemas/fragments/layout-national.json describes each key the two layouts set (for the layout
    schema), with the {fields} its format may use: the fields the view fills in."""
    import json

    import yaml
    fragment = json.loads((ROOT / "schemas/fragments/layout-national.json").read_text(encoding="utf-8"))["properties"]
    shared = {"表名", "空类别占位", "占位标签", "金额格式", "指标组不跨页"}
    for name in ("national-project", "national-department"):
        layout = yaml.safe_load((ROOT / "templates" / name / "layout.yaml").read_text(encoding="utf-8"))
        for key, value in layout.items():
            assert key in fragment or key in shared, (name, key)
            if key in fragment:
                entry = fragment[key]
                assert entry["title"] and entry["description"], key
                if key == "表格行":
                    assert set(value) <= set(entry["items"]["enum"])
                elif isinstance(value, str):
                    used = set(re.findall(r"\{([^{}]+)\}", value))
                    assert used <= set(entry["x-fields"]), key
