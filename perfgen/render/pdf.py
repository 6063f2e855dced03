"""PDF output through headless LibreOffice, the check that a PDF kept every character, and reading
page numbers back from the PDFs.

LibreOffice runs with a private profile per process (so parallel or concurrent runs do not collide
with each other or a desktop session) and with our font substitutes (fonts.py). It is started as `soffice.bin`
itself, not through the `soffice` script and its `oosplash` launcher, and told by the kernel to die
with the perfgen process that started it (PR_SET_PDEATHSIG): killing perfgen used to leave
soffice.bin running, orphaned under a killed oosplash. Profiles of processes that are gone are
removed on the next run. `pdftotext` (poppler-utils) reads the text back: to check it against the
document and to find on which page each heading landed.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from perfgen.errors import UserError
from perfgen.render import fonts

_PROFILE_PREFIX = "perfgen-lo-"
_RESTART = 81  # soffice.bin asks its launcher to restart it after creating a fresh profile
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Keep the blank pages LibreOffice inserts before a section that starts on an odd page: without
# them a duplex printer would put a department on a left-hand page.
_PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


def require_soffice() -> str:
    path = find_soffice()
    if path is None:
        raise UserError("生成 PDF 需要 LibreOffice，但本机没有找到 soffice",
                        "在 Debian/Ubuntu 上运行：sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk poppler-utils")
    return path


def _program(soffice: str) -> tuple[str, bool]:
    """The binary to start and whether it is soffice.bin itself (which can be tied to our life)."""
    real = Path(os.path.realpath(soffice))
    binary = real.with_name("soffice.bin")
    if _LIBC is not None and binary.is_file() and os.access(binary, os.X_OK):
        return str(binary), True
    return soffice, False


def _load_libc() -> Any:
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
    except (OSError, ImportError):
        return None


_LIBC = _load_libc()  # loaded before any fork: the child must not import or take locks


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """Ask Linux to SIGKILL this child when the perfgen thread that started it ends."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def remove_stale_profiles(tmp: Path | None = None) -> list[Path]:
    """Delete profile folders of LibreOffice runs whose perfgen process no longer exists."""
    removed: list[Path] = []
    folder = Path(tmp or tempfile.gettempdir())
    try:
        candidates = list(folder.glob(_PROFILE_PREFIX + "*"))
    except OSError:
        return removed
    for d in candidates:
        m = re.match(re.escape(_PROFILE_PREFIX) + r"(\d+)-", d.name)
        if m:
            stale = not _alive(int(m.group(1)))
        else:  # older perfgen versions did not put their pid in the name
            try:
                stale = time.time() - d.stat().st_mtime > 3600
            except OSError:
                continue
        if stale and d.is_dir():
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run_soffice(soffice: str, files: list[Path], outdir: Path, timeout: float,
                 done: Callable[[Path, Path], None] | None = None) -> str:
    """One LibreOffice process converting `files` into `outdir`; returns its output for messages.
    With `done`, done(docx, pdf) is called for each PDF as soon as it is complete, while the
    process goes on with the next files (see _Finished)."""
    program, direct = _program(soffice)
    with tempfile.TemporaryDirectory(prefix=f"{_PROFILE_PREFIX}{os.getpid()}-") as profile:
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(fonts.write_config(Path(profile)))
        env.setdefault("HOME", profile)
        if direct:  # what the soffice script would set before starting soffice.bin
            env["SAL_ENABLE_FILE_LOCKING"] = "1"
        cmd = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", _PDF_FILTER, "--outdir", str(outdir), *map(str, files)]
        deadline = time.monotonic() + timeout
        output = ""
        finished = _Finished(files, outdir, done)
        for _attempt in range(3):
            # output into files, not pipes: a long batch must not block on a full pipe while we poll
            with tempfile.TemporaryFile() as log:
                proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                        # only a prctl call on a preloaded libc: safe with threads
                                        preexec_fn=_die_with_parent if direct else None,  # noqa: PLW1509
                                        start_new_session=not direct)
                try:
                    while True:
                        try:
                            proc.wait(timeout=min(_POLL, max(0.01, deadline - time.monotonic())))
                            break
                        except subprocess.TimeoutExpired:
                            if time.monotonic() >= deadline:
                                raise UserError("LibreOffice 转换 PDF 超时",
                                                "文档过大或 LibreOffice 卡住；请重试，或先不加 --pdf 生成 Word 文档。") from None
                            finished.poll(running=True)
                finally:
                    if proc.poll() is None:
                        _kill(proc, direct)
                log.seek(0)
                output = log.read().decode("utf-8", "replace").strip()
            if proc.returncode != _RESTART:
                break
        finished.poll(running=False)
    return output


