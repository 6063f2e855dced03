"""Robustness: hostile text, a wrong type in every field, faults, safety and output validity.

Each hostile value either renders exactly as written (and the document stays valid and opens in
LibreOffice) or is refused at validate time with a located Chinese message. Every schema field,
given a value of the wrong type, yields a located message and never a traceback.
"""
from __future__ import annotations

import copy
import errno
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, make_workspace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from perfgen import resources
from perfgen.build import BuildOptions, build
from perfgen.cli.app import cli
from perfgen.errors import UserError
from perfgen.load import load_workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CJK = re.compile(r"[\u4e00-\u9fff]")

# -- hostile text -------------------------------------------------------------------------------

RENDERED = {  # YAML double-quoted scalar -> the text that must appear in the document
    "xml-specials": ('"A&B <tag> \\"引号\\" \'单引号\' ]]> x<y"', "A&B <tag> \"引号\" '单引号' ]]> x<y"),
    "rare-cjk": ('"𠀀𪚥𰻞 扩展B区"', "𠀀𪚥𰻞 扩展B区"),
    "emoji": ('"平安建设😀👍"', "平安建设😀👍"),
    "long-5000": ('"' + "长" * 5000 + '"', "长" * 5000),
    "windows-newline": ('"第一行\\r\\n第二行"', "第一行第二行"),
    "tab": ('"甲\\t乙"', "甲乙"),
    "empty-optional": ('""', None),
}
REFUSED = {  # YAML double-quoted scalar -> the finding code
    "vertical-tab": ('"从Word复制\\v的文字"', "rule.xml-character"),
    "nul": ('"空\\0字符"', "rule.xml-character"),
    "unit-separator": ('"控制\\x1f字符"', "rule.xml-character"),
    "lone-surrogate": ('"孤立\\ud800代理"', "yaml.syntax"),
    "too-long-indicator": (None, "schema.too-long"),
}


def _set_fund_use(ws: Path, project: str, scalar: str) -> None:
    path = ws / f"departments/demo/2025/projects/{project}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^资金用途: .*$", lambda m: f"资金用途: {scalar}", text, count=1, flags=re.M),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> tuple[Path, Path]:
    """One workspace with a project per hostile value, built once."""
    ws = make_workspace(tmp_path_factory.mktemp("hostile") / "ws")
    src = (ws / "departments/demo/2025/projects/alpha.yaml").read_text(encoding="utf-8")
    order = ["alpha", "beta"]
    for i, (_name, (scalar, _)) in enumerate(RENDERED.items(), start=1):
        pid = f"hostile-{i}"
        text = src.replace('项目编码: "13000025P00000000001A"', f'项目编码: "13000025H{i:012d}"')
        (ws / f"departments/demo/2025/projects/{pid}.yaml").write_text(text, encoding="utf-8")
        _set_fund_use(ws, pid, scalar)
        order.append(pid)
    goals = ws / "departments/demo/2025/goals.yaml"
    goals.write_text(goals.read_text(encoding="utf-8").replace("项目顺序: [alpha, beta]",
                                                               f"项目顺序: [{', '.join(order)}]"), encoding="utf-8")
    result = load_workspace(ws)
    assert [f.format() for f in result.errors] == []
    out = ws / "build"
    build(ws, BuildOptions(out=out))
    return ws, out / "2025" / "demo.docx"


def _cell_texts(docx: Path) -> list[str]:
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    return ["".join(t.text or "" for t in tc.iter(W + "t")) for tc in root.iter(W + "tc")]


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_hostile_text_renders_exactly(hostile_build, name: str) -> None:
    _, docx = hostile_build
    expected = RENDERED[name][1]
    cells = _cell_texts(docx)
    if expected is None:  # an empty optional text: the cell exists and is empty, nothing breaks
        assert "" in cells
    else:
        assert expected in cells, name


def test_hostile_document_structure(hostile_build) -> None:
    _, docx = hostile_build
    xml = zipfile.ZipFile(docx).read("word/document.xml")
    root = etree.fromstring(xml)
    body = xml.decode("utf-8")
    assert "<w:br/>" in body and "<w:tab/>" in body  # CRLF became a line break, \t a real tab
    _structural_check(root)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_text_refused_with_location(workspace: Path, name: str) -> None:
    scalar, code = REFUSED[name]
    if scalar is None:
        beta = workspace / "departments/demo/2025/projects/beta.yaml"
        beta.write_text(beta.read_text(encoding="utf-8").replace("三级指标: 矛盾纠纷调处率",
                                                                 "三级指标: " + "长" * 5000), encoding="utf-8")
    else:
        _set_fund_use(workspace, "beta", scalar)
    result = load_workspace(workspace)
    found = [f for f in result.errors if f.code == code]
    assert found, [f.format() for f in result.findings]
    f = found[0]
    assert f.file == "departments/demo/2025/projects/beta.yaml" and f.line and CJK.search(f.message) and f.hint
    r = CliRunner().invoke(cli, ["--root", str(workspace), "build", "-q"])
    assert r.exit_code == 1 and "Traceback" not in r.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.acceptance
