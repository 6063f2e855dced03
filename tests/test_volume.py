"""The annual volume (汇编): its table of contents survives an update in Word and LibreOffice, its
cover names the locality and issuer and carries no page number, each department starts with its
name as a heading, and the documents' properties name who issued them."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from perfgen.build import BuildOptions, build

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}


@pytest.fixture(scope="module")
def volumes(shipped_build: Path) -> dict[int, Path]:
    found = {int(p.parent.name): p for p in shipped_build.glob("*/volume.docx")}  # the shared build (conftest)
    assert len(found) == 5
    return found


# -- what Word puts in a TOC when it is updated (F9), read from the package ------------------------
# ECMA-376 Part 1, 17.16.5.68 (TOC): \o "a-b" lists paragraphs in the built-in heading styles a…b;
# \u lists paragraphs by their applied outline level (paragraph, else style and its basedOn chain);
# \t "style,level,…" lists paragraphs of the named styles; \f lists TC fields. An entry is the
# paragraph's text; newline characters are kept only with \x and tabs only with \w.

class Package:
    def __init__(self, docx: Path) -> None:
        z = zipfile.ZipFile(docx)
        self.document = etree.fromstring(z.read("word/document.xml"))
        self.styles = {s.get(W + "styleId"): s for s in etree.fromstring(z.read("word/styles.xml")).iter(W + "style")}
        self.names = {sid: s.find(W + "name").get(W + "val") for sid, s in self.styles.items()}

    def style_of(self, p: etree._Element) -> str | None:
        el = p.find("w:pPr/w:pStyle", NS)
        return el.get(W + "val") if el is not None else None

    def outline_level(self, p: etree._Element) -> int | None:
        """The applied outline level, 1-based (w:outlineLvl 0 is level 1; 9 is body text)."""
        el = p.find("w:pPr/w:outlineLvl", NS)
        sid = self.style_of(p)
        seen = set()
        while el is None and sid in self.styles and sid not in seen:
            seen.add(sid)
            el = self.styles[sid].find("w:pPr/w:outlineLvl", NS)
            based = self.styles[sid].find("w:basedOn", NS)
            sid = based.get(W + "val") if based is not None else None
        if el is None or int(el.get(W + "val")) > 8:
            return None
        return int(el.get(W + "val")) + 1

    def toc_field(self) -> tuple[str, list[etree._Element]]:
        """The TOC field's instruction and the paragraphs of its cached result."""
        paras = list(self.document.iter(W + "p"))
        for i, p in enumerate(paras):
            instr = "".join(t.text or "" for t in p.iter(W + "instrText"))
            if instr.strip().startswith("TOC"):
                result = []
                for q in paras[i:]:
                    result.append(q)
                    if q.find(".//w:fldChar[@w:fldCharType='end']", NS) is not None:
                        return instr, result
        raise AssertionError("no TOC field")

    @staticmethod
    def text(p: etree._Element, switches: dict[str, str | None]) -> str:
        parts = []
        for node in p.iter(W + "t", W + "br", W + "cr", W + "tab", W + "instrText"):
            if node.tag == W + "t":
                parts.append(node.text or "")
            elif node.tag in (W + "br", W + "cr"):
                parts.append("\n" if "x" in switches else " ")
            elif node.tag == W + "tab":
                parts.append("\t" if "w" in switches else " ")
        return "".join(parts)

    def word_entries(self, instruction: str, toc: list[etree._Element]) -> list[tuple[int, str]]:
        switches: dict[str, str | None] = {}
        for m in re.finditer(r'\\([a-z])(?:\s+"([^"]*)")?', instruction):
            switches[m.group(1)] = m.group(2)
        assert "f" not in switches and "b" not in switches, instruction   # (TC fields, bookmark ranges)
        styles: dict[str, int] = {}
        if switches.get("t"):
            items = [x.strip() for x in re.split(r"[,;]", switches["t"] or "")]
            styles = {items[k]: int(items[k + 1]) for k in range(0, len(items), 2)}
        lo, hi = 1, 9
        if switches.get("o"):
            lo, hi = (int(x) for x in (switches["o"] or "1-9").split("-"))
        inside = {id(p) for p in toc}
        entries = []
        for p in self.document.iter(W + "p"):
            if id(p) in inside:
                continue
            name = self.names.get(self.style_of(p) or "Normal", "")
            level = None
            if name in styles:
                level = styles[name]
            elif "o" in switches and re.fullmatch(r"heading [1-9]", name.lower()) and lo <= int(name[-1]) <= hi:
                level = int(name[-1])
            elif "u" in switches and (lvl := self.outline_level(p)) is not None and lo <= lvl <= hi:
                level = lvl
            if level is not None:
                entries.append((level, self.text(p, switches).strip()))
        return entries

    def shown(self, toc: list[etree._Element]) -> list[tuple[int, str]]:
        """The entries the built TOC shows: level from its toc N style, text before the page tab."""
        out = []
        for p in toc:
            style = self.style_of(p) or ""
            m = re.fullmatch(r"toc([1-9])", style.lower().replace(" ", ""))
            assert m, style
            link = p.find("w:hyperlink", NS)
            runs = "".join(t.text or "" for t in link.iter(W + "t")) if link is not None else ""
            first = link.find("w:r/w:t", NS) if link is not None else None
            out.append((int(m.group(1)), first.text if first is not None else runs))
        return out


