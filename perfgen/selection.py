"""Which department-years a command works on (--year, --dept), with one set of messages."""
from __future__ import annotations

from perfgen.errors import UserError
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
