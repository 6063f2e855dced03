"""“待填写” placeholders: a scaffold that is only half filled in can never pass as finished.

`perfgen new` writes “待填写：…” wherever a person has to supply a value. Every such value is an
error located at its line, saying which field it is and what belongs there (from the schema). A
placeholder reports only itself: the schema error it causes (“待填写” is not a number) and any
business-rule finding on that same value are not repeated, so a fresh scaffold shows one clear
message per blank and nothing else.
"""
from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

from perfgen.errors import Finding
from perfgen.validate import schema_check
from perfgen.yamlsource import YamlDocument

PLACEHOLDER = "待填写"
CODE = "placeholder.unfilled"

Path_ = tuple[str | int, ...]


def is_placeholder(value: Any) -> bool:
    """True for "待填写" and "待填写：…" (leading spaces ignored)."""
    return isinstance(value, str) and value.strip().startswith(PLACEHOLDER)


def find(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every placeholder value in a document, with its path, in file order."""
    if is_placeholder(data):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from find(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from find(value, path + (i,))


def _required(kind: str, path: Path_) -> bool:
    if not path:
        return True
    if isinstance(path[-1], int):
        return False
    return path[-1] in schema_check.subschema(kind, path[:-1]).get("required", [])


def _hint(kind: str, path: Path_, text: str) -> str:
    """What belongs here: the placeholder's own words, then the schema's description of the field."""
    field = path if not (path and isinstance(path[-1], int)) else path[:-1]
    described = schema_check.subschema(kind, field).get("description", "")
    wanted = text.strip()[len(PLACEHOLDER):].lstrip("：:，, ")
    parts = []
    if wanted and wanted not in described:
        parts.append(f"这里要填：{wanted}。")
    if described:
        parts.append(described if described.endswith("。") else described + "。")
    parts.append("把“待填写……”整个换成实际内容")
    if len(path) == 1 and not _required(kind, path):
        parts.append("；这一项可不填，不需要时删去整行")
    return "".join(parts) + "。"


def _unnamed(data: Any) -> Any:
    """The data with placeholders blanked, so breadcrumbs name an item 第2项, not 「待填写：…」."""
    if is_placeholder(data):
        return ""
    if isinstance(data, dict):
        return {k: _unnamed(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_unnamed(v) for v in data]
    return data


def _in(doc: YamlDocument) -> Iterator[tuple[Path_, str]]:
    """find(), skipping the walk when the file's text cannot hold a placeholder."""
    if doc.text and PLACEHOLDER not in doc.text:
        return iter(())
    return find(doc.data)


def check(doc: YamlDocument, kind: str) -> list[Finding]:
    """One located error per placeholder in `doc`."""
    findings = []
    blanked = None
    for path, text in _in(doc):
        blanked = _unnamed(doc.data) if blanked is None else blanked
        line, col = doc.position(path)
        findings.append(Finding(
            file=doc.rel, line=line, column=col, code=CODE,
            breadcrumb=schema_check.breadcrumb(kind, blanked, path),
            message=f"还没有填写（仍是“{PLACEHOLDER}”）", hint=_hint(kind, path, text)))
    return findings


def locations(docs: Iterable[YamlDocument]) -> set[tuple[str, int | None, int | None]]:
    """(file, line, column) of every placeholder: findings there are the placeholder's own."""
    return {(doc.rel, *doc.position(path)) for doc in docs for path, _ in _in(doc)}


def screen(doc: YamlDocument, kind: str, problems: list[Finding]) -> tuple[list[Finding], YamlDocument | None]:
    """Findings to report for one file, and the document to build the model from (None: don't).

    Placeholders are reported; schema problems on a placeholder's value are dropped. If problems
    remain, or a required field still holds a placeholder the schema rejects (an amount), the file
    is not built. An optional field whose placeholder the schema rejects (单位编码) is left out of
    the model, so the rest of the department still loads and its own blanks are reported too.
    Only top-level optional fields are left out: dropping a nested value (one 支出计划 node) would
    make the business rules report a different problem than the blank itself.
    """
    marks = check(doc, kind) if (not doc.text or PLACEHOLDER in doc.text) else []
    if not marks:
        return problems, (None if problems else doc)
    at = {(f.line, f.column): f for f in marks}
    placeholder_paths = {doc.position(p): p for p, _ in find(doc.data)}
    kept = [p for p in problems if (p.line, p.column) not in at]
    rejected = [placeholder_paths[(p.line, p.column)] for p in problems if (p.line, p.column) in at]
    if kept:
        return marks + kept, None
    if not rejected:
        return marks, doc
    if any(len(path) != 1 or _required(kind, path) for path in rejected):
        return marks, None  # leaving out a nested value would change what the rules see
    data = copy.deepcopy(doc.data)
    for (key,) in rejected:
        data.pop(key, None)
    cleaned = dataclasses.replace(doc, data=data)
    if schema_check.check(cleaned, kind):
        return marks, None
    return marks, cleaned
