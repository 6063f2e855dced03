"""The words the importer looks for (labels.yaml beside this file), and matching cell text to them.

One loader for one file kind: the shipped labels.yaml, then the workspace's own importer/labels.yaml
over it (each entry it writes replaces the shipped entry of the same name, group by group), both
checked against schemas/labels.schema.json and their 句式 compiled, so a typo is a located Chinese
error before any document is read. `perfgen import` reads with the workspace's words
(`using(root)`); everything else here answers from whichever vocabulary is in use.

A workspace's 句式 is untrusted (docs/SECURITY.md): a pattern such as `(.+)+#` backtracks for
hours on one table cell. So 句式 run on the `regex` engine with a time limit per match
(MATCH_SECONDS; the shipped patterns take microseconds): a slower match stops the import with a
located error instead of hanging. A workspace's 句式 must have as many groups as the shipped one it
replaces (the importer reads them), and a match whose first group has the wrong shape
(GROUP_SHAPES) counts as no match.
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

import regex

from perfgen import paths
from perfgen.errors import Finding, UserError

LABELS_FILE = Path(__file__).with_name("labels.yaml")
WORKSPACE_FILE = paths.LABELS_FILE   # a workspace's own words, relative to its root
MATCH_SECONDS = 1.0   # one match of a workspace 句式 on one cell or paragraph (the shipped need microseconds)
TOTAL_SECONDS = 5.0   # processor time of all matches of one workspace 句式 in one import (a slow pattern
                      # meets every cell; processor time, so a busy machine does not count against it)
# The 句式 whose first group the importer reads, and the shape that group must have to be used
# (说明金额: the amount in 万元; 金额单位: the unit; 支出计划节点: the month).
GROUP_SHAPES = {"说明金额": r"\d+(?:\.\d+)?", "金额单位": "万元|元", "支出计划节点": r"\d{1,2}"}


class Sentence:
    """One 句式, compiled, with where it was written: match/search as re's. A workspace's own 句式
    (`limited`) runs under a time limit per match and per import; the shipped ones are trusted."""

    def __init__(self, name: str, text: str, where: tuple[str, int | None, int | None], limited: bool = True):
        self.name, self.where, self.limited = name, where, limited
        self.compiled = regex.compile(text)
        self.shape = regex.compile(GROUP_SHAPES[name]) if name in GROUP_SHAPES else None
        self.spent = 0.0   # seconds of matching so far in this import

    def match(self, text: str) -> regex.Match[str] | None:
        return self._run(self.compiled.match, text)

    def search(self, text: str) -> regex.Match[str] | None:
        return self._run(self.compiled.search, text)

    def _run(self, how: Any, text: str) -> regex.Match[str] | None:
        if not self.limited:
            return self._shaped(how(text))
        import time
        start = time.process_time()
        try:
            m: regex.Match[str] | None = how(text, timeout=min(MATCH_SECONDS, max(TOTAL_SECONDS - self.spent, 0.001)))
        except TimeoutError:
            m = None
            self.spent = TOTAL_SECONDS
        else:
            self.spent += time.process_time() - start
        if self.spent >= TOTAL_SECONDS:
            file, line, _ = self.where
            raise UserError(f"{file}:{line or 1}: 句式 › {self.name}: 匹配太慢（一次超过 {MATCH_SECONDS:g} 秒或累计超过 "
                            f"{TOTAL_SECONDS:g} 秒），导入已停止",
                            "这个正则表达式会反复回溯（例如 (.+)+ 或 (.|..)+ 这样嵌套或重叠的重复）："
                            "去掉嵌套的重复，写得具体些（例如 [^。]+ 代替 .+），或删去这一项以使用自带的写法。")
        return self._shaped(m)

    def _shaped(self, m: regex.Match[str] | None) -> regex.Match[str] | None:
        """No match when the first group, which the importer reads, has the wrong shape."""
        if m is not None and self.shape is not None and not self.shape.fullmatch(m.group(1) or ""):
            return None
        return m


class Vocabulary:
    """One merged labels.yaml: its data, and the indexes and patterns built from it on demand."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self._indexes: dict[str, dict[str, str]] = {}
        self._patterns: dict[str, Sentence] = {}
        # where each 句式 was written (file, line, column), for the error of a match that runs too long
        self.where: dict[str, tuple[str, int | None, int | None]] = {}

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

    def pattern(self, name: str) -> Sentence:
        compiled = self._patterns.get(name)
        if compiled is None:
            where = self.where.get(name, ("perfgen/importer/labels.yaml", None, None))
            compiled = self._patterns[name] = Sentence(name, self.data["句式"][name], where,
                                                       limited=where[0] == WORKSPACE_FILE)
        return compiled


INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def key(text: str) -> str:
    """A label for comparison: NFKC, no white space, full-width brackets and colons narrowed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", INVISIBLE.sub("", text)))


def _label_key(text: str) -> str:
    return key(text).rstrip(":")


def _read(path: Path, rel: str) -> tuple[dict[str, Any] | None, list[Finding],
                                         dict[str, tuple[str, int | None, int | None]], Any]:
    """One labels file as data, with every schema and 句式 problem as a located finding, where
    each of its 句式 is written, and the document read (for the place of any other entry)."""
    from perfgen import yamlsource
    from perfgen.validate.schema_check import check
    doc, findings = yamlsource.read(path, rel)
    if doc is None:
        return None, findings, {}, None
    findings = findings + check(doc, "labels")
    where: dict[str, tuple[str, int | None, int | None]] = {}
    if not findings:
        for name, text in (doc.data.get("句式") or {}).items():
            line, column = doc.position(("句式", name))
            where[name] = (rel, line, column)
            problem = _pattern_problem(name, text, rel == WORKSPACE_FILE)
            if problem is not None:
                findings.append(Finding(file=rel, line=line, column=column, code="labels.pattern",
                                        message=f"句式 › {name}: {problem[0]}", hint=problem[1]))
    return (doc.data if not findings else None), findings, where, doc


def _pattern_problem(name: str, text: str, workspace: bool) -> tuple[str, str] | None:
    """Why a 句式 cannot be used (message, hint), or None. A workspace's 句式 needs as many groups
    as the shipped one it replaces: the importer reads those groups."""
    try:
        compiled = regex.compile(text)
    except regex.error as exc:
        return (f"不是有效的正则表达式（{exc}）",
                "检查括号、方括号是否成对；要匹配字面的 ( ) [ ] . 等，在前面加反斜杠。")
    needed = regex.compile(shipped_text(name)).groups if workspace else 0
    if compiled.groups < needed:
        return (f"括号分组不够：导入读取前 {needed} 组（括号括起的部分），这里只有 {compiled.groups} 组",
                f"把要读出的部分用括号括起来，例如自带的“{shipped_text(name)}”；只是分组而不读出的括号写成 (?:…)。")
    return None


def shipped_text(name: str) -> str:
    """The shipped wording of a 句式 (for hints)."""
    return str(shipped().data["句式"].get(name, ""))


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
    data, findings, where, _ = _read(LABELS_FILE, "perfgen/importer/labels.yaml")
    if data is None:  # pragma: no cover - tests/test_import_labels.py keeps the shipped file valid
        raise UserError("perfgen 自带的 labels.yaml 有错误", "重新安装 perfgen。", findings=findings)
    vocabulary = Vocabulary(data)
    vocabulary.where.update(where)
    return vocabulary


def check_workspace(root: Path) -> list[Finding]:
    """The workspace's importer/labels.yaml as validate sees it: what `load` would refuse, and a
    默认指标体系 that names no profile (it would silently never win a tie), found before an import."""
    from perfgen import resources
    path = root / WORKSPACE_FILE
    if not path.exists():   # as load() sees it: a folder or device here is refused there, so reported here
        return []
    data, findings, _, doc = _read(path, WORKSPACE_FILE)
    default = data.get("默认指标体系") if data is not None else None
    profiles = resources.available(root, "profiles", ".yaml")
    if isinstance(default, str) and default not in profiles:
        line, column = doc.position(("默认指标体系",))
        import difflib
        close = difflib.get_close_matches(default, profiles, n=1, cutoff=0.5)
        findings.append(Finding(file=WORKSPACE_FILE, line=line, column=column, code="labels.unknown-profile",
                                message=f"默认指标体系“{default}”不存在",
                                hint=(f"是不是“{close[0]}”？" if close else "")
                                + "写 profiles/ 下（工作区或 perfgen 自带）的指标体系名（不含 .yaml）："
                                + "、".join(profiles)))
    return findings


def load(root: Path | None) -> Vocabulary:
    """The shipped words, with the workspace's importer/labels.yaml over them when it has one."""
    path = root / WORKSPACE_FILE if root is not None else None
    if path is None or not path.exists():
        return shipped()
    data, findings, where, _ = _read(path, WORKSPACE_FILE)
    if data is None:
        raise UserError(f"{WORKSPACE_FILE} 有错误，导入没有开始", "按提示改正（各组的写法见 perfgen 自带的 perfgen/importer/labels.yaml"
                        " 和 README 的“工作区”一节），或删去这个文件以使用自带的写法。", findings=findings)
    vocabulary = Vocabulary(merge(shipped().data, data))
    vocabulary.where.update({**shipped().where, **where})
    return vocabulary


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


def pattern(name: str) -> Sentence:
    """A fixed sentence shape (labels.yaml 句式), compiled."""
    return current().pattern(name)


def words(name: str) -> list[str]:
    """A plain list of words (labels.yaml 词语), e.g. the marks that mean an empty cell."""
    return list(vocab()["词语"][name])
