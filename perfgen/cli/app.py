"""The click group and the error boundary shared by every command."""
from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from perfgen import __version__
from perfgen.cli import click_zh
from perfgen.errors import PerfgenError, UsageError, UserError

click_zh.install()   # before the commands below are defined: their help texts are translated then

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Context:
    def __init__(self, root: Path, debug: bool):
        self.root = root
        self.debug = debug


def echo_err(text: str) -> None:
    click.echo(text, err=True)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Map the error hierarchy to messages and exit codes; never show a traceback to users."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        obj = ctx.find_object(Context)
        debug = bool(obj and obj.debug)
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            for f in exc.findings:
                echo_err(f.format())
            echo_err(f"错误：{exc.message}")
            if exc.hint:
                echo_err(f"    提示：{exc.hint}")
            ctx.exit(1)
        except UsageError as exc:
            echo_err(f"用法错误：{exc.message}")
            if exc.hint:
                echo_err(f"    提示：{exc.hint}")
            ctx.exit(2)
        except KeyboardInterrupt:
            echo_err("已中断。")
            ctx.exit(130)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except PerfgenError as exc:  # pragma: no cover - every PerfgenError is a UserError or UsageError
            echo_err(f"错误：{exc}")
            ctx.exit(1)
        except OSError as exc:
            if not output_closed(exc):
                raise_bug(debug)
            ctx.exit(1)
        except Exception:  # a bug: say so plainly, keep the traceback for --debug
            if debug:
                traceback.print_exc()
            else:
                echo_err("perfgen 内部错误（这是程序的缺陷，不是您的数据的问题）。"
                         "请加 --debug 重新运行，并把输出发给维护人员。")
            ctx.exit(3)

    return wrapper


def raise_bug(debug: bool) -> None:
    if debug:
        traceback.print_exc()
    else:
        echo_err("perfgen 内部错误（这是程序的缺陷，不是您的数据的问题）。"
                 "请加 --debug 重新运行，并把输出发给维护人员。")
    click.get_current_context().exit(3)


def output_closed(exc: OSError) -> bool:
    """Standard output went away (`| head -1`) or filled up (`> /dev/full`): not a bug. Says
    so on stderr when the disk is full, stays quiet for a closed pipe, and stops further writes."""
    import errno
    if exc.errno not in (errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EDQUOT) and not isinstance(exc, BrokenPipeError):
        return False
    frames = traceback.extract_tb(exc.__traceback__)
    if not any(f.filename.endswith(("click/utils.py", "click/_compat.py")) for f in frames[-3:]) and frames:
        return False
    report_closed_output(exc)
    return True


_REPORTED: list[bool] = []


def report_closed_output(exc: OSError) -> None:
    """Once per run: stop writing to stdout; a full disk is said on stderr, a closed pipe is quiet."""
    import errno
    import sys
    silence_stdout()
    if exc.errno != errno.EPIPE and not _REPORTED:
        _REPORTED.append(True)
        try:
            sys.stderr.write(f"错误：无法写出结果（{exc.strerror}）\n    提示：检查输出目标的磁盘空间，或把结果写到别处。\n")
        except OSError:
            pass


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import sys
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - stdout without a file
        pass


@click.group(cls=click_zh.Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="perfgen")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="工作区目录（默认：当前目录）。")
@click.option("--debug", is_flag=True, hidden=True, help="内部错误时显示调用栈。")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, debug: bool) -> None:
    """perfgen：预算绩效目标的编写、检查与成文工具。

    各部门的绩效目标以 YAML 保存在 departments/ 下；perfgen 检查它们，并生成官方格式的 Word 文档。

    \b
    示例：
      perfgen validate            检查当前工作区的全部文件
      perfgen build               生成全部部门文档和年度汇编
    """
    ctx.obj = Context(root or Path(os.environ.get("PERFGEN_ROOT", ".")), debug)


def register() -> None:
    """Import every perfgen/cli/*_cmd.py module; each registers its command on `cli`."""
    import importlib
    import pkgutil

    import perfgen.cli as package
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.endswith("_cmd"):
            importlib.import_module(f"perfgen.cli.{info.name}")


register()
