"""PDF output: every character of the document reaches the PDF, the body keeps the GB/T 9704 grid
(22 lines × 28 characters), and LibreOffice never outlives perfgen."""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pdfgrid  # tests/ is on sys.path (pytest prepends the test folder)
import pytest
from conftest import copy_shipped

from perfgen.build import BuildOptions, build
from perfgen.errors import UserError
from perfgen.render import pdf as pdfmod

ROOT = Path(__file__).resolve().parent.parent
_lo = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                         reason="LibreOffice/poppler not installed")


def needs_lo(test: Callable[..., None]) -> Callable[..., None]:
    """Runs LibreOffice: slow, and an acceptance test (.ci/run fails if it is skipped)."""
    return pytest.mark.slow(pytest.mark.acceptance(_lo(test)))


@pytest.fixture(scope="module")
def pdf_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = copy_shipped(tmp_path_factory.mktemp("pdf"))  # a copy: the build writes its cache there
    out = ws / "build"
    build(ws, BuildOptions(out=out, pdf=True))
    return out


def _without_overflow_punct(docx: bytes) -> bytes:
    """The document as it was before the fix: LibreOffice hangs line-end punctuation."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/styles.xml":
                data = re.sub(rb"<w:overflowPunct[^>]*/>", b"", data)
            dst.writestr(info, data)
    return out.getvalue()


# -- every character reaches the PDF -------------------------------------------------------------

@pytest.mark.slow
@needs_lo
def test_no_shipped_pdf_loses_a_character(pdf_build: Path) -> None:
    pairs = sorted(pdf_build.glob("*/*.docx"))
    assert len(pairs) >= 11  # six department documents (two national-form examples), five volumes, and the 自评表/监控表
    for docx in pairs:
        assert pdfmod.lost_text(docx.read_bytes(), docx.with_suffix(".pdf")) is None, docx


@pytest.mark.slow
@needs_lo
def test_a_pdf_that_lost_punctuation_is_refused_with_a_located_message(pdf_build: Path, tmp_path: Path) -> None:
    docx = tmp_path / "shanhaiguan-zfw.docx"
    docx.write_bytes(_without_overflow_punct((pdf_build / "2021/shanhaiguan-zfw.docx").read_bytes()))
    pdf = pdfmod.convert_to_pdf([docx], tmp_path / "out")[docx]
    lost = pdfmod.lost_text(docx.read_bytes(), pdf)
    assert lost is not None and set(lost.missing) <= set("，、；。：")
    with pytest.raises(UserError) as err:
        pdfmod.check_text(docx.read_bytes(), pdf, docx.name)
    message = str(err.value)
    assert "shanhaiguan-zfw.docx" in message and "“，”" in message and "第 " in message and "段" in message
    assert "未写出" in message and err.value.hint and "标点" in err.value.hint


@pytest.mark.slow
@needs_lo
def test_build_writes_no_pdf_for_a_template_that_lets_libreoffice_drop_characters(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    for name in ("departments", "templates", "profiles", "rules", "schemas"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, ws / name)
    for f in ROOT.glob("perfgen.yaml"):
        shutil.copy(f, ws / f.name)
    template = ws / "templates/hebei/template.docx"
    template.write_bytes(_without_overflow_punct(template.read_bytes()))
    out = tmp_path / "out"
    with pytest.raises(UserError) as err:
        build(ws, BuildOptions(out=out, pdf=True, years=[2021], volume=False))
    assert "PDF" in str(err.value) and "“，”" in str(err.value)
    assert not list(out.glob("**/*.pdf"))


def test_the_text_check_counts_characters_not_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docx = io.BytesIO()
    body = ("<w:body><w:p><w:r><w:t>甲，乙</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>丙、丁</w:t></w:r>"
            "</w:p></w:tc></w:tr></w:tbl></w:body>")
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                        f'wordprocessingml/2006/main">{body}</w:document>')
    monkeypatch.setattr(pdfmod, "pdf_text", lambda pdf: "丙、丁\n甲，\n乙\f")
    assert pdfmod.lost_text(docx.getvalue(), tmp_path / "x.pdf") is None
    monkeypatch.setattr(pdfmod, "pdf_text", lambda pdf: "丙、丁\n甲\n乙\f")
    lost = pdfmod.lost_text(docx.getvalue(), tmp_path / "x.pdf")
    assert lost is not None and dict(lost.missing) == {"，": 1} and lost.paragraph == 1
    assert "“，”" in lost.describe() and "第 1 段“甲，乙”" in lost.describe()


# -- the body grid -------------------------------------------------------------------------------

_NO_LINE_START = set("，。、；：？！）》」』”’…")


@pytest.mark.slow
@needs_lo
@pytest.mark.parametrize("doc", ["2021/shanhaiguan-zfw", "2022/chengde-gxq-zfw", "2025/yutian-zfw"])
def test_body_pages_have_22_lines_of_28_characters(pdf_build: Path, doc: str) -> None:
    pdf = pdf_build / f"{doc}.pdf"
    grid = pdfgrid.measure(pdf)
    assert len(grid.body_pages) >= 4, grid
    assert not grid.off_pitch, grid.off_pitch
    # the grid starts at the top of the text block (LibreOffice centred a grid that did not fit)
    assert all(abs(off - 6.6) < 1.5 for off in grid.first_line_offset.values()), grid.first_line_offset
    assert max(grid.slots_used.values()) == 22 and all(n <= 22 for n in grid.slots_used.values())
    # full lines hold 28 characters; 27 only where the 28th would be followed by punctuation that
    # may not begin a line (the pair moves down together)
    pages = pdfgrid.read_pages(pdf)
    lines = [ln for p in pages if p.number in grid.body_pages for ln in p.lines]
    counts = []
    for ln, nxt in zip(lines, lines[1:] + [None]):
        if pdfgrid._full_width(ln.text) and ln.right >= pdfgrid.LEFT + pdfgrid.WIDTH - 2:
            n = len(ln.text) + round((ln.left - pdfgrid.LEFT) / (pdfgrid.WIDTH / 28))
            counts.append(n)
            assert n == 28 or (n == 27 and (nxt is None or nxt.text[1:2] in _NO_LINE_START)), (ln.text, nxt)
    assert counts.count(28) >= 20


# -- LibreOffice dies with perfgen ---------------------------------------------------------------

def _soffice_writing_to(outdir: Path) -> list[int]:
    """soffice processes converting into `outdir`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if "soffice" in cmd and str(outdir) in cmd:
            found.append(int(proc.name))
    return found


