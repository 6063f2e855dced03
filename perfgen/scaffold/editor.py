"""The editor's view of a workspace: schemas generated from its own profiles, and the modelines.

The shipped project schema cannot list the allowed 一级/二级指标: they depend on the department's
指标体系 (profile). So a workspace gets, besides copies of the shipped schemas, one project schema
per profile, `schemas/project.<profile>.schema.json`, whose category fields are enums with a Chinese
message. Each project file's modeline, and .vscode/settings.json `yaml.schemas`, point at the
schema of its department's profile. `perfgen schemas` (and init/new) write them; `perfgen validate`
warns when they no longer match the profiles (perfgen.validate.editor_setup).

Editor-only keywords (EDITOR_KEYWORDS) are annotations that yaml-language-server reads;
python-jsonschema and check-jsonschema ignore unknown keywords, and ajv in strict mode accepts them
once declared with `ajv.addVocabulary(EDITOR_KEYWORDS)`.
"""
from __future__ import annotations

import copy
import functools
import json
import os
import re
from pathlib import Path
from typing import Any

from perfgen import resources, yamlsource
from perfgen.model.taxonomy import Taxonomy, taxonomy_from_data
from perfgen.scaffold.editor_checks import WORKSPACE_KINDS, annotate

EDITOR_KEYWORDS = ("errorMessage", "patternErrorMessage", "defaultSnippets", "markdownDescription")
# Annotations perfgen itself reads from its schemas (x-fields: the fields a layout format string receives;
# x-every-template: a layout key every form has, set in its layout.yaml or not).
PERFGEN_KEYWORDS = ("x-fields", "x-every-template")
MODELINE_RE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S*)\s*$")
MODELINE = "# yaml-language-server: $schema={target}"

# Which files each schema describes (globs relative to the workspace root).
SCHEMA_FILES: dict[str, str] = {
    "workspace": "perfgen.yaml",
    "department": "departments/*/department.yaml",
    "goals": "departments/*/*/goals.yaml",
    "project": "departments/*/*/projects/*.yaml",
    "results": "departments/*/*/results/*.yaml",
    "layout": "templates/*/layout.yaml",
}
# The schemas a workspace's editor uses: the data files' and the layout's (版式 in department/goals
# files refers to it; a copied template's layout.yaml names it in its modeline).
EDITOR_KINDS = resources.SCHEMA_KINDS + ("layout",)


def kind_of(root: Path, path: Path) -> str | None:
    """workspace / department / goals / project / results / layout for a file of the workspace, else None."""
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None
    if parts == ("perfgen.yaml",):
        return "workspace"
    if len(parts) == 3 and parts[0] == "templates" and parts[2] == "layout.yaml":
        return "layout"
    if len(parts) == 3 and parts[0] == "departments" and parts[2] == "department.yaml":
        return "department"
    if len(parts) == 4 and parts[0] == "departments" and parts[3] == "goals.yaml":
        return "goals"
    if len(parts) == 5 and parts[0] == "departments" and parts[3] in ("projects", "results") \
            and path.suffix in (".yaml", ".yml"):
        return "project" if parts[3] == "projects" else "results"
    return None


# The kinds whose indicator categories depend on the department's profile: one schema per profile.
PROFILED = ("project", "goals")


def schema_name(kind: str, profile: str | None = None) -> str:
    return f"{kind}.{profile}.schema.json" if kind in PROFILED and profile else f"{kind}.schema.json"


def read_taxonomy(root: Path, name: str) -> Taxonomy | None:
    """A profile by name (workspace first, then shipped), or None when it is missing or broken:
    scaffolding and editor schemas go on without it; perfgen validate reports why."""
    path = resources.find_named(root, "profiles", name, ".yaml")
    if path is None:
        return None
    doc, _ = yamlsource.read(path, path.name)
    try:
        return taxonomy_from_data(name, doc.data) if doc is not None and isinstance(doc.data, dict) else None
    except (KeyError, TypeError):
        return None


