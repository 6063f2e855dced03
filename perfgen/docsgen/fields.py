"""docs/字段说明.md: every field of every schema — title, description, type, rules, an example.

Titles, descriptions and constraints are read from schemas/*.schema.json (the same text the editor
shows on hover); examples come from the shipped reference documents in departments/.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfgen import resources, yamlsource
from perfgen.docsgen import header
from perfgen.model.ids import ID_PATTERN
from perfgen.scaffold.files import SCHEMA_FILES
from perfgen.validate.schema_check import MUST_FILL_PATTERN

_PATTERNS = {
    ID_PATTERN: "小写英文字母、数字和连字符",
    r"^[0-9]{1,13}(\.[0-9]{1,2})?$": "数字，最多两位小数，例如 \"50000.00\"",
    r"^([1-9]|1[0-2])月底$": "“1月底”到“12月底”",
}
_ALNUM = re.compile(r"^\^\[0-9A-Za-z\]\{1,(\d+)\}\$$")
# Pages that say more about a field than its schema description can.
_SEE_ALSO = {"版式": "可用的设置和默认值见[模板变量和版式设置](模板变量.md)。",
             "指标体系": "各指标体系的分类见[指标分类](指标分类.md)。",
             "二级指标": "可选的二级指标见[指标分类](指标分类.md)。"}
_TYPES = {"string": "文字", "number": "数字", "integer": "整数", "boolean": "true 或 false",
          "object": "键值对（下一级缩进写“字段: 值”）", "array": "列表（每项以“- ”开头）", "null": "空值"}


@dataclass
class Entry:
    label: list[str]
    node: dict[str, Any]
    required: str
    data_path: tuple[str, ...]


def _pattern_text(pattern: str) -> str:
    if pattern in _PATTERNS:
        return _PATTERNS[pattern]
    m = _ALNUM.match(pattern)
    if m:
        return f"英文字母和数字，最多 {m.group(1)} 位"
    return f"须符合格式 `{pattern}`"


def _number(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def type_text(node: dict[str, Any]) -> str:
    """The type in words: 文字, 数字, 文字，或文字列表（每项一段） …"""
    if node.get("pattern") == MUST_FILL_PATTERN:  # the editor's “请填写” mark, not a format
        node = {k: v for k, v in node.items() if k != "pattern"}
    t = node.get("type")
    if t == ["string", "array"]:
        return "文字，或文字列表（每项以“- ”开头，各印成一段）"
    if t == ["number", "string"] and "pattern" in node:
        return f"数字，或带引号的{_pattern_text(node['pattern'])}"
    for key in ("oneOf", "anyOf"):
        if key in node:
            kinds = [(alt.get("type"), alt.get("items", {}).get("type")) for alt in node[key]]
            if kinds == [("string", None), ("array", "string")]:  # a text: one string or paragraphs
                return "文字，或文字列表（每项以“- ”开头，各印成一段）"
            return "，或".join(type_text(alt) for alt in node[key])
    t = node.get("type")
    items = node.get("items", {})
    if t == "array" and isinstance(items, dict) and "properties" not in items:
        return f"列表（每项以“- ”开头），每项是{items.get('title', '')}：{type_text(items)}"
    if t == "array":
        return "列表（每项以“- ”开头），每项包含下面以“" + "{label}" + " › ”开头的字段"
    if t == "string" and "pattern" in node:
        return f"文字（{_pattern_text(node['pattern'])}）"
    if t in ("number", "integer"):
        low, high = node.get("minimum"), node.get("maximum")
        name = _TYPES[t]
        if low is not None and high is not None and high <= 1_000_000:
            return f"{name}，{_number(low)} 到 {_number(high)}"
        if low is not None:
            return f"{name}，不小于 {_number(low)}"
        return name
    if isinstance(t, list):
        return "或".join(str(_TYPES.get(x, x)) for x in t)
    return _TYPES.get(t, "见说明") if t else "见说明"


def rules_text(node: dict[str, Any]) -> list[str]:
    """Allowed values and limits in words."""
    out = []
    if "enum" in node:
        out.append("可选值：" + "、".join(f"`{v}`" for v in node["enum"]))
    if "const" in node:
        out.append(f"只能是 `{node['const']}`")
    if "examples" in node:
        out.append("常用值：" + "、".join(f"`{v}`" for v in node["examples"]))
    if node.get("minLength") == 1:
        out.append("不能为空")
    if "maxLength" in node:
        out.append(f"最多 {node['maxLength']} 个字")
    if node.get("uniqueItems"):
        out.append("各项不能重复")
    if "maxItems" in node:
        out.append(f"最多 {node['maxItems']} 项")
    if node.get("additionalProperties") is False and "patternProperties" in node:
        out.append("键只能是：" + "；".join(_pattern_text(p) for p in node["patternProperties"]))
    return out


def _condition(node: dict[str, Any]) -> str | None:
    """An `if: not: {properties: {X: {const: V}}}` written as “X: V 时除外”."""
    cond = node.get("if", {}).get("not", {}).get("properties", {})
    if len(cond) == 1:
        (key, sub), = cond.items()
        if "const" in sub:
            value = json.dumps(sub["const"], ensure_ascii=False)
            return f"“{key}: {value}”时可不填"
    return None


def entries(schema: dict[str, Any]) -> list[Entry]:
    """Every property, depth first, in the schema's order."""
    found: list[Entry] = []

    def walk(node: dict[str, Any], label: list[str], data_path: tuple[str, ...]) -> None:
        required = set(node.get("required", []))
        conditional = set(node.get("then", {}).get("required", [])) - required
        cond = _condition(node)
        for key, sub in node.get("properties", {}).items():
            if key in required:
                req = "必填"
            elif key in conditional:
                req = f"必填；{cond}" if cond else "视情况必填"
            else:
                req = "可不填"
            found.append(Entry(label + [key], sub, req, data_path + (key,)))
            descend(sub, label + [key], data_path + (key,))
        for pattern, sub in node.get("patternProperties", {}).items():
            found.append(Entry(label + [f"节点名（{_pattern_text(pattern)}）"], sub, "每个键一项", data_path + (pattern,)))

    def descend(sub: dict[str, Any], label: list[str], data_path: tuple[str, ...]) -> None:
        if "properties" in sub or "patternProperties" in sub:
            walk(sub, label, data_path)
        items = sub.get("items")
        if isinstance(items, dict) and "properties" in items:
            walk(items, label, data_path + ("*",))

    walk(schema, [], ())
    return found


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, str) and value.strip() and not value.startswith("待填写"):
        text = value.strip().split("\n")[0]
        return text if len(text) <= 40 else text[:39] + "…"
    return None


