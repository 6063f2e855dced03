"""`perfgen new results <dept> <project>`: a results file pre-filled from the approved goals.

Every real indicator of the project is listed under 监控 and 自评 with its approved 年度指标值 and
empty values to fill; budgets start from the goals. Nothing is ever overwritten.
"""
from __future__ import annotations

import json
from pathlib import Path

from perfgen.errors import UserError
from perfgen.model.amounts import format_yuan
from perfgen.model.entities import DepartmentYear, Project
from perfgen.scaffold.files import (
    ScaffoldReport,
    add_schemas,
    check_id,
    modeline_target,
    write_new,
)


def _q(value: object) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def results_text(dy: DepartmentYear, project: Project, schema: str, checkpoint: str) -> str:
    """The YAML text of a new results file (comments in Chinese say what each field is)."""
    b = project.budget
    plan = project.spending_plan.get(checkpoint)
    lines = [
        f"# yaml-language-server: $schema={schema}",
        f"# {dy.department.name} {dy.year} 年 “{project.name}” 的绩效监控和自评结果。",
        f"# 绩效目标见 {project.source.file}（不要改它）；“年度指标值”抄自目标，只作对照。",
        "# 金额单位为元；“…值”照指标值的单位填写（如 96%、12次）；定性指标在自评中写“评价: 达成/部分达成/未达成”。",
        "监控:",
        f"  - 节点: {checkpoint}" + (f"        # 支出计划：到{checkpoint}累计 {plan}%" if plan is not None else ""),
        f"    全年预算数: {_q(format_yuan(b.total, '0.00'))}      # 调整后预算数",
        "    执行数: \"\"                # 到本节点累计支出",
        "    指标:",
    ]
    for ind in project.real_indicators:
        lines += [f"      - 三级指标: {_q(ind.level3)}",
                  f"        年度指标值: {_q(ind.value_text)}",
                  "        截至本期完成值: \"\"",
                  "        全年预计完成值: \"\"",
                  "        完成目标可能性: 确定能    # 确定能 / 有可能 / 完全不可能（完全不可能时写“整改措施”）",
                  "        # 偏差原因: {类别: 经费保障, 说明: \"…\"}   # 经费保障 / 制度保障 / 人员保障 / 硬件条件保障 / 其他"]
    lines += [
        "自评:",
        (f"  年初预算数: {{合计: {_q(format_yuan(b.total, '0.00'))}, 财政拨款: {_q(format_yuan(b.fiscal, '0.00'))}, "
         f"其他资金: {_q(format_yuan(b.other, '0.00'))}}}"),
        f"  全年预算数: {{合计: {_q(format_yuan(b.total, '0.00'))}}}      # A：调整后的全年预算，可写出 财政拨款 / 上年结转 / 其他资金",
        "  全年执行数: {合计: \"\"}      # B：全年实际支出；执行率 = B ÷ A",
        "  实际完成情况: \"\"            # 年度总体目标的实际完成情况（预期目标取自绩效目标）",
        "  指标:",
    ]
    for ind in project.real_indicators:
        quantitative = ind.value is not None and ind.value.quantitative
        lines += [f"    - 三级指标: {_q(ind.level3)}",
                  f"      年度指标值: {_q(ind.value_text)}",
                  "      实际完成值: \"\""]
        if not quantitative:
            lines.append("      评价: 达成                # 定性指标：达成 / 部分达成 / 未达成")
        lines.append("      偏差原因分析及改进措施: \"\"   # 得分低于分值时必须填写")
    return "\n".join(lines) + "\n"


def new_results(root: Path, dept_id: str, project_id: str, year: int | None = None,
                checkpoint: str = "6月底") -> ScaffoldReport:
    """departments/<dept>/<year>/results/<project>.yaml from the project's approved goals."""
    from perfgen.load import load_workspace
    check_id(dept_id, "部门", "yutian-zfw")
    check_id(project_id, "项目", "saohei-chue")
    result = load_workspace(root)
    dept = result.workspace.departments.get(dept_id)
    if dept is None:
        raise UserError(f"没有部门“{dept_id}”", "检查部门 id 的拼写（departments/ 下的目录名）。")
    if year is None:
        candidates = sorted(y for y, dy in dept.years.items() if any(p.id == project_id for p in dy.projects))
        if not candidates:
            raise UserError(f"部门“{dept_id}”没有项目“{project_id}”", "检查项目 id（projects/ 下的文件名），或用 --year 指定年度。")
        year = candidates[-1]
    dy = dept.years.get(year)
    project = next((p for p in dy.projects if p.id == project_id), None) if dy else None
    if dy is None or project is None:
        bad = [f for f in result.errors if f"/{year}/projects/{project_id}.yaml" in f.file]
        raise UserError(f"{year} 年没有可用的项目“{project_id}”" + ("（项目文件有错误）" if bad else ""),
                        "先运行 perfgen validate 改正绩效目标文件；" if bad else "检查部门、项目 id 和 --year。",
                        findings=bad)
    rel = f"departments/{dept_id}/{year}/results/{project_id}.yaml"
    if (root / rel).exists():
        raise UserError(f"结果文件已经存在（{rel}），没有改动任何文件", "直接编辑这个文件。")
    report = ScaffoldReport(root)
    add_schemas(report, list_existing=False)
    write_new(report, rel, results_text(dy, project, modeline_target(root, rel, "results"), checkpoint))
    return report
