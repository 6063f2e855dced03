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
def volumes(tmp_path_factory: pytest.TempPathFactory, shipped: Path) -> dict[int, Path]:
    out = tmp_path_factory.mktemp("volumes")
    build(shipped, BuildOptions(out=out))
    found = {int(p.parent.name): p for p in out.glob("*/volume.docx")}
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
