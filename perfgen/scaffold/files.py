"""Rendering skeletons and writing them without ever replacing a user's file."""
from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from perfgen.errors import UserError
from perfgen.render.package import write_atomic
from perfgen.scaffold import editor
from perfgen.scaffold.editor import SCHEMA_FILES as SCHEMA_FILES  # re-exported: one list, used by docsgen
from perfgen.scaffold.editor import modeline_target as modeline_target

SKELETONS = Path(__file__).resolve().parent / "skeletons"



@dataclass
class ScaffoldReport:
    """What a scaffold command did, as paths relative to the workspace root."""

    root: Path
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)   # generated files (schemas, yaml.schemas) brought up to date
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


def add_schemas(report: ScaffoldReport, list_existing: bool = True, overwrite: bool = False) -> None:
    """Write the editor's schemas (shipped copies and one per profile, perfgen.scaffold.editor) into
    schemas/, and point .vscode/settings.json `yaml.schemas` at them. A schema already there and
    different is replaced only with `overwrite` (perfgen schemas); otherwise a note says so."""
    for rel, text in editor.generated(report.root).items():
        target = report.root / rel
        if target.exists():
            same = target.read_text(encoding="utf-8", errors="replace") == text
            if not same and overwrite:
                write_atomic(target, text.encode("utf-8"))
                report.updated.append(rel)
            elif not same:
                report.notes.append(f"{rel} 与工作区的指标体系或当前 perfgen 自带的版本不同（只影响编辑器中的提示，"
                                    f"不影响检查）；要更新，运行 perfgen schemas。")
            if same and list_existing:
                report.skipped.append(rel)
            continue
        write_new(report, rel, text)
    settings = report.root / ".vscode" / "settings.json"
    if settings.exists():
        current = settings.read_text(encoding="utf-8", errors="replace")
        updated = editor.settings_text(report.root, current)
        if updated is None:
            report.notes.append(".vscode/settings.json 不是有效的 JSON，没有更新其中的 yaml.schemas。")
        elif updated != current:
            write_atomic(settings, updated.encode("utf-8"))
            report.updated.append(".vscode/settings.json（yaml.schemas）")


def check_id(value: str, what: str, example: str) -> None:
    from perfgen.model.ids import ID_RE, MAX_ID_CHARS
    if not ID_RE.match(value) or len(value) > MAX_ID_CHARS:
        raise UserError(f"{what} id“{value}”不合规",
                        f"id 只能用小写英文字母、数字和连字符（不能以连字符开头或结尾），最长 {MAX_ID_CHARS} 个字符，例如 {example}。"
                        "名称（中文）写在文件里，不写在 id 中。")


def default_year() -> int:
    """Goals are drafted in the year before the budget year, so a new workspace starts with next year."""
    return datetime.date.today().year + 1


def check_year(year: int) -> int:
    from perfgen.load import MAX_YEAR, MIN_YEAR
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UserError(f"年度 {year} 不在 {MIN_YEAR}–{MAX_YEAR} 之间", "年度写四位数字，例如 --year 2026。")
    return year