def examples(source: Path, kind: str) -> dict[tuple[str, ...], tuple[str, str]]:
    """The most common value of each field in the reference documents (the first one on a tie):
    normalised path → (text, file where it first appears)."""
    seen: dict[tuple[str, ...], dict[str, list[Any]]] = {}

    def note(path: tuple[str, ...], text: str, rel: str) -> None:
        values = seen.setdefault(path, {})
        values.setdefault(text, [0, len(values), rel])[0] += 1
    files = sorted(source.glob(SCHEMA_FILES[kind])) if kind != "workspace" else []

    def walk(doc: yamlsource.YamlDocument, value: Any, path: tuple[str, ...], real: tuple[str | int, ...]) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(doc, v, path + (str(k),), real + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(doc, v, path + ("*",), real + (i,))
        else:
            text = _scalar(value)
            line = doc.position(real)[0]
            if text is None or (line and " # " in doc.text.split("\n")[line - 1]):
                return  # a transcriber's comment marks an oddity of the original: not an example
            note(path, text, doc.rel)
            if path and path[-1] == "*":
                note(path[:-1], text, doc.rel)  # a text written as a list of paragraphs
    for path in files:
        doc, _ = yamlsource.read(path, path.relative_to(source).as_posix())
        if doc is not None:
            walk(doc, doc.data, (), ())
    found: dict[tuple[str, ...], tuple[str, str]] = {}
    for data_path, values in seen.items():
        text, (_, _, rel) = min(values.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
        found[data_path] = (text, rel)
    return found


def _example(entry: Entry, found: dict[tuple[str, ...], tuple[str, str]]) -> tuple[str, str] | None:
    if entry.data_path in found:
        return found[entry.data_path]
    last = entry.data_path[-1] if entry.data_path else ""
    if last.startswith("^"):  # a patternProperties key: any key that matches
        for path, value in sorted(found.items()):
            if path[:-1] == entry.data_path[:-1] and re.search(last, path[-1]):
                return f"{path[-1]}: {value[0]}", value[1]
    return None


def _load(source: Path, kind: str) -> dict[str, Any]:
    with open(source / "schemas" / f"{kind}.schema.json", encoding="utf-8") as fh:
        raw = json.load(fh)
    inlined: dict[str, Any] = resources.inline_refs(raw, raw)
    return inlined


def page(source: Path) -> str:
    out = [header("字段说明", "schemas/*.schema.json") +
           "每个 YAML 文件能写哪些字段、每个字段写什么。同样的说明在 VS Code 中把鼠标停在字段名上也能看到"
           "（需要 YAML 插件，见[快速开始](快速开始.md)）。\n",
           "- **必填**：不写时 `perfgen validate` 报错；**可不填**：不需要时整行不写。",
           "- 字段名中的“ › ”表示下一级：`预算 › 预算数` 是写在“预算:”下面、缩进两格的“预算数:”。",
           "- 例子取自随 perfgen 附带的四份真实文档（departments/ 下）。\n",
           "| 文件 | 位置 |", "|---|---|"]
    for kind in resources.SCHEMA_KINDS:
        out.append(f"| {_load(source, kind)['title']} | `{SCHEMA_FILES[kind]}` |")
    out.append("")
    for kind in resources.SCHEMA_KINDS:
        schema = _load(source, kind)
        found = examples(source, kind)
        out += [f"## {schema['title']}\n", schema.get("description", "") + "\n",
                f"文件位置：`{SCHEMA_FILES[kind]}`；JSON Schema：`schemas/{kind}.schema.json`。\n"]
        for entry in entries(schema):
            node = entry.node
            out.append(f"### {' › '.join(entry.label)}\n")
            out.append(f"**{node.get('title', entry.label[-1])}**（{entry.required}）\n")
            if node.get("description"):
                out.append(node["description"] + "\n")
            out.append(f"- 类型：{type_text(node).replace('{label}', ' › '.join(entry.label))}")
            limits = rules_text(node)
            if limits:
                out.append("- 要求：" + "；".join(limits))
            if entry.label[-1] in _SEE_ALSO:
                out.append(f"- 参见：{_SEE_ALSO[entry.label[-1]]}")
            sample = _example(entry, found)
            if sample:
                out.append(f"- 例子：`{sample[0]}`（{sample[1]}）")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
