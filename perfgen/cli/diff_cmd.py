"""`perfgen diff`."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from perfgen.cli.app import Context, cli, echo_err, handle_errors
from perfgen.errors import UsageError
from perfgen.outline import FORMATS  # one list for every report (light: no core import)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@cli.command("diff")
@click.argument("departments", nargs=-1, metavar="[部门id…]")
@click.option("--dept", "more_departments", multiple=True, help="要比较的部门 id（可重复；也可直接写在命令后面）。")
@click.option("--from", "from_year", type=int, help="旧的年度（默认：新年度之前最近的一年）。")
@click.option("--to", "to_year", type=int, help="新的年度（默认：最新的年度）。")
@click.option("--rev", help="比较 git 中的两个版本：A..B，或只写 A（与当前文件比较）。")
@click.option("--year", type=int, help="与 --rev 一起用：只比较这一年度。")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text 终端阅读，md 贴到合并请求，html 单个网页，json 供工具使用。")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="把报告写入文件（默认输出到屏幕）。")
@click.option("--docx", type=click.Path(dir_okay=False, path_type=Path),
              help="另外生成带修订标记的 Word 文档，可在 Word/WPS 中逐条接受或拒绝。")
@click.option("--color/--no-color", default=None, help="文字报告是否着色（默认：输出到终端时着色）。")
@click.option("--force", is_flag=True, help="-o/--docx 指定的文件已存在时覆盖它（默认不覆盖）。")
@click.pass_obj
@handle_errors
def diff_command(obj: Context, departments: tuple[str, ...], more_departments: tuple[str, ...],
                 from_year: int | None, to_year: int | None, rev: str | None, year: int | None, fmt: str,
                 out: Path | None, docx: Path | None, color: bool | None, force: bool) -> None:
    """比较同一部门两个年度（或 git 中两个版本）的绩效目标，列出所有变化。

    \b
    报告包括：
      - 新增、删除、更名的项目（按项目编码、项目 id、名称相似度对应）；
      - 每个项目和部门合计的预算变化（金额和百分比）；
      - 绩效目标、保障措施、说明等文字的逐字修改；
      - 新增、删除、修改的指标；目标降低的（如 ≥95% 改为 ≥90%、数字改为文字）
        用 ⚠ 标出。
    不写部门 id 时比较两个年度都有的全部部门，并先列出汇总表。

    加 --docx 时另外生成一份 Word 文档：以新版本为正文，删除和新增的内容以修订标记显示，
    审核人可在 Word 或 WPS 中逐条接受、拒绝或批注。

    \b
    示例：
      perfgen diff yutian-zfw --from 2025 --to 2026
      perfgen diff --from 2025 --to 2026                      全部部门，先列汇总表
      perfgen diff yutian-zfw --rev HEAD~1                    与上一次提交比较
      perfgen diff yutian-zfw --rev main..HEAD --format md > 变化.md
      perfgen diff yutian-zfw --from 2025 --to 2026 --format html -o 对比.html
      perfgen diff yutian-zfw --from 2025 --to 2026 --docx 修订对比.docx
    """
    from perfgen.diff.report import render  # imported here: the CLI starts fast
    from perfgen.diff.run import DiffOptions, run_diff
    from perfgen.diff.settings import load_settings
    from perfgen.render.package import write_atomic
    options = DiffOptions(departments=list(departments) + list(more_departments), from_year=from_year,
                          to_year=to_year, rev=rev, year=year, docx=docx is not None)
    if docx is not None and docx.suffix.lower() != ".docx":
        raise UsageError(f"--docx 的文件名应以 .docx 结尾：{docx}", "例如 --docx 修订对比.docx。")
    from perfgen.paths import check_output
    if out is not None:
        check_output(out, obj.root, force, "-o")
    if docx is not None:
        check_output(docx, obj.root, force, "--docx")
    report = run_diff(obj.root, options)
    context = load_settings(obj.root).context
    if color is None:
        color = out is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    text = render(report, fmt, color=bool(color) and fmt == "text" and out is None, context=context)
    if out is not None:
        write_atomic(out, text.encode("utf-8"))
        echo_err(f"已写入报告：{_shown(out)}")
    else:
        click.echo(text, nl=False, color=bool(color))
    if docx is not None and report.docx is not None:
        write_atomic(docx, report.docx)
        echo_err(f"已写入修订对比文档：{_shown(docx)}（在 Word/WPS 中打开，“审阅”中可逐条接受或拒绝修订）")
