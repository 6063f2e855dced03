"""What a staff member meets in the editor, counted: used by tests/test_editor.py and runnable alone

    python3 tests/editor/measure.py [repo-root] [broken-case …]

to print the counts (diagnostics on shipped files, broken files flagged where perfgen flags them in
Chinese, completions that leave valid YAML, fields whose hover is specific).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp import Client, accept  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
MODELINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$")

# What no schema can say (perfgen's finding codes): business rules that compute or look at other
# files (class b), and findings made before there is a document to check (class c: YAML itself,
# reported by the language server's YAML parser in its own English words). Every other located
# finding is something the editor's schemas can express (class a) and is counted against them.
COMPUTED = {
    "rule.budget-sum": "预算数 = 财政资金 + 其他资金：JSON Schema 不能把两个字段相加再比较",
    "rule.task-sum": "各任务金额之和与合计比较：JSON Schema 不能求和",
    "rule.midterm-amount": "中期金额不少于本年度金额：JSON Schema 不能比较两个字段的值",
    "rule.midterm-years": "项目期含本年度、结束不早于开始：要比较两个字段，或与文件所在的年度目录比较",
    "rule.plan-decreasing": "累计支出逐期不减：JSON Schema 不能比较相邻两个节点的值",
    "rule.duplicate-code": "项目编码在同一年度唯一：要看同一年度的其他项目文件",
    "rule.duplicate-id": "项目 id 在各部门间唯一：要看其他部门的文件",
    "rule.unknown-project": "项目顺序引用的项目要有文件：要看 projects/ 目录",
    "rule.subgoal-amount": "分项金额等于项目预算数：要看项目文件中的预算",
    "rule.part": "项目属于版式中的某一部分：要看部门所用模板的版式（另一个文件）",
    "rule.form-field": "项目文件中表样印的字段必填：要看部门所用的模板（department.yaml，另一个文件）及其版式",
    "rule.plan-missing": "支出计划节点齐全：节点由部门所用模板的版式规定（另一个文件），项目 schema 按指标体系生成",
    "rule.plan-milestone": "支出计划节点属于本模板：节点由部门所用模板的版式规定（另一个文件）",
    "template.missing-docx": "模板目录里有没有 template.docx：要看另一个文件是否存在，JSON Schema 只看本文件",
    "labels.unknown-profile": "默认指标体系是否在 profiles/ 中：要看工作区和自带的指标体系文件，JSON Schema 只看本文件",
    "layout.unused-key": "设置是否属于这类模板：要看文件在哪个模板目录（汇编还是部门表样），各模板的 layout.yaml 共用一个 schema",
}
# yaml-language-server localizes through @vscode/l10n since 1.19 (redhat-developer/yaml-language-server
# PR #1086: l10n/bundle.l10n.<locale>.json chosen by the initialize request's `locale`, the folder
# overridable by initializationOptions.l10nPath, which vscode-yaml sets to its own bundle). The bundle
# holds the server's own strings only; parse errors are YAMLErrorToYamlDocDiagnostics(error) →
# `message: error.message` of the `yaml` package (parser/yaml-documents.js), which has no
# translations. A client-side bundle cannot reach them, so class c stays English in the editor.
PARSER_WHY = ("yaml-language-server 1.25 只翻译它自己的消息（l10n/bundle.l10n.zh-cn.json，按 initialize 的 locale "
              "选用，62 条）；YAML 解析错误原样转发 yaml 库（eemeli/yaml 2.8）的英文 error.message，不经过 l10n")
PARSER = {
    "yaml.syntax": PARSER_WHY,
    "yaml.duplicate-key": PARSER_WHY,
    "yaml.tag": PARSER_WHY + "；未知标签 “Unresolved tag” 也来自 yaml 库",
    "yaml.alias-bomb": "别名展开后的规模是解析器层面的计算，语言服务器不展开计数（只提示未使用的锚点）",
    "file.empty": "只有注释的文件是空文档，语言服务器不对空文档做 schema 校验（jsonDocument.validate：!this.root）",
}


def finding_class(code: str | None, file: str = "") -> str:
    """a: the editor's schemas can express it; b: computed or cross-file rule; c: before the schema."""
    if code == "rule.form-field" and file.endswith("department.yaml"):
        return "a"  # the department's own 模板 says whether its form prints 名称 (workspace schema)
    if code in COMPUTED:
        return "b"
    if code in PARSER:
        return "c"
    return "a"


