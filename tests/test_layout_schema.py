"""The layout schema is the one home of layout keys and defaults; shipped layouts are valid data."""
from __future__ import annotations

import functools
from pathlib import Path

import jsonschema
import pytest

from perfgen import resources, yamlsource
from perfgen.model import layout as layout_model
from perfgen.validate import layout_check

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = sorted((ROOT / "templates").glob("*/layout.yaml"))


@functools.cache
def _layout_validator() -> jsonschema.protocols.Validator:
    """The layout schema's validator, made once (jsonschema.validate would check the schema itself
    again for every key; test_schemas_standard checks it once)."""
    schema = resources.schema("layout")
    return jsonschema.validators.validator_for(schema)(schema)


@pytest.mark.parametrize("key", list(layout_model.schema()["properties"]))
def test_every_key_is_documented_with_a_valid_default(key: str) -> None:
    sub = layout_model.key_schema(key)
    assert sub is not None
    assert sub["title"] and len(sub["description"]) > 10
    if "default" not in sub:  # its absence means something, and the description says what
        assert "没有默认值" in sub["description"]
        return
    _layout_validator().validate({key: sub["default"]})
    if "x-fields" in sub:
        formats = sub["default"] if isinstance(sub["default"], list) else [sub["default"]]
        assert all(layout_model.format_problem(f, sub["x-fields"]) is None for f in formats)


@pytest.mark.parametrize("path", LAYOUTS, ids=[p.parent.name for p in LAYOUTS])
def test_shipped_layouts_are_valid(path: Path) -> None:
    doc, findings = yamlsource.read(path, path.name)
    assert doc is not None and findings == []
    own, problems = layout_check.check_file(doc)
    assert [f.format() for f in problems] == []
    assert set(own) == set(doc.data)


def test_checking_a_layout_does_not_write_schema_defaults_into_it(tmp_path: Path) -> None:
    path = tmp_path / "layout.yaml"
    path.write_text("附件标记: 附件3\n", encoding="utf-8")
    doc, _ = yamlsource.read(path, "layout.yaml")
    assert doc is not None
    layout_check.check_file(doc)
    assert doc.data == {"附件标记": "附件3"}


@pytest.mark.parametrize("fmt, fields, words", [
    ("{n}.{项目名称}", ["n", "项目名称"], None),
    ("{{字面}}{n}", ["n"], None),
    ("{项目数}", ["n"], "没有“{项目数}”"),
    ("{n:>300000000}", ["n"], "格式说明"),
    ("{n!r}", ["n"], "格式说明"),
    ("{年度.__class__.__mro__}", ["年度"], "不能有“.”"),
    ("{0}", ["年度"], "没有名称"),
    ("{}", ["年度"], "没有名称"),
    ("{", ["年度"], "不成对"),
    ("}", ["年度"], "不成对"),
])
def test_format_problem(fmt: str, fields: list[str], words: str | None) -> None:
    problem = layout_model.format_problem(fmt, fields)
    if words is None:
        assert problem is None
    else:
        assert problem is not None and words in problem[0]


@pytest.mark.parametrize(("template", "line", "key", "where"), [
    ("hebei", '封面落款: ["{印发单位}"]', "封面落款", "templates/volume/layout.yaml"),
    ("volume", "项目表区块: [单位行]", "项目表区块", "部门所用模板的 layout.yaml"),
    # every department form has it (x-every-template), but the volume breaks its cover by 封面标题分行
    ("volume", "标题回行词语: [委员会]", "标题回行词语", "部门所用模板的 layout.yaml"),
])
def test_a_setting_of_the_other_kind_of_template_is_reported_not_ignored(
        tmp_path: Path, template: str, line: str, key: str, where: str) -> None:
    """The volume's 封面落款 in a department form's layout.yaml (or a department form's setting in
    the volume's) would change nothing: validate says so and where it belongs."""
    import shutil

    from conftest import CASES, make_workspace

    from perfgen.validate.run import validate
    ws = make_workspace(tmp_path / "ws", CASES / "valid" / "minimal")
    shutil.copytree(ROOT / "templates" / template, ws / "templates" / template)
    layout = ws / "templates" / template / "layout.yaml"
    layout.write_text(layout.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    _, findings = validate(ws)
    assert [(f.file, f.code) for f in findings] == [(f"templates/{template}/layout.yaml", "layout.unused-key")], findings
    assert key in findings[0].message and where in (findings[0].hint or "")
    assert findings[0].line == len(layout.read_text(encoding="utf-8").splitlines())
    # the shipped layouts themselves hold no such key
    shipped, _ = yamlsource.read(ROOT / "templates" / template / "layout.yaml", "x")
    assert shipped is not None and key not in shipped.data


def test_a_template_whose_layout_yaml_is_broken_is_not_reported_as_missing(tmp_path: Path) -> None:
    """A YAML slip in a workspace template's layout.yaml: the department is told the template's
    file has errors, not 找不到模板“hebei” with hebei among the templates it lists."""
    import shutil

    from conftest import CASES, make_workspace

    from perfgen.validate.run import validate
    ws = make_workspace(tmp_path / "ws", CASES / "valid" / "minimal")
    shutil.copytree(ROOT / "templates" / "hebei", ws / "templates" / "hebei")
    layout = ws / "templates" / "hebei" / "layout.yaml"
    layout.write_text(layout.read_text(encoding="utf-8") + "标题回行词语: [委员会\n", encoding="utf-8")
    _, findings = validate(ws)
    template = [f for f in findings if f.code == "department.template"]
    assert [f.message for f in template] == ["模板“hebei”的 layout.yaml 有错误，无法使用"], findings
    assert "templates/hebei/layout.yaml" in (template[0].hint or "")
    assert any(f.file == "templates/hebei/layout.yaml" for f in findings), findings
