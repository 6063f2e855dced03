"""The PDF half of `perfgen build` for a year with a volume: each page is laid out once.

1. Each department's document is converted once, without header and footer text (assemble.bare),
   in parallel LibreOffice processes; its text is read back once (pdftotext) to check that no
   character was lost and to find the page of each part heading. These "page" PDFs are cached in
   .perfgen-cache/pdf-pages/ by the digest of the .docx, with their page count and heading pages,
   so that an unchanged department is never converted again, with or without --pdf.
2. The page counts give the table of contents its page numbers (also without --pdf, when
   LibreOffice is installed: see README, PDF).
3. With --pdf: the front matter (cover, contents, dividers: volume.front_matter) is converted
   with the departments (for its dividers) and again once the TOC has its numbers (for the cover
   and contents, while the departments' pages are put together), both cached by digest; page
   numbers are stamped from number sheets (cached), each department's PDF is written from its
   pages, and volume.pdf is assembled from the front matter and the same pages, with bookmarks
   and metadata (render/assemble.py).

The text check: each PDF whose pages reach an output was checked against the document it was made
from (a department's pages against its .docx, the front matter against its .docx); volume.docx is
exactly those documents joined, so volume.pdf is checked part by part, not laid out again.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfgen import cache
from perfgen.errors import UserError
from perfgen.render.package import write_atomic

if TYPE_CHECKING:
    from perfgen.render.volume import Chapter

PAGES_DIR = "pdf-pages"


@dataclass
class Pages:
    """A department's pages without numbers, as converted (or cached)."""

    pdf: Path
    count: int
    found: list[int | None]   # page of each part heading, within the department
    lost: str | None          # LostText.describe() when the PDF lost characters


@dataclass
class Whole:
    """A document converted whole (the front matter): its PDF, each page's text without white
    space, and what it lost."""

    pdf: Path
    texts: list[str]
    lost: str | None


def _digest(path: Path) -> str:
    return cache.digest(path.read_bytes())


