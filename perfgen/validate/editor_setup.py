"""Warnings about the editor's setup: modelines that lead nowhere and schemas behind the profiles.

Not errors: documents build without them. But a staff member relies on the editor's underlines,
so validate says, at the line, what to paste or which command to run.
"""
from __future__ import annotations

from pathlib import Path

from perfgen.errors import Finding
from perfgen.scaffold import editor, modelines


def check(root: Path, files: list[str]) -> list[Finding]:
    """Modeline and stale-schema warnings; nothing for a workspace without schemas/ (no editor setup)."""
    if not (root / "schemas").is_dir():
        return []
    return stale_schemas(root) + [f for rel in files for f in modeline(root, rel)]


def stale_schemas(root: Path) -> list[Finding]:
    findings = []
    for rel, text in editor.generated(root).items():
        path = root / rel
        if path.exists() and path.read_text(encoding="utf-8", errors="replace") == text:
            continue
        what = "不存在" if not path.exists() else "已过期（与指标体系或当前 perfgen 自带的版本不一致）"
        findings.append(Finding(file=rel, line=None, column=None, severity="warning", code="editor.schema-stale",
                                message=f"编辑器用的 {rel} {what}",
                                hint="运行 perfgen schemas 重新生成；编辑器据此检查一级、二级指标等。"))
    settings = root / ".vscode" / "settings.json"
    if settings.exists():
        current = settings.read_text(encoding="utf-8", errors="replace")
        if editor.settings_text(root, current) not in (None, current):
            findings.append(Finding(file=".vscode/settings.json", line=None, column=None, severity="warning",
                                    code="editor.schema-stale", message="yaml.schemas 与各部门的指标体系不一致",
                                    hint="运行 perfgen schemas 更新。"))
    return findings


def modeline(root: Path, rel: str) -> list[Finding]:
    path = root / rel
    want = editor.expected_line(root, path)
    if want is None or not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # reading problems are reported by the loader
    found = modelines.find(text)
    paste = f"在第一行写：{want}（或运行 perfgen schemas --modelines）"
    if found is None:
        return [Finding(file=rel, line=1, column=1, severity="warning", code="editor.modeline-missing",
                        message="缺少 yaml-language-server 注释行，编辑器不知道用哪个 schema 检查这个文件", hint=paste)]
    line, target = found
    resolved = (path.parent / target).resolve() if target and "://" not in target else None
    want_target = want.split("$schema=", 1)[1]
    if target == want_target:
        return []
    if resolved is not None and not resolved.exists():
        message = f"yaml-language-server 注释指向的“{target}”不存在，编辑器无法加载 schema"
        code = "editor.modeline-missing-schema"
    elif resolved is not None and resolved.name.split(".")[0] != want_target.rsplit("/", 1)[-1].split(".")[0]:
        message = f"yaml-language-server 注释指向的“{target}”是别的文件类型的 schema"
        code = "editor.modeline-wrong-kind"
    elif resolved is not None and resolved == (path.parent / want_target).resolve():
        return []
    else:
        message = f"yaml-language-server 注释指向“{target}”，不是这个文件应使用的 schema"
        code = "editor.modeline-other-schema"
    return [Finding(file=rel, line=line, column=1, severity="warning", code=code, message=message,
                    hint=paste.replace("在第一行写", f"把第 {line} 行改为"))]