def test_word_updates_the_toc_to_exactly_the_entries_it_shows(volumes: dict[int, Path]) -> None:
    for year, docx in sorted(volumes.items()):
        pkg = Package(docx)
        instruction, toc = pkg.toc_field()
        shown = pkg.shown(toc)
        assert shown and shown[0][0] == 1, (year, shown)
        assert pkg.word_entries(instruction, toc) == shown, (year, instruction)


def test_hebei_part_headings_keep_their_name_in_the_toc_entry(volumes: dict[int, Path]) -> None:
    """The failure this guards: 第一部分 and 部门整体绩效目标 in two paragraphs, only the first of
    which had an outline level, so an updated TOC read just "第一部分"."""
    pkg = Package(volumes[2022])
    instruction, toc = pkg.toc_field()
    parts = [text for level, text in pkg.word_entries(instruction, toc) if level == 2]
    assert parts == ["第一部分 部门整体绩效目标", "第二部分 专项资金绩效目标", "第三部分 预算项目绩效目标"]


def test_outline_levels_give_the_same_entries_as_the_toc(volumes: dict[int, Path]) -> None:
    """What Word's navigation pane and LibreOffice's PDF bookmarks list (outline levels 1–2) is what
    the TOC lists: no other paragraph of the volume carries outline level 1 or 2."""
    for year, docx in sorted(volumes.items()):
        pkg = Package(docx)
        instruction, toc = pkg.toc_field()
        assert pkg.word_entries(' TOC \\o "1-2" \\u ', toc) == pkg.shown(toc), year


# -- the cover, the dividers and the documents' properties -----------------------------------------

def _paragraph_texts(doc: etree._Element) -> list[tuple[str | None, str]]:
    out = []
    for p in doc.iter(W + "p"):
        style = p.find("w:pPr/w:pStyle", NS)
        out.append((style.get(W + "val") if style is not None else None, "".join(t.text or "" for t in p.iter(W + "t"))))
    return out


def _core(docx: Path) -> tuple[str, str]:
    core = etree.fromstring(zipfile.ZipFile(docx).read("docProps/core.xml"))
    dc = "{http://purl.org/dc/elements/1.1/}"
    return core.findtext(dc + "title") or "", core.findtext(dc + "creator") or ""


