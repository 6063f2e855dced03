"""The editor's own copies of perfgen's checks: what validate finds, said in the same place in Chinese.

`perfgen schemas` writes the workspace's schemas through annotate(): it adds, from the data perfgen
itself checks with (never a second copy of a rule), what yaml-language-server can show while typing:

- format strings (a key with `x-fields`, perfgen.yaml 标题): a pattern of the allowed {placeholders};
- 指标值 that starts with a comparison sign must go on with a number (model/values.SIGN_PATTERN);
- split values: a 符号 wants a numeric 值, and 值 excludes 指标值;
- the last spending milestone (12月底) is 100;
- characters Word cannot store (control characters from a copy out of Word);
- the workspace's templates and profiles as the allowed 模板/指标体系, and each template's own
  版式 keys for a department using it;
- a Chinese errorMessage for every field that had none, so no “Incorrect type” in English.

Validation itself never reads these copies: validate reports the same problems with more to say
(which placeholder, which template), so they only serve the editor.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from perfgen import resources, yamlsource
from perfgen.model.values import SIGN_PATTERN
from perfgen.render.xmltext import INVALID_XML_CLASS

# Characters a JSON Schema (ECMA-262, unicode mode) pattern must escape.
_SYNTAX = set("^$\\.*+?()[]{}|/")
NO_CONTROL = f"^[^{INVALID_XML_CLASS}]*$"
NO_CONTROL_MESSAGE = ("文字中含有 Word 文档无法保存的控制字符（常是从 Word 复制带入的垂直制表符等看不见的字符）："
                      "删去后重新输入；从 Word 复制的文字请先粘贴到记事本再复制。")


def _escape(text: str) -> str:
    return "".join("\\" + c if c in _SYNTAX else c for c in text)


def format_pattern(fields: list[str]) -> str:
    """A format string over `fields` only: text, {{ and }}, and bare {名称} (safeformat's rule)."""
    names = "|".join(_escape(f) for f in fields)
    return f"^(?:[^{{}}]|\\{{\\{{|\\}}\\}}|\\{{(?:{names})\\}})*$"


def format_message(title: str, fields: list[str]) -> str:
    shown = "、".join("{" + f + "}" for f in fields)
    return (f"{title}的占位符不对：只能写 {shown}（不加“:”“!”“.”），大括号要成对；"
            "要印出大括号本身，写成 {{ 或 }}。")


def add_pattern(node: dict[str, Any], pattern: str, message: str) -> None:
    """One more pattern with its own message; a node that has one already gets it through allOf."""
    if "pattern" not in node:
        node["pattern"] = pattern
        node["patternErrorMessage"] = message
    else:
        node.setdefault("allOf", []).append({"pattern": pattern, "patternErrorMessage": message})


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("type")
    return t if isinstance(t, list) else [t] if isinstance(t, str) else []


def _range(node: dict[str, Any]) -> str:
    lo, hi = node.get("minimum"), node.get("maximum")
    return f" {lo} 到 {hi} 的" if lo is not None and hi is not None else ""


def type_message(key: str, node: dict[str, Any]) -> str | None:
    """The Chinese message for a field without one (by its type), or None when there is nothing to say."""
    title = node.get("title") or key
    types = _types(node)
    if "enum" in node:
        return f"{title}只能是：" + "、".join(str(v) for v in node["enum"]) + "。"
    if types == ["string"]:
        return f"{title}应写文字。数字要加引号，例如 \"2025\"。"
    if types == ["integer"]:
        return f"{title}应写{_range(node)}整数，不加引号。"
    if types == ["number"]:
        return f"{title}应写{_range(node)}数字，不加引号。"
    if types == ["boolean"]:
        return f"{title}写 true 或 false。"
    if types == ["array"]:
        return f"{title}应写成列表，每项以“- ”开头。"
    if types == ["object"]:
        keys = list(node.get("properties", {}))
        listing = "、".join(keys) if 0 < len(keys) <= 20 else "见悬停提示"
        return f"{title}写成下一级缩进的“字段: 值”；可以写的字段：{listing}。"
    return None


def _walk(node: Any, key: str | None = None) -> None:
    if isinstance(node, list):
        for v in node:
            _walk(v)
        return
    if not isinstance(node, dict):
        return
    types = _types(node)
    if "string" in types:
        add_pattern(node, NO_CONTROL, NO_CONTROL_MESSAGE)
    fields = node.get("x-fields")
    if isinstance(fields, list):
        target = node["items"] if types == ["array"] and isinstance(node.get("items"), dict) else node
        add_pattern(target, format_pattern(fields), format_message(node.get("title") or key or "", fields))
    props = node.get("properties", {})
    if "指标值" in props and "二级指标" in props:
        _indicator(node)
    if "12月底" in props and all(f"{m}月底" in props for m in (3, 6, 10)):
        last = props["12月底"]
        last["const"] = 100
        last["errorMessage"] = "最后一个节点（12月底）应为 100：到年底预算应全部支出。写数字 100，不加引号、不加 %。"
    for k, sub in props.items():
        if isinstance(sub, dict) and "errorMessage" not in sub:
            message = type_message(k, sub)
            if message:
                sub["errorMessage"] = message
        _walk(sub, k)
    for k, v in node.items():
        if k not in ("properties", "x-fields", "enum", "const", "default", "examples", "defaultSnippets", "if", "not"):
            if isinstance(v, (dict, list)):
                _walk(v, key)


def _indicator(item: dict[str, Any]) -> None:
    """An indicator row: 指标值's sign-number syntax; split 符号/值/单位 excludes 指标值."""
    props = item["properties"]
    add_pattern(props["指标值"], SIGN_PATTERN,
                "指标值以比较符号开头，但后面不是数字：写成 符号+数字+单位，例如 ≥90%、≥3次、≤5万元；"
                "定性指标不要加符号，例如 及时。")
    if "值" in props and "符号" in props:
        item.setdefault("allOf", []).extend([
            {"if": {"required": ["值"], "properties": {"值": {"type": ["number", "string"]}}},  # written, not just `值: `
             "then": {"properties": {"指标值": False},
                      "errorMessage": "同时写了“指标值”和“值”：指标值写成一个字符串（如 ≥90%）或分开写成 符号/值/单位，"
                                      "二者选一；删去其中一种。"}},
            {"if": {"required": ["符号"]},
             "then": {"properties": {"值": {"type": ["number", "string"], "pattern": "^\\s*[0-9０-９]+(?:[.．][0-9０-９]+)?\\s*$",
                                           "errorMessage": "写了符号，但值不是数字：有符号时“值”写数字（如 95），"
                                                           "单位写在“单位”里（如 %）；定性指标不写符号。"}}}},
        ])


def _department(schema: dict[str, Any], root: Path) -> None:
    """模板/指标体系 from the workspace; each template's own 版式 keys for a department using it."""
    props = schema["properties"]
    templates = resources.department_templates(root)
    if templates:
        props["模板"]["enum"] = templates
        props["模板"]["errorMessage"] = "找不到这个模板：可用的模板：" + "、".join(templates) + "（templates/ 下的目录名）。"
    profiles = resources.available(root, "profiles", ".yaml")
    if profiles:
        props["指标体系"]["enum"] = profiles
        props["指标体系"]["errorMessage"] = "找不到这个指标体系：可用的有：" + "、".join(profiles) + "（profiles/ 下的文件名）。"
    from perfgen.model.layout import own_keys, schema_defaults
    branches: list[dict[str, Any]] = []
    for name in templates:
        folder = resources.find_named(root, "templates", name)
        doc, _ = yamlsource.read(folder / "layout.yaml", "layout.yaml") if folder is not None else (None, [])
        keys = own_keys(doc.data) if doc is not None and isinstance(doc.data, dict) else []
        layout = {**schema_defaults(), **(doc.data if doc is not None and isinstance(doc.data, dict) else {})}
        blocks = layout.get("项目表区块")
        if (isinstance(blocks, list) and "单位行" in blocks) or layout.get("分项抬头") is True:
            # the form prints the department's name (validate: rule.form-field), unless 版式 changes that
            branches.append({"if": {"properties": {"模板": {"const": name},
                                                   "版式": {"properties": {"项目表区块": False, "分项抬头": False}}},
                                    "required": ["模板"]},
                             "then": {"required": ["名称"],
                                      "errorMessage": f"缺少必填项“名称”：模板“{name}”在项目表的单位行或分项抬头印部门名称，"
                                                      "添加“名称: …”（部门的正式全称）。"}})
        if keys:
            branches.append({"if": {"properties": {"模板": {"const": name}}, "required": ["模板"]},
                             "then": {"properties": {"版式": {"propertyNames": {
                                 "enum": keys, "errorMessage": f"模板“{name}”没有这项版式设置（它是别的表样的设置，或写错了）；"
                                                               f"“{name}”可改的设置有：" + "、".join(keys) + "。"}}}}})
    if branches:
        schema.setdefault("allOf", []).extend(branches)


# The kinds whose editor copy depends on the workspace (its templates and profiles); the others
# depend on perfgen's own schemas only.
WORKSPACE_KINDS = ("department",)


def annotate(schema: dict[str, Any], kind: str, root: Path | None) -> dict[str, Any]:
    """The editor's copy of a schema (changed in place and returned); `root` is needed (and only
    read) for WORKSPACE_KINDS."""
    if kind in WORKSPACE_KINDS:
        if root is None:
            raise ValueError(f"the editor's {kind} schema depends on the workspace")
        _department(schema, root)
    _walk(schema)
    return schema
