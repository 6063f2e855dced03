"""`perfgen validate`."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from perfgen.cli.app import Context, cli, handle_errors
from perfgen.outline import FORMATS


@cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[路径…]")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="输出格式：text 供终端阅读，md 为 Markdown，html 为可直接打开的网页，json 供 CI 等工具使用。")
@click.option("--strict", is_flag=True, help="警告也算作不通过（退出码 1）。")
@click.pass_obj
@handle_errors
def validate_command(obj: Context, paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """检查工作区中的 YAML 文件（格式 + 业务规则），一次列出所有问题。

    每个问题给出文件:行:列、字段位置、问题说明和修改提示。全部通过时退出码为 0，
    有错误时为 1，用法错误为 2。

    \b
    示例：
      perfgen validate
      perfgen validate departments/yutian-zfw/2025
      perfgen validate --format json > findings.json
    """
    from perfgen.validate.report import render  # imported here: the CLI starts fast
    from perfgen.validate.run import files_checked, validate
    result, findings = validate(obj.root, list(paths))
    color = fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    click.echo(render(findings, files_checked(result, obj.root, list(paths)), fmt, color).rstrip("\n"))
    bad = [f for f in findings if f.severity == "error" or (strict and f.severity == "warning")]
    if bad:
        raise SystemExit(1)
