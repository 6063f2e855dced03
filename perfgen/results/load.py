"""Reading results/<project>.yaml, matching each indicator to the approved goals, scoring.

Runs at the end of perfgen.load.load_workspace, so `perfgen validate` reports every problem of a
results file with its line: structure (schemas/results.schema.json), a project or an indicator
that matches nothing in the goals (naming the closest), a goal indicator the self-evaluation
leaves out, a changed 年度指标值, words outside the rules' lists, and the scoring problems.
"""
from __future__ import annotations

import difflib
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from perfgen.errors import Finding
from perfgen.model.amounts import to_yuan
from perfgen.model.entities import DepartmentYear, Indicator, Project, Source
from perfgen.model.text import text_lines
from perfgen.model.values import normalize
from perfgen.results.model import (
    Checkpoint,
    Funds,
    MonitorIndicator,
    ProjectResults,
    Reason,
    SelfEvaluation,
    SelfIndicator,
)
from perfgen.results.rules import ScoringRules, load_rules

if TYPE_CHECKING:
    import re

    from perfgen.loaded import LoadResult
    from perfgen.yamlsource import YamlDocument


class Reader(Protocol):
    """What attach needs from the workspace loader: its cached, screened file reading."""

    def read(self, path: Path, kind: str) -> YamlDocument | None: ...

FOLDER = "results"


def _text(value: Any) -> list[str]:
    return text_lines(value)


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return str(value)


