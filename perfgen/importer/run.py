"""`perfgen import` as a library call: a .docx or .xlsx in, the department's YAML files out.

Steps: recognise the file and its layout; read it with the layout's own settings (the template's
layout.yaml plus the department's 版式); check the indicators against the department's profile (or
guess the profile for a new department from the first-level names); give projects ids; write
department.yaml (only when new), goals.yaml and one file per project — atomically, never over an
existing file without --force — and check the result the way `perfgen validate` would.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfgen import resources
from perfgen.errors import Finding, UsageError, UserError
from perfgen.importer import hebei, labels, ningxia, sniff, xlsx
from perfgen.importer.assemble import (
    assign_ids,
    duplicate_codes,
    goals_data,
    goals_summary,
    layout_comments,
    link_subgoals,
    project_data,
    read_yaml,
)
from perfgen.importer.docx_reader import Document, DocxReadError, Paragraph, read_docx
from perfgen.importer.labels import vocab
from perfgen.importer.normalize import key
from perfgen.importer.profiles import check_indicators, empty_categories_setting, guess_profile, taxonomies
from perfgen.importer.report import Reporter, Where
from perfgen.importer.result import ImportedDocument
from perfgen.importer.writer import PlannedFile, check_targets, dump, modeline, write_all
from perfgen.model.ids import ID_RE, MAX_ID_CHARS  # the one id pattern

READERS = {"hebei": hebei.read, "ningxia": ningxia.read}


@dataclass
class ImportOptions:
    file: Path
    dept: str
    year: int
    force: bool = False
    dry_run: bool = False


@dataclass
class ImportReport:
    """What the import wrote (or would write) and everything worth the user's attention."""

    files: list[PlannedFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)      # not placed, interpreted
    validation: list[Finding] = field(default_factory=list)    # perfgen validate on the result
    template: str = ""
    profile: str = ""
    new_department: bool = False
    dry_run: bool = False
    overwritten: list[str] = field(default_factory=list)
    projects: int = 0
    indicators: int = 0


# -- the department as it is now ------------------------------------------------------------------
def _existing_department(root: Path, dept: str) -> dict[str, Any] | None:
    """The department's department.yaml, checked as `perfgen validate` checks it: import builds on
    its 模板, 指标体系 and 版式, so an invalid one stops the import with its own located findings."""
    from perfgen.load import parse_file

    path = root / "departments" / dept / "department.yaml"
    if not path.exists():
        return None
    rel = f"departments/{dept}/department.yaml"
    try:
        raw = path.read_bytes() if path.is_file() else b""
    except OSError as exc:
        raise UserError(f"无法读取 {rel}：{exc.strerror}", "检查文件的读取权限。") from None
    doc, usable, findings = parse_file(raw, path, rel, "department", resources.known_keys())
    errors = [f for f in findings if f.severity == "error"]
    if usable is None or errors or not isinstance(usable.data, dict):
        raise UserError(f"{rel} 有错误，不能在它的基础上导入", "先按提示修好它（perfgen validate 会列出同样的问题），再导入。",
                        findings=errors)
    data: dict[str, Any] = usable.data
    return data


def layout_defaults(root: Path, template: str) -> dict[str, Any]:
    """The template's complete layout, read and checked as `perfgen validate` reads it: the layout
    schema's defaults, then its layout.yaml (one source of defaults; a broken file stops the import)."""
    from perfgen import yamlsource
    from perfgen.model.layout import complete
    from perfgen.validate import layout_check
    folder = resources.find_named(root, "templates", template)
    if folder is None or not (folder / "layout.yaml").is_file():
        raise UserError(f"找不到模板“{template}”的版式设置（templates/{template}/layout.yaml）",
                        "可用的模板：" + "、".join(resources.available(root, "templates")))
    path = folder / "layout.yaml"
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else f"（perfgen 自带）templates/{template}/layout.yaml"
    doc, findings = yamlsource.read(path, rel)
    own: dict[str, Any] = {}
    if doc is not None:
        own, problems = layout_check.check_file(doc)
        findings = findings + problems
    errors = [f for f in findings if f.severity == "error"]
    if doc is None or errors:
        raise UserError(f"{rel} 有错误，导入没有开始", "按提示改正模板的版式设置（perfgen validate 会列出同样的问题），再导入。",
                        findings=errors)
    return complete(own)


# -- recognising the layout -----------------------------------------------------------------------

def best_template(texts: list[str]) -> tuple[str, int]:
    """The template whose recognition labels (labels.yaml) occur most in `texts`, and how many do;
    ties go to the template listed first."""
    blob = "\n".join(key(t) for t in texts)
    scores = {name: sum(1 for lab in spec["识别标签"] if key(lab) in blob) for name, spec in vocab()["版式"].items()}
    best = max(scores, key=lambda n: scores[n])
    return best, scores[best]


