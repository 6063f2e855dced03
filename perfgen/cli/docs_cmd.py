"""`perfgen docs` (maintainers): regenerate the generated pages of the user guide."""
from __future__ import annotations

import click

from perfgen.cli.app import cli, handle_errors


@cli.command("docs", hidden=True)
@click.option("--check", is_flag=True, help="只检查，不写文件：有页面需要重新生成时退出码 1。")
@handle_errors
def docs_command(check: bool) -> None:
    """（维护用）根据 schemas/、profiles/、rules/ 和测试用例重新生成 docs/ 中的说明页。

    重新生成 字段说明.md、指标分类.md、审核规则.md 和 常见错误.md；其余页面是手写的，不受影响。
    只能在 perfgen 源码仓库中使用。改了 JSON Schema、指标体系、审核规则或错误消息后运行。

    \b
    示例：
      perfgen docs
      perfgen docs --check
    """
    from perfgen import docsgen  # imported here: the CLI starts fast
    if check:
        stale = docsgen.stale()
        for name in stale:
            click.echo(f"需要重新生成：docs/{name}")
        if stale:
            click.echo("运行 perfgen docs 重新生成。")
            raise SystemExit(1)
        click.echo("docs/ 中的生成页面都是最新的。")
        return
    changed = docsgen.write()
    for name in changed:
        click.echo(f"已更新 docs/{name}")
    if not changed:
        click.echo("docs/ 中的生成页面都是最新的，没有改动。")
