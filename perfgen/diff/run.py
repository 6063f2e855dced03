"""`perfgen diff` as a library call: choose what to compare, load both sides, compare, redline.

Two ways to get two versions of the same files: two years of a department in the workspace
(--from/--to), or one workspace at two git revisions (--rev A..B, or A against the files on
disk). Either way both sides are ordinary loaded workspaces, and the comparison does not know
which way they came.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from perfgen.diff.compare import DeptDiff, DiffReport, compare_years
from perfgen.diff.git import WORKTREE, Repo, parse_range
from perfgen.diff.settings import DiffSettings, load_settings
from perfgen.errors import UsageError, UserError
from perfgen.load import load_workspace
from perfgen.loaded import LoadResult
from perfgen.model.entities import DepartmentYear


@dataclass
class DiffOptions:
    departments: list[str] = field(default_factory=list)  # empty: every department on both sides
    from_year: int | None = None
    to_year: int | None = None
    rev: str | None = None
    year: int | None = None  # with --rev: the year to compare (default: every year on both sides)
    docx: bool = False


@dataclass
class _Side:
    result: LoadResult
    root: Path
    label: str  # where the files came from, for messages: "工作区", "版本 HEAD~1"


@dataclass
class _Pair:
    dept_id: str
    old: DepartmentYear
    new: DepartmentYear
    old_label: str
    new_label: str


def _department_or_error(side: _Side, dept_id: str) -> None:
    ws = side.result.workspace
    if dept_id in ws.departments:
        return
    dept_file = f"departments/{dept_id}/department.yaml"
    if (side.root / dept_file).exists():
        bad = [f for f in side.result.errors if f.file == dept_file]
        raise UserError(f"{side.label}中部门“{dept_id}”的 department.yaml 有错误，无法比较",
                        "先运行 perfgen validate 按提示修正。", findings=bad)
    raise UserError(f"{side.label}中没有部门“{dept_id}”",
                    "可用的部门：" + ("、".join(sorted(ws.departments)) or "（无）"))


def _require_loaded(side: _Side, dy: DepartmentYear) -> None:
    """Files that exist but could not be read would show up as deleted: refuse instead."""
    unread = sorted(dy.project_files - {p.id for p in dy.projects})
    goals_unread = (dy.folder / "goals.yaml").exists() and dy.goals is None
    if not unread and not goals_unread:
        return
    prefix = f"departments/{dy.department.id}/{dy.year}/"
    bad = [f for f in side.result.errors if f.file.startswith(prefix)]
    names = (["goals.yaml"] if goals_unread else []) + [f"projects/{p}.yaml" for p in unread]
    raise UserError(f"{side.label}中 {dy.department.id} {dy.year} 年有 {len(names)} 个文件读不出来（{'、'.join(names[:3])}"
                    f"{'等' if len(names) > 3 else ''}），无法比较",
                    "这些文件有格式错误；先运行 perfgen validate 按提示修正，否则它们会被误当作删除。", findings=bad)


def _years_of(side: _Side, depts: list[str]) -> set[int]:
    ws = side.result.workspace
    return {y for d in depts for y in ws.departments[d].years} if depts else set(ws.years())


def _pick_years(years: set[int], from_year: int | None, to_year: int | None) -> tuple[int, int]:
    have = "、".join(str(y) for y in sorted(years)) or "（无）"
    if to_year is None and from_year is None:
        if len(years) < 2:
            raise UserError(f"只有一个年度（{have}）的数据，无法比较",
                            "用 perfgen rollover 从今年的文件生成下一年度，修改后再比较；"
                            "或用 --rev 比较 git 中的两个版本。")
        to_year = max(years)
    if to_year is None:
        later = [y for y in years if y > from_year]  # type: ignore[operator]
        if not later:
            raise UserError(f"没有晚于 {from_year} 年的年度可以比较", f"已有的年度：{have}；用 --to 指定。")
        to_year = min(later)
    if from_year is None:
        earlier = [y for y in years if y < to_year]
        if not earlier:
            raise UserError(f"没有早于 {to_year} 年的年度可以比较", f"已有的年度：{have}；用 --from 指定。")
        from_year = max(earlier)
    if from_year == to_year:
        raise UsageError(f"--from 和 --to 是同一年（{from_year}）",
                         "比较两个年度请写不同的年份；比较同一年度的修改请用 --rev，例如 --rev HEAD~1。")
    return from_year, to_year


def _year_pairs(old: _Side, new: _Side, options: DiffOptions) -> list[_Pair]:
    wanted = list(dict.fromkeys(options.departments))
    for d in wanted:
        _department_or_error(old, d)
        if new is not old:
            _department_or_error(new, d)
    if not wanted and options.from_year is None and options.to_year is None:
        # the latest year that some department can be compared in, and its previous year
        per_dept = [sorted(d.years) for d in old.result.workspace.departments.values()]
        candidates = [(ys[-1], ys[-2]) for ys in per_dept if len(ys) > 1]
        if not candidates:
            raise UserError("每个部门都只有一个年度的数据，没有可以比较的年度",
                            "用 perfgen rollover <部门id> --from <今年> --to <明年> 生成新年度，修改后再比较；"
                            "或用 --rev 比较 git 中的两个版本。")
        to_year = max(c[0] for c in candidates)
        from_year = max(c[1] for c in candidates if c[0] == to_year)
    else:
        from_year, to_year = _pick_years(_years_of(old, wanted), options.from_year, options.to_year)
    pairs = []
    ws_old, ws_new = old.result.workspace, new.result.workspace
    order = [d.id for d in ws_new.ordered_departments()]
    for dept_id in wanted or order:
        if dept_id not in ws_old.departments:
            continue
        a, b = ws_old.departments[dept_id].years.get(from_year), ws_new.departments[dept_id].years.get(to_year)
        if a is None or b is None:
            if wanted:
                missing = from_year if a is None else to_year
                years = sorted((ws_old if a is None else ws_new).departments[dept_id].years)
                raise UserError(f"部门“{dept_id}”没有 {missing} 年度的数据",
                                f"已有的年度：{'、'.join(map(str, years))}。新年度可以用 perfgen rollover {dept_id} "
                                f"--from {from_year} --to {to_year} 生成。")
            continue
        pairs.append(_Pair(dept_id, a, b, f"{from_year}年", f"{to_year}年"))
    if not pairs:
        raise UserError(f"没有同时有 {from_year} 年和 {to_year} 年数据的部门",
                        f"用 perfgen rollover --all --from {from_year} --to {to_year} 生成新年度，或用部门 id 指定部门。")
    return pairs


def _rev_pairs(old: _Side, new: _Side, options: DiffOptions, old_rev: str, new_rev: str) -> list[_Pair]:
    if options.from_year is not None or options.to_year is not None:
        return [_Pair(p.dept_id, p.old, p.new, f"{p.old.year}年（{old_rev}）", f"{p.new.year}年（{new_rev}）")
                for p in _year_pairs(old, new, options)]
    wanted = list(dict.fromkeys(options.departments))
    for d in wanted:
        _department_or_error(old, d)
        _department_or_error(new, d)
    ws_old, ws_new = old.result.workspace, new.result.workspace
    depts = wanted or [d.id for d in ws_new.ordered_departments() if d.id in ws_old.departments]
    pairs = []
    for dept_id in depts:
        years_old, years_new = ws_old.departments[dept_id].years, ws_new.departments[dept_id].years
        years = sorted(set(years_old) & set(years_new))
        if options.year is not None:
            if options.year not in years:
                side = old if options.year not in years_old else new
                raise UserError(f"{side.label}中部门“{dept_id}”没有 {options.year} 年度的数据",
                                "两个版本都有的年度：" + ("、".join(map(str, years)) or "（无）"))
            years = [options.year]
        for y in years:
            pairs.append(_Pair(dept_id, years_old[y], years_new[y], f"{y}年（{old_rev}）", f"{y}年（{new_rev}）"))
    if not pairs:
        raise UserError(f"两个版本（{old_rev}、{new_rev}）中没有共同的部门和年度可以比较",
                        "检查 --rev 的版本和部门 id。")
    return pairs


def _compare(pairs: list[_Pair], old: _Side, new: _Side, settings: DiffSettings) -> list[DeptDiff]:
    diffs = []
    for p in pairs:
        _require_loaded(old, p.old)
        _require_loaded(new, p.new)
        diffs.append(compare_years(p.old, p.new, settings, p.old_label, p.new_label))
    return diffs


def render_bytes(root: Path, dy: DepartmentYear) -> bytes:
    """The department's rendered .docx."""
    from perfgen.render.document import render_department
    return render_department(root, dy).docx


