"""`perfgen template list`: the forms a department can choose, one line each.

The line is the opening sentence of the form's layout.yaml header comment (the file that defines
the form), so a workspace's own template describes itself the same way the shipped ones do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from perfgen import resources

_MODELINE = re.compile(r"#\s*yaml-language-server:")


@dataclass(frozen=True)
class TemplateSummary:
    name: str
    summary: str
    shipped: bool   # False: the workspace's own templates/<name>/ (it shadows a shipped one)


def _summary(layout: Path) -> str:
    lines = []
    for line in layout.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if not _MODELINE.match(line):   # the editor's schema line heads every layout.yaml: not a description
            lines.append(line.lstrip("#").strip())
    text = "".join(lines)
    first = text.split("。", 1)[0]
    for tail in ("版式的默认设置", "的默认设置"):
        first = first.removesuffix(tail)
    return first or "（layout.yaml 开头没有说明）"


def summaries(root: Path | None) -> list[TemplateSummary]:
    result = []
    builtin = resources.builtin_dir()
    for name in resources.department_templates(root):
        folder = resources.find_named(root, "templates", name)
        assert folder is not None  # department_templates lists only folders with a layout.yaml
        own = root is not None and root.resolve() != builtin.resolve() and (root / "templates" / name).is_dir()
        shipped = not own
        result.append(TemplateSummary(name, _summary(folder / "layout.yaml"), shipped))
    return result
