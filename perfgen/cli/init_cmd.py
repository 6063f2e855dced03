"""`perfgen init`."""
from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfgen.cli.app import Context, cli, handle_errors

if TYPE_CHECKING:
    from perfgen.scaffold.files import ScaffoldReport


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def show_report(report: ScaffoldReport, next_steps: list[tuple[str, str]]) -> None:
    """Created and kept files, notes, then what to do next (shared by `init` and `new`)."""
    for rel in report.created:
        click.echo(f"新建  {rel}")
    for rel in report.updated:
        click.echo(f"更新  {rel}")
    for rel in report.skipped:
        click.echo(f"已有  {rel}（未改动）")
    if not report.created and not report.updated:
        click.echo("没有新建文件：需要的文件都已存在。")
    for note in report.notes:
        click.echo(f"注意：{note}")
    if next_steps:
        click.echo("\n下一步：")
        pad = max(_width(command) for command, _ in next_steps) + 3
        for command, why in next_steps:
            click.echo(f"  {command}{' ' * (pad - _width(command))}{why}" if why else f"  {command}")


@cli.command("init")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path), metavar="[目录]")
@click.option("--title", help="汇编标题，可用 {年度}、{地区}、{印发单位}。不写时用默认的标题"
              "（写入的 perfgen.yaml 中可见，地区在那里填写）。")
@click.option("--issuer", help="印发单位，例如“某某县财政局”。不写时留作“待填写”。")
@click.option("--year", type=int, help="默认年度。默认：明年（绩效目标在上一年编制）。")
@click.pass_obj
@handle_errors
def init_command(obj: Context, directory: Path | None, title: str | None, issuer: str | None,
                 year: int | None) -> None:
    """新建工作区：perfgen.yaml、departments/、.gitignore、编辑器设置和持续集成示例。

    在指定的目录（默认：当前目录）中写入：perfgen.yaml（汇编标题、地区、印发单位、默认年度）、
    departments/、忽略 build/ 的 .gitignore、schemas/（编辑器提示用的 JSON Schema）、
    .vscode/settings.json（VS Code 的 YAML 插件据此给出补全和悬停说明）和
    .github/workflows/perfgen.yml（检查、审核、生成并保存文档的 CI 示例）。
    已有的文件一律不改动，所以可以放心重复运行，只会补上缺少的文件。

    \b
    示例：
      perfgen init yutian
      perfgen init --issuer 玉田县财政局 --year 2026
      perfgen init . --title "{年度}年玉田县部门预算绩效目标汇编"
    """
    from perfgen.scaffold import init_workspace  # imported here: the CLI starts fast
    root = directory if directory is not None else obj.root
    report = init_workspace(root, title=title, issuer=issuer, year=year)
    steps = [] if directory is None else [(f"cd {directory}", "进入新工作区")]
    show_report(report, steps + [
        ("perfgen new department <部门id>", "新建部门，例如 perfgen new department yutian-zfw"),
        ("perfgen new project <部门id> <项目id>", "新建项目绩效目标表"),
        ("perfgen validate", "列出还要填写的地方（“待填写”）"),
        ("perfgen build", "生成 Word 文档"),
    ])