@pytest.fixture(scope="module")
def yutian(tmp_path_factory: pytest.TempPathFactory, shipped: Path) -> Path:
    """The shipped examples bound as 玉田县's volume (perfgen.yaml 地区 and 印发单位)."""
    import shutil
    ws = tmp_path_factory.mktemp("yutian")
    shutil.copytree(shipped / "departments", ws / "departments")
    (ws / "perfgen.yaml").write_text('标题: "{地区}{年度}年部门预算绩效目标汇编"\n地区: 玉田县\n印发单位: 玉田县财政局\n',
                                     encoding="utf-8")
    build(ws, BuildOptions(out=ws / "build", years=[2025, 2026]))
    return ws / "build"


def test_cover_names_the_locality_and_issuer_and_the_properties_the_issuer(yutian: Path) -> None:
    pkg = Package(yutian / "2025/volume.docx")
    texts = _paragraph_texts(pkg.document)
    cover = [t for style, t in texts[:texts.index(("PGContentsTitle", "目  录"))] if t]
    assert cover == ["玉田县2025年", "部门预算绩效目标汇编", "玉田县财政局", "二〇二五年"]   # 梯形: short over long
    assert [s for s, t in texts if t in cover] == ["PGCoverTitle"] * 2 + ["PGCoverLine"] * 2
    assert _core(yutian / "2025/volume.docx") == ("玉田县2025年部门预算绩效目标汇编", "玉田县财政局")


def test_each_department_document_names_the_department_as_its_author(yutian: Path) -> None:
    assert _core(yutian / "2025/yutian-zfw.docx") == ("中共玉田县委政法委员会2025年预算绩效目标", "中共玉田县委政法委员会")
    assert _core(yutian / "2025/yutian-zfw-自评表.docx")[1] == "中共玉田县委政法委员会"
    assert _core(yutian / "2026/shili-xiangmu.docx")[1] == "某市司法局（示例）"


def test_the_cover_is_balanced_title_in_the_upper_middle_issuer_in_the_lower_third(yutian: Path) -> None:
    """Vertical positions from the package: exact-height gaps and lines (all off the grid), measured
    from the top of the A4 page (text block 37 mm from the top, 225 mm tall)."""
    pkg = Package(yutian / "2025/volume.docx")
    sect = pkg.document.find(".//w:sectPr", NS)
    y = int(sect.find("w:pgMar", NS).get(W + "top")) / 56.7     # mm from the top of the page
    positions: dict[str, list[float]] = {}
    for p in pkg.document.iter(W + "p"):
        style = p.find("w:pPr/w:pStyle", NS)
        sid = style.get(W + "val") if style is not None else "Normal"
        if sid == "PGContentsTitle":
            break
        spacing = p.find("w:pPr/w:spacing", NS)
        if spacing is None or spacing.get(W + "lineRule") != "exact":
            spacing = pkg.styles[sid].find("w:pPr/w:spacing", NS)
        assert spacing is not None and spacing.get(W + "lineRule") == "exact", sid   # every line has a fixed height
        positions.setdefault(sid, []).append(y)
        y += int(spacing.get(W + "line")) / 56.7
    title, issuer = positions["PGCoverTitle"], positions["PGCoverLine"]
    assert 0.28 * 297 < title[0] < 0.40 * 297, title        # not in the top third's first half: upper middle
    assert 0.60 * 297 < issuer[0] and y < 297 - 35, (issuer, y)   # lower third, inside the text block


def _footer_has_page(z: zipfile.ZipFile, rels: dict[str, str], rid: str) -> bool:
    xml = z.read("word/" + rels[rid]).decode()
    return "PAGE" in xml


def test_the_cover_has_no_page_number(volumes: dict[int, Path]) -> None:
    for year, docx in volumes.items():
        z = zipfile.ZipFile(docx)
        rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(z.read("word/_rels/document.xml.rels"))}
        pkg = Package(docx)
        first = pkg.document.find(".//w:sectPr", NS)   # the cover's section: the first in the body
        before = list(pkg.document.iter(W + "p"))
        cover_end = next(i for i, p in enumerate(before) if p.find("w:pPr/w:sectPr", NS) is not None)
        assert any(t == "PGCoverTitle" for t, _ in _paragraph_texts(pkg.document)[:cover_end]), year
        refs = {r.get(W + "type"): r.get(R + "id") for r in first.findall("w:footerReference", NS)}
        if first.find("w:titlePg", NS) is not None:
            assert "first" not in refs or not _footer_has_page(z, rels, refs["first"]), year
        else:
            assert not any(_footer_has_page(z, rels, rid) for rid in refs.values()), year   # (none: no footer at all)


