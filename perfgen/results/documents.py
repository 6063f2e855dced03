"""Rendering a department-year's 自评表 and 监控表 documents (called by perfgen build).

One 自评表 document holds the form of every project that has a self-evaluation; one 监控表
document per checkpoint (6月底, 8月底…) holds the forms of every project monitored then. Files:
build/<year>/<dept>-自评表.docx and build/<year>/<dept>-监控表-<节点>.docx.
"""
from __future__ import annotations

from pathlib import Path

from perfgen.model.entities import DepartmentYear
from perfgen.results.load import scoring_rules
from perfgen.results.model import ProjectResults
from perfgen.results.views import layout, monitoring_view, selfeval_view


def _ordered(dy: DepartmentYear) -> list[ProjectResults]:
    return [dy.results[p.id] for p in dy.projects if p.id in dy.results]


def checkpoints(dy: DepartmentYear) -> list[str]:
    """The checkpoint labels of a department-year, by month."""
    from perfgen.results.views import month
    labels = {c.label for r in dy.results.values() for c in r.checkpoints}
    return sorted(labels, key=month)


def render_results(root: Path, dy: DepartmentYear) -> dict[str, bytes]:
    """File name → .docx bytes for the department-year's result documents (none without results)."""
    from perfgen.cache import CACHE_DIR
    from perfgen.render.compiled import compiled
    from perfgen.render.document import template_path
    if not dy.results:
        return {}
    rules = scoring_rules(root)
    out: dict[str, bytes] = {}
    dept = dy.department
    evaluated = [r for r in _ordered(dy) if r.evaluation is not None and r.scorecard is not None]
    if evaluated:
        path = template_path(root, rules.selfeval_template)
        tpl = compiled(path, f"{rules.selfeval_template}（{path}）", root / CACHE_DIR)
        view = selfeval_view(dy, layout(root, rules.selfeval_template), evaluated)
        out[f"{dept.id}-自评表.docx"] = tpl.render(view, f"{dept.name}{dy.year}年项目支出绩效自评表", dy.year,
                                                  author=dept.name).docx
    if any(r.checkpoints for r in dy.results.values()):
        path = template_path(root, rules.monitoring_template)
        tpl = compiled(path, f"{rules.monitoring_template}（{path}）", root / CACHE_DIR)
        L = layout(root, rules.monitoring_template)
        for label in checkpoints(dy):
            monitored = [r for r in _ordered(dy) if any(c.label == label for c in r.checkpoints)]
            view = monitoring_view(dy, L, label, monitored)
            out[f"{dept.id}-监控表-{label}.docx"] = tpl.render(view, f"{dept.name}{dy.year}年绩效运行监控表（{label}）",
                                                             dy.year, author=dept.name).docx
    return out
