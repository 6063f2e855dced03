"""Amounts written in Chinese prose: “安排8万元”, “共计228000元”, “2万”.

Explanations and goals state money as text; to compare it with the budget (元, exact decimals) the
amounts are found with their unit and the words just before them (共计, 合计, =).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from perfgen.model.amounts import TEN_THOUSAND, format_wan

# 万 alone counts as 万元 only when no other character follows (“2万。”, not “1万人”).
_AMOUNT = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|万(?![\u4e00-\u9fff]))")
_ITEM_START = re.compile(r"^\s*(?:(?:\d+|[一二三四五六七八九十]+)[、.．)）](?!\d)|[（(](?:\d+|[一二三四五六七八九十]+)[)）])")
_SCALE = {"元": Decimal(1), "万元": TEN_THOUSAND, "万": TEN_THOUSAND, "亿元": Decimal(100_000_000)}


@dataclass(frozen=True)
class Amount:
    text: str          # as written, e.g. 8万元
    yuan: Decimal
    before: str        # the text just before it, for words such as 共计


def amounts(text: str) -> list[Amount]:
    """Every amount of money in `text`, in order."""
    s = unicodedata.normalize("NFKC", text)
    found = []
    for m in _AMOUNT.finditer(s):
        number = Decimal(m.group("num").replace(",", ""))
        found.append(Amount(m.group(0), number * _SCALE[m.group("unit")], s[max(0, m.start() - 8):m.start()]))
    return found


def is_total(amount: Amount, markers: list[str]) -> bool:
    """Is the amount introduced as a total (共计 228000元, =380016元)?"""
    before = re.sub(r"[为是约:：\s]+$", "", amount.before)
    return any(before.endswith(m) for m in markers if m)


def funding_items(lines: list[str]) -> list[str]:
    """Numbered breakdown lines (1、… 2.…) as items; an unnumbered line continues the one before."""
    items: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if _ITEM_START.match(unicodedata.normalize("NFKC", line)) or not items:
            items.append(line)
        else:
            items[-1] += line
    return items


def wan(yuan: Decimal) -> str:
    """An amount as people write it in these texts: 330000 → 33万元."""
    return f"{format_wan(yuan)}万元"
