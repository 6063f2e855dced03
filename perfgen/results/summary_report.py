"""Presenting the results summary: text, Markdown, a self-contained HTML page with two inline SVG
charts (the score histogram, execution against plan per department), and JSON.

The charts are drawn here as plain SVG — no scripts, fonts or files from elsewhere — so the page
opens the same on an offline office computer and prints.
"""
from __future__ import annotations

import html
import json
from decimal import Decimal

from perfgen.outline import FORMATS as FORMATS
from perfgen.results.summary import Line, Summary

_COLORS = ("#2e7d32", "#1565c0", "#ef6c00", "#c62828", "#6d4c41")   # best band first


def render(summary: Summary, fmt: str) -> str:
    if fmt == "text":
        return as_text(summary)
    if fmt == "md":
        return as_markdown(summary)
    if fmt == "html":
        return as_html(summary)
    if fmt == "json":
        return as_json(summary)
    raise ValueError(fmt)


# ── the table, shared by every format ──────────────────────────────────────────────────────

def _columns(s: Summary) -> list[str]:
    return ["部门", "年度", "自评项目", "平均分", *s.grades, "全年执行率", "监控节点", "计划进度", "实际执行", "差距"]


def _latest(line: Line) -> tuple[str, str, str, str]:
    prog = line.progress[-1] if line.progress else None
    if prog is None:
        return ("—", "—", "—", "—")
    plan, rate = prog.plan_rate, prog.rate
    gap = plan - rate if plan is not None and rate is not None else None
    return (prog.label, _pct(plan), _pct(rate), _pct(gap))


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.quantize(Decimal('0.1'))}%"


def _row(s: Summary, line: Line) -> list[str]:
    grades = line.grades(s.grades)
    return [line.name, str(line.year), str(len(line.scores)), s.r(line.average), *(str(grades[g]) for g in s.grades),
            _pct(line.rate), *_latest(line)]


def _rows(s: Summary) -> list[list[str]]:
    return [_row(s, line) for line in s.lines]


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def as_text(s: Summary) -> str:
    table = [_columns(s)] + _rows(s)
    widths = [max(_width(r[i]) for r in table) for i in range(len(table[0]))]
    out = [s.title, ""]
    for n, r in enumerate(table):
        out.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    out += ["", _note(s)]
    return "\n".join(out) + "\n"


def _note(s: Summary) -> str:
    bands = "，".join(f"{g} ≥ {s.r(f, 0)}" for g, f in zip(s.grades, s.floors))
    return (f"评级：{bands}（rules/scoring.yaml）。全年执行率 = Σ全年执行数 ÷ Σ全年预算数；计划进度为各项目支出计划"
            "在最近监控节点的比例按预算加权。")


def as_markdown(s: Summary) -> str:
    cols = _columns(s)
    out = [f"# {s.title}", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in _rows(s)]
    out += ["", _note(s)]
    return "\n".join(out) + "\n"


def as_json(s: Summary) -> str:
    def line(x: Line) -> dict[str, object]:
        return {"department": x.dept_id, "name": x.name, "year": x.year, "evaluated": len(x.scores),
                "average": s.r(x.average) if x.average is not None else None, "grades": x.grades(s.grades),
                "scores": [{"project": p, "total": s.r(t), "grade": g} for p, t, g in x.scores],
                "budget": str(x.budget), "executed": str(x.executed),
                "execution_rate": s.r(x.rate) if x.rate is not None else None,
                "checkpoints": [{"label": p.label, "budget": str(p.budget), "executed": str(p.executed),
                                 "rate": s.r(p.rate) if p.rate is not None else None,
                                 "plan": s.r(p.plan_rate) if p.plan_rate is not None else None} for p in x.progress]}
    return json.dumps({"title": s.title, "grades": list(s.grades), "lines": [line(x) for x in s.lines]},
                      ensure_ascii=False, indent=2) + "\n"


# ── charts ──────────────────────────────────────────────────────────────────────────────────

def _bins(s: Summary) -> list[tuple[str, Decimal, Decimal]]:
    """Score ranges: below the lowest band above zero, then ten points wide up to 100."""
    cut = min((f for f in s.floors if f > 0), default=Decimal(60))
    bins = [(f"<{s.r(cut, 0)}", Decimal(-1), cut)]
    lo = cut
    while lo < 100:
        hi = min(lo + 10, Decimal(100))
        bins.append((f"{s.r(lo, 0)}–{s.r(hi, 0)}", lo, hi if hi < 100 else Decimal(101)))
        lo = hi
    return bins


