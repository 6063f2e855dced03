"""Time and size limits for rendering a template, and template runtime errors in Chinese.

A workspace's templates are untrusted (docs/SECURITY.md). Jinja's sandbox stops attribute tricks
but not resource use: nested `range(100000)` loops or `lipsum(1000000)` run for hours, `'x'*10**10`
or `'x'.center(3000000000)` allocate gigabytes, `{{ 10**5000 }}` cannot even be printed. So the
environment perfgen renders with (engine.make_environment → `install`) refuses, before they run,
the operations whose result would exceed MAX_OUTPUT_CHARS, has no `lipsum` and no loader (no
`{% include %}`), checks a per-document deadline on every call and every loop step, and `render`
stops a document whose output grows beyond the limit. Every failure while rendering becomes a
UserError naming the template and the tag (`runtime_error`); `static_problems` lets
`perfgen template check` find the same things before a build does.
"""
from __future__ import annotations

import re
import time
import types
from collections.abc import Iterable, Iterator
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from perfgen.errors import UserError

MAX_SECONDS = 60.0                  # one document (a county's largest renders in well under a second)
MAX_OUTPUT_CHARS = 50_000_000       # rendered XML of one document part
MAX_WIDTH = 10_000                  # center/ljust/indent/format widths, repetition counts of text
MAX_POWER_BITS = 4_096              # the result of ** (10**1233 at most; 10**5000 cannot print)
MAX_RANGE = 100_000                 # items of one range()
_CHECK_EVERY = 1024                 # loop steps between deadline checks

_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_SPEC_WIDTH = re.compile(r"[:%][^}%:]*?(\d{5,}|\*)")


class LimitExceeded(SecurityError):
    """A template tried to take more time or memory than one document may use."""


class _Budget:
    """The deadline of the document being rendered (one per environment; a worker renders one
    document at a time)."""

    def __init__(self) -> None:
        self.deadline = float("inf")
        self.steps = 0

    def start(self) -> None:
        self.deadline = time.monotonic() + MAX_SECONDS
        self.steps = 0

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"生成一份文档超过了 {MAX_SECONDS:.0f} 秒（模板中的循环太多或嵌套太深）")


def _counted(items: Iterable[Any], budget: _Budget) -> Iterator[Any]:
    for i, item in enumerate(items):
        if i % _CHECK_EVERY == 0:
            budget.check()
        yield item


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


