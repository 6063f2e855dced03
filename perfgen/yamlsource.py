"""Reading a user's YAML file safely, keeping the line and column of every value.

PyYAML's `safe_load` silently keeps the last of duplicate keys, turns 115000.00 into a float and
forgets positions. Here the file is composed into nodes (nothing is constructed from tags, so
`!!python/object` cannot execute) and built into plain data by our own walker, which:
- refuses unknown tags, duplicate keys, merge keys and multi-document files;
- turns YAML floats into `Decimal` from their source text (amounts are never floats);
- records the position of every value and key, addressed by its path (("绩效指标", 2, "指标值"));
- stops alias bombs by bounding the expanded size.
Decoding problems (GBK files, binary files, huge files) and common typing slips (tab indentation,
full-width colons) get their own located messages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from perfgen.errors import Finding
from perfgen.paths import MAX_YAML_BYTES

try:  # libyaml is much faster; the pure-Python loader behaves the same.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_BYTES = MAX_YAML_BYTES
MAX_EXPANDED_NODES = 200_000
MAX_INT_DIGITS = 4000  # below Python's limit on int <-> text (4,300 digits), so every int prints
_MAX_INT_BITS = 13_288  # 4,000 nines; 10**4000 has 13,289 bits

Path_ = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_INT_HELPER = yaml.constructor.SafeConstructor()
_bool_values = yaml.SafeLoader.bool_values


@dataclass
class YamlDocument:
    """Plain data from one YAML file plus where each piece came from.

    Positions are computed lazily: most files have no findings, and composing nodes with marks
    costs more than loading the data itself.
    """

    path: Path
    rel: str
    data: Any
    _positions: dict[Path_, tuple[int, int]] | None = field(default=None, repr=False)
    _key_positions: dict[Path_, tuple[int, int]] | None = field(default=None, repr=False)
    text: str = ""

    @property
    def positions(self) -> dict[Path_, tuple[int, int]]:
        self._locate()
        return self._positions  # type: ignore[return-value]

    @property
    def key_positions(self) -> dict[Path_, tuple[int, int]]:
        self._locate()
        return self._key_positions  # type: ignore[return-value]

    def _locate(self) -> None:
        if self._positions is None:
            try:
                _, self._positions, self._key_positions = parse(self.text, self.rel)
            except YamlProblem:  # pragma: no cover - the text parsed once already
                self._positions, self._key_positions = {}, {}

    def position(self, path: Path_, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value at `path`, or of its nearest ancestor."""
        table = self.key_positions if key else self.positions
        if key and path in table:
            return table[path]
        p = tuple(path)
        while True:
            if p in self.positions:
                return self.positions[p]
            if not p:
                return (None, None)
            p = p[:-1]


