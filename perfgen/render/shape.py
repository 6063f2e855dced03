"""What a template may use: the shape of the view model, declared once.

`perfgen template check` compares the variables a template uses with this declaration, so a
misspelt tag is found before a build; the user guide lists these names for template authors; a
test keeps the declaration equal to what render.context really produces.

A shape is: a str (a scalar, with a Chinese explanation), a dict (named fields), a list with one
element (a list of items of that shape), or LAYOUT (any key of the template's layout.yaml).
"""
from __future__ import annotations

from typing import Any

LAYOUT = "layout"

ROW = {
    "l1": "一级指标", "l2": "二级指标", "l3": "三级指标（占位行印“指标N:”）", "description": "绩效指标描述",
    "value": "指标值", "basis": "指标值确定依据", "placeholder": "是否占位行",
    "l1_first": "本行是否开始一段新的一级指标（用于 {% vm r.l1_first %} 纵向合并）",
    "l2_first": "本行是否开始一段新的二级指标（用于 {% vm r.l2_first %}）",
    "keep": "本行是否与下一行印在同一页（版式“指标组不跨页”：同一合并组内的行）",
}

EXPLANATION = {
    "office": "责任科室", "title": "说明标题", "overview": ["项目概况（每段一项）"],
    "summary": "资金安排总述句（由年度和预算数生成）", "funding": ["资金安排明细"], "goals": ["绩效目标"],
    "indicators": ["绩效指标（文字）"], "criteria": ["评价标准"], "closing": "结语",
}

PROJECT = {
    "id": "项目 id", "n": "项目表序号（只计有指标表的项目）", "title": "项目表标题，如“1.见义勇为基金绩效目标表”",
    "name": "项目名称", "name_line": "按“项目名称格式”排出的名称，如“项目1综合治理费”", "code": "项目编码",
    "total": "预算数（元，两位小数）", "fiscal": "财政资金（元）", "other": "其他资金（元）",
    "total_wan": "预算数（按“金额格式”以万元印出）", "fiscal_wan": "财政资金（万元，未填写时为空）",
    "other_wan": "其他资金（万元，未填写时为空）", "fund_use": ["资金用途"], "plan_labels": ["支出计划节点"],
    "plan": ["各节点累计支出比例，如 25.00%"], "goals": ["绩效目标"], "goals_local": ["年度绩效目标（含本级）"],
    "competent": "主管部门", "implementing": "实施单位", "attribute": "项目属性", "period": "项目期",
    "rows": [ROW], "has_table": "是否印指标表", "explanation": EXPLANATION,
    "show": {"unit_line": "是否印单位行（版式“项目表区块”）", "code_name": "是否印项目编码和名称一行",
             "budget": "是否印预算规模及资金用途", "plan": "是否印资金支出计划", "goals": "是否印绩效目标",
             "indicators": "是否印绩效指标表", "head": "是否印指标表上方的表（以上任一区块）"},
}

PART = {
    "kind": "这一部分的内容：goals（整体绩效目标）、special（专项资金说明）、projects（项目）",
    "number": "部分编号，如“第一部分”", "name": "部分名称（版式“部分”）", "one_line": "编号和名称是否印在同一行",
    "heading": "部分标题行：同行时为“第一部分  部门整体绩效目标”，否则为编号", "toc": "目录中这一部分的文字",
    "projects": [PROJECT],
}

# The national 申报表 forms (财预〔2015〕88号 family; render/national.py). None for other forms.
AMOUNTS = {"total": "总额（万元，按“金额格式”）", "fiscal": "其中：财政拨款（万元）", "other": "其他资金（万元）"}
FORM_CELL = {"l3": "三级指标（占位行印“指标N：”）", "value": "指标值", "sign": "符号（指标值分列时）",
             "number": "值（指标值分列时）", "unit": "单位（指标值分列时）", "placeholder": "是否占位行"}
FORM_ROW = {"l1": "一级指标", "l2": "二级指标", "l1_first": "是否开始新的一级指标（{% vm r.l1_first %}）",
            "l2_first": "是否开始新的二级指标", "keep": "是否与下一行印在同一页（版式“指标组不跨页”）",
            "cells": [FORM_CELL]}
