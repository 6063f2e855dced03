"""The `# yaml-language-server: $schema=…` line of each data file: found, checked and corrected.

The editor only knows a file's schema from this line (or .vscode/settings.json); a line that points
at nothing shows “无法从…加载架构” in the editor and nothing in perfgen, so validate checks it
(perfgen.validate.editor_setup) and `perfgen schemas --modelines` writes the right one.
"""
from __future__ import annotations

from pathlib import Path

from perfgen.render.package import write_atomic
from perfgen.scaffold.editor import EDITOR_KEYWORDS, MODELINE_RE, expected_line, kind_of

__all__ = ["EDITOR_KEYWORDS", "expected_line", "find", "fix_modelines", "kind_of"]


def find(text: str) -> tuple[int, str] | None:
    """(1-based line, target) of the first modeline among the leading comment lines."""
    for n, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return None
        m = MODELINE_RE.match(stripped)
        if m:
            return n, m.group(1)
    return None


def data_files(root: Path) -> list[Path]:
    files = [root / "perfgen.yaml"] if (root / "perfgen.yaml").exists() else []
    depts = root / "departments"
    if depts.is_dir():
        files += sorted(p for p in depts.rglob("*.yaml") if kind_of(root, p))
    templates = root / "templates"  # the workspace's own (copied) templates: their layout.yaml
    if templates.is_dir():
        files += sorted(p for p in templates.glob("*/layout.yaml") if kind_of(root, p))
    return files


def fix_modelines(root: Path) -> list[str]:
    """Give every data file the modeline it should have; returns the files changed."""
    return [path.relative_to(root).as_posix() for path in data_files(root) if set_modeline(root, path)]


def set_modeline(root: Path, path: Path) -> bool:
    """Write the modeline `path` should have (first line, or in place of a wrong one); True if changed."""
    want = expected_line(root, path)
    if want is None:
        return False
    text = path.read_text(encoding="utf-8")
    found = find(text)
    lines = text.split("\n")
    if found is None:
        lines.insert(0, want)
    elif lines[found[0] - 1].strip() == want:
        return False
    else:
        lines[found[0] - 1] = want
    write_atomic(path, "\n".join(lines).encode("utf-8"))
    return True
