"""Rendering skeletons and writing them without ever replacing a user's file."""
from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from perfgen import resources
from perfgen.errors import UserError
from perfgen.render.package import write_atomic

SKELETONS = Path(__file__).resolve().parent / "skeletons"

# Which files each schema describes: the modeline of a scaffold and the editor settings agree.
SCHEMA_FILES: dict[str, str] = {
    "workspace": "perfgen.yaml",
    "department": "departments/*/department.yaml",
    "goals": "departments/*/*/goals.yaml",
    "project": "departments/*/*/projects/*.yaml",
    "results": "departments/*/*/results/*.yaml",
}


@dataclass
class ScaffoldReport:
    """What a scaffold command did, as paths relative to the workspace root."""

    root: Path
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # existed already: left exactly as they were
    notes: list[str] = field(default_factory=list)


def _quote(value: Any) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(SKELETONS)), undefined=jinja2.StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
_ENV.filters["q"] = _quote


def render(name: str, **values: Any) -> str:
    """Fill skeletons/<name>.j2, or return skeletons/<name> as it is."""
    if (SKELETONS / f"{name}.j2").exists():
        return _ENV.get_template(f"{name}.j2").render(**values)
    return (SKELETONS / name).read_text(encoding="utf-8")


def modeline_target(root: Path, rel: str, kind: str) -> str:
    """The `$schema=` path from the file at `rel` to the workspace's schemas/ copy."""
    here = (root / rel).parent
    return Path(os.path.relpath(root / "schemas" / f"{kind}.schema.json", here)).as_posix()


def write_new(report: ScaffoldReport, rel: str, text: str | bytes) -> None:
    """Write root/rel unless it exists; never replaces what a user has."""
    path = report.root / rel
    if path.exists() or path.is_symlink():
        report.skipped.append(rel)
        return
    refuse_outside(report.root, path, rel)
    data = text.encode("utf-8") if isinstance(text, str) else text
    write_atomic(path, data)
    report.created.append(rel)


def refuse_outside(root: Path, path: Path, rel: str) -> None:
    """A folder on the way to `path` is a link that leads out of the workspace: write nothing."""
    from perfgen.paths import inside
    if not inside(root, path.parent):
        raise UserError(f"{rel} 所在的目录是指向工作区之外的链接，没有写入",
                        "perfgen 不经由链接在工作区之外写文件（见 docs/SECURITY.md）；把目录本身放进工作区。")


def add_schemas(report: ScaffoldReport, list_existing: bool = True) -> None:
    """Copy the shipped schemas into schemas/ for the editor; a copy already there is kept."""
    for kind in resources.SCHEMA_KINDS:
        rel = f"schemas/{kind}.schema.json"
        shipped = resources.schema_path(kind).read_bytes()
        target = report.root / rel
        if target.exists():
            if target.resolve() != resources.schema_path(kind).resolve() and target.read_bytes() != shipped:
                report.notes.append(f"{rel} 与当前 perfgen 自带的版本不同（只影响编辑器中的提示，不影响检查）；"
                                    f"要更新，删去它后再运行一次 perfgen init。")
            if list_existing:
                report.skipped.append(rel)
            continue
        write_new(report, rel, shipped)


def check_id(value: str, what: str, example: str) -> None:
    from perfgen.load import ID_RE
    if not ID_RE.match(value) or len(value) > 64:
        raise UserError(f"{what} id“{value}”不合规",
                        f"id 只能用小写英文字母、数字和连字符（不能以连字符开头或结尾），最长 64 个字符，例如 {example}。"
                        "名称（中文）写在文件里，不写在 id 中。")


def default_year() -> int:
    """Goals are drafted in the year before the budget year, so a new workspace starts with next year."""
    return datetime.date.today().year + 1


def check_year(year: int) -> int:
    from perfgen.load import MAX_YEAR, MIN_YEAR
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UserError(f"年度 {year} 不在 {MIN_YEAR}–{MAX_YEAR} 之间", "年度写四位数字，例如 --year 2026。")
    return year