_MISSING = object()


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox plus the limits above."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = _Budget()
        self.globals.pop("lipsum", None)
        self.globals["range"] = self._range
        for name in ("center", "indent", "format", "wordwrap", "truncate", "replace"):
            if name in self.filters:
                self.filters[name] = _guarded_filter(self.filters[name], name)

    # dict subclasses without instance attributes whose keys read as attributes
    # (render.context.View), each with the names of its class's own attributes; set by make_environment
    attribute_dicts: dict[type, frozenset[str]] = {}

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's sandboxed `obj.attribute`, with a shortcut for the view model's keys (most of a
        county build's lookups, a quarter of rendering): for such a key, one that is not an
        attribute of the class and not private, the sandbox's own checks would return the value
        unchanged."""
        own = self.attribute_dicts.get(type(obj))
        if own is not None and attribute not in own and attribute[:1] != "_":
            value = obj.get(attribute, _MISSING)
            if value is not _MISSING and not isinstance(value, (types.MethodType, types.BuiltinMethodType)):
                return value
        return super().getattr(obj, attribute)

    def _range(self, *args: Any) -> Iterator[int]:
        rng = range(*args)
        if len(rng) > MAX_RANGE:
            raise LimitExceeded(f"range 的项数 {len(rng)} 超过上限 {MAX_RANGE}")
        return _counted(rng, self.budget)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        __self.budget.check()
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str):
            if name in _WIDTH_METHODS and any(isinstance(a, int) and a > MAX_WIDTH for a in (*args, *kwargs.values())):
                raise LimitExceeded(f"{name}() 的宽度超过上限 {MAX_WIDTH}")
            if name in ("format", "format_map") and _SPEC_WIDTH.search(__obj.__self__):
                raise LimitExceeded(f"格式“{__obj.__self__[:40]}”中的宽度超过上限")
            if name == "join":
                args = tuple(_counted(a, __self.budget) if isinstance(a, Iterator) else a for a in args)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.budget.check()
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and max(left.bit_length(), 1) * right > MAX_POWER_BITS and abs(left) > 1:
                raise LimitExceeded(f"乘方 {left}**{right} 的结果太大")
        elif operator == "*":
            for seq, n in ((left, right), (right, left)):
                if _size(seq) and isinstance(n, int) and _size(seq) * n > MAX_OUTPUT_CHARS:
                    raise LimitExceeded(f"重复 {n} 次的结果超过上限 {MAX_OUTPUT_CHARS} 个字符")
        elif operator == "%" and isinstance(left, str) and _SPEC_WIDTH.search(left):
            raise LimitExceeded(f"格式“{left[:40]}”中的宽度超过上限")
        elif operator == "+" and _size(left) + _size(right) > MAX_OUTPUT_CHARS:
            raise LimitExceeded(f"拼接的结果超过上限 {MAX_OUTPUT_CHARS} 个字符")
        return super().call_binop(context, operator, left, right)

    def iter_limited(self, items: Iterable[Any]) -> Iterator[Any]:
        return _counted(items, self.budget)


def _guarded_filter(func: Any, name: str) -> Any:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        numbers = [a for a in (*args[1:], *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)]
        if any(n > MAX_WIDTH for n in numbers) and name != "truncate":
            raise LimitExceeded(f"过滤器 {name} 的参数超过上限 {MAX_WIDTH}")
        if name == "format" and args and isinstance(args[0], str) and _SPEC_WIDTH.search(args[0]):
            raise LimitExceeded(f"过滤器 format 的格式“{args[0][:40]}”中的宽度超过上限")
        if name == "replace" and len(args) >= 3 and isinstance(args[2], str) and args[1] == "" and \
                len(args[2]) * (_size(args[0]) + 1) > MAX_OUTPUT_CHARS:
            raise LimitExceeded("过滤器 replace 的结果超过上限")
        return func(*args, **kwargs)
    for attr in ("jinja_pass_arg",):
        if hasattr(func, attr):
            setattr(guarded, attr, getattr(func, attr))
    guarded.__name__ = getattr(func, "__name__", name)
    return guarded


# ── rendering one part ──────────────────────────────────────────────────────────────────────


def render(env: jinja2.Environment, template: jinja2.Template, context: dict[str, Any], label: str,
           source: str | None = None) -> str:
    """`template.render(context)` within the time and size limits; errors as located UserErrors."""
    budget = getattr(env, "budget", None)
    if budget is not None:
        budget.start()
    out: list[str] = []
    size = 0
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise LimitExceeded(f"生成的文档超过上限 {MAX_OUTPUT_CHARS} 个字符")
            out.append(chunk)
    except (UserError, jinja2.UndefinedError, jinja2.TemplateSyntaxError):
        raise  # the caller words these (engine.template_error)
    except Exception as exc:  # noqa: BLE001 - a template runs user code: every failure is the template's
        raise runtime_error(exc, label, source) from None
    return "".join(out)


def start(env: Any) -> None:
    """Start the deadline of a document rendered by someone else (docxtpl's own render)."""
    budget = getattr(env, "budget", None)
    if budget is not None:
        budget.start()


def runtime_error(exc: BaseException, label: str, source: str | None = None) -> UserError:
    """A failure while rendering, in Chinese, with the tag and paragraph it happened in."""
    what = _what(exc)
    where = _where(exc, source)
    return UserError(f"模板 {label} 渲染失败：{what}" + (f"（{where}）" if where else ""),
                     "在 Word 中打开模板，改正上面提到的标签；运行 perfgen template check 可以预先发现这类问题。")


def _what(exc: BaseException) -> str:
    if isinstance(exc, LimitExceeded):
        return str(exc)
    if isinstance(exc, SecurityError):
        return "模板做了沙箱不允许的操作（访问内部属性或不安全的方法）"
    if isinstance(exc, jinja2.TemplateNotFound) or "no loader" in str(exc):
        return "模板中不能用 {% include %}、{% import %} 或 {% extends %}（模板只能是一个 Word 文件）"
    if isinstance(exc, ZeroDivisionError):
        return "除数为零"
    if isinstance(exc, RecursionError):
        return "宏的递归太深（宏调用了它自己）"
    if isinstance(exc, MemoryError):
        return "内存不足（模板生成的内容太多）"
    if isinstance(exc, OverflowError | ValueError) and "digits" in str(exc):
        return "数字太大，无法印出"
    if isinstance(exc, TypeError | ValueError | OverflowError | ArithmeticError | KeyError | IndexError):
        return f"标签中的运算无法完成（{type(exc).__name__}）"
    return f"模板运行出错（{type(exc).__name__}）"


def _where(exc: BaseException, source: str | None) -> str:
    """The template line (a paragraph, as the renderers split the XML) the error happened on."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    if line is None or source is None:
        return ""
    lines = source.split("\n")
    if not 0 < line <= len(lines):
        return ""
    text = lines[line - 1]
    tags = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text)
    plain = re.sub(r"<[^>]+>", "", text).strip()
    parts = []
    if tags:
        parts.append("出错的标签：" + re.sub(r"<[^>]+>", "", tags[0])[:80])
    if plain:
        parts.append(f"所在段落：“{plain[:60]}”")
    return "，".join(parts)


# ── what template check can find without rendering ──────────────────────────────────────────


def static_problems(ast: nodes.Template) -> list[tuple[int, str]]:
    """(line, Chinese message) for what the limits would refuse, as far as literals show it."""
    found: list[tuple[int, str]] = []
    for node in ast.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        found.append((node.lineno, "模板中不能用 {% include %}、{% import %} 或 {% extends %}（模板只能是一个 Word 文件）"))
    found += _call_problems(ast) + _operator_problems(ast)
    macros = {m.name: m for m in ast.find_all(nodes.Macro)}
    for name, macro in macros.items():
        if any(isinstance(c.node, nodes.Name) and c.node.name == name for c in macro.find_all(nodes.Call)):
            found.append((macro.lineno, f"宏“{name}”调用了它自己（递归），可能无穷无尽"))
    return sorted(set(found))


def _call_problems(ast: nodes.Template) -> list[tuple[int, str]]:
    """lipsum(), and range / width methods / width filters with a literal beyond their limit."""
    found: list[tuple[int, str]] = []
    for call in ast.find_all(nodes.Call):
        fn = call.node
        name = fn.name if isinstance(fn, nodes.Name) else fn.attr if isinstance(fn, nodes.Getattr) else ""
        nums = [n for n in map(_const_int, call.args) if n is not None]
        if name == "lipsum":
            found.append((call.lineno, "模板中不能用 lipsum()"))
        elif name == "range" and nums and max(nums) > MAX_RANGE:
            found.append((call.lineno, f"range 的项数超过上限 {MAX_RANGE}"))
        elif name in _WIDTH_METHODS and nums and max(nums) > MAX_WIDTH:
            found.append((call.lineno, f"{name}() 的宽度超过上限 {MAX_WIDTH}"))
    for flt in ast.find_all(nodes.Filter):
        nums = [n for n in map(_const_int, flt.args) if n is not None]
        if flt.name in ("center", "indent", "wordwrap") and nums and max(nums) > MAX_WIDTH:
            found.append((flt.lineno, f"过滤器 {flt.name} 的参数超过上限 {MAX_WIDTH}"))
    return found


def _big_int(node: nodes.Node, limit: int) -> bool:
    return isinstance(node, nodes.Const) and isinstance(node.value, int) and node.value > limit


def _operator_problems(ast: nodes.Template) -> list[tuple[int, str]]:
    """Division by a literal zero, huge powers, and repetitions that would pass the output limit."""
    found: list[tuple[int, str]] = []
    for op in ast.find_all((nodes.Pow, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod)):
        left, right = op.left, op.right
        if isinstance(op, nodes.Div | nodes.FloorDiv | nodes.Mod) and isinstance(right, nodes.Const) and right.value == 0:
            found.append((op.lineno, "除数为零"))
        elif isinstance(op, nodes.Pow) and _big_int(right, 64):
            found.append((op.lineno, "乘方的结果太大"))
        elif isinstance(op, nodes.Mul) and any(isinstance(x, nodes.Pow) or _big_int(x, MAX_WIDTH) for x in (left, right)):
            found.append((op.lineno, "重复的次数太多，结果会超过上限"))
    return found


def _const_int(node: nodes.Node) -> int | None:
    """The value of an integer literal, or of a small ** or * of literals (10**9), else None."""
    if isinstance(node, nodes.Const) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, nodes.Pow | nodes.Mul):
        left, right = _const_int(node.left), _const_int(node.right)
        if left is None or right is None:
            return None
        if isinstance(node, nodes.Pow):
            return left ** right if 0 <= right <= 64 else None
        return left * right
    return None