def _grade_color(s: Summary, score: Decimal) -> str:
    for i, floor in enumerate(s.floors):
        if score >= floor:
            return _COLORS[min(i, len(_COLORS) - 1)]
    return _COLORS[-1]


def histogram_svg(s: Summary, line: Line) -> str:
    bins = _bins(s)
    counts = [sum(1 for _, t, _ in line.scores if lo <= t < hi) for _, lo, hi in bins]
    top = max(counts + [1])
    w, h, left, bottom, bar = 60 * len(bins) + 40, 220, 30, 190, 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
             f'aria-label="{html.escape(line.name)}自评得分分布">',
             f'<line x1="{left}" y1="{bottom}" x2="{w - 10}" y2="{bottom}" stroke="#555"/>']
    for i, ((label, lo, _), n) in enumerate(zip(bins, counts)):
        x = left + 10 + i * 60
        height = int(150 * n / top)
        color = _grade_color(s, max(lo, Decimal(0)))
        parts.append(f'<rect x="{x}" y="{bottom - height}" width="{bar}" height="{height}" fill="{color}"/>')
        parts.append(f'<text x="{x + bar // 2}" y="{bottom - height - 4}" text-anchor="middle" font-size="12">{n}</text>')
        parts.append(f'<text x="{x + bar // 2}" y="{bottom + 16}" text-anchor="middle" font-size="12">{html.escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def execution_svg(s: Summary, lines: list[Line]) -> str:
    """Per department, at its latest checkpoint: the planned share (outline) and the executed share."""
    shown = [x for x in lines if x.progress]
    row, left, scale = 34, 230, 3
    h = row * len(shown) + 40
    w = left + 100 * scale + 80
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" aria-label="执行进度与计划">',
             f'<line x1="{left}" y1="10" x2="{left}" y2="{h - 24}" stroke="#555"/>']
    for pct in (0, 25, 50, 75, 100):
        x = left + pct * scale
        parts.append(f'<text x="{x}" y="{h - 8}" text-anchor="middle" font-size="11">{pct}%</text>')
    for i, line in enumerate(shown):
        prog = line.progress[-1]
        y = 14 + i * row
        rate = min(prog.rate or Decimal(0), Decimal(120))
        label = f"{line.name}（{prog.label}）"
        parts.append(f'<text x="{left - 6}" y="{y + 16}" text-anchor="end" font-size="12">{html.escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{int(rate * scale)}" height="16" fill="#1565c0"/>')
        if prog.plan_rate is not None:
            plan = int(min(prog.plan_rate, Decimal(120)) * scale)
            parts.append(f'<rect x="{left}" y="{y}" width="{plan}" height="24" fill="none" stroke="#ef6c00" '
                         'stroke-width="2" stroke-dasharray="4 2"/>')
        parts.append(f'<text x="{left + int(rate * scale) + 6}" y="{y + 16}" font-size="11">{_pct(prog.rate)}</text>')
    parts.append("</svg>")
    return "".join(parts)


_CSS = ("body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #999;padding:4px 8px;text-align:center}"
        "th{background:#eee}td:first-child{text-align:left}.county td{font-weight:bold;background:#f7f7f7}"
        ".legend span{display:inline-block;margin-right:1.5em}.chart{margin:1em 0 2em}")


def as_html(s: Summary) -> str:
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">', f"<title>{e(s.title)}</title>",
           f"<style>{_CSS}</style>", "</head>", "<body>", f"<h1>{e(s.title)}</h1>",
           "<table>", "<tr>" + "".join(f"<th>{e(c)}</th>" for c in _columns(s)) + "</tr>"]
    for line, r in zip(s.lines, _rows(s)):
        cls = ' class="county"' if line.dept_id is None else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
    out += ["</table>", f"<p>{e(_note(s))}</p>"]
    for year in sorted({x.year for x in s.lines}):
        county = next(x for x in s.lines if x.year == year and x.dept_id is None)
        depts = [x for x in s.lines if x.year == year and x.dept_id is not None]
        out += [f"<h2>{year} 年自评得分分布（{len(county.scores)} 个项目）</h2>",
                f'<div class="chart">{histogram_svg(s, county)}</div>']
        if any(x.progress for x in depts):
            out += [f"<h2>{year} 年执行进度与支出计划（最近监控节点）</h2>",
                    '<p class="legend"><span style="color:#1565c0">■ 实际执行率</span>'
                    '<span style="color:#ef6c00">□ 支出计划进度</span></p>',
                    f'<div class="chart">{execution_svg(s, depts)}</div>']
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
