"""The words the importer looks for (labels.yaml beside this file), and matching cell text to them.

One loader for one file kind: the shipped labels.yaml, then the workspace's own importer/labels.yaml
over it (each entry it writes replaces the shipped entry of the same name, group by group), both
checked against schemas/labels.schema.json and their 句式 compiled, so a typo is a located Chinese
error before any document is read. `perfgen import` reads with the workspace's words
(`using(root)`); everything else here answers from whichever vocabulary is in use.
"""
from __future__ import annotations

import contextlib
import copy
import functools
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perfgen.errors import Finding, UserError

LABELS_FILE = Path(__file__).with_name("labels.yaml")
WORKSPACE_FILE = "importer/labels.yaml"   # a workspace's own words, relative to its root


class Vocabulary:
    """One merged labels.yaml: its data, and the indexes and patterns built from it on demand."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self._indexes: dict[str, dict[str, str]] = {}
        self._patterns: dict[str, re.Pattern[str]] = {}

    def index(self, group: str) -> dict[str, str]:
        """Spelling (as a comparison key) → canonical label, for one group of labels.yaml."""
        table = self._indexes.get(group)
        if table is None:
            table = {}
            for canonical, spellings in self.data[group].items():
                for s in [canonical, *spellings]:
                    table.setdefault(_label_key(s), canonical)
            self._indexes[group] = table
        return table

    def pattern(self, name: str) -> re.Pattern[str]:
        compiled = self._patterns.get(name)
        if compiled is None:
            compiled = self._patterns[name] = re.compile(self.data["句式"][name])
        return compiled


INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def key(text: str) -> str:
    """A label for comparison: NFKC, no white space, full-width brackets and colons narrowed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", INVISIBLE.sub("", text)))


def _label_key(text: str) -> str:
    return key(text).rstrip(":")


def _read(path: Path, rel: str) -> tuple[dict[str, Any] | None, list[Finding]]:
    """One labels file as data, with every schema and 句式 problem as a located finding."""
    from perfgen import yamlsource
    from perfgen.validate.schema_check import check
    doc, findings = yamlsource.read(path, rel)
    if doc is None:
        return None, findings
    findings = findings + check(doc, "labels")
    if not findings:
        for name, text in (doc.data.get("句式") or {}).items():
            try:
                re.compile(text)
            except re.error as exc:
                line, column = doc.position(("句式", name))
                findings.append(Finding(file=rel, line=line, column=column, code="labels.pattern",
                                        message=f"句式 › {name}: 不是有效的正则表达式（{exc}）",
                                        hint="检查括号、方括号是否成对；要匹配字面的 ( ) [ ] . 等，在前面加反斜杠。"))
    return (doc.data if not findings else None), findings


def merge(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """The workspace's entries over the shipped ones: group by group, an entry replaces its namesake."""
    out = copy.deepcopy(base)
    for group, value in own.items():
        if isinstance(value, dict) and isinstance(out.get(group), dict):
            out[group].update(copy.deepcopy(value))
        else:
            out[group] = copy.deepcopy(value)
    return out


@functools.cache
def shipped() -> Vocabulary:
    data, findings = _read(LABELS_FILE, "perfgen/importer/labels.yaml")
    if data is None:  # pragma: no cover - tests/test_import_labels.py keeps the shipped file valid
        raise UserError("perfgen 自带的 labels.yaml 有错误", "重新安装 perfgen。", findings=findings)
    return Vocabulary(data)


def load(root: Path | None) -> Vocabulary:
    """The shipped words, with the workspace's importer/labels.yaml over them when it has one."""
    path = root / WORKSPACE_FILE if root is not None else None
    if path is None or not path.exists():
        return shipped()
    data, findings = _read(path, WORKSPACE_FILE)
    if data is None:
        raise UserError(f"{WORKSPACE_FILE} 有错误，导入没有开始", "按提示改正（各组的写法见 perfgen 自带的 labels.yaml 和"
                        " docs/导入.md），或删去这个文件以使用自带的写法。", findings=findings)
    return Vocabulary(merge(shipped().data, data))


_IN_USE: list[Vocabulary] = []


@contextlib.contextmanager
def using(root: Path | None) -> Iterator[Vocabulary]:
    """Read with the workspace's words for the duration of one import."""
    _IN_USE.append(load(root))
    try:
        yield _IN_USE[-1]
    finally:
        _IN_USE.pop()


def current() -> Vocabulary:
    return _IN_USE[-1] if _IN_USE else shipped()


def vocab() -> dict[str, Any]:
    return current().data


def label_of(text: str, group: str) -> str | None:
    """Which label of `group` ("表格标签", "指标表头", "章节标题", "说明小标题", "部门表表头") `text` is."""
    return current().index(group).get(_label_key(text))


def candidates(setting: str) -> list[str]:
    """Other wordings of a 版式 setting to try when the layout's own does not fit."""
    return list(vocab().get("版式候选", {}).get(setting, []))


def pattern(name: str) -> re.Pattern[str]:
    """A fixed sentence shape (labels.yaml 句式), compiled."""
    return current().pattern(name)


def words(name: str) -> list[str]:
    """A plain list of words (labels.yaml 词语), e.g. the marks that mean an empty cell."""
    return list(vocab()["词语"][name])