class _Builder:
    def __init__(self, result: LoadResult, rules: ScoringRules, dy: DepartmentYear, project: Project, rel: str):
        self.result, self.rules, self.dy, self.project, self.rel = result, rules, dy, project, rel
        self.findings: list[Finding] = []

    def add(self, path: tuple[str | int, ...], message: str, hint: str, code: str, key: bool = False,
            severity: str = "error") -> None:
        self.findings.append(self.result.finding(Source(self.rel), path, message, hint, code, severity, key=key))

    # -- matching -------------------------------------------------------------------------
    def match(self, item: dict[str, Any], path: tuple[str | int, ...], used: dict[int, tuple[str | int, ...]]
              ) -> Indicator | None:
        goals = self.project.real_indicators
        name = normalize(item["三级指标"])
        found = [g for g in goals if normalize(g.level3) == name]
        if "二级指标" in item:
            tax = self.dy.taxonomy
            l2 = (tax.canonical_level2(item["二级指标"]) if tax else None) or item["二级指标"]
            found = [g for g in found if g.level2 == l2]
        if not found:
            names = [g.level3 for g in goals]
            close = difflib.get_close_matches(item["三级指标"], names, n=1, cutoff=0.0)
            hint = (f"最接近的是“{close[0]}”；三级指标名称要与绩效目标（{self.project.source.file}）中完全相同。"
                    if close else f"项目“{self.project.name}”的绩效目标没有指标。")
            self.add(path + ("三级指标",), f"绩效目标中没有三级指标“{item['三级指标']}”", hint, "results.unmatched")
            return None
        if len(found) > 1:
            self.add(path + ("三级指标",), f"绩效目标中有 {len(found)} 个三级指标“{item['三级指标']}”，无法确定是哪一个",
                     "加写“二级指标: …”区分（" + "、".join(g.level2 for g in found) + "）。", "results.ambiguous")
            return None
        goal = found[0]
        if id(goal) in used:
            self.add(path + ("三级指标",), f"指标“{goal.level3}”写了两次", "每个指标只写一项；删去重复的一项。",
                     "results.duplicate")
            return None
        used[id(goal)] = path
        echo = item.get("年度指标值")
        if echo is not None and normalize(str(echo)) != normalize(goal.value_text):
            self.add(path + ("年度指标值",), f"年度指标值“{echo}”与已批准的绩效目标“{goal.value_text}”不一致",
                     "年度指标值只作对照，不能在结果中修改；目标要调整时走调整程序并修改绩效目标文件。", "results.target-changed")
        return goal

    # -- parts ----------------------------------------------------------------------------
    def funds(self, data: dict[str, Any], path: tuple[str | int, ...]) -> Funds:
        total = to_yuan(data["合计"])
        carried = to_yuan(data.get("上年结转", 0))
        other = to_yuan(data.get("其他资金", 0))
        fiscal = to_yuan(data["财政拨款"]) if "财政拨款" in data else total - carried - other
        if fiscal + carried + other != total:
            self.add(path + ("合计",), f"合计 {total:f} 元不等于财政拨款、上年结转、其他资金之和 {fiscal + carried + other:f} 元",
                     "核对各项金额（单位：元）。", "results.funds-sum")
        return Funds(total, fiscal, carried, other)

    def word(self, value: str, choices: tuple[str, ...], path: tuple[str | int, ...], what: str) -> None:
        if value not in choices:
            close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.3)
            self.add(path, f"{what}“{value}”不是可选值", (f"是不是“{close[0]}”？" if close else "") +
                     "可选：" + "、".join(choices) + "（见 rules/scoring.yaml）。", "results.choice")

    def checkpoint(self, data: dict[str, Any], i: int) -> Checkpoint:
        path: tuple[str | int, ...] = ("监控", i)
        used: dict[int, tuple[str | int, ...]] = {}
        items = []
        for j, item in enumerate(data.get("指标", []) or []):
            ipath = path + ("指标", j)
            goal = self.match(item, ipath, used)
            reason = None
            if "偏差原因" in item:
                r = item["偏差原因"]
                self.word(r["类别"], self.rules.reason_categories, ipath + ("偏差原因", "类别"), "偏差原因类别")
                reason = Reason(r["类别"], _text(r.get("说明")))
            likelihood = item.get("完成目标可能性", "")
            if likelihood:
                self.word(likelihood, self.rules.likelihoods, ipath + ("完成目标可能性",), "完成目标可能性")
            if goal is not None:
                items.append(MonitorIndicator(goal, _value(item.get("截至本期完成值")), _value(item.get("全年预计完成值")),
                                              reason, likelihood, _text(item.get("整改措施")), _text(item.get("备注")),
                                              Source(self.rel, ipath)))
        initial = to_yuan(data["年初预算数"]) if "年初预算数" in data else self.project.budget.total
        forecast = to_yuan(data["全年预计执行数"]) if "全年预计执行数" in data else None
        return Checkpoint(data["节点"], initial, to_yuan(data["全年预算数"]), to_yuan(data["执行数"]), forecast, items,
                          Source(self.rel, path))

    def evaluation(self, data: dict[str, Any]) -> SelfEvaluation:
        path: tuple[str | int, ...] = ("自评",)
        used: dict[int, tuple[str | int, ...]] = {}
        items = []
        for j, item in enumerate(data.get("指标", []) or []):
            ipath = path + ("指标", j)
            goal = self.match(item, ipath, used)
            if goal is not None:
                weight = item.get("分值")
                items.append(SelfIndicator(goal, _value(item.get("实际完成值")),
                                           Decimal(str(weight)) if weight is not None else None, item.get("评价"),
                                           bool(item.get("不适用", False)), _text(item.get("偏差原因分析及改进措施")),
                                           Source(self.rel, ipath)))
        for goal in self.project.real_indicators:
            if id(goal) not in used:
                self.add(path + ("指标",) if "指标" in data else path,
                         f"缺少指标“{goal.level3}”（{goal.level2}，目标 {goal.value_text}）的自评结果",
                         "绩效目标中的每个指标都要自评：补写一项“- 三级指标: …”及实际完成值；本年不考核的写“不适用: true”。"
                         "可用 perfgen new results 重新生成对照。", "results.missing-indicator", key="指标" in data)
        # rows in the order of the goals, as the form prints them
        order = {id(g): n for n, g in enumerate(self.project.real_indicators)}
        items.sort(key=lambda s: order.get(id(s.goal), 0))
        p = self.project
        initial = self.funds(data["年初预算数"], path + ("年初预算数",)) if "年初预算数" in data else \
            Funds(p.budget.total, p.budget.fiscal, Decimal(0), p.budget.other)
        return SelfEvaluation(initial, self.funds(data["全年预算数"], path + ("全年预算数",)),
                              self.funds(data["全年执行数"], path + ("全年执行数",)),
                              _text(data["预期目标"]) if "预期目标" in data else list(p.goals),
                              _text(data.get("实际完成情况")), items, Source(self.rel, path))

    def build(self, data: dict[str, Any]) -> ProjectResults:
        checkpoints = [self.checkpoint(c, i) for i, c in enumerate(data.get("监控", []) or [])]
        seen: dict[str, int] = {}
        for i, c in enumerate(checkpoints):
            if c.label in seen:
                self.add(("监控", i, "节点"), f"监控节点“{c.label}”写了两次", "每个节点只写一次。", "results.duplicate")
            seen[c.label] = i
        ev = self.evaluation(data["自评"]) if "自评" in data else None
        return ProjectResults(self.project, checkpoints, ev, Source(self.rel))