class PdfPages:
    """Conversions of one build: the cached page PDFs and number sheets, and what is missing."""

    def __init__(self, root: Path, store: cache.Store | None, jobs: int, progress: Callable[[str], None]):
        self.store = store
        self.jobs = jobs
        self.progress = progress
        self._tmp = tempfile.TemporaryDirectory(prefix="perfgen-pdf-")
        self.tmp = Path(self._tmp.name)
        self.folder = root / cache.CACHE_DIR / PAGES_DIR if store is not None else self.tmp / "pages"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.converted: list[str] = []   # names of the documents converted, for the summary and tests
        self.used: set[str] = set()
        self._readers: dict[Path, Any] = {}
        self._sheet_names: dict[tuple[object, int], str] = {}   # (design, start) -> sheet digest
        self._sheets_made: set[str] = set()
        self._sheets_pending: set[str] = set()   # asked for, not converted yet
        self.stamped: dict[str, tuple[Path, Path]] = {}   # department .docx name -> (its pages, its numbered PDF)
        self.extras: dict[str, Path] = {}   # PDFs of the documents department_pages converted on the side

    def reader(self, pdf: Path) -> Any:
        """A pypdf reader of `pdf`, opened once per build."""
        if pdf not in self._readers:
            from pypdf import PdfReader
            self._readers[pdf] = PdfReader(pdf)
        return self._readers[pdf]

    def close(self) -> None:
        self._tmp.cleanup()

    # -- cached files ---------------------------------------------------------------------------

    def _hit(self, key: str, fingerprint: str) -> dict[str, object] | None:
        if self.store is None:
            return None
        hit = self.store.get(key, fingerprint)
        if not isinstance(hit, dict) or not isinstance(hit.get("file"), str) or not isinstance(hit.get("pdf"), str):
            return None
        path = self.folder / str(hit["file"])
        if path.parent != self.folder or not path.is_file() or _digest(path) != hit["pdf"]:
            return None
        self.used.add(str(hit["file"]))
        return hit

    def _keep(self, key: str, fingerprint: str, made: Path, name: str, extra: dict[str, object]) -> Path:
        target = self.folder / name
        shutil.copyfile(made, target)
        self.used.add(name)
        if self.store is not None:
            self.store.put(key, fingerprint, {"file": name, "pdf": _digest(target), **extra})
        return target

    def _convert(self, docs: dict[str, bytes], done: Callable[[str, Path], None] | None = None,
                 lead: list[str] | None = None) -> dict[str, Path]:
        """Convert documents given as {file name: bytes}; returns {file name: pdf}. `done(name,
        pdf)` is called for each as soon as LibreOffice has written it; `lead`: names to convert first."""
        from perfgen.render import pdf as pdfmod
        if not docs:
            return {}
        folder = self.tmp / f"in{len(self.converted)}"
        folder.mkdir()
        files = []
        for name, data in docs.items():
            (folder / name).write_bytes(data)
            files.append(folder / name)
        self.converted.extend(docs)
        if done is None:
            made = pdfmod.convert_to_pdf(files, self.tmp / f"out{len(self.converted)}", jobs=self.jobs)
        else:
            made = pdfmod.convert_to_pdf(files, self.tmp / f"out{len(self.converted)}", jobs=self.jobs,
                                         done=lambda docx, pdf: done(docx.name, pdf),
                                         lead=[folder / n for n in lead or []])
        return {f.name: made[f] for f in files}

    # -- department pages --------------------------------------------------------------------------

    def department_pages(self, docs: list[Path], chapters: list[Chapter], also: dict[str, bytes] | None = None,
                         stamp: bool = False, extra: dict[str, bytes] | None = None) -> tuple[
                             list[Pages], dict[str, Whole]]:
        """Each department's pages without numbers: cached, or converted now (all at once),
        with the whole documents `also` (see documents). Each department is checked and cached as
        soon as LibreOffice has written it, while the others are converted; with `stamp` its PDF
        is numbered then too (into `stamped`), when its number sheet is there already.
        `extra`: documents converted whole in the same processes, into `extras` (自评表/监控表)."""
        from perfgen.render import assemble
        from perfgen.render import pdf as pdfmod
        result: dict[int, Pages] = {}
        todo: dict[str, tuple[int, str, bytes, list[str], str]] = {}
        for i, (docx, chapter) in enumerate(zip(docs, chapters)):
            data = docx.read_bytes()
            headings = [h.split(" ")[0] for h in chapter.headings]
            fp = cache.digest(data, repr(headings).encode())
            hit = self._hit(f"pages:{docx.parent.name}/{docx.name}", fp)
            if hit is not None and isinstance(hit.get("count"), int) and isinstance(hit.get("found"), list):
                lost = hit.get("lost")
                result[i] = Pages(self.folder / str(hit["file"]), int(hit["count"]),  # type: ignore[call-overload]
                                  list(hit["found"]), lost if isinstance(lost, str) else None)  # type: ignore[call-overload]
            else:
                todo[docx.name] = (i, fp, data, headings, f"pages:{docx.parent.name}/{docx.name}")
        wholes, whole_todo = self._documents(also or {})
        extra = extra or {}
        if todo or whole_todo or extra:
            self.progress(f"转换 PDF：{len(todo)} 个部门")
            # the number sheets the departments (and, when it shares their design, the volume) will
            # need, in the same LibreOffice processes, first: the departments are numbered with them
            guess = sum(assemble.estimated_pages(t[2]) + 2 for t in todo.values())
            sheets: dict[str, bytes] = {}
            if todo:
                first = next(iter(todo.values()))[2]
                _, sheets = self._sheet_files({("guess", s): first for s in range(1, guess + 1, assemble.SHEET_PAGES)})

            reported: set[str] = set()

            def finished(name: str, pdf: Path) -> None:
                reported.add(name)
                if name in sheets:
                    self._keep_sheets({name: sheets[name]}, {name: pdf})
                elif name in whole_todo:
                    wholes.update(self._keep_documents({name: whole_todo[name]}, {name: pdf}))
                elif name in extra:
                    self.extras[name] = pdf
                elif name in todo:
                    i, fp, data, headings, key = todo[name]
                    text = pdfmod.pdf_text(pdf)
                    pages = pdfmod.split_pages(text)
                    lost = pdfmod.lost_in_text(data, text)
                    found = pdfmod.find_pages(pages, headings)
                    described = lost.describe() if lost is not None else None
                    kept = self._keep(key, fp, pdf, f"{fp}.pdf", {"count": len(pages), "found": found, "lost": described})
                    result[i] = Pages(kept, len(pages), found, described)
                    if stamp and described is None:
                        self._stamp_now(docs[i], data, result[i])
            made = self._convert({**{name: assemble.bare(t[2]) for name, t in todo.items()}, **sheets,
                                  **{n: d for n, (_, d) in whole_todo.items()}, **extra},
                                 finished, list(sheets))
            for name, pdf in made.items():   # what was not reported while LibreOffice ran (none, as a rule)
                if name not in reported:
                    finished(name, pdf)
        return [result[i] for i in range(len(docs))], wholes

    def _stamp_now(self, docx: Path, data: bytes, pages: Pages) -> None:
        """Number a department's PDF (see write_pdfs) if its number sheets are converted already."""
        from perfgen.render import assemble
        design = assemble.design(data)
        found: dict[tuple[str, int], Path] = {}
        for start in range(1, max(pages.count, 1) + 1, assemble.SHEET_PAGES):
            fp = self._sheet_names.get((design, start))
            if fp is None or fp in self._sheets_pending:
                return   # a sheet not asked for yet, or still being converted: write_pdfs numbers it
            found[(docx.name, start)] = self.folder / f"sheet-{fp}.pdf"
        target = self.tmp / f"dept-{docx.stem}.pdf"
        assemble.stamp_document(pages.pdf, self.sheets_of(found, docx.name), target, assemble.core_metadata(data),
                                self.reader)
        self.stamped[docx.name] = (pages.pdf, target)

    # -- whole documents (the volume's front matter) ---------------------------------------------

    def documents(self, docs: dict[str, bytes]) -> dict[str, Whole]:
        """PDFs of whole documents, cached by the digest of the .docx, with their text checked."""
        found, todo = self._documents(docs)
        if todo:
            made = self._convert({n: d for n, (_, d) in todo.items()})
            found.update(self._keep_documents(todo, made))
        return found

    def _documents(self, docs: dict[str, bytes]) -> tuple[dict[str, Whole], dict[str, tuple[str, bytes]]]:
        found: dict[str, Whole] = {}
        todo: dict[str, tuple[str, bytes]] = {}
        for name, data in docs.items():
            fp = cache.digest(data)
            hit = self._hit(f"doc:{fp}", fp)
            texts = hit.get("texts") if hit is not None else None
            if hit is not None and isinstance(texts, list) and all(isinstance(t, str) for t in texts):
                lost = hit.get("lost")
                found[name] = Whole(self.folder / str(hit["file"]), texts, lost if isinstance(lost, str) else None)
            else:
                todo[name] = (fp, data)
        return found, todo

    def _keep_documents(self, todo: dict[str, tuple[str, bytes]], made: dict[str, Path]) -> dict[str, Whole]:
        from perfgen.render import pdf as pdfmod
        out = {}
        for name, (fp, data) in todo.items():
            text = pdfmod.pdf_text(made[name])
            lost = pdfmod.lost_in_text(data, text)
            described = lost.describe() if lost is not None else None
            texts = [re.sub(r"\s+", "", t) for t in pdfmod.split_pages(text)]
            kept = self._keep(f"doc:{fp}", fp, made[name], f"doc-{fp}.pdf", {"texts": texts, "lost": described})
            out[name] = Whole(kept, texts, described)
        return out

    # -- number sheets ---------------------------------------------------------------------------

    def sheets_of(self, paths: dict[tuple[str, int], Path], label: str) -> Callable[[int], Any]:
        """The sheets of one document, as assemble.Sheets."""
        return lambda start: self.reader(paths[(label, start)])

    def sheets(self, requests: dict[tuple[str, int], bytes], also: dict[str, bytes]) -> tuple[
            dict[tuple[str, int], Path], dict[str, Path]]:
        """Number sheets for {(label, first page): document whose footers they carry}, converted
        (when not cached) together with the documents `also` in one go; returns both."""
        found, wanted = self._sheet_files(requests)
        made = self._convert({**wanted, **also})
        self._keep_sheets(wanted, made)
        return found, {n: made[n] for n in also}

    def _sheet_files(self, requests: dict[tuple[str, int], bytes]) -> tuple[
            dict[tuple[str, int], Path], dict[str, bytes]]:
        """Where each requested sheet's PDF is (or will be), and the sheets still to convert."""
        from perfgen.render import assemble
        found: dict[tuple[str, int], Path] = {}
        wanted: dict[str, bytes] = {}
        designs: dict[int, object] = {}   # by the bytes object: the volume asks for many sheets of one document
        for (label, start), docx in requests.items():
            if id(docx) not in designs:
                designs[id(docx)] = assemble.design(docx)
            key = (designs[id(docx)], start)
            if key not in self._sheet_names:
                sheet = assemble.number_sheet(docx, start)
                fp = cache.digest(sheet)
                self._sheet_names[key] = fp
                if self._hit(f"sheet:{fp}", fp) is None and fp not in self._sheets_made:
                    wanted[f"sheet-{fp}.docx"] = sheet
                    self._sheets_pending.add(fp)
            found[(label, start)] = self.folder / f"sheet-{self._sheet_names[key]}.pdf"
        return found, wanted

    def _keep_sheets(self, wanted: dict[str, bytes], made: dict[str, Path]) -> None:
        for name in wanted:
            fp = name.removeprefix("sheet-").removesuffix(".docx")
            self._keep(f"sheet:{fp}", fp, made[name], f"sheet-{fp}.pdf", {})
            self._sheets_made.add(fp)
            self._sheets_pending.discard(fp)

    def prune(self) -> None:
        """Delete cached PDFs that no cache entry refers to (an edited department's old pages)."""
        if self.store is None:
            return
        named = {v.get("file") for _, v in self.store.entries.values() if isinstance(v, dict)}
        for f in self.folder.glob("*.pdf"):
            if f.name not in self.used and f.name not in named:
                try:
                    f.unlink()
                except OSError:
                    pass