def detect_template(doc: Document) -> str:
    """The template of a Word document; UserError when none is recognisable."""
    texts: list[str] = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            texts.append(b.text)
        else:
            texts.extend(c.text for r in b.rows for c in r if not c.continued)
    best, score = best_template(texts)
    if score == 0:
        raise UserError(f"“{doc.path.name}”中没有可识别的绩效目标表",
                        "perfgen import 认得河北“部门预算绩效信息”（项目编码、预算规模及资金用途、绩效指标…）和"
                        "宁夏“附件3”（项目名称、主管部门、项目资金、绩效指标…）两种版式；检查是否选错了文件。")
    return best


# -- checking the result --------------------------------------------------------------------------

def validate_planned(root: Path, dept: str, files: list[PlannedFile]) -> list[Finding]:
    """Load a scratch copy of the department with the planned files, as `perfgen validate` would."""
    from perfgen.load import load_workspace

    with tempfile.TemporaryDirectory(prefix="perfgen-import-") as tmp:
        t = Path(tmp)
        for name in ("templates", "profiles"):
            if (root / name).is_dir():
                shutil.copytree(root / name, t / name)
        src = root / "departments" / dept
        if src.is_dir():
            shutil.copytree(src, t / "departments" / dept, ignore=shutil.ignore_patterns("*.docx", "*.pdf"))
        for f in files:
            target = t / f.rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f.text, encoding="utf-8")
        (t / "departments").mkdir(exist_ok=True)
        result = load_workspace(t)
        return [f for f in result.findings if f.file.startswith(f"departments/{dept}/")]


# -- the use case ---------------------------------------------------------------------------------

def import_file(root: Path, options: ImportOptions) -> ImportReport:
    """Read `options.file`, write (or with dry_run only plan) the department's YAML files, with
    the workspace's own words (importer/labels.yaml) when it has them."""
    with labels.using(root):
        return _import_file(root, options)


def _import_file(root: Path, options: ImportOptions) -> ImportReport:
    if len(options.dept) > MAX_ID_CHARS or not ID_RE.match(options.dept):
        raise UsageError(f"部门 id“{options.dept}”不合规", "部门 id 只能用小写英文字母、数字和连字符，"
                         f"不超过 {MAX_ID_CHARS} 个字符，例如 yutian-zfw。")
    if not 2000 <= options.year <= 2100:
        raise UsageError(f"年度“{options.year}”不对", "写四位数的年度，例如 2025。")
    rep = Reporter(options.file.name)
    existing = _existing_department(root, options.dept)
    doc, layout = read_document(root, options.file, existing, options.year, rep)
    taxes = taxonomies(root)
    profile = existing["指标体系"] if existing else guess_profile(doc, taxes)
    if profile not in taxes:
        raise UserError(f"找不到指标体系“{profile}”", "可用的指标体系：" + "、".join(sorted(taxes)))
    check_indicators(doc, taxes[profile], rep)
    empty_categories_setting(doc, taxes[profile], layout)
    assign_ids(root, options.dept, options.year, doc.projects)
    link_subgoals(doc)
    duplicate_codes(root, options.dept, options.year, doc, rep)

    report = ImportReport(template=doc.template, profile=profile, new_department=existing is None,
                          dry_run=options.dry_run)
    report.files = plan_files(root, options, doc, existing, layout, profile, rep)
    report.projects = len(doc.projects)
    report.indicators = sum(1 for p in doc.projects for i in p.indicators if not i.placeholder)
    report.overwritten = [f.rel for f in report.files if f.exists]
    if not options.dry_run:
        check_targets(report.files, options.force)
    report.findings = rep.items
    report.validation = validate_planned(root, options.dept, report.files)
    if not options.dry_run:
        write_all(report.files)
    return report


def read_document(root: Path, path: Path, existing: dict[str, Any] | None, year: int,
                  rep: Reporter) -> tuple[ImportedDocument, dict[str, Any]]:
    """The file read with its template's layout settings (the department's 版式 included)."""
    kind = sniff.kind_of(path)
    if kind == "docx":
        try:
            doc_in = read_docx(path)
        except DocxReadError as exc:
            raise UserError(f"无法读取 Word 文件“{path.name}”：{exc}", "在 Word/WPS 中打开并另存为 .docx，再导入。") from None
        detected = detect_template(doc_in)
        rep.position = _block_positions(doc_in)
        template = existing["模板"] if existing else detected
        if existing and template != detected and template in vocab()["版式"]:
            raise UserError(f"部门使用模板“{template}”，而这份文档是“{detected}”版式",
                            "导入到另一个部门 id，或先在 department.yaml 中改用相应的模板。")
        layout = _layout(root, template, existing)
        reader = READERS[(vocab()["版式"].get(template) or vocab()["版式"][detected])["解析器"]]
        doc = reader(doc_in, layout, year, rep)
        if not doc.projects and not doc.goals.get("总体绩效目标"):
            raise UserError(f"“{path.name}”中没有读到项目表或部门整体绩效目标", "检查文档是否是部门预算绩效信息或附件3项目表。")
    else:
        doc = xlsx.read(path, rep)
        template = existing["模板"] if existing else best_template(doc.labels_seen)[0]
        layout = _layout(root, template, existing)
    doc.template = template
    return doc, layout


