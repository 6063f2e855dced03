"""A docxtpl template prepared once and rendered many times: the fast path.

docxtpl re-patches and re-compiles the template XML and round-trips the result through
python-docx for every document; a county volume renders the same template a hundred times. Here
each XML part that holds tags is patched with docxtpl's own `patch_xml` (plus our `{% vm EXPR %}`)
and compiled with Jinja once; rendering is then a Jinja call per part, docxtpl's own un-escaping of
{_{ }_}, the strict XML check (engine.rendered_problem), and one zip write with fixed metadata.

It may never do anything docxtpl would not: no tag syntax of its own beyond docxtpl's (our `{% vm %}`
is added to both paths alike), no other escaping, no repairs. Templates that use docxtpl features it
does not reproduce ({%tc %} column loops, {{r }} rich text, images, sub-documents, colspan, cellbg)
go through docxtpl itself (render_docxtpl). tests/test_render_engines.py renders every shipped
template and test case through both and requires the same document XML.
"""
from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree

from perfgen.errors import UserError
from perfgen.render import engine, limits
from perfgen.render.ooxml import canonicalize, core_xml
from perfgen.render.package import FIXED_DATE

_TAG_RE = re.compile(r"\{[{%#]")
_CLASSIC_ONLY = re.compile(r"\{%-?\s*tc\s|InlineImage|Subdoc|\{\{r\s|\{%\s*(?:vm|hm)\s*%\}|colspan|cellbg")
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass
class Rendered:
    """One rendered document: the .docx bytes, and its body for binding into a volume."""

    docx: bytes
    body: bytes        # the children of <w:body> except the final <w:sectPr>, UTF-8
    root_tag: str      # the <w:document …> start tag (namespace declarations)
    styles_id: str     # which template's styles the body refers to


