"""Long titles broken into balanced lines at word boundaries (GB/T 9704: 回行时要做到词意完整，排列对称).

A 2号 title wider than the text block would wrap wherever the line is full (“…指标的说” / “明”). The
template asks for the break (`{{ title|title_break(20.33) }}`, the measure in characters of the
title's size: make_templates.py computes it from the page and the font size); this module chooses
the lines: as many as the width needs, of nearly equal length, never ending inside a listed word
(nor inside a number or before closing punctuation), preferring ends at the boundaries of listed
words. The words are data a finance bureau edits: the layout key 标题回行词语 (its default in
schemas/layout.schema.json; a template's layout.yaml or a department's 版式 lists words that add
to it), which the templates pass to the filter (`title_break(20.33, L.标题回行词语)`). Widths
count a Chinese character (and full-width punctuation) as 1 and an ASCII character as ½, as the
title fonts set them.
"""
from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterable
from itertools import accumulate

_NO_LINE_START = set("，。、；：！？）》」』”’〉】…—·%")
_NO_LINE_END = set("（《「『“‘〈【")
_UNPREFERRED = 2.0   # cost of ending a line away from a listed word's boundary, in characters
# A title needing more lines is not balanced (the renderer lets it wrap): a layout format may repeat
# {项目名称} into thousands of characters, and balancing grows with lines × break points.
MAX_LINES = 8


WORDS_KEY = "标题回行词语"   # the layout key that lists them


@functools.cache
def words() -> tuple[str, ...]:
    """The default words (the layout schema's), longest first: for templates that do not pass their own."""
    from perfgen.model.layout import schema_defaults
    return listed_words(schema_defaults()[WORDS_KEY])


def listed_words(items: Iterable[object]) -> tuple[str, ...]:
    """A layout's word list as title_lines wants it: distinct, longest first."""
    return tuple(sorted({str(w) for w in items if str(w)}, key=len, reverse=True))


def width(text: str) -> float:
    """Width in characters of the title size: ASCII counts ½, everything else 1."""
    return sum(0.5 if ord(c) < 128 else 1.0 for c in text)


def _break_points(text: str, listed: tuple[str, ...]) -> tuple[set[int], set[int]]:
    """Positions a line may end at (a break before text[i]), and the preferred ones."""
    inside: set[int] = set()
    bounds: set[int] = set()
    for w in listed:
        start = text.find(w)
        while start >= 0:
            inside.update(range(start + 1, start + len(w)))
            bounds.update((start, start + len(w)))
            start = text.find(w, start + 1)
    allowed = set()
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if i in inside or b in _NO_LINE_START or a in _NO_LINE_END or b.isspace() or a.isspace():
            continue
        if ord(a) < 128 and a.isalnum():   # a number or Latin word sticks to what follows it (2024年)
            continue
        allowed.add(i)
    return allowed, bounds & allowed


def title_lines(text: str, measure: float, listed: tuple[str, ...] | None = None) -> list[str]:
    """The lines of `text` for a line `measure` characters wide: [text] when it fits."""
    if not measure > 0 or width(text) <= measure or width(text) > MAX_LINES * measure:   # not > 0: also NaN
        return [text]
    listed = words() if listed is None else listed
    allowed, preferred = _break_points(text, listed)
    n = math.ceil(width(text) / measure)
    while n <= min(len(text), MAX_LINES):
        best = _best(text, n, measure, sorted(allowed), preferred)
        if best is not None:
            return best
        n += 1
    return [text]


def _best(text: str, n: int, measure: float, points: list[int], preferred: set[int]) -> list[str] | None:
    """The best split of `text` into n lines at `points` (dynamic programming over line ends): lines
    near the average width, ends at preferred points, and on a tie the upper line the longer."""
    ideal = width(text) / n
    ends = [0, *points, len(text)]
    at = [0.0, *accumulate(width(c) for c in text)]   # at[p]: width of text[:p]
    starts = [at[e] for e in ends]
    # cost[k][j]: best cost of k lines ending at ends[j]; back[k][j]: where the last line started
    inf = float("inf")
    cost = [[inf] * len(ends) for _ in range(n + 1)]
    back = [[-1] * len(ends) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for k in range(1, n + 1):
        for j in range(1, len(ends)):
            # the first start from which the line ends[i]:ends[j] fits the measure (widths only grow leftwards)
            first = bisect.bisect_left(starts, starts[j] - measure - 1e-9, 0, j)
            for i in range(first, j):
                if cost[k - 1][i] == inf:
                    continue
                w = starts[j] - starts[i]
                if w > measure:
                    continue
                c = cost[k - 1][i] + (w - ideal) ** 2
                if j < len(ends) - 1 and ends[j] not in preferred:
                    c += _UNPREFERRED
                c += 0.01 * (k - 1) * w   # a tie goes to the longer upper line
                if c < cost[k][j]:
                    cost[k][j], back[k][j] = c, i
    if cost[n][-1] == inf:
        return None
    cuts, j = [len(text)], len(ends) - 1
    for k in range(n, 0, -1):
        j = back[k][j]
        cuts.append(ends[j])
    cuts.reverse()
    return [text[a:b] for a, b in zip(cuts, cuts[1:])]