NATIONAL = {
    "title": "表名，如“项目支出绩效目标申报表”", "year_line": "年度行，如“（2026年度）”",
    "projects": [{"id": "项目 id", "name": "项目名称", "competent": "主管部门及代码", "implementing": "实施单位",
                  "attribute": "项目属性", "period": "项目期", "mid": AMOUNTS, "year": AMOUNTS,
                  "mid_goals_head": "如“中期目标（2025年－2027年）”", "mid_goals": ["中期目标，如“目标1：……”"],
                  "goals": ["年度目标，如“目标1：……”"],
                  "rows": [FORM_ROW]}],  # cells[0] 中期, cells[1] 年度
    "tasks": [{"name": "任务名称", "content": ["主要内容"], "amounts": AMOUNTS}],
    "tasks_total": AMOUNTS, "goals": ["年度总体目标，如“目标1：……”"],
    "rows": [FORM_ROW],  # cells[0] 年度
}

DEPARTMENT_VIEW: dict[str, Any] = {
    "year": "年度",
    "dept": {"id": "部门 id", "name": "部门全称", "short_name": "简称（无则为全称）", "unit_code": "单位编码",
             "unit_name": "单位名称", "unit_line": "单位编码+单位名称（项目表表头）"},
    "L": LAYOUT,
    "doc_title": "文档标题行（版式“文档标题”，空串表示不印）",
    "parts": [PART],
    "sections": {"overall": "如“一、总体绩效目标”", "subgoals": "如“二、分项绩效目标”", "measures": "如“三、工作保障措施”",
                 "dept_table": "如“四、部门绩效文本信息”"},
    "overall": ["总体绩效目标（每段一项）"],
    "overall_paras": [{"text": "一段文字", "level": "0 为正文段落；1、2… 为第几级小标题（版式“正文小标题”）"}],
    "subgoals_intro": ["分项绩效目标引言"],
    "subgoals": [{"heading": "分项标题（含编号和金额）", "body": ["分项正文（含“职责描述：”等标签）"],
                  "paras": [{"text": "一段文字", "level": "0 为正文段落；1、2… 为第几级小标题"}]}],
    "subgoals_header": "是否印分项抬头",
    "subgoals_summary": "分项汇总句，如“2025年专项项目12个，项目经费共407.257万元。”",
    "measures": ["工作保障措施"],
    "dept_rows": [{"l1": "一级指标", "l1_first": "是否开始新的一级指标", "keep": "是否与下一行印在同一页（版式“指标组不跨页”）", "l2": "指标名称", "l3": "指标内容",
                   "sign": "符号", "value": "值", "unit": "单位", "note": "说明"}],
    "special": ["专项资金说明"],
    "has_special": "是否有专项资金部分",
    "has_goals": "是否有第一部分",
    "projects": [PROJECT],  # every project, in part order (forms without parts print this list)
    "project_count": "项目个数",
    "total_wan": "项目经费合计（万元）",
    "title": "表名（宁夏附件3：“2024年部门项目支出预算绩效目标表”）",
    "national": NATIONAL,
}

VOLUME_VIEW: dict[str, Any] = {
    "title": "汇编标题（perfgen.yaml“标题”）", "title_lines": ["封面标题的各行（版式“封面标题分行”）"],
    "cover_lines": ["封面下部的各行（版式“封面落款”）"], "contents_title": "目录标题（版式“目录标题”）",
    "issuer": "印发单位", "locality": "地区", "date": "年度（中文数字，如“二〇二五年”）",
    "toc_marker": "目录的位置（保留这一段）", "departments_marker": "各部门正文的位置（保留这一段）",
}

# Optional keys: present only when the document has that part (templates test them with `is defined`).
OPTIONAL = {("sections", "subgoals"), ("sections", "measures"), ("sections", "dept_table")}


def view_for(template_name: str) -> dict[str, Any]:
    from perfgen.resources import VOLUME_TEMPLATE
    return VOLUME_VIEW if template_name == VOLUME_TEMPLATE else DEPARTMENT_VIEW
