"""PDF output through headless LibreOffice, and reading page numbers back from the PDFs.

LibreOffice runs with a private profile (so parallel or concurrent runs do not collide with a
desktop session) and with our font aliases. `pdftotext` (poppler-utils) splits a PDF into pages so
the build can find on which page each heading landed.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from perfgen.errors import UserError

_FONTCONFIG = Path(__file__).with_name("fontconfig.xml")


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


def convert_to_pdf(files: list[Path], outdir: Path, timeout: int = 900) -> dict[Path, Path]:
    """Convert .docx files to PDF in one LibreOffice run; returns {docx: pdf} (PDFs in a temp folder)."""
    soffice = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="perfgen-lo-") as profile:
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(_FONTCONFIG)
        env.setdefault("HOME", profile)
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir), *map(str, files)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise UserError("LibreOffice 转换 PDF 超时", "文档过大或 LibreOffice 卡住；请重试，或先不加 --pdf 生成 Word 文档。") from None
    result = {}
    for f in files:
        pdf = outdir / (f.stem + ".pdf")
        if not pdf.exists():
            raise UserError(f"LibreOffice 未能把 {f.name} 转成 PDF",
                            f"LibreOffice 输出：{(proc.stderr or proc.stdout).strip()[:300] or '（无）'}")
        result[f] = pdf
    return result


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext), for locating headings."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise UserError("计算目录页码需要 pdftotext", "安装 poppler-utils：sudo apt-get install poppler-utils")
    proc = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=300)
    text = proc.stdout.decode("utf-8", "replace")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def find_pages(pages: list[str], headings: list[str]) -> list[int | None]:
    """1-based page of each heading, searching forward in order (white space ignored)."""
    import re
    squash = [re.sub(r"\s+", "", p) for p in pages]
    result: list[int | None] = []
    start = 0
    for h in headings:
        key = re.sub(r"\s+", "", h)
        found = None
        for i in range(start, len(squash)):
            if key in squash[i]:
                found = i
                break
        result.append(found + 1 if found is not None else None)
        if found is not None:
            start = found
    return result