def shipped_files(root: Path) -> list[Path]:
    """The data files and the templates' layout.yaml (edited the same way, with their own modeline)."""
    files = sorted((root / "departments").rglob("*.yaml"))
    files += sorted((root / "templates").glob("*/layout.yaml"))
    return files + ([root / "perfgen.yaml"] if (root / "perfgen.yaml").exists() else [])


def prepare_schemas(ws: Path, repo: Path) -> None:
    """Give a test workspace its schemas as a user's workspace has them: `perfgen schemas` when
    this perfgen has it, else (older perfgen) copies of the shipped schemas, as `perfgen init` made."""
    settings = ws / ".vscode" / "settings.json"
    if not settings.exists():  # `perfgen init` writes one; `perfgen schemas` fills its yaml.schemas
        settings.parent.mkdir(exist_ok=True)
        settings.write_text("{}\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(repo))
    proc = subprocess.run([sys.executable, "-m", "perfgen", "--root", str(ws), "schemas"], env=env, cwd=repo,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        (ws / "schemas").mkdir(exist_ok=True)
        for p in (repo / "schemas").glob("*.schema.json"):
            shutil.copy(p, ws / "schemas" / p.name)


def correct_modeline(ws: Path, path: Path, repo: Path) -> None:
    """Point a copied case file's modeline at the workspace's schemas (the line perfgen would suggest)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if not lines or not MODELINE.match(lines[0]):
        return
    env = dict(os.environ, PYTHONPATH=str(repo))
    code = ("import sys; from pathlib import Path; from perfgen.scaffold import modelines as m; "
            "print(m.expected_line(Path(sys.argv[1]), Path(sys.argv[2])) or '')")
    proc = subprocess.run([sys.executable, "-c", code, str(ws), str(path)], env=env, cwd=repo,
                          capture_output=True, text=True)
    line = proc.stdout.strip() if proc.returncode == 0 else ""
    if not line:  # older perfgen: the copied shipped schema of the file's kind
        target = MODELINE.match(lines[0]).group(1)  # type: ignore[union-attr]
        line = "# yaml-language-server: $schema=" + os.path.relpath(ws / "schemas" / Path(target).name, path.parent)
    lines[0] = line
    path.write_text("\n".join(lines), encoding="utf-8")


@dataclass
class Counts:
    shipped_files: int = 0
    shipped_diagnostics: int = 0
    shipped_messages: list[str] = field(default_factory=list)
    broken_cases: int = 0
    broken_flagged: int = 0          # the editor flags perfgen's line, with a Chinese message
    broken_report: list[str] = field(default_factory=list)
    # per class (finding_class): cases whose findings are all expressible (a), and the others
    expressible_cases: int = 0
    expressible_flagged: int = 0
    computed_cases: list[str] = field(default_factory=list)     # "case: reason" (class b)
    parser_cases: list[str] = field(default_factory=list)       # "case: reason" (class c)
    expressible_missed: list[str] = field(default_factory=list)  # class-a findings the editor missed
    completions: int = 0
    completions_valid: int = 0
    indicator_completions: int = 0   # of which: offered inside an indicator list item
    completion_failures: list[str] = field(default_factory=list)
    hover_fields: int = 0
    hover_specific: int = 0
    layout_hover_fields: int = 0     # of which: 版式 keys and templates/*/layout.yaml keys
    layout_hover_specific: int = 0
    hover_failures: list[str] = field(default_factory=list)


def shipped_workspace(repo: Path, dest: Path) -> Path:
    """The shipped examples as a user's workspace: schemas written by `perfgen schemas` (every $ref
    inlined, perfgen's rules added), modelines pointing at them. perfgen's own tree serves the
    source schemas, whose $refs make yaml-language-server complete a text field as a bare key."""
    sys.path.insert(0, str(repo / "tests"))
    from conftest import copy_shipped
    ws = copy_shipped(dest)
    prepare_schemas(ws, repo)
    for p in sorted((ws / "departments").rglob("*.yaml")) + [ws / "perfgen.yaml"]:
        if p.exists():
            correct_modeline(ws, p, repo)
    return ws


def measure_shipped(c: Client, root: Path, counts: Counts) -> None:
    for p in shipped_files(root):
        diags = c.diagnose(p)
        counts.shipped_files += 1
        counts.shipped_diagnostics += len(diags)
        counts.shipped_messages += [f"{p.relative_to(root)}:{d['range']['start']['line'] + 1}: {d['message']}"
                                    for d in diags]


def perfgen_findings(ws: Path, repo: Path) -> list[dict[str, Any]]:
    import json
    env = dict(os.environ, PYTHONPATH=str(repo))
    proc = subprocess.run([sys.executable, "-m", "perfgen", "--root", str(ws), "validate", "--format", "json"],
                          env=env, cwd=repo, capture_output=True, text=True)
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return []
    items = data.get("findings", data) if isinstance(data, dict) else data
    return [f for f in items if f.get("severity", "error") == "error"]


def measure_broken(repo: Path, cases: list[Path], tmp: Path, counts: Counts) -> None:
    sys.path.insert(0, str(repo / "tests"))
    from conftest import make_workspace
    for case in cases:
        ws = make_workspace(tmp / case.name, case)
        prepare_schemas(ws, repo)
        for p in sorted((ws / "departments").rglob("*.yaml")) + [ws / "perfgen.yaml"]:
            correct_modeline(ws, p, repo)
        findings = [f for f in perfgen_findings(ws, repo) if f.get("line")]
        if not findings:
            continue
        counts.broken_cases += 1
        classes = [finding_class(f.get("code"), f.get("file", "")) for f in findings]
        if "c" in classes:
            code = findings[classes.index("c")]["code"]
            counts.parser_cases.append(f"{case.name}: {code} — {PARSER[code]}")
        elif "b" in classes:
            code = findings[classes.index("b")]["code"]
            counts.computed_cases.append(f"{case.name}: {code} — {COMPUTED[code]}")
        else:
            counts.expressible_cases += 1
        with Client(ws) as c:
            ok = True
            for f in findings:
                path = ws / f["file"]
                diags = c.diagnose(path) if path.suffix in (".yaml", ".yml") and path.exists() else []
                at_line = [d for d in diags if d["range"]["start"]["line"] + 1 == f["line"]]
                chinese = [d for d in at_line if CJK.search(d["message"])]
                if not chinese:
                    ok = False
                    shown = "; ".join(f"{d['range']['start']['line'] + 1}: {d['message']}" for d in diags) or "无"
                    report = (f"{case.name} ({finding_class(f.get('code'), f['file'])}): perfgen "
                              f"{f['file']}:{f['line']} {f.get('code')} — 编辑器：{shown}")
                    counts.broken_report.append(report)
                    if finding_class(f.get("code"), f["file"]) == "a":
                        counts.expressible_missed.append(report)
            counts.broken_flagged += ok
            counts.expressible_flagged += ok and set(classes) == {"a"}


def _shape_schema(path: Path, text: str) -> dict[str, Any] | None:
    """The structure perfgen checks the file against (validate's schema of its kind, as named by the
    modeline): not the editor copy's business rules, which flag a chosen value, not a broken shape."""
    from perfgen import resources
    m = MODELINE.match(text.split("\n", 1)[0])
    if not m:
        return None
    kind = Path(m.group(1)).name.split(".")[0]
    return resources.schema(kind) if kind in resources.SCHEMA_KINDS else None


def _tolerated(error: Any) -> bool:
    """What is left to type after accepting a completion: a value not yet written (null or ""),
    a snippet's “待填写” blank, a required field not yet added. Anything else breaks the shape."""
    from perfgen.validate.schema_check import MUST_FILL_PATTERN
    if error.validator == "required":
        return True
    if error.instance is None or error.instance == "":
        return True
    if error.validator == "pattern" and error.validator_value == MUST_FILL_PATTERN:
        return True
    if isinstance(error.instance, str) and error.instance.strip().startswith("待填写"):
        return True  # a snippet's blank, marked “请填写…” in the editor
    if error.validator in ("anyOf", "oneOf", "allOf", "if", "then"):
        return all(_tolerated(e) for e in error.context) if error.context else True
    return False


def _valid_after(text: str, path: Path | None = None) -> str | None:
    """None when `text` parses and keeps the file's shape (its schema, minus what is left to type)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return str(exc).split("\n")[0]
    if not isinstance(data, dict):
        return "不是键值对"
    schema = _shape_schema(path, text) if path is not None else None
    if schema is not None:
        import jsonschema
        for error in jsonschema.Draft202012Validator(schema).iter_errors(data):
            if not _tolerated(error):
                where = "/".join(map(str, error.absolute_path)) or "（根）"
                return f"{where}: {error.message[:80]}"
    return None


def completion_points(text: str) -> list[tuple[str, str, int, int]]:
    """(name, text, line, character) where a person asks for completion: in a project file a new
    top-level key, a new key in 预算, in 支出计划; in every indicator list (a project's 绩效指标, a
    goals file's 年度绩效指标) a new item, a new key inside an item, and the values of 一级/二级指标."""
    lines = text.split("\n")
    points = []

    def insert(after_index: int, new: str, name: str) -> None:
        t = "\n".join(lines[:after_index + 1] + [new] + lines[after_index + 1:])
        points.append((name, t, after_index + 1, len(new)))

    insert(len(lines) - 1 if lines[-1] else len(lines) - 2, "", "顶层新字段")
    in_list = False
    for i, ln in enumerate(lines):
        if ln.rstrip() == "预算:":  # block mappings only: a new line under a flow mapping is not YAML
            insert(i, "  ", "预算内新字段")
        if ln.rstrip() == "支出计划:":
            insert(i, "  ", "支出计划节点")
        if re.match(r"^(绩效指标|年度绩效指标):\s*$", ln):
            in_list = True
            continue
        if in_list and ln.lstrip().startswith("- "):
            in_list = False
            indent = len(ln) - len(ln.lstrip()) + 2
            item_key = ln.lstrip()[2:].split(":", 1)[0]
            insert(i - 1, " " * (indent - 2) + "- ", "新指标项")
            insert(i, " " * indent, "指标项内新字段")
            prefix = " " * (indent - 2) + f"- {item_key}: "
            if item_key == "二级指标":
                t = "\n".join(lines[:i] + [prefix] + lines[i + 1:])
                points.append(("二级指标的值", t, i, len(prefix)))
            t = "\n".join(lines[:i + 1] + [" " * indent + "一级指标: "] + lines[i + 1:])
            points.append(("一级指标的值", t, i + 1, indent + len("一级指标: ")))
    return points


def measure_completion(c: Client, path: Path, counts: Counts) -> None:
    """Accept every item offered at each point of `path`; the result must parse and keep its shape."""
    text = path.read_text(encoding="utf-8")
    for name, t, line, ch in completion_points(text):
        c.open(path, t)
        items = c.complete(path, line, ch)
        if not items and name not in ("预算内新字段", "支出计划节点"):  # those may be complete already
            counts.completion_failures.append(f"{path.name} {name}：没有任何建议")
        for item in items:
            counts.completions += 1
            counts.indicator_completions += name.startswith(("新指标项", "指标项", "一级指标", "二级指标"))
            after = accept(t, item, line, ch)
            why = _valid_after(after, path)
            if why is None:
                counts.completions_valid += 1
            else:
                counts.completion_failures.append(f"{path.name} {name}「{item['label']}」：{why}")
    c.open(path, text)


def completion_files(root: Path) -> list[Path]:
    """A project file with an indicator list, and a goals file with 年度绩效指标 (the national form)."""
    projects = [p for p in sorted((root / "departments").rglob("projects/*.yaml"))
                if re.search(r"^绩效指标:\s*$", p.read_text(encoding="utf-8"), re.M)]
    # one whose 预算 and 支出计划 are block mappings too, so every point has something to offer
    projects.sort(key=lambda p: -len(re.findall(r"^(预算|支出计划):\s*$", p.read_text(encoding="utf-8"), re.M)))
    goals = [p for p in sorted((root / "departments").rglob("goals.yaml"))
             if re.search(r"^年度绩效指标:\s*$", p.read_text(encoding="utf-8"), re.M)]
    return projects[:1] + goals[:1]


def _keys(text: str) -> list[tuple[str, int, int]]:
    """(key, line, column) of every mapping key in a YAML text, via PyYAML's node positions."""
    found: list[tuple[str, int, int]] = []

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                found.append((str(k.value), k.start_mark.line, k.start_mark.column))
                walk(v)
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value:
                walk(v)

    root = yaml.compose(text)
    if root is not None:
        walk(root)
    return found


def measure_hover(c: Client, root: Path, counts: Counts) -> None:
    """Every field name in the shipped files; specific = non-empty, not a heading repeated with
    "||", and not the same text as a differently named field's."""
    seen: dict[str, str] = {}
    texts: dict[str, set[str]] = {}
    for p in shipped_files(root):
        c.open(p)
        text = p.read_text(encoding="utf-8")
        for key, line, col in _keys(text):
            if re.fullmatch(r"\d+月底", key):
                key_name = "支出计划节点"
            else:
                key_name = key
            where = f"{p.name}:{key_name}"
            if where in seen:
                continue
            h = c.hover(p, line, col + 1)
            seen[where] = h
            texts.setdefault(re.sub(r"\s+", " ", h.split("Source:")[0]).strip(), set()).add(key_name)
    import json
    layout_keys = set(json.loads((root / "schemas" / "layout.schema.json").read_text(encoding="utf-8"))["properties"])
    for where, h in seen.items():
        counts.hover_fields += 1
        file_name, key_name = where.split(":", 1)
        is_layout = file_name == "layout.yaml" or (file_name in ("department.yaml", "goals.yaml") and key_name in layout_keys)
        counts.layout_hover_fields += is_layout
        head = re.sub(r"\s+", " ", h.split("Source:")[0]).strip()
        shared = len(texts.get(head, set())) > 1
        doubled = re.search(r"(\S+) \|\| \1", h.replace("#", "").strip()) is not None
        if head and not shared and not doubled:
            counts.hover_specific += 1
            counts.layout_hover_specific += is_layout
        else:
            counts.hover_failures.append(f"{where}: {head[:60] or '（空）'}")


def measure(repo: Path, tmp: Path) -> Counts:
    counts = Counts()
    with Client(repo) as c:
        measure_shipped(c, repo, counts)
        measure_hover(c, repo, counts)
    ws = shipped_workspace(repo, tmp / "shipped")
    with Client(ws) as c:
        for path in completion_files(ws):
            measure_completion(c, path, counts)
    cases = sorted(p for p in (repo / "tests/cases/invalid").iterdir() if p.is_dir())
    measure_broken(repo, cases, tmp, counts)
    return counts


if __name__ == "__main__":
    import tempfile

    from lsp import install
    why = install()
    if why:
        sys.exit(why)
    repo = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    only = sys.argv[2:]  # case names: measure just these broken cases
    with tempfile.TemporaryDirectory() as tmp:
        if only:
            c = Counts()
            measure_broken(repo, [repo / "tests/cases/invalid" / n for n in only], Path(tmp), c)
        else:
            c = measure(repo, Path(tmp))
    for m in c.shipped_messages:
        print("  shipped:", m)
    for m in c.broken_report:
        print("  broken:", m)
    for m in c.completion_failures:
        print("  completion:", m)
    for m in c.hover_failures:
        print("  hover:", m)
    print(f"shipped files {c.shipped_files}, diagnostics {c.shipped_diagnostics}")
    for m in c.computed_cases:
        print("  (b) no schema can say:", m)
    for m in c.parser_cases:
        print("  (c) before the schema:", m)
    print(f"broken cases flagged at perfgen's line in Chinese: {c.broken_flagged}/{c.broken_cases}")
    print(f"  (a) expressible in the editor's schemas: {c.expressible_flagged}/{c.expressible_cases} flagged")
    print(f"  (b) computed or cross-file business rules: {len(c.computed_cases)}")
    print(f"  (c) YAML parse level (language server's own English): {len(c.parser_cases)}")
    print(f"completions leaving valid YAML of the file's shape: {c.completions_valid}/{c.completions}"
          f" ({c.indicator_completions} inside indicator items)")
    print(f"fields with specific hover: {c.hover_specific}/{c.hover_fields}")
    print(f"  of which 版式 / layout.yaml keys: {c.layout_hover_specific}/{c.layout_hover_fields}")
