"""docs/审核规则.md: the review rules of rules/*.yaml — what each checks, why, its words and switches.

Read straight from the rule files (including the comments that explain placeholders and
parameters), so the page says exactly what `perfgen review` will apply. A file whose shape this
page does not know is listed with a note instead of failing the docs build.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from perfgen import yamlsource
from perfgen.docsgen import header

_KEYS = {"id": "id", "title": "标题", "description": "说明", "severity": "级别", "enabled": "启用",
         "criterion": "准则", "message": "消息", "hint": "提示", "params": "参数"}


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        joiner = "；" if any(isinstance(v, dict) for v in value) else "、"
        return joiner.join(_value(v) for v in value) if value else "（空）"
    if isinstance(value, dict):
        return "，".join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


def _comments_above(doc: yamlsource.YamlDocument, path: tuple[str | int, ...]) -> list[str]:
    """The comment lines right above a key: the rule file's own explanation of it."""
    line = doc.position(path, key=True)[0]
    if not line:
        return []
    lines = doc.text.split("\n")
    found: list[str] = []
    i = line - 2
    while i >= 0 and lines[i].strip().startswith("#"):
        text = lines[i].strip().lstrip("#").strip()
        if text.startswith("──"):
            break
        found.insert(0, text)
        i -= 1
    return [t for t in found if t]


def _preamble(doc: yamlsource.YamlDocument) -> list[str]:
    """The file's opening comment block (its format explained)."""
    out = []
    for line in doc.text.split("\n"):
        if not line.startswith("#"):
            break
        out.append(line[1:].removeprefix(" "))
    return out


def _rules(data: dict[str, Any]) -> list[tuple[str, dict[str, Any], tuple[str | int, ...]]]:
    """(id, rule in Chinese keys, path in the file) from a 规则 mapping or a list of rules."""
    raw = data.get("规则", data.get("rules"))
    found: list[tuple[str, dict[str, Any], tuple[str | int, ...]]] = []
    if isinstance(raw, dict):
        items = [(str(k), v, ("规则" if "规则" in data else "rules", k)) for k, v in raw.items()]
    elif isinstance(raw, list):
        key = "规则" if "规则" in data else "rules"
        items = [(str(v.get("id", i)), v, (key, i)) for i, v in enumerate(raw) if isinstance(v, dict)]
    else:
        items = []
    for rule_id, body, path in items:
        if isinstance(body, dict):
            found.append((rule_id, {str(_KEYS.get(k, k)): v for k, v in body.items()}, path))
    return found


def _grading(grades: list[Any], titles: dict[str, str]) -> list[str]:
    out = ["| 顺序 | 等级 | 条件（须同时满足） | 理由 |", "|---|---|---|---|"]
    for n, g in enumerate(grades, start=1):
        if not isinstance(g, dict):
            continue
        cond = g.get("条件") or {}
        parts = []
        for key, value in cond.items() if isinstance(cond, dict) else []:
            if key == "规则":
                parts.append("有以下任一规则的问题：" + "、".join(titles.get(str(v), f"`{v}`") for v in value))
            elif key.endswith("不少于"):
                parts.append(f"{key[:-3]} ≥ {value}")
            else:
                parts.append(f"{key}: {_value(value)}")
        out.append(f"| {n} | {g.get('等级', '')} | {'；'.join(parts) or '（总是满足）'} | {g.get('理由', '')} |")
    return out


def _one_file(path: Path, source: Path) -> list[str]:
    rel = path.relative_to(source).as_posix()
    doc, _ = yamlsource.read(path, rel)
    if doc is None or not isinstance(doc.data, dict):
        return [f"## {rel}\n", "（这个文件读不出来，请运行 perfgen review 查看原因。）\n"]
    data = doc.data
    rules = _rules(data)
    out = [f"## {data.get('名称', path.stem)}\n", f"文件：`{rel}`。"
           + (f"继承自“{data['继承']}”，只写了改动的部分。" if data.get("继承") else "") + "\n"]
    if not rules:
        out.append("（这个文件没有可列出的规则。）\n")
        return out
    out += ["| 代码 | 标题 | 准则 | 级别 | 默认启用 |", "|---|---|---|---|---|"]
    for rule_id, r, _ in rules:
        out.append(f"| `review.{rule_id}` | {r.get('标题', '')} | {r.get('准则', '')} | {r.get('级别', '')} "
                   f"| {_value(r.get('启用', True))} |")
    out.append("")
    for rule_id, r, rpath in rules:
        out.append(f"### {r.get('标题', rule_id)}（`review.{rule_id}`）\n")
        facts = [f"准则：{r['准则']}" if r.get("准则") else "", f"级别：{r['级别']}" if r.get("级别") else "",
                 "默认启用" if r.get("启用", True) else "默认关闭"]
        out.append("；".join(f for f in facts if f) + "。\n")
        if r.get("说明"):
            out.append(f"{r['说明']}\n")
        if r.get("消息"):
            out.append(f"- 报告：{r['消息']}")
        if r.get("提示"):
            out.append(f"- 修改提示：{r['提示']}")
        for note in _comments_above(doc, rpath):
            out.append(f"- {note}")
        params = r.get("参数")
        if isinstance(params, dict) and params:
            out.append("- 参数（可在地区规则文件中调整）：")
            for name, value in params.items():
                notes = _comments_above(doc, rpath + ("参数", name))
                line = f"  - `{name}`：{_value(value)}"
                out.append(line + (f"。{'；'.join(notes)}" if notes else ""))
        out.append("")
    grades = data.get("评级")
    if isinstance(grades, list) and grades:
        out += ["### 建议评级\n", "每个项目（和部门整体部分）按下表从上到下判断，第一条条件全部满足的决定等级。\n"]
        out += _grading(grades, {rule_id: str(r.get("标题", rule_id)) for rule_id, r, _ in rules}) + [""]
    preamble = _preamble(doc)
    if preamble:
        out += ["### 规则文件的写法\n", f"以下是 `{rel}` 开头的说明：\n", "```text", *preamble, "```", ""]
    return out


def page(source: Path) -> str:
    files = sorted((source / "rules").glob("*.yaml")) if (source / "rules").is_dir() else []
    files = [f for f in files if f.name != "scoring.yaml"]  # the scoring rules have their own page (评分规则.md)
    out = [header("审核规则", "rules/*.yaml") +
           "`perfgen review` 按绩效目标审核的四项准则（完整性、相关性、适当性、可行性）检查指标的质量，"
           "列出问题并给出建议评级（优、良、中、差）。`perfgen validate` 检查格式和硬性规定；"
           "review 检查的是审核人员会提出的问题。下面的规则、级别、词表和阈值都写在规则文件中，"
           "地区或年度需要不同的规则时改文件，不用改程序。\n"]
    if not files:
        out.append("（rules/ 下还没有规则文件。）\n")
    for path in files:
        out += _one_file(path, source)
    return "\n".join(out).rstrip("\n") + "\n"
