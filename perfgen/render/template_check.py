"""`perfgen template check`: find template mistakes before a build does.

A user who edits a template in Word can break a tag (Word splits or autocorrects it, an
{% endfor %} gets deleted) or misspell a variable. This module parses the template the way docxtpl
will, reports syntax errors with the paragraph they are in, and walks the Jinja syntax tree to find
every variable and field the view model (render/shape.py) does not provide.
"""
from __future__ import annotations

import difflib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes

from perfgen import yamlsource
from perfgen.errors import Finding
from perfgen.model.layout import own_keys
from perfgen.render import limits
from perfgen.render.engine import PerfgenTemplate, _syntax_cn, make_environment, misplaced_tag
from perfgen.render.shape import LAYOUT, view_for

UNKNOWN = object()  # a value whose shape we cannot know (e.g. a Jinja builtin): accept anything


@dataclass
class _Scope:
    names: dict[str, Any]


def _paragraph_texts(xml: str) -> list[str]:
    """The text of each line of the XML as docxtpl renders it (a line per paragraph)."""
    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
    return [re.sub(r"<[^>]+>", "", line) for line in xml.split("\n")]


def _context(lines: list[str], lineno: int | None) -> str:
    if not lineno or lineno > len(lines):
        return ""
    text = lines[lineno - 1].strip()
    return text if len(text) <= 60 else text[:59] + "…"


class _Checker:
    def __init__(self, rel: str, shape: dict[str, Any], layout_keys: set[str] | None, lines: list[str],
                 filters: set[str], tests: set[str]):
        self.rel = rel
        self.shape = shape
        self.layout_keys = layout_keys
        self.lines = lines
        self.filters = filters
        self.tests = tests
        self.findings: list[Finding] = []
        self.scopes = [_Scope(dict(shape))]

    def report(self, node: nodes.Node, message: str, hint: str) -> None:
        ctx = _context(self.lines, getattr(node, "lineno", None))
        where = f"“{ctx}”附近" if ctx else ""
        self.findings.append(Finding(file=self.rel, message=message + (f"（{where}）" if where else ""), hint=hint,
                                     code="template.unknown-variable"))

    def lookup(self, name: str) -> Any:
        for scope in reversed(self.scopes):
            if name in scope.names:
                return scope.names[name]
        return None

    # expressions -> shapes
    def expr(self, node: nodes.Node, defined_test: bool = False) -> Any:
        if isinstance(node, nodes.Name):
            value = self.lookup(node.name)
            if value is None:
                if node.name in ("loop", "range", "namespace", "true", "false", "none", "True", "False", "None"):
                    return UNKNOWN
                if not defined_test:
                    close = difflib.get_close_matches(node.name, [n for s in self.scopes for n in s.names], n=1)
                    self.report(node, f"模板使用了数据中没有的变量“{node.name}”",
                                (f"是不是“{close[0]}”？" if close else "") + "可用的变量见用户指南“模板定制”。")
                return UNKNOWN
            return value
        if isinstance(node, nodes.Getattr):
            return self.attr(node, self.expr(node.node, defined_test), node.attr, defined_test)
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node, defined_test)
            self.expr(node.arg)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self.attr(node, base, node.arg.value, defined_test)
            if isinstance(base, list) and base:
                return base[0]
            return UNKNOWN
        if isinstance(node, nodes.Filter):
            if node.node is not None:
                self.expr(node.node, defined_test)
            if node.name not in self.filters:
                self.report(node, f"模板使用了不认识的过滤器“{node.name}”",
                            "perfgen 提供 lines（多行文字换行显示）及 Jinja 的标准过滤器。")
            for a in node.args:
                self.expr(a)
            return UNKNOWN
        if isinstance(node, nodes.Test):
            self.expr(node.node, defined_test=node.name in ("defined", "undefined"))
            if node.name not in self.tests:
                self.report(node, f"模板使用了不认识的判断“{node.name}”", "常用的有 defined、none、number、string。")
            return UNKNOWN
        for child in node.iter_child_nodes():
            self.expr(child, defined_test)
        return UNKNOWN

    def attr(self, node: nodes.Node, base: Any, name: str, defined_test: bool) -> Any:
        if base is UNKNOWN:
            return UNKNOWN
        if base == LAYOUT:
            if self.layout_keys is not None and name not in self.layout_keys and not defined_test:
                close = difflib.get_close_matches(name, sorted(self.layout_keys), n=1)
                self.report(node, f"版式设置中没有“{name}”",
                            (f"是不是“{close[0]}”？" if close else "") + "可用的设置见模板目录下的 layout.yaml。")
            return "layout value"
        if isinstance(base, dict):
            if name in base:
                return base[name]
            if isinstance(base, dict) and name in ("items", "keys", "values", "get"):
                return UNKNOWN
            if not defined_test:
                close = difflib.get_close_matches(name, list(base), n=1)
                self.report(node, f"数据中没有字段“{name}”",
                            (f"是不是“{close[0]}”？" if close else "") + "可用的字段：" + "、".join(base))
            return UNKNOWN
        if isinstance(base, list):
            return UNKNOWN
        if not defined_test and name not in ("upper", "lower", "strip", "split", "replace", "startswith", "endswith"):
            self.report(node, f"“{name}”用在了文字上，文字没有下一级字段", "检查变量写法，例如 {{ p.name }}。")
        return UNKNOWN

    # statements
    def visit(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.For):
            items = self.expr(node.iter)
            element = items[0] if isinstance(items, list) and items else UNKNOWN
            scope = _Scope({"loop": UNKNOWN})
            self.bind(node.target, element, scope)
            self.scopes.append(scope)
            for child in node.body:
                self.visit(child)
            if node.test is not None:
                self.expr(node.test)
            self.scopes.pop()
            for child in node.else_:
                self.visit(child)
            return
        if isinstance(node, nodes.With):
            scope = _Scope({})
            for target, value in zip(node.targets, node.values):
                self.bind(target, self.expr(value), scope)
            self.scopes.append(scope)
            for child in node.body:
                self.visit(child)
            self.scopes.pop()
            return
        if isinstance(node, nodes.Assign):
            self.bind(node.target, self.expr(node.node), self.scopes[-1])
            return
        if isinstance(node, nodes.If):
            self.expr(node.test)
            for child in node.body + node.else_:
                self.visit(child)
            for elif_ in node.elif_:
                self.visit(elif_)
            return
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child)
            return
        if isinstance(node, nodes.Expr):
            self.expr(node)
            return
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Stmt) or isinstance(child, nodes.Template):
                self.visit(child)
            elif isinstance(child, nodes.Expr):
                self.expr(child)

    def bind(self, target: nodes.Node, shape: Any, scope: _Scope) -> None:
        if isinstance(target, nodes.Name):
            scope.names[target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, UNKNOWN, scope)


