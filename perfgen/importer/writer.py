"""Writing the imported YAML: the files people will edit from now on, so they must read well.

Each file starts with the schema modeline (editor completion) and a Chinese comment saying where it
came from; keys follow the schema's order; strings are double-quoted (so 100, 是 or = stay text);
amounts are quoted "50000.00" strings in 元; placeholders are one-line {二级指标: …, 占位: true}.
Files are written atomically, and existing files only with --force.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from perfgen import resources
from perfgen.errors import UserError
from perfgen.render.package import write_atomic


@dataclass
class PlannedFile:
    """One YAML file the import will write."""

    path: Path               # absolute
    rel: str                 # relative to the workspace root
    kind: str                # department / goals / project
    text: str
    summary: str = ""        # what it holds, for the command's output

    @property
    def exists(self) -> bool:
        return self.path.exists()


def modeline(root: Path, path: Path, kind: str) -> str:
    target = root / "schemas" / f"{kind}.schema.json"
    rel = os.path.relpath(target, path.parent).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={rel}"


def _schema_node(kind: str) -> dict[str, Any]:
    return resources.schema(kind)


def _convert(value: Any, schema: dict[str, Any] | None, flow: bool = False) -> Any:
    """Plain data → ruamel nodes in schema key order, strings quoted, multi-line as blocks."""
    schema = schema or {}
    if isinstance(value, dict):
        props = schema.get("properties", {})
        if not props and "patternProperties" in schema:
            props = {}
        m = CommentedMap()
        ordered = [k for k in props if k in value] + [k for k in value if k not in props]
        for k in ordered:
            sub = props.get(k)
            if sub is None and "patternProperties" in schema:
                sub = next(iter(schema["patternProperties"].values()))
            m[k] = _convert(value[k], sub)
        if flow:
            m.fa.set_flow_style()
        return m
    if isinstance(value, list):
        seq = CommentedSeq()
        items = schema.get("items", {})
        for v in value:
            seq.append(_convert(v, items, flow=isinstance(v, dict) and v.get("占位") is True))
        if not value:
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str):
        if "\n" in value:
            return LiteralScalarString(value)
        return DoubleQuotedScalarString(value)
    return value


def text_value(lines: list[str]) -> str | list[str]:
    """A Text field: one line as a string, several as a list (one paragraph each)."""
    if len(lines) == 1:
        return lines[0]
    return list(lines)


def dump(kind: str, data: dict[str, Any], header: list[str], comments: dict[tuple[Any, ...], str] | None = None) -> str:
    """YAML text for one file: header comment lines, then the data in schema order."""
    root = _convert(data, _schema_node(kind))
    for path, comment in (comments or {}).items():
        node: Any = root
        try:
            for step in path[:-1]:
                node = node[step]
            if isinstance(node, (CommentedMap, CommentedSeq)):
                node.yaml_add_eol_comment("# " + comment, path[-1], column=0)
        except (KeyError, IndexError, TypeError):
            continue
    y = YAML()
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    buf = io.StringIO()
    y.dump(root, buf)
    body = buf.getvalue()
    return "".join(line + "\n" for line in header) + body


def check_targets(files: list[PlannedFile], force: bool) -> None:
    """Refuse to overwrite anything without --force; say which files are in the way."""
    existing = [f.rel for f in files if f.exists]
    if existing and not force:
        shown = "、".join(existing[:5]) + (f" 等 {len(existing)} 个文件" if len(existing) > 5 else "")
        raise UserError(f"这些文件已存在，未做任何改动：{shown}",
                        "确认要用导入的内容覆盖时加 --force；只想看看会写什么，用 --dry-run。")


def write_all(files: list[PlannedFile]) -> None:
    for f in files:
        write_atomic(f.path, f.text.encode("utf-8"))
