"""`perfgen build` as a library call: validate, render every department, bind the volume, PDFs.

Output layout: build/<year>/<dept-id>.docx for each department and build/<year>/volume.docx for the
year's volume; with PDFs, a .pdf beside each .docx. Every file is written atomically, so a failed
or interrupted build leaves the previous outputs complete.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from perfgen.errors import UserError
from perfgen.load import LoadResult, load_workspace
from perfgen.model.entities import DepartmentYear
from perfgen.model.layout import fill
from perfgen.render import pdf as pdfmod
from perfgen.render.context import department_view
from perfgen.render.document import render_department
from perfgen.render.package import write_atomic
from perfgen.render.volume import Chapter, compose_volume

Progress = Callable[[str], None]


@dataclass
class BuildOptions:
    years: list[int] | None = None
    departments: list[str] | None = None
    pdf: bool = False
    out: Path | None = None
    volume: bool = True


@dataclass
class BuildReport:
    documents: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    tables: int = 0
    pages: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"生成 {len(self.documents)} 个 Word 文档"]
        if self.pdfs:
            parts.append(f"{len(self.pdfs)} 个 PDF（共 {self.pages} 页）")
        parts.append(f"{self.tables} 张绩效目标表")
        return "，".join(parts) + f"，用时 {self.seconds:.1f} 秒。"


def _select(result: LoadResult, options: BuildOptions) -> dict[int, list[DepartmentYear]]:
    ws = result.workspace
    wanted = options.departments
    if wanted:
        unknown = [d for d in wanted if d not in ws.departments]
        if unknown:
            raise UserError(f"没有部门“{unknown[0]}”", "可用的部门：" + "、".join(sorted(ws.departments)))
    years = options.years or ws.years()
    missing = [y for y in years if y not in ws.years()]
    if missing:
        raise UserError(f"工作区中没有 {missing[0]} 年度的数据", "已有的年度：" + "、".join(map(str, ws.years())))
    plan: dict[int, list[DepartmentYear]] = {}
    for year in years:
        for dept in ws.ordered_departments():
            if wanted and dept.id not in wanted:
                continue
            if year in dept.years:
                plan.setdefault(year, []).append(dept.years[year])
    if not plan:
        raise UserError("没有可生成的文档", "检查 --year 和 --dept 是否对应工作区中已有的部门和年度。")
    return plan


def _volume_title(result: LoadResult, year: int) -> str:
    return fill(result.workspace.settings.title, 年度=year)


def _part_headings(dy: DepartmentYear) -> list[str]:
    """The level-2 table-of-contents entries of a department: its parts, as printed."""
    view = department_view(dy)
    L = view["L"]
    heads = []
    if "goals" in view["parts"] and view["has_goals"]:
        heads.append(f"{view['parts']['goals']} {L.get('第一部分名称', '')}".strip())
    if view["has_special"]:
        heads.append(f"{view['parts']['special']} {L.get('专项资金部分名称', '')}".strip())
    if "项目部分名称" in L:
        heads.append(f"{view['parts']['projects']} {L.get('项目部分名称', '')}".strip())
    return heads


def build(root: Path, options: BuildOptions, progress: Progress = lambda s: None) -> BuildReport:
    start = time.perf_counter()
    result = load_workspace(root)
    if result.errors:
        raise UserError(f"数据有 {len(result.errors)} 个错误，未生成文档", "按上面的提示修改后重新运行；"
                        "也可以先运行 perfgen validate 查看全部问题。", findings=result.errors)
    report = BuildReport(warnings=[f.format() for f in result.findings if f.severity == "warning"])
    out_root = options.out or root / "build"
    plan = _select(result, options)
    total = sum(len(v) for v in plan.values())
    done = 0
    for year, dys in sorted(plan.items()):
        folder = out_root / str(year)
        rendered: list[tuple[DepartmentYear, bytes]] = []
        for dy in dys:
            done += 1
            progress(f"[{done}/{total}] {year} {dy.department.name}")
            data = render_department(root, dy)
            rendered.append((dy, data))
            report.tables += sum(1 for p in dy.projects if p.indicators)
        full_year = not options.departments or set(options.departments) >= {
            d.id for d in result.workspace.departments.values() if year in d.years}
        volume_bytes = None
        chapters = [Chapter(title=dy.department.name, docx=data, headings=_part_headings(dy)) for dy, data in rendered]
        if options.volume and full_year:
            volume_bytes, _ = compose_volume(root, year, _volume_title(result, year),
                                             result.workspace.settings.issuer, chapters)
        # Write Word documents (atomic, one by one).
        paths: list[Path] = []
        for dy, data in rendered:
            path = folder / f"{dy.department.id}.docx"
            write_atomic(path, data)
            paths.append(path)
        if volume_bytes is not None:
            path = folder / "volume.docx"
            if options.pdf:
                volume_bytes = _volume_with_pages(root, year, result, chapters, paths, folder, report, progress)
            write_atomic(path, volume_bytes)
            paths.append(path)
        elif options.pdf:
            _pdfs(paths, folder, report, progress)
        report.documents.extend(paths)
    report.seconds = time.perf_counter() - start
    return report


def _pdfs(paths: list[Path], folder: Path, report: BuildReport, progress: Progress) -> dict[Path, list[str]]:
    """Convert to PDF in a temporary folder, then move each PDF into place atomically."""
    progress(f"转换 PDF：{len(paths)} 个文件")
    texts: dict[Path, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="perfgen-pdf-") as tmp:
        pdfs = pdfmod.convert_to_pdf(paths, Path(tmp))
        for docx, pdf in pdfs.items():
            pages = pdfmod.page_texts(pdf)
            texts[docx] = pages
            target = folder / (docx.stem + ".pdf")
            write_atomic(target, pdf.read_bytes())
            report.pdfs.append(target)
            report.pages += len(pages)
    return texts


def _volume_with_pages(root: Path, year: int, result: LoadResult, chapters: list[Chapter], dept_paths: list[Path],
                       folder: Path, report: BuildReport, progress: Progress) -> bytes:
    """Department PDFs give each chapter's page count and heading pages; fill the TOC from them.

    Each chapter starts on a fresh page after its divider, so a heading on page k of the standalone
    PDF is on page (divider + k) of the volume.
    """
    texts = _pdfs(dept_paths, folder, report, progress)
    page = 1
    for chapter, path in zip(chapters, dept_paths):
        pages = texts[path]
        chapter.page = page
        found = pdfmod.find_pages(pages, [h.split(" ")[0] for h in chapter.headings])
        chapter.heading_pages = [page + k if k is not None else None for k in found]
        page += 1 + len(pages)
    volume_bytes, entries = compose_volume(root, year, _volume_title(result, year),
                                           result.workspace.settings.issuer, chapters)
    missing = [e.text for e in entries if e.page is None]
    if missing:
        report.warnings.append(f"目录中有 {len(missing)} 项未能确定页码：{missing[0]}")
    with tempfile.TemporaryDirectory(prefix="perfgen-vol-") as tmp:
        tmp_docx = Path(tmp) / "volume.docx"
        tmp_docx.write_bytes(volume_bytes)
        pdf = pdfmod.convert_to_pdf([tmp_docx], Path(tmp) / "pdf")[tmp_docx]
        write_atomic(folder / "volume.pdf", pdf.read_bytes())
        report.pdfs.append(folder / "volume.pdf")
        report.pages += len(pdfmod.page_texts(pdf))
    return volume_bytes


def clean(out: Path) -> None:  # pragma: no cover - convenience for `perfgen build --clean`
    if out.exists():
        shutil.rmtree(out)
