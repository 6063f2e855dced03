"""The fidelity score of the acceptance tests: a rendered .docx against a reference document's text.

A copy of the project's reference scorer (tools/fidelity.py beside the seeds) kept in the repository,
with the four reference texts in tests/fixtures/seeds/, so that a fresh clone runs every fidelity test
instead of skipping it. The rules (what a line is, what is normalised away) are the scorer's own;
score() is what the tests call.

Both sides are reduced to a sequence of "lines" (one per paragraph, one per paragraph inside a table
cell; a horizontally merged cell counts once, a vertically merged continuation cell not at all), white
space removed, empty lines dropped; the score is difflib's ratio over the two sequences.
"""
from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WS = re.compile(r"\s+")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_TC_FIELD = re.compile(r"TC\s.*\\f\s*[A-Z]\s*\\l\s*\d+")
_PAGE_ARTIFACT = re.compile(r"^[()（）\d]*$")


def normalize(line: str) -> str:
    line = _BOOKMARK.sub("", line)
    line = _TC_FIELD.sub("", line)
    line = _WS.sub("", line.replace("\u3000", " "))
    if _PAGE_ARTIFACT.match(line):
        return ""
    return line


def reference_lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        pieces = [piece for line in fh for piece in line.split("\t")]
    return [n for n in (normalize(p) for p in pieces) if n]


def _para_text(p: ET.Element) -> str:
    parts = []
    for node in p.iter():
        if node.tag == W + "t" and node.text:
            parts.append(node.text)
        elif node.tag == W + "tab":
            parts.append(" ")
        elif node.tag in (W + "br", W + "cr"):
            parts.append("\n")
    return "".join(parts)


def _block_lines(container: ET.Element, out: list[str]) -> None:
    for child in container:
        if child.tag == W + "p":
            for piece in _para_text(child).split("\n"):
                out.append(piece)
        elif child.tag == W + "tbl":
            for tr in child.iter(W + "tr"):
                for tc in tr.findall(W + "tc"):
                    vm = tc.find(f"{W}tcPr/{W}vMerge")
                    if vm is not None and vm.get(W + "val") in (None, "continue"):
                        continue
                    _block_lines(tc, out)
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            _block_lines(child, out)


def docx_lines(path: str) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("word/document.xml"))
    body = root.find(W + "body")
    raw: list[str] = []
    _block_lines(body, raw)
    return [n for n in (normalize(line) for line in raw) if n]


_GLUED_PAGE = re.compile(r"\d{1,3}$")


def strip_glued_page_numbers(ref: list[str], out: list[str]) -> list[str]:
    """Page numbers from text-box footers sometimes end up glued to the last line of a page."""
    have = set(out)
    return [r if r in have or _GLUED_PAGE.sub("", r) not in have else _GLUED_PAGE.sub("", r) for r in ref]


SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def seed_path(seed: str) -> Path:
    """The reference text of seed "000", "002", … (tests/fixtures/seeds/)."""
    (path,) = SEEDS.glob(f"{seed}_*.txt")
    return path


def score(seed: str, docx: Path, strip_page_numbers: bool = False) -> float:
    """How closely `docx` reproduces the reference document `seed` (1.0 = the same lines in order)."""
    ref, out = reference_lines(str(seed_path(seed))), docx_lines(str(docx))
    if strip_page_numbers:
        ref = strip_glued_page_numbers(ref, out)
    return difflib.SequenceMatcher(None, ref, out, autojunk=False).ratio()
