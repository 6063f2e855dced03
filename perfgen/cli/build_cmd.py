"""`perfgen build`."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfgen.cli.app import Context, cli, echo_err, handle_errors

if TYPE_CHECKING:
    from perfgen.build import BuildOptions


@cli.command("build")
@click.option("--year", "years", type=int, multiple=True, help="只生成这一年度（可重复）。默认：全部年度。")
@click.option("--dept", "departments", multiple=True, help="只生成这个部门（部门 id，可重复）。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF，并在汇编目录中填入页码。")
@click.option("--no-toc-pages", is_flag=True, envvar="PERFGEN_NO_TOC_PAGES",
              help="不加 --pdf 时不用 LibreOffice 排版计算汇编目录的页码（更快；目录页码留空）。"
                   "环境变量 PERFGEN_NO_TOC_PAGES=1 的作用相同。")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认：工作区下的 build/）。")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="并行渲染的进程数（默认：CPU 核数）。")
@click.option("--no-cache", is_flag=True, help="不使用缓存，全部重新检查和生成。")
@click.option("--watch", is_flag=True, help="持续运行：文件保存后立即重新生成受影响的文档（Ctrl-C 退出）。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度，只显示结果。")
@click.option("-k", "--keep-going", is_flag=True,
              help="有错误的部门跳过，其余部门照常生成；有部门被跳过的年度不生成汇编。列出跳过的内容，退出码 1。")
@click.pass_obj
@handle_errors
def build_command(obj: Context, years: tuple[int, ...], departments: tuple[str, ...], pdf: bool,
                  no_toc_pages: bool, out: Path | None, jobs: int | None, no_cache: bool, watch: bool, quiet: bool,
                  keep_going: bool) -> None:
    """检查数据并生成官方格式的文档：每个部门一份 Word 文档，每年一份汇编。

    输出在 build/<年度>/<部门>.docx 和 build/<年度>/volume.docx；加 --pdf 时旁边还有 PDF。
    只检查要生成的部门和年度（以及同一年度项目编码不重复等跨部门的规则）：别的部门的错误不妨碍生成。
    要生成的部门有错误时不生成任何文档（退出码 1），已有的输出保持不变；加 -k/--keep-going 时
    跳过有错误的部门，照常生成其余部门的文档。

    \b
    示例：
      perfgen build
      perfgen build --year 2025 --pdf
      perfgen build --dept yutian-zfw --out /tmp/preview
      perfgen build --jobs 4 --no-cache
      perfgen build --watch
      perfgen build --keep-going
    """
    from perfgen.build import BuildOptions, build
    progress = (lambda s: None) if quiet else (lambda s: echo_err(s))
    options = BuildOptions(years=list(years) or None, departments=list(departments) or None,
                           pdf=pdf, toc_pages=not no_toc_pages, out=out, jobs=jobs, use_cache=not no_cache, keep_going=keep_going)
    if watch:
        _watch(obj.root, options)
        return
    report = build(obj.root, options, progress)
    for w in report.warnings:
        echo_err(w)
    for path in report.documents + report.pdfs:
        try:
            shown = path.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            shown = path
        click.echo(str(shown))
    click.echo(report.summary())
    if report.skipped:
        for f in report.errors:
            echo_err(f.format())
        echo_err(f"跳过了 {len(report.skipped)} 项（按上面的提示修改后重新运行 perfgen build）：")
        for item in report.skipped:
            echo_err(f"  {item}")
        raise SystemExit(1)


def _watch(root: Path, options: BuildOptions) -> None:
    from perfgen.watch import WatchEvent, watch

    def show(event: WatchEvent) -> None:
        for line in event.changed:
            click.echo(line)
        if event.error is not None:
            for f in event.error.findings:
                echo_err(f.format())
            echo_err(f"错误：{event.error.message}")
        elif event.report is not None:
            click.echo(event.report.summary())
        click.echo("正在监视文件变化……（Ctrl-C 退出）")

    try:
        watch(root, options, show)
    except KeyboardInterrupt:
        click.echo("已停止监视。")
