"""Writing .docx files: reproducible bytes and atomic replacement.

Two builds of the same input must give the same bytes (so outputs can be diffed and cached), and a
build that fails or is killed must leave the previous files intact. Zip entries get a fixed
timestamp and fixed attributes; files are written to a temporary name in the same folder, flushed
to disk (outputs; not .perfgen-cache files, whose entries are checked by digest when read) and
renamed over the target in one step.
"""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from perfgen.errors import UserError

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_UMASK = os.umask(0)
os.umask(_UMASK)


def normalize_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Re-pack a zip with fixed timestamps and permissions, keeping entry order.

    `replace` swaps in new contents for some entries (e.g. docProps/core.xml).
    """
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = replace.get(info.filename) or src.read(info.filename)
            fixed = zipfile.ZipInfo(info.filename, FIXED_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            dst.writestr(fixed, payload, compresslevel=6)
    return out.getvalue()


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace `path` with `data` in one step; on any failure the old file is untouched.
    `durable=False` skips the flush to disk, for .perfgen-cache files only: every entry there is
    checked against its digest when read, so what a power cut leaves of one is recomputed, and a
    cold build writes a hundred of them (0.3 s of flushing on the county benchmark)."""
    path.parent.mkdir(parents=True, exist_ok=True) if _can_create(path.parent) else None
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp_name, path)
        tmp_name = None
    except PermissionError:
        raise UserError(f"没有权限写入 {path}", "检查输出目录的写入权限，或用 --out 指定其他目录。") from None
    except OSError as exc:
        if exc.errno == 28:  # ENOSPC
            raise UserError(f"磁盘空间不足，无法写入 {path}", "清理磁盘空间后重新生成；原有文件未被改动。") from None
        raise UserError(f"无法写入 {path}：{exc.strerror}", "检查输出目录；原有文件未被改动。") from None
    finally:
        if tmp_name and os.path.exists(tmp_name):
            os.unlink(tmp_name)


def _can_create(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return True
    except PermissionError:
        raise UserError(f"无法创建输出目录 {folder}（没有权限）", "检查目录权限，或用 --out 指定其他目录。") from None
    except OSError as exc:
        raise UserError(f"无法创建输出目录 {folder}：{exc.strerror}", "检查路径是否被同名文件占用。") from None
