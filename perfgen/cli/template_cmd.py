"""`perfgen template check` and `perfgen template copy`."""
from __future__ import annotations

from pathlib import Path

import click

from perfgen import resources
from perfgen.cli.app import Context, cli, handle_errors
from perfgen.errors import UserError


@cli.group("template")
def template_group() -> None:
    """模板相关命令。

    \b
    示例：
      perfgen template list
      perfgen template check
      perfgen template check templates/hebei/template.docx
      perfgen template copy hebei --as hebei-tangshan
    """


@template_group.command("list")
@click.pass_obj
@handle_errors
def list_command(obj: Context) -> None:
    """列出可用的表样（模板），每个一行：模板名和它印出的是哪种表。

    在 department.yaml 中写“模板: 名称”选用；新建部门时用 --template 名称。

    \b
    示例：
      perfgen template list
    """
    from perfgen.render.template_list import summaries
    items = summaries(obj.root)
    width = max((len(t.name) for t in items), default=0)
    for t in items:
        click.echo(f"{t.name.ljust(width)}  {t.summary}{'' if t.shipped else '（工作区 templates/）'}")
    click.echo("\n选用：在 department.yaml 中写“模板: 名称”；新建部门：perfgen new department <部门ID> --template 名称")


@template_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path), metavar="[文件…]")
@click.pass_obj
@handle_errors
def check_command(obj: Context, files: tuple[Path, ...]) -> None:
    """检查 Word 模板：列出 docxtpl 无法解析的标签和数据中没有的变量。

    不给文件时检查工作区 templates/ 下和 perfgen 自带的全部模板。在 Word/WPS 中改过模板后，
    先运行这个命令，再生成文档。没有问题时退出码 0，有问题时 1。

    \b
    示例：
      perfgen template check
      perfgen template check templates/hebei/template.docx
    """
    from perfgen.render.template_check import check_template
    targets: list[tuple[Path, str]] = []
    if files:
        for f in files:
            if not f.exists():
                raise UserError(f"找不到模板文件“{f}”", "给出 .docx 模板的路径，例如 templates/hebei/template.docx。")
            targets.append((f, str(f)))
    else:
        seen: set[str] = set()
        for folder in resources.search_dirs(obj.root, "templates"):
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*/template.docx")):
                if path.parent.name in seen:
                    continue  # a workspace template shadows the shipped one of the same name
                seen.add(path.parent.name)
                try:
                    shown = str(path.resolve().relative_to(obj.root.resolve()))
                except ValueError:
                    shown = f"（自带）templates/{path.parent.name}/template.docx"
                targets.append((path, shown))
    problems = 0
    for path, shown in targets:
        findings = check_template(path, shown)
        for finding in findings:
            click.echo(finding.format())
        problems += len(findings)
        if not findings:
            click.echo(f"{shown}: 没有发现问题")
    if problems:
        click.echo(f"共 {problems} 个问题。")
        raise SystemExit(1)


@template_group.command("copy")
@click.argument("name", metavar="模板名")
@click.option("--as", "new_name", default=None, help="复制后的模板名（默认与原名相同）。")
@click.pass_obj
@handle_errors
def copy_command(obj: Context, name: str, new_name: str | None) -> None:
    """把 perfgen 自带的模板复制到工作区 templates/ 下，供在 Word/WPS 中修改。

    复制后在 department.yaml 中把“模板”改为新名字即可使用；已有同名目录时不会覆盖。
    修改后先运行 perfgen template check。

    \b
    示例：
      perfgen template copy hebei
      perfgen template copy hebei --as hebei-tangshan
    """
    from perfgen.scaffold.template_copy import copy_template
    target = copy_template(obj.root, name, new_name)
    click.echo(f"已复制到 {target}")
    from perfgen.resources import VOLUME_TEMPLATE
    if target.name == VOLUME_TEMPLATE:   # the volume's skeleton is used from here; no department chooses it
        click.echo("汇编（封面、目录、部门分隔页）从此使用这份模板；封面文字改 layout.yaml 和 perfgen.yaml，"
                   "修改后运行 perfgen build。")
    else:
        click.echo(f"在 department.yaml 中写“模板: {target.name}”即可使用；修改后运行 perfgen template check。")
