"""`perfgen init`: a new, empty workspace that an editor and a CI server understand at once.

Writes perfgen.yaml, departments/, a .gitignore for build/, copies of the schemas (so the
`# yaml-language-server: $schema=` modelines and the VS Code settings point at real files and work
offline), VS Code settings mapping each schema to its files, and an example CI workflow. Files that
exist are left untouched, so running it again only adds what is missing.
"""
from __future__ import annotations

from pathlib import Path

from perfgen.cache import CACHE_DIR
from perfgen.errors import UserError
from perfgen.scaffold import editor
from perfgen.scaffold.files import (
    ScaffoldReport,
    add_schemas,
    check_year,
    default_year,
    modeline_target,
    render,
    write_new,
)

ISSUER_PLACEHOLDER = "待填写：印发单位，例如“某某县财政局”"


def vscode_settings(root: Path) -> str:
    """yaml.schemas for the YAML extension: hover help and completion without relying on modelines."""
    text = editor.settings_text(root)
    assert text is not None
    return text


def init_workspace(root: Path, title: str | None = None, issuer: str | None = None,
                   year: int | None = None) -> ScaffoldReport:
    """Create the workspace files under `root` (created if needed); existing files are kept."""
    from perfgen.load import DEFAULT_TITLE
    if root.exists() and not root.is_dir():
        raise UserError(f"“{root}”是一个文件，不是目录", "给出一个新目录或空目录的路径，例如 perfgen init yutian。")
    year = check_year(year if year is not None else default_year())
    for text, what in ((title, "--title"), (issuer, "--issuer")):
        if text is not None and not text.strip():
            raise UserError(f"{what} 不能是空的", "不需要时省略这个选项，稍后在 perfgen.yaml 中填写。")
    report = ScaffoldReport(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建目录“{root}”：{exc.strerror}", "检查路径和写入权限。") from None
    write_new(report, "perfgen.yaml", render(
        "perfgen.yaml", schema=modeline_target(root, "perfgen.yaml", "workspace"),
        title=title or DEFAULT_TITLE, issuer=issuer or ISSUER_PLACEHOLDER, year=year))
    if not (root / "departments").is_dir():
        write_new(report, "departments/.gitkeep", "")
    write_new(report, ".gitignore", render("gitignore", cache_dir=CACHE_DIR))
    write_new(report, ".vscode/settings.json", vscode_settings(root))
    add_schemas(report)
    write_new(report, ".vscode/extensions.json", render("vscode-extensions.json"))
    write_new(report, ".github/workflows/perfgen.yml", render("github-workflow.yml"))
    return report
