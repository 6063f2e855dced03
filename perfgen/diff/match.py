"""Pairing the projects (and indicators) of two versions.

A project keeps its 项目编码 across edits more reliably than anything else, so codes are matched
first; then the file name (project id), which rollover keeps; last the name, by character
similarity, which catches a project renamed and moved to a new file. Each pass only looks at what
the previous passes left unmatched, and ambiguous keys (a code used twice) are skipped.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from perfgen.model.entities import Indicator, Project

T = TypeVar("T")


@dataclass
class Pairing(Generic[T]):
    pairs: list[tuple[T, T, str]]  # (old, new, how they were matched)
    removed: list[T]
    added: list[T]


def similarity(a: str, b: str) -> float:
    """0–1 similarity of two strings, character by character."""
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _by_key(old: list[T], new: list[T], key: Callable[[T], Hashable | None], how: str,
            pairs: list[tuple[T, T, str]], unique: bool) -> tuple[list[T], list[T]]:
    def index(items: list[T]) -> dict[Hashable, list[T]]:
        table: dict[Hashable, list[T]] = {}
        for item in items:
            k = key(item)
            if k is not None and k != "":
                table.setdefault(k, []).append(item)
        return table

    left, right = index(old), index(new)
    used_old: set[int] = set()
    used_new: set[int] = set()
    for k, olds in left.items():
        news = right.get(k)
        if not news:
            continue
        if unique and (len(olds) > 1 or len(news) > 1):
            continue
        for o, n in zip(olds, news):
            pairs.append((o, n, how))
            used_old.add(id(o))
            used_new.add(id(n))
    return [o for o in old if id(o) not in used_old], [n for n in new if id(n) not in used_new]


def _by_similarity(old: list[T], new: list[T], text: Callable[[T], str], threshold: float, how: str,
                   pairs: list[tuple[T, T, str]],
                   allowed: Callable[[T, T], bool] = lambda a, b: True) -> tuple[list[T], list[T]]:
    scored = []
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            if not allowed(o, n):
                continue
            r = similarity(text(o), text(n))
            if r >= threshold:
                scored.append((-r, i, j))
    scored.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, i, j in scored:
        if i in used_old or j in used_new:
            continue
        pairs.append((old[i], new[j], how))
        used_old.add(i)
        used_new.add(j)
    return ([o for i, o in enumerate(old) if i not in used_old], [n for j, n in enumerate(new) if j not in used_new])


def pair(old: Sequence[T], new: Sequence[T], keys: list[tuple[Callable[[T], Hashable | None], str, bool]],
         text: Callable[[T], str] | None = None, threshold: float = 1.0, how: str = "相似",
         allowed: Callable[[T, T], bool] = lambda a, b: True) -> Pairing[T]:
    """Pair items by each (key, how, unique) in turn, then by similarity of `text`; pairs in new order."""
    pairs: list[tuple[T, T, str]] = []
    rest_old, rest_new = list(old), list(new)
    for key, key_how, unique in keys:
        rest_old, rest_new = _by_key(rest_old, rest_new, key, key_how, pairs, unique)
    if text is not None:
        rest_old, rest_new = _by_similarity(rest_old, rest_new, text, threshold, how, pairs, allowed)
    order = {id(p): i for i, p in enumerate(new)}
    pairs.sort(key=lambda t: order[id(t[1])])
    return Pairing(pairs, rest_old, rest_new)


def match_projects(old: Sequence[Project], new: Sequence[Project], threshold: float) -> Pairing[Project]:
    """Code, then id, then name similarity ≥ `threshold`."""
    return pair(old, new, [(lambda p: p.code, "项目编码", True), (lambda p: p.id, "项目 id", True),
                           (lambda p: p.name, "项目名称", True)],
                text=lambda p: p.name, threshold=threshold, how="名称相似")


def match_indicators(old: Sequence[Indicator], new: Sequence[Indicator], threshold: float) -> Pairing[Indicator]:
    """The same indicator in two versions: exact row, same 二级+三级(+描述), same 三级 or description
    within the first-level category, then similar wording there. Duplicates pair in order."""
    keys: list[tuple[Callable[[Indicator], Hashable | None], str, bool]] = [
        (lambda i: (i.level1, i.level2, i.level3, i.description, i.value_text), "", False),
        (lambda i: (i.level2, i.level3, i.description), "", False),
        (lambda i: (i.level2, i.level3), "", False),
        (lambda i: (i.level1, i.level3), "", False),
        (lambda i: (i.level1, i.description), "", False),
    ]
    return pair(old, new, keys, text=lambda i: f"{i.level3}\n{i.description}", threshold=threshold,
                allowed=lambda a, b: a.level1 == b.level1)