def _layout(root: Path, template: str, existing: dict[str, Any] | None) -> dict[str, Any]:
    layout = dict(layout_defaults(root, template))
    layout.update((existing or {}).get("版式") or {})
    return layout


def plan_files(root: Path, options: ImportOptions, doc: ImportedDocument, existing: dict[str, Any] | None,
               layout: dict[str, Any], profile: str, rep: Reporter) -> list[PlannedFile]:
    """department.yaml (new departments only), goals.yaml and one file per project, as text.

    版式 settings the document shows go into the new department.yaml; for an existing department
    they go into goals.yaml (a year may override its department's layout)."""
    dept_dir = root / "departments" / options.dept
    year_dir = dept_dir / str(options.year)
    source = f"# 来源：由 perfgen import 从“{options.file.name}”导入"
    files: list[PlannedFile] = []
    changes = {k: v for k, v in doc.layout.items() if layout.get(k) != v}
    dept_info: dict[str, Any] = dict(existing or {})
    if existing is None:
        dept_info = new_department(doc, options.file, profile, changes, rep)
        target = dept_dir / "department.yaml"
        text = dump("department", dept_info, [modeline(root, target, "department"), source], layout_comments(changes))
        files.append(PlannedFile(target, _rel(root, target), "department", text,
                                 f"{dept_info['名称']}（模板 {doc.template}，指标体系 {profile}）"))
        changes = {}
    order = [p.id for p in doc.projects]
    goals_path = year_dir / "goals.yaml"
    if doc.kind == "docx" or not goals_path.exists():
        g = goals_data(doc, order, changes)
        text = dump("goals", g, [modeline(root, goals_path, "goals"), source], layout_comments(changes))
        files.append(PlannedFile(goals_path, _rel(root, goals_path), "goals", text, goals_summary(g)))
    else:
        current = read_yaml(goals_path)
        listed = current.get("项目顺序") if isinstance(current, dict) else None
        missing = [pid for pid in order if listed and pid not in listed]
        if missing:
            rep.note(None, f"{_rel(root, goals_path)} 的项目顺序中没有新导入的项目：" + "、".join(missing),
                     "在项目顺序中加上它们，否则它们排在最后。")
        if changes:
            rep.note(None, "文档的版式与部门设置不同：" + "、".join(f"{k}={v!r}" for k, v in changes.items()),
                     f"需要时写进 {_rel(root, goals_path)} 的“版式”。")
    for p in doc.projects:
        target = year_dir / "projects" / f"{p.id}.yaml"
        data, comments = project_data(p, dept_info)
        text = dump("project", data, [modeline(root, target, "project"), f"{source}，{p.source}"], comments)
        real = sum(1 for i in p.indicators if not i.placeholder)
        files.append(PlannedFile(target, _rel(root, target), "project", text,
                                 f"{p.name}（{real} 个指标）" if p.indicators else f"{p.name}（项目说明）"))
    stray = sorted(q.stem for q in (year_dir / "projects").glob("*.yaml") if q.stem not in set(order))
    if stray:
        rep.note(None, f"{_rel(root, year_dir / 'projects')} 中还有文档里没有的项目：" + "、".join(stray) + "，保持原样",
                 "如果它们已不需要，请自行删除；重新生成时它们也会印出。")
    return files


def new_department(doc: ImportedDocument, path: Path, profile: str, layout_changes: dict[str, Any],
                   rep: Reporter) -> dict[str, Any]:
    """department.yaml for a department the workspace does not have yet, from what the file shows."""
    name = doc.dept.get("名称")
    if not name:
        name = path.stem
        rep.note(None, f"文档中没有部门名称，暂用文件名“{name}”", "在 department.yaml 中改为部门全称。")
    info: dict[str, Any] = {"名称": name}
    if doc.dept.get("单位编码") and re.fullmatch(r"[0-9A-Za-z]{1,30}", doc.dept["单位编码"]):
        info["单位编码"] = doc.dept["单位编码"]
    if doc.dept.get("单位名称") and doc.dept["单位名称"] != name:
        info["单位名称"] = doc.dept["单位名称"]
    if doc.dept.get("主管部门"):
        info["主管部门"] = doc.dept["主管部门"]
    info["模板"] = doc.template
    info["指标体系"] = profile
    if layout_changes:
        info["版式"] = layout_changes
    return info


def _block_positions(doc: Document) -> Callable[[Where], tuple[int, ...]]:
    """Where a table or paragraph stands in the body, so findings are listed in reading order."""
    pos = {(b.kind, b.index): i for i, b in enumerate(doc.blocks)}

    def position(where: Where) -> tuple[int, ...]:
        if where.table is not None:
            return (pos.get(("t", where.table), 0),)
        return (pos.get(("p", where.paragraph or 0), 0),)
    return position


def _rel(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
