"""Imported files are untrusted: oversized, damaged or odd files end in a Chinese message (exit 1 or
a located finding), never a hang, a MemoryError or exit 3, and no row is dropped silently."""
from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from perfgen.cli.app import cli
from perfgen.importer import limits

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
HEBEI = FIXTURES / "hebei_independent.docx"
XLSX = FIXTURES / "indicators_export.xlsx"
HEADER = ["项目编码", "项目名称", "预算数", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]


def run(ws: Path, path: Path, dept: str = "imported", *more: str):
    return CliRunner().invoke(cli, ["--root", str(ws), "import", str(path), "--dept", dept, "--year", "2025", *more],
                              catch_exceptions=False)


def assert_refused(r, *words: str) -> None:
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and "内部错误" not in r.output, r.output
    assert "提示：" in r.output, r.output
    for w in words:
        assert w in r.output, r.output


def _rezip(src: Path, change: dict[str, bytes | None] | None = None) -> dict[str, bytes]:
    with zipfile.ZipFile(src) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    for name, data in (change or {}).items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    return parts


def _write_zip(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _patch_headers(path: Path, member: str, *, flag: int | None = None, method: int | None = None) -> None:
    """Rewrite the general-purpose flag or compression method of one member in both zip headers."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for sig, flag_at, method_at, name_at in ((b"PK\x03\x04", 6, 8, 30), (b"PK\x01\x02", 8, 10, 46)):
        start = 0
        while (i := data.find(sig, start)) >= 0:
            if data[i + name_at:i + name_at + len(name)] == name:
                if flag is not None:
                    struct.pack_into("<H", data, i + flag_at, struct.unpack_from("<H", data, i + flag_at)[0] | flag)
                if method is not None:
                    struct.pack_into("<H", data, i + method_at, method)
            start = i + 4
    path.write_bytes(bytes(data))


def _sheet(rows: list[list[object]], far: tuple[str, object] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    for row in rows:
        ws.append(row)
    if far is not None:
        ws[far[0]] = far[1]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rows(n: int) -> list[list[object]]:
    rows: list[list[object]] = [HEADER]
    for i in range(n):
        first = i % 5 == 0
        rows.append([f"P{i // 5:05d}" if first else None, f"项目{i // 5}" if first else None, 1000 if first else None,
                     "产出指标", "数量指标", f"指标{i}", "描述", f"≥{i}件", "计划"])
    return rows


# ── zip packages ─────────────────────────────────────────────────────────────────────────────

def test_a_zip_bomb_is_refused_by_its_declared_size(workspace: Path, tmp_path: Path) -> None:
    huge = b"<w:document/>" + b" " * (limits.MAX_MEMBER_BYTES + 1)
    path = _write_zip(tmp_path / "炸弹.docx", _rezip(HEBEI, {"word/document.xml": huge}))
    assert path.stat().st_size < 1024 * 1024
    assert_refused(run(workspace, path), "解压后有", "超过上限")


def test_a_huge_title_in_the_metadata_is_ignored(tmp_path: Path) -> None:
    from perfgen.importer.docx_reader import read_docx
    core = (b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>'
            + "很长".encode() * 200_000 + b"</dc:title></cp:coreProperties>")
    path = _write_zip(tmp_path / "标题.docx", _rezip(HEBEI, {"docProps/core.xml": core}))
    assert read_docx(path).title == ""


@pytest.mark.parametrize("damage", ["deflate", "encrypted", "method99", "xml"])
def test_damaged_packages_get_a_chinese_error(damage: str, workspace: Path, tmp_path: Path) -> None:
    path = tmp_path / f"{damage}.docx"
    parts = _rezip(HEBEI)
    if damage == "xml":
        parts["word/document.xml"] = parts["word/document.xml"][:5000]
        _write_zip(path, parts)
        assert_refused(run(workspace, path), "不是合法的 XML")
        return
    _write_zip(path, parts)
    if damage == "deflate":
        data = bytearray(path.read_bytes())
        i = data.find(b"word/document.xml") + len("word/document.xml") + 200
        data[i:i + 64] = b"\xff" * 64
        path.write_bytes(bytes(data))
        assert_refused(run(workspace, path), "已损坏")
    elif damage == "encrypted":
        _patch_headers(path, "word/document.xml", flag=0x1)
        assert_refused(run(workspace, path), "经过加密")
    else:
        _patch_headers(path, "word/document.xml", method=99)
        assert_refused(run(workspace, path), "不认识的压缩方式")


def test_a_cell_spanning_two_billion_columns_is_refused(workspace: Path, tmp_path: Path) -> None:
    parts = _rezip(HEBEI)
    xml = parts["word/document.xml"].decode("utf-8")
    i = xml.index("<w:tc>")
    xml = xml[:i] + '<w:tc><w:tcPr><w:gridSpan w:val="2147483647"/></w:tcPr><w:p/></w:tc>' + xml[i:]
    path = _write_zip(tmp_path / "跨列.docx", {**parts, "word/document.xml": xml.encode("utf-8")})
    t = time.monotonic()
    assert_refused(run(workspace, path), "超出表格能容纳的")
    assert time.monotonic() - t < 20


# ── spreadsheets ─────────────────────────────────────────────────────────────────────────────

@pytest.mark.slow  # times two large sheets (≈4 s): not part of the development loop
def test_a_long_sheet_reads_in_linear_time(tmp_path: Path) -> None:
    from perfgen.importer.report import Reporter
    from perfgen.importer.xlsx import read
    path = tmp_path / "长表.xlsx"
    path.write_bytes(_sheet(_rows(5000)))
    t = time.monotonic()
    doc = read(path, Reporter(path.name))
    took = time.monotonic() - t
    assert len(doc.projects) == 1000 and sum(len(p.indicators) for p in doc.projects) == 5000
    assert took < 15, took  # 2k rows took 9 s, 10k rows 278 s when every row re-read ws.max_column


def test_a_far_cell_and_a_sheet_wide_merge_do_not_blow_up(workspace: Path, tmp_path: Path) -> None:
    from perfgen.importer.report import Reporter
    from perfgen.importer.xlsx import read_sheets
    parts = _rezip_bytes(_sheet(_rows(10), far=("XFD1048576", "远处")))
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")  # openpyxl itself would build 17 billion cells
    sheet = sheet.replace("</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A6:XFD1048576"/></mergeCells>')
    assert "A6:XFD1048576" in sheet
    path = _write_zip(tmp_path / "远.xlsx", {**parts, "xl/worksheets/sheet1.xml": sheet.encode("utf-8")})
    rep = Reporter(path.name)
    t = time.monotonic()
    ((_, table),) = read_sheets(path, rep)
    assert time.monotonic() - t < 10
    assert len(table.rows) <= limits.MAX_ROWS and table.width <= limits.MAX_COLUMNS
    assert any("未导入" in f.message for f in rep.items), [f.message for f in rep.items]


@pytest.mark.parametrize("value, words", [("1e309", "超出范围"), ("abc", "内容“abc”却不是数字"), ("NaN", "内容“NaN”却不是数字")])
def test_odd_numbers_in_cells_get_a_chinese_message(value: str, words: str, workspace: Path, tmp_path: Path) -> None:
    raw = _sheet(_rows(3))
    parts = _rezip_bytes(raw)
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    # the 预算数 of the first project, typed as a number
    sheet = sheet.replace('<c r="C2" t="n"><v>1000</v></c>', f'<c r="C2" t="n"><v>{value}</v></c>')
    assert value in sheet
    path = _write_zip(tmp_path / "数字.xlsx", {**parts, "xl/worksheets/sheet1.xml": sheet.encode("utf-8")})
    r = run(workspace, path)
    assert "Traceback" not in r.output and "内部错误" not in r.output, r.output
    assert words in r.output, r.output
    assert r.exit_code in (0, 1), r.output  # a finding in the import's list, or refused as damaged


def test_malformed_sheet_xml_is_a_chinese_error(workspace: Path, tmp_path: Path) -> None:
    parts = _rezip_bytes(_sheet(_rows(3)))
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:400]
    path = _write_zip(tmp_path / "坏表.xlsx", parts)
    assert_refused(run(workspace, path), "已损坏")


def test_an_indicator_row_before_the_first_project_is_reported(workspace: Path, tmp_path: Path) -> None:
    rows = _rows(3)
    rows.insert(1, [None, None, None, "产出指标", "数量指标", "孤儿指标", "描述", "≥1件", "计划"])
    path = tmp_path / "孤行.xlsx"
    path.write_bytes(_sheet(rows))
    r = run(workspace, path, "imported", "--dry-run")
    assert "孤儿指标" in r.output and "不属于任何项目" in r.output, r.output


def _rezip_bytes(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


# ── the department it goes into ──────────────────────────────────────────────────────────────

def test_an_invalid_existing_department_yaml_stops_the_import_with_its_findings(workspace: Path) -> None:
    dept = workspace / "departments" / "demo" / "department.yaml"
    dept.write_text(dept.read_text(encoding="utf-8") + "版式: [1, 2]\n", encoding="utf-8")
    r = run(workspace, XLSX, "demo")
    assert_refused(r, "departments/demo/department.yaml:", "不能在它的基础上导入")


def test_a_300_character_department_id_is_a_usage_error(workspace: Path) -> None:
    r = run(workspace, XLSX, "a" * 300)
    assert r.exit_code == 2 and "部门 id" in r.output and "Traceback" not in r.output, r.output
