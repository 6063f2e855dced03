"""Onboarding: from an empty folder to a valid, buildable workspace with perfgen init / new.

The acceptance story: init, new department, new project give files whose only problems are the
“待填写” blanks, each reported at its line; filling them in by hand makes the workspace validate
and build. Files people read (the skeletons, the command output) are snapshot-tested.
"""
from __future__ import annotations

import copy
import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import assert_snapshot

from perfgen import resources
from perfgen.cli.app import cli
from perfgen.load import load_workspace
from perfgen.model.taxonomy import taxonomy_from_data
from perfgen.scaffold.editor_checks import annotate
from perfgen.scaffold.files import SCHEMA_FILES
from perfgen.validate.placeholders import CODE, PLACEHOLDER


def run(*args: str, ok: bool | None = None):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    if ok is True:
        assert result.exit_code == 0, result.output
    return result


def scaffold(root: Path, year: int = 2026) -> Path:
    """The issue's story: init, new department x, new project x p1 --year 2026."""
    run("init", str(root), "--year", "2027", ok=True)
    run("--root", str(root), "new", "department", "x", ok=True)
    run("--root", str(root), "new", "project", "x", "p1", "--year", str(year), ok=True)
    return root


def blank_lines(root: Path) -> set[tuple[str, int]]:
    """(file, line) of every data line that still holds a placeholder (comments do not count)."""
    found = set()
    for path in sorted(root.rglob("*.yaml")):
        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if PLACEHOLDER in line and not line.lstrip().startswith("#"):
                found.add((path.relative_to(root).as_posix(), n))
    return found


# What a person types in place of each blank, by field (the line's key).
FILLS = {
    "印发单位": "测试县财政局", "名称": "测试县委政法委员会", "单位编码": "101001", "项目名称": "见义勇为基金",
    "项目编码": "13000026P00000000001A", "预算数": "50000.00", "财政资金": "50000.00",
    "资金用途": "表彰奖励见义勇为人员。", "绩效目标": "弘扬社会正气。", "标题": "平安建设", "职责描述": "推进平安建设。",
    "三级指标": "帮扶见义勇为人次", "绩效指标描述": "帮扶见义勇为人员人次", "指标值": "≥3次", "指标值确定依据": "年度工作计划",
    "实施单位": "测试县司法局", "项目属性": "延续项目", "主管部门": "测试县司法局 101001", "任务名称": "公共法律服务",
    "主要内容": "开展法律咨询。", "总额": "50000.00", "财政拨款": "50000.00",
}
PLAN = {"3月底": 25, "6月底": 50, "10月底": 75}
LINE = re.compile(r'^(?P<lead>\s*(?:- )?)(?:(?P<key>[^\s:#"]+): )?(?P<value>.*)$')


def fill_in(root: Path) -> None:
    """Replace every blank the way a person would: the value on that line, nothing else."""
    for path in sorted(root.rglob("*.yaml")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if PLACEHOLDER not in line or line.lstrip().startswith("#"):
                continue
            m = LINE.match(line)
            key, value = m.group("key"), m.group("value")
            if key == "二级指标":  # "待填写：从数量指标、质量指标……中选一个": choose the first
                new = '"' + re.search(r"从(.+?)(?:、|中选)", value).group(1) + '"'
            elif key in PLAN:
                new = str(PLAN[key])
            elif key is None:  # a paragraph of a text list
                new = '"第一段文字。"'
            else:
                new = '"' + FILLS[key] + '"'
            lines[i] = f"{m.group('lead')}{key + ': ' if key else ''}{new}"
        path.write_text("\n".join(lines), encoding="utf-8")


def test_empty_folder_to_valid_buildable_workspace(tmp_path: Path) -> None:
    root = scaffold(tmp_path / "ws")
    r = run("--root", str(root), "validate", "--format", "json")
    assert r.exit_code == 1
    findings = json.loads(r.output)["findings"]
    # nothing but blanks, each at its own line, every blank reported
    assert {f["code"] for f in findings} == {CODE}
    assert all(f["line"] and f["column"] and f["hint"] for f in findings)
    assert {(f["file"], f["line"]) for f in findings} == blank_lines(root)
    assert len(findings) == len(blank_lines(root)) > 20
    # filled in by hand: valid and buildable
    fill_in(root)
    r = run("--root", str(root), "validate", ok=True)
    assert "没有发现问题" in r.output
    run("--root", str(root), "build", "-q", ok=True)
    assert (root / "build/2026/x.docx").stat().st_size > 0
    assert (root / "build/2026/volume.docx").exists()


def test_a_real_mistake_is_still_reported_among_the_blanks(tmp_path: Path) -> None:
    root = scaffold(tmp_path / "ws")
    p1 = root / "departments/x/2026/projects/p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8").replace('项目编码: "待填写：项目编码"', '项目编码: "P-01"'),
                  encoding="utf-8")
    codes = {(f.file, f.code) for f in load_workspace(root).findings}
    assert ("departments/x/2026/projects/p1.yaml", "schema.pattern") in codes
    assert ("departments/x/2026/projects/p1.yaml", CODE) in codes


