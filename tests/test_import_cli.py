"""`perfgen import` on the command line: nothing overwritten without --force, --dry-run writes
nothing, bad files get a clear Chinese error and exit 1, re-importing a department's own document
gives back its data."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import assert_snapshot
from docx import Document
from openpyxl import Workbook

from perfgen.build import BuildOptions, build
from perfgen.cli.app import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
HEBEI = FIXTURES / "hebei_independent.docx"


def run(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(ws), "import", *args], catch_exceptions=False)


def _tree(ws: Path) -> dict[str, bytes]:
    return {p.relative_to(ws).as_posix(): p.read_bytes() for p in sorted((ws / "departments").rglob("*")) if p.is_file()}


def test_dry_run_shows_the_files_and_writes_nothing(workspace: Path) -> None:
    before = _tree(workspace)
    r = run(workspace, str(HEBEI), "--dept", "sifaju", "--year", "2025", "--dry-run")
    assert r.exit_code == 0, r.output
    assert "将写入 4 个文件" in r.output
    assert "=== departments/sifaju/2025/projects/sifaju-01.yaml ===" in r.output
    assert '预算数: "120000.00"' in r.output
    assert _tree(workspace) == before


def test_existing_files_are_never_overwritten_without_force(workspace: Path) -> None:
    assert run(workspace, str(HEBEI), "--dept", "sifaju", "--year", "2025").exit_code == 0
    goals = workspace / "departments/sifaju/2025/goals.yaml"
    goals.write_text(goals.read_text(encoding="utf-8") + "# 我加的注释\n", encoding="utf-8")
    before = _tree(workspace)
    r = run(workspace, str(HEBEI), "--dept", "sifaju", "--year", "2025")
    assert r.exit_code == 1
    assert "已存在，未做任何改动" in r.output and "--force" in r.output
    assert _tree(workspace) == before
    r = run(workspace, str(HEBEI), "--dept", "sifaju", "--year", "2025", "--dry-run")
    assert r.exit_code == 0 and "实际导入时需要加 --force" in r.output and _tree(workspace) == before
    r = run(workspace, str(HEBEI), "--dept", "sifaju", "--year", "2025", "--force")
    assert r.exit_code == 0 and "覆盖 departments/sifaju/2025/goals.yaml" in r.output
    assert "我加的注释" not in goals.read_text(encoding="utf-8")
    # the department existed: department.yaml is kept as the user has it
    assert "覆盖 departments/sifaju/department.yaml" not in r.output


def test_reimporting_a_departments_own_document_gives_back_its_data(workspace: Path, tmp_path: Path) -> None:
    build(workspace, BuildOptions(out=tmp_path / "out", volume=False))
    projects = workspace / "departments/demo/2025/projects"
    before = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in projects.glob("*.yaml")}
    r = run(workspace, str(tmp_path / "out/2025/demo.docx"), "--dept", "demo", "--year", "2025", "--force")
    assert r.exit_code == 0, r.output
    assert "检查通过" in r.output
    after = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in projects.glob("*.yaml")}
    assert sorted(after) == sorted(before)          # the same files: ids found again by 项目编码
    for name, data in before.items():
        assert after[name]["预算"] == data["预算"]
        assert after[name]["绩效指标"] == data["绩效指标"], name
    goals = yaml.safe_load((workspace / "departments/demo/2025/goals.yaml").read_text(encoding="utf-8"))
    assert goals["项目顺序"] == ["alpha", "beta"] and "版式" not in goals


EXPLANATION = """说明:
  项目概况: 见义勇为基金用于表彰奖励见义勇为人员。
  资金安排:
    - 1、表彰奖励，安排3万元。
    - 2、慰问，安排2万元。
  绩效目标: 弘扬社会正气。
  绩效指标: 1、对应目标一设置1项产出指标。
  评价标准: 1、按省市文件。
"""
GAMMA = """项目名称: 法律顾问
责任科室: 司法办
预算:
  预算数: "30000.00"
说明:
  项目概况: 聘请常年法律顾问。
  绩效目标: 依法决策。
  绩效指标: 1、法律顾问服务次数。
  评价标准: 1、按合同约定。
  结语: ""