def department_profiles(root: Path) -> dict[str, str]:
    """department id → its 指标体系, for the departments whose department.yaml names one."""
    found: dict[str, str] = {}
    depts = root / "departments"
    if not depts.is_dir():
        return found
    for d in sorted(p for p in depts.iterdir() if p.is_dir() and not p.name.startswith(".")):
        f = d / "department.yaml"
        if not f.exists():
            continue
        doc, _ = yamlsource.read(f, f.name)
        profile = doc.data.get("指标体系") if doc is not None and isinstance(doc.data, dict) else None
        if isinstance(profile, str) and read_taxonomy(root, profile) is not None:
            found[d.name] = profile
    return found


def schema_for(root: Path, path: Path) -> str | None:
    """The file under schemas/ that describes `path`: per profile for projects whose profile exists."""
    kind = kind_of(root, path)
    if kind is None:
        return None
    profile = None
    if kind in PROFILED:
        dept = path.resolve().relative_to(root.resolve()).parts[1]
        profile = department_profiles(root).get(dept)
    return schema_name(kind, profile)


def expected_line(root: Path, path: Path) -> str | None:
    """The modeline `path` should carry (relative, so it works from any checkout), or None."""
    name = schema_for(root, path)
    if name is None:
        return None
    target = Path(os.path.relpath(root / "schemas" / name, path.parent)).as_posix()
    return MODELINE.format(target=target)


def modeline_target(root: Path, rel: str, kind: str, profile: str | None = None) -> str:
    """The `$schema=` path from the file at `rel` to its schema under schemas/."""
    return Path(os.path.relpath(root / "schemas" / schema_name(kind, profile), (root / rel).parent)).as_posix()


def profile_schema(tax: Taxonomy) -> dict[str, Any]:
    """The project schema with this profile's categories as enums (and each 一级's own 二级 list)."""
    schema = copy.deepcopy(resources.schema("project"))
    schema["$id"] = schema["$id"].replace("project.schema.json", f"project.{tax.name}.schema.json")
    schema["title"] = f"预算项目绩效目标（projects/<项目>.yaml，指标体系：{tax.title}）"
    for item in (schema["properties"]["绩效指标"]["items"], schema["properties"]["中期"]["properties"]["绩效指标"]["items"]):
        _categories(item, tax)
    return schema


def goals_profile_schema(tax: Taxonomy) -> dict[str, Any]:
    """The goals schema with this profile's categories in 年度绩效指标 (the national department form)."""
    schema = copy.deepcopy(resources.editor_schema("goals"))
    schema["$id"] = schema["$id"].replace("goals.schema.json", f"goals.{tax.name}.schema.json")
    schema["title"] = f"{schema['title']}（指标体系：{tax.title}）"
    _categories(schema["properties"]["年度绩效指标"]["items"], tax)
    return schema


def _categories(item: dict[str, Any], tax: Taxonomy) -> None:
    """An indicator item's 一级/二级指标 as this profile's enums (and each 一级's own 二级 list)."""
    props = item["properties"]
    level2 = list(tax.level2_names)
    short = [n[:-2] for n in level2 if n.endswith("指标") and n[:-2] not in level2]
    aliases = [a for a in tax.aliases if a not in level2]
    l1_names = "、".join(tax.level1_names)
    # 一级指标's allowed names sit in branches: with a known 二级指标, only its own 一级 (so completion
    # offers just that one); otherwise any of the profile's 一级
    level1 = {"enum": tax.level1_names,
              "errorMessage": f"请填写一级指标：按“{tax.title}”只能是 {l1_names}；也可以不写，由二级指标确定。"}
    listing = "；".join(f"{l1}：{'、'.join(l2s)}" for l1, l2s in tax.levels)
    props["二级指标"] = dict(props["二级指标"], enum=level2 + short + aliases,
                          errorMessage=f"请填写二级指标：按“{tax.title}”从下列名称中选一个——{listing}。")
    pairs = []  # a written 一级指标 must be the one its 二级指标 belongs to (flagged where validate flags it)
    for l1, l2s in tax.levels:
        allowed = [n for n in level2 + short + aliases if tax.level1_of(n) == l1]
        pairs.append({"if": {"properties": {"二级指标": {"enum": allowed}}, "required": ["二级指标"]},
                      "then": {"properties": {"一级指标": {"const": l1, "errorMessage":
                          f"按“{tax.title}”，{'、'.join(l2s)}属于“{l1}”；改为“{l1}”，或删去一级指标由二级指标确定。"}}}})
    pairs.append({"if": {"properties": {"二级指标": {"enum": level2 + short + aliases}}, "required": ["二级指标"]},
                  "else": {"properties": {"一级指标": level1}}})
    item["allOf"] = pairs


