"""Where perfgen may read and write (docs/SECURITY.md): the workspace is untrusted input.

- Reports and documents a user names (`-o`, `--docx`) never land in the workspace's data
  folders, and never replace an existing file without --force.
- Files and folders in the workspace are read only when they are what they say (a regular file,
  a real folder) and, when they are links, only if the link stays inside the workspace.
- A file is read only up to its size limit, so a link to /dev/zero or a FIFO cannot exhaust
  memory or hang a run.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from perfgen.errors import UserError

# The largest workspace YAML file perfgen reads (yamlsource, the loader and build's fingerprint use it).
MAX_YAML_BYTES = 2 * 1024 * 1024

DATA_FOLDERS = ("departments", "templates", "profiles", "rules")
DATA_FILES = ("perfgen.yaml",)
LABELS_FILE = "importer/labels.yaml"   # a workspace's own importer words (perfgen/importer/labels.py)


def inside(root: Path, path: Path) -> bool:
    """True when `path`, with every link resolved, is `root` or below it."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def check_output(path: Path, root: Path, force: bool, option: str) -> None:
    """Refuse to write a report over the workspace's data, or over any existing file unless --force."""
    target = path.resolve() if path.exists() or path.is_symlink() else path.parent.resolve() / path.name
    base = root.resolve()
    for name in DATA_FOLDERS:
        if target.is_relative_to(base / name):
            raise UserError(f"{option} 不能写到工作区的 {name}/ 目录中：{path}",
                            f"{name}/ 下放的是数据和模板，报告会覆盖或混进它们；请写到别处，例如 {option} 报告/{path.name}。")
    if target.parent == base and target.name in DATA_FILES:
        raise UserError(f"{option} 不能覆盖工作区设置文件 {path}", "请换一个文件名。")
    if path.is_symlink() or path.exists():
        if not path.is_file() or path.is_symlink():
            raise UserError(f"{option} 指定的 {path} 不是普通文件", "请换一个文件名。")
        if not force:
            raise UserError(f"文件 {path} 已存在，未覆盖", "确认要覆盖时加 --force；或换一个文件名。")


def list_folder(folder: Path, root: Path) -> list[Path]:
    """The entries of a workspace folder, or a located UserError (not a PermissionError, exit 3)
    when it cannot be read."""
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        try:
            rel = folder.relative_to(root).as_posix()
        except ValueError:
            rel = str(folder)
        raise UserError(f"{rel}: 无法读取目录：{exc.strerror}",
                        "检查目录的读取权限（例如 chmod u+rx 目录名）后重新运行。") from None


def check_output_folder(path: Path, root: Path, option: str) -> None:
    """Refuse an output folder inside the workspace's data (`build --out departments/x`), where
    documents would mix with the YAML and be read back as input."""
    target = path.resolve()
    base = root.resolve()
    for name in DATA_FOLDERS:
        if target.is_relative_to(base / name):
            raise UserError(f"{option} 不能指向工作区的 {name}/ 目录：{path}",
                            f"{name}/ 下放的是数据和模板，生成的文档会混进它们；请换一个目录，例如 {option} build 或 /tmp/预览。")


class FileProblem(Exception):
    """A workspace file perfgen will not read: carries a Chinese message and hint."""

    def __init__(self, message: str, hint: str, code: str):
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


def read_limited(path: Path, limit: int, root: Path | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, read without following a link out
    of `root`. Never blocks on a FIFO or device and never reads more than limit + 1 bytes."""
    if root is not None and path.is_symlink() and not inside(root, path):
        raise FileProblem("这个文件是指向工作区之外的链接，perfgen 不读取它",
                          "把文件本身复制到工作区中，不要用链接（见 docs/SECURITY.md）。", "file.link-outside")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise FileProblem(f"无法读取文件：{exc.strerror}", "检查文件是否存在以及读取权限。", "file.read") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem("这不是普通文件（可能是设备、管道或目录），perfgen 不读取它",
                              "工作区中只放普通的 YAML 文件；删除它或换成普通文件。", "file.not-regular")
        if st.st_size > limit:
            raise _too_large(st.st_size, limit)
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise _too_large(size, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise FileProblem(f"无法读取文件：{exc.strerror}", "检查文件是否存在以及读取权限。", "file.read") from None
    finally:
        os.close(fd)


def _too_large(size: int, limit: int) -> FileProblem:
    return FileProblem(f"文件过大（{size // 1024} KB 以上，上限 {limit // 1024} KB）",
                       "一个 YAML 文件只写一个部门、一个年度或一个项目；请检查是否误放了其他文件。", "file.too-large")
