"""The schemas stay standard: three independent validators agree on every shipped file.

The editor-only keywords (errorMessage, patternErrorMessage, defaultSnippets) are yaml-language-server
annotations. python-jsonschema and check-jsonschema ignore unknown keywords; ajv in strict mode
rejects them unless they are declared, so the ajv run declares them with `ajv.addVocabulary` — the
same thing a strict validator in a workspace's own CI has to do (docs/ARCHITECTURE.md).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT

from perfgen.scaffold.editor import PERFGEN_KEYWORDS
from perfgen.scaffold.modelines import EDITOR_KEYWORDS, kind_of

sys.path.insert(0, str(ROOT / "tests" / "editor"))
from lsp import CACHE, install  # noqa: E402


def _shipped() -> list[tuple[Path, str]]:
    files = [(p, kind_of(ROOT, p)) for p in sorted((ROOT / "departments").rglob("*.yaml"))]
    return [(p, k) for p, k in files if k]


def _schema_for(path: Path) -> Path:
    """The schema the file's modeline names (each shipped file has one)."""
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    target = first.split("$schema=", 1)[1].strip()
    return (path.parent / target).resolve()


SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


def _registry() -> object:
    """Every schema by its $id, so a data schema's `$ref: layout.schema.json` (版式) resolves, as it
    does for check-jsonschema (beside the file) and ajv (addSchema)."""
    from referencing import Registry, Resource
    resources = [Resource.from_contents(json.loads(p.read_text(encoding="utf-8"))) for p in SCHEMAS]
    return Registry().with_resources((r.id(), r) for r in resources)


@pytest.mark.parametrize("schema", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_each_schema_is_a_valid_2020_12_schema(schema: Path) -> None:
    data = json.loads(schema.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)


def test_python_jsonschema_accepts_every_shipped_file() -> None:
    bad = []
    registry = _registry()
    validators: dict[Path, jsonschema.Draft202012Validator] = {}  # one per schema, not per file
    for path, _ in _shipped():
        schema_path = _schema_for(path)
        if schema_path not in validators:
            schema = json.loads(schema_path.read_text(encoding="utf-8"))
            validators[schema_path] = jsonschema.Draft202012Validator(schema, registry=registry)
        errors = list(validators[schema_path].iter_errors(yaml.safe_load(path.read_text("utf-8"))))
        bad += [f"{path.relative_to(ROOT)}: {e.message}" for e in errors]
    assert bad == []


@pytest.mark.slow  # starts check-jsonschema per schema
def test_check_jsonschema_accepts_every_shipped_file() -> None:
    exe = shutil.which("check-jsonschema")
    assert exe, "check-jsonschema is in the test extra (pip install -e '.[test]')"
    by_schema: dict[Path, list[str]] = {}
    for path, _ in _shipped():
        by_schema.setdefault(_schema_for(path), []).append(str(path))
    for schema, files in by_schema.items():
        # the base URI is the file (not the $id on perfgen.dev), so `$ref: layout.schema.json` is read
        # from beside it; workspace copies written by `perfgen schemas` have every $ref inlined
        proc = subprocess.run([exe, "--schemafile", str(schema), "--base-uri", schema.as_uri(), *files],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


AJV_SCRIPT = r"""
const Ajv2020 = require("ajv/dist/2020").default;
const fs = require("fs");
const path = require("path");
const [schemaFile, keywords, ...dataFiles] = process.argv.slice(2);
const ajv = new Ajv2020({strict: true, allowUnionTypes: true, allErrors: true, strictRequired: false});
ajv.addVocabulary(JSON.parse(keywords));
const dir = path.dirname(schemaFile);  // the schemas a data schema refers to (版式 → layout.schema.json)
for (const f of fs.readdirSync(dir)) {
  if (f.endsWith(".schema.json") && path.join(dir, f) !== schemaFile) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
}
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
let bad = 0;
for (const f of dataFiles) {
  if (!validate(JSON.parse(fs.readFileSync(f, "utf8")))) { bad++; console.log(f, JSON.stringify(validate.errors)); }
}
process.exit(bad ? 1 : 0);
"""


@pytest.mark.slow  # starts node
def test_ajv_strict_accepts_every_shipped_file(tmp_path: Path) -> None:
    why = install()
    if why:
        pytest.skip(why)
    by_schema: dict[Path, list[str]] = {}
    for i, (path, _) in enumerate(_shipped()):
        data_file = tmp_path / f"{i}.json"
        data_file.write_text(json.dumps(yaml.safe_load(path.read_text("utf-8")), ensure_ascii=False), "utf-8")
        by_schema.setdefault(_schema_for(path), []).append(str(data_file))
    script = tmp_path / "check.js"
    script.write_text(AJV_SCRIPT, encoding="utf-8")
    for schema in SCHEMAS:
        by_schema.setdefault(schema, [])
    for schema, files in by_schema.items():
        proc = subprocess.run(["node", str(script), str(schema), json.dumps(list(EDITOR_KEYWORDS + PERFGEN_KEYWORDS)), *files],
                              capture_output=True, text=True, env={"NODE_PATH": str(CACHE / "node_modules"),
                                                                   "PATH": "/usr/bin:/bin:/usr/local/bin"})
        assert proc.returncode == 0, f"{schema.name}: {proc.stdout}{proc.stderr}"


def test_every_one_of_and_any_of_has_a_type_beside_it() -> None:
    """The editor's completion inserts `key: ` only when it knows the type."""
    missing = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if ("oneOf" in node or "anyOf" in node) and "type" not in node:
                missing.append(where)
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    for schema in SCHEMAS:
        walk(json.loads(schema.read_text(encoding="utf-8")), schema.name)
    assert missing == []
