"""docs/评分规则.md: the self-evaluation scoring rules of rules/scoring.yaml and the wording
settings of the 自评表 and 监控表 (templates/results/*/layout.yaml), as the shipped files say."""
from __future__ import annotations

from pathlib import Path

from perfgen.docsgen import header
from perfgen.results.rules import load_rules

_TEMPLATES = (("results/selfeval", "项目支出绩效自评表"), ("results/monitoring", "项目支出绩效运行监控表"))


def page(source: Path) -> str:
    rules, problems = load_rules(None)
    assert rules is not None, problems
    out = [header("评分规则（年终自评）", "rules/scoring.yaml 和 templates/results/*/layout.yaml") +
           "`perfgen validate` 和 `perfgen build` 按下面的规则计算项目支出绩效自评表的得分"
           "（用法见[年中监控与年终自评](年中监控与年终自评.md)）。规则是数据：地区在工作区的 "
           "`rules/scoring.yaml` 中只写要改的键，其余沿用自带规则。\n",
           "## 权重\n", "| 项目 | 分值 |", "|---|---|", f"| 预算执行率 | {rules.rate_weight} |"]
    out += [f"| {name} | {w} |" for name, w in rules.class_weights.items()]
    out += ["", "同一个一级指标内，写了“分值”的指标按所写分值，其余指标平均分配该一级指标剩下的分值；"
            "“不适用”的指标不计分，同类其余指标按比例放大；一个一级指标的指标全部不适用（或项目没有该类指标）时，"
            "它的权重按比例分给其他一级指标。\n",
            "## 计分方法\n",
            f"- 执行率 = 全年执行数（B）÷ 全年预算数（A）；得分 = min(执行率, {rules.rate_cap}%) × {rules.rate_weight}。",
            "- ≥、> 目标（正向）：得分 = 实际 ÷ 目标 × 分值；≤、< 目标（反向）：得分 = 目标 ÷ 实际 × 分值"
            + ("，不超过分值。" if rules.cap else "（不封顶）。"),
            f"- = 目标：实际与目标之差不超过目标的 {rules.equal_tolerance}% 得满分，否则不得分。",
            "- 没写比较符号的目标：二级指标是 " + "、".join(rules.reverse_level2) + "，或指标名称、描述含 "
            + "、".join(rules.reverse_words) + " 的，按反向计分；其余按正向。",
            "- 目标和实际的单位必须相同（同一单位的不同写法，如 % 和 百分比、元和万元，见 perfgen diff 的单位表）。",
            "- 定性指标按评价等级：" + "，".join(f"{g} 得 {s}%" for g, s in rules.grade_shares.items()) + "。",
            "- 得分低于分值的指标必须写“偏差原因分析及改进措施”，否则报错。\n",
            "## 评级\n", "| 等级 | 总分不低于 |", "|---|---|"]
    out += [f"| {b.grade} | {b.floor} |" for b in rules.bands]
    out += ["", "## 监控表的可选值\n", "- 偏差原因类别：" + "、".join(rules.reason_categories),
            "- 完成目标可能性：" + "、".join(rules.likelihoods), ""]
    text = (source / "rules" / "scoring.yaml").read_text(encoding="utf-8")
    out += ["## 自带的规则文件\n", "```yaml", text.rstrip("\n"), "```", ""]
    for folder, title in _TEMPLATES:
        layout = (source / "templates" / folder / "layout.yaml").read_text(encoding="utf-8")
        out += [f"## {title}的文字（templates/{folder}/layout.yaml）\n",
                "表格结构在同目录的 template.docx 中；表上印出的每处文字是下面的设置。"
                f"要改时把 perfgen 自带的 `templates/{folder}/` 整个目录复制到工作区的同一位置后修改"
                "（工作区的同名目录优先；只写要改的键也可以，其余沿用自带的设置）。\n",
                "```yaml", layout.rstrip("\n"), "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"