def attach(loader: Reader, result: LoadResult, id_re: re.Pattern[str]) -> None:
    """Read every results folder of the workspace into DepartmentYear.results, reporting problems.
    `id_re` is the loader's pattern of file ids (results are named like the project files)."""
    from perfgen.diff.settings import load_settings
    from perfgen.results.scoring import score
    rules: ScoringRules | None = None
    loaded = False
    for dept in result.workspace.departments.values():
        for dy in dept.years.values():
            folder = dy.folder / FOLDER
            if not folder.is_dir():
                continue
            if not loaded:
                rules, problems = load_rules(result.workspace.root)
                result.findings.extend(problems)
                loaded = True
            if rules is None:
                return
            units = load_settings(result.workspace.root)
            by_id = {p.id: p for p in dy.projects}
            for path in sorted(folder.iterdir()):
                if path.name.startswith(".") or path.is_dir() or path.suffix != ".yaml":
                    continue
                rel = path.relative_to(result.workspace.root).as_posix()
                project = by_id.get(path.stem)
                if project is None and id_re.match(path.stem):
                    if path.stem in dy.project_files:
                        continue  # the project file itself has errors; validate reports them
                    close = difflib.get_close_matches(path.stem, list(by_id), n=1, cutoff=0.0)
                    result.findings.append(Finding(rel, f"{dy.year} 年没有项目“{path.stem}”，结果无处对应", 1, 1,
                                                   (f"最接近的项目是“{close[0]}”。" if close else "") +
                                                   "结果文件名要与 projects/ 下的项目文件名相同。", code="results.no-project"))
                    continue
                if project is None:
                    result.findings.append(Finding(rel, f"结果文件名“{path.name}”不合规", 1, 1,
                                                   "文件名与 projects/ 下的项目文件名相同，例如 saohei-chue.yaml。",
                                                   code="id.results"))
                    continue
                doc = loader.read(path, "results")
                if doc is None or not isinstance(doc.data, dict):
                    continue
                builder = _Builder(result, rules, dy, project, doc.rel)
                built = builder.build(doc.data)
                result.findings.extend(builder.findings)
                card = score(built, dy.taxonomy, rules, units)
                if card is not None:
                    built.scorecard = card
                    for pr in card.problems:
                        result.findings.append(result.finding(pr.source, pr.at, pr.message, pr.hint, pr.code))
                dy.results[project.id] = built


def scoring_rules(root: Path) -> ScoringRules:
    """The scoring rules for documents and reports (validation has reported any problem)."""
    from perfgen.errors import UserError
    rules, problems = load_rules(root)
    if rules is None:
        raise UserError("评分规则 rules/scoring.yaml 有错误", "按提示修改后重新运行。",
                        findings=[f for f in problems if f.severity == "error"])
    return rules
