"""Loading a workspace: find the files, read them safely, check their structure, build the model.

Validation runs in passes (as mkdocs does): every file is read and schema-checked on its own, so one
run reports every structural problem in every file; only files whose structure is sound are turned
into model objects, and the business rules (perfgen.validate.rules) then run on the model.
"""
from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfgen import cache, load_forms, paths, resources, safeformat, yamlsource
from perfgen.errors import Finding, UserError
from perfgen.loaded import LoadResult
from perfgen.loaded import kind_of as _kind_of
from perfgen.loaded import rel_path as _rel
from perfgen.model import layout as layout_model
from perfgen.model.amounts import to_yuan
from perfgen.model.entities import (
    Department,
    DepartmentYear,
    DeptIndicatorRow,
    Explanation,
    Project,
    Source,
    SubGoal,
    Workspace,
    WorkspaceSettings,
    YearGoals,
)
from perfgen.model.ids import ID_RE as ID_RE
from perfgen.model.taxonomy import Taxonomy, taxonomy_from_data
from perfgen.model.text import text_lines as _text
from perfgen.validate import placeholders, rules, schema_check

YEAR_RE = re.compile(r"^\d{4}$")
MIN_YEAR, MAX_YEAR = 2000, 2100

_SETTINGS = resources.schema("workspace")["properties"]   # perfgen.yaml's defaults live in its schema
DEFAULT_TITLE: str = _SETTINGS["标题"]["default"]
TITLE_FIELDS = tuple(_SETTINGS["标题"]["x-fields"])  # what 标题 receives
DEFAULT_ISSUER: str = _SETTINGS["印发单位"]["default"]