def _redline(pairs: list[_Pair], old: _Side, new: _Side) -> bytes:
    from perfgen.diff.redline import redline
    from perfgen.render.ooxml import core_xml
    if len(pairs) != 1:
        names = "、".join(f"{p.dept_id} {p.new.year}" for p in pairs[:4])
        raise UsageError(f"--docx 一次只能比较一个部门的一个年度，这次有 {len(pairs)} 组（{names}…）",
                         "写明部门 id（用 --rev 时再加 --year），例如 perfgen diff yutian-zfw --from 2025 --to 2026 "
                         "--docx 对比.docx。")
    p = pairs[0]
    a = render_bytes(old.root, p.old)
    b = render_bytes(new.root, p.new)
    title = f"{p.new.department.name}预算绩效目标修订对比（{p.old_label} → {p.new_label}）"
    result = redline(a, b, author="perfgen", date=f"{p.new.year:04d}-01-01T00:00:00Z",
                     replace={"docProps/core.xml": core_xml(title, p.new.year)})
    return result.docx


def run_diff(root: Path, options: DiffOptions) -> DiffReport:
    """Compare as `options` say; with options.docx the report carries the tracked-changes document."""
    settings = load_settings(root)
    summary = not options.departments
    if options.rev is None:
        if options.year is not None:
            raise UsageError("--year 只和 --rev 一起使用", "比较两个年度请用 --from 和 --to。")
        side = _Side(load_workspace(root), root, "工作区")
        pairs = _year_pairs(side, side, options)
        report = DiffReport(pairs[0].old_label, pairs[0].new_label, _compare(pairs, side, side, settings),
                            summary=summary or len(pairs) > 1)
        if options.docx:
            report.docx = _redline(pairs, side, side)
        return report
    rng = parse_range(options.rev)
    repo = Repo.find(root)
    with tempfile.TemporaryDirectory(prefix="perfgen-diff-") as tmp:
        old_root = Path(tmp) / "old"
        repo.export(rng.old, old_root)
        old = _Side(load_workspace(old_root), old_root, f"版本 {rng.old} ")
        if rng.new == WORKTREE:
            new = _Side(load_workspace(root), root, "工作区")
        else:
            new_root = Path(tmp) / "new"
            repo.export(rng.new, new_root)
            new = _Side(load_workspace(new_root), new_root, f"版本 {rng.new} ")
        pairs = _rev_pairs(old, new, options, rng.old, rng.new_label)
        report = DiffReport(rng.old, rng.new_label, _compare(pairs, old, new, settings),
                            summary=summary or len(pairs) > 1)
        if options.docx:
            report.docx = _redline(pairs, old, new)
    return report