@pytest.mark.slow
@needs_lo
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")
def test_killing_perfgen_kills_libreoffice(pdf_build: Path, tmp_path: Path) -> None:
    docs = []
    for i in range(6):  # enough work that LibreOffice is still busy when perfgen is killed
        d = tmp_path / f"d{i}.docx"
        shutil.copy(pdf_build / "2022/chengde-gxq-zfw.docx", d)
        docs.append(str(d))
    script = ("import sys; from pathlib import Path; from perfgen.render.pdf import convert_to_pdf; "
              "convert_to_pdf([Path(a) for a in sys.argv[2:]], Path(sys.argv[1]))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = tmp_path / "out"
    child = subprocess.Popen([sys.executable, "-c", script, str(out), *docs], env=env)
    deadline = time.monotonic() + 60
    while not _soffice_writing_to(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _soffice_writing_to(out), "LibreOffice did not start"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    deadline = time.monotonic() + 10
    while _soffice_writing_to(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _soffice_writing_to(out)
    for pid in left:  # do not leave them running if the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left, "soffice outlived the perfgen process that started it"


def test_profiles_of_dead_runs_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"perfgen-lo-{dead.pid}-abc"
    live = tmp_path / f"perfgen-lo-{os.getpid()}-def"
    old = tmp_path / "perfgen-lo-k2j3h4"   # an older perfgen's name, without a pid
    for d in (stale, live, old):
        (d / "user").mkdir(parents=True)
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    removed = pdfmod.remove_stale_profiles(tmp_path)
    assert sorted(removed) == sorted([stale, old])
    assert live.is_dir() and not stale.exists() and not old.exists()


# -- work on each PDF as soon as LibreOffice has written it ----------------------------------------

def test_a_pdf_counts_as_written_once_the_next_one_is_begun_or_libreoffice_ended(tmp_path: Path) -> None:
    files = [tmp_path / f"{n}.docx" for n in "abcd"]
    seen: list[str] = []
    finished = pdfmod._Finished(files, tmp_path, lambda docx, pdf: seen.append(docx.stem))
    finished.poll(running=True)
    (tmp_path / "a.pdf").write_bytes(b"%PDF-")
    finished.poll(running=True)
    assert seen == []   # a.pdf may still be being written
    (tmp_path / "b.pdf").write_bytes(b"%PDF-")
    finished.poll(running=True)
    assert seen == ["a"]
    (tmp_path / "d.pdf").write_bytes(b"%PDF-")   # c failed: LibreOffice went on with d
    finished.poll(running=True)
    assert seen == ["a", "b"]
    finished.poll(running=False)
    finished.poll(running=False)
    assert seen == ["a", "b", "d"]   # each once; c is reported missing by convert_to_pdf


@pytest.mark.slow
@needs_lo
def test_convert_to_pdf_hands_over_each_complete_pdf_and_converts_the_leads_first(pdf_build: Path,
                                                                                   tmp_path: Path) -> None:
    from pypdf import PdfReader
    files = []
    for name in ("2021/shanhaiguan-zfw", "2022/chengde-gxq-zfw", "2025/yutian-zfw"):
        files.append(tmp_path / (Path(name).name + ".docx"))
        shutil.copy(pdf_build / f"{name}.docx", files[-1])
    seen: list[tuple[str, int]] = []
    made = pdfmod.convert_to_pdf(files, tmp_path / "out", jobs=1, lead=[files[2]],
                                 done=lambda docx, pdf: seen.append((docx.name, len(PdfReader(pdf).pages))))
    assert [n for n, _ in seen] == [files[2].name, files[0].name, files[1].name]   # the lead first, then by size
    assert all(n == len(PdfReader(made[tmp_path / name]).pages) and n > 0 for name, n in seen)


@pytest.mark.slow
@needs_lo
def test_results_share_the_departments_libreoffice_run_and_departments_are_numbered_meanwhile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from perfgen.render import assemble
    ws = copy_shipped(tmp_path)
    calls: list[list[str]] = []
    running: list[bool] = [False]
    stamped_while_converting: list[bool] = []
    real_convert, real_stamp = pdfmod.convert_to_pdf, assemble.stamp_document

    def convert(files, outdir, timeout=900, jobs=1, **kw):
        calls.append([f.name for f in files])
        running[0] = True
        try:
            return real_convert(files, outdir, timeout, jobs, **kw)
        finally:
            running[0] = False

    def stamp(*args, **kw):
        stamped_while_converting.append(running[0])
        return real_stamp(*args, **kw)
    import pypdf
    opened: list[str] = []
    real_reader = pypdf.PdfReader

    def reader(stream, *args, **kw):
        opened.append(str(stream))
        return real_reader(stream, *args, **kw)
    monkeypatch.setattr(pdfmod, "convert_to_pdf", convert)
    monkeypatch.setattr(assemble, "stamp_document", stamp)
    monkeypatch.setattr(pypdf, "PdfReader", reader)
    report = build(ws, BuildOptions(out=ws / "build", pdf=True, years=[2025], jobs=1))
    pages = [p for p in opened if "pdf-pages" in p and not Path(p).name.startswith(("sheet-", "doc-"))]
    assert len(pages) == 1, opened   # the department's pages parsed once, for its PDF and the volume
    results = [p.name for p in report.documents if "自评表" in p.name or "监控表" in p.name]
    assert results and "yutian-zfw.docx" in calls[0] and set(results) <= set(calls[0]), calls
    assert not any(set(results) & set(c) for c in calls[1:]), calls   # no LibreOffice run of their own
    assert stamped_while_converting == [True]   # the one department, numbered while LibreOffice ran
    for name in results:
        pdf = ws / "build/2025" / name.replace(".docx", ".pdf")
        assert pdf in report.pdfs and pdfmod.lost_text((ws / "build/2025" / name).read_bytes(), pdf) is None
    own = [_footer_number(p) for p in pdfmod.page_texts(ws / "build/2025/yutian-zfw.pdf")]
    assert own == list(range(1, len(own) + 1)), own


# -- fonts ---------------------------------------------------------------------------------------

@pytest.mark.slow
@needs_lo
def test_each_font_role_gets_its_own_face_in_the_pdf(pdf_build: Path) -> None:
    out = subprocess.run(["pdffonts", str(pdf_build / "2021/shanhaiguan-zfw.pdf")], capture_output=True,
                         text=True, check=True).stdout
    faces = {line.split()[0].split("+", 1)[-1] for line in out.splitlines()[2:] if line.strip()}
    assert any("Kai" in f for f in faces), faces                           # 楷体 headings
    assert any("Serif" in f and "Bold" in f for f in faces), faces         # 小标宋 titles
    assert any("Serif" in f and "Regular" in f for f in faces), faces      # 仿宋 body
    assert any("Sans" in f for f in faces), faces                          # 黑体 headings


def test_the_summary_names_the_substitutes_and_the_bold_rule_only_when_missing(monkeypatch) -> None:
    from perfgen.build import BuildReport
    from perfgen.render import fonts
    monkeypatch.setattr(fonts, "installed", lambda family: False)
    assert "<const>bold</const>" in fonts.config_text()
    monkeypatch.setattr(fonts, "installed", lambda family: family == fonts.XIAOBIAOSONG)
    assert "<const>bold</const>" not in fonts.config_text()
    report = BuildReport(pdfs=[Path("a.pdf")], font_substitutes={"楷体_GB2312": "AR PL UKai CN Book"})
    assert "楷体_GB2312→AR PL UKai CN Book" in report.summary()


# -- hebei project forms stay together -----------------------------------------------------------

@pytest.mark.slow
@needs_lo
@pytest.mark.parametrize("doc", ["2021/shanhaiguan-zfw", "2025/yutian-zfw", "2021/volume"])
def test_no_hebei_form_is_torn_from_its_indicator_table(pdf_build: Path, doc: str) -> None:
    pages = [re.sub(r"\s+", "", p) for p in pdfmod.page_texts(pdf_build / f"{doc}.pdf")]
    forms = 0
    for n, text in enumerate(pages, 1):
        if "项目编码" not in text:
            continue
        forms += text.count("项目编码")
        last_form = text[text.rindex("项目编码"):]
        # the form's rows, the indicator header and a first indicator row are on the form's page
        assert "资金支出计划" in last_form and "绩效目标" in last_form, (doc, n)
        assert re.search(r"一级指标.*二级指标.*(产出|效益|满意度)", last_form), (doc, n)
        # and the title (N.……绩效目标表) is not left alone on the page before
        assert not (n > 1 and pages[n - 2].endswith("绩效目标表")), (doc, n)
    for text in pages:   # no page starts inside a form
        assert not re.match(r"(—\d+—)?（%）", text)
    assert forms >= 5


# -- the volume: metadata and bookmarks ----------------------------------------------------------

def _outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(level, title, 0-based page) of each bookmark."""
    from pypdf import PdfReader
    reader = PdfReader(pdf)
    out: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title, reader.get_destination_page_number(item)))
    walk(reader.outline, 1)
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
@needs_lo
def test_volume_pdf_has_title_author_and_a_bookmark_per_department_and_part(pdf_build: Path) -> None:
    from perfgen.load import load_workspace
    ws = load_workspace(pdf_build.parent).workspace
    for year in (2022, 2026):
        volume = pdf_build / f"{year}/volume.pdf"
        info = subprocess.run(["pdfinfo", str(volume)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Author:\s+" + re.escape(ws.settings.issuer) + "$", info, re.M), info
        assert re.search(rf"^Title:\s+.*{year}.*汇编", info, re.M), info
        pages = [_squash(p) for p in pdfmod.page_texts(volume)]
        outline = _outline(volume)
        depts = sorted((d for d in ws.departments.values() if year in d.years), key=lambda d: d.id)
        assert [t for level, t, _ in outline if level == 1] == [d.name for d in depts], outline
        for level, title, page in outline:   # each bookmark points at the page that starts with its heading
            if level == 1:
                assert pages[page].startswith(_squash(title)), (title, pages[page][:40])
            else:
                assert pages[page].startswith(_squash(title.split(" ")[0])), (title, pages[page][:40])
    parts = [t for level, t, _ in _outline(pdf_build / "2022/volume.pdf") if level == 2]
    assert parts == ["第一部分 部门整体绩效目标", "第二部分 专项资金绩效目标", "第三部分 预算项目绩效目标"], parts


@pytest.mark.slow
@needs_lo
def test_department_pdfs_carry_title_and_author(pdf_build: Path) -> None:
    from pypdf import PdfReader
    meta = PdfReader(pdf_build / "2021/shanhaiguan-zfw.pdf").metadata
    core = zipfile.ZipFile(pdf_build / "2021/shanhaiguan-zfw.docx").read("docProps/core.xml").decode()
    assert meta is not None and meta.title and f"<dc:title>{meta.title}</dc:title>" in core
    assert meta.author and f"<dc:creator>{meta.author}</dc:creator>" in core


@pytest.mark.slow
@needs_lo
def test_page_numbers_run_on_through_the_volume_and_each_department_starts_at_1(pdf_build: Path) -> None:
    volume = pdf_build / "2026/volume.pdf"     # two departments
    numbers = [_footer_number(p) for p in pdfmod.page_texts(volume)]
    first = numbers.index(1)
    assert all(n is None for n in numbers[:first])          # cover and contents: no page number
    numbered = [(i, n) for i, n in enumerate(numbers) if n is not None]
    # every numbered page shows its place in the volume; the only pages without are blank pages
    assert all(n == i - first + 1 for i, n in numbered), numbered
    texts = pdfmod.page_texts(volume)
    assert all(not texts[i].strip() for i, n in enumerate(numbers[first:], first) if n is None)
    for dept in ("shili-xiangmu", "shili-zhengti"):
        own = [_footer_number(p) for p in pdfmod.page_texts(pdf_build / f"2026/{dept}.pdf")]
        assert own == list(range(1, len(own) + 1)), (dept, own)


def _footer_number(text: str) -> int | None:
    m = re.findall(r"—\s*(\d+)\s*—", text)
    return int(m[-1]) if m else None


# -- PDFs are cached like the .docx outputs ------------------------------------------------------

@pytest.mark.slow
@needs_lo
def test_only_changed_documents_are_converted_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = copy_shipped(tmp_path)
    options = BuildOptions(out=ws / "build", pdf=True, years=[2021, 2025])
    build(ws, options)
    converted = _count_conversions(monkeypatch)
    project = ws / "departments/shanhaiguan-zfw/2021/projects/cheliang-baoxianfei.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace(
        "绩效目标: 为政法业务顺利开展提供车辆保证", "绩效目标: 为政法业务顺利开展及时提供车辆保证"), encoding="utf-8")
    report = build(ws, options)
    # the changed department once (its pages, numbered twice: its PDF, the volume), and the volume's
    # front matter only if its TOC numbers moved; never volume.docx, never another department
    assert converted[0] == "shanhaiguan-zfw.docx" and set(converted[1:]) <= {"volume-front.docx"}, converted
    assert len(report.pdfs) >= 4 and all(p.is_file() for p in report.pdfs)   # + 自评表/监控表 PDFs
    assert "及时提供车辆保证" in "".join(pdfmod.page_texts(ws / "build/2021/shanhaiguan-zfw.pdf")).replace("\n", "")
    converted.clear()
    assert build(ws, options).unchanged and converted == []


# -- the volume for double-sided printing --------------------------------------------------------

def _county(dest: Path, departments: int, projects: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from make_workspace import write_workspace
    finally:
        sys.path.pop(0)
    write_workspace(dest, departments, projects, 7, 2025)
    return dest


@pytest.mark.slow
@needs_lo
def test_duplex_volume_starts_every_department_on_an_odd_page_and_the_toc_says_so(tmp_path: Path) -> None:
    from perfgen.load import load_workspace
    ws = _county(tmp_path / "county", 3, 3)   # departments of 10 pages: a blank page before each next one
    assert load_workspace(ws).workspace.settings.duplex   # 双面打印 defaults to true for the volume
    build(ws, BuildOptions(out=ws / "build", pdf=True))
    names = [d.name for d in sorted(load_workspace(ws).workspace.departments.values(), key=lambda d: d.id)]
    pages = [re.sub(r"\s+", "", p) for p in pdfmod.page_texts(ws / "build/2025/volume.pdf")]
    numbers = []
    for p in pages:
        m = re.search(r"—(\d+)—$", p)
        numbers.append(int(m.group(1)) if m else None)
    dividers, physical = {}, {}
    for i, p in enumerate(pages):
        for name in names:
            if re.fullmatch(re.escape(name) + r"—\d+—", p):
                dividers[name], physical[name] = numbers[i], i
    assert set(dividers) == set(names), dividers
    assert all(n % 2 == 1 for n in dividers.values()), dividers
    # the blank left-hand pages are in the PDF, so the sheets fall right when printed
    first = physical[names[0]]
    assert all(physical[n] - first == dividers[n] - 1 for n in names), (physical, dividers)
    assert len(set(dividers.values())) == 3 and max(dividers.values()) > 2 * len(names)
    toc = "".join(pages[:4])
    for name, n in dividers.items():
        assert re.search(re.escape(name) + r"\.*" + str(n) + r"(?!\d)", toc), (name, n)
    # without 双面打印 the departments follow each other directly
    (ws / "perfgen.yaml").write_text((ws / "perfgen.yaml").read_text(encoding="utf-8") + "\n双面打印: false\n"
                                     if (ws / "perfgen.yaml").exists() else "双面打印: false\n", encoding="utf-8")
    assert not load_workspace(ws).workspace.settings.duplex


# -- TOC page numbers without --pdf --------------------------------------------------------------

def _toc_numbers(docx: Path) -> list[tuple[str, str]]:
    """(entry, page number) of each TOC entry of a volume .docx."""
    document = zipfile.ZipFile(docx).read("word/document.xml").decode()
    out = []
    for p in re.findall(r"<w:p>(?:(?!</w:p>).)*?w:anchor=\"_Toc_perfgen_[^\"]*\".*?</w:p>", document, re.S):
        texts = re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)
        out.append((texts[0], texts[-1] if len(texts) > 1 else ""))
    return out


@pytest.mark.slow
@needs_lo
def test_volume_docx_has_toc_page_numbers_without_pdf_and_a_later_pdf_converts_no_department_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = copy_shipped(tmp_path)
    report = build(ws, BuildOptions(out=ws / "build", years=[2022], toc_pages=True))
    assert not report.pdfs and "汇编目录未填页码" not in report.summary()
    entries = _toc_numbers(ws / "build/2022/volume.docx")
    assert entries and all(n.isdigit() for _, n in entries), entries
    assert entries[0][1] == "1"
    # without the page numbers (--no-toc-pages) the same entries are blank: the numbers came from the layout
    build(ws, BuildOptions(out=ws / "plain", years=[2022], toc_pages=False))
    assert [n for _, n in _toc_numbers(ws / "plain/2022/volume.docx")] == [""] * len(entries)
    converted = _count_conversions(monkeypatch)
    build(ws, BuildOptions(out=ws / "build", years=[2022], pdf=True))
    # the departments' pages came from the cache; converted now: the front matter and, once per
    # template, the number sheet
    assert sorted(c for c in converted if not c.startswith("sheet-")) == ["volume-dividers.docx",
                                                                         "volume-front.docx"], converted
    pages = [re.sub(r"\s+", "", p) for p in pdfmod.page_texts(ws / "build/2022/volume.pdf")]
    front = next(i for i, p in enumerate(pages) if re.search(r"—1—$", p))
    for entry, n in entries:   # each TOC number is the page its heading is on
        assert re.sub(r"\s+", "", entry.split(" ")[0]) in pages[front + int(n) - 1], (entry, n)


def _count_conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the names of the documents LibreOffice is asked to convert, in order."""
    converted: list[str] = []
    real = pdfmod.convert_to_pdf

    def spy(files, outdir, timeout=900, jobs=1, **kw):
        converted.extend(f.name for f in files)
        return real(files, outdir, timeout, jobs, **kw)

    monkeypatch.setattr(pdfmod, "convert_to_pdf", spy)
    return converted
