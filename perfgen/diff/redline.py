"""Two rendered documents compared as one Word document with real tracked changes.

Reviewers want to open the comparison in Word or WPS and accept, reject and comment; that needs
revision marks (w:ins / w:del) in the document itself, not colours. Comparing any two Word files
is hard in general (python-redlines wraps a .NET engine for it), but ours are rendered by perfgen
from the same template, so a direct comparison is enough and runs anywhere:

- the body's paragraphs and tables are aligned by their text (difflib over blocks; changed
  stretches are paired by similarity, paragraphs with paragraphs and tables with tables);
- a changed paragraph is rebuilt from the new one with character-level w:del / w:ins runs (the
  same character diff as the text report), keeping each character's run properties;
- table rows are aligned the same way inside paired tables; a changed row keeps its cells and
  compares them paragraph by paragraph; rows, paragraphs and tables present on one side only are
  marked inserted or deleted as a whole (rows through w:trPr, paragraph marks through w:pPr/w:rPr).

Everything else (styles, numbering, headers and footers, section settings) comes from the new
document. Revision marks carry a fixed author and date, so the same inputs give the same bytes.
Tracking of further edits is deliberately not switched on in settings.xml: LibreOffice would then
record its own adjustments on import (repeated table headers) as changes by an unknown author.
"""
from __future__ import annotations

import copy
import difflib
import io
import zipfile
from collections.abc import Callable, Iterable

from lxml import etree

from perfgen.diff.chardiff import diff_tokens
from perfgen.render.package import normalize_zip

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_SIMPLE_P_CHILDREN = {W + "pPr", W + "r", W + "proofErr"}
_SIMPLE_R_CHILDREN = {W + "rPr", W + "t", W + "tab", W + "br", W + "cr", W + "noBreakHyphen", W + "softHyphen",
                      W + "lastRenderedPageBreak"}
_PAIR_THRESHOLD = 0.4
_MAX_PAIR_CELLS = 4000

class _Marks:
    """Revision attributes: unique ids, one author, one date."""

    def __init__(self, author: str, date: str, first_id: int):
        self.author = author
        self.date = date
        self.next_id = first_id
        self.inserted = 0
        self.deleted = 0

    def element(self, kind: str) -> etree._Element:
        el = etree.Element(W + kind)
        el.set(W + "id", str(self.next_id))
        el.set(W + "author", self.author)
        el.set(W + "date", self.date)
        self.next_id += 1
        if kind == "ins":
            self.inserted += 1
        else:
            self.deleted += 1
        return el


# -- text of blocks -----------------------------------------------------------------------------------

def para_text(p: etree._Element) -> str:
    parts = []
    for el in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "delText"):
        if el.tag in (W + "t", W + "delText"):
            parts.append(el.text or "")
        else:
            parts.append("\t" if el.tag == W + "tab" else "\n")
    return "".join(parts)


def _row_text(tr: etree._Element) -> str:
    return "\x1f".join("\n".join(para_text(p) for p in tc.iter(W + "p")) for tc in tr.findall(W + "tc"))


def table_text(tbl: etree._Element) -> str:
    return "\x1e".join(_row_text(tr) for tr in tbl.findall(W + "tr"))


def _key(el: etree._Element) -> tuple[str, str]:
    if el.tag == W + "p":
        return ("p", para_text(el))
    if el.tag == W + "tbl":
        return ("tbl", table_text(el))
    return ("x", etree.tostring(el, encoding="unicode"))


def _similar(a: str, b: str) -> float:
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < _PAIR_THRESHOLD or m.quick_ratio() < _PAIR_THRESHOLD:
        return 0.0
    return m.ratio()


