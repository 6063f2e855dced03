"""Temporary files a killed run leaves behind, removed by the next build.

Outputs are written as hidden `.<name>.<random>.tmp` files beside their target and renamed into
place (render.package.write_atomic); a run killed in between leaves the temporary file. Runs also
make `perfgen-pdf-*`, `perfgen-vol-*`, `perfgen-diff-*`, `perfgen-import-*`, `perfgen-docs-*`
folders in the system's temporary folder. Only leftovers older than `STALE_SECONDS` are removed,
so a build running at the same time keeps the files it is writing. (LibreOffice's profile
folders, perfgen-lo-*, are cleaned by render.pdf, which knows their owners.)
"""
from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

STALE_SECONDS = 15 * 60
_HIDDEN_TMP = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")
_TEMP_DIRS = ("perfgen-pdf-", "perfgen-vol-", "perfgen-diff-", "perfgen-import-", "perfgen-docs-")


def _stale(path: Path, now: float) -> bool:
    try:
        return now - path.lstat().st_mtime > STALE_SECONDS
    except OSError:
        return False


def remove_stale_temporaries(folders: list[Path], now: float | None = None) -> list[Path]:
    """Remove stale hidden .*.tmp files directly in each folder; returns what was removed."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    for folder in folders:
        try:
            names = [p for p in folder.iterdir() if p.name.startswith(".") and _HIDDEN_TMP.match(p.name)]
        except OSError:
            continue
        for path in names:
            if path.is_file() and not path.is_symlink() and _stale(path, now):
                try:
                    path.unlink()
                    removed.append(path)
                except OSError:
                    pass
    return removed


def remove_stale_temp_dirs(base: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove stale perfgen-* folders of killed runs from the system's temporary folder."""
    now = time.time() if now is None else now
    base = Path(tempfile.gettempdir()) if base is None else base
    removed: list[Path] = []
    try:
        candidates = [p for p in base.iterdir() if p.name.startswith(_TEMP_DIRS)]
    except OSError:
        return removed
    for path in candidates:
        if path.is_dir() and not path.is_symlink() and _stale(path, now):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def clean_after_killed_runs(root: Path, out_root: Path) -> None:
    """What a build removes first: stale temporaries in the output and cache folders, and stale
    perfgen-* temporary folders. Never fails a build."""
    from perfgen.cache import CACHE_DIR
    folders = [out_root]
    try:
        folders += [p for p in out_root.iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        pass
    cache = root / CACHE_DIR
    folders += [cache, cache / "parse", cache / "templates", cache / "bodies"]
    remove_stale_temporaries(folders)
    remove_stale_temp_dirs()