class YamlProblem(Exception):
    """A file could not be read as data; carries the located finding."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def _finding(rel: str, message: str, hint: str | None, line: int | None = None,
             column: int | None = None, code: str = "yaml") -> Finding:
    return Finding(file=rel, line=line, column=column, message=message, hint=hint, code=code)


def decode(raw: bytes, rel: str) -> str:
    """Bytes to text: UTF-8 (a BOM is fine), with a pointed message for GBK and binary files."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(_finding(
            rel, f"文件过大（{len(raw) // 1024} KB，上限 {MAX_BYTES // 1024} KB）",
            "一个 YAML 文件只写一个部门、一个年度或一个项目；请检查是否误放了其他文件。",
            code="file.too-large"))
    if b"\x00" in raw[:8192]:
        raise YamlProblem(_finding(
            rel, "这是二进制文件，不是文本格式的 YAML",
            "请确认文件没有被 Word/Excel 另存或损坏；YAML 文件应使用记事本、VS Code 等文本编辑器编辑。",
            code="file.binary"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            looks = "文件看起来是 GBK（GB2312/GB18030）编码"
        except UnicodeDecodeError:
            looks = "文件不是 UTF-8 编码"
        raise YamlProblem(_finding(
            rel, f"{looks}，perfgen 只读取 UTF-8 编码的文件",
            "请用 VS Code 打开，点右下角的编码“GBK”→“通过编码保存”→选“UTF-8”；"
            "或在记事本中“另存为”时把编码选为“UTF-8”。",
            line=line, code="file.encoding")) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_FULLWIDTH_KEY = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s:#：\"'|>][^:#：\"']{0,30}?)\s*：")


def lint_text(text: str, rel: str, known_keys: frozenset[str]) -> list[Finding]:
    """Typing slips that make YAML mean something else: tab indentation, full-width colons."""
    findings: list[Finding] = []
    in_block = False
    block_indent = -1
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if in_block:
            if stripped == "" or indent > block_indent:
                continue
            in_block = False
        if stripped.startswith("\t") or (line[:indent + 1].endswith("\t") and stripped):
            findings.append(_finding(
                rel, "用制表符（Tab）缩进了这一行，YAML 只允许用空格缩进",
                "把行首的 Tab 换成空格（每级缩进 2 个空格）；在 VS Code 中可点右下角“制表符”改为“空格”。",
                line=number, column=indent + 1, code="yaml.tab"))
            continue
        m = _FULLWIDTH_KEY.match(line)
        if m and m.group("key").strip() in known_keys:
            key = m.group("key").strip()
            findings.append(_finding(
                rel, f"字段“{key}”后面用了全角冒号“：”，YAML 要求半角冒号“:”",
                f"改成“{key}: ”（英文半角冒号，后面再加一个空格）。",
                line=number, column=m.end("key") + 1, code="yaml.fullwidth-colon"))
        if re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", line):
            in_block = True
            block_indent = indent
    return findings


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, rel: str):
        self.rel = rel
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.key_positions: dict[Path_, tuple[int, int]] = {}
        self.sizes: dict[int, int] = {}
        self.seen_collections: set[int] = set()

    def fail(self, node: yaml.Node, message: str, hint: str | None, code: str) -> None:
        line, col = _mark(node)
        raise YamlProblem(_finding(self.rel, message, hint, line, col, code))

    def expanded_size(self, node: yaml.Node, depth: int = 0) -> int:
        key = id(node)
        if key in self.sizes:
            return self.sizes[key]
        if depth > 200:
            self.fail(node, "嵌套层次过深", "请检查缩进或别名（*）是否形成了循环。", "yaml.too-deep")
        self.sizes[key] = MAX_EXPANDED_NODES + 1  # a cycle counts as too big
        if isinstance(node, yaml.MappingNode):
            size = 1 + sum(self.expanded_size(k, depth + 1) + self.expanded_size(v, depth + 1)
                           for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            size = 1 + sum(self.expanded_size(v, depth + 1) for v in node.value)
        else:
            size = 1
        size = min(size, MAX_EXPANDED_NODES + 1)
        self.sizes[key] = size
        return size

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.positions[path] = _mark(node)
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if tag != _TAG + "seq":
                self.bad_tag(node)
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if tag != _TAG + "map":
                self.bad_tag(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _TAG + "merge":
                    self.fail(key_node, "不支持“<<”合并写法", "请把需要的字段直接写出来。", "yaml.merge")
                if not isinstance(key_node, yaml.ScalarNode):
                    self.fail(key_node, "字段名必须是简单的文字", "检查这一行的写法：应为“字段: 值”。", "yaml.complex-key")
                key = self.scalar(key_node)
                key = key if isinstance(key, str) else str(key_node.value)
                if key in result:
                    first = self.key_positions.get(path + (key,), (None, None))
                    self.fail(key_node, f"字段“{key}”重复出现（第一次在第 {first[0]} 行）",
                              "同一层级每个字段只能写一次；删除或合并重复的那一处。", "yaml.duplicate-key")
                self.key_positions[path + (key,)] = _mark(key_node)
                result[key] = self.build(value_node, path + (key,))
            return result
        self.bad_tag(node)  # pragma: no cover

    def bad_tag(self, node: yaml.Node) -> None:
        self.fail(node, f"不允许使用标签“{node.tag}”",
                  "perfgen 只接受普通的文字、数字、列表和键值对；删除以“!”开头的标签。"
                  "（出于安全考虑，这类标签不会被执行。）", "yaml.tag")

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag not in _SCALAR_TAGS:
            self.bad_tag(node)
        if tag == _TAG + "str" or tag == _TAG + "timestamp":
            return value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return _bool_values[value.lower()]
        if tag == _TAG + "int":
            try:
                whole: int = _INT_HELPER.construct_yaml_int(node)  # handles 0x, 0o, underscores
                if whole.bit_length() <= _MAX_INT_BITS:
                    return whole
            except ValueError:  # past Python's digit limit (4,300): never a real number here
                pass
            self.fail(node, f"数字“{value[:20]}…”有 {len(value)} 位，太长了",
                          f"整数最多写 {MAX_INT_DIGITS} 位；金额请写成“50000.00”这样的普通数字，"
                          "编号等长串数字请加引号当作文字。", "yaml.number")
        # float: keep the exact decimal the user wrote
        text = value.replace("_", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail(node, f"“{value}”不是有效的数字", "金额和百分比请写普通数字，例如 50000.00。", "yaml.number")
        return number


class _Unusual(Exception):
    """The fast loader met something only the careful path explains (duplicates, odd tags…)."""


class _FastLoader(_Loader):  # type: ignore[misc]
    pass


def _fast_float(loader: Any, node: yaml.ScalarNode) -> Decimal:
    try:
        number = Decimal(node.value.replace("_", ""))
    except InvalidOperation:
        raise _Unusual from None
    if not number.is_finite():
        raise _Unusual
    return number


def _fast_map(loader: Any, node: yaml.MappingNode) -> Any:
    keys = [k.value for k, _ in node.value]
    if len(set(keys)) != len(keys) or any(not isinstance(k, yaml.ScalarNode) or k.tag == _TAG + "merge"
                                          for k, _ in node.value):
        raise _Unusual
    data: dict[Any, Any] = {}
    yield data
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        data[key if isinstance(key, str) else str(key_node.value)] = loader.construct_object(value_node)


def _fast_int(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        number = _INT_HELPER.construct_yaml_int(node)
    except ValueError:  # the careful path explains it
        raise _Unusual from None
    if number.bit_length() > _MAX_INT_BITS:
        raise _Unusual
    return number


def _fast_unknown(loader: Any, node: yaml.Node) -> Any:
    raise _Unusual


_FastLoader.add_constructor(_TAG + "float", _fast_float)
_FastLoader.add_constructor(_TAG + "int", _fast_int)
_FastLoader.add_constructor(_TAG + "map", _fast_map)
_FastLoader.add_constructor(_TAG + "timestamp", lambda loader, node: node.value)
_FastLoader.add_constructor(_TAG + "binary", _fast_unknown)
_FastLoader.add_constructor(_TAG + "set", _fast_unknown)
_FastLoader.add_constructor(_TAG + "omap", _fast_unknown)
_FastLoader.add_constructor(_TAG + "pairs", _fast_unknown)
_FastLoader.add_constructor(None, _fast_unknown)
_CAREFUL = re.compile(r"(?:^|[\s\[{,:-])[&*!]|<<|^---|^\.\.\.|^%", re.MULTILINE)


def load_fast(text: str) -> Any:
    """Plain data for ordinary files, or _Unusual when the careful path must look (anchors,
    aliases, tags, duplicate keys, several documents)."""
    if _CAREFUL.search(text):
        raise _Unusual
    try:
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - our loader derives from CSafeLoader
    except (yaml.YAMLError, _Unusual, ValueError):  # ValueError: an int beyond 4300 digits
        raise _Unusual from None


def parse(text: str, rel: str) -> tuple[Any, dict[Path_, tuple[int, int]], dict[Path_, tuple[int, int]]]:
    """Compose and build one YAML document, raising YamlProblem with a located Chinese message."""
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(_syntax_finding(exc, text, rel)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlProblem(_finding(rel, f"YAML 格式错误：{exc}", "检查缩进和冒号。", code="yaml.syntax")) from None
    nodes = [n for n in nodes if n is not None]
    if len(nodes) > 1:
        line, col = _mark(nodes[1])
        raise YamlProblem(_finding(rel, "文件中有多个 YAML 文档（用“---”分隔）",
                                   "一个文件只写一份内容；删除多余的“---”及其后的内容，或拆成单独的文件。",
                                   line, col, "yaml.multi-document"))
    if not nodes:
        return None, {}, {}
    builder = _Builder(rel)
    if builder.expanded_size(nodes[0]) > MAX_EXPANDED_NODES:
        raise YamlProblem(_finding(rel, "别名（&/*）展开后内容过大，已拒绝读取",
                                   "不要用锚点和别名层层引用；直接把内容写出来。",
                                   *_mark(nodes[0]), code="yaml.alias-bomb"))
    data = builder.build(nodes[0], ())
    return data, builder.positions, builder.key_positions


_PROBLEM_CN = [
    ("found invalid Unicode character escape code", "双引号中的 \\u 转义不是有效的字符（例如孤立的代理码 \\ud800）",
     "删除这个转义；要写的字直接输入即可，不需要用 \\u 编码。"),
    ("found character '\\t' that cannot start any token", "出现了制表符（Tab）",
     "YAML 只允许用空格缩进；把 Tab 换成空格。"),
    ("mapping values are not allowed here", "这里不能出现“字段: 值”",
     "通常是上一行或这一行缩进不对，或者文字中含有“: ”（冒号加空格）——含冒号的文字请用引号括起来。"),
    ("could not find expected ':'", "缺少冒号“:”",
     "每个字段写成“字段: 值”（半角冒号后加空格）；若用了全角冒号“：”，请改为半角。"),
    ("did not find expected key", "缩进不对齐或缺少字段名",
     "同一层级的字段要左对齐；列表项以“- ”开头并对齐。"),
    ("did not find expected '-' indicator", "列表项缩进不对齐", "同一列表的各项“- ”要左对齐。"),
    ("found undefined alias", "引用了未定义的别名（*）", "删除“*名称”或先用“&名称”定义。"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有闭合", "检查最后几行的引号是否成对。"),
    ("found unknown escape character", "双引号中出现了无效的转义符“\\”",
     "双引号文字中的反斜杠要写成“\\\\”，或改用单引号。"),
    ("expected <block end>, but found", "缩进不一致", "同一层级的内容要对齐；检查这一行的前导空格。"),
    ("while scanning a quoted scalar", "引号没有闭合", "检查这一行的引号是否成对。"),
    ("found character that cannot start any token", "这一行以 YAML 不允许的字符开头",
     "以“@”“`”“%”等开头的文字请用引号括起来。"),
    ("while scanning an alias", "“*”后面应是别名", "以“*”开头的文字请用引号括起来。"),
    ("while scanning an anchor", "“&”后面应是锚点名", "以“&”开头的文字请用引号括起来。"),
]


def _syntax_finding(exc: yaml.MarkedYAMLError, text: str, rel: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = f"{exc.context or ''} {exc.problem or ''}"
    message, hint = "YAML 格式错误", "检查这一行及上一行的缩进、冒号和引号。"
    for needle, cn, cn_hint in _PROBLEM_CN:
        if needle in problem:
            message, hint = f"YAML 格式错误：{cn}", cn_hint
            break
    if line is not None:
        lines = text.split("\n")
        if 0 < line <= len(lines) and "：" in lines[line - 1] and ":" not in lines[line - 1]:
            hint = "这一行用了全角冒号“：”；字段名后应为半角冒号“:”加空格。"
    return _finding(rel, message, hint, line, column, "yaml.syntax")


def read(path: Path, rel: str, known_keys: frozenset[str] = frozenset()) -> tuple[YamlDocument | None, list[Finding]]:
    """Read one file; returns the document (None when unreadable) and the problems found."""
    from perfgen.paths import FileProblem, read_limited
    try:
        raw = read_limited(path, MAX_BYTES)
    except FileProblem as problem:
        return None, [_finding(rel, problem.message, problem.hint, code=problem.code)]
    return read_bytes(raw, path, rel, known_keys)


def read_bytes(raw: bytes, path: Path, rel: str,
               known_keys: frozenset[str] = frozenset()) -> tuple[YamlDocument | None, list[Finding]]:
    """`read` for bytes already in memory (the loader hashes them for its cache first)."""
    try:
        text = decode(raw, rel)
    except YamlProblem as problem:
        return None, [problem.finding]
    lint = lint_text(text, rel, known_keys) if ("\t" in text or "：" in text) else []
    if not lint:
        try:
            data = load_fast(text)
        except _Unusual:
            pass
        else:
            if data is None:
                return None, [_finding(rel, "文件是空的", "按模板填写内容，或用 perfgen new 生成带说明的骨架。",
                                       line=1, code="file.empty")]
            return YamlDocument(path, rel, data, text=text), []
    try:
        data, positions, key_positions = parse(text, rel)
    except YamlProblem as problem:
        # A lint finding on the same spot explains the syntax error better than the parser does.
        if lint:
            return None, lint
        return None, [problem.finding]
    if data is None:
        return None, lint + [_finding(rel, "文件是空的", "按模板填写内容，或用 perfgen new 生成带说明的骨架。",
                                      line=1, code="file.empty")]
    return YamlDocument(path, rel, data, positions, key_positions, text), lint
