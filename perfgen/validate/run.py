"""`perfgen validate` as a library call: load the workspace, keep the findings for the given paths."""
from __future__ import annotations

from pathlib import Path

from perfgen.errors import Finding, UserError
from perfgen.load import load_workspace
from perfgen.loaded import LoadResult


def checked_files(result: LoadResult, findings: list[Finding], paths: list[Path]) -> int:
    """How many files a validate run covered: all of them, or those under `paths` (and any file a
    kept finding names)."""
    if not paths:
        return len(result.files)
    return len({f.file for f in findings} | {
        f for f in result.files if any(f.startswith(str(p).strip("./")) for p in paths)})


def validate(root: Path, paths: list[Path] | None = None) -> tuple[LoadResult, list[Finding]]:
    """Every problem in the workspace, or only in the files under `paths` when given.

    The whole workspace is always loaded, because rules such as unique project codes need it.
    """
    result = load_workspace(root)
    if not paths:
        return result, result.findings
    wanted: list[str] = []
    for p in paths:
        full = p if p.is_absolute() else Path.cwd() / p
        if not full.exists():
            raise UserError(f"找不到“{p}”", "检查路径是否正确；路径相对于当前目录。")
        try:
            wanted.append(full.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            raise UserError(f"“{p}”不在工作区 {root} 中", "用 --root 指定工作区，或给出工作区内的路径。") from None

    def keep(f: Finding) -> bool:
        return any(w in (".", "") or f.file == w or f.file.startswith(w.rstrip("/") + "/") for w in wanted)

    return result, [f for f in result.findings if keep(f)]
