"""`perfgen build` as a library call: validate, render every department, bind the volume, PDFs.

Output layout: build/<year>/<dept-id>.docx for each department and build/<year>/volume.docx for the
year's volume; with PDFs, a .pdf beside each .docx. Every file is written atomically, so a failed
or interrupted build leaves the previous outputs complete.

Speed (a county: ~100 departments × ~20 projects): templates are compiled once and documents are
rendered in parallel worker processes; a department is re-rendered only when something it depends
on changed (its files, its template, layout and profile, perfgen itself, the options), and a build
whose inputs are all unchanged is recognised before the workspace is even loaded.
"""
from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from perfgen import build_pdf, cache, paths, resources
from perfgen.errors import Finding, UserError
from perfgen.render.package import write_atomic

if TYPE_CHECKING:  # rendering modules load only when something must be rendered
    from perfgen.loaded import LoadResult
    from perfgen.model.entities import DepartmentYear
    from perfgen.render.compiled import Rendered
    from perfgen.render.volume import Chapter

Progress = Callable[[str], None]


@dataclass
class BuildOptions:
    years: list[int] | None = None
    departments: list[str] | None = None
    pdf: bool = False
    out: Path | None = None
    volume: bool = True
    jobs: int | None = None  # worker processes; default: the number of cores
    use_cache: bool = True
    keep_going: bool = False  # write what is valid, skip department-years with errors (make -k)
    # without --pdf too: page numbers for the volume's TOC when LibreOffice is installed (off with
    # --no-toc-pages or PERFGEN_NO_TOC_PAGES=1)
    toc_pages: bool = field(default_factory=lambda: not _env_flag("PERFGEN_NO_TOC_PAGES"))


def _env_flag(name: str) -> bool:
    """An environment switch read as `perfgen build` reads it (click's true words): PERFGEN_NO_TOC_PAGES=false
    must not mean the opposite for a library caller than for the command."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "t", "yes", "y", "on")


@dataclass
class BuildReport:
    documents: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    rendered: int = 0
    reused: int = 0
    tables: int = 0
    pages: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    warnings: list[str] = field(default_factory=list)
    font_substitutes: dict[str, str] = field(default_factory=dict)  # official font -> face in the PDFs
    skipped: list[str] = field(default_factory=list)   # with keep_going: what was not written, and why
    errors: list[Finding] = field(default_factory=list)  # with keep_going: the errors of what was skipped
    toc_note: str = ""   # why the volume's table of contents has no page numbers, if it has none
    converted: list[str] = field(default_factory=list)  # documents LibreOffice converted in this build

    def summary(self) -> str:
        if self.unchanged:
            return f"输入没有变化，{len(self.documents)} 个文档均为最新，用时 {self.seconds:.2f} 秒。"
        parts = [f"生成 {len(self.documents)} 个 Word 文档"]
        if self.reused:
            parts[0] += f"（重新渲染 {self.rendered} 个，{self.reused} 个未变沿用）"
        if self.pdfs:
            parts.append(f"{len(self.pdfs)} 个 PDF（共 {self.pages} 页）")
        parts.append(f"{self.tables} 张绩效目标表")
        text = "，".join(parts) + f"，用时 {self.seconds:.1f} 秒。"
        if self.toc_note:
            text += "\n" + self.toc_note
        if self.pdfs and self.font_substitutes:
            from perfgen.render.fonts import describe
            text += "\n" + describe(self.font_substitutes)
        return text


# -- selection ----------------------------------------------------------------------------------

def _select(result: LoadResult, options: BuildOptions) -> dict[int, list[DepartmentYear]]:
    from perfgen.selection import select
    plan: dict[int, list[DepartmentYear]] = {}
    for dy in select(result.workspace, options.years, options.departments, "生成"):
        plan.setdefault(dy.year, []).append(dy)
    return plan


def _volume_title(result: LoadResult, year: int) -> str:
    from perfgen.safeformat import fill
    settings = result.workspace.settings
    return fill(settings.title, {"年度": year, "地区": settings.locality, "印发单位": settings.issuer})


def _part_headings(dy: DepartmentYear) -> list[str]:
    """The level-2 table-of-contents entries of a department: its parts, as the template prints them."""
    from perfgen.render.context import department_view
    return [part["toc"] for part in department_view(dy)["parts"]]


# -- fingerprints: what each output depends on ----------------------------------------------------

def _file_digest(path: Path | None) -> bytes:
    if path is None or not path.exists():
        return b"-"
    return cache.digest(path.read_bytes()).encode()


def _digests_by_folder(result: LoadResult) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """File fingerprints grouped by (department, year folder or "")."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for rel, d in result.digests.items():
        parts = rel.split("/")
        if len(parts) >= 3 and parts[0] == "departments":
            sub = parts[2] if len(parts) > 3 else ""
            groups.setdefault((parts[1], sub), []).append((rel, d))
    return groups


