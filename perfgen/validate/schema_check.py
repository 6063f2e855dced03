"""Structure checks against schemas/*.schema.json, reported in Chinese at the right line.

jsonschema finds the problems; this module turns each into a sentence a department's finance
clerk can act on: which field (as a breadcrumb of Chinese names, items named by their own name),
what is wrong, and how to fix it, with the closest valid key for a typo.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema is imported only when a file needs explaining (it is slow to import)
    from jsonschema.exceptions import ValidationError

from perfgen import resources
from perfgen.errors import Finding
from perfgen.yamlsource import YamlDocument

# The schemas mark every must-fill string with this pattern (and a “请填写…” patternErrorMessage), so
# the editor underlines a blank in Chinese; validate reports blanks itself (placeholders.py) and
# ignores it here.
MUST_FILL_PATTERN = "^(?!\\s*待填写)"

ROOT_LABEL = {"workspace": "工作区设置", "department": "部门", "goals": "年度目标", "project": "项目",
              "results": "结果", "layout": "版式设置", "profile": "指标体系", "labels": "导入用的文字"}

_TYPE_CN = {"string": "文字", "number": "数字", "integer": "整数", "boolean": "true 或 false",
            "object": "“字段: 值”形式的键值对", "array": "列表（每项以“- ”开头）", "null": "空值"}


def _spelling(value: Any) -> str:
    """A value as the user wrote it in YAML (true, not Python's True)."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "boolean": (bool,), "array": (list,), "object": (dict,),
    "integer": (int,), "number": (int, float, Decimal), "null": (type(None),)}


def _wrong_type(error: ValidationError) -> bool:
    """True when the schema beside this keyword also declares a type the value does not have."""
    want = error.schema.get("type") if isinstance(error.schema, dict) else None
    names = [want] if isinstance(want, str) else list(want or [])
    if not names:
        return False
    value = error.instance
    ok = any(isinstance(value, _JSON_TYPES.get(n, ())) and not (n in ("integer", "number") and isinstance(value, bool))
             for n in names)
    return not ok


def _type_name(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (Decimal, float)) and _is_fraction(value):
        return f"小数 {value}"  # where an integer is expected, "实际是数字" would not say what is wrong
    if isinstance(value, (int, Decimal, float)):
        return "数字"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "键值对"
    return type(value).__name__


def _is_fraction(value: Decimal | float) -> bool:
    try:
        return value != int(value)
    except (ValueError, OverflowError, ArithmeticError):  # NaN, infinity
        return False


def _validator(kind: str) -> Any:
    import jsonschema
    return _VALIDATORS.setdefault(kind, jsonschema.Draft202012Validator(resources.schema(kind)))


def best_match(errors: Any) -> ValidationError:
    from jsonschema.exceptions import best_match as jsonschema_best_match
    return jsonschema_best_match(errors)


_VALIDATORS: dict[str, Any] = {}
_FAST: dict[str, Any] = {}


def _fast_valid(kind: str, data: Any) -> bool:
    """A compiled validator (fastjsonschema) answers "valid?" ~20x faster than jsonschema; the
    latter only runs to explain files that are not. Our schemas use draft-07 keywords only."""
    fn = _FAST.get(kind)
    if fn is None:
        import fastjsonschema
        schema = {k: v for k, v in resources.schema(kind).items() if k not in ("$schema", "$id")}
        fn = _FAST[kind] = fastjsonschema.compile(schema, use_default=False)  # never write defaults into user data
    try:
        fn(data)
        return True
    except Exception:  # JsonSchemaValueException and anything odd: let jsonschema explain
        return False


def valid(kind: str, data: Any) -> bool:
    """Does `data` match the schema of `kind`? (No findings: for callers that only skip bad data.)"""
    return _fast_valid(kind, data)


def subschema(kind: str, path: tuple[str | int, ...]) -> dict[str, Any]:
    """The schema that describes the value at `path` (best effort through properties/items)."""
    node: dict[str, Any] = resources.schema(kind)
    for step in path:
        if isinstance(step, int):
            node = node.get("items", {})
        else:
            props = node.get("properties", {})
            if step in props:
                node = props[step]
            else:
                import re
                for pattern, sub in node.get("patternProperties", {}).items():
                    if re.search(pattern, step):
                        node = sub
                        break
                else:
                    return {}
    return node


