"""How much of an imported file perfgen reads, and reading zip members within it.

Imported files arrive by mail and are untrusted (docs/SECURITY.md): a few-megabyte .docx can
declare gigabytes of XML, a cell can span 2³¹ columns, a sheet can have one cell at XFD1048576.
A performance-goal form never needs more than these limits, so perfgen reads up to them and says
so in Chinese beyond them, instead of hanging or running out of memory. Every zip member is read
through `read_member`, which checks the declared size first (zipfile never returns more than it
declares) and turns every zip failure — damaged deflate data, encryption, unknown compression — into
one Chinese message.
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from perfgen.errors import UserError

MAX_FILE_BYTES = 100 * 1024 * 1024      # the file as given
MAX_MEMBER_BYTES = 48 * 1024 * 1024     # one part of the package, uncompressed (document.xml, a sheet)
MAX_PACKAGE_BYTES = 160 * 1024 * 1024   # all parts together, uncompressed
MAX_SMALL_MEMBER_BYTES = 256 * 1024     # metadata parts such as docProps/core.xml
MAX_COLUMNS = 64                        # grid columns of a table or sheet (forms have ≤ 20)
MAX_ROWS = 20_000                       # rows of one table or sheet
MAX_TITLE_CHARS = 200                   # docProps title used as a fallback department name
_METHODS = {zipfile.ZIP_STORED: "不压缩", zipfile.ZIP_DEFLATED: "Deflate"}

REPAIR = "在 Word/WPS/Excel 中打开它并另存一份（.docx 或 .xlsx），再导入。"


class PackageError(UserError):
    """The zip package itself cannot be read safely."""


def check_package(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse a package whose parts are encrypted, use an unknown compression or declare too much."""
    total = 0
    for info in zf.infolist():
        if info.flag_bits & 0x1:
            raise PackageError(f"文件“{name}”中的“{info.filename}”经过加密，无法读取",
                               "去掉文档的密码（文件 › 信息 › 保护文档）后另存，再导入。")
        if info.compress_type not in _METHODS:
            raise PackageError(f"文件“{name}”中的“{info.filename}”使用了不认识的压缩方式（{info.compress_type}）", REPAIR)
        if info.file_size > MAX_MEMBER_BYTES:
            raise PackageError(f"文件“{name}”中的“{info.filename}”解压后有 {info.file_size // (1024 * 1024)} MB，"
                               f"超过上限 {MAX_MEMBER_BYTES // (1024 * 1024)} MB，不像是绩效目标文档",
                               "检查是否选错了文件；过大的文件请拆成几份分别导入。")
        total += info.file_size
    if total > MAX_PACKAGE_BYTES:
        raise PackageError(f"文件“{name}”解压后共有 {total // (1024 * 1024)} MB，超过上限 "
                           f"{MAX_PACKAGE_BYTES // (1024 * 1024)} MB，不像是绩效目标文档",
                           "检查是否选错了文件；过大的文件请拆成几份分别导入。")


def read_member(zf: zipfile.ZipFile, member: str, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes | None:
    """The bytes of `member` (None when absent or, for metadata, larger than `limit`).

    Damaged data raises PackageError; the size was checked by `check_package` (or here)."""
    try:
        info = zf.getinfo(member)
    except KeyError:
        return None
    if info.file_size > limit:
        return None
    try:
        return zf.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError, OSError) as exc:
        raise PackageError(f"文件“{name}”已损坏：其中的“{member}”无法解压（{type(exc).__name__}）", REPAIR) from None


def open_package(path_name: str, zf_path: Path) -> zipfile.ZipFile:
    """A ZipFile for `zf_path`, checked by `check_package`; PackageError when it is no zip."""
    try:
        zf = zipfile.ZipFile(zf_path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise PackageError(f"文件“{path_name}”已损坏，无法打开", REPAIR) from None
    try:
        check_package(zf, path_name)
    except PackageError:
        zf.close()
        raise
    return zf
