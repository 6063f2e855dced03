"""What people typed, made regular: full-width digits, signs, amounts, percentages, white space.

Text keeps its Chinese punctuation as written (，。：（）％ in prose are the author's choice); only
full-width digits and Latin letters become ordinary ones, and stray white space goes. Fields with a
numeric meaning (指标值, 金额, 支出计划) also get their signs normalised (＞＝ → ≥, ９０％ → 90%) and
amounts become exact Decimal 元, whether written "1,234.50元", "12.5万元" or "１２．５万".
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from perfgen.importer.labels import INVISIBLE as _INVISIBLE
from perfgen.importer.labels import key as key
from perfgen.importer.labels import words

# Full-width digits and Latin letters → ASCII (U+FF10–FF19, FF21–FF3A, FF41–FF5A).
_WIDE = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(r[0], r[1] + 1)}
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u202f]+")
# Characters between which a space is never meaningful in Chinese text.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201f\u2026\u2014"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])|(?<=[{_CJK}]) (?=[0-9A-Za-z])|(?<=[0-9A-Za-z%]) (?=[{_CJK}])")
# Signs in numeric fields, as people type them.
_SIGNS = [(">=", "≥"), ("<=", "≤"), ("≧", "≥"), ("≦", "≤"), ("⩾", "≥"), ("⩽", "≤"), ("=>", "≥"), ("=<", "≤")]
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def wide_to_ascii(text: str) -> str:
    """Full-width digits and Latin letters as ASCII; everything else unchanged."""
    return text.translate(_WIDE)


def clean_line(text: str) -> str:
    """One line of text: invisible characters and stray spaces removed, full-width digits narrowed."""
    text = _INVISIBLE.sub("", wide_to_ascii(text))
    text = _SPACES.sub(" ", text).strip()
    return _CJK_GAP.sub("", text)


def lines(text: str) -> list[str]:
    """Text with line breaks as its non-empty cleaned lines (each prints as one paragraph)."""
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").split("\n"):
        line = clean_line(raw)
        if line:
            out.append(line)
    return out


def one_line(text: str) -> str:
    """A short field (name, 三级指标) typed over several lines in a narrow cell, as one line."""
    parts = lines(text)
    if not parts:
        return ""
    out = parts[0]
    for p in parts[1:]:
        sep = " " if re.match(r"[0-9A-Za-z]", p) and re.search(r"[0-9A-Za-z]$", out) else ""
        out += sep + p
    return out


def block(text: str) -> str:
    """A multi-line cell (部门绩效文本信息) keeping its line breaks, each line cleaned."""
    return "\n".join(lines(text))


def numeric(text: str) -> str:
    """NFKC plus the ≥/≤ spellings: for values, amounts and percentages only."""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    for a, b in _SIGNS:
        text = text.replace(a, b)
    return text


def value_text(text: str) -> str:
    """An indicator value (指标值) as printed: ≥９０％ → ≥90%, ＞＝95% → ≥95%, spaces removed."""
    text = one_line(text)
    if not text:
        return ""
    text = numeric(text)
    return re.sub(r"\s+", "", text) if re.match(r"^[≥≤<>=]?\s*\d", text) else text



class AmountError(ValueError):
    """A cell meant to hold an amount holds something else."""


def _empty(text: str) -> bool:
    """Is `text` one of the marks for "nothing" (labels.yaml 词语 › 空值)?"""
    return text in words("空值")


def parse_amount(text: str, unit: str = "元") -> Decimal | None:
    """An amount as Decimal 元. `unit` is the form's unit ("元" or "万元") for bare numbers.

    "1,234.50元" → 1234.50; "12.5万元" / "12.5万" → 125000; "" or "-" → None. Raises AmountError
    for anything that is not a number with an optional 元/万元.
    """
    t = numeric(text)
    t = re.sub(r"[\s,，]", "", t).lstrip("¥￥")
    if _empty(t):
        return None
    m = re.match(r"^(\d+(?:\.\d+)?)(万元|万|元)?$", t)
    if not m:
        raise AmountError(text)
    number = Decimal(m.group(1))
    suffix = m.group(2) or ("万元" if unit.startswith("万") else "元")
    if suffix.startswith("万"):
        number *= 10000
    return number


def yuan(amount: Decimal) -> str:
    """Decimal 元 as the YAML writes it: "50000.00" (two decimals; more are kept, validation will say)."""
    if amount == amount.quantize(Decimal("0.01")):
        return str(amount.quantize(Decimal("0.01")))
    return format(amount.normalize(), "f")


def parse_percent(text: str) -> tuple[Decimal, int] | None:
    """A spending-plan cell: "25.00%" → (25, 2), "２５％" → (25, 0), "25" → (25, 0), "" → None."""
    t = re.sub(r"\s+", "", numeric(text)).rstrip("%")
    if _empty(t):
        return None
    if not _NUMBER.match(t):
        raise AmountError(text)
    decimals = len(t.split(".", 1)[1]) if "." in t else 0
    return Decimal(t), decimals
