"""Rules files (rules/<name>.yaml): which review rules run, how severe they are, their wording and data.

A region writes `继承: default` and only what it changes; files are merged base first. Every file is
checked against the rule declarations (perfgen.review.registry) before anything runs, so a typo in a
rule id, a parameter or a {placeholder} is a located Chinese message, not a crash mid-review.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfgen import resources, safeformat, yamlsource
from perfgen.errors import SEVERITY_WORDS as SEVERITY_WORDS
from perfgen.errors import Finding, Severity, UserError
from perfgen.review.registry import WORDS, Choices, RuleSpec, fits, kind_name
from perfgen.review.rules import specs

DEFAULT = "default"
CRITERIA = ("完整性", "相关性", "适当性", "可行性")
GRADES = ("优", "良", "中", "差")
GRADE_FACTS = ("错误", "警告", "提示", "规则", "指标数", "错误指标", "问题指标")
_TOP_KEYS = ("名称", "说明", "继承", "规则", "评级")
_RULE_KEYS = ("启用", "级别", "标题", "准则", "说明", "消息", "提示", "参数")
_CONDITION_KEYS = ("规则", "错误不少于", "警告不少于", "提示不少于", "问题不少于", "错误指标占比不低于", "问题指标占比不低于")
_LIST_EDIT = ("追加", "去掉")


@dataclass(frozen=True)
class RuleConfig:
    """One rule as configured: switch, severity, wording and parameters."""

    id: str
    enabled: bool
    severity: Severity
    title: str
    criterion: str
    explanation: str
    message: str
    hint: str
    params: dict[str, Any]

    @property
    def code(self) -> str:
        return f"review.{self.id}"


@dataclass(frozen=True)
class GradeStep:
    """One line of the grading ladder: if the condition holds, the grade is `grade`."""

    grade: str
    reason: str
    rules: tuple[str, ...] = ()
    min_errors: int | None = None
    min_warnings: int | None = None
    min_infos: int | None = None
    min_problems: int | None = None
    min_error_share: int | None = None     # percent of indicator rows with an error
    min_problem_share: int | None = None   # percent of indicator rows with an error or a warning


@dataclass(frozen=True)
class RuleSet:
    name: str
    files: tuple[str, ...]        # the files it was read from, the chosen one first
    rules: dict[str, RuleConfig]  # in the order the rules run
    grading: tuple[GradeStep, ...]

    @property
    def enabled(self) -> list[RuleConfig]:
        return [r for r in self.rules.values() if r.enabled]


# ── finding and reading the files ─────────────────────────────────────────────────────────


def _shown(root: Path, path: Path) -> str:
    for base in (root, resources.builtin_dir()):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def _looks_like_path(spec: str) -> bool:
    return "/" in spec or "\\" in spec or spec.endswith((".yaml", ".yml"))


def resolve(root: Path, spec: str | None, relative_to: Path | None = None) -> Path:
    """A rules name (rules/<name>.yaml, workspace first) or a path to a rules file."""
    spec = spec or DEFAULT
    if _looks_like_path(spec):
        path = Path(spec)
        if not path.is_absolute():
            path = (relative_to or Path.cwd()) / path
        if not path.is_file():
            raise UserError(f"找不到审核规则文件“{spec}”", "检查路径；也可以只写规则集名称，例如 --rules default。")
        return path
    found = resources.find_named(root, "rules", spec, ".yaml")
    if found is None:
        names = resources.available(root, "rules", ".yaml")
        close = difflib.get_close_matches(spec, names, n=1, cutoff=0.5)
        raise UserError(f"没有名为“{spec}”的审核规则", (f"是不是“{close[0]}”？" if close else "")
                        + "可用的规则集：" + "、".join(names) + "；规则集放在工作区的 rules/<名称>.yaml。")
    return found


def _contained(root: Path, path: Path, spec: str) -> None:
    """继承 may name a file in the workspace or a shipped rules file, nothing else on disk: a rules
    file is untrusted and must not make perfgen read (and echo) /etc/passwd."""
    target = path.resolve()
    for base in (root.resolve(), (resources.builtin_dir() / "rules").resolve()):
        if target.is_relative_to(base):
            return
    raise UserError(f"“继承”指向工作区之外的文件“{spec}”", "继承只能写规则集名称（如 default）或工作区内 rules/ 下文件的相对路径。")


def load_ruleset(root: Path, spec: str | None = None) -> RuleSet:
    """Read, check and merge a rules file with the files it extends."""
    problems: list[Finding] = []
    layers: list[tuple[str, yamlsource.YamlDocument]] = []
    path: Path | None = resolve(root, spec)
    seen: list[Path] = []
    while path is not None:
        if path.resolve() in seen:
            chain = " → ".join(_shown(root, p) for p in seen + [path])
            raise UserError(f"审核规则的“继承”绕成了一个圈：{chain}", "去掉其中一个文件的“继承”。")
        seen.append(path.resolve())
        rel = _shown(root, path)
        doc, found = yamlsource.read(path, rel)
        problems.extend(found)
        if doc is None:
            break
        layer_problems = _check_layer(doc)
        problems.extend(layer_problems)
        layers.append((rel, doc))
        parent = doc.data.get("继承") if isinstance(doc.data, dict) else None
        path = None
        if isinstance(parent, str) and parent.strip():
            try:
                path = resolve(root, parent.strip(), relative_to=doc.path.parent)
                _contained(root, path, parent.strip())
            except UserError as exc:
                path = None
                line, col = doc.position(("继承",))
                problems.append(Finding(rel, exc.message, line, col, exc.hint, "审核规则 › 继承", "review.rules"))
    problems = [f for f in problems if f.severity == "error"]
    if problems:
        raise UserError(f"审核规则文件有 {len(problems)} 处错误", "按提示修改规则文件后重新运行。", findings=problems)
    merged: dict[str, Any] = {}
    for _rel, doc in reversed(layers):
        problems.extend(_merge(merged, doc))
    if not problems:  # a list edit that failed would also show up as a missing parameter
        top_rel, top_doc = layers[0]
        problems.extend(_check_complete(merged, top_rel, top_doc))
    if problems:
        raise UserError(f"审核规则文件有 {len(problems)} 处错误", "按提示修改规则文件后重新运行。", findings=problems)
    return _build(merged, tuple(rel for rel, _ in layers))


# ── checking one file ─────────────────────────────────────────────────────────────────────


def _suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.4)
    return f"是不是“{close[0]}”？" if close else ""


class _Checker:
    def __init__(self, doc: yamlsource.YamlDocument):
        self.doc = doc
        self.found: list[Finding] = []

    def add(self, path: tuple[str | int, ...], message: str, hint: str, key: bool = False) -> None:
        line, col = self.doc.position(path, key=key)
        crumb = " › ".join(["审核规则", *(str(p) if isinstance(p, str) else f"第{p + 1}项" for p in path)])
        self.found.append(Finding(self.doc.rel, message, line, col, hint, crumb, "review.rules"))

    def text(self, path: tuple[str | int, ...], value: Any, facts: tuple[str, ...] | None = None) -> None:
        if not isinstance(value, str):
            self.add(path, f"“{path[-1]}”应为文字", "写一段文字；含冒号等符号时用引号括起来。")
            return
        if facts is None:
            return
        for bad in safeformat.problems(value, facts):
            self.add(path, bad.message, bad.hint)


def _check_layer(doc: yamlsource.YamlDocument) -> list[Finding]:
    c = _Checker(doc)
    data = doc.data
    if not isinstance(data, dict):
        c.add((), "审核规则文件应为“键: 值”形式", "参照 rules/default.yaml 开头的格式说明。")
        return c.found
    for key in data:
        if key not in _TOP_KEYS:
            c.add((key,), f"不认识的键“{key}”", _suggest(key, _TOP_KEYS) + "可用的键：" + "、".join(_TOP_KEYS), key=True)
    for key in ("名称", "说明", "继承"):
        if key in data:
            c.text((key,), data[key])
    rules = data.get("规则", {})
    if rules is None:
        rules = {}
    if not isinstance(rules, dict):
        c.add(("规则",), "“规则”应为以规则 id 为键的映射", "例如：\n    规则:\n      vague:\n        启用: false")
        rules = {}
    registry = specs()
    for rule_id, body in rules.items():
        spec = registry.get(rule_id)
        if spec is None:
            c.add(("规则", rule_id), f"没有 id 为“{rule_id}”的审核规则",
                  _suggest(rule_id, list(registry)) + "规则 id 见 perfgen review --list-rules。", key=True)
            continue
        if not isinstance(body, dict):
            c.add(("规则", rule_id), f"规则“{rule_id}”应为“键: 值”形式", "例如 “启用: false”。")
            continue
        _check_rule(c, spec, body)
    if "评级" in data:
        _check_grading(c, data["评级"])
    return c.found


def _check_rule(c: _Checker, spec: RuleSpec, body: dict[str, Any]) -> None:
    base = ("规则", spec.id)
    for key, value in body.items():
        path = base + (key,)
        if key not in _RULE_KEYS:
            c.add(path, f"规则中不认识的键“{key}”", _suggest(key, _RULE_KEYS) + "可用的键：" + "、".join(_RULE_KEYS), key=True)
        elif key == "启用" and not isinstance(value, bool):
            c.add(path, "“启用”应为 true 或 false", "写 启用: false 关闭这条规则。")
        elif key == "级别" and value not in SEVERITY_WORDS:
            c.add(path, f"级别“{value}”不对", "级别可以是：错误、警告、提示。")
        elif key == "准则" and value not in CRITERIA:
            c.add(path, f"准则“{value}”不对", "准则可以是：" + "、".join(CRITERIA))
        elif key in ("标题", "说明"):
            c.text(path, value)
        elif key in ("消息", "提示"):
            c.text(path, value, spec.facts)
        elif key == "参数":
            if value is None:
                continue
            if not isinstance(value, dict):
                c.add(path, "“参数”应为“名称: 值”形式", "参照 rules/default.yaml 中这条规则的参数。")
                continue
            for name, v in value.items():
                kind = spec.params.get(name)
                if kind is None:
                    hint = (_suggest(name, list(spec.params)) + "这条规则的参数：" + "、".join(spec.params)) if spec.params \
                        else "这条规则没有参数。"
                    c.add(path + (name,), f"规则“{spec.id}”没有参数“{name}”", hint, key=True)
                elif _is_list_edit(v) and (kind == WORDS or isinstance(kind, Choices)):
                    for op, words in v.items():
                        if not fits(kind, words):
                            c.add(path + (name, op), f"“{op}”应为{kind_name(kind)}", "例如 追加: [大力, 着力]")
                elif not fits(kind, v):
                    c.add(path + (name,), f"参数“{name}”应为{kind_name(kind)}",
                          "参照 rules/default.yaml 中的写法。" + ("也可以写 {追加: [...], 去掉: [...]} 修改继承的列表。"
                                                                  if kind == WORDS else ""))


def _is_list_edit(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(_LIST_EDIT)


def _check_grading(c: _Checker, steps: Any) -> None:
    if not isinstance(steps, list):
        c.add(("评级",), "“评级”应为列表（每项以“- ”开头）", "参照 rules/default.yaml 末尾的评级。")
        return
    registry = specs()
    for i, step in enumerate(steps):
        path: tuple[str | int, ...] = ("评级", i)
        if not isinstance(step, dict):
            c.add(path, "评级的每一项应为“键: 值”形式", "每项写 等级、条件、理由。")
            continue
        for key in step:
            if key not in ("等级", "条件", "理由"):
                c.add(path + (key,), f"评级中不认识的键“{key}”", "每项只写 等级、条件、理由。", key=True)
        if step.get("等级") not in GRADES:
            c.add(path + ("等级",), f"等级“{step.get('等级')}”不对", "等级可以是：优、良、中、差。")
        c.text(path + ("理由",), step.get("理由"), GRADE_FACTS)
        cond = step.get("条件")
        if cond is None:
            continue
        if not isinstance(cond, dict):
            c.add(path + ("条件",), "“条件”应为“键: 值”形式", "例如 条件: {错误不少于: 3}")
            continue
        for key, value in cond.items():
            cpath = path + ("条件", key)
            if key not in _CONDITION_KEYS:
                c.add(cpath, f"条件中不认识的键“{key}”", _suggest(key, _CONDITION_KEYS) + "可用的条件：" + "、".join(_CONDITION_KEYS),
                      key=True)
            elif key == "规则":
                if not isinstance(value, list):
                    c.add(cpath, "“规则”应为规则 id 的列表", "例如 规则: [no-indicators, missing-category]")
                    continue
                for j, rid in enumerate(value):
                    if rid not in registry:
                        c.add(cpath + (j,), f"没有 id 为“{rid}”的审核规则", _suggest(str(rid), list(registry)))
            elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
                c.add(cpath, f"“{key}”应为不小于 0 的整数", "例如 错误不少于: 3")


# ── merging and completing ─────────────────────────────────────────────────────────────────


def _merge(merged: dict[str, Any], doc: yamlsource.YamlDocument) -> list[Finding]:
    c = _Checker(doc)
    data = doc.data
    for key in ("名称", "说明"):
        if key in data:
            merged[key] = data[key]
    if "评级" in data:
        merged["评级"] = data["评级"]
    rules = merged.setdefault("规则", {})
    for rule_id, body in (data.get("规则") or {}).items():
        target = rules.setdefault(rule_id, {})
        for key, value in body.items():
            if key != "参数":
                target[key] = value
                continue
            params = target.setdefault("参数", {})
            for name, v in (value or {}).items():
                if _is_list_edit(v):
                    if not isinstance(params.get(name), list):
                        c.add(("规则", rule_id, "参数", name), f"参数“{name}”没有可以修改的继承列表",
                              "“追加/去掉”只能用在写了“继承”的文件里；否则直接写出完整列表。")
                        continue
                    removed = set(v.get("去掉") or [])
                    params[name] = [w for w in params[name] if w not in removed] + \
                                   [w for w in (v.get("追加") or []) if w not in params[name]]
                else:
                    params[name] = v
    return c.found


def _check_complete(merged: dict[str, Any], rel: str, doc: yamlsource.YamlDocument) -> list[Finding]:
    c = _Checker(doc)
    rules = merged.get("规则", {})
    for rule_id, spec in specs().items():
        body = rules.get(rule_id)
        if body is None:
            c.add(("规则",), f"没有写规则“{rule_id}”", "写全所有规则，或在文件开头写“继承: default”只改需要的部分。", key=True)
            continue
        missing = [k for k in _RULE_KEYS if k not in body]
        missing += [f"参数 › {p}" for p in spec.params if p not in (body.get("参数") or {})]
        if missing:
            c.add(("规则", rule_id), f"规则“{rule_id}”缺少：" + "、".join(missing),
                  "写全这些键，或在文件开头写“继承: default”只改需要的部分。", key=True)
    if "评级" not in merged:
        c.add((), "没有写“评级”", "写出评级规则，或在文件开头写“继承: default”。")
    return c.found


def _build(merged: dict[str, Any], files: tuple[str, ...]) -> RuleSet:
    rules = {}
    for rule_id in specs():
        b = merged["规则"][rule_id]
        rules[rule_id] = RuleConfig(
            id=rule_id, enabled=b["启用"], severity=SEVERITY_WORDS[b["级别"]], title=b["标题"], criterion=b["准则"],
            explanation=b["说明"], message=b["消息"], hint=b["提示"], params=dict(b.get("参数") or {}))
    steps = []
    for s in merged["评级"]:
        cond = s.get("条件") or {}
        steps.append(GradeStep(grade=s["等级"], reason=s["理由"], rules=tuple(cond.get("规则", ())),
                               min_errors=cond.get("错误不少于"), min_warnings=cond.get("警告不少于"),
                               min_infos=cond.get("提示不少于"), min_problems=cond.get("问题不少于"),
                               min_error_share=cond.get("错误指标占比不低于"),
                               min_problem_share=cond.get("问题指标占比不低于")))
    return RuleSet(name=str(merged.get("名称") or files[0]), files=files, rules=rules, grading=tuple(steps))
