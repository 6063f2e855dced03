"""Documents NOT produced by perfgen import cleanly: their own merges, spacing and full-width
characters are read, what cannot be placed is reported with table and row, the YAML validates.

Every .docx/.xlsx in tests/fixtures/import/ is a case (years in cases.yaml); the command's output
and the YAML it writes are compared with tests/snapshots/import/<file>.txt.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import assert_snapshot

from perfgen.cli.app import cli
from perfgen.importer.run import ImportOptions, import_file
from perfgen.load import load_workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
CASES = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))
FILES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".docx", ".xlsx"))


def _empty_workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "departments").mkdir(parents=True)
    return ws


def _imported(tmp_path: Path, name: str) -> tuple[Path, dict[str, Any]]:
    """Import one fixture; return the workspace and {relative path: parsed YAML}."""
    ws = _empty_workspace(tmp_path)
    case = CASES[name]
    report = import_file(ws, ImportOptions(file=FIXTURES / name, dept=case["部门"], year=case["年度"]))
    assert report.validation == []
    data = {f.rel: yaml.safe_load(f.path.read_text(encoding="utf-8")) for f in report.files}
    return ws, data


def _projects(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for k, v in sorted(data.items()) if "/projects/" in k]


def test_every_fixture_has_a_case() -> None:
    assert {p.name for p in FILES} == set(CASES)
    assert {"hebei_independent.docx", "ningxia_independent.docx", "indicators_export.xlsx"} <= set(CASES)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_fixture_imports_cleanly(path: Path, tmp_path: Path) -> None:
    ws = _empty_workspace(tmp_path)
    case = CASES[path.name]
    r = CliRunner().invoke(cli, ["--root", str(ws), "import", str(path), "--dept", case["部门"],
                                 "--year", str(case["年度"])], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "错误:" not in r.output and "Traceback" not in r.output
    result = load_workspace(ws)
    assert [f.format() for f in result.findings] == []
    written = sorted((ws / "departments").rglob("*.yaml"))
    text = r.output + "".join(f"\n=== {p.relative_to(ws).as_posix()} ===\n" + p.read_text(encoding="utf-8")
                              for p in written)
    assert_snapshot(f"import/{path.stem}.txt", text)


def test_hebei_document_typed_by_hand(tmp_path: Path) -> None:
    _ws, data = _imported(tmp_path, "hebei_independent.docx")
    dept = data["departments/sifaju/department.yaml"]
    assert dept["名称"] == "某某县司法局" and dept["单位编码"] == "401001" and dept["单位名称"] == "某某县司法局本级"
    assert dept["版式"] == {"支出计划小数位": 0, "金额零值": "", "工作保障措施标题": "保障措施"}
    goals = data["departments/sifaju/2025/goals.yaml"]
    assert goals["总体绩效目标"][0].startswith("一是健全") and "120件" in goals["总体绩效目标"][0]
    assert [s["标题"] for s in goals["分项绩效目标"]] == ["人民调解", "法律援助"]
    assert goals["分项绩效目标"][0]["职责描述"] == "指导全县人民调解工作，培训人民调解员。"
    assert goals["分项绩效目标"][1]["绩效目标"] == ["为困难群众提供法律援助，", "维护其合法权益。"]
    one, two = _projects(data)
    assert one["预算"] == {"预算数": "120000.00", "财政资金": "120000.00", "其他资金": "0.00"}
    assert two["预算"]["预算数"] == "80000.00"            # typed “8万元” in a form whose unit is 元
    assert one["支出计划"] == {"3月底": 25, "6月底": 50, "10月底": 75, "12月底": 100}
    values = [i["指标值"] for i in one["绩效指标"]]
    assert values == ["≥300件", "≥95%", "100%", "≤2000元", "有效化解", "长期", "≥90%"]
    assert one["绩效指标"][5]["三级指标"] == "人民调解队伍稳定"
    assert [i["二级指标"] for i in two["绩效指标"]][-1] == "服务对象满意度指标"


def test_unplaced_content_is_reported_with_table_and_row(tmp_path: Path) -> None:
    ws = _empty_workspace(tmp_path)
    report = import_file(ws, ImportOptions(file=FIXTURES / "hebei_independent.docx", dept="x", year=2025))
    said = [f.format() for f in report.findings]
    assert any("表1 › 第17行" in s and "注：本表金额单位为元。" in s for s in said), said
    assert any("表1 › 第15行" in s and "空白的指标行" in s for s in said), said
    assert any("第1段" in s and "某某县司法局2025年部门预算绩效信息" in s for s in said), said
    assert all(s.startswith("hebei_independent.docx: ") for s in said)


def test_ningxia_attachment_typed_by_hand(tmp_path: Path) -> None:
    _ws, data = _imported(tmp_path, "ningxia_independent.docx")
    dept = data["departments/sifaju-nx/department.yaml"]
    assert dept["模板"] == "ningxia-attachment3" and dept["主管部门"] == "某某县司法局"
    assert dept["版式"]["项目名称格式"] == "{项目名称}"      # names not printed as “项目1…”
    assert dept["版式"]["占位标签"] == "指标{n}："          # the full-width colon as typed
    one, two = _projects(data)
    assert one["预算"] == {"预算数": "200000.00"}            # “２０万元”
    assert one["绩效目标"] == ["加强社区矫正对象监督管理，", "防止重新违法犯罪。"]
    assert one["本级绩效目标"] == "完成社区矫正对象教育帮扶。"
    rows = one["绩效指标"]
    assert rows[1] == {"二级指标": "质量指标", "三级指标": "社区矫正对象再犯罪率", "指标值": "≤1%"}
    assert {"二级指标": "时效指标", "占位": True} in rows
    assert rows[-1]["指标值"] == "≥90%"
    assert "实施单位" not in one and two["实施单位"] == "某某县公共法律服务中心"
    assert two["绩效指标"][1] == {"二级指标": "数量指标", "占位": True}


def test_libreoffice_copy_imports_to_the_same_data(tmp_path: Path) -> None:
    _a, word = _imported(tmp_path / "a", "hebei_independent.docx")
    _b, office = _imported(tmp_path / "b", "hebei_libreoffice.docx")
    assert _projects(word) == _projects(office)
    strip = lambda g: {k: v for k, v in g.items() if k != "项目顺序"}  # noqa: E731
    assert strip(word["departments/sifaju/2025/goals.yaml"]) == strip(office["departments/sifaju-lo/2025/goals.yaml"])


def test_xlsx_imports_to_the_same_indicators_as_its_docx_twin(tmp_path: Path) -> None:
    _a, word = _imported(tmp_path / "a", "hebei_independent.docx")
    _b, sheet = _imported(tmp_path / "b", "indicators_export.xlsx")
    by_code = lambda data: {p["项目编码"]: p for p in _projects(data)}  # noqa: E731
    docx_projects, xlsx_projects = by_code(word), by_code(sheet)
    assert set(docx_projects) == set(xlsx_projects) and len(docx_projects) == 2
    for code, p in docx_projects.items():
        assert xlsx_projects[code]["绩效指标"] == p["绩效指标"], code
        assert xlsx_projects[code]["项目名称"] == p["项目名称"]
        assert xlsx_projects[code]["预算"]["预算数"] == p["预算"]["预算数"]
    assert sheet["departments/sifaju-xlsx/department.yaml"]["单位编码"] == "401001"