def _dept_fingerprint(root: Path, groups: dict[tuple[str, str], list[tuple[str, str]]], dy: DepartmentYear,
                      options: BuildOptions) -> str:
    from perfgen.render.document import template_path
    dept = dy.department
    files = sorted(groups.get((dept.id, ""), []) + groups.get((dept.id, str(dy.year)), []))
    tpl = template_path(root, dept.template)
    return cache.digest(
        cache.code_version().encode(), repr(files).encode(), _file_digest(tpl), _file_digest(tpl.parent / "layout.yaml"),
        _file_digest(resources.find_named(root, "profiles", dept.profile, ".yaml")), str(options.pdf).encode())


_FINGERPRINT_LIMIT = 256 * 1024 * 1024  # templates may carry images; YAML files have their own, smaller limit


def inputs_fingerprint(root: Path, options: BuildOptions, keep: dict[Path, bytes] | None = None) -> str:
    """Everything a build reads, hashed without parsing: equal fingerprints mean equal outputs.
    The bytes of workspace files are kept in `keep` so the loader need not read them again."""
    parts = [cache.code_version().encode(), repr((options.years, options.departments, options.pdf,
                                                   options.volume, str(options.out), options.toc_pages)).encode()]
    for base in [root / "departments"] + resources.search_dirs(root, "templates") + \
            resources.search_dirs(root, "profiles"):
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    parts.append(str(path.relative_to(base)).encode())
                    try:  # only regular files, within a limit: a link to /dev/zero or a FIFO is no input
                        data = paths.read_limited(path, paths.MAX_YAML_BYTES if base == root / "departments" else _FINGERPRINT_LIMIT)
                    except paths.FileProblem as problem:
                        parts.append(b"\0" + problem.code.encode())
                        continue
                    parts.append(data)
                    if keep is not None and base == root / "departments":
                        keep[path] = data
    settings = root / "perfgen.yaml"
    parts.append(settings.read_bytes() if settings.exists() else b"")
    # the 自评表's scores: the shipped scoring rules, then the workspace's
    from perfgen.results.rules import FILE as SCORING
    for rules in (resources.builtin_dir() / "rules" / SCORING, root / "rules" / SCORING):
        parts.append(rules.read_bytes() if rules.is_file() else b"-")
    return cache.digest(*parts)


# -- rendering in worker processes ------------------------------------------------------------

_WORK: dict[str, object] = {}


def _render_task(key: tuple[str, int]) -> tuple[tuple[str, int], Rendered]:
    from perfgen.render.document import render_department
    root: Path = _WORK["root"]  # type: ignore[assignment]
    result: LoadResult = _WORK["result"]  # type: ignore[assignment]
    dy = result.workspace.departments[key[0]].years[key[1]]
    return key, render_department(root, dy)