class CompiledTemplate:
    def __init__(self, path: Path, label: str, cache_dir: Path | None = None):
        self.path = path
        self.label = label
        data = path.read_bytes()
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            self.entries = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
        except (zipfile.BadZipFile, OSError) as exc:
            raise UserError(f"无法打开模板 {label}：{exc}", "模板应是 Word（.docx）文件；从 templates/ 重新复制一份。") from None
        names = dict(self.entries)
        if "word/document.xml" not in names:
            raise UserError(f"模板 {label} 不是 Word 文档（缺少 word/document.xml）", "从 templates/ 重新复制一份模板。")
        self.styles_id = path.as_posix()
        self.styles = names.get("word/styles.xml", b"")
        self.classic = any(_CLASSIC_ONLY.search(v.decode("utf-8", "ignore")) for k, v in self.entries
                           if k.endswith(".xml"))
        self.env = engine.make_environment()
        self.parts: dict[str, jinja2.Template] = {}
        self.sources: dict[str, str] = {}  # patched XML, for naming the tag of a runtime error
        if not self.classic:
            for name, patched in self._patched(data, cache_dir).items():
                problem = engine.misplaced_tag(patched)
                if problem is not None:
                    raise engine.broken_output_error(problem, label)
                try:
                    self.parts[name] = self.env.template_class.from_code(
                        self.env, _jinja_code(self.env, patched), self.env.make_globals(None), None)
                    self.sources[name] = patched
                except jinja2.TemplateSyntaxError as exc:
                    exc.docx_context = [re.sub(r"<[^>]+>", "", line) for line in  # type: ignore[attr-defined]
                                        patched.splitlines()[max(exc.lineno - 4, 0):exc.lineno + 3]]
                    raise engine.template_error(exc, label) from None

    def _patched(self, data: bytes, cache_dir: Path | None) -> dict[str, str]:
        """docxtpl's cleaned-up XML of each part with tags, cached on disk by template content
        (as data: perfgen.cache lines, never pickle; anything else there counts as absent)."""
        from perfgen import cache
        key = cache.digest(data, cache.code_version().encode())
        store = cache_dir / "templates" / f"{key}{cache.SUFFIX}" if cache_dir is not None and cache.enabled() else None
        if store is not None:
            hit = cache.read_lines(store, cache.code_version())
            if len(hit) == 1 and isinstance(hit[0][0], dict) and all(
                    isinstance(k, str) and isinstance(v, str) for k, v in hit[0][0].items()):
                _remember(key, hit[0][0])  # e.g. the volume reads the departments' styles through compiled()
                return hit[0][0]
        known = _PATCHED.get(key)  # patched already in this process (for another workspace)
        parts = dict(known) if known is not None else self._patch()
        _remember(key, parts)
        if store is not None:
            try:
                store.parent.mkdir(parents=True, exist_ok=True)
                cache.write_lines(store, cache.code_version(), [(parts, None)])
            except Exception:  # only an optimisation
                pass
        return parts

    def _patch(self) -> dict[str, str]:
        """docxtpl's patch_xml of every word/ part that holds tags."""
        tpl = engine.PerfgenTemplate(str(self.path))
        parts: dict[str, str] = {}
        for name, blob in self.entries:
            if not name.endswith(".xml") or not name.startswith("word/"):
                continue
            text = blob.decode("utf-8")
            if _TAG_RE.search(text):
                parts[name] = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(text))
        return parts

    def render(self, context: dict[str, Any], title: str, year: int, author: str = "perfgen") -> Rendered:
        """The document; `title` and `author` go into docProps/core.xml (and so the PDF's metadata)."""
        if self.classic:
            return self.render_docxtpl(context, title, year, author)
        out_parts: dict[str, bytes] = {}
        document = ""
        for name, template in self.parts.items():
            try:
                xml = limits.render(self.env, template, context, self.label, self.sources.get(name))
            except jinja2.TemplateError as exc:
                raise engine.template_error(exc, self.label) from None
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            problem = engine.rendered_problem(xml, stray_text=False)  # misplaced tags: found at compile time
            if problem is not None:
                raise engine.broken_output_error(problem, self.label)
            if name == "word/document.xml":
                document = xml
            out_parts[name] = xml.encode("utf-8")
        if not document:
            document = dict(self.entries)["word/document.xml"].decode("utf-8")
        out_parts["docProps/core.xml"] = core_xml(title, year, author)
        return Rendered(docx=self._zip(out_parts), body=body_of(document).encode("utf-8"),
                        root_tag=root_tag(document), styles_id=self.styles_id)

    def render_docxtpl(self, context: dict[str, Any], title: str, year: int, author: str = "perfgen") -> Rendered:
        """docxtpl's own render (the reference the fast path must equal, tests/test_render_engines.py);
        its table merges may misorder properties, so sort them."""
        from perfgen.render.package import normalize_zip
        tpl = engine.render_docx(self.path, context, self.label)
        buf = io.BytesIO()
        tpl.save(buf)
        root = etree.fromstring(zipfile.ZipFile(io.BytesIO(buf.getvalue())).read("word/document.xml"))
        canonicalize(root)
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        data = normalize_zip(buf.getvalue(), {"word/document.xml": xml, "docProps/core.xml": core_xml(title, year, author)})
        document = xml.decode("utf-8")
        return Rendered(docx=data, body=body_of(document).encode("utf-8"), root_tag=root_tag(document),
                        styles_id=self.styles_id)

    def _zip(self, replaced: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, blob in self.entries:
                info = zipfile.ZipInfo(name, FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 0
                zf.writestr(info, replaced.get(name, blob), compresslevel=6)
        return out.getvalue()




def body_of(document: str) -> str:
    """The children of <w:body> without the final section properties."""
    start = document.index("<w:body>") + len("<w:body>") if "<w:body>" in document else document.index(">", document.index("<w:body")) + 1
    end = document.rindex("</w:body>")
    inner = document[start:end]
    sect = inner.rfind("<w:sectPr")
    if sect != -1 and inner.rstrip().endswith("</w:sectPr>") and inner.rfind("</w:p>") < sect:
        inner = inner[:sect]
    return inner


def root_tag(document: str) -> str:
    start = document.index("<w:document")
    return document[start:document.index(">", start) + 1]


# Within one process (the tests, a script building several workspaces: the same templates) a
# template's patched XML and its compiled Jinja code are made once per content, whichever
# workspace asked first; each workspace's disk cache is read and written as before.
_PATCHED: dict[str, dict[str, str]] = {}


def _remember(key: str, parts: dict[str, str]) -> None:
    if len(_PATCHED) >= 32:
        _PATCHED.pop(next(iter(_PATCHED)))
    _PATCHED[key] = dict(parts)


_CODE: dict[tuple[type, str], Any] = {}


def _jinja_code(env: jinja2.Environment, source: str) -> Any:
    """Jinja's code for a patched part. Keyed by the source and the environment's class: every
    environment here comes from engine.make_environment, one configuration, so the code (which
    looks up filters and the sandbox's checks on the environment it runs in) is the same."""
    key = (type(env), source)
    code = _CODE.get(key)
    if code is None:
        code = env.compile(source)  # a syntax error raises here, and nothing is kept
        if len(_CODE) >= 64:
            _CODE.pop(next(iter(_CODE)))
        _CODE[key] = code
    return code


@functools.lru_cache(maxsize=32)
def _compiled(path: str, digest: str, label: str, cache_dir: str | None) -> CompiledTemplate:
    return CompiledTemplate(Path(path), label, Path(cache_dir) if cache_dir else None)


def compiled(path: Path, label: str, cache_dir: Path | None = None) -> CompiledTemplate:
    """The prepared template for `path`, reused while the file's bytes stay the same."""
    st = path.stat()
    return _compiled(str(path), _content_key(str(path), st.st_mtime_ns, st.st_size), label,
                     str(cache_dir) if cache_dir else None)


@functools.lru_cache(maxsize=64)
def _content_key(path: str, mtime_ns: int, size: int) -> str:
    from perfgen.cache import digest
    return digest(Path(path).read_bytes())