R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def test_each_department_starts_on_a_new_page_with_its_name_as_heading(volumes: dict[int, Path]) -> None:
    """The divider: a PG Dept paragraph (outline level 1) carrying the department's name, first on
    its page: by the style's page break, or, where that is switched off, by the section break
    before it (a section of type nextPage or oddPage, 17.6.22)."""
    for year, docx in volumes.items():
        pkg = Package(docx)
        paras = list(pkg.document.iter(W + "p"))
        names = [text for level, text in pkg.shown(pkg.toc_field()[1]) if level == 1]
        dividers = [i for i, p in enumerate(paras) if pkg.style_of(p) == "PGDept"]
        assert ["".join(t.text or "" for t in paras[i].iter(W + "t")) for i in dividers] == names, year
        assert all(pkg.outline_level(paras[i]) == 1 for i in dividers)
        page_break = pkg.styles["PGDept"].find("w:pPr/w:pageBreakBefore", NS)
        assert page_break is not None and page_break.get(W + "val") in (None, "1", "true")
        for i in dividers:
            own = paras[i].find("w:pPr/w:pageBreakBefore", NS)
            if own is not None and own.get(W + "val") in ("0", "false"):
                assert paras[i - 1].find("w:pPr/w:sectPr", NS) is not None, (year, i)   # a section ends just before
                later = [p.find("w:pPr/w:sectPr", NS) for p in paras[i:]]
                sect = next((x for x in later if x is not None), pkg.document.find("w:body/w:sectPr", NS))
                kind = sect.find("w:type", NS)
                assert kind is None or kind.get(W + "val") in ("nextPage", "oddPage", "evenPage"), (year, i)


# -- the wording is data: templates/volume/layout.yaml ----------------------------------------------

@pytest.mark.parametrize("title, breaks, lines", [
    ("玉田县2025年部门预算绩效目标汇编", ["年"], ["玉田县2025年", "部门预算绩效目标汇编"]),
    ("2025年部门预算绩效目标汇编", [], ["2025年部门预算绩效目标汇编"]),
    ("玉田县2025年部门预算绩效目标汇编", ["县", "年"], ["玉田县", "2025年", "部门预算绩效目标汇编"]),
    ("部门预算绩效目标汇编", ["年"], ["部门预算绩效目标汇编"]),          # no such word: one line
    ("2025年", ["年"], ["2025年"]),                                      # never an empty line
])
def test_cover_title_lines(title: str, breaks: list[str], lines: list[str]) -> None:
    from perfgen.render.volume import title_lines
    assert title_lines(title, breaks) == lines


def test_a_region_changes_the_cover_and_dividers_in_the_volume_layout(shipped: Path, tmp_path: Path) -> None:
    import shutil
    ws = tmp_path / "ws"
    shutil.copytree(shipped / "departments", ws / "departments")
    (ws / "perfgen.yaml").write_text("地区: 玉田县\n印发单位: 玉田县财政局\n", encoding="utf-8")
    folder = ws / "templates/volume"
    folder.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parent.parent / "templates/volume/template.docx", folder)
    (folder / "layout.yaml").write_text('封面标题分行: []\n封面落款: ["{印发单位}", "{年度}年3月"]\n目录标题: 目录\n'
                                        '部门标题: "{部门}{年度}年预算绩效目标"\n', encoding="utf-8")
    build(ws, BuildOptions(out=ws / "build", years=[2025]))
    pkg = Package(ws / "build/2025/volume.docx")
    texts = [t for _, t in _paragraph_texts(pkg.document) if t]
    assert texts[:4] == ["玉田县2025年部门预算绩效目标汇编", "玉田县财政局", "2025年3月", "目录"]
    assert pkg.shown(pkg.toc_field()[1])[0] == (1, "中共玉田县委政法委员会2025年预算绩效目标")
    assert "中共玉田县委政法委员会2025年预算绩效目标" in texts[5:]   # the divider says the same


