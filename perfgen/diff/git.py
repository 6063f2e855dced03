"""Reading the workspace as it was at a git revision, for `perfgen diff --rev A..B`.

The files of the revision (departments/, profiles/, templates/, rules/, perfgen.yaml) are copied
out of git into a temporary folder, which is then an ordinary workspace: the same loader, rules
and renderer run on it, so a past revision is read exactly as perfgen reads today's files.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from perfgen.errors import UsageError, UserError

WORKSPACE_PATHS = ("departments", "profiles", "templates", "rules", "perfgen.yaml")
WORKTREE = ""  # the right-hand side of “A” alone: the files on disk


@dataclass(frozen=True)
class RevRange:
    old: str
    new: str  # WORKTREE for the files on disk

    @property
    def new_label(self) -> str:
        return self.new or "工作区"


def parse_range(spec: str) -> RevRange:
    """“A..B”, “A..” (A to HEAD), “..B” (HEAD to B) or “A” (A to the files on disk), as git reads them."""
    spec = spec.strip()
    if not spec or "..." in spec:
        raise UsageError(f"--rev 的写法不对：“{spec}”",
                         "写成 A..B（比较两个版本）或 A（比较版本 A 与当前文件），例如 --rev HEAD~1..HEAD。")
    if ".." in spec:
        old, new = spec.split("..", 1)
        return RevRange(old or "HEAD", new or "HEAD")
    return RevRange(spec, WORKTREE)


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    exe = shutil.which("git")
    if exe is None:
        raise UserError("--rev 需要 git，但本机没有找到 git 命令",
                        "安装 git（Debian/Ubuntu：sudo apt-get install git），或用 --from/--to 比较工作区中的两个年度。")
    try:
        return subprocess.run([exe, *args], cwd=cwd, input=stdin, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise UserError(f"git {args[0]} 超时", "仓库可能过大或被其他程序锁住；稍后重试。") from None


@dataclass(frozen=True)
class Repo:
    top: Path
    prefix: str  # the workspace's folder inside the repository, "" or "sub/dir/"

    @classmethod
    def find(cls, root: Path) -> Repo:
        if not root.is_dir():
            raise UserError(f"工作区目录 {root} 不存在", "用 --root 指定工作区目录。")
        top = _git(["rev-parse", "--show-toplevel"], root)
        if top.returncode != 0:
            raise UserError(f"{root.resolve()} 不在 git 仓库中，无法按版本比较",
                            "--rev 只能用于 git 管理的工作区；也可以用 --from/--to 比较工作区中的两个年度。")
        prefix = _git(["rev-parse", "--show-prefix"], root).stdout.decode("utf-8").strip()
        return cls(Path(top.stdout.decode("utf-8").strip()), prefix)

    def resolve(self, rev: str) -> str:
        """The commit id of `rev`, or a Chinese error naming it."""
        if rev.startswith("-"):
            raise UserError(f"git 中找不到版本“{rev}”", "版本写成分支名、标签或提交号，例如 HEAD~1、main、a1b2c3d。")
        out = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], self.top)
        if out.returncode != 0:
            raise UserError(f"git 中找不到版本“{rev}”",
                            "用 git log --oneline 查看可用的版本；可以写分支名、标签、提交号或 HEAD~1 这样的相对写法。")
        return out.stdout.decode("ascii").strip()

    def export(self, rev: str, dest: Path) -> int:
        """Write the workspace files of commit `rev` under `dest`; returns how many files.

        The names come from a commit anyone may have made (`git mktree` writes any name), so each
        is checked as `git checkout` would: no "..", ".", empty or absolute components, no
        control characters or backslashes, and every target must resolve inside `dest`.
        Files are created new (never through an existing file or link)."""
        commit = self.resolve(rev)
        paths = [self.prefix + p for p in WORKSPACE_PATHS]
        listing = _git(["ls-tree", "-r", "-z", "--full-tree", "--name-only", commit, "--", *paths], self.top)
        if listing.returncode != 0:  # pragma: no cover - the commit was just resolved
            raise UserError(f"无法读取版本“{rev}”的文件列表", listing.stderr.decode("utf-8", "replace").strip()[:300])
        names = [n for n in listing.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
        for name in names:
            _check_name(name, self.prefix, rev)
        if not any(n.startswith(self.prefix + "departments/") for n in names):
            raise UserError(f"版本“{rev}”中没有 departments/ 目录", "检查版本是否正确：那时工作区可能还没有数据。")
        request = "".join(f"{commit}:{n}\n" for n in names).encode("utf-8")
        batch = _git(["cat-file", "--batch"], self.top, stdin=request)
        data = batch.stdout
        base = dest.resolve()
        pos = 0
        for name in names:
            header_end = data.index(b"\n", pos)
            header = data[pos:header_end].split()
            if len(header) < 3:  # "<name> missing": not a file (e.g. a submodule)
                pos = header_end + 1
                continue
            size = int(header[2])
            body = data[header_end + 1: header_end + 1 + size]
            pos = header_end + 1 + size + 1
            if header[1] != b"blob":
                continue
            target = dest / name[len(self.prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.parent.resolve().is_relative_to(base):  # pragma: no cover - _check_name refused it
                raise _unsafe(rev, name)
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
            except FileExistsError:
                raise _unsafe(rev, name) from None
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
        return len(names)


_ODD = re.compile(r"[\x00-\x1f\x7f\\]|^[A-Za-z]:")


def _check_name(name: str, prefix: str, rev: str) -> None:
    """Refuse a tree entry whose name would lead outside the export folder or is not a plain name."""
    if not name.startswith(prefix) or name.startswith("/"):
        raise _unsafe(rev, name)
    parts = name[len(prefix):].split("/")
    if any(p in ("", ".", "..") or _ODD.search(p) for p in parts) or any(
            "\udc80" <= ch <= "\udcff" for ch in name):
        raise _unsafe(rev, name)


def _unsafe(rev: str, name: str) -> UserError:
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)[:200]
    return UserError(f"版本“{rev}”中有不安全的文件名“{shown}”，已拒绝读取该版本",
                     "这个提交的文件名含有“..”、绝对路径或控制字符，git checkout 也不会写出它；"
                     "请检查这个提交的来历，不要合并它。")
