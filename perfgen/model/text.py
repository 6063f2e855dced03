"""Text fields as paragraphs: a Text value is a string (lines split at newlines) or a list of them."""
from __future__ import annotations

from typing import Any


def text_lines(value: Any) -> list[str]:
    """A Text field (string or list of strings) as lines; each line prints as one paragraph."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.replace("\r\n", "\n").split("\n") if value != "" else []
    lines: list[str] = []
    for item in value:
        lines.extend(str(item).replace("\r\n", "\n").split("\n"))
    return lines
