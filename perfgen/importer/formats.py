"""Reading printed text back through the layout's formats: the inverse of perfgen.model.layout.fill.

A template prints "{n}.{项目名称}绩效目标表" or "（{cn}）"; the importer turns such a format into a
regular expression and reads the fields back ("1.见义勇为基金绩效目标表" → n=1, 项目名称=见义勇为基金).
When a document was typed with another wording, the candidates listed in labels.yaml are tried in
turn and the one that fits becomes a 版式 setting, so the rebuilt document prints the same way.
"""
from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_FIELD = {
    "n": r"\d{1,3}",
    "cn": r"[一二三四五六七八九十百零〇]{1,5}",
    "年度": r"\d{4}",
    "项目名称": r".+?",
    "项目数": r"\d{1,4}",
    "合计万元": r"\d+(?:\.\d+)?",
    "金额万元": r"\d+(?:\.\d+)?",
}
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十一 → 21, 一百零五 → 105; None when it is not a Chinese number."""
    if not text or any(c not in _CN_DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for c in text:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[c]
    return total + current


def _narrow(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Format:
    """A layout format and the regular expression that reads it back."""

    fmt: str
    regex: re.Pattern[str]
    loose: re.Pattern[str]
    names: tuple[str, ...]

    def match(self, text: str, prefix: bool = False, suffix: bool = False) -> dict[str, str] | None:
        """Fields read from `text`, exactly or else after narrowing full-width forms; None if no fit.

        prefix: the format starts the text, "_rest" is what follows; suffix: it ends the text,
        "_rest" is what precedes. "_exact" is "1" when the text matched without narrowing.
        """
        for pattern, subject, exact in ((self.regex, text, "1"), (self.loose, _narrow(text), "")):
            if prefix:
                m = pattern.match(subject)
                rest = subject[m.end():] if m else ""
            elif suffix:
                m = re.compile(f"(?:{pattern.pattern})$").search(subject)
                rest = subject[: m.start()] if m else ""
            else:
                m = pattern.fullmatch(subject)
                rest = ""
            if m:
                fields = {name: m.group(f"g{i}") for i, name in enumerate(self.names)}
                fields["_rest"] = rest
                fields["_exact"] = exact
                return fields
        return None

    def number(self, fields: dict[str, str]) -> int | None:
        if "n" in fields:
            return int(fields["n"])
        if "cn" in fields:
            return cn_to_int(fields["cn"])
        return None


@functools.lru_cache(maxsize=512)
def compile_format(fmt: str) -> Format:
    parts: list[str] = []
    loose: list[str] = []
    names: list[str] = []
    for literal, name, _spec, _conv in string.Formatter().parse(fmt):
        parts.append(re.escape(literal))
        loose.append(re.escape(_narrow(literal)))
        if name is not None:
            if name in names:
                ref = f"(?P=g{names.index(name)})"
                parts.append(ref)
                loose.append(ref)
                continue
            group = f"(?P<g{len(names)}>{_FIELD.get(name, r'.+?')})"
            parts.append(group)
            loose.append(group)
            names.append(name)
    return Format(fmt, re.compile("".join(parts)), re.compile("".join(loose)), tuple(names))


def candidates(current: str | None, others: Iterable[str]) -> list[Format]:
    """The layout's own format first, then the other wordings from labels.yaml."""
    seen: list[str] = []
    for f in ([current] if current is not None else []) + list(others):
        if f not in seen:
            seen.append(f)
    return [compile_format(f) for f in seen]


def best_format(texts: list[str], formats: list[Format], **how: bool) -> Format | None:
    """The format that reads the most texts (exact matches count before narrowed ones); ties go to
    the earlier format, so the layout's own wording wins when it fits as well as another."""
    best, best_score = None, (0, 0)
    for f in formats:
        results = [f.match(t, **how) for t in texts]
        score = (sum(1 for r in results if r), sum(1 for r in results if r and r["_exact"]))
        if score > best_score:
            best, best_score = f, score
    return best


def format_from_example(text: str, values: dict[str, str]) -> str | None:
    """Turn a printed sentence into a format by naming the values it contains.

    "2025年专项项目12个，项目经费共407.257万元。" with {年度: 2025, 项目数: 12, 合计万元: 407.257}
    → "{年度}年专项项目{项目数}个，项目经费共{合计万元}万元。"; None unless every value occurs once.
    """
    escaped = text.replace("{", "{{").replace("}", "}}")
    for name, value in sorted(values.items(), key=lambda kv: -len(kv[1])):
        pattern = re.compile(r"(?<![\d.])" + re.escape(value) + r"(?![\d.])")
        found = pattern.findall(escaped)
        if len(found) != 1:
            return None
        escaped = pattern.sub("{" + name + "}", escaped)
    return escaped