def test_a_wrong_volume_layout_is_a_located_finding(shipped: Path, tmp_path: Path) -> None:
    import shutil

    from perfgen.load import load_workspace
    ws = tmp_path / "ws"
    shutil.copytree(shipped / "departments", ws / "departments")
    folder = ws / "templates/volume"
    folder.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parent.parent / "templates/volume/template.docx", folder)
    (folder / "layout.yaml").write_text('封面落款: ["{单位}"]\n目录标题: 3\n', encoding="utf-8")
    findings = [f for f in load_workspace(ws).findings if f.file == "templates/volume/layout.yaml"]
    assert {(f.line, f.code) for f in findings} >= {(1, "layout.field")}, findings
    assert any(f.line == 2 for f in findings), findings
    assert all(any("\u4e00" <= c <= "\u9fff" for c in f.message) for f in findings)


def test_perfgen_yaml_locality_is_checked_by_its_schema(shipped: Path, tmp_path: Path) -> None:
    import shutil

    from perfgen.load import load_workspace
    ws = tmp_path / "ws"
    shutil.copytree(shipped / "departments", ws / "departments")
    (ws / "perfgen.yaml").write_text("地区: [玉田县]\n", encoding="utf-8")
    [wrong] = [f for f in load_workspace(ws).findings if f.file == "perfgen.yaml"]
    assert (wrong.line, wrong.code, wrong.breadcrumb) == (1, "schema.type", "工作区设置 › 地区")
    (ws / "perfgen.yaml").write_text("地区: 玉田县\n标题: \"{县}{年度}年汇编\"\n", encoding="utf-8")
    [wrong] = [f for f in load_workspace(ws).findings if f.file == "perfgen.yaml"]
    assert (wrong.line, wrong.code) == (2, "workspace.format") and "地区" in (wrong.hint or ""), wrong


def test_front_matter_is_cover_contents_and_one_divider_page_per_department(shipped: Path) -> None:
    """What an assembled volume PDF takes from LibreOffice besides the departments' own pages."""
    import io

    from perfgen.build import _part_headings
    from perfgen.load import load_workspace
    from perfgen.render.document import render_department
    from perfgen.render.volume import Chapter, front_matter
    ws = load_workspace(shipped).workspace
    dys = [d.years[2026] for d in sorted(ws.departments.values(), key=lambda d: d.id) if 2026 in d.years]
    chapters = [Chapter(dy.department.name, render_department(shipped, dy), _part_headings(dy)) for dy in dys]
    docx = front_matter(shipped, 2026, "示例县2026年部门预算绩效目标汇编", ws.settings, chapters)
    doc = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    texts = [(s, t) for s, t in _paragraph_texts(doc) if t]
    dividers = [t for s, t in texts if s == "PGDept"]
    assert dividers == [dy.department.name for dy in dys]
    assert texts[-len(dividers):] == [("PGDept", t) for t in dividers]     # nothing of the departments' bodies
    assert doc.find(".//w:footerReference", NS) is None                     # numbers are stamped on later


def test_one_line_part_headings_survive_an_update_too(tmp_path: Path) -> None:
    """部分名称同行: the number and name already share one line (and one paragraph)."""
    from conftest import CASES, make_workspace
    ws = make_workspace(tmp_path / "ws", CASES / "render/one-line-parts")
    build(ws, BuildOptions(out=ws / "build"))
    [docx] = (ws / "build").glob("*/volume.docx")
    pkg = Package(docx)
    instruction, toc = pkg.toc_field()
    shown = pkg.shown(toc)
    assert (2, "第一部分  部门整体绩效目标") in shown, shown
    assert pkg.word_entries(instruction, toc) == shown