class _Loader:
    def __init__(self, root: Path, preread: dict[Path, bytes] | None = None):
        self.root = root
        self.preread = preread or {}
        self.result = LoadResult(Workspace(root, WorkspaceSettings(DEFAULT_TITLE, DEFAULT_ISSUER, None, []), {}))
        self.known_keys = resources.known_keys()
        self._taxonomies: dict[str, Taxonomy | None] = {}
        self.parse_cache = cache.ShardedStore(root, "parse", typed=("findings", "models"))
        self._entries: dict[str, dict[str, Any]] = {}  # rel -> its cache entry (to add built models)
        self.seen: set[str] = set()
        self._layouts: dict[str, dict[str, Any] | None] = {}
        self._layout_keys: dict[str, list[str]] = {}  # the keys each template's layout.yaml sets

    # -- reading -----------------------------------------------------------------------------
    def read(self, path: Path, kind: str) -> yamlsource.YamlDocument | None:
        """Read, structure-check and screen one file; unchanged files come from the cache."""
        rel = _rel(self.root, path)
        self.result.files.append(rel)
        raw = self.preread.pop(path, None)
        try:
            if raw is None or path.is_symlink():
                raw = paths.read_limited(path, yamlsource.MAX_BYTES, self.root)
        except paths.FileProblem as problem:
            self.add(rel, problem.message, problem.hint, problem.code)
            return None
        fingerprint = cache.digest(raw, kind.encode())
        self.result.digests[rel] = fingerprint
        self.seen.add(rel)
        hit = _entry_ok(self.parse_cache.get(rel, fingerprint))
        if hit is not None:
            self._entries[rel] = hit
            data, usable_data, findings = hit["data"], _usable(hit), hit["findings"]
            self.result.findings.extend(findings)
            if data is None:
                return None
            text = yamlsource.decode(raw, rel)
            self.result.docs[rel] = yamlsource.YamlDocument(path, rel, data, text=text)
            if usable_data is None:
                return None
            if usable_data is data:
                return self.result.docs[rel]
            return yamlsource.YamlDocument(path, rel, usable_data, text=text)
        before = len(self.result.findings)
        usable = self._read_fresh(raw, path, rel, kind)
        doc = self.result.docs.get(rel)
        entry = _entry(doc.data if doc is not None else None, usable.data if usable is not None else None,
                       self.result.findings[before:])
        self.parse_cache.put(rel, fingerprint, entry)
        self._entries[rel] = entry
        return usable

    def _read_fresh(self, raw: bytes, path: Path, rel: str, kind: str) -> yamlsource.YamlDocument | None:
        doc, usable, findings = parse_file(raw, path, rel, kind, self.known_keys)
        self.result.findings.extend(findings)
        if doc is not None:
            self.result.docs[rel] = doc
        return usable

    def prefill(self, min_files: int = 400) -> None:
        """Parse files the cache does not know in worker processes (a first run on a county
        workspace parses ~2,000 files; PyYAML is the bottleneck), then let the normal, ordered
        load take everything from the cache."""
        import multiprocessing
        import os
        jobs = os.cpu_count() or 1
        if jobs < 2 or not cache.enabled() or "fork" not in multiprocessing.get_all_start_methods():
            return
        todo: list[tuple[Path, str, str, bytes, str]] = []
        for path in sorted((self.root / "departments").rglob("*.yaml")):
            rel = _rel(self.root, path)
            kind = _kind_of(rel)
            if kind is None:
                continue
            try:
                raw = self.preread.get(path) or paths.read_limited(path, yamlsource.MAX_BYTES, self.root)
            except paths.FileProblem:
                continue  # the ordered load reports it
            self.preread[path] = raw
            fingerprint = cache.digest(raw, kind.encode())
            if _entry_ok(self.parse_cache.get(rel, fingerprint)) is None:
                todo.append((path, rel, kind, raw, fingerprint))
        if len(todo) < min_files:
            return
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            chunk = max(1, len(todo) // (jobs * 8))
            args = [(path, rel, kind, raw) for path, rel, kind, raw, _ in todo]
            for (_path, rel, _kind, _raw, fingerprint), (data, usable_data, findings) in zip(
                    todo, pool.map(_parse_for_cache, args, chunksize=chunk)):
                self.parse_cache.put(rel, fingerprint, _entry(data, usable_data, findings))

    def add(self, rel: str, message: str, hint: str | None, code: str, line: int | None = None,
            column: int | None = None, severity: str = "error") -> None:
        self.result.findings.append(Finding(file=rel, line=line, column=column, message=message,
                                            hint=hint, code=code, severity=severity))  # type: ignore[arg-type]

    # -- shared data: profiles and layouts ----------------------------------------------------
    def taxonomy(self, name: str) -> Taxonomy | None:
        if name not in self._taxonomies:
            path = resources.find_named(self.root, "profiles", name, ".yaml")
            tax = None
            if path is not None:
                doc, findings = yamlsource.read(path, _rel(self.root, path))
                self.result.findings.extend(findings)
                problems = schema_check.check(doc, "profile") if doc is not None else []
                self.result.findings.extend(problems)  # a profile is data with its own schema
                if doc is not None and not problems:
                    self.result.docs.setdefault(doc.rel, doc)
                    tax = taxonomy_from_data(name, doc.data)
            self._taxonomies[name] = tax
        return self._taxonomies[name]

    def layout_defaults(self, template: str) -> dict[str, Any] | None:
        """The template's layout: schema defaults, then its layout.yaml (validated as data)."""
        if template not in self._layouts:
            from perfgen.model.layout import complete
            from perfgen.validate import layout_check
            folder = resources.find_named(self.root, "templates", template)
            data = None
            if folder is not None and not (folder / "template.docx").is_file():
                rel = _rel(self.root, folder)
                self.add(rel, f"模板“{template}”的目录中没有 template.docx，无法生成文档",
                         f"把 Word 模板存为 {rel}/template.docx；要从自带模板开始，先改名这个目录，再运行 "
                         f"perfgen template copy {template}，然后把改过的 layout.yaml 放回。",
                         "template.missing-docx", None, None)
            if folder is not None and (folder / "layout.yaml").exists():
                doc, findings = yamlsource.read(folder / "layout.yaml", _rel(self.root, folder / "layout.yaml"))
                self.result.findings.extend(findings)
                if doc is not None:
                    workspace = not folder.resolve().is_relative_to((resources.builtin_dir() / "templates").resolve())
                    # (the shipped layouts hold no such key: tests/test_layout_schema.py)
                    own, problems = layout_check.check_file(doc, template if workspace else None)
                    self.result.findings.extend(problems)
                    self._layout_keys[template] = layout_model.own_keys(doc.data)
                    data = complete(own)
            self._layouts[template] = data
        return self._layouts[template]

    def check_layout(self, doc: yamlsource.YamlDocument, overrides: dict[str, Any] | None,
                     template: str, kind: str) -> dict[str, Any]:
        """Keep the valid 版式 overrides; report unknown keys, wrong values and unsafe formats."""
        from perfgen.validate import layout_check
        good, findings = layout_check.check_overrides(doc, overrides, self._layout_keys.get(template, []), kind,
                                                      template)
        self.result.findings.extend(findings)
        return good

    # -- the workspace ------------------------------------------------------------------------
    def load(self) -> LoadResult:
        ws = self.result.workspace
        settings_path = self.root / "perfgen.yaml"
        if settings_path.exists():
            doc = self.read(settings_path, "workspace")
            if doc is not None:
                d = doc.data
                title = d.get("标题", DEFAULT_TITLE)
                bad = safeformat.check(title, TITLE_FIELDS)
                if bad is not None:
                    line, col = doc.position(("标题",))
                    self.add(doc.rel, f"汇编标题“{title[:80]}”有误：{bad.message}", bad.hint, "workspace.format", line, col)
                    title = DEFAULT_TITLE
                ws.settings = WorkspaceSettings(
                    title=title, issuer=d.get("印发单位", DEFAULT_ISSUER), locality=d.get("地区", ""),
                    default_year=d.get("默认年度"), department_order=list(d.get("部门顺序", [])),
                    duplex=d.get("双面打印", True) is not False)
        depts_dir = self.root / "departments"
        if not depts_dir.is_dir():
            raise UserError(f"在 {self.root} 下没有找到 departments/ 目录",
                            "请在工作区根目录运行 perfgen（或用 --root 指定），或先运行 perfgen init 新建工作区。")
        for folder in self.listdir(depts_dir):
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            self.load_department(folder)
        # the volume's layout (cover, contents, dividers) is data like any template's: checked here
        from perfgen.model.layout import schema_defaults
        ws.settings.volume_layout = self.layout_defaults(resources.VOLUME_TEMPLATE) or schema_defaults()
        for i, dept_id in enumerate(ws.settings.department_order):
            if dept_id not in ws.departments:
                doc = self.result.docs.get("perfgen.yaml")
                line, col = doc.position(("部门顺序", i)) if doc else (None, None)
                self.add("perfgen.yaml", f"部门顺序中的“{dept_id}”不存在", "检查拼写；部门 id 是 departments/ 下的目录名。",
                         "workspace.unknown-department", line, col)
        self.parse_cache.prune(self.seen)
        self.parse_cache.save()
        return self.result

    def listdir(self, folder: Path) -> list[Path]:
        """The entries of a workspace folder, sorted; [] with a located finding when the folder
        cannot be read or is a link that leads out of the workspace (docs/SECURITY.md)."""
        rel = _rel(self.root, folder)
        if folder.is_symlink() and not paths.inside(self.root, folder):
            self.add(rel, "这个目录是指向工作区之外的链接，perfgen 不读取它",
                     "把目录本身放进工作区，不要用链接指向工作区之外（见 docs/SECURITY.md）。", "file.link-outside")
            return []
        try:
            return sorted(folder.iterdir())
        except OSError as exc:
            self.add(rel, f"无法读取目录：{exc.strerror}", "检查目录的读取权限（例如 chmod u+rx 目录名）。", "file.read")
            return []

    def load_department(self, folder: Path) -> None:
        rel_folder = _rel(self.root, folder)
        if folder.is_symlink() and not paths.inside(self.root, folder):
            self.listdir(folder)  # reports the link
            return
        if not ID_RE.match(folder.name):
            self.add(rel_folder, f"部门目录名“{folder.name}”不合规", "部门 id 只能用小写英文字母、数字和连字符，例如 yutian-zfw。",
                     "id.department")
            return
        dept_file = folder / "department.yaml"
        if not dept_file.exists():
            self.add(rel_folder + "/department.yaml", "缺少部门信息文件 department.yaml",
                     "每个部门目录下都要有 department.yaml；可用 perfgen new department 生成。", "file.missing")
            return
        doc = self.read(dept_file, "department")
        if doc is None:
            return
        d = doc.data
        source = Source(doc.rel)
        template, profile = d["模板"], d["指标体系"]
        defaults = self.layout_defaults(template) if template != resources.VOLUME_TEMPLATE else None
        found = resources.find_named(self.root, "templates", template) \
            if defaults is None and template != resources.VOLUME_TEMPLATE else None
        if defaults is None and found is not None and (found / "layout.yaml").is_file():
            line, col = doc.position(("模板",))   # found, but its layout.yaml could not be read
            self.add(doc.rel, f"模板“{template}”的 layout.yaml 有错误，无法使用",
                     f"先按同时列出的提示修好 {_rel(self.root, found / 'layout.yaml')}。", "department.template", line, col)
        elif defaults is None:
            line, col = doc.position(("模板",))
            self.add(doc.rel, f"找不到模板“{template}”", "可用的模板：" + "、".join(resources.department_templates(self.root)),
                     "department.template", line, col)
        tax = self.taxonomy(profile)
        if tax is None and resources.find_named(self.root, "profiles", profile, ".yaml") is not None:
            line, col = doc.position(("指标体系",))
            self.add(doc.rel, f"指标体系“{profile}”的文件有错误，无法使用", "先按同时列出的提示修好指标体系文件。",
                     "department.profile", line, col)
        elif tax is None:
            line, col = doc.position(("指标体系",))
            self.add(doc.rel, f"找不到指标体系“{profile}”",
                     "可用的指标体系：" + "、".join(resources.available(self.root, "profiles", ".yaml")),
                     "department.profile", line, col)
        layout = self.check_layout(doc, d.get("版式"), template, "department") if defaults else {}
        dept = Department(
            id=folder.name, name=d.get("名称") or folder.name, short_name=d.get("简称"), unit_code=d.get("单位编码"),
            unit_name=d.get("单位名称", d.get("名称") or ""), named="名称" in d, competent_dept=d.get("主管部门"), region=d.get("地区"),
            template=template, profile=profile, layout=layout, source=source)
        self.result.workspace.departments[dept.id] = dept
        entries = self.listdir(folder)
        for year_dir in (p for p in entries if p.is_dir() and not p.name.startswith(".")):
            if year_dir.is_symlink() and not paths.inside(self.root, year_dir):
                self.listdir(year_dir)  # reports the link
                continue
            if not YEAR_RE.match(year_dir.name):
                self.add(_rel(self.root, year_dir), f"“{year_dir.name}”不是年度目录，已忽略",
                         f"部门目录下只放年度目录（{MIN_YEAR}–{MAX_YEAR} 的四位数字，如 2025）。", "year.folder",
                         severity="warning")
                continue
            if not (MIN_YEAR <= int(year_dir.name) <= MAX_YEAR):
                self.add(_rel(self.root, year_dir), f"年度“{year_dir.name}”超出范围（{MIN_YEAR}–{MAX_YEAR}）",
                         "检查目录名是否写错，例如 2025 写成了 2205。", "year.range")
                continue
            self.load_year(dept, int(year_dir.name), year_dir, defaults, tax)
        for stray in (p for p in entries if p.suffix == ".yml"):
            self.add(_rel(self.root, stray), "扩展名应为 .yaml", "把文件改名为 .yaml，否则 perfgen 不会读取它。",
                     "file.extension", severity="warning")

    def load_year(self, dept: Department, year: int, folder: Path, defaults: dict[str, Any] | None,
                  tax: Taxonomy | None) -> None:
        goals_path = folder / "goals.yaml"
        goals: YearGoals | None = None
        goals_layout: dict[str, Any] = {}
        if not goals_path.exists():
            self.add(_rel(self.root, goals_path), f"{year} 年缺少部门整体绩效目标文件 goals.yaml",
                     "每个年度目录下都要有 goals.yaml（第一部分 部门整体绩效目标）。", "file.missing")
        else:
            doc = self.read(goals_path, "goals")
            if doc is not None:
                goals_layout = self.check_layout(doc, doc.data.get("版式"), dept.template, "goals") if defaults else {}
                goals = self.build_goals(doc, goals_layout, tax)
        projects: list[Project] = []
        files: set[str] = set()
        proj_dir = folder / "projects"
        if proj_dir.is_dir():
            for path in self.listdir(proj_dir):
                if path.name.startswith(".") or path.is_dir():
                    continue
                if path.suffix in (".yml",):
                    self.add(_rel(self.root, path), "扩展名应为 .yaml", "把文件改名为 .yaml，否则 perfgen 不会读取它。",
                             "file.extension", severity="warning")
                    continue
                if path.suffix != ".yaml":
                    continue
                if not ID_RE.match(path.stem):
                    self.add(_rel(self.root, path), f"项目文件名“{path.name}”不合规",
                             "项目 id（文件名）只能用小写英文字母、数字和连字符，例如 jianyiyongwei-jijin.yaml。",
                             "id.project")
                    continue
                files.add(path.stem)
                doc = self.read(path, "project")
                if doc is not None:
                    projects.append(self._cached_project(doc, path.stem, tax))
        layout = dict(defaults or {})
        layout.update(dept.layout)
        layout.update(goals_layout)
        order = goals.project_order if goals else []
        by_id = {p.id: p for p in projects}
        ordered = [by_id[i] for i in order if i in by_id]
        rest = sorted((p for p in projects if p.id not in order), key=lambda p: (p.code or "", p.id))
        dept.years[year] = DepartmentYear(dept, year, goals, ordered + rest, tax, layout, folder, files)

    def _cached_project(self, doc: yamlsource.YamlDocument, project_id: str, tax: Taxonomy | None) -> Project:
        """Built Project objects are cached with their file's parse entry (per profile)."""
        entry = self._entries.get(doc.rel)
        key = repr(tax) if tax is not None else "-"
        if entry is not None and doc.data is _usable(entry):
            built = entry["models"].get(key)
            if isinstance(built, Project):
                built.raw = doc.data  # not stored in the cache: it is the file's own data
                return built
        project = self.build_project(doc, project_id, tax)
        if entry is not None and doc.data is _usable(entry):
            entry.setdefault("models", {})[key] = project
            self.parse_cache.touch(doc.rel)
        return project

    # -- building model objects (structure already checked) ------------------------------------
    def build_goals(self, doc: yamlsource.YamlDocument, layout: dict[str, Any],
                    tax: Taxonomy | None = None) -> YearGoals:
        d = doc.data
        source = Source(doc.rel)
        subgoals = []
        for i, s in enumerate(d.get("分项绩效目标", []) or []):
            subgoals.append(SubGoal(
                title=s["标题"], project_id=s.get("项目"),
                amount=to_yuan(s["金额"]) if s.get("金额") is not None else None,
                title_suffix=s.get("标题后缀"), duty=_text(s.get("职责描述")), goals=_text(s.get("绩效目标")),
                indicators=_text(s.get("绩效指标")), source=Source(doc.rel, ("分项绩效目标", i))))
        rows = []
        current_l1 = ""
        for r in d.get("部门绩效文本信息", []) or []:
            current_l1 = r.get("一级指标", current_l1) or current_l1 if "一级指标" in r else current_l1
            rows.append(DeptIndicatorRow(
                level1=r.get("一级指标", ""), level2=r.get("二级指标", ""), level3=r.get("三级指标", ""),
                sign=r.get("符号", ""), value=r.get("值", ""), unit=r.get("单位", ""), note=r.get("说明", "")))
        special = d.get("专项资金说明")
        return YearGoals(
            overall=_text(d["总体绩效目标"]), subgoals_intro=_text(d.get("分项绩效目标引言")), subgoals=subgoals,
            measures=_text(d.get("工作保障措施")), dept_table=rows,
            special_funds=_text(special) if special is not None else None,
            project_order=list(d.get("项目顺序", []) or []), layout=layout, source=source,
            tasks=load_forms.tasks(d, doc.rel, _text),
            indicators=load_forms.indicators(d.get("年度绩效指标"), doc.rel, ("年度绩效指标",), tax))

    def build_project(self, doc: yamlsource.YamlDocument, project_id: str, tax: Taxonomy | None) -> Project:
        d = doc.data
        b = load_forms.budget(d.get("预算") or {"预算数": 0})  # a form without a budget block asks for none
        indicators = load_forms.indicators(d.get("绩效指标"), doc.rel, ("绩效指标",), tax)
        e = d.get("说明")
        explanation = None
        if e is not None:
            explanation = Explanation(
                title=e.get("标题"), overview=_text(e["项目概况"]), funding_items=_text(e.get("资金安排")),
                funding_summary=e.get("资金安排总述"), goals=_text(e["绩效目标"]), indicators=_text(e["绩效指标"]),
                criteria=_text(e["评价标准"]), closing=e.get("结语"))
        plan = {k: Decimal(v) for k, v in (d.get("支出计划") or {}).items()}
        return Project(
            id=project_id, name=d["项目名称"], code=d.get("项目编码"), budget=b,
            fund_use=_text(d.get("资金用途")), spending_plan=plan, goals=_text(d.get("绩效目标")),
            goals_local=_text(d.get("本级绩效目标")), indicators=indicators, explanation=explanation,
            office=d.get("责任科室"), competent_dept=d.get("主管部门"), implementing_unit=d.get("实施单位"),
            attribute=d.get("项目属性"), period=d.get("项目期"), source=Source(doc.rel), raw=d,
            midterm=load_forms.midterm(d, doc.rel, tax, _text), fund_nature=d.get("资金性质"))


def _entry(data: Any, usable: Any, findings: list[Finding]) -> dict[str, Any]:
    """A parse-cache entry; "same" records that the usable data is the data itself, so the
    cache stores it once and the loader keeps them one object."""
    same = usable is data and data is not None
    return {"data": data, "usable": None if same else usable, "same": same, "findings": findings, "models": {}}


def _usable(entry: dict[str, Any]) -> Any:
    return entry["data"] if entry["same"] else entry["usable"]


def _entry_ok(entry: Any) -> dict[str, Any] | None:
    """A cache entry of the expected shape, or None (then the file is parsed again)."""
    if (isinstance(entry, dict) and isinstance(entry.get("findings"), list) and isinstance(entry.get("models"), dict)
            and isinstance(entry.get("same"), bool) and all(isinstance(f, Finding) for f in entry["findings"])):
        return entry
    return None


def parse_file(raw: bytes, path: Path, rel: str, kind: str, known_keys: frozenset[str]
               ) -> tuple[yamlsource.YamlDocument | None, yamlsource.YamlDocument | None, list[Finding]]:
    """Read one file and check its structure: (document, document to build from, findings)."""
    doc, findings = yamlsource.read_bytes(raw, path, rel, known_keys)
    if doc is None:
        return None, None, findings
    problems = schema_check.check(doc, kind)
    # “待填写” placeholders report themselves instead of the schema errors they cause (validate/placeholders.py)
    problems, usable = placeholders.screen(doc, kind, problems)
    findings = findings + problems
    if usable is None or any(f.severity == "error" for f in findings if f not in problems):
        return doc, None, findings
    return doc, usable, findings


def _parse_for_cache(args: tuple[Path, str, str, bytes]) -> tuple[Any, Any, list[Finding]]:
    path, rel, kind, raw = args
    doc, usable, findings = parse_file(raw, path, rel, kind, resources.known_keys())
    data = doc.data if doc is not None else None
    usable_data = (data if usable is not None and usable.data is data else
                   usable.data if usable is not None else None)
    return data, usable_data, findings


def load_workspace(root: Path, preread: dict[Path, bytes] | None = None) -> LoadResult:
    """Read and structure-check every file under `root`; then run the business rules.

    `preread` holds bytes the caller already read (the build hashes every input first).
    The cycle collector is paused meanwhile (_collector_paused)."""
    with _collector_paused():
        loader = _Loader(root, preread)
        if (root / "departments").is_dir():
            loader.prefill()
        result = loader.load()
        rules.check(result)
        from perfgen.results.load import attach  # results beside the goals (perfgen/results/)
        attach(loader, result, ID_RE)
    return result


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading builds the model of a county (tens of thousands of objects decoded from the cache,
    hardly any garbage): the cycle collector would walk the growing heap again and again for
    nothing, a quarter of a warm validate. Paused while loading; whatever cycles loading left
    behind are collected as usual once it runs again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
