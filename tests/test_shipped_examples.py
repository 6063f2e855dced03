"""The four reference documents, transcribed in departments/, are valid and standard."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from perfgen.load import load_workspace

DEPTS = {"shanhaiguan-zfw": 2021, "chengde-gxq-zfw": 2022, "yongning-zfw": 2024, "yutian-zfw": 2025,
         "shili-xiangmu": 2026, "shili-zhengti": 2026}  # the last two: illustrative national-form examples


def test_shipped_departments_validate_clean(shipped: Path) -> None:
    result = load_workspace(shipped)
    assert [f.format() for f in result.findings] == []
    assert {d: sorted(x.years) for d, x in result.workspace.departments.items()} == {d: [y] for d, y in DEPTS.items()}


def test_shipped_counts(shipped: Path) -> None:
    ws = load_workspace(shipped).workspace
    counts = {d.id: (len(dy.projects), sum(len(p.real_indicators) for p in dy.projects))
              for d in ws.departments.values() for dy in d.years.values()}
    assert counts == {"shanhaiguan-zfw": (10, 90), "chengde-gxq-zfw": (15, 0), "yutian-zfw": (12, 108),
                      "yongning-zfw": (8, 68), "shili-xiangmu": (2, 12), "shili-zhengti": (0, 0)}


def test_every_file_carries_the_schema_modeline() -> None:
    """Each file names its workspace schema (a project: its department's profile's), as validate checks."""
    from perfgen.scaffold.modelines import expected_line
    for path in (ROOT / "departments").rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == expected_line(ROOT, path), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.exists(), path


def test_every_field_has_its_own_title_and_description() -> None:
    """Hover in the editor says what this field is: no title or description shared by two fields."""

    from perfgen import resources
    def walk(node: dict, where: str, seen: dict[str, str]) -> None:
        for key, sub in node.get("properties", {}).items():
            here = f"{where}.{key}"
            for what in ("title", "description"):
                text = sub.get(what, "")
                assert text not in seen or seen[text] == key, f"{here} {what} also on {seen.get(text)}"
                seen[text] = key
            walk(sub, here, seen)
        if isinstance(node.get("items"), dict):
            walk(node["items"], where, seen)

    for kind in resources.SCHEMA_KINDS:
        walk(resources.schema(kind), kind, {})


@pytest.mark.acceptance
@pytest.mark.slow  # starts check-jsonschema
@pytest.mark.parametrize("kind, pattern", [("department", "departments/*/department.yaml"),
                                           ("goals", "departments/*/*/goals.yaml"),
                                           ("project", "departments/*/*/projects/*.yaml")])
def test_check_jsonschema_accepts_every_shipped_file(kind: str, pattern: str) -> None:
    files = sorted(str(p) for p in ROOT.glob(pattern))
    assert files
    schema = ROOT / "schemas" / f"{kind}.schema.json"
    # base URI = the file, so 版式's `$ref: layout.schema.json` is read from beside it (not from its $id's host)
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), "--base-uri", schema.as_uri(),
                           *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_schema_property_has_chinese_title_and_description() -> None:
    import json
    import re

    def walk(node, where):
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                assert re.search(r"[\u4e00-\u9fff]", sub.get("title", "")), f"{where}.{key} title"
                assert re.search(r"[\u4e00-\u9fff]", sub.get("description", "")), f"{where}.{key} description"
                walk(sub, f"{where}.{key}")
            for k in ("items", "then"):
                if k in node:
                    walk(node[k], where)
    for path in (ROOT / "schemas").glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$schema"].endswith("2020-12/schema")
        walk(schema, path.name)


def test_the_editor_schemas_of_the_repository_are_current() -> None:
    """schemas/project.<profile>.schema.json follow schemas/ and profiles/ (run `perfgen schemas`)."""
    from perfgen.validate import editor_setup
    assert [f.format() for f in editor_setup.stale_schemas(ROOT)] == []
