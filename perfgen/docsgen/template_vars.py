"""docs/模板变量.md: what a Word template may print, and every 版式 (layout) setting.

The variables come from render/shape.py, the declaration `perfgen template check` checks templates
against; the layout settings and their explanations come from templates/*/layout.yaml.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from perfgen import yamlsource
from perfgen.docsgen import header
from perfgen.render import shape

# The loop variable the shipped templates use for each list, so the page reads like them.
_LOOP = {"projects": "p", "rows": "r", "dept_rows": "r", "subgoals": "s"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")  # a pipe, even in `code`, would end a table cell


def _rows(view: dict[str, Any], prefix: str, out: list[str]) -> None:
    for key, value in view.items():
        name = f"{prefix}{key}"
        if value == shape.LAYOUT:
            out.append(f"| `{name}.<设置名>` | 版式设置（见下文“版式设置”），例如 `{name}.项目部分名称` |")
        elif isinstance(value, str):
            out.append(f"| `{name}` | {_cell(value)} |")
        elif isinstance(value, dict):
            _rows(value, f"{name}.", out)
        elif isinstance(value, list) and value:
            item = value[0]
            var = _LOOP.get(key, "line")
            if isinstance(item, str):
                out.append(f"| `{name}` | {_cell(item)}（文字列表，每项一段） |")
            else:
                out.append(f"| `{name}` | 列表，用 `{{% for {var} in {name} %}}` 逐项印出，每项有下面以 `{var}.` 开头的字段 |")
                _rows(item, f"{var}.", out)


def _layout_comments(doc: yamlsource.YamlDocument) -> dict[str, str]:
    """The comment at the end of each setting's line (the file's own explanation)."""
    notes = {}
    lines = doc.text.split("\n")
    for key in doc.data:
        line = doc.position((key,), key=True)[0]
        if line and "#" in lines[line - 1]:
            text = lines[line - 1]
            at = text.find("  #")
            if at >= 0:
                notes[key] = text[at + 3:].strip()
    return notes


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return f"\"{value}\"" if isinstance(value, str) else str(value)


def page(source: Path) -> str:
    out = [header("模板变量和版式设置", "perfgen/render/shape.py 和 templates/*/layout.yaml") +
           "Word 模板中可以使用的变量（改模板时用，见[模板定制](模板定制.md)），以及每个模板的版式设置"
           "（可在 department.yaml 或某年 goals.yaml 的“版式”下覆盖，不必改 Word 文件）。"
           "`perfgen template check` 按本页的变量检查模板。\n",
           "标签的写法见[模板定制](模板定制.md)。简要地说：`{{ 变量 }}` 印出一个值；文字列表用 "
           "`{%p for line in 列表 %}` … `{{ line }}` … `{%p endfor %}` 逐段印出，或在一个单元格里用 "
           "`{{ 列表|lines }}` 分行印出；表格行用 `{%tr for … %}` … `{%tr endfor %}` 重复。\n",
           "## 部门文档模板的变量\n",
           "用于 templates/<模板>/template.docx（每个部门一份文档）。\n",
           "| 写法 | 含义 |", "|---|---|"]
    _rows(shape.DEPARTMENT_VIEW, "", out)
    out += ["", "标有“是否”的变量是 true/false，用于 `{%p if … %}` … `{%p endif %}`。"
            "下面几个只在文档有相应部分时才有，模板中要先用 `is defined` 判断："
            + "、".join(f"`{a}.{b}`" for a, b in sorted(shape.OPTIONAL)) + "。\n",
            "## 汇编模板的变量\n", "用于 templates/volume/template.docx（年度汇编的封面和目录）。\n",
            "| 写法 | 含义 |", "|---|---|"]
    _rows(shape.VOLUME_VIEW, "", out)
    out += ["", "## 版式设置\n",
            "每个模板目录下的 layout.yaml 写着默认值。要改某个部门的版式，在 department.yaml 中写"
            "（只写要改的项）：\n", "```yaml", "版式:", "  分项标题后缀: \"：\"", "  支出计划小数位: 0", "```", "",
            "只改某一年时写在那一年的 goals.yaml 中。格式串中的 {cn} 是中文数字（一、二、三），{n} 是阿拉伯数字，"
            "{年度}、{项目名称} 等由程序填入。\n"]
    for layout in sorted((source / "templates").glob("*/layout.yaml")):
        rel = layout.relative_to(source).as_posix()
        doc, _ = yamlsource.read(layout, rel)
        if doc is None or not isinstance(doc.data, dict):
            continue
        notes = _layout_comments(doc)
        out += [f"### {layout.parent.name}\n", f"文件：`{rel}`。\n", "| 设置 | 默认值 | 说明 |", "|---|---|---|"]
        for key, value in doc.data.items():
            out.append(f"| `{key}` | `{_value(value)}` | {notes.get(key, '')} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
