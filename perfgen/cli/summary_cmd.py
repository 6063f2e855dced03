"""`perfgen summary`: the finance bureau's summary of monitoring and self-evaluation results."""
from __future__ import annotations

from pathlib import Path

import click

from perfgen.cli.app import Context, cli, handle_errors
from perfgen.outline import FORMATS  # one list for every report (light: no core import)


@cli.command("summary")
@click.option("--year", "years", type=int, multiple=True, help="只汇总这一年度（可重复）。默认：全部年度。")
@click.option("--dept", "departments", multiple=True, help="只汇总这个部门（部门 id，可重复）。")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="输出格式：text 供终端阅读，md 为 Markdown，html 为带图表的网页，json 供程序使用。")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="把汇总写入这个文件（默认：输出到屏幕）。")
@click.option("--force", is_flag=True, help="-o 指定的文件已存在时覆盖它（默认不覆盖）。")
@click.pass_obj
@handle_errors
def summary_command(obj: Context, years: tuple[int, ...], departments: tuple[str, ...], fmt: str,
                    out: Path | None, force: bool) -> None:
    """汇总各部门和全县的绩效自评得分（分布、评级）与预算执行进度（对照支出计划），供财政部门使用。

    读取 departments/<部门>/<年度>/results/ 中的监控和自评结果；评级档次见 rules/scoring.yaml。
    html 格式带两张图：自评得分分布，和各部门最近监控节点的执行率与支出计划进度。

    \b
    示例：
      perfgen summary --year 2025
      perfgen summary --format html -o 绩效汇总.html
    """
    from perfgen.results.summary import summarize  # imported here: the CLI starts fast
    from perfgen.results.summary_report import render
    if out is not None:
        from perfgen.paths import check_output
        check_output(out, obj.root, force, "-o")
    text = render(summarize(obj.root, list(years) or None, list(departments) or None), fmt)
    if out is not None:
        from perfgen.render.package import write_atomic
        write_atomic(out, text.encode("utf-8"))
        click.echo(f"已写入 {out}")
    else:
        click.echo(text, nl=False)
