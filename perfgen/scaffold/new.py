"""`perfgen new department` and `perfgen new project`: commented skeletons with “待填写” blanks.

A project skeleton is shaped by its department: one indicator per 一级指标 of the department's
指标体系 (profile), and the spending-plan milestones of its template (layout.yaml 支出计划节点, or
the department's 版式 override). The words come from skeletons/*.yaml.j2.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from perfgen import resources, yamlsource
from perfgen.errors import UserError
from perfgen.model.taxonomy import Taxonomy
from perfgen.scaffold.editor import read_taxonomy
from perfgen.scaffold.files import (
    ScaffoldReport,
    add_schemas,
    check_id,
    check_year,
    default_year,
    modeline_target,
    render,
    write_new,
)

DEFAULT_TEMPLATE = "hebei"
DEFAULT_PROFILE = "common"


def require_workspace(root: Path) -> None:
    if not (root / "departments").is_dir() and not (root / "perfgen.yaml").exists():
        raise UserError(f"“{root}”不是 perfgen 工作区（没有 departments/ 目录和 perfgen.yaml）",
                        "先运行 perfgen init 新建工作区，或到工作区根目录下运行（也可用 --root 指定）。")


def _read(path: Path, root: Path) -> dict[str, Any]:
    """A YAML file's data when it reads cleanly; {} otherwise (validate reports its problems)."""
    if not path.exists():
        return {}
    doc, _ = yamlsource.read(path, path.relative_to(root).as_posix())
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}


def _year(root: Path, year: int | None, dept_dir: Path | None = None) -> int:
    """--year, else perfgen.yaml 默认年度, else the department's newest year, else next year."""
    if year is not None:
        return check_year(year)
    configured = _read(root / "perfgen.yaml", root).get("默认年度")
    if isinstance(configured, int) and not isinstance(configured, bool):
        return check_year(configured)
    if dept_dir is not None and dept_dir.is_dir():
        years = sorted(int(p.name) for p in dept_dir.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4)
        if years:
            return years[-1]
    return default_year()


def department_templates(root: Path) -> list[str]:
    """Templates a department can use: those with a layout.yaml (the volume template has none)."""
    return resources.department_templates(root)


def _profiles(root: Path) -> list[dict[str, Any]]:
    result = []
    for name in resources.available(root, "profiles", ".yaml"):
        tax = read_taxonomy(root, name)
        if tax is not None:
            result.append({"name": name, "title": tax.title, "levels": tax.level1_names})
    return result


def _form(root: Path, template: str, overrides: Any = None) -> dict[str, Any]:
    """The chosen form's layout (with the department's 版式): which parts and fields it prints."""
    folder = resources.find_named(root, "templates", template)
    layout = _read(folder / "layout.yaml", folder.parent.parent) if folder else {}
    return {**layout, **(overrides if isinstance(overrides, dict) else {})}


def _listed(layout: dict[str, Any], key: str) -> list[str] | None:
    """A layout list such as 部门整体部分 or 项目字段; None when the form does not say (print all)."""
    value = layout.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else None


def _goals(report: ScaffoldReport, dept_id: str, year: int, layout: dict[str, Any], tax: Taxonomy | None) -> None:
    rel = f"departments/{dept_id}/{year}/goals.yaml"
    from perfgen.scaffold.editor import department_profiles  # the goals schema of the department's profile
    profile = department_profiles(report.root).get(dept_id)
    write_new(report, rel, render("goals.yaml", schema=modeline_target(report.root, rel, "goals", profile),
                                  dept_id=dept_id, year=year, parts=_listed(layout, "部门整体部分"),
                                  form=layout.get("表名", ""), level2=tax.level2_names if tax else []))