def test_a_blank_reports_itself_not_the_rule_it_breaks(tmp_path: Path) -> None:
    root = scaffold(tmp_path / "ws")
    fill_in(root)
    p1 = root / "departments/x/2026/projects/p1.yaml"
    text = p1.read_text(encoding="utf-8")
    p1.write_text(text.replace('二级指标: "数量指标"', '二级指标: "待填写：二级指标"', 1), encoding="utf-8")
    findings = load_workspace(root).findings
    # no "not in the taxonomy" error for the blank; the row is named by its filled-in 三级指标
    assert [(f.code, f.breadcrumb) for f in findings] == [(CODE, "项目 › 绩效指标「帮扶见义勇为人次」 › 二级指标")]


def test_init_writes_a_workspace_editors_and_ci_understand(tmp_path: Path) -> None:
    root = scaffold(tmp_path / "ws")
    for rel in ("perfgen.yaml", "departments", ".gitignore", ".vscode/settings.json", ".vscode/extensions.json",
                ".github/workflows/perfgen.yml", *(f"schemas/{k}.schema.json" for k in resources.SCHEMA_KINDS),
                "schemas/layout.schema.json"):
        assert (root / rel).exists(), rel
    assert "build/" in (root / ".gitignore").read_text(encoding="utf-8").split("\n")
    # every modeline points at the workspace's schema for that file (a project: its profile's),
    # and the VS Code settings map that same schema to the file
    settings = json.loads((root / ".vscode/settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        kind = next(k for k, glob in SCHEMA_FILES.items() if fnmatch.fnmatch(rel, glob) and rel.count("/") == glob.count("/"))
        first = path.read_text(encoding="utf-8").split("\n")[0]
        target = (path.parent / first.removeprefix("# yaml-language-server: $schema=")).resolve()
        name = f"{kind}.common.schema.json" if kind in ("project", "goals") else f"{kind}.schema.json"
        assert target == (root / "schemas" / name).resolve(), rel
        if kind not in ("project", "goals"):  # the shipped schema, $refs inlined (the editor's completion needs them so),
            # the layout's too (版式)
            # (the editor's additions from perfgen's own rules: scaffold/editor_checks.py)
            written = json.loads(target.read_text(encoding="utf-8"))
            assert written == annotate(copy.deepcopy(resources.editor_schema(kind)), kind, root)
            assert written["properties"].keys() == resources.editor_schema(kind)["properties"].keys()
            assert "$ref" not in target.read_text(encoding="utf-8")
        globs = settings[f"./schemas/{name}"]
        assert any(fnmatch.fnmatch("/" + rel, g) for g in globs), (rel, globs)
    for schema in settings:
        assert (root / schema).exists()
    # the profile's schema lists its categories, with a Chinese message naming them
    profile = json.loads((root / "schemas/project.common.schema.json").read_text(encoding="utf-8"))
    level2 = profile["properties"]["绩效指标"]["items"]["properties"]["二级指标"]
    assert "数量指标" in level2["enum"] and "数量指标" in level2["errorMessage"]


def test_ci_example_runs_validate_review_build_and_keeps_the_documents(tmp_path: Path) -> None:
    root = scaffold(tmp_path / "ws")
    workflow = root / ".github/workflows/perfgen.yml"
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["check-and-build"]["steps"]
    commands = [s.get("run", "") for s in steps]
    for wanted in ("perfgen validate", "perfgen review --strict", "perfgen build"):
        assert any(c.startswith(wanted) for c in commands), wanted
    for c in commands:
        if c.startswith("perfgen "):
            assert c.split()[1] in cli.commands, c
    upload = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    assert upload and upload[0]["with"]["path"] == "build/"
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(workflow)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_init_never_overwrites_and_can_run_again(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "perfgen.yaml").write_text("印发单位: 某县财政局\n", encoding="utf-8")
    (root / ".gitignore").write_text("mine\n", encoding="utf-8")
    r = run("init", str(root), ok=True)
    assert "已有  perfgen.yaml（未改动）" in r.output and "新建  .vscode/settings.json" in r.output
    assert (root / "perfgen.yaml").read_text(encoding="utf-8") == "印发单位: 某县财政局\n"
    assert (root / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    r = run("init", str(root), ok=True)
    assert "没有新建文件" in r.output
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_init_notes_a_stale_schema_copy(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    run("init", str(root), ok=True)
    (root / "schemas/project.schema.json").write_text("{}", encoding="utf-8")
    r = run("init", str(root), ok=True)
    assert "schemas/project.schema.json 与工作区的指标体系或当前 perfgen 自带的版本不同" in r.output
    assert "运行 perfgen schemas" in r.output
    assert (root / "schemas/project.schema.json").read_text(encoding="utf-8") == "{}"
    # validate warns about it too; perfgen schemas puts it right
    r = run("--root", str(root), "validate")
    assert "schemas/project.schema.json" in r.output and "perfgen schemas" in r.output
    run("--root", str(root), "schemas", ok=True)
    assert json.loads((root / "schemas/project.schema.json").read_text(encoding="utf-8")) == \
        annotate(copy.deepcopy(resources.editor_schema("project")), "project", root)
    assert "0 个警告" in run("--root", str(root), "validate").output


@pytest.mark.parametrize("args, message", [
    (["new", "department", "Yutian_ZFW"], "部门 id“Yutian_ZFW”不合规"),
    (["new", "department", "x"], "部门“x”已经存在"),
    (["new", "department", "y", "--template", "hebie"], "没有模板“hebie”"),
    (["new", "department", "y", "--profile", "nope"], "没有指标体系“nope”"),
    (["new", "department", "y", "--year", "1999"], "年度 1999 不在 2000–2100 之间"),
    (["new", "project", "nope", "p2"], "没有部门“nope”"),
    (["new", "project", "x", "p1", "--year", "2026"], "项目“p1”已经存在"),
    (["new", "project", "x", "P 2"], "项目 id“P 2”不合规"),
])
def test_new_refuses_with_a_chinese_hint_and_changes_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    root = scaffold(tmp_path / "ws")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    r = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert r.exit_code == 1 and message in r.output and "提示：" in r.output, r.output
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_project_ids_stay_unique_across_departments_in_a_year(tmp_path: Path) -> None:
    root = scaffold(tmp_path / "ws")
    run("--root", str(root), "new", "department", "y", ok=True)
    r = CliRunner().invoke(cli, ["--root", str(root), "new", "project", "y", "p1", "--year", "2026"])
    assert r.exit_code == 1 and "2026 年已有项目 id“p1”" in r.output


def test_new_outside_a_workspace_says_to_run_init(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["--root", str(tmp_path), "new", "department", "x"])
    assert r.exit_code == 1 and "perfgen init" in r.output


def test_new_project_year_defaults_to_the_workspace_year_and_adds_that_years_goals(tmp_path: Path) -> None:
    root = scaffold(tmp_path / "ws")
    run("--root", str(root), "new", "project", "x", "p2", ok=True)
    assert (root / "departments/x/2027/projects/p2.yaml").exists()
    assert (root / "departments/x/2027/goals.yaml").exists()


def _project(root: Path, dept: str) -> dict:
    run("--root", str(root), "new", "project", dept, f"p-{dept}", "--year", "2026", ok=True)
    return yaml.safe_load((root / f"departments/{dept}/2026/projects/p-{dept}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("profile", resources.available(None, "profiles", ".yaml"))
def test_project_skeleton_lists_one_indicator_per_first_level_of_the_profile(tmp_path: Path, profile: str) -> None:
    root = scaffold(tmp_path / "ws")
    run("--root", str(root), "new", "department", "d", "--profile", profile, ok=True)
    tax = taxonomy_from_data(profile, yaml.safe_load(
        resources.find_named(None, "profiles", profile, ".yaml").read_text(encoding="utf-8")))
    rows = _project(root, "d")["绩效指标"]
    assert len(rows) == len(tax.levels)
    for row, (_, level2) in zip(rows, tax.levels):
        assert all(name in row["二级指标"] for name in level2)


def test_project_skeleton_follows_the_templates_spending_milestones(tmp_path: Path) -> None:
    root = scaffold(tmp_path / "ws")
    hebei = _project(root, "x")
    assert list(hebei["支出计划"]) == ["3月底", "6月底", "10月底", "12月底"] and hebei["支出计划"]["12月底"] == 100
    run("--root", str(root), "new", "department", "nx", "--template", "ningxia-attachment3", ok=True)
    assert "支出计划" not in _project(root, "nx")  # the Ningxia form has no spending plan


def test_every_field_a_scaffold_writes_is_explained_in_a_comment(tmp_path: Path) -> None:
    root = scaffold(tmp_path / "ws")
    for path in sorted(root.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        comments = "\n".join(line for line in text.split("\n") if line.lstrip().startswith("#"))
        keys: set[str] = set()

        def walk(value: object, keys: set[str] = keys) -> None:
            if isinstance(value, dict):
                keys.update(value)
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
        walk(yaml.safe_load(text))
        missing = sorted(k for k in keys if not re.search(re.escape(k) + r"[（：(、）]", comments))
        assert missing == [], (path.name, missing)


def test_scaffolds_read_as_expected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a finance clerk sees: the command output and the files, word for word."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "yutian"
    out = [run("init", "yutian", "--issuer", "玉田县财政局", "--year", "2026", ok=True).output,
           run("--root", "yutian", "new", "department", "yutian-zfw", ok=True).output,
           run("--root", "yutian", "new", "project", "yutian-zfw", "jianyiyongwei-jijin", ok=True).output]
    assert_snapshot("scaffold/commands.txt", "\n".join(out))
    for rel, name in (("perfgen.yaml", "perfgen.yaml"), ("departments/yutian-zfw/department.yaml", "department.yaml"),
                      ("departments/yutian-zfw/2026/goals.yaml", "goals.yaml"),
                      ("departments/yutian-zfw/2026/projects/jianyiyongwei-jijin.yaml", "project.yaml")):
        assert_snapshot(f"scaffold/{name}", (root / rel).read_text(encoding="utf-8"))
    assert_snapshot("scaffold/validate.txt", run("--root", str(root), "validate").output)


@pytest.mark.parametrize("template, absent, present", [
    ("national-project", ["项目编码", "资金用途", "支出计划", "绩效指标描述", "指标值确定依据", "单位编码", "分项绩效目标"],
     ["中期:", "开始年度: 2026", "实施单位:", "项目属性:", "主管部门:"]),
    ("national-department", ["项目编码", "资金用途", "支出计划", "绩效指标描述", "单位编码", "分项绩效目标", "工作保障措施",
                             "中期:"],
     ["年度主要任务:", "年度绩效指标:", "印作“年度总体目标”"]),
])
def test_new_scaffolds_for_the_chosen_form(tmp_path: Path, template: str, absent: list[str], present: list[str]) -> None:
    """--template picks the form; the skeletons ask only for what that form prints, and filled in they build."""
    root = tmp_path / "ws"
    run("init", str(root), "--year", "2026", ok=True)
    run("--root", str(root), "new", "department", "x", "--template", template, ok=True)
    run("--root", str(root), "new", "project", "x", "p1", ok=True)
    written = "\n".join(line for p in sorted((root / "departments").rglob("*.yaml"))
                        for line in p.read_text(encoding="utf-8").split("\n") if not line.lstrip().startswith("#"))
    for key in absent:
        assert key not in written, key
    everything = "\n".join(p.read_text(encoding="utf-8") for p in sorted((root / "departments").rglob("*.yaml")))
    for key in present:
        assert key in everything, key
    fill_in(root)
    assert [f.format() for f in load_workspace(root).findings] == []
    assert run("--root", str(root), "build", "-q").exit_code == 0


def test_a_copied_template_layout_names_the_workspace_layout_schema(tmp_path: Path) -> None:
    """`perfgen template copy`: the copy's layout.yaml has the modeline (even when its source had none),
    and a workspace whose schemas/ predate the layout schema gets it, so the keys hover in Chinese."""
    root = scaffold(tmp_path / "ws")
    (root / "schemas/layout.schema.json").unlink()
    r = CliRunner().invoke(cli, ["--root", str(root), "template", "copy", "hebei", "--as", "hebei-a"])
    assert r.exit_code == 0, r.output
    layout = root / "templates/hebei-a/layout.yaml"
    first = layout.read_text(encoding="utf-8").split("\n")[0]
    assert first == "# yaml-language-server: $schema=../../schemas/layout.schema.json"
    schema = root / "schemas/layout.schema.json"
    assert (layout.parent / first.split("=", 1)[1]).resolve() == schema.resolve()
    assert json.loads(schema.read_text(encoding="utf-8")) == annotate(copy.deepcopy(resources.editor_schema("layout")),
                                                                      "layout", root)
    layout.write_text("\n".join(layout.read_text(encoding="utf-8").split("\n")[1:]), encoding="utf-8")
    r = CliRunner().invoke(cli, ["--root", str(root), "template", "copy", "hebei-a", "--as", "hebei-b"])
    assert r.exit_code == 0, r.output
    assert (root / "templates/hebei-b/layout.yaml").read_text(encoding="utf-8").split("\n")[0] == first
    # the copies are allowed templates in the editor's department schema
    department = json.loads((root / "schemas/department.schema.json").read_text(encoding="utf-8"))
    assert {"hebei-a", "hebei-b", "hebei"} <= set(department["properties"]["模板"]["enum"])
    layout.write_text("\n".join(layout.read_text(encoding="utf-8").split("\n")[1:]), encoding="utf-8")
    r = CliRunner().invoke(cli, ["--root", str(root), "schemas", "--modelines"])
    assert "templates/hebei-a/layout.yaml" in r.output  # `perfgen schemas --modelines` fixes them too
