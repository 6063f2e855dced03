"""`perfgen validate` as a library call: load the workspace, keep the findings for the given paths."""
from __future__ import annotations

from pathlib import Path

from perfgen.errors import Finding, UserError
from perfgen.load import load_workspace
from perfgen.loaded import LoadResult


def validate(root: Path, paths: list[Path] | None = None) -> tuple[LoadResult, list[Finding]]:
    """Every problem in the workspace, or only in the files under `paths` when given.

    The whole workspace is always loaded, because rules such as unique project codes need it.
    """
    from perfgen.paths import LABELS_FILE
    from perfgen.validate import editor_setup
    result = load_workspace(root)
    result.findings.extend(editor_setup.check(root, result.files))
    if (root / LABELS_FILE).is_file():   # the importer's words: checked here, not first at import
        from perfgen.importer import labels
        result.findings.extend(labels.check_workspace(root))
    if not paths:
        return result, result.findings
    wanted = wanted_paths(root, paths)
    return result, [f for f in result.findings if _under(f.file, wanted)]


def _under(rel: str, wanted: list[str]) -> bool:
    return any(w in (".", "") or rel == w or rel.startswith(w.rstrip("/") + "/") for w in wanted)


def files_checked(result: LoadResult, root: Path, paths: list[Path] | None) -> int:
    """How many of the workspace's files lie under `paths` (all of them without paths); absolute
    and relative paths alike."""
    if not paths:
        return len(result.files)
    wanted = wanted_paths(root, paths)
    return sum(1 for rel in result.files if _under(rel, wanted))


def wanted_paths(root: Path, paths: list[Path]) -> list[str]:
    """`paths` as workspace-relative posix paths; a path outside the workspace is a user error."""
    wanted: list[str] = []
    for p in paths:
        full = p if p.is_absolute() else Path.cwd() / p
        if not full.exists():
            raise UserError(f"找不到“{p}”", "检查路径是否正确；路径相对于当前目录。")
        try:
            wanted.append(full.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            raise UserError(f"“{p}”不在工作区 {root} 中", "用 --root 指定工作区，或给出工作区内的路径。") from None
    return wanted
