"""click's own words in Chinese: the usage line, the help headings and the errors click reports
before a command runs (a mistyped option, a value of the wrong type, a missing argument).

perfgen's users read Chinese only, and these are the first messages a mistyped command shows.
click looks each of its texts up through gettext (`_()`/`ngettext()` bound in each of its
modules); `install()` points those names at the table below. The table is keyed by click's own
English texts, so tests/test_cli_words.py checks it against the installed click: every text click
can show a user is translated (a click upgrade that adds or rewords one fails the test instead of
printing English), and each translation keeps the {fields} click fills in.
"""
from __future__ import annotations

from typing import Any

import click

# click's text → ours. {fields} are filled in by click; a translation may drop one (such as the
# English type name) but never name one click does not pass.
MESSAGES: dict[str, str] = {
    "Aborted!": "已中断。",
    "deprecated": "已停用",
    "Missing command.": "缺少命令：在 perfgen 后写要运行的命令，例如 perfgen validate。",
    "Options": "选项",
    "Positional arguments": "参数",
    "Commands": "命令",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "提醒：命令“{name}”已停用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "提醒：“{name}”已停用。{extra_message}",
    "Value must be an iterable.": "这里应给出一组值。",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "(dynamic)": "（随情况而定）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "unknown error": "未知错误",
    "Invalid value for {param_hint}: {message}": "{param_hint}的值不对：{message}",
    "Invalid value: {message}": "值不对：{message}",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看用法。",
    "No such option {name!r}.": "没有“{name}”这个选项。",
    "No such command {name!r}.": "没有“{name}”这个命令。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Choice({choices})": "可选（{choices}）",
    "{value} is not in the range {range}.": "{value} 不在允许的范围（{range}）内。",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "“{value}”不是 true 或 false：写 1、true、yes（是）或 0、false、no（否）。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value!r} is not a valid UUID.": "“{value}”不是有效的 UUID。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件，这里要的是目录。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是目录，这里要的是文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取（没有读权限）。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入（没有写权限）。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不能执行。",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在：检查路径是否写对；路径相对于当前目录。",
    "Option {name!r} does not take a value.": "选项“{name}”后面不写值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”要写 {nargs} 个值。",
    "Usage:": "用法：",
    "Do you want to continue?": "要继续吗？",
    "Confirm the action without prompting.": "不再询问，直接确认。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Show the version and exit.": "显示版本号后退出。",
    "Show this message and exit.": "显示本帮助后退出。",
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入的不一致。",
    "Error: invalid input": "错误：输入无效",
}

# ngettext(singular, plural, n): one Chinese text for both
PLURALS: dict[tuple[str, str], str] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        "多出了参数：{args}（检查是否少写了选项名，或含空格的值没有加引号）",
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        "要写 {nargs} 个值。",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        "是不是 {possibilities}？",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        "“{value}”不是可选值。可选：{choices}。",
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        "“{value}”的格式不对，应为 {formats}。",
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        "要写 {len_type} 个值，实际写了 {len_value} 个。",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        "选项“{name}”后面要写值。",
}

# Texts about a malformed command definition or an unusual terminal: a user of perfgen never
# sees them (perfgen defines its commands; it has no shell completion for Bash), so they stay as
# click wrote them. Listed so the test can tell them from a text that is missing.
DEVELOPER_ONLY = frozenset({
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Invalid start character for option ({option})",
    "Unknown color {colour!r}",
    "Unknown standard stream '{name}'",
    "Couldn't detect Bash version, shell completion is not supported.",
    "Shell completion is not supported for Bash versions older than 4.4.",
})

# click's names of value types, as they show in help (--year 整数) and in “不是有效的整数”
TYPE_NAMES = {"integer": "整数", "integer range": "整数", "float": "数字", "float range": "数字",
              "text": "文字", "boolean": "true/false", "filename": "文件", "Path": "路径"}

MODULES = ("core", "exceptions", "types", "parser", "decorators", "formatting", "termui")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    found = PLURALS.get((singular, plural))
    if found is not None:
        return found
    return singular if n == 1 else plural


def install() -> None:
    """Let click speak Chinese: before any command is defined (decorators translate their help
    texts when they run)."""
    import importlib
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            setattr(module, "_", gettext)   # noqa: B010 - the module binds gettext at import
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", ngettext)   # noqa: B010
    for t in (click.INT, click.FLOAT, click.STRING, click.BOOL, click.types.UNPROCESSED):
        t.name = TYPE_NAMES.get(t.name, t.name)
    click.types.IntRange.name = TYPE_NAMES["integer range"]
    click.types.FloatRange.name = TYPE_NAMES["float range"]
    setattr(click.types._NumberRangeBase, "_describe_range", describe_range)   # noqa: B010
    _quote_names_in_chinese()
    formatting = importlib.import_module("click.formatting")
    setattr(formatting, "term_len", display_width)   # noqa: B010   # help columns line up under Chinese option values
    wrapping = importlib.import_module("click._textwrap")
    setattr(wrapping, "term_len", display_width)   # noqa: B010   # help text wraps at the terminal's width
    split = wrapping.TextWrapper._split
    setattr(wrapping.TextWrapper, "_split", lambda self, text: wrap_chunks(split(self, text)))   # noqa: B010