def stampable(docs: list[Path]) -> bytes | None:
    """The page size the departments share, when each has one section (its pages can be numbered
    from one sheet and go into the volume as they are); None otherwise (then volume.docx is
    converted on its own, as before)."""
    from perfgen.render import assemble
    sizes = set()
    for d in docs:
        size = assemble.page_setup(d.read_bytes())
        if size is None:
            return None
        sizes.add(size)
    return sizes.pop() if len(sizes) == 1 else None


def toc_pages(pages: list[Pages], chapters: list[Chapter], duplex: bool) -> None:
    """Fill in each chapter's divider page and heading pages from its page count."""
    from perfgen.render.assemble import divider_pages
    for chapter, page, p in zip(chapters, divider_pages([p.count for p in pages], duplex), pages):
        chapter.page = page
        chapter.heading_pages = [page + k if k is not None else None for k in p.found]


def write_pdfs(job: PdfPages, docs: list[Path], chapters: list[Chapter], pages: list[Pages], dividers: Whole,
               front: bytes, volume_docx: bytes, folder: Path, title: str, issuer: str, duplex: bool,
               cached: Callable[[Path, bytes | None], Path | None],
               remember: Callable[[Path, bytes, Path], None]) -> list[tuple[Path, int]]:
    """The departments' PDFs and volume.pdf from the pages; returns [(pdf, pages)] written or reused.
    `dividers`: the front matter converted with the departments (its TOC without page numbers),
    whose divider pages go into the volume; `front`: the front matter with the TOC's numbers,
    converted now, of which the cover and contents go into the volume."""
    from pypdf import PdfReader

    from perfgen.render import assemble
    from perfgen.render import pdf as pdfmod
    for docx, p in zip(docs, pages):
        pdfmod.refuse(p.lost, docx.name)
    datas = [d.read_bytes() for d in docs]
    volume_target = folder / "volume.pdf"
    volume_fresh = cached(folder / "volume.docx", volume_docx) is None
    dept_fresh = [cached(d, data) is None for d, data in zip(docs, datas)]
    # sheets: for each department its pages; for the volume pages 1 … its last
    requests: dict[tuple[str, int], bytes] = {}
    for docx, data, p, fresh in zip(docs, datas, pages, dept_fresh):
        if fresh:
            requests.update({(docx.name, s): data for s in range(1, max(p.count, 1) + 1, assemble.SHEET_PAGES)})
    if volume_fresh and pages:
        last = assemble.divider_pages([p.count for p in pages], duplex)[-1] + pages[-1].count
        requests.update({("volume.docx", s): volume_docx for s in range(1, last + 1, assemble.SHEET_PAGES)})
    sheets, _ = job.sheets(requests, {})   # converted with the departments, as a rule
    out: list[tuple[Path, int]] = []
    for i, (docx, data, p) in enumerate(zip(docs, datas, pages)):
        target = folder / (docx.stem + ".pdf")
        if dept_fresh[i]:
            early = job.stamped.get(docx.name)
            if early is not None and early[0] == p.pdf:   # numbered while LibreOffice converted the others
                tmp = early[1]
            else:
                tmp = job.tmp / f"dept-{docx.stem}.pdf"
                assemble.stamp_document(p.pdf, job.sheets_of(sheets, docx.name), tmp, assemble.core_metadata(data),
                                        job.reader)
            write_atomic(target, tmp.read_bytes())
            remember(docx, data, target)
        out.append((target, p.count))
    if not volume_fresh:
        out.append((volume_target, len(PdfReader(volume_target).pages)))
        return out
    first_divider = _front_pages(dividers, chapters)
    # LibreOffice converts the front matter with the TOC's numbers while this process puts the
    # departments' pages together
    with ThreadPoolExecutor(1) as pool:
        later = pool.submit(job.documents, {"volume-front.docx": front})

        def front_pdf() -> tuple[Path, int]:
            whole = later.result()["volume-front.docx"]
            pdfmod.refuse(whole.lost, "volume.docx（封面和目录）")
            return whole.pdf, _front_pages(whole, chapters)
        departments = [assemble.Department(c.title, p.pdf, list(zip(c.headings, p.found)))
                       for c, p in zip(chapters, pages)]
        tmp = job.tmp / "volume.pdf"
        done = assemble.assemble_volume(tmp, dividers.pdf, first_divider, departments,
                                        job.sheets_of(sheets, "volume.docx"), duplex,
                                        assemble.metadata(title, issuer), front_pdf, job.reader)
    write_atomic(volume_target, tmp.read_bytes())
    remember(folder / "volume.docx", volume_docx, volume_target)
    out.append((volume_target, done.pages))
    return out


def _front_pages(whole: Whole, chapters: list[Chapter]) -> int:
    """How many pages of the front matter's PDF are cover and contents: the rest must be one
    divider per department, in order."""
    from perfgen.render import pdf as pdfmod
    pdfmod.refuse(whole.lost, "volume.docx（封面和目录）")
    n = len(whole.texts) - len(chapters)
    if n < 1 or not all(re.sub(r"\s+", "", c.title) in t for c, t in zip(chapters, whole.texts[n:])):
        raise UserError("汇编的封面和目录转成 PDF 后页数与预期不符，未写出 volume.pdf",
                        "请检查 templates/volume 模板（部门分隔页应各占一页）；或先不加 --pdf 生成 Word 文档。")
    return n
