"""`perfgen schemas`."""
from __future__ import annotations

import click

from perfgen.cli.app import Context, cli, handle_errors
from perfgen.cli.init_cmd import show_report


@cli.command("schemas")
@click.option("--modelines", is_flag=True, help="同时补上或改正各数据文件第一行的 yaml-language-server 注释。")
@click.pass_obj
@handle_errors
def schemas_command(obj: Context, modelines: bool) -> None:
    """重新生成编辑器用的 schemas/ 和 .vscode/settings.json 中的 yaml.schemas。

    除自带 schema 的副本外，为每个指标体系生成 schemas/project.<指标体系>.schema.json 和
    schemas/goals.<指标体系>.schema.json：一级指标、二级指标只能从该指标体系中选，写错时编辑器
    当场以中文提示可选的名称；模板名、各模板的版式设置、占位符等也按工作区的模板检查。
    指标体系（profiles/*.yaml）、部门的指标体系或模板改动后运行一次；perfgen validate 会提醒。

    \b
    示例：
      perfgen schemas
      perfgen schemas --modelines
    """
    from perfgen.scaffold.files import ScaffoldReport, add_schemas
    from perfgen.scaffold.modelines import fix_modelines
    from perfgen.scaffold.new import require_workspace
    require_workspace(obj.root)
    report = ScaffoldReport(obj.root)
    add_schemas(report, list_existing=False, overwrite=True)
    if modelines:
        report.updated += fix_modelines(obj.root)
    show_report(report, [])
