"""Text that is safe to put in WordprocessingML."""
from __future__ import annotations

import re

# XML 1.0 allows \t \n \r and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
# The class as regex text (also a JSON Schema pattern's, for the editor: scaffold/editor_checks.py);
# surrogates apart, since a JSON string cannot hold a lone one.
INVALID_XML_CLASS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ufffe\\uffff"
_INVALID_XML = re.compile("[" + INVALID_XML_CLASS + "\ud800-\udfff]")


def invalid_xml_chars(text: str) -> list[str]:
    return _INVALID_XML.findall(text)


def xml_safe(text: str) -> str:
    """Drop characters XML cannot hold (validation refuses them first; this is the safety net)."""
    return _INVALID_XML.sub("", text)


def has_invalid_xml_chars(text: str) -> bool:
    return _INVALID_XML.search(text) is not None
