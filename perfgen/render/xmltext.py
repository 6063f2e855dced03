"""Text that is safe to put in WordprocessingML."""
from __future__ import annotations

import re

# XML 1.0 allows \t \n \r and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def invalid_xml_chars(text: str) -> list[str]:
    return _INVALID_XML.findall(text)


def xml_safe(text: str) -> str:
    """Drop characters XML cannot hold (validation refuses them first; this is the safety net)."""
    return _INVALID_XML.sub("", text)


def has_invalid_xml_chars(text: str) -> bool:
    return _INVALID_XML.search(text) is not None