@pytest.mark.slow
def test_libreoffice_opens_the_hostile_document(hostile_build, tmp_path: Path) -> None:
    _, docx = hostile_build
    from perfgen.render.pdf import convert_to_pdf, page_texts
    pdf = convert_to_pdf([docx], tmp_path)[docx]
    text = "".join(page_texts(pdf))
    assert "A&B <tag>" in text and "平安建设" in text


# -- a wrong type in every field of every schema -------------------------------------------------

def _full_documents() -> dict[str, dict[str, Any]]:
    """A valid document of each kind that uses every property, so every path can be broken."""
    project = yaml.safe_load((ROOT / "tests/cases/base/departments/demo/2025/projects/alpha.yaml").read_text("utf-8"))
    project.update({"主管部门": "测试县委政法委", "实施单位": "测试县委政法委", "项目属性": "公共管理类", "项目期": "1年",
                    "责任科室": "综治办", "资金性质": "专项资金", "本级绩效目标": "本级目标。",
                    "说明": {"标题": "关于测试的说明", "项目概况": "概况。", "资金安排": ["1、甲，安排5万元。"],
                             "资金安排总述": "总述。", "绩效目标": "目标。", "绩效指标": "指标。", "评价标准": "标准。",
                             "结语": "结语。"}})
    project["绩效指标"][0].update({"一级指标": "产出指标"})
    project["绩效指标"].append({"二级指标": "经济效益指标", "占位": True})
    project["中期"] = {"开始年度": 2025, "结束年度": 2027, "预算": {"预算数": "300000.00", "财政资金": "300000.00"},
                     "绩效目标": ["中期目标。"],
                     "绩效指标": [{"二级指标": "数量指标", "三级指标": "开展次数", "符号": "≥", "值": 3, "单位": "次"}]}
    goals = yaml.safe_load((ROOT / "tests/cases/base/departments/demo/2025/goals.yaml").read_text("utf-8"))
    goals.update({"分项绩效目标引言": "引言。", "专项资金说明": "无专项资金。", "版式": {"分项标签": True},
                  "部门绩效文本信息": [{"一级指标": "产出指标", "二级指标": "完成率", "三级指标": "上报比例",
                                        "符号": "=", "值": "100", "单位": "%", "说明": "说明。"}],
                  "年度主要任务": [{"任务名称": "任务", "主要内容": "内容。",
                                    "预算金额": {"总额": "10000.00", "财政拨款": "10000.00", "其他资金": "0"}}],
                  "年度绩效指标": [{"二级指标": "数量指标", "三级指标": "开展次数", "指标值": "≥3次"}]})
    goals["分项绩效目标"][0].update({"项目": "alpha", "金额": "50000.00", "标题后缀": "：", "绩效指标": "指标。"})
    department = yaml.safe_load((ROOT / "tests/cases/base/departments/demo/department.yaml").read_text("utf-8"))
    department.update({"简称": "测试政法委", "主管部门": "测试县委", "地区": "测试县", "版式": {"分项标签": True}})
    workspace = yaml.safe_load((ROOT / "tests/cases/base/perfgen.yaml").read_text("utf-8"))
    workspace["默认年度"] = 2025
    workspace["双面打印"] = True
    workspace["地区"] = "测试县"
    return {"project": project, "goals": goals, "department": department, "workspace": workspace}


def _wrong_value(schema: dict[str, Any]) -> Any:
    types = schema.get("type")
    if types is None and ("oneOf" in schema or "anyOf" in schema):
        branches = schema.get("oneOf") or schema.get("anyOf")
        types = [b.get("type") for b in branches]
    types = types if isinstance(types, list) else [types]
    if "object" in types:
        return ["一个列表"]
    if "array" in types and "string" in types:
        return {"键": "值"}
    if "array" in types:
        return "一段文字"
    if "boolean" in types:
        return "是"
    if "integer" in types or "number" in types:
        return {"数字": "不是"}
    return {"不是": "文字"}


def _paths(schema: dict[str, Any], data: Any, path: tuple = ()) -> Iterator[tuple[tuple, dict[str, Any]]]:
    for key, sub in schema.get("properties", {}).items():
        if isinstance(data, dict) and key in data:
            yield path + (key,), sub
            value = data[key]
            if isinstance(value, dict):
                yield from _paths(sub, value, path + (key,))
            elif isinstance(value, list) and "items" in sub and value and isinstance(value[0], dict):
                yield from _paths(sub["items"], value[0], path + (key, 0))


