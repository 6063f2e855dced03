"""The importer reads with the complete layout — the template's layout.yaml over the layout schema's
defaults — and has no wording of its own: changing either source changes what it recognises."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT

from perfgen.cli.app import cli
from perfgen.model import layout as layout_model

HEBEI = Path(__file__).resolve().parent / "fixtures" / "import" / "hebei_independent.docx"
RECOGNISED = '职责描述: "指导全县人民调解工作，培训人民调解员。"'


def _import(ws: Path) -> str:
    r = CliRunner().invoke(cli, ["--root", str(ws), "import", str(HEBEI), "--dept", "sifaju", "--year", "2025",
                                 "--dry-run"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def _own_hebei(ws: Path, **changes: str | None) -> None:
    """The workspace's own copy of the hebei template, its layout.yaml changed."""
    shutil.copytree(ROOT / "templates" / "hebei", ws / "templates" / "hebei")
    path = ws / "templates" / "hebei" / "layout.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for k, v in changes.items():
        if v is None:
            data.pop(k)
        else:
            data[k] = v
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_shipped_layout_recognises_the_subgoal_label(workspace: Path) -> None:
    assert RECOGNISED in _import(workspace)


def test_the_templates_layout_file_decides_the_subgoal_label(workspace: Path) -> None:
    _own_hebei(workspace, 分项职责描述标签="主要职责：")
    out = _import(workspace)
    assert RECOGNISED not in out          # "职责描述：" is no longer a label: the line stays text
    assert "职责描述：指导全县人民调解工作" in out


def test_a_key_the_template_omits_comes_from_the_schema_default(workspace: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _own_hebei(workspace, 分项职责描述标签=None)
    assert RECOGNISED in _import(workspace)           # the schema's default is "职责描述："
    defaults = layout_model.schema_defaults()
    monkeypatch.setattr(layout_model, "schema_defaults", lambda: dict(defaults, 分项职责描述标签="主要职责："))
    assert RECOGNISED not in _import(workspace)


@pytest.mark.parametrize("key, value", [("分项编号", 5), ("分项编号", "{年度.__class__}"), ("说明标题", None)])
def test_a_broken_template_layout_stops_the_import_with_its_location(workspace: Path, key: str, value: object) -> None:
    _own_hebei(workspace)
    path = workspace / "templates" / "hebei" / "layout.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = CliRunner().invoke(cli, ["--root", str(workspace), "import", str(HEBEI), "--dept", "sifaju", "--year", "2025",
                                 "--dry-run"], catch_exceptions=False)
    assert r.exit_code == 1, r.output
    assert "templates/hebei/layout.yaml:" in r.output and key in r.output and "导入没有开始" in r.output, r.output
