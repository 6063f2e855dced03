"""`perfgen new department` and `perfgen new project`."""
from __future__ import annotations

import click

from perfgen.cli.app import Context, cli, handle_errors
from perfgen.cli.init_cmd import show_report


@cli.group("new")
def new_group() -> None:
    """新建带说明的部门或项目文件（每个字段都有中文注释，要填的地方写着“待填写”）。

    \b
    示例：
      perfgen new department yutian-zfw
      perfgen new project yutian-zfw jianyiyongwei-jijin --year 2026
    """


@new_group.command("department")
@click.argument("dept_id", metavar="部门ID")
@click.option("--year", type=int, help="同时新建这一年度的 goals.yaml。默认：perfgen.yaml 中的默认年度。")
@click.option("--template", help="表样（模板名，perfgen template list 列出可选的表样）。默认：hebei。")
@click.option("--profile", help="指标体系（profiles/ 下的文件名）。默认：common。")
@click.pass_obj
@handle_errors
def new_department_command(obj: Context, dept_id: str, year: int | None, template: str | None,
                           profile: str | None) -> None:
    """新建部门：departments/<部门ID>/department.yaml 和该年度的 goals.yaml。

    部门 ID 用小写英文字母、数字和连字符（如 yutian-zfw）；部门的中文名称写在 department.yaml 里。
    已有同名部门时不改动任何文件（退出码 1）。

    \b
    示例：
      perfgen new department yutian-zfw
      perfgen new department yongning-zfw --template ningxia-attachment3 --year 2026
      perfgen new department moushi-sfj --template national-project
      perfgen new department chengde-gxq-zfw --profile xiaoguo
    """
    from perfgen.scaffold import new_department  # imported here: the CLI starts fast
    report = new_department(obj.root, dept_id, year=year, template=template, profile=profile)
    show_report(report, [
        (f"打开 {report.created[0]}", "把“待填写……”换成实际内容"),
        (f"perfgen new project {dept_id} <项目id>", "为部门添加项目绩效目标表"),
        ("perfgen validate", "列出还要填写的地方"),
    ])


@new_group.command("project")
@click.argument("dept_id", metavar="部门ID")
@click.argument("project_id", metavar="项目ID")
@click.option("--year", type=int, help="年度。默认：perfgen.yaml 中的默认年度。")
@click.pass_obj
@handle_errors
def new_project_command(obj: Context, dept_id: str, project_id: str, year: int | None) -> None:
    """新建项目绩效目标表：departments/<部门ID>/<年度>/projects/<项目ID>.yaml。

    指标按部门的指标体系每个一级指标先列一项，支出计划按部门模板的时间节点列出。
    该年度还没有 goals.yaml 时一并新建。已有同名项目时不改动任何文件（退出码 1）。

    \b
    示例：
      perfgen new project yutian-zfw jianyiyongwei-jijin
      perfgen new project yutian-zfw saohei-chue --year 2026
    """
    from perfgen.scaffold import new_project  # imported here: the CLI starts fast
    report = new_project(obj.root, dept_id, project_id, year=year)
    show_report(report, [
        (f"打开 {report.created[-1]}", "把“待填写……”换成实际内容"),
        ("perfgen validate", "列出还要填写的地方"),
        ("perfgen build", "生成 Word 文档"),
    ])


@new_group.command("results")
@click.argument("dept_id", metavar="部门ID")
@click.argument("project_id", metavar="项目ID")
@click.option("--year", type=int, help="年度。默认：该项目所在的最新年度。")
@click.option("--checkpoint", default="6月底", show_default=True, help="监控节点，例如 6月底、8月底。")
@click.pass_obj
@handle_errors
def new_results_command(obj: Context, dept_id: str, project_id: str, year: int | None, checkpoint: str) -> None:
    """新建监控和自评结果：departments/<部门ID>/<年度>/results/<项目ID>.yaml。

    从已批准的绩效目标抄出每个指标及其年度指标值，完成值留空待填；绩效目标文件本身不改。
    已有结果文件时不改动任何文件（退出码 1）。

    \b
    示例：
      perfgen new results yutian-zfw saohei-chue
      perfgen new results yongning-zfw zonghe-zhili-fei --checkpoint 8月底
    """
    from perfgen.results.scaffold import (
        new_results,  # imported here: the CLI starts fast
    )
    report = new_results(obj.root, dept_id, project_id, year=year, checkpoint=checkpoint)
    show_report(report, [
        (f"打开 {report.created[-1]}" if report.created else "", "填写执行数和各指标的完成值"),
        ("perfgen validate", "检查结果与绩效目标是否对应、得分能否计算"),
        ("perfgen build", "生成自评表和监控表"),
    ])