def generated(root: Path) -> dict[str, str]:
    """schemas/<name> → text for every schema the workspace's editor uses.

    Written with every `$ref` inlined: yaml-language-server's completion drops the keys beside a
    `$ref` (a text field's `type`), and then inserts a bare key that breaks the file."""
    files: dict[str, str] = {}
    for kind in EDITOR_KINDS:
        shipped = resources.schema_path(kind)
        if (root / "schemas" / shipped.name).resolve() == shipped.resolve():  # perfgen's own tree: the source
            files[f"schemas/{kind}.schema.json"] = shipped.read_text(encoding="utf-8")
        elif kind in WORKSPACE_KINDS:
            files[f"schemas/{kind}.schema.json"] = _dump(annotate(copy.deepcopy(resources.editor_schema(kind)), kind, root))
        else:
            files[f"schemas/{kind}.schema.json"] = _shipped_text(kind)
    for name in resources.available(root, "profiles", ".yaml"):
        tax = read_taxonomy(root, name)
        if tax is not None:
            project, goals = _profile_texts(tax)
            files[f"schemas/{schema_name('project', name)}"] = project
            files[f"schemas/{schema_name('goals', name)}"] = goals
    return files


@functools.cache
def _shipped_text(kind: str) -> str:
    """The editor's copy of a schema that depends on perfgen's own schemas only, made once per
    process (init, new and validate's staleness check each want all of them)."""
    return _dump(annotate(copy.deepcopy(resources.editor_schema(kind)), kind, None))


_PROFILE_TEXTS: dict[tuple[Any, ...], tuple[str, str]] = {}


def _profile_texts(tax: Taxonomy) -> tuple[str, str]:
    """The project and goals schemas of one profile, made once per process for each content of it."""
    key = (tax.name, tax.title, tax.levels, tuple(tax.aliases.items()))
    if key not in _PROFILE_TEXTS:
        _PROFILE_TEXTS[key] = (_dump(annotate(profile_schema(tax), "project", None)),
                               _dump(annotate(goals_profile_schema(tax), "goals", None)))
    return _PROFILE_TEXTS[key]


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def settings_schemas(root: Path) -> dict[str, list[str]]:
    """.vscode/settings.json `yaml.schemas`: each schema and the files it describes."""
    mapping: dict[str, list[str]] = {f"./schemas/{kind}.schema.json": [f"/{glob}"]
                                     for kind, glob in SCHEMA_FILES.items() if kind not in PROFILED}
    by_dept = department_profiles(root)
    for kind in PROFILED:
        mapping[f"./schemas/{kind}.schema.json"] = [f"/{SCHEMA_FILES[kind]}"] if not by_dept else []
        for dept, profile in sorted(by_dept.items()):
            mapping.setdefault(f"./schemas/{schema_name(kind, profile)}", []).append(
                "/" + SCHEMA_FILES[kind].replace("departments/*/", f"departments/{dept}/", 1))
    return {k: v for k, v in mapping.items() if v}


def settings_text(root: Path, existing: str | None = None) -> str | None:
    """settings.json with its `yaml.schemas` set to the workspace's; None when `existing` is not JSON
    (the user's file is then left alone)."""
    settings: dict[str, Any] = {}
    if existing is not None:
        try:
            settings = json.loads(existing)
        except ValueError:
            return None
        if not isinstance(settings, dict):
            return None
        settings["yaml.schemas"] = settings_schemas(root)
    else:
        settings = {"yaml.schemas": settings_schemas(root), "files.encoding": "utf8",
                    "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2, "editor.detectIndentation": False}}
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"