_POLL = 0.2  # seconds between looks at a running LibreOffice's output folder


class _Finished:
    """Which PDFs of a batch are complete while LibreOffice runs: it converts its files one after
    the other, and starts writing the next one's PDF only after the last one was stored; so a PDF
    is complete once the next file's PDF exists, and every PDF is once the process has ended."""

    def __init__(self, files: list[Path], outdir: Path, done: Callable[[Path, Path], None] | None):
        self.files = files
        self.outdir = outdir
        self.done = done
        self.reported = 0

    def poll(self, running: bool) -> None:
        if self.done is None:
            return
        pdfs = [self.outdir / (f.stem + ".pdf") for f in self.files]
        if running:
            last = max((i for i in range(self.reported, len(pdfs)) if pdfs[i].exists()), default=-1)
            ready = last   # the PDF being written is the last one that exists
        else:
            ready = len(pdfs)
        for i in range(self.reported, ready):
            if pdfs[i].exists():
                self.done(self.files[i], pdfs[i])
        self.reported = max(self.reported, ready)


def _kill(proc: subprocess.Popen[bytes], direct: bool) -> None:
    try:
        if direct:
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def convert_to_pdf(files: list[Path], outdir: Path, timeout: int = 900, jobs: int = 1, *,
                   done: Callable[[Path, Path], None] | None = None, lead: Collection[Path] = ()) -> dict[Path, Path]:
    """Convert .docx files to PDF; returns {docx: pdf}. With jobs > 1 the files are shared among
    that many LibreOffice processes (each lays out its documents once, on its own core).

    `done(docx, pdf)` is called (from the processes' threads, one call at a time) for each PDF as
    soon as it is complete, so the caller can work on it while LibreOffice converts the rest; the
    files in `lead` are converted first (what the others' work waits for, such as number sheets)."""
    soffice = require_soffice()
    remove_stale_profiles()
    outdir.mkdir(parents=True, exist_ok=True)
    names = [f.stem for f in files]
    if len(set(names)) != len(names):
        raise UserError("有同名的文档，无法在同一目录中生成 PDF", "给文档不同的文件名。")
    jobs = max(1, min(jobs, len(files)))
    # leads first, then largest first, each to the least loaded process: the processes finish at
    # about the same time
    batches: list[list[Path]] = [[] for _ in range(jobs)]
    load = [0] * jobs
    first = set(lead)
    for f in sorted(files, key=lambda f: (f not in first, -f.stat().st_size)):
        i = load.index(min(load))
        batches[i].append(f)
        load[i] += f.stat().st_size
    batches = [b for b in batches if b]
    lock = threading.Lock()

    def report(docx: Path, pdf: Path) -> None:
        if done is not None:
            with lock:
                done(docx, pdf)
    call = report if done is not None else None
    if len(batches) == 1:
        outputs = [_run_soffice(soffice, batches[0], outdir, timeout, call)]
    else:
        with ThreadPoolExecutor(len(batches)) as pool:
            outputs = list(pool.map(lambda b: _run_soffice(soffice, b, outdir, timeout, call), batches))
    result = {}
    for f in files:
        pdf = outdir / (f.stem + ".pdf")
        if not pdf.exists():
            said = " ".join(o for o in outputs if o)[:300] or "（无）"
            raise UserError(f"LibreOffice 未能把 {f.name} 转成 PDF", f"LibreOffice 输出：{said}")
        result[f] = pdf
    return result