def _cases() -> list[tuple[str, tuple, Any]]:
    docs = _full_documents()
    out = []
    for kind, data in docs.items():
        for path, sub in _paths(resources.schema(kind), data):
            out.append((kind, path, _wrong_value(sub)))
    return out


FILES = {"project": "departments/demo/2025/projects/alpha.yaml", "goals": "departments/demo/2025/goals.yaml",
         "department": "departments/demo/department.yaml", "workspace": "perfgen.yaml"}
WRONG_TYPE_CASES = _cases()


def test_every_schema_property_is_covered() -> None:
    covered = {(kind, path[-1]) for kind, path, _ in WRONG_TYPE_CASES}
    for kind in FILES:
        for key in resources.schema(kind)["properties"]:
            assert (kind, key) in covered, (kind, key)
    assert len(WRONG_TYPE_CASES) >= 60


@pytest.mark.parametrize("kind, path, value", WRONG_TYPE_CASES,
                         ids=[f"{k}:{'.'.join(map(str, p))}" for k, p, _ in WRONG_TYPE_CASES])
def test_wrong_type_in_every_field(tmp_path: Path, kind: str, path: tuple, value: Any) -> None:
    ws = make_workspace(tmp_path / "ws")
    docs = _full_documents()
    data = copy.deepcopy(docs[kind])
    node = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    for k, d in docs.items():  # write all four full documents; only one is broken
        (ws / FILES[k]).write_text(yaml.safe_dump(data if k == kind else d, allow_unicode=True, sort_keys=False),
                                   encoding="utf-8")
    result = load_workspace(ws)
    errors = [f for f in result.errors if f.file == FILES[kind]]
    assert errors, f"{kind} {path}: no error"
    for f in errors:
        assert f.line and CJK.search(f.message) and f.hint, f.format()


# -- amounts, ids, years -----------------------------------------------------------------------

@pytest.mark.parametrize("amount, code", [('"-5000.00"', "schema.pattern"), ("-5000", "schema.minimum"),
                                          ('"50000.001"', "schema.pattern"), ("100000000000000000", "schema.maximum"), ("1e20", "schema.pattern"),
                                          ("50000.001", "rule.amount-cents")])
def test_absurd_amounts(workspace: Path, amount: str, code: str) -> None:
    alpha = workspace / "departments/demo/2025/projects/alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace('预算数: "50000.00"', f"预算数: {amount}"), encoding="utf-8")
    codes = {f.code for f in load_workspace(workspace).errors}
    assert code in codes, codes


@pytest.mark.parametrize("name", ["a.b", "A-b", "x_y", "中文", "-lead"])
def test_ids_with_dots_or_other_characters_are_refused(workspace: Path, name: str) -> None:
    shutil.copytree(workspace / "departments/demo", workspace / "departments" / name)
    result = load_workspace(workspace)
    assert any(f.code == "id.department" and name in f.message for f in result.errors)
    r = CliRunner().invoke(cli, ["--root", str(workspace), "build", "-q"])
    assert r.exit_code == 1
    assert not (workspace / "build").exists()


# -- faults -------------------------------------------------------------------------------------

@pytest.mark.parametrize("error, words", [(PermissionError(errno.EACCES, "denied"), "没有权限"),
                                          (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间不足"),
                                          (OSError(errno.EROFS, "Read-only file system"), "无法写入")])
def test_unwritable_output_is_a_clear_error_and_keeps_old_files(workspace: Path, monkeypatch, error, words) -> None:
    build(workspace, BuildOptions())
    before = {p: p.read_bytes() for p in (workspace / "build").rglob("*.docx")}
    alpha = workspace / "departments/demo/2025/projects/alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("表彰奖励、慰问", "表彰、慰问"), encoding="utf-8")
    import perfgen.render.package as package

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(package.tempfile, "mkstemp", fail)
    with pytest.raises(UserError) as exc:
        build(workspace, BuildOptions(use_cache=False))
    assert words in exc.value.message
    assert {p: p.read_bytes() for p in (workspace / "build").rglob("*.docx")} == before


# -- safety -------------------------------------------------------------------------------------

def test_jinja_is_sandboxed(workspace: Path) -> None:
    import docx
    folder = workspace / "templates/hebei"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "templates/hebei/layout.yaml", folder)
    d = docx.Document(str(ROOT / "templates/hebei/template.docx"))
    d.add_paragraph("{{ dept.name.__class__.__mro__[1].__subclasses__() }}")
    d.save(folder / "template.docx")
    r = CliRunner().invoke(cli, ["--root", str(workspace), "build", "-q"])
    assert r.exit_code == 1 and "Traceback" not in r.output and "模板" in r.output


