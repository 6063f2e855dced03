"""`perfgen review`."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from perfgen.cli.app import Context, cli, handle_errors
from perfgen.errors import SEVERITY_CN, SEVERITY_WORDS
from perfgen.outline import FORMATS  # one list for every report (light: no core import)


def _list_rules(root: Path, rules: str | None) -> str:
    from perfgen.review.config import load_ruleset  # imported here: the CLI starts fast
    ruleset = load_ruleset(root, rules)
    lines = [f"审核规则：{ruleset.name}（" + " ← ".join(ruleset.files) + "）"]
    for r in ruleset.rules.values():
        state = "启用" if r.enabled else "关闭"
        lines.append(f"  {r.id:<24} {state}  {SEVERITY_CN[r.severity]}  {r.criterion}  {r.title}")
    return "\n".join(lines)


@cli.command("review")
@click.option("--year", "years", type=int, multiple=True, help="只审核这一年度（可重复）。默认：全部年度。")
@click.option("--dept", "departments", multiple=True, help="只审核这个部门（部门 id，可重复）。")
@click.option("--rules", "rules", default=None, metavar="名称|路径",
              help="审核规则：rules/<名称>.yaml 中的名称，或规则文件路径。默认：default。")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="输出格式：text 供终端阅读，md 为 Markdown，html 为可直接打开的网页，json 供程序使用。")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="把报告写入这个文件（默认：输出到屏幕）。")
@click.option("--strict", is_flag=True, help="有问题时退出码为 1（用于 CI 检查）；级别由 --severity 决定。")
@click.option("--severity", type=click.Choice(sorted(SEVERITY_WORDS)), default="warning", show_default=True,
              help="与 --strict 一起用：达到这个级别（或更严重）的问题使退出码为 1。")
@click.option("--list-rules", is_flag=True, help="列出审核规则（id、开关、级别、准则、标题）后退出。")
@click.option("--force", is_flag=True, help="-o 指定的文件已存在时覆盖它（默认不覆盖）。")
@click.pass_obj
@handle_errors
def review_command(obj: Context, years: tuple[int, ...], departments: tuple[str, ...], rules: str | None, fmt: str,
                   out: Path | None, strict: bool, severity: str, list_rules: bool, force: bool) -> None:
    """按绩效目标审核的准则（完整性、相关性、适当性、可行性）检查每个项目和部门整体目标。

    列出每个问题的级别、文件:行号和修改提示，并给每个项目一个建议评级（优/良/中/差）及理由。
    规则、阈值和词表在 rules/default.yaml 中；地区可以在工作区的 rules/ 下另建规则集
    （写“继承: default”，只写要改的部分，例如关闭某条规则），用 --rules 选用。
    数据有错误时先报告错误（退出码 1），不做审核。默认只报告、退出码为 0；
    加 --strict 后，有 --severity 级别（默认 warning：警告和错误）及以上的问题时退出码为 1。
    只检查要审核的部门和年度：别的部门的数据错误不妨碍审核。

    \b
    示例：
      perfgen review
      perfgen review --year 2025 --dept yutian-zfw
      perfgen review --format html -o 审核报告.html
      perfgen review --rules 某县2025 --strict --severity warning
      perfgen review --list-rules
    """
    from perfgen.review.config import SEVERITY_WORDS  # imported here: the CLI starts fast
    from perfgen.review.engine import ReviewOptions, review
    from perfgen.review.report import render
    if list_rules:
        click.echo(_list_rules(obj.root, rules))
        return
    if out is not None:
        from perfgen.paths import check_output
        check_output(out, obj.root, force, "-o")
    report = review(obj.root, ReviewOptions(years=list(years) or None, departments=list(departments) or None,
                                            rules=rules))
    if out is not None:
        from perfgen.render.package import write_atomic
        write_atomic(out, render(report, fmt).encode("utf-8"))
        click.echo(f"已写入 {out}")
    else:
        color = fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        click.echo(render(report, fmt, color=color))
    if strict and report.has_findings_at(SEVERITY_WORDS[severity]):
        raise SystemExit(1)