def _render_all(root: Path, result: LoadResult, keys: list[tuple[str, int]], jobs: int,
                progress: Progress) -> dict[tuple[str, int], Rendered]:
    """Render in parallel (fork: workers inherit the loaded workspace and compiled templates)."""
    from perfgen.render.compiled import compiled
    from perfgen.render.document import template_path
    for dept_id, _ in keys:  # compile each template once, before forking
        dept = result.workspace.departments[dept_id]
        path = template_path(root, dept.template)
        compiled(path, f"{dept.template}（{path}）", root / cache.CACHE_DIR)
    out: dict[tuple[str, int], Rendered] = {}
    total = len(keys)
    _WORK.update(root=root, result=result)
    if jobs <= 1 or total < 4 or "fork" not in multiprocessing.get_all_start_methods():
        for i, key in enumerate(keys, start=1):
            progress(f"[{i}/{total}] {key[1]} {result.workspace.departments[key[0]].name}")
            out[key] = _render_task(key)[1]
        _WORK.clear()
        return out
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            chunk = max(1, total // (jobs * 4))
            for i, (key, rendered) in enumerate(pool.map(_render_task, keys, chunksize=chunk), start=1):
                if i % 10 == 0 or i == total:
                    progress(f"[{i}/{total}] 已渲染")
                out[key] = rendered
    finally:
        _WORK.clear()
    return out


# -- the build --------------------------------------------------------------------------------

def build(root: Path, options: BuildOptions, progress: Progress = lambda s: None) -> BuildReport:
    """Check, then write the chosen documents; the steps below each do one thing."""
    start = time.perf_counter()
    out_root = options.out or root / "build"
    if options.out is not None:
        paths.check_output_folder(options.out, root, "--out")
    from perfgen.leftovers import clean_after_killed_runs
    clean_after_killed_runs(root, out_root)
    use_cache = options.use_cache and cache.enabled()
    state = cache.Store(root, "build") if use_cache else None
    preread: dict[Path, bytes] = {}
    fingerprint = inputs_fingerprint(root, options, preread) if use_cache else ""
    report = _unchanged(state, fingerprint)
    if report is None:
        from perfgen.load import load_workspace
        result = load_workspace(root, preread)
        report = BuildReport(warnings=[f.format() for f in result.findings if f.severity == "warning"])
        plan, complete_years = _checked_plan(root, result, options, report)
        renders = cache.Store(root, "render") if use_cache else None
        _write_documents(root, result, options, plan, complete_years, renders, out_root, report, progress)
        if state is not None and not report.skipped:  # a build that skipped something is not "up to date"
            outputs = [(str(p), _file_digest(p).decode()) for p in report.documents + report.pdfs]
            state.clear()
            state.put("last", fingerprint, {"outputs": outputs, "warnings": report.warnings, "tables": report.tables})
            state.save()
    report.seconds = time.perf_counter() - start
    return report


def _unchanged(state: cache.Store | None, fingerprint: str) -> BuildReport | None:
    """The last build's report when no input changed and its outputs are still on disk."""
    if state is None:
        return None
    last = state.get("last", fingerprint)
    if _last_ok(last) and all(Path(p).is_file() and _file_digest(Path(p)).decode() == d for p, d in last["outputs"]):
        return BuildReport(documents=[Path(p) for p, _ in last["outputs"] if p.endswith(".docx")],
                           pdfs=[Path(p) for p, _ in last["outputs"] if p.endswith(".pdf")],
                           unchanged=True, warnings=last["warnings"], tables=last["tables"])
    return None


def _checked_plan(root: Path, result: LoadResult, options: BuildOptions,
                  report: BuildReport) -> tuple[dict[int, list[DepartmentYear]], set[int]]:
    """What to write, and the years whose volume may be bound.

    Only errors in what was asked for (and year-wide rules) stop a build; with keep_going a
    department-year with errors is skipped (listed in the report) and so is its year's volume."""
    from perfgen import selection
    errors = selection.errors_for(result.findings, options.departments, options.years)
    whole, bad = selection.blocked(errors, root)
    if errors and (not options.keep_going or whole):
        raise UserError(f"数据有 {len(errors)} 个错误，未生成文档", "按上面的提示修改后重新运行；"
                        "也可以先运行 perfgen validate 查看全部问题" + ("" if whole else "，或加 --keep-going 先生成没有错误的部门") + "。",
                        findings=errors)
    report.errors = errors
    on_disk = selection.department_years_on_disk(root)
    broken = {(d, y) for d, ys in bad.items() for y in (ys if ys is not None else on_disk.get(d, []))}
    _list_skipped(errors, broken, options, report)
    if report.skipped and options.departments:  # a skipped department may not be in the model at all
        loadable = [d for d in options.departments if d in result.workspace.departments]
        if not loadable:
            return {}, set()
        options = BuildOptions(**{**options.__dict__, "departments": loadable})
    if report.skipped and not result.workspace.departments:
        return {}, set()
    plan = {y: [dy for dy in dys if (dy.department.id, y) not in broken]
            for y, dys in _select(result, options).items()}
    complete = {y for y in plan if not any(y in ys for d, ys in on_disk.items() if (d, y) in broken)}
    for y in sorted(set(plan) - complete):
        report.skipped.append(f"{y} 年汇编（有部门未通过检查）")
    return plan, complete


def _list_skipped(errors: list[Finding], broken: set[tuple[str, int]], options: BuildOptions,
                  report: BuildReport) -> None:
    """Name each chosen department-year that has errors, with how many."""
    from perfgen.selection import scope_of
    for dept, year in sorted(broken, key=lambda k: (k[1], k[0])):
        if (not options.departments or dept in options.departments) and (not options.years or year in options.years):
            n = sum(1 for f in errors if scope_of(f.file)[0] == dept)
            report.skipped.append(f"{year} 年 {dept}（{n} 个错误）")


def _write_documents(root: Path, result: LoadResult, options: BuildOptions, plan: dict[int, list[DepartmentYear]],
                     complete_years: set[int], renders: cache.Store | None, out_root: Path, report: BuildReport,
                     progress: Progress) -> None:
    """Render what changed, reuse the rest, write each year's documents and volume."""
    bodies = root / cache.CACHE_DIR / "bodies"
    pdf_store = cache.Store(root, "pdf") if renders is not None and (options.pdf or options.toc_pages) else None
    fingerprints, reuse, headings, todo = _render_plan(root, result, options, plan, renders, bodies, out_root)
    jobs = options.jobs or os.cpu_count() or 1
    fresh = _render_all(root, result, todo, jobs, progress) if todo else {}
    report.rendered, report.reused = len(fresh), len(reuse)
    for year, dys in sorted(plan.items()):
        written: list[Path] = []
        chapters = []
        for dy in dys:
            key = (dy.department.id, year)
            rendered = fresh.get(key) or reuse[key]
            path = out_root / str(year) / f"{dy.department.id}.docx"
            if key not in headings:
                headings[key] = _part_headings(dy)
            if key in fresh:
                write_atomic(path, rendered.docx)
                _remember(renders, bodies, f"{year}/{dy.department.id}", fingerprints[key], rendered, headings[key])
            written.append(path)
            report.tables += sum(1 for p in dy.projects if p.indicators)
            from perfgen.render.volume import Chapter
            chapters.append(Chapter(title=dy.department.name, rendered=rendered, headings=list(headings[key])))
        full_year = year in complete_years and (not options.departments or set(options.departments) >= {
            d.id for d in result.workspace.departments.values() if year in d.years})
        folder = out_root / str(year)
        results = _result_documents(root, dys, folder)   # 自评表/监控表 are published too
        _write_year(root, result, options, year, folder, written, chapters, full_year, report, progress, pdf_store,
                    results)
        report.documents.extend(written)
        report.documents.extend(results)
    if pdf_store is not None:
        pdf_store.save()
    if renders is not None:
        renders.save()
        _prune_bodies(bodies, set(fingerprints.values()) | _other_bodies(renders))


def _render_plan(root: Path, result: LoadResult, options: BuildOptions, plan: dict[int, list[DepartmentYear]],
                 renders: cache.Store | None, bodies: Path, out_root: Path) -> tuple[
                     dict[tuple[str, int], str], dict[tuple[str, int], Rendered], dict[tuple[str, int], list[str]],
                     list[tuple[str, int]]]:
    """Each department's fingerprint; which can be reused from the last build and which must render."""
    from perfgen.render.compiled import Rendered
    fingerprints: dict[tuple[str, int], str] = {}
    reuse: dict[tuple[str, int], Rendered] = {}
    headings: dict[tuple[str, int], list[str]] = {}
    todo: list[tuple[str, int]] = []
    groups = _digests_by_folder(result)
    for year, dys in sorted(plan.items()):
        for dy in dys:
            key = (dy.department.id, year)
            fp = fingerprints[key] = _dept_fingerprint(root, groups, dy, options)
            target = out_root / str(year) / f"{dy.department.id}.docx"
            hit = renders.get(f"{year}/{dy.department.id}", fp) if renders is not None else None
            body = _cached_body(bodies / f"{fp}.xml", hit, target)
            if hit is not None and body is not None:
                reuse[key] = Rendered(docx=b"", body=body, root_tag=hit["root_tag"], styles_id=hit["styles_id"])
                headings[key] = hit["headings"]
            else:
                todo.append(key)
    return fingerprints, reuse, headings, todo


def _remember(renders: cache.Store | None, bodies: Path, name: str, fingerprint: str, rendered: Rendered,
              headings: list[str]) -> None:
    """Record a freshly rendered department so the next build can reuse it."""
    if renders is None:
        return
    _save_body(bodies / f"{fingerprint}.xml", rendered.body)
    renders.put(name, fingerprint, {
        "docx": cache.digest(rendered.docx), "body": cache.digest(rendered.body), "root_tag": rendered.root_tag,
        "styles_id": rendered.styles_id, "headings": headings})


def _write_year(root: Path, result: LoadResult, options: BuildOptions, year: int, folder: Path, paths: list[Path],
                chapters: list[Chapter], full_year: bool, report: BuildReport, progress: Progress,
                pdf_store: cache.Store | None, results: list[Path]) -> None:
    """The year's volume (when every department of the year is in it) and the PDFs; the PDFs of
    the `results` documents are converted in the same LibreOffice processes as the departments."""
    if not (options.volume and full_year):
        if options.pdf:
            _pdfs(paths + results, folder, report, progress, None, options.jobs, pdf_store)
        return
    progress(f"{year} 年汇编：{len(chapters)} 个部门")
    job = _page_job(root, options, paths, report, pdf_store, progress)
    extra = {d.name: d.read_bytes() for d in results if _cached_pdf(pdf_store, d) is None} \
        if options.pdf and job is not None else {}
    try:
        _write_volume(root, result, options, year, folder, paths, chapters, report, progress, pdf_store, job, extra)
        if options.pdf and results:
            _pdfs(results, folder, report, progress, None, options.jobs, pdf_store,
                  made={d: job.extras[d.name] for d in results if d.name in job.extras} if job is not None else {})
    finally:
        if job is not None:
            report.converted.extend(job.converted)
            job.prune()
            job.close()


def _page_job(root: Path, options: BuildOptions, docs: list[Path], report: BuildReport,
              pdf_store: cache.Store | None, progress: Progress) -> build_pdf.PdfPages | None:
    """The conversions that lay out each page once, when they can run; else None (and, without
    --pdf, the reason the TOC has no page numbers goes into the summary)."""
    import shutil

    from perfgen.render import pdf as pdfmod
    if not (options.pdf or options.toc_pages):
        return None
    if pdfmod.find_soffice() is None or shutil.which("pdftotext") is None:
        if not options.pdf:
            report.toc_note = ("汇编目录未填页码：本机没有 LibreOffice（soffice）或 pdftotext，无法排版计算页码。"
                               "安装 libreoffice-writer-nogui 和 poppler-utils 后重新生成，或在 Word/WPS 中打开后更新目录。")
        return None
    if build_pdf.stampable(docs) is None:
        return None
    return build_pdf.PdfPages(root, pdf_store, _pdf_jobs(options.jobs), progress)


def _write_volume(root: Path, result: LoadResult, options: BuildOptions, year: int, folder: Path,
                  paths: list[Path], chapters: list[Chapter], report: BuildReport, progress: Progress,
                  pdf_store: cache.Store | None, job: build_pdf.PdfPages | None, extra: dict[str, bytes]) -> None:
    from perfgen.render.volume import compose_volume, front_matter
    duplex = result.workspace.settings.duplex
    settings = result.workspace.settings
    title, issuer = _volume_title(result, year), settings.issuer
    pages = None
    wholes: dict[str, build_pdf.Whole] = {}
    if job is not None:
        # with --pdf the front matter is converted with the departments, for its divider pages
        early = {"volume-dividers.docx": front_matter(root, year, title, settings, chapters)} if options.pdf else {}
        pages, wholes = job.department_pages(paths, chapters, early, stamp=options.pdf, extra=extra)
        build_pdf.toc_pages(pages, chapters, duplex)
    elif options.pdf:
        _pdfs(paths, folder, report, progress, chapters, options.jobs, pdf_store, duplex)
    volume_bytes, entries = compose_volume(root, year, title, settings, chapters)
    write_atomic(folder / "volume.docx", volume_bytes)
    if options.pdf or pages is not None:
        missing = [e.text for e in entries if e.page is None]
        if missing:
            report.warnings.append(f"目录中有 {len(missing)} 项未能确定页码：{missing[0]}")
    if options.pdf:
        from perfgen.render.assemble import final_page_size
        if job is not None and pages is not None and build_pdf.stampable(paths) == final_page_size(volume_bytes):
            if not report.font_substitutes:
                from perfgen.render import fonts
                report.font_substitutes = fonts.substitutes(fonts.write_config(job.tmp))
            front = front_matter(root, year, title, settings, chapters)
            for pdf, n in build_pdf.write_pdfs(
                    job, paths, chapters, pages, wholes["volume-dividers.docx"], front, volume_bytes, folder,
                    title, issuer, duplex,
                    lambda d, data: _cached_pdf(pdf_store, d, data),
                    lambda d, data, t: _remember_pdf(pdf_store, d, data, t)):
                report.pdfs.append(pdf)
                report.pages += n
        else:
            if job is not None:   # the department PDFs, numbered by LibreOffice
                _pdfs(paths, folder, report, progress, None, options.jobs, pdf_store)
            _volume_pdf(volume_bytes, folder, report, pdf_store)
    paths.append(folder / "volume.docx")


def _result_documents(root: Path, dys: list[DepartmentYear], folder: Path) -> list[Path]:
    """The 自评表 and 监控表 of each department-year that has results (perfgen/results/)."""
    from perfgen.results.documents import render_results
    written = []
    for dy in dys:
        for name, data in render_results(root, dy).items():
            write_atomic(folder / name, data)
            written.append(folder / name)
    return written


def _save_body(path: Path, body: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, body, durable=False)  # read back only if its digest matches (_cached_body)
    except UserError:  # the cache is only an optimisation
        pass


def _other_bodies(renders: cache.Store) -> set[str]:
    return renders.fingerprints()


def _last_ok(last: object) -> bool:
    """The record of the last build has the shape this perfgen writes (else: build again)."""
    return (isinstance(last, dict) and isinstance(last.get("outputs"), list) and isinstance(last.get("tables"), int)
            and isinstance(last.get("warnings"), list) and all(isinstance(w, str) for w in last["warnings"])
            and all(isinstance(o, list) and len(o) == 2 and all(isinstance(x, str) for x in o) for o in last["outputs"]))


_RENDER_ENTRY = {"docx": str, "body": str, "root_tag": str, "styles_id": str, "headings": list}


def _cached_body(body_file: Path, hit: object, target: Path) -> bytes | None:
    """The cached body of a department, if the cache entry has the expected shape, the document
    on disk still has the digest recorded when it was written, and the body file still has
    its recorded digest; None means render again."""
    if not (isinstance(hit, dict) and all(isinstance(hit.get(k), t) for k, t in _RENDER_ENTRY.items())):
        return None
    if not target.is_file() or _file_digest(target).decode() != hit["docx"]:
        return None
    try:
        body = body_file.read_bytes()
    except OSError:
        return None
    return body if cache.digest(body) == hit["body"] else None


def _prune_bodies(folder: Path, keep: set[str]) -> None:
    if not folder.is_dir():
        return
    for f in folder.glob("*.xml"):
        if f.stem not in keep:
            try:
                f.unlink()
            except OSError:
                pass


# -- PDFs ----------------------------------------------------------------------------------------

def _pdfs(paths: list[Path], folder: Path, report: BuildReport, progress: Progress,
          chapters: list[Chapter] | None, jobs: int | None, store: cache.Store | None,
          duplex: bool = False, made: dict[Path, Path] | None = None) -> None:
    """Convert to PDF in a temporary folder (in parallel LibreOffice processes), check that each
    PDF kept the document's text, move each PDF into place atomically, and note each chapter's page
    count and heading pages for the volume's table of contents. A PDF made from the same .docx
    bytes by the last build is reused, like the .docx outputs; `made`: PDFs converted already."""
    from perfgen.render import pdf as pdfmod
    with tempfile.TemporaryDirectory(prefix="perfgen-pdf-") as tmp:
        if not report.font_substitutes:
            from perfgen.render import fonts
            report.font_substitutes = fonts.substitutes(fonts.write_config(Path(tmp)))
        made = dict(made or {})
        todo = [d for d in paths if d not in made and _cached_pdf(store, d) is None]
        if todo:
            progress(f"转换 PDF：{len(todo)} 个文件")
            made.update(pdfmod.convert_to_pdf(todo, Path(tmp) / "pdf", jobs=_pdf_jobs(jobs)))
        page = 1
        for i, docx in enumerate(paths):
            target = folder / (docx.stem + ".pdf")
            pdf = made.get(docx)
            if pdf is not None:
                data = docx.read_bytes()
                pdfmod.check_text(data, pdf, docx.name)
                write_atomic(target, pdf.read_bytes())
                _remember_pdf(store, docx, data, target)
            pages = pdfmod.page_texts(target)
            report.pdfs.append(target)
            report.pages += len(pages)
            if chapters is not None:
                chapter = chapters[i]
                chapter.page = page
                found = pdfmod.find_pages(pages, [h.split(" ")[0] for h in chapter.headings])
                chapter.heading_pages = [page + k if k is not None else None for k in found]
                page += 1 + len(pages)  # the divider page, then the chapter
                if duplex and page % 2 == 0:
                    page += 1           # a blank left-hand page: the next department starts on the right


def _cached_pdf(store: cache.Store | None, docx: Path, data: bytes | None = None) -> Path | None:
    """The PDF beside `docx` if the last build made it from these very .docx bytes."""
    target = docx.with_suffix(".pdf")
    if store is None or not target.is_file():
        return None
    hit = store.get(str(target), cache.digest(data if data is not None else docx.read_bytes()))
    if hit is not None and hit.get("pdf") == _file_digest(target).decode():
        return target
    return None


def _remember_pdf(store: cache.Store | None, docx: Path, data: bytes, target: Path) -> None:
    if store is not None:
        store.put(str(target), cache.digest(data), {"pdf": _file_digest(target).decode(), "docx": docx.name})


def _pdf_jobs(jobs: int | None) -> int:
    """LibreOffice processes to run at once: one per core, at most 4 (each needs a few hundred MB)."""
    return max(1, min(jobs or os.cpu_count() or 1, 4))


def _volume_pdf(volume_bytes: bytes, folder: Path, report: BuildReport, store: cache.Store | None) -> None:
    from perfgen.render import pdf as pdfmod
    target = folder / "volume.pdf"
    docx = folder / "volume.docx"
    if _cached_pdf(store, docx, volume_bytes) is None:
        with tempfile.TemporaryDirectory(prefix="perfgen-vol-") as tmp:
            tmp_docx = Path(tmp) / "volume.docx"
            tmp_docx.write_bytes(volume_bytes)
            pdf = pdfmod.convert_to_pdf([tmp_docx], Path(tmp) / "pdf")[tmp_docx]
            pdfmod.check_text(volume_bytes, pdf, "volume.docx")
            write_atomic(target, pdf.read_bytes())
        _remember_pdf(store, docx, volume_bytes, target)
    report.pdfs.append(target)
    report.pages += len(pdfmod.page_texts(target))
