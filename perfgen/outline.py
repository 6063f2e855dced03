"""One outline, rendered four ways: the shape every report (validate, review, diff) is printed in.

A report builds a list of `Block`s (headings, paragraphs, list items made of styled pieces, tables);
the renderers here turn any outline into terminal text (optionally coloured), Markdown or one
self-contained HTML page, so the forms always say the same thing in the same order and a new format
is written once, here, for every report. JSON is each report's own plain data (`as_dict`), for tools.

Styles say what a piece is, not how it looks: del/ins (edited text), old/new (values before/after),
warn, b (bold), dim, loc (file:line), hint, error/warning/info (a severity word), grade (优/良/中/差).
"""
from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Style = Literal["", "del", "ins", "old", "new", "warn", "b", "dim", "loc", "hint", "error", "warning", "info",
                "grade"]
Part = tuple[Style, str]
Mark = Literal["add", "remove", "change", "info"]
Kind = Literal["h1", "h2", "h3", "p", "item", "table"]

FORMATS = ("text", "md", "html", "json")


@dataclass
class Block:
    kind: Kind
    parts: list[Part] = field(default_factory=list)
    indent: int = 0
    mark: Mark = "info"
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: bool = True  # table: right-align every column but the first


class Outline:
    """A list of blocks being built; plain strings in `add` are unstyled parts."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def add(self, kind: Kind, *parts: Part | str, indent: int = 0, mark: Mark = "info") -> None:
        self.blocks.append(Block(kind, [p if isinstance(p, tuple) else ("", p) for p in parts], indent, mark))

    def table(self, header: list[str], rows: list[list[str]], numeric: bool = True) -> None:
        self.blocks.append(Block("table", header=header, rows=rows, numeric=numeric))


def render(blocks: list[Block], fmt: str, title: str, json_text: Callable[[], str], color: bool = False,
           legend: str | None = None) -> str:
    """The outline in `fmt` (one of FORMATS); json comes from the report's own data."""
    if fmt == "text":
        return as_text(blocks, color, legend)
    if fmt == "md":
        return as_markdown(blocks)
    if fmt == "html":
        return as_html(blocks, title)
    if fmt == "json":
        return json_text()
    raise ValueError(fmt)


# -- text -----------------------------------------------------------------------------------------

_ANSI = {"del": "\x1b[31;9m", "ins": "\x1b[32m", "old": "\x1b[31m", "new": "\x1b[32m", "warn": "\x1b[33;1m",
         "b": "\x1b[1m", "dim": "\x1b[2m", "hint": "\x1b[2m", "error": "\x1b[31m", "warning": "\x1b[33m",
         "info": "\x1b[36m"}
_GRADE_ANSI = {"差": "\x1b[1;31m", "中": "\x1b[1;33m", "良": "\x1b[1;34m", "优": "\x1b[1;32m"}
_RESET = "\x1b[0m"
_MARK = {"add": "+", "remove": "-", "change": "~", "info": "·"}
_MARK_COLOR = {"add": "\x1b[32m", "remove": "\x1b[31m", "change": "\x1b[33m", "info": ""}


def width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, cols: int, right: bool = False) -> str:
    gap = " " * max(0, cols - width(text))
    return gap + text if right else text + gap


def _text_parts(parts: list[Part], color: bool) -> str:
    out = []
    for style, text in parts:
        if color and style == "grade":
            out.append(_GRADE_ANSI.get(text, _ANSI["b"]) + text + _RESET)
        elif color and style in _ANSI:
            out.append(_ANSI[style] + text + _RESET)
        elif style == "del":
            out.append(f"[-{text}-]")
        elif style == "ins":
            out.append(f"{{+{text}+}}")
        else:
            out.append(text)
    return "".join(out)


def _text_table(b: Block) -> list[str]:
    cols = [max(width(r[k]) for r in [b.header] + b.rows) for k in range(len(b.header))]

    def line(row: list[str]) -> str:
        return "  ".join(_pad(cell, cols[k], right=b.numeric and k > 0) for k, cell in enumerate(row)).rstrip()
    out = [line(b.header), "  ".join("-" * c for c in cols)]
    out += [line(r) for r in b.rows]
    return out


def as_text(blocks: list[Block], color: bool = False, legend: str | None = None) -> str:
    """Plain text; with `color`, ANSI colours (deletions red struck through, insertions green, …).
    `legend` ends the uncoloured text (what [-…-] and {+…+} mean, where a report uses them)."""
    lines: list[str] = []
    for b in blocks:
        if b.kind == "h1":
            lines += [_text_parts(b.parts, color), ""]
        elif b.kind == "h2":
            text = "■ " + _text_parts(b.parts, False)
            lines += ([] if lines and lines[-1] == "" else [""]) + [(_ANSI["b"] + text + _RESET) if color else text]
        elif b.kind == "h3":
            lines += ["", f"【{_text_parts(b.parts, color)}】"]
        elif b.kind == "p":
            lines.append("  " * b.indent + _text_parts(b.parts, color))
        elif b.kind == "item":
            mark = _MARK[b.mark]
            if color and _MARK_COLOR[b.mark]:
                mark = _MARK_COLOR[b.mark] + mark + _RESET
            lines.append("  " * (b.indent + 1) + mark + " " + _text_parts(b.parts, color))
        elif b.kind == "table":
            lines += _text_table(b)
    if legend and not color:
        lines += ["", legend]
    return "\n".join(lines).strip("\n") + "\n"


# -- Markdown --------------------------------------------------------------------------------------

