"""Rendering one department's document for one year into .docx bytes."""
from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING
from pathlib import Path

from perfgen import resources
from perfgen.errors import UserError
from perfgen.model.entities import DepartmentYear
from perfgen.render.context import department_view
from perfgen.render.engine import render_docx
from lxml import etree

from perfgen.render.ooxml import canonicalize, core_xml
from perfgen.render.package import normalize_zip

if TYPE_CHECKING:
    from perfgen.render.compiled import Rendered


def template_path(root: Path, name: str) -> Path:
    folder = resources.find_named(root, "templates", name)
    if folder is None or not (folder / "template.docx").exists():
        raise UserError(f"找不到模板“{name}”的 template.docx",
                        "可用的模板：" + "、".join(resources.available(root, "templates")))
    return folder / "template.docx"


def finish(docx_bytes: bytes, title: str, year: int) -> bytes:
    """Schema-ordered XML, fixed document properties, fixed zip metadata: same input, same bytes."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    canonicalize(root)
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return normalize_zip(docx_bytes, {"word/document.xml": document, "docProps/core.xml": core_xml(title, year)})


def render_department(root: Path, dy: DepartmentYear) -> "Rendered":
    """The department's document for one year: .docx bytes plus its body for the volume."""
    from perfgen.render.compiled import compiled
    dept = dy.department
    path = template_path(root, dept.template)
    from perfgen.cache import CACHE_DIR
    template = compiled(path, f"{dept.template}（{path}）", root / CACHE_DIR)
    return template.render(department_view(dy), f"{dept.name}{dy.year}年预算绩效目标", dy.year)
