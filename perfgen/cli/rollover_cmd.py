"""`perfgen rollover`."""
from __future__ import annotations

import click

from perfgen.cli.app import Context, cli, handle_errors
from perfgen.errors import UsageError


@cli.command("rollover")
@click.argument("departments", nargs=-1, metavar="[部门id…]")
@click.option("--all", "all_departments", is_flag=True, help="所有有来源年度数据的部门。")
@click.option("--from", "from_year", type=int, required=True, help="来源年度，例如 2025。")
@click.option("--to", "to_year", type=int, help="目标年度（默认：来源年度的下一年）。")
@click.pass_obj
@handle_errors
def rollover_command(obj: Context, departments: tuple[str, ...], all_departments: bool, from_year: int,
                     to_year: int | None) -> None:
    """用今年的文件开始编写下一年度：复制 goals.yaml 和 projects/*.yaml 到新年度目录。

    \b
    复制的文件与原文件逐字相同（注释、字段顺序、引号和换行都保留），只把文字中作为
    年份的来源年度改为目标年度（如“2025年”“2025年度”）；项目编码、项目 id、金额、
    支出计划、项目期和“2023—2025年”这样的年份区间保持不变。
    已存在的文件一律不覆盖，只报告“跳过”。

    预算数、支出计划和指标值照搬上一年，请复制后按新年度修改。

    \b
    示例：
      perfgen rollover yutian-zfw --from 2025 --to 2026
      perfgen rollover --all --from 2025
      perfgen diff yutian-zfw --from 2025 --to 2026     修改后查看与上一年度的差别
    """
    from perfgen.rollover import rollover  # imported here: the CLI starts fast
    if all_departments and departments:
        raise UsageError("不能同时写部门 id 和 --all", "只复制某些部门时写部门 id；复制全部部门时只写 --all。")
    if not all_departments and not departments:
        raise UsageError("请写明要复制的部门 id，或用 --all 复制全部部门",
                         f"例如 perfgen rollover yutian-zfw --from {from_year} --to {from_year + 1}。")
    report = rollover(obj.root, None if all_departments else list(departments), from_year,
                      to_year if to_year is not None else from_year + 1)
    click.echo(report.format())