# -- the text check ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LostText:
    """Characters of the document that its PDF does not contain."""
    missing: Counter[str]
    paragraph: int | None   # 1-based paragraph of the document where the first loss is
    excerpt: str

    def describe(self) -> str:
        chars = "、".join(f"“{c}”×{n}" if n > 1 else f"“{c}”" for c, n in self.missing.most_common(8))
        where = f"，例如第 {self.paragraph} 段“{self.excerpt}”" if self.paragraph else ""
        return f"少了 {sum(self.missing.values())} 个字符：{chars}{where}"


def document_paragraphs(docx: bytes) -> list[str]:
    """The text of each paragraph of the main document (tables included, fields as displayed)."""
    with zipfile.ZipFile(_as_file(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(_W + "t")) for p in root.iter(_W + "p")]


def _as_file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def pdf_text(pdf: Path) -> str:
    """All text of a PDF in content order (`-raw`: the default mode drops line-end hyphens)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise UserError("检查 PDF 需要 pdftotext", "安装 poppler-utils：sudo apt-get install poppler-utils")
    proc = subprocess.run([exe, "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=600, check=False)
    return proc.stdout.decode("utf-8", "replace")


_SPACE = re.compile(r"\s+")


def lost_text(docx: bytes, pdf: Path) -> LostText | None:
    """What the PDF lost of the document's text, or None when every character is there.

    Characters are counted, not aligned: the PDF reads table cells in its own order, but each
    character of the document must occur in it at least as often."""
    return lost_in_text(docx, pdf_text(pdf))


def lost_in_text(docx: bytes, extracted: str) -> LostText | None:
    """lost_text, given the PDF's text (pdftotext -raw) already read."""
    paragraphs = document_paragraphs(docx)
    text = _SPACE.sub("", extracted)
    missing = Counter(_SPACE.sub("", "".join(paragraphs))) - Counter(text)
    if not missing:
        return None
    for i, p in enumerate(paragraphs, 1):
        squashed = _SPACE.sub("", p)
        if squashed and squashed not in text and any(c in missing for c in squashed):
            return LostText(missing, i, p if len(p) <= 60 else p[:57] + "…")
    return LostText(missing, None, "")


def check_text(docx: bytes, pdf: Path, name: str) -> None:
    """Refuse a PDF that lost characters of its document: publishing it would misstate the text."""
    lost = lost_text(docx, pdf)
    refuse(lost.describe() if lost is not None else None, name)


def refuse(lost: str | None, name: str) -> None:
    """The error check_text raises for a PDF that lost characters (`lost`: LostText.describe();
    nothing happens when it is None)."""
    if lost is not None:
        raise UserError(
            f"{name}：LibreOffice 生成的 PDF 与 Word 文档的文字不一致，{lost}；未写出这个 PDF",
            "Word 文档是完整的。常见原因是行末标点悬挂（LibreOffice 把行末的“，、；”排到版心外又不显示）："
            "请使用 perfgen 自带的模板样式（正文样式含 w:overflowPunct），或在模板的段落格式中关闭"
            "“允许标点溢出边界”；仍不行时请用 Word/WPS 另存为 PDF。")


# -- pages ---------------------------------------------------------------------------------------

def split_pages(text: str) -> list[str]:
    """pdftotext's output, page by page (pages end with a form feed)."""
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext), for locating headings."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise UserError("计算目录页码需要 pdftotext", "安装 poppler-utils：sudo apt-get install poppler-utils")
    proc = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=300, check=False)
    text = proc.stdout.decode("utf-8", "replace")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def find_pages(pages: list[str], headings: list[str]) -> list[int | None]:
    """1-based page of each heading, searching forward in order (white space ignored)."""
    squash = [_SPACE.sub("", p) for p in pages]
    result: list[int | None] = []
    start = 0
    for h in headings:
        key = _SPACE.sub("", h)
        found = None
        for i in range(start, len(squash)):
            if key in squash[i]:
                found = i
                break
        result.append(found + 1 if found is not None else None)
        if found is not None:
            start = found
    return result
