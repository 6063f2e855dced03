"""The importer's words are data (perfgen/importer/labels.yaml, checked by schemas/labels.schema.json),
and a workspace's own importer/labels.yaml changes what the importer recognises."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from perfgen.cli.app import cli
from perfgen.importer import labels

HEBEI = Path(__file__).resolve().parent / "fixtures" / "import" / "hebei_independent.docx"
CODE = '项目编码: "13022925P00004610101A"'


def _renamed_label(tmp_path: Path, old: str, new: str) -> Path:
    """The fixture with one table label spelled otherwise, as another region might print it."""
    out = io.BytesIO()
    with zipfile.ZipFile(HEBEI) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.decode("utf-8").replace(old, new).encode("utf-8")
            dst.writestr(info, data)
    path = tmp_path / "renamed.docx"
    path.write_bytes(out.getvalue())
    return path


def _import(ws: Path, docx: Path) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--root", str(ws), "import", str(docx), "--dept", "sifaju", "--year", "2025",
                                 "--dry-run"], catch_exceptions=False)
    return r.exit_code, r.output


def _own_labels(ws: Path, text: str) -> None:
    (ws / "importer").mkdir(exist_ok=True)
    (ws / "importer" / "labels.yaml").write_text(text, encoding="utf-8")


def test_the_shipped_file_is_valid_and_has_every_group() -> None:
    schema = json.loads((ROOT / "schemas" / "labels.schema.json").read_text(encoding="utf-8"))
    data = labels.shipped().data
    assert sorted(data) == sorted(schema["properties"])
    for group in ("句式", "词语"):
        assert sorted(data[group]) == sorted(schema["properties"][group]["properties"])
    for name in data["句式"]:
        labels.pattern(name)


def test_a_workspace_label_is_recognised(workspace: Path, tmp_path: Path) -> None:
    docx = _renamed_label(tmp_path, "项目编码", "项目识别号")
    code, out = _import(workspace, docx)
    assert code == 0 and CODE not in out                 # the shipped words do not know 项目识别号
    _own_labels(workspace, "表格标签:\n  项目编码: [项目编码, 项目识别号]\n")
    code, out = _import(workspace, docx)
    assert code == 0, out
    assert CODE in out


def test_a_workspace_entry_replaces_the_shipped_one_and_the_rest_stays(workspace: Path) -> None:
    _own_labels(workspace, "表格标签:\n  预算数: [项目经费]\n")
    own = labels.load(workspace).data
    assert own["表格标签"]["预算数"] == ["项目经费"]
    assert own["表格标签"]["项目名称"] == labels.shipped().data["表格标签"]["项目名称"]
    assert own["句式"] == labels.shipped().data["句式"]
    assert labels.shipped().data["表格标签"]["预算数"] != ["项目经费"]   # the shipped words are not touched


@pytest.mark.parametrize("text, where, words", [
    ("表格标签:\n  项目编号: [编号]\n", "importer/labels.yaml:2", "项目编号"),
    ("表格标签:\n  项目编码: 编号\n", "importer/labels.yaml:2", "项目编码"),
    ("句式:\n  金额单位: '单位(万元'\n", "importer/labels.yaml:2", "正则表达式"),
    ("标签们: {}\n", "importer/labels.yaml:1", "标签们"),
    ("表格标签: [\n", "importer/labels.yaml:", ""),
])
def test_a_broken_workspace_file_is_a_located_chinese_error(workspace: Path, text: str, where: str,
                                                            words: str) -> None:
    _own_labels(workspace, text)
    code, out = _import(workspace, HEBEI)
    assert code == 1, out
    assert "importer/labels.yaml 有错误" in out and where in out and words in out, out
    assert "Traceback" not in out


def test_validate_reports_a_labels_path_that_import_would_refuse(workspace: Path) -> None:
    """importer/labels.yaml as a folder stops every import: validate says so, not 没有发现问题."""
    (workspace / "importer" / "labels.yaml").mkdir(parents=True)
    code, out = _import(workspace, HEBEI)
    assert code == 1 and "importer/labels.yaml 有错误" in out, out
    r = CliRunner().invoke(cli, ["--root", str(workspace), "validate"], catch_exceptions=False)
    assert r.exit_code == 1, r.output
    assert "importer/labels.yaml" in r.output and "不是普通文件" in r.output, r.output