def new_department(root: Path, dept_id: str, year: int | None = None, template: str | None = None,
                   profile: str | None = None) -> ScaffoldReport:
    """departments/<id>/department.yaml and <year>/goals.yaml, both with “待填写” blanks."""
    require_workspace(root)
    check_id(dept_id, "部门", "yutian-zfw")
    template = template or DEFAULT_TEMPLATE
    profile = profile or DEFAULT_PROFILE
    templates = department_templates(root)
    if template not in templates:
        raise UserError(f"没有模板“{template}”", "可用的模板：" + "、".join(templates))
    profiles = _profiles(root)
    if profile not in [p["name"] for p in profiles]:
        raise UserError(f"没有指标体系“{profile}”", "可用的指标体系：" + "、".join(p["name"] for p in profiles))
    dept_dir = root / "departments" / dept_id
    rel = f"departments/{dept_id}/department.yaml"
    if (root / rel).exists():
        raise UserError(f"部门“{dept_id}”已经存在（{rel}），没有改动任何文件",
                        f"要添加项目，运行 perfgen new project {dept_id} <项目id>；要新建部门，换一个 id。")
    year = _year(root, year, dept_dir)
    report = ScaffoldReport(root)
    form = _form(root, template)
    write_new(report, rel, render("department.yaml", schema=modeline_target(root, rel, "department"),
                                  dept_id=dept_id, year=year, template=template, templates=templates,
                                  profile=profile, profiles=profiles,
                                  fields=_listed(form, "部门字段"), form=form.get("表名", "")))
    _goals(report, dept_id, year, form, read_taxonomy(root, profile))
    add_schemas(report, list_existing=False)  # the modelines point at them; settings.json maps the new department
    return report


def new_project(root: Path, dept_id: str, project_id: str, year: int | None = None) -> ScaffoldReport:
    """departments/<dept>/<year>/projects/<id>.yaml shaped by the department's profile and template;
    the year's goals.yaml too when that year is new."""
    require_workspace(root)
    check_id(dept_id, "部门", "yutian-zfw")
    check_id(project_id, "项目", "jianyiyongwei-jijin")
    dept_dir = root / "departments" / dept_id
    if not (dept_dir / "department.yaml").exists():
        raise UserError(f"没有部门“{dept_id}”（找不到 departments/{dept_id}/department.yaml）",
                        f"先运行 perfgen new department {dept_id}，或检查部门 id 的拼写。")
    year = _year(root, year, dept_dir)
    rel = f"departments/{dept_id}/{year}/projects/{project_id}.yaml"
    if (root / rel).exists() or (root / rel).with_suffix(".yml").exists():
        raise UserError(f"项目“{project_id}”已经存在（{rel}），没有改动任何文件", "换一个项目 id，或直接编辑这个文件。")
    for other in sorted((root / "departments").glob(f"*/{year}/projects/{project_id}.yaml")):
        raise UserError(f"{year} 年已有项目 id“{project_id}”（{other.relative_to(root).as_posix()}）",
                        "同一年度的项目 id 在全部部门中不能重复；换一个 id，例如加上部门前缀。")
    dept = _read(dept_dir / "department.yaml", root)
    report = ScaffoldReport(root)
    tax = read_taxonomy(root, str(dept.get("指标体系", DEFAULT_PROFILE)))
    profile = tax.name if tax is not None else None  # the modeline names the profile's schema
    if tax is None:
        tax = read_taxonomy(root, DEFAULT_PROFILE)
        report.notes.append(f"部门的指标体系“{dept.get('指标体系')}”找不到，指标按“{DEFAULT_PROFILE}”列出；"
                            "请先改正 department.yaml（perfgen validate 会指出）。")
    template = str(dept.get("模板", DEFAULT_TEMPLATE))
    layout = _form(root, template, dept.get("版式"))
    milestones = layout.get("支出计划节点", [])
    milestones = [m for m in milestones if isinstance(m, str)] if isinstance(milestones, list) else []
    assert tax is not None  # the shipped profiles always include the default
    add_schemas(report, list_existing=False)
    if not (dept_dir / str(year) / "goals.yaml").exists():
        _goals(report, dept_id, year, layout, tax)
    write_new(report, rel, render("project.yaml", schema=modeline_target(root, rel, "project", profile),
                                  dept_id=dept_id, project_id=project_id, year=year, milestones=milestones,
                                  taxonomy_title=tax.title, levels=list(tax.levels),
                                  fields=_listed(layout, "项目字段"), indicator_fields=_listed(layout, "指标字段"),
                                  form=layout.get("表名", "")))
    return report