def _item_name(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    for key in ("三级指标", "标题", "项目名称", "二级指标", "名称"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            text = value.strip().replace("\n", "")
            return text if len(text) <= 24 else text[:23] + "…"
    return None


def breadcrumb(kind: str, data: Any, path: tuple[str | int, ...]) -> str:
    """项目 › 绩效指标「帮扶见义勇为人次」 › 指标值 — items named by their name, not their index."""
    parts = [ROOT_LABEL.get(kind, kind)]
    node: Any = data
    for step in path:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            name = _item_name(item)
            parts[-1] += f"「{name}」" if name else f"第{step + 1}项"
            node = item
        else:
            parts.append(step)
            node = node.get(step) if isinstance(node, dict) else None
    return " › ".join(parts)


def _describe(kind: str, path: tuple[str | int, ...]) -> str:
    sub = subschema(kind, path)
    title = sub.get("title")
    desc = sub.get("description")
    if title and desc:
        return f"{title}：{desc}"
    return desc or title or ""


def _leaf(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the branch that explains the problem best."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        # When every branch fails on type, the parent error is the clearer one.
        if all(e.validator == "type" and not e.relative_path for e in error.context):
            return error
        # the branch whose type fits the value explains it best (a string failing its pattern,
        # rather than "should be a number")
        fitting = [e for e in error.context if not (e.validator == "type" and not e.relative_path)]
        error = best_match(fitting or error.context)
    return error


def _expected_types(error: ValidationError) -> list[str]:
    types: list[str] = []
    for e in error.context or [error]:
        t = e.validator_value if e.validator == "type" else None
        for name in ([t] if isinstance(t, str) else t or []):
            if name not in types:
                types.append(name)
    return types


def check(doc: YamlDocument, kind: str) -> list[Finding]:
    """Every structural problem in one document, each located and explained."""
    if _fast_valid(kind, doc.data):
        return []
    findings: list[Finding] = []
    seen: set[tuple[int | None, int | None, str]] = set()
    for error in sorted(_validator(kind).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        if _is_blank_mark(error):
            continue
        for found in _explain(doc, kind, error):
            # one problem, one message: a key required both by a mapping and by its if/then branch
            # (an indicator's “二级指标”) fails twice in jsonschema; the first carries the field's hint
            if (found.line, found.column, found.message) not in seen:
                seen.add((found.line, found.column, found.message))
                findings.append(found)
    return findings


def _is_blank_mark(error: ValidationError) -> bool:
    """The “请填写” mark on a “待填写” value is for the editor; validate reports blanks itself
    (perfgen.validate.placeholders), with more to say."""
    leaf = _leaf(error)
    return bool(leaf.validator == "pattern" and leaf.validator_value == MUST_FILL_PATTERN)


def _explain(doc: YamlDocument, kind: str, error: ValidationError) -> Iterator[Finding]:
    """One error as located Chinese findings: by the keyword that failed."""
    error = _leaf(error)
    path = tuple(error.absolute_path)
    v = error.validator
    line, col = doc.position(path)
    crumb = breadcrumb(kind, doc.data, path)

    def finding(message: str, hint: str | None, at: tuple[int | None, int | None] = (line, col),
                crumb_: str = crumb, code: str = f"schema.{v}") -> Finding:
        return Finding(file=doc.rel, line=at[0], column=at[1], message=message, hint=hint,
                       breadcrumb=crumb_, code=code)

    if v == "required":
        yield from _explain_required(error, finding)
    elif v == "additionalProperties":
        yield from _explain_unknown_keys(doc, kind, error, path, finding)
    elif v in ("type", "oneOf", "anyOf"):
        if not _expected_types(error) and v in ("oneOf", "anyOf"):
            leaf = best_match(error.context) if error.context else error
            yield from _explain_simple(doc, kind, leaf, finding)
        else:
            yield _explain_type(kind, error, path, finding)
    else:
        yield from _explain_simple(doc, kind, error, finding)


def _explain_required(error: ValidationError, finding: Any) -> Iterator[Finding]:
    props = error.schema.get("properties", {})
    for key in error.validator_value:
        if isinstance(error.instance, dict) and key not in error.instance:
            sub = props.get(key, {})
            hint = f"添加“{key}: …”"
            if sub.get("description"):
                hint += f"（{sub.get('title', key)}：{sub['description']}）"
            yield finding(f"缺少必填项“{key}”", hint, code="schema.required")


def _explain_unknown_keys(doc: YamlDocument, kind: str, error: ValidationError, path: tuple[str | int, ...],
                          finding: Any) -> Iterator[Finding]:
    import re
    allowed = list(error.schema.get("properties", {}))
    patterns = error.schema.get("patternProperties", {})
    extras = [k for k in error.instance if k not in allowed and not any(re.search(p, k) for p in patterns)]
    for key in extras:
        at = doc.position(path + (key,), key=True)
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.3)
        if close:
            hint = f"是不是要写“{close[0]}”？"
        elif allowed:
            hint = "这里可以写的字段有：" + "、".join(allowed)
        else:
            hint = "节点名应为“3月底”“6月底”这样的月份。"
        yield finding(f"不认识的字段“{key}”", hint, at=at, crumb_=breadcrumb(kind, doc.data, path),
                      code="schema.unknown-key")


def _explain_type(kind: str, error: ValidationError, path: tuple[str | int, ...], finding: Any) -> Finding:
    expected = _expected_types(error)
    value = error.instance
    want = "或".join(_TYPE_CN.get(t, t) for t in expected)
    hint = _describe(kind, path) or None
    if "string" in expected and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        hint = f"数字写在文字字段里要加引号，例如 \"{value}\"。" + (f"（{hint}）" if hint else "")
    elif "object" in expected and isinstance(value, list):
        hint = "这里应写成“字段: 值”的形式，而不是以“- ”开头的列表。" + (f"（{hint}）" if hint else "")
    elif "object" in expected and isinstance(value, str):
        hint = "这里应写成下一级缩进的“字段: 值”。检查这一行是否少了换行和缩进，或冒号写成了全角“：”。"
    elif value is None:
        hint = "这里不能空着；请填写内容。" + (f"（{hint}）" if hint else "")
    if not hint:  # an item of a list, say: its choices, or at least what to write
        choices = error.schema.get("enum") if isinstance(error.schema, dict) else None
        hint = "可选：" + "、".join(map(_spelling, choices)) if choices else f"把这里改写成{want}。"
    made: Finding = finding(f"应为{want}，实际是{_type_name(value)}", hint, code="schema.type")
    return made


def _explain_simple(doc: YamlDocument, kind: str, error: ValidationError, finding: Any) -> Iterator[Finding]:
    v = error.validator
    value = error.instance
    path = tuple(error.absolute_path)
    desc = _describe(kind, path) or None
    if v == "type":
        want = _TYPE_CN.get(error.validator_value, str(error.validator_value)) \
            if isinstance(error.validator_value, str) else "或".join(_TYPE_CN.get(t, t) for t in error.validator_value)
        choices = error.schema.get("enum") if isinstance(error.schema, dict) else None
        hint = desc or ("可选：" + "、".join(map(_spelling, choices)) if choices else f"把这里改写成{want}。")
        yield finding(f"应为{want}，实际是{_type_name(value)}", hint, code="schema.type")
    elif v == "pattern":
        shown = str(value).replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
        said = error.schema.get("patternErrorMessage") if isinstance(error.schema, dict) else None
        yield finding(f"“{shown}”的格式不对", said or desc, code="schema.pattern")
    elif v == "minLength" and isinstance(value, str) and value and error.validator_value > 1:
        yield finding(f"太短了（{len(value)} 个字，至少 {error.validator_value} 个）", desc, code="schema.too-short")
    elif v == "minLength":
        yield finding("不能为空", desc, code="schema.empty")
    elif v == "maxLength":
        yield finding(f"太长了（{len(value)} 个字，上限 {error.validator_value}）", "请精简，或检查是否粘贴了多余内容。",
                      code="schema.too-long")
    elif v == "minimum":
        yield finding(f"“{value}”小于允许的最小值 {error.validator_value}", desc, code="schema.minimum")
    elif v == "maximum":
        yield finding(f"“{value}”超过允许的最大值 {error.validator_value}", desc, code="schema.maximum")
    elif v == "enum":
        if _wrong_type(error):
            return  # the "type" error at the same place already says it, in these words
        options = "可选：" + "、".join(map(_spelling, error.validator_value))
        if isinstance(value, (list, dict)):
            yield finding(f"应为一个可选值，实际是{_type_name(value)}", options, code="schema.enum")
        else:
            yield finding(f"“{_spelling(value)}”不是可选值", options, code="schema.enum")
    elif v == "const":
        yield finding(f"应为 {error.validator_value}", desc, code="schema.const")
    elif v == "uniqueItems":
        yield finding("列表中有重复项", "每一项只写一次。", code="schema.unique")
    elif v == "minItems":
        yield finding(f"项数太少（{len(value)} 项，至少 {error.validator_value} 项）", desc or "请补全列表中的各项。",
                      code="schema.min-items")
    elif v == "maxItems":
        yield finding(f"项数过多（上限 {error.validator_value}）", "请检查是否重复粘贴。", code="schema.max-items")
    else:
        yield finding(f"内容不符合要求（{v}）", desc, code=f"schema.{v}")
