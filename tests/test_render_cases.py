"""Layout features specified by example: each tests/cases/render/<feature>/ folder is a workspace
overlay (layout settings + data) and expected.txt, the text of the document it must build.

Document text: one line per paragraph (a line break inside one starts a new line); a table row is its cells joined by " | " (a merged cell
once). Run with PERFGEN_UPDATE_SNAPSHOTS=1 to rewrite expected.txt after a deliberate change,
then read the diff."""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from conftest import CASES, make_workspace
from lxml import etree

from perfgen.build import BuildOptions, build
from perfgen.load import load_workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RENDER = sorted(p for p in (CASES / "render").iterdir() if p.is_dir())


def _para(p: etree._Element) -> str:
    return "".join(el.text or "" if el.tag == W + "t" else "\n" for el in p.iter(W + "t", W + "br", W + "cr"))


def document_text(docx: bytes) -> str:
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    body = etree.fromstring(xml).find(W + "body")
    lines: list[str] = []
    for el in body:
        if el.tag == W + "p":
            lines.extend(line for line in _para(el).split("\n") if line.strip())
        elif el.tag == W + "tbl":
            for tr in el.iter(W + "tr"):
                cells = ["\n".join("".join(t.text or "" for t in p.iter(W + "t")) for p in tc.iter(W + "p"))
                         for tc in tr.iter(W + "tc")]
                lines.append(" | ".join(c.replace("\n", " / ") for c in cells))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", RENDER, ids=[p.name for p in RENDER])
def test_render_case(case: Path, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", case)
    result = load_workspace(ws)
    assert [f.format() for f in result.findings if f.severity == "error"] == []
    out = tmp_path / "out"
    build(ws, BuildOptions(out=out))
    docs = sorted(out.glob("*/*.docx"))
    docs = [d for d in docs if d.name != "volume.docx"]
    assert len(docs) == 1, docs
    text = document_text(docs[0].read_bytes())
    expected = case / "expected.txt"
    if os.environ.get("PERFGEN_UPDATE_SNAPSHOTS") == "1":
        expected.write_text(text, encoding="utf-8")
    assert expected.exists(), f"{expected} is missing; run once with PERFGEN_UPDATE_SNAPSHOTS=1 and read it"
    assert text == expected.read_text(encoding="utf-8")


def test_nested_headings_keep_their_heading_styles(tmp_path: Path) -> None:
    """正文小标题: numbered lines of 总体绩效目标 and 分项 text are headings, not body paragraphs."""
    ws = make_workspace(tmp_path / "ws", CASES / "render" / "nested-headings")
    build(ws, BuildOptions(out=tmp_path / "out", volume=False))
    xml = zipfile.ZipFile(tmp_path / "out" / "2025" / "demo.docx").read("word/document.xml")
    styles = {}
    for p in etree.fromstring(xml).iter(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        styles[_para(p)] = style.get(W + "val") if style is not None else None
    assert styles["1、推动平安建设提质增效"] == "PGHeading3"
    assert styles["（1）防范工作"] == styles["①加强矛盾纠纷排查。"] == "PGHeading4"
    assert styles["依法严厉打击违法犯罪。"] == "PGBody"
    assert styles["绩效目标：1、基层平安创建"] == "PGBody"  # a labelled line is the label's paragraph
    assert styles["开展平安乡镇、平安村创建。"] == "PGBody"