def _quote_names_in_chinese() -> None:
    """Names in click's errors quoted and joined as in the rest of perfgen's messages: 缺少参数“部门ID”。
    rather than 缺少参数 '部门ID'. (an English full stop), “-j/--jobs”的值不对, 是不是“build”？"""
    from click import core, exceptions, types

    def hint(self: click.Parameter, ctx: click.Context | None) -> str:
        return "“" + "/".join(self.opts or [self.human_readable_name]) + "”"

    def argument_hint(self: click.Argument, ctx: click.Context | None) -> str:
        return f"“{self.make_metavar(ctx) if ctx is not None else self.human_readable_name}”"

    def joined(param_hint: Any) -> str | None:
        if param_hint is not None and not isinstance(param_hint, str):
            return "/".join(f"“{x}”" for x in param_hint)
        return param_hint

    def possibilities(names: list[str]) -> str:
        return "是不是" + "、".join(f"“{n}”" for n in sorted(names)) + "？"

    def no_such(self: Any) -> str:
        return f"{self.message}{possibilities(self.possibilities)}" if self.possibilities else str(self.message)

    def missing(self: Any) -> str:
        param = self.param
        name = joined(self.param_hint if self.param_hint is not None
                      else param.get_error_hint(self.ctx) if param is not None else None) or ""
        kind = self.param_type or (param.param_type_name if param is not None else None)
        said = gettext({"argument": "Missing argument", "option": "Missing option"}.get(kind or "", "Missing parameter"))
        more = [m for m in (self.message, param.type.get_missing_message(param=param, ctx=self.ctx)
                            if param is not None else None) if m]
        return f"{said}{name}。" + "。".join(more)

    def invalid_choice(self: click.Choice[Any], value: Any, ctx: click.Context | None) -> str:
        choices = "、".join(map(str, self._normalized_mapping(ctx=ctx).values()))
        return f"“{value}”不是可选值。可选：{choices}。"

    setattr(core.Parameter, "get_error_hint", hint)   # noqa: B010
    setattr(core.Argument, "get_error_hint", argument_hint)   # noqa: B010
    setattr(exceptions, "_join_param_hints", joined)   # noqa: B010
    setattr(exceptions, "_format_possibilities", possibilities)   # noqa: B010
    setattr(exceptions.NoSuchOption, "format_message", no_such)   # noqa: B010
    setattr(exceptions.NoSuchCommand, "format_message", no_such)   # noqa: B010
    setattr(exceptions.MissingParameter, "format_message", missing)   # noqa: B010
    setattr(types.Choice, "get_invalid_choice_message", invalid_choice)   # noqa: B010


def describe_range(self: Any) -> str:
    """A number range in words (“1 到 64”) instead of click's “1<=x<=64”, in help and errors."""
    low = None if self.min is None else f"{'大于' if self.min_open else '至少'} {self.min}"
    high = None if self.max is None else f"{'小于' if self.max_open else '至多'} {self.max}"
    if low and high and not (self.min_open or self.max_open):
        return f"{self.min} 到 {self.max}"
    return "，".join(p for p in (low, high) if p)


_OPENING = "“‘（《「『【〔"
_CLOSING = "”’）》」』】〕，。、；：？！…—％"


def _wide(c: str) -> bool:
    import unicodedata
    return unicodedata.east_asian_width(c) in "WF"


def wrap_chunks(chunks: list[str]) -> list[str]:
    """The pieces a help text may wrap between, for Chinese: each character is one (a line may
    break after any), but a closing mark stays with the character before it and an opening one
    with the character after it. A space between two Chinese characters is where click joined two
    lines of a docstring (“生成。 要生成”), not a space the text has: it is dropped."""
    pieces: list[str] = []
    for chunk in chunks:
        if chunk.isspace():
            pieces.append(chunk)
            continue
        for c in chunk:
            last = pieces[-1] if pieces else ""
            glue = last and not last.isspace() and (
                c in _CLOSING or all(x in _OPENING for x in last)
                or (not _wide(c) and not _wide(last[-1])) or (not _wide(c) and c in ".,;:)!?"))
            if glue:
                pieces[-1] = last + c
            else:
                pieces.append(c)
    kept = [p for i, p in enumerate(pieces)
            if not (p.isspace() and 0 < i < len(pieces) - 1 and _wide(pieces[i - 1][-1]) and _wide(pieces[i + 1][0]))]
    return kept


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: a Chinese character (or full-width punctuation) takes two."""
    import unicodedata

    from click._compat import strip_ansi
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in strip_ansi(text))


class HelpFormatter(click.HelpFormatter):
    """Headings and the usage prefix with the full-width colon of Chinese text (“选项：”)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, gettext("Usage:") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class Context(click.Context):
    formatter_class = HelpFormatter


class Command(click.Command):
    """A command whose usage line reads “用法：perfgen build [选项]” and whose values are named in
    Chinese (--year 整数, --out 目录) where no metavar was given."""

    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            _name_metavar(param)


class Group(click.Group):
    """The same for groups (“perfgen [选项] 命令 [参数]...”); their commands and subgroups too."""

    command_class = Command
    group_class = type   # a subgroup (perfgen template) is a Group like this one
    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)
        for param in self.params:
            _name_metavar(param)


def _name_metavar(param: click.Parameter) -> None:
    if param.metavar is None and isinstance(param, click.Option) and not param.is_flag:
        name = TYPE_NAMES.get(param.type.name, param.type.name)
        if not isinstance(param.type, click.Choice):
            param.metavar = name
