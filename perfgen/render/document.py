"""Rendering one department's document for one year."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from perfgen import resources
from perfgen.errors import UserError
from perfgen.model.entities import DepartmentYear
from perfgen.render.context import department_view

if TYPE_CHECKING:
    from perfgen.render.compiled import Rendered


def template_path(root: Path, name: str) -> Path:
    folder = resources.find_named(root, "templates", name)
    if folder is None or not (folder / "template.docx").exists():
        raise UserError(f"找不到模板“{name}”的 template.docx",
                        "可用的模板：" + "、".join(resources.department_templates(root)))
    return folder / "template.docx"


def render_department(root: Path, dy: DepartmentYear) -> Rendered:
    """The department's document for one year: .docx bytes plus its body for the volume."""
    from perfgen.cache import CACHE_DIR
    from perfgen.render.compiled import compiled
    dept = dy.department
    path = template_path(root, dept.template)
    template = compiled(path, f"{dept.template}（{path}）", root / CACHE_DIR)
    return template.render(department_view(dy), f"{dept.name}{dy.year}年预算绩效目标", dy.year, author=dept.name)
