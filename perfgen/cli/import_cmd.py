"""`perfgen import`."""
from __future__ import annotations

from pathlib import Path

import click

from perfgen.cli.app import Context, cli, handle_errors


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path), metavar="文件")
@click.option("--dept", required=True, help="导入到哪个部门（部门 id，例如 yutian-zfw）；没有时新建。")
@click.option("--year", required=True, type=int, help="导入到哪个年度，例如 2025。")
@click.option("--force", is_flag=True, help="覆盖已有的 YAML 文件（默认不覆盖，一个文件也不写）。")
@click.option("--dry-run", is_flag=True, help="只显示将要写入的文件和内容，不写入。")
@click.pass_obj
@handle_errors
def import_command(obj: Context, file: Path, dept: str, year: int, force: bool, dry_run: bool) -> None:
    """把已有的 Word 文档（.docx）或 Excel 指标表（.xlsx）转成部门的 YAML 文件。

    认得河北“部门预算绩效信息”（第一部分、项目说明和项目绩效目标表）和宁夏“附件3”项目表。

    Excel 表每行一个指标，表头行按“一级指标、二级指标、三级指标、指标值……”等列名自动找到。

    写入 departments/<部门>/department.yaml（部门不存在时）、<年度>/goals.yaml 和 <年度>/projects/*.yaml。

    无法放入 YAML 的内容逐条列出（文件、第几张表、第几行）。

    已有文件不会被覆盖，除非加 --force；文件不是 .docx/.xlsx、已加密或没有可识别的表格时退出码为 1。

    \b
    示例：
      perfgen import 玉田县委政法委2025.docx --dept yutian-zfw --year 2025
      perfgen import 附件3.docx --dept yongning-zfw --year 2024 --dry-run
      perfgen import 指标导出.xlsx --dept yutian-zfw --year 2025 --force
    """
    from perfgen.importer.run import ImportOptions, import_file  # imported here: the CLI starts fast
    report = import_file(obj.root, ImportOptions(file=file, dept=dept, year=year, force=force, dry_run=dry_run))
    what = "将写入" if dry_run else "已写入"
    click.echo(f"{what} {len(report.files)} 个文件（模板 {report.template}，指标体系 {report.profile}；"
               f"{report.projects} 个项目，{report.indicators} 个指标）：")
    for f in report.files:
        state = "覆盖" if f.rel in report.overwritten else "新建"
        click.echo(f"  {state} {f.rel}  {f.summary}")
    if dry_run:
        if report.overwritten and not force:
            click.echo(f"注意：{len(report.overwritten)} 个文件已存在，实际导入时需要加 --force。")
        for f in report.files:
            click.echo(f"\n=== {f.rel} ===")
            click.echo(f.text, nl=False)
    notes = [x for x in report.findings if x.severity == "info"]
    problems = [x for x in report.findings if x.severity != "info"]
    if problems:
        click.echo(f"\n需要核对的内容（{len(problems)} 项）：")
        for x in problems:
            click.echo(_indent(x.format()))
    if notes:
        click.echo(f"\n导入时的处理说明（{len(notes)} 项）：")
        for x in notes:
            click.echo(_indent(x.format()))
    if report.validation:
        click.echo(f"\n导入结果的检查（perfgen validate）发现 {len(report.validation)} 个问题：")
        for x in report.validation:
            click.echo(_indent(x.format()))
    elif not problems:
        click.echo("\n全部内容已导入，检查通过。")
    else:
        click.echo("\n导入结果检查通过。")
    if not dry_run:
        click.echo(f"下一步：perfgen validate departments/{dept}/{year}，然后 perfgen build --dept {dept}")


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