"""


def test_explanations_go_to_their_projects(workspace: Path, tmp_path: Path) -> None:
    """A project with an explanation and a table, and one known only by its explanation."""
    projects = workspace / "departments/demo/2025/projects"
    alpha_file = projects / "alpha.yaml"
    alpha_file.write_text(alpha_file.read_text(encoding="utf-8").replace("资金用途:", "责任科室: 综治办\n资金用途:", 1)
                          + EXPLANATION, encoding="utf-8")
    (projects / "gamma.yaml").write_text(GAMMA, encoding="utf-8")
    goals = workspace / "departments/demo/2025/goals.yaml"
    goals.write_text(goals.read_text(encoding="utf-8").replace("项目顺序: [alpha, beta]", "项目顺序: [gamma, alpha, beta]"),
                     encoding="utf-8")
    build(workspace, BuildOptions(out=tmp_path / "out", volume=False))
    r = run(workspace, str(tmp_path / "out/2025/demo.docx"), "--dept", "copy", "--year", "2025")
    assert r.exit_code == 0, r.output
    imported = {p.name: yaml.safe_load(p.read_text(encoding="utf-8"))
                for p in (workspace / "departments/copy/2025/projects").glob("*.yaml")}
    by_name = {d["项目名称"]: d for d in imported.values()}
    assert sorted(by_name) == ["法律顾问", "社会治理工作经费", "见义勇为基金"]
    gamma, alpha = by_name["法律顾问"], by_name["见义勇为基金"]
    assert gamma["预算"] == {"预算数": "30000.00"} and gamma["责任科室"] == "司法办"
    assert gamma["说明"] == {"项目概况": "聘请常年法律顾问。", "绩效目标": "依法决策。", "绩效指标": "1、法律顾问服务次数。",
                           "评价标准": "1、按合同约定。", "结语": ""}
    assert alpha["责任科室"] == "综治办" and alpha["说明"]["资金安排"] == ["1、表彰奖励，安排3万元。", "2、慰问，安排2万元。"]
    assert "资金安排总述" not in alpha["说明"] and "结语" not in alpha["说明"]
    assert alpha["绩效指标"] == yaml.safe_load(alpha_file.read_text(encoding="utf-8"))["绩效指标"]


def test_xlsx_into_an_existing_year_writes_only_projects(workspace: Path) -> None:
    goals = workspace / "departments/demo/2025/goals.yaml"
    before = goals.read_bytes()
    r = run(workspace, str(FIXTURES / "indicators_export.xlsx"), "--dept", "demo", "--year", "2025")
    assert r.exit_code == 0, r.output
    assert goals.read_bytes() == before
    assert "项目顺序中没有新导入的项目：demo-01、demo-02" in r.output
    assert (workspace / "departments/demo/2025/projects/demo-01.yaml").exists()


# -- bad files --------------------------------------------------------------------------------------

def _ole(extra: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + extra + b"\x00" * 512


def _zip(entries: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in entries.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _unrelated_docx() -> bytes:
    doc = Document()
    doc.add_paragraph("关于召开年度工作会议的通知")
    t = doc.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "时间", "地点"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _headerless_xlsx() -> bytes:
    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BAD_FILES = {
    "文本改名.docx": (lambda: "这不是 Word 文档".encode(), "不是 Word（.docx）或 Excel（.xlsx）文件"),
    "加密.docx": (lambda: _ole("EncryptedPackage".encode("utf-16-le")), "设置了打开密码"),
    "旧版.doc": (lambda: _ole(b"WordDocument"), "旧版 Word/Excel 格式"),
    "损坏.docx": (lambda: b"PK\x03\x04" + b"\x00" * 40, "已损坏"),
    "其他压缩包.docx": (lambda: _zip({"readme.txt": "hi"}), "不是 Word（.docx）或 Excel（.xlsx）文件"),
    "会议通知.docx": (_unrelated_docx, "没有可识别的绩效目标表"),
    "通讯录.xlsx": (_headerless_xlsx, "没有可识别的指标表"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_get_a_clear_error_and_exit_1(name: str, workspace: Path, tmp_path: Path) -> None:
    make, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(make())
    before = _tree(workspace)
    r = run(workspace, str(path), "--dept", "demo2", "--year", "2025")
    assert r.exit_code == 1, r.output
    assert message in r.output and "提示：" in r.output and "Traceback" not in r.output
    assert _tree(workspace) == before


def test_bad_file_messages(workspace: Path, tmp_path: Path) -> None:
    out = []
    for name in sorted(BAD_FILES):
        path = tmp_path / name
        path.write_bytes(BAD_FILES[name][0]())
        out.append(f"$ perfgen import {name}\n" + run(workspace, str(path), "--dept", "x", "--year", "2025").output)
    out.append("$ perfgen import 不存在.docx\n" + run(workspace, str(tmp_path / "不存在.docx"), "--dept", "x",
                                                     "--year", "2025").output.replace(str(tmp_path), "…"))
    assert_snapshot("import/bad_files.txt", "\n".join(out))


def test_missing_file_and_bad_options(workspace: Path) -> None:
    r = run(workspace, "nope.docx", "--dept", "x", "--year", "2025")
    assert r.exit_code == 1 and "找不到文件" in r.output
    r = run(workspace, str(HEBEI), "--dept", "Bad_ID", "--year", "2025")
    assert r.exit_code == 2 and "部门 id" in r.output
    r = run(workspace, str(HEBEI), "--dept", "x", "--year", "25")
    assert r.exit_code == 2 and "年度" in r.output


def test_a_document_of_another_layout_is_refused_for_an_existing_department(workspace: Path) -> None:
    r = run(workspace, str(FIXTURES / "ningxia_independent.docx"), "--dept", "demo", "--year", "2025")
    assert r.exit_code == 1
    assert "使用模板“hebei”" in r.output and "ningxia-attachment3" in r.output
