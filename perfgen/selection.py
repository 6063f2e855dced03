"""Which department-years a command works on (--year, --dept), with one set of messages."""
from __future__ import annotations

from pathlib import Path

from perfgen.errors import Finding, UserError
from perfgen.model.entities import DepartmentYear, Workspace


def select(ws: Workspace, years: list[int] | None, departments: list[str] | None,
           what: str = "处理") -> list[DepartmentYear]:
    """The chosen department-years in year order, then the workspace's department order.

    Unknown departments or years are user errors naming what exists; `what` completes the message
    when nothing is left ("没有可生成的…", "没有可审核的…").
    """
    if departments:
        unknown = [d for d in departments if d not in ws.departments]
        if unknown:
            raise UserError(f"没有部门“{unknown[0]}”", "可用的部门：" + "、".join(sorted(ws.departments)))
    chosen_years = years or ws.years()
    missing = [y for y in chosen_years if y not in ws.years()]
    if missing:
        raise UserError(f"工作区中没有 {missing[0]} 年度的数据", "已有的年度：" + "、".join(map(str, ws.years())))
    plan = [dept.years[y] for y in sorted(chosen_years) for dept in ws.ordered_departments()
            if (not departments or dept.id in departments) and y in dept.years]
    if not plan:
        raise UserError(f"没有可{what}的部门年度", "检查 --year 和 --dept 是否对应工作区中已有的部门和年度。")
    return plan


# Findings of these rules concern the whole year (a code or id used twice, in any departments), so a
# command working on that year must see them wherever they are located.
YEAR_WIDE_CODES = frozenset({"rule.duplicate-code", "rule.duplicate-id"})


def scope_of(file: str) -> tuple[str | None, int | None]:
    """(department, year) a finding's file belongs to: (None, None) for workspace files
    (perfgen.yaml, profiles/, templates/), (dept, None) for departments/<dept>/department.yaml."""
    parts = file.split("/")
    if len(parts) < 2 or parts[0] != "departments":
        return None, None
    year = int(parts[2]) if len(parts) > 3 and parts[2].isdigit() else None
    return parts[1], year


def concerns(f: Finding, departments: list[str] | None, years: list[int] | None) -> bool:
    """Does finding `f` stand in the way of working on these departments and years?

    Yes for workspace files, for the department's own files in a chosen year (or in no year), and
    for the year-wide rules of a chosen year wherever they are located."""
    dept, year = scope_of(f.file)
    if dept is None:
        return True
    year_chosen = year is None or not years or year in years
    if f.code in YEAR_WIDE_CODES and year_chosen:
        return True
    return (not departments or dept in departments) and year_chosen


def errors_for(findings: list[Finding], departments: list[str] | None, years: list[int] | None) -> list[Finding]:
    """The errors that block work on the chosen departments and years (one late department blocks
    only itself)."""
    return [f for f in findings if f.severity == "error" and concerns(f, departments, years)]


def blocked(findings: list[Finding], root: Path) -> tuple[bool, dict[str, set[int] | None]]:
    """(any workspace-wide error, department → the years with errors, None meaning all its years)."""
    whole = False
    bad: dict[str, set[int] | None] = {}
    for f in findings:
        if f.severity != "error":
            continue
        dept, year = scope_of(f.file)
        if dept is None:
            whole = True
        elif year is None:
            bad[dept] = None
        elif dept not in bad or bad[dept] is not None:
            bad.setdefault(dept, set()).add(year)  # type: ignore[union-attr]
    return whole, bad


def department_years_on_disk(root: Path) -> dict[str, list[int]]:
    """Year folders of every department folder, loaded or not (a broken department.yaml still
    has years that a volume would miss)."""
    found: dict[str, list[int]] = {}
    depts = root / "departments"
    if depts.is_dir():
        for d in sorted(p for p in depts.iterdir() if p.is_dir() and not p.name.startswith(".")):
            found[d.name] = sorted(int(y.name) for y in d.iterdir() if y.is_dir() and y.name.isdigit() and len(y.name) == 4)
    return found