def _pair(olds: list[etree._Element], news: list[etree._Element], key: Callable[[etree._Element], tuple[str, str]],
          compatible: Callable[[etree._Element, etree._Element], bool] = lambda a, b: True,
          ) -> list[tuple[etree._Element | None, etree._Element | None]]:
    """Order-preserving pairing of two runs of blocks that maximises total similarity."""
    n, m = len(olds), len(news)
    if n == 0 or m == 0 or n * m > _MAX_PAIR_CELLS:
        return [(o, None) for o in olds] + [(None, x) for x in news]
    ko, kn = [key(o) for o in olds], [key(x) for x in news]
    score = [[0.0] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            if ko[i][0] == kn[j][0] and ko[i][0] != "x" and compatible(olds[i], news[j]):
                r = _similar(ko[i][1], kn[j][1])
                score[i][j] = r if r >= _PAIR_THRESHOLD else 0.0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = best[i + 1][j + 1] + score[i][j] if score[i][j] > 0 else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    out: list[tuple[etree._Element | None, etree._Element | None]] = []
    i = j = 0
    while i < n and j < m:
        if score[i][j] > 0 and best[i][j] == best[i + 1][j + 1] + score[i][j]:
            out.append((olds[i], news[j]))
            i += 1
            j += 1
        elif best[i][j] == best[i + 1][j]:
            out.append((olds[i], None))
            i += 1
        else:
            out.append((None, news[j]))
            j += 1
    out += [(olds[k], None) for k in range(i, n)] + [(None, news[k]) for k in range(j, m)]
    return out


def _align(olds: list[etree._Element], news: list[etree._Element], key: Callable[[etree._Element], tuple[str, str]],
           compatible: Callable[[etree._Element, etree._Element], bool] = lambda a, b: True,
           ) -> Iterable[tuple[etree._Element | None, etree._Element | None]]:
    """Equal blocks paired by difflib; the stretches between them paired by similarity."""
    ko, kn = [key(o) for o in olds], [key(x) for x in news]
    matcher = difflib.SequenceMatcher(None, ko, kn, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            yield from zip(olds[i1:i2], news[j1:j2])
        else:
            yield from _pair(olds[i1:i2], news[j1:j2], key, compatible)


# -- marking whole blocks -------------------------------------------------------------------------------

def _ppr(p: etree._Element) -> etree._Element:
    ppr = p.find(W + "pPr")
    if ppr is None:
        ppr = etree.Element(W + "pPr")
        p.insert(0, ppr)
    return ppr


def _mark_paragraph_mark(p: etree._Element, kind: str, marks: _Marks) -> None:
    """Mark the paragraph mark itself inserted or deleted (w:pPr/w:rPr/w:ins|w:del, first child)."""
    ppr = _ppr(p)
    rpr = ppr.find(W + "rPr")
    if rpr is None:
        rpr = etree.Element(W + "rPr")
        later = [c for c in ppr if c.tag in (W + "sectPr", W + "pPrChange")]
        if later:
            later[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    rpr.insert(0, marks.element(kind))


def _to_deleted_run(r: etree._Element) -> None:
    for t in r.findall(W + "t"):
        t.tag = W + "delText"
    for t in r.findall(W + "instrText"):
        t.tag = W + "delInstrText"


def _mark_paragraph(p: etree._Element, kind: str, marks: _Marks) -> etree._Element:
    """Every run of `p` (already a copy) inside w:ins or w:del, and its paragraph mark too."""
    for r in list(p.iter(W + "r")):
        parent = r.getparent()
        if parent is None or parent.tag in (W + "ins", W + "del"):
            continue
        wrapper = marks.element(kind)
        r.addprevious(wrapper)
        wrapper.append(r)
        if kind == "del":
            _to_deleted_run(r)
    _mark_paragraph_mark(p, kind, marks)
    return p


def _mark_row(tr: etree._Element, kind: str, marks: _Marks) -> etree._Element:
    trpr = tr.find(W + "trPr")
    if trpr is None:
        trpr = etree.Element(W + "trPr")
        ex = tr.find(W + "tblPrEx")
        if ex is not None:
            ex.addnext(trpr)
        else:
            tr.insert(0, trpr)
    change = trpr.find(W + "trPrChange")
    mark = marks.element(kind)
    if change is not None:
        change.addprevious(mark)
    else:
        trpr.append(mark)
    for p in tr.iter(W + "p"):
        _mark_paragraph(p, kind, marks)
    return tr


def _mark_block(el: etree._Element, kind: str, marks: _Marks) -> etree._Element | None:
    el = copy.deepcopy(el)
    if el.tag == W + "p":
        return _mark_paragraph(el, kind, marks)
    if el.tag == W + "tbl":
        for tr in el.findall(W + "tr"):
            _mark_row(tr, kind, marks)
        return el
    return el if kind == "ins" else None  # bookmarks and the like: keep the new ones only


# -- changed paragraphs -----------------------------------------------------------------------------------

Token = tuple[str, etree._Element | None, etree._Element | None]  # (key, rPr, element or None for a character)


def _simple(p: etree._Element) -> bool:
    return all(c.tag in _SIMPLE_P_CHILDREN for c in p) and all(
        c.tag in _SIMPLE_R_CHILDREN for r in p.findall(W + "r") for c in r)


def _tokens(p: etree._Element) -> list[Token]:
    out: list[Token] = []
    for r in p.findall(W + "r"):
        rpr = r.find(W + "rPr")
        for c in r:
            if c.tag == W + "rPr":
                continue
            if c.tag == W + "t":
                out.extend((ch, rpr, None) for ch in (c.text or ""))
            elif c.tag == W + "lastRenderedPageBreak":
                continue
            else:
                key = "\t" if c.tag == W + "tab" else "\n" if c.tag in (W + "br", W + "cr") else "\x00" + c.tag
                if c.tag == W + "br" and c.get(W + "type") in ("page", "column"):
                    key = "\x00" + c.get(W + "type", "")
                out.append((key, rpr, c))
    return out


def _runs(tokens: list[Token], deleted: bool) -> list[etree._Element]:
    """Runs for `tokens`, one per stretch of equal run properties."""
    runs: list[etree._Element] = []
    current_key: bytes | None = None
    run: etree._Element | None = None
    text_el: etree._Element | None = None
    for ch, rpr, el in tokens:
        key = etree.tostring(rpr) if rpr is not None else b""
        if run is None or key != current_key:
            run = etree.Element(W + "r")
            if rpr is not None:
                run.append(copy.deepcopy(rpr))
            runs.append(run)
            current_key = key
            text_el = None
        if el is None:
            if text_el is None:
                text_el = etree.SubElement(run, W + ("delText" if deleted else "t"))
                text_el.set(XML_SPACE, "preserve")
                text_el.text = ""
            text_el.text = (text_el.text or "") + ch
        else:
            run.append(copy.deepcopy(el))
            text_el = None
    return runs


def diff_paragraph(old: etree._Element, new: etree._Element, marks: _Marks, island: int = 2) -> list[etree._Element]:
    """The new paragraph with character-level revision marks against the old one."""
    if para_text(old) == para_text(new):
        return [copy.deepcopy(new)]
    if not (_simple(old) and _simple(new)):
        return [x for x in (_mark_block(old, "del", marks), _mark_block(new, "ins", marks)) if x is not None]
    a, b = _tokens(old), _tokens(new)
    out = etree.Element(new.tag, attrib={str(k): str(v) for k, v in new.attrib.items()})
    ppr = new.find(W + "pPr")
    if ppr is not None:
        out.append(copy.deepcopy(ppr))
    i = j = 0
    for op, keys in diff_tokens([t[0] for t in a], [t[0] for t in b], island):
        k = len(keys)
        if op == "equal":
            out.extend(_runs(b[j:j + k], False))
            i += k
            j += k
        elif op == "delete":
            wrapper = marks.element("del")
            wrapper.extend(_runs(a[i:i + k], True))
            out.append(wrapper)
            i += k
        else:
            wrapper = marks.element("ins")
            wrapper.extend(_runs(b[j:j + k], False))
            out.append(wrapper)
            j += k
    return [out]


# -- tables -------------------------------------------------------------------------------------------

def _row_key(tr: etree._Element) -> tuple[str, str]:
    return ("tr", _row_text(tr))


def _shape(tr: etree._Element) -> tuple[str, ...]:
    shape = []
    for tc in tr.findall(W + "tc"):
        span = tc.find(f"{W}tcPr/{W}gridSpan")
        shape.append(span.get(W + "val", "1") if span is not None else "1")
    return tuple(shape)


def diff_row(old: etree._Element, new: etree._Element, marks: _Marks) -> etree._Element:
    out = copy.deepcopy(new)
    for tc_old, tc_out in zip(old.findall(W + "tc"), out.findall(W + "tc")):
        olds = [c for c in tc_old if c.tag != W + "tcPr"]
        news = [c for c in tc_out if c.tag != W + "tcPr"]
        blocks = diff_blocks(olds, news, marks)
        for c in news:
            tc_out.remove(c)
        tc_out.extend(blocks)
    return out


def diff_table(old: etree._Element, new: etree._Element, marks: _Marks) -> etree._Element:
    out = copy.deepcopy(new)
    for tr in out.findall(W + "tr"):
        out.remove(tr)
    for a, b in _align(old.findall(W + "tr"), new.findall(W + "tr"), _row_key, lambda x, y: _shape(x) == _shape(y)):
        if a is not None and b is not None:
            out.append(copy.deepcopy(b) if _row_text(a) == _row_text(b) else diff_row(a, b, marks))
        elif a is not None:
            out.append(_mark_row(copy.deepcopy(a), "del", marks))
        elif b is not None:
            out.append(_mark_row(copy.deepcopy(b), "ins", marks))
    return out


# -- the body -----------------------------------------------------------------------------------------

def diff_blocks(olds: list[etree._Element], news: list[etree._Element], marks: _Marks) -> list[etree._Element]:
    """The new blocks, with everything deleted from the old ones marked in place."""
    out: list[etree._Element] = []
    for a, b in _align(olds, news, _key):
        if a is not None and b is not None:
            if _key(a) == _key(b):
                out.append(copy.deepcopy(b))
            elif b.tag == W + "p":
                out.extend(diff_paragraph(a, b, marks))
            else:
                out.append(diff_table(a, b, marks))
        elif a is not None:
            marked = _mark_block(a, "del", marks)
            if marked is not None:
                out.append(marked)
        elif b is not None:
            marked = _mark_block(b, "ins", marks)
            if marked is not None:
                out.append(marked)
    return out


def _max_id(*roots: etree._Element) -> int:
    best = 0
    for root in roots:
        for el in root.iter():
            v = el.get(W + "id")
            if v is not None and v.lstrip("-").isdigit():
                best = max(best, int(v))
    return best


class RedlineResult:
    def __init__(self, docx: bytes, inserted: int, deleted: int):
        self.docx = docx
        self.inserted = inserted
        self.deleted = deleted


def redline(old_docx: bytes, new_docx: bytes, author: str = "perfgen", date: str = "2000-01-01T00:00:00Z",
            replace: dict[str, bytes] | None = None) -> RedlineResult:
    """The new document with tracked changes against the old one (both rendered by perfgen)."""
    with zipfile.ZipFile(io.BytesIO(old_docx)) as zo:
        old_root = etree.fromstring(zo.read("word/document.xml"))
    with zipfile.ZipFile(io.BytesIO(new_docx)) as zn:
        new_root = etree.fromstring(zn.read("word/document.xml"))
    old_body, new_body = old_root.find(W + "body"), new_root.find(W + "body")
    if old_body is None or new_body is None:
        raise ValueError("word/document.xml without w:body")
    marks = _Marks(author, date, _max_id(old_root, new_root) + 1)
    olds = [c for c in old_body if c.tag != W + "sectPr"]
    news = [c for c in new_body if c.tag != W + "sectPr"]
    sect = new_body.find(W + "sectPr")
    blocks = diff_blocks(olds, news, marks)
    for c in list(new_body):
        new_body.remove(c)
    new_body.extend(blocks)
    if sect is not None:
        new_body.append(sect)
    parts = {"word/document.xml": etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True)}
    parts.update(replace or {})
    return RedlineResult(normalize_zip(new_docx, parts), marks.inserted, marks.deleted)