def _parts(path: Path) -> list[tuple[str, str]]:
    """(part name, patched XML) for the body, headers and footers, as docxtpl will see them."""
    tpl = PerfgenTemplate(str(path))
    tpl.render_init()
    parts = [("正文", tpl.patch_xml(tpl.get_xml()))]
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            if re.match(r"word/(header|footer)\d*\.xml$", name):
                label = "页眉" if "header" in name else "页脚"
                parts.append((label, tpl.patch_xml(zf.read(name).decode("utf-8"))))
    return parts


def check_template(path: Path, rel: str, name: str | None = None) -> list[Finding]:
    """Every syntax error and unknown variable in one template file."""
    name = name or path.parent.name
    try:
        parts = _parts(path)
    except Exception as exc:  # not a .docx, or damaged
        return [Finding(file=rel, message=f"无法作为 Word 模板打开：{exc}", hint="模板必须是 .docx 文件；可从 templates/ 重新复制。",
                        code="template.unreadable")]
    layout_keys = None
    layout = path.parent / "layout.yaml"
    if layout.exists():
        doc, _ = yamlsource.read(layout, rel)
        if doc is not None and isinstance(doc.data, dict):
            layout_keys = set(own_keys(doc.data))
    env = make_environment()
    findings: list[Finding] = []
    for label, xml in parts:
        lines = _paragraph_texts(xml)
        misplaced = misplaced_tag(xml)
        if misplaced is not None:  # the fast path refuses such a template (render/engine.py)
            findings.append(Finding(file=rel, message=f"{label}中{misplaced}", code="template.misplaced-tag",
                                    hint="把标签写在一段文字之中，用普通的 {{ … }}；{{p …}}、{{r …}} 只能输出对应的对象。"))
        try:
            ast = env.parse("\n".join(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml).split("\n")))
        except jinja2.TemplateSyntaxError as exc:
            ctx = _context(lines, exc.lineno)
            findings.append(Finding(
                file=rel, message=f"{label}中有 docxtpl 无法解析的标签：{_syntax_cn(exc)}" + (f"（“{ctx}”附近）" if ctx else ""),
                hint="检查 {% for %}/{% endfor %}、{% if %}/{% endif %} 是否成对，标签是否被 Word 拆开或改成了全角符号。",
                code="template.syntax"))
            continue
        checker = _Checker(rel, view_for(name), layout_keys, lines, set(env.filters), set(env.tests))
        checker.visit(ast)
        findings.extend(checker.findings)
        for line, message in limits.static_problems(ast):
            ctx = _context(lines, line)
            findings.append(Finding(file=rel, message=f"{label}中{message}" + (f"（“{ctx}”附近）" if ctx else ""),
                                    hint="模板会在生成时因此失败或耗尽时间、内存；改用普通的 {{ 字段 }} 和数据中的列表。",
                                    code="template.limit"))
    return findings