_MD_SPECIAL = "\\`*_[]|~#"


def md_escape(text: str) -> str:
    """Text that Markdown shows as written (inline, in a list item or a table cell)."""
    text = html.escape(text.replace("\n", " "), quote=False)
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def _md_parts(parts: list[Part]) -> str:
    out = []
    for style, text in parts:
        t = md_escape(text)
        if not text:
            continue
        if style == "del":
            out.append(f"<del>{t}</del>")
        elif style == "ins":
            out.append(f"<ins>{t}</ins>")
        elif style in ("warn", "b", "grade", "error", "warning", "info"):
            out.append(f"**{t.strip()}**" + (" " if text.endswith(" ") else ""))
        elif style == "dim":
            out.append(f"<sub>{t}</sub>")
        elif style in ("old", "new", "loc"):
            out.append(f"`{text}`" if "`" not in text else t)
        else:
            out.append(t)
    return "".join(out)


def as_markdown(blocks: list[Block]) -> str:
    """GitHub/GitLab Markdown: <del>/<ins> for the edits, tables as tables."""
    lines: list[str] = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            level = {"h1": "#", "h2": "##", "h3": "###"}[b.kind]
            lines += ["", f"{level} {_md_parts(b.parts)}", ""]
        elif b.kind == "p":
            lines += [_md_parts(b.parts), ""]
        elif b.kind == "item":
            if lines and lines[-1] == "" and len(lines) >= 2 and lines[-2].lstrip().startswith("- "):
                lines.pop()
            lines.append("  " * b.indent + "- " + _md_parts(b.parts))
        elif b.kind == "table":
            lines.append("| " + " | ".join(md_escape(h) for h in b.header) + " |")
            align = "---:" if b.numeric else "---"
            lines.append("|" + "|".join(["---"] + [align] * (len(b.header) - 1)) + "|")
            lines += ["| " + " | ".join(md_escape(c) for c in r) + " |" for r in b.rows]
            lines.append("")
    text = "\n".join(lines).strip("\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text + "\n"


# -- HTML ------------------------------------------------------------------------------------------

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;max-width:60em;margin:2em auto;
padding:0 1em;line-height:1.7;color:#222}
h1{font-size:1.5em;border-bottom:2px solid #444}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #bbb}
h3{font-size:1.05em;margin-bottom:.3em}
del{background:#fde2e2;color:#a00;text-decoration:line-through}ins{background:#dcfce7;color:#065f46;text-decoration:none}
.warn{color:#b45309;font-weight:bold}.dim,.hint{color:#777;font-size:.9em}.old{color:#a00}.new{color:#065f46}
.loc{font-family:monospace;font-size:.9em;color:#555;word-break:break-all}
.error{color:#c62828;font-weight:bold}.warning{color:#b26a00;font-weight:bold}.info{color:#00796b;font-weight:bold}
.grade{display:inline-block;min-width:1.6em;text-align:center;font-weight:bold;color:#fff;border-radius:.3em;padding:0 .3em}
.g-优{background:#2e7d32}.g-良{background:#1565c0}.g-中{background:#ef6c00}.g-差{background:#c62828}
ul{margin:.2em 0;padding-left:1.4em}li{margin:.15em 0}
li.add{list-style-type:"＋ ";color:#065f46}li.remove{list-style-type:"－ ";color:#a00}li.change{list-style-type:"～ "}
li.add>span,li.remove>span{color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:.2em .6em;vertical-align:top}
td.n{text-align:right}th{background:#f3f4f6;text-align:left}
@media print{h2~h2{page-break-before:always}}
""".strip()


def _html_parts(parts: list[Part]) -> str:
    out = []
    for style, text in parts:
        t = html.escape(text)
        if style == "del":
            out.append(f"<del>{t}</del>")
        elif style == "ins":
            out.append(f"<ins>{t}</ins>")
        elif style == "b":
            out.append(f"<b>{t}</b>")
        elif style == "grade":
            out.append(f'<span class="grade g-{t}">{t}</span>')
        elif style:
            out.append(f'<span class="{style}">{t}</span>')
        else:
            out.append(t)
    return "".join(out)


def _html_table(b: Block) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in b.header)
    numeric = ' class="n"' if b.numeric else ""
    rows = "".join("<tr>" + "".join(f"<td{numeric if k else ''}>{html.escape(c)}</td>" for k, c in enumerate(r))
                   + "</tr>" for r in b.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def as_html(blocks: list[Block], title: str) -> str:
    """One self-contained page (inline CSS, no scripts, no external files)."""
    body: list[str] = []
    depth = 0  # open <ul> levels

    def close_to(level: int) -> None:
        nonlocal depth
        while depth > level:
            body.append("</li></ul>")
            depth -= 1

    for b in blocks:
        if b.kind != "item":
            close_to(0)
        if b.kind in ("h1", "h2", "h3"):
            body.append(f"<{b.kind}>{_html_parts(b.parts)}</{b.kind}>")
        elif b.kind == "p":
            style = f' style="margin-left:{2 * b.indent}em"' if b.indent else ""
            body.append(f"<p{style}>{_html_parts(b.parts)}</p>")
        elif b.kind == "table":
            body.append(_html_table(b))
        else:
            level = b.indent + 1
            if level > depth:
                while depth < level:
                    body.append("<ul>")
                    depth += 1
            else:
                close_to(level)
                body.append("</li>")
            body.append(f'<li class="{b.mark}"><span>{_html_parts(b.parts)}</span>')
    close_to(0)
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
