"""Test helper: measure the GB/T 9704 body grid (lines per page, characters per line) of a PDF.

pdftotext -bbox-layout gives each text line with its box. Body lines are the lines set in the
body size (3号, 16 pt); a body page holds nothing else above the footer. The grid is measured on
those pages: where each line sits (line pitch, first line at the top of the text block) and how
many characters a full line holds (lines wholly of full-width characters that reach the right
edge of the text block, the two-character first-line indent counted).
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

PT_PER_MM = 72 / 25.4
TOP = 37 * PT_PER_MM          # top margin
LEFT = 28 * PT_PER_MM         # binding-side margin
WIDTH = 156 * PT_PER_MM       # text block
HEIGHT = 225 * PT_PER_MM
_X = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Line:
    top: float
    bottom: float
    left: float
    right: float
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class Page:
    number: int
    lines: list[Line] = field(default_factory=list)   # above the footer, top to bottom


def read_pages(pdf: Path) -> list[Page]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", xml))
    pages = []
    for n, page in enumerate(root.iter(_X + "page"), 1):
        p = Page(n)
        for line in page.iter(_X + "line"):
            words = line.findall(_X + "word")
            top = float(line.get("yMin"))
            if top > TOP + HEIGHT:          # the page number
                continue
            p.lines.append(Line(top, float(line.get("yMax")), float(line.get("xMin")), float(line.get("xMax")),
                                "".join(w.text or "" for w in words)))
        p.lines.sort(key=lambda ln: ln.top)
        pages.append(p)
    return pages


def _full_width(text: str) -> bool:
    return bool(text) and all(ord(c) >= 0x2E80 and not 0xFF61 <= ord(c) <= 0xFFDC for c in text)


@dataclass
class Grid:
    body_pages: list[int]
    lines_per_page: dict[int, int]        # body page -> lines on it
    slots_used: dict[int, int]            # body page -> grid slots from the first line to the last
    first_line_offset: dict[int, float]   # body page -> first line's top below the text block's top
    off_pitch: list[tuple[int, str]]      # lines not on the page's line grid
    chars_per_full_line: dict[int, int]   # characters -> how many full lines had that many


def measure(pdf: Path, body_height: tuple[float, float] = (18.0, 23.0), pitch: float = 579 / 20) -> Grid:
    grid = Grid([], {}, {}, {}, [], {})
    for page in read_pages(pdf):
        if not page.lines or not all(body_height[0] <= ln.height <= body_height[1] for ln in page.lines):
            continue
        grid.body_pages.append(page.number)
        first = page.lines[0]
        grid.lines_per_page[page.number] = len(page.lines)
        grid.first_line_offset[page.number] = first.top - TOP
        slots = 1
        for ln in page.lines[1:]:
            k = (ln.top - first.top) / pitch
            if abs(k - round(k)) > 0.05:
                grid.off_pitch.append((page.number, ln.text))
            slots = max(slots, round(k) + 1)
        grid.slots_used[page.number] = slots
        for ln in page.lines:
            if _full_width(ln.text) and ln.right >= LEFT + WIDTH - 2:
                cell = WIDTH / 28
                indent = round((ln.left - LEFT) / cell)
                n = len(ln.text) + indent
                grid.chars_per_full_line[n] = grid.chars_per_full_line.get(n, 0) + 1
    return grid
