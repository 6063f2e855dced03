"""Characters a Word document cannot hold, found in any YAML document with their exact place.

One walk serves the data files (validate/rules.xml_characters) and the layout files
(validate/layout_check), so a control character copied into a 封面落款 is reported like one in a
project, instead of vanishing silently from the document."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from perfgen.errors import Finding
from perfgen.render.xmltext import has_invalid_xml_chars, invalid_xml_chars
from perfgen.yamlsource import YamlDocument

_CHAR_NAMES = {"\x0b": "垂直制表符（从 Word 复制时常带入）", "\x00": "空字符", "\x0c": "换页符"}


def _walk(value: object, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        if invalid_xml_chars(value):
            yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(k, path + (k,)) if isinstance(k, str) and invalid_xml_chars(k) else iter(())
            yield from _walk(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, path + (i,))


def findings(rel: str, doc: YamlDocument, crumb: Any = None) -> Iterator[Finding]:
    """One finding per text that holds such a character; `crumb(path)` names the place."""
    if doc.text and not has_invalid_xml_chars(doc.text) and "\\" not in doc.text:
        return  # nothing to find (escapes such as "\v" in quotes are checked the slow way)
    for path, text in _walk(doc.data, ()):
        bad = invalid_xml_chars(text)[0]
        name = _CHAR_NAMES.get(bad, "不可见的控制字符" if ord(bad) < 0x20 else "无效字符")
        line, col = doc.position(path)
        yield Finding(file=rel, line=line, column=col, code="rule.xml-character",
                      breadcrumb=crumb(path) if crumb else None,
                      message=f"文字中含有{name}（U+{ord(bad):04X}），Word 文档无法保存这个字符",
                      hint="删除这个字符：在编辑器中定位到该行，删去看不见的字符后重新输入；"
                           "从 Word 复制的文字请先粘贴到记事本再复制。")
