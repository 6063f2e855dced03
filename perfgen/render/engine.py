"""docxtpl with the guard rails perfgen needs.

- Jinja runs sandboxed with StrictUndefined: a missing field fails the build, it never prints blank.
- Autoescape is on, and every value passes through `xml_safe`, so & < > quotes and control
  characters cannot break the document XML.
- `{% vm EXPR %}` in a table cell merges it vertically with the cell above when EXPR is false
  (docxtpl's own `{% vm %}` merges a whole loop; forms need runs of equal 一级/二级 cells).
- Lists of lines printed in a cell become line breaks with the `lines` filter.
- Errors name the template and the offending tag.
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree
from markupsafe import Markup, escape

from perfgen.errors import UserError
from perfgen.render.limits import LimitedSandbox, runtime_error, start
from perfgen.render.xmltext import xml_safe

_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


# docxtpl turns {_{ }_} {_% %_} in its output into {{ }} {% %}: its way for a template to print a
# literal tag. User text must come out as typed, so the underscore of such a sequence in a value is
# written as the character reference &#95;, which that un-escaping does not see and XML reads as "_".
_UNESCAPED_BY_DOCXTPL = re.compile(r"\{_(?=[{%])|\}_(?=\})|%_(?=\})")


def _keep_braces(markup: Markup) -> Markup:
    if "_" not in markup:
        return markup
    return Markup(_UNESCAPED_BY_DOCXTPL.sub(lambda m: m.group(0)[0] + "&#95;", str(markup)))


def _finalize(value: Any) -> Any:
    """Every printed value: drop characters XML cannot hold; a newline becomes a line break and a
    tab a real tab (a bare \n or \t inside w:t would show as a space in Word); {_{ stays {_{."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        value = xml_safe(value)
        if "\n" in value or "\t" in value:
            return _text_markup(value)
        if "_" in value and _UNESCAPED_BY_DOCXTPL.search(value):
            return _keep_braces(escape(value))
        return value
    return value


def _text_markup(value: str) -> Markup:
    """Escaped text with \n as <w:br/> and \t as <w:tab/>."""
    return Markup(_BREAK).join(
        Markup(_TAB).join(_keep_braces(escape(piece)) for piece in line.split("\t")) for line in value.split("\n"))


def lines_filter(value: Any) -> Markup:
    """A list of lines (or a string with newlines) as one run of text with <w:br/> between lines."""
    if isinstance(value, str):
        parts = value.split("\n")
    elif value is None:
        parts = []
    else:
        parts = [str(v) for v in value]
    return Markup(_BREAK).join(_text_markup(xml_safe(p)) for p in parts)


def title_break_filter(value: Any, measure: float, words: Any = None) -> Markup:
    """A title balanced over lines `measure` characters wide (render/titles.py), never ending a
    line inside one of the default words or of `words` (the layout's 标题回行词语, which adds to
    the defaults: a layout that lists one local name keeps 委员会 whole too; templates made before
    it existed pass none). The lines are one text: each but the last ends in spaces wider than
    the line, at which Word and LibreOffice wrap and which hang in the margin (a centred line stays
    centred). No <w:br/>, so the title remains one line of text for search, copy and the fidelity
    scorer."""
    from perfgen.render.titles import listed_words, title_lines
    from perfgen.render.titles import words as default_words
    text = xml_safe(str(value))
    listed = None if words is None or isinstance(words, (str, bytes)) else listed_words([*default_words(), *words])
    pieces = title_lines(text, float(measure), listed)
    spaces = Markup('</w:t><w:t xml:space="preserve">' + " " * (6 * math.ceil(float(measure)) + 6)
                    + '</w:t><w:t xml:space="preserve">')
    return spaces.join(_keep_braces(escape(p)) for p in pieces)


def make_environment() -> LimitedSandbox:
    env = LimitedSandbox(undefined=jinja2.StrictUndefined, autoescape=True, finalize=_finalize,
                         keep_trailing_newline=True)  # the sandbox with time and size limits (limits.py)
    env.filters["lines"] = lines_filter
    env.filters["title_break"] = title_break_filter
    from perfgen.render.context import View
    env.attribute_dicts = {View: frozenset(dir(View))}
    return env


_VM_CELL = re.compile(r"<w:tc[ >](?:(?!<w:tc[ >]).)*?{%\s*vm\s+(?!%)([^%]+?)\s*%}.*?</w:tc>", re.DOTALL)


def _patch_vm(xml: str) -> str:
    """Expand `{% vm EXPR %}` into a vMerge restart/continue chosen per row."""

    def cell(m: re.Match[str]) -> str:
        expr = m.group(1)
        text = m.group(0)
        merge = f'<w:vMerge w:val="{{% if {expr} %}}restart{{% else %}}continue{{% endif %}}"/>'
        pr = re.search(r"<w:tcPr>(.*?)</w:tcPr>", text, re.DOTALL)
        if pr:
            # schema order: tcW, gridSpan, hMerge, vMerge, tcBorders, shd, …, vAlign
            later = re.search(r"<w:(tcBorders|shd|noWrap|tcMar|textDirection|tcFitText|vAlign|hideMark)\b", pr.group(1))
            at = pr.start(1) + (later.start() if later else len(pr.group(1)))
            text = text[:at] + merge + text[at:]
        elif "<w:tcPr/>" in text:
            text = text.replace("<w:tcPr/>", "<w:tcPr>" + merge + "</w:tcPr>", 1)
        else:
            text = re.sub(r"(<w:tc[ >])", r"\1<w:tcPr>" + merge.replace("\\", "\\\\") + "</w:tcPr>", text, count=1)
        # The text of a continued cell is dropped (Word shows only the first cell of a merge).
        text = re.sub(r"{%\s*vm\s+" + re.escape(expr) + r"\s*%}(.*?)(</w:t>)",
                      lambda t: "{% if " + expr + " %}" + t.group(1) + "{% endif %}" + t.group(2), text,
                      count=1, flags=re.DOTALL)
        return text

    return _VM_CELL.sub(cell, xml)


_TEMPLATE_CLASS: type | None = None


def __getattr__(name: str) -> Any:
    """PerfgenTemplate is built on first use: docxtpl (and python-docx) take ~0.15 s to import, and
    a warm build with cached template XML never needs them."""
    if name == "PerfgenTemplate":
        global _TEMPLATE_CLASS
        if _TEMPLATE_CLASS is None:
            from docxtpl import DocxTemplate

            class PerfgenTemplate(DocxTemplate):  # type: ignore[misc]
                def patch_xml(self, src_xml: str) -> str:
                    return _patch_vm(super().patch_xml(src_xml))

                def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
                    # docxtpl then parses with recover=True, which silently drops whatever follows
                    # broken XML: check first, strictly (rendered_problem).
                    xml: str = super().render_xml_part(src_xml, part, context, jinja_env)
                    problem = rendered_problem(xml)
                    if problem is not None:
                        raise _BrokenOutput(problem)
                    return xml

            _TEMPLATE_CLASS = PerfgenTemplate
        return _TEMPLATE_CLASS
    raise AttributeError(name)


def render_docx(template_path: Path, context: dict[str, Any], template_label: str) -> Any:
    """Render `template_path` with `context`; template problems become located UserErrors."""
    try:
        tpl = __getattr__("PerfgenTemplate")(str(template_path))
    except Exception as exc:  # a corrupt or non-docx template
        raise UserError(f"无法打开模板 {template_label}：{exc}", "模板应是 Word（.docx）文件；从 templates/ 重新复制一份。") from None
    env = make_environment()
    start(env)
    try:
        tpl.render(context, env, autoescape=True)
    except (jinja2.UndefinedError, jinja2.TemplateSyntaxError) as exc:
        raise template_error(exc, template_label) from None
    except _BrokenOutput as exc:
        raise broken_output_error(str(exc), template_label) from None
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - the template runs user code: any failure is the template's
        raise runtime_error(exc, template_label) from None
    return tpl


class _BrokenOutput(Exception):
    """Raised inside docxtpl's render when a part's XML is broken (carries the description)."""


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Text that lies directly in a paragraph, run, cell or body: Word never shows it.
_STRAY_TEXT = etree.XPath(
    "//w:*[not(self::w:t or self::w:instrText or self::w:delText or self::w:delInstrText or self::w:fldData)]"
    "/text()[normalize-space()]", namespaces={"w": _W_NS})
_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False)


def rendered_problem(xml: str, stray_text: bool = True) -> str | None:
    """What is wrong with a rendered part's XML, in Chinese with the text near it; None when sound.

    Both render paths check every part: a tag that prints markup (`{{r …}}`, `| safe`) can break the
    XML or leave text outside any run, and a document must then fail, never lose its rest quietly.
    The fast path finds misplaced tags once, when it compiles (misplaced_tag), so it passes
    stray_text=False: the search costs a third of a render."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position
        at = sum(len(x) + 1 for x in xml.split("\n")[:line - 1]) + col
        return f"XML 结构被破坏，出错处前面的文字：{_nearby(xml, at)}"
    stray = _STRAY_TEXT(root) if stray_text else None
    if isinstance(stray, list) and stray:
        return f"有文字落在段落的文字块（w:t）之外，Word 不会显示：“{str(stray[0]).strip()[:60]}”"
    return None


# One pass over patched template XML: Jinja statements and comments (which may hold "<"), print
# tags, and XML tags (a print tag inside a start tag is an attribute value and is consumed with it).
_TOKENS = re.compile(r"\{%.*?%\}|\{#.*?#\}|(\{\{.*?\}\})|<(/?)([\w:]+)[^<>]*?(/?)>", re.DOTALL)
_TEXT_HOLDERS = frozenset({"w:t", "w:instrText", "w:delText", "w:delInstrText", "w:fldData"})


def misplaced_tag(patched: str) -> str | None:
    """A `{{ … }}` in patched template XML that is neither inside a w:t nor in an attribute (e.g.
    docxtpl's {{p …}} in a paragraph): what it prints lies outside any run and Word drops it."""
    in_text = False
    for m in _TOKENS.finditer(patched):
        printed, closing, name, empty = m.groups()
        if printed is not None:
            if not in_text:
                return (f"标签“{printed[:60]}”不在文字块（w:t）中，它输出的文字 Word 不会显示；"
                        f"标签前面的文字：{_nearby(patched, m.start())}")
        elif name is not None:
            in_text = name in _TEXT_HOLDERS and not closing and not empty
    return None


def _nearby(xml: str, at: int) -> str:
    """The document text (inside w:t) shortly before offset `at` of the rendered XML."""
    pieces = re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)", xml[max(at - 2000, 0):at])
    text = re.sub(r"\s+", " ", "".join(pieces)).strip()
    return f"“{text[-60:]}”" if text else "（无）"


def broken_output_error(problem: str, template_label: str) -> UserError:
    return UserError(f"模板 {template_label} 生成的文档无效：{problem}",
                     "在 Word 中打开模板，找到上面提到的文字附近的标签：输出 XML 的标签（{{r …}}、{{p …}}、"
                     "{{ … | safe }}）会写坏文档结构或把文字放到段落之外；改用写在一段文字之中的普通 {{ … }}，"
                     "再运行 perfgen template check。")


def template_error(exc: jinja2.TemplateError, template_label: str) -> UserError:
    """A Jinja error as a Chinese message naming the template and the tag."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return UserError(f"模板 {template_label} 中有语法错误：{_syntax_cn(exc)}",
                         f"出错的标签附近：{_context_text(exc)}。检查 {{% for %}}/{{% endfor %}}、{{% if %}}/{{% endif %}} "
                         "是否成对，并运行 perfgen template check 查看详情。")
    if isinstance(exc, jinja2.UndefinedError):
        return UserError(f"模板 {template_label} 使用了数据中没有的内容：{_undefined_cn(exc)}",
                         "检查模板中的变量名拼写；可用的变量见 perfgen template check 的输出。")
    return UserError(f"模板 {template_label} 渲染失败：{exc}", "运行 perfgen template check 检查模板。")


def _syntax_cn(exc: jinja2.TemplateSyntaxError) -> str:
    msg = str(exc.message or exc)
    m = re.search(r"Encountered unknown tag '(\w+)'", msg)
    if m:
        return f"不认识的标签“{m.group(1)}”（可能缺少与之配对的开始标签）"
    m = re.search(r"Unexpected end of template. Jinja was looking for the following tags: ([^.]*)", msg)
    if m:
        tags = m.group(1).replace("' or '", "、").replace("'", "")
        return f"模板在标签闭合前就结束了（缺少 {tags}）"
    if "expected token" in msg or "unexpected" in msg.lower():
        return f"标签写法有误：{msg}"
    return msg


def _undefined_cn(exc: jinja2.UndefinedError) -> str:
    msg = str(exc.message or exc)
    m = re.search(r"'([^']+)' is undefined", msg)
    if m:
        return f"变量“{m.group(1)}”未定义"
    m = re.search(r"has no attribute '([^']+)'", msg)
    if m:
        return f"没有字段“{m.group(1)}”"
    return msg


def _context_text(exc: Exception) -> str:
    lines = getattr(exc, "docx_context", None)
    if lines:
        text = " ".join(x.strip() for x in lines if x.strip())
        return text[:200] or "（无）"
    return "（无）"
