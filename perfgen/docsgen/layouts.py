"""docs/模板定制.md, “定义一种新的表样”: the guide text (layout_guide.md) with its worked example,
the built-in profile it uses and the table of every layout key filled in from their sources.

The example comes from tests/cases/render/hebei-2020 (its YAML and the document text the test
checks), the key table from schemas/layout.schema.json and the shipped layout.yaml files, so the
guide cannot show a setting, an example or an output perfgen does not have.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from perfgen.docsgen import header

EXAMPLE = Path("tests/cases/render/hebei-2020")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _value(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "见说明"
    return "`" + _cell(json.dumps(value, ensure_ascii=False)) + "`"


def _type(sub: dict[str, Any]) -> str:
    if "enum" in sub:
        return "、".join(sub["enum"]) + " 之一"
    t = sub.get("type")
    if t == "array":
        items = sub.get("items", {})
        if "enum" in items:
            return "列表，每项是 " + "、".join(items["enum"]) + " 之一"
        if items.get("type") == "object":
            return "列表，每项有 " + "、".join(items.get("properties", {})) + "（见说明）"
        return "文字列表"
    return {"string": "文字", "boolean": "true 或 false", "integer": "整数"}.get(str(t), str(t))


def key_table(source: Path) -> str:
    """One row per layout key: its meaning, type, default, fields and which templates set it."""
    schema = json.loads((source / "schemas" / "layout.schema.json").read_text(encoding="utf-8"))
    from perfgen import yamlsource
    owners: dict[str, list[str]] = {}
    for path in sorted((source / "templates").glob("*/layout.yaml")):
        doc, _ = yamlsource.read(path, path.name)
        for key in (doc.data if doc is not None and isinstance(doc.data, dict) else {}):
            owners.setdefault(key, []).append(path.parent.name)
    rows = ["| 设置 | 含义 | 写法 | 默认值 | 占位符 | 模板 |", "|---|---|---|---|---|---|"]
    for key, sub in schema["properties"].items():
        desc = sub["title"] + "。" + sub["description"]
        item_props = sub.get("items", {}).get("properties", {})
        if item_props:
            desc += " 每项：" + "；".join(f"`{k}`：{v['description']}" for k, v in item_props.items())
        fields = "、".join("{" + f + "}" for f in sub.get("x-fields", [])) or "—"
        rows.append(f"| `{key}` | {_cell(desc)} | {_cell(_type(sub))} | {_value(sub['default']) if 'default' in sub else '（不写）'} | {fields} | "
                    f"{'、'.join(owners.get(key, [])) or '—'} |")
    return "\n".join(rows)


def _yaml_without_modeline(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("# yaml-language-server"))


def page(source: Path) -> str:
    guide = (Path(__file__).with_name("layout_guide.md")).read_text(encoding="utf-8")
    example = source / EXAMPLE

    def fill(m: re.Match[str]) -> str:
        what, _, arg = m.group(1).partition(":")
        if what == "file":
            return _yaml_without_modeline(example / arg)
        if what == "expected":
            return (example / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
        if what == "profile":
            return (source / "profiles" / f"{arg}.yaml").read_text(encoding="utf-8").rstrip("\n")
        if what == "keys":
            return key_table(source)
        raise ValueError(m.group(0))

    body = re.sub(r"\{\{(file:[^}]+|expected|profile:[^}]+|keys)\}\}", fill, guide)
    return header("定义一种新的表样", "perfgen/docsgen/layout_guide.md、schemas/layout.schema.json 和 "
                  "tests/cases/render/hebei-2020") + body