def test_yaml_tags_never_construct_objects(workspace: Path, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    alpha = workspace / "departments/demo/2025/projects/alpha.yaml"
    alpha.write_text(f'项目名称: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    result = load_workspace(workspace)
    assert any(f.code == "yaml.tag" for f in result.errors)
    assert not marker.exists()


# -- output validity ----------------------------------------------------------------------------

def _structural_check(root: etree._Element) -> None:
    """Our own checks: every cell ends with a paragraph, bookmark ids unique, no forbidden text."""
    for tc in root.iter(W + "tc"):
        assert len(tc) and tc[-1].tag == W + "p", "a table cell must end with a paragraph"
    ids = [b.get(W + "id") for b in root.iter(W + "bookmarkStart")]
    assert len(ids) == len(set(ids)), "bookmark ids must be unique"
    for t in root.iter(W + "t"):
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", t.text or "")


@pytest.fixture(scope="module")
def shipped_outputs(shipped_documents: list[Path]) -> list[Path]:
    return shipped_documents


def test_every_output_passes_the_structural_check(shipped_outputs: list[Path]) -> None:
    assert len(shipped_outputs) == 11 + 5  # and the 自评表/监控表 of the illustrative results
    for path in shipped_outputs:
        _structural_check(etree.fromstring(zipfile.ZipFile(path).read("word/document.xml")))


@pytest.mark.acceptance
@pytest.mark.slow
def test_every_output_passes_ooxml_validation(shipped_outputs: list[Path], hostile_build) -> None:
    for path in shipped_outputs + [hostile_build[1]]:
        proc = subprocess.run([sys.executable, "-m", "openxml_audit", str(path), "-m", "0"], capture_output=True, text=True)
        assert "Errors: 0" in proc.stdout and proc.returncode == 0, f"{path}:\n{proc.stdout[-2000:]}"


# -- property tests -----------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.characters(whitelist_categories=("Lo", "Nd", "Lu", "Ll", "Po", "Zs"),
                                       blacklist_characters="\u3000"), min_size=1, max_size=40).map(str.strip) \
    .filter(lambda s: s and not s.startswith(("-", "?", ":", "#", "待填写")))
_VALUE = st.one_of(
    st.builds(lambda op, n, u: f"{op}{n}{u}", st.sampled_from(["≥", "≤", ">", "<", "="]),
              st.integers(0, 100000), st.sampled_from(["%", "次", "人", "万元", "个", ""])),
    _TEXT.filter(lambda s: s[0] not in "≥≤><=＞＜＝"),
)
_INDICATOR = st.fixed_dictionaries({
    "二级指标": st.sampled_from(["数量指标", "质量指标", "时效指标", "成本指标", "社会效益指标", "服务对象满意度指标"]),
    "三级指标": _TEXT, "绩效指标描述": _TEXT, "指标值": _VALUE})
_PROJECT = st.fixed_dictionaries({"项目名称": _TEXT, "indicators": st.lists(_INDICATOR, min_size=1, max_size=6),
                                  "total": st.integers(1, 10**9)})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(projects=st.lists(_PROJECT, min_size=1, max_size=4))
def test_random_valid_workspaces_validate_and_build(tmp_path_factory, projects) -> None:
    ws = make_workspace(tmp_path_factory.mktemp("prop") / "ws")
    folder = ws / "departments/demo/2025/projects"
    for p in folder.glob("*.yaml"):
        p.unlink()
    ids = []
    for i, p in enumerate(projects, start=1):
        pid = f"p{i}"
        ids.append(pid)
        data = {"项目名称": p["项目名称"], "项目编码": f"13000025R{i:012d}",
                "预算": {"预算数": f"{p['total']}.00"}, "支出计划": {"3月底": 25, "6月底": 50, "10月底": 75, "12月底": 100},
                "绩效目标": "目标。", "绩效指标": p["indicators"]}
        (folder / f"{pid}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    goals = ws / "departments/demo/2025/goals.yaml"
    goals.write_text(re.sub(r"项目顺序: .*", f"项目顺序: [{', '.join(ids)}]", goals.read_text(encoding="utf-8"))
                     .replace("工作保障措施:", "工作保障措施:"), encoding="utf-8")
    text = goals.read_text(encoding="utf-8")
    goals.write_text(text, encoding="utf-8")
    result = load_workspace(ws)
    assert [f.format() for f in result.errors] == []
    report = build(ws, BuildOptions(out=ws / "build", jobs=1, use_cache=False))
    cells = set(_cell_texts(ws / "build/2025/demo.docx"))
    for p in projects:
        assert p["项目名称"] in cells
        for ind in p["indicators"]:
            assert ind["指标值"] in cells
    assert report.documents
