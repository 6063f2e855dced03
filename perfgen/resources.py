"""Where perfgen finds its data: schemas, templates and indicator profiles.

A workspace may carry its own templates/ and profiles/ (a county's variant of a form); otherwise the
copies shipped with perfgen are used. Shipped data lives at the top of the source tree (schemas/,
templates/, profiles/) and is packed into perfgen/_data in a wheel.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def builtin_dir() -> Path:
    """The folder holding the shipped schemas/, templates/ and profiles/."""
    packed = _PACKAGE / "_data"
    if (packed / "schemas").is_dir():
        return packed
    return _PACKAGE.parent


def schema_path(kind: str) -> Path:
    return builtin_dir() / "schemas" / f"{kind}.schema.json"


@functools.cache
def schema_file(kind: str) -> dict[str, Any]:
    """The schema exactly as shipped (with its `$defs` and `$ref`s), e.g. to write workspace copies."""
    with open(schema_path(kind), encoding="utf-8") as fh:
        loaded: dict[str, Any] = json.load(fh)
        return loaded


@functools.cache
def schema(kind: str) -> dict[str, Any]:
    """The schema with every local `$ref` replaced by its definition (the referring node's own keys,
    such as its title, win), so code walking properties/items sees each field's whole description.

    A reference to a sibling schema (a department's 版式 → layout.schema.json) is left out: 版式 is
    checked against the layout by validate/layout_check, which knows the department's template."""
    raw = schema_file(kind)
    inlined: dict[str, Any] = inline_refs(raw, raw)
    return inlined


@functools.cache
def editor_schema(kind: str) -> dict[str, Any]:
    """schema(kind) with the sibling schemas it refers to inlined too: what a workspace's editor
    reads (one file per schema, so hover and completion inside 版式 show the layout's keys)."""
    raw = schema_file(kind)
    inlined: dict[str, Any] = inline_refs(raw, raw, siblings=True)
    return inlined


def inline_refs(node: Any, root: dict[str, Any], siblings: bool = False) -> Any:
    """`{"$ref": "#/$defs/X", "title": …}` → the definition of X merged under the node's own keys;
    with `siblings`, `{"$ref": "layout.schema.json"}` (a sibling schema file) → that whole schema."""
    if isinstance(node, list):
        return [inline_refs(v, root, siblings) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: inline_refs(v, root, siblings) for k, v in node.items() if k != "$ref"}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for step in ref[2:].split("/"):
            target = target[step]
        for k, v in inline_refs(target, root, siblings).items():
            out.setdefault(k, v)
    elif siblings and isinstance(ref, str) and ref.endswith(".schema.json") and "/" not in ref:
        for k, v in editor_schema(ref[:-len(".schema.json")]).items():
            if k not in ("$schema", "$id"):
                out.setdefault(k, v)
    return out


SCHEMA_KINDS = ("workspace", "department", "goals", "project", "results")


@functools.cache
def known_keys() -> frozenset[str]:
    """Every property name in every schema: used to spot `键：值` typed with a full-width colon."""
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.get("properties", {}).items():
                keys.add(k)
                walk(v)
            for key in ("items", "then", "if", "not"):
                if key in node:
                    walk(node[key])
            for v in node.get("patternProperties", {}).values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for kind in SCHEMA_KINDS:
        walk(schema(kind))
    return frozenset(keys)


def search_dirs(root: Path | None, kind: str) -> list[Path]:
    """Folders to look in for `kind` ("templates" or "profiles"): the workspace's, then the shipped."""
    dirs = []
    if root is not None:
        dirs.append(root / kind)
    dirs.append(builtin_dir() / kind)
    unique: list[Path] = []
    for d in dirs:
        if d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def find_named(root: Path | None, kind: str, name: str, suffix: str = "") -> Path | None:
    """templates/<name>, profiles/<name>.yaml …: the workspace's copy, else the shipped one.
    A name is a plain relative path (results/selfeval): "../x", "/etc", "" or a name too long
    for a file is never found (a department file cannot point perfgen at a file elsewhere on disk)."""
    if not isinstance(name, str) or not _PLAIN_NAME.match(name) or any(
            part in ("", ".", "..") for part in name.split("/")):
        return None
    for d in search_dirs(root, kind):
        candidate = d / f"{name}{suffix}"
        try:
            if candidate.exists():
                return candidate
        except OSError:  # e.g. the name is too long for the file system
            return None
    return None


_PLAIN_NAME = re.compile(r"^[^\\\x00-\x1f]{1,200}$")


def available(root: Path | None, kind: str, suffix: str = "") -> list[str]:
    names: set[str] = set()
    for d in search_dirs(root, kind):
        if d.is_dir():
            for p in d.iterdir():
                if suffix and p.name.endswith(suffix):
                    names.add(p.name[: -len(suffix)])
                elif not suffix and p.is_dir():
                    names.add(p.name)
    return sorted(names)


VOLUME_TEMPLATE = "volume"  # templates/volume: the annual volume's skeleton (cover, contents) and its layout


def department_templates(root: Path | None) -> list[str]:
    """Templates a department can use: those with a layout.yaml, except the volume skeleton."""
    names = []
    for name in available(root, "templates"):
        if name == VOLUME_TEMPLATE:
            continue
        folder = find_named(root, "templates", name)
        if folder is not None and (folder / "layout.yaml").exists():
            names.append(name)
    return names
