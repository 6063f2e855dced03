"""docs/常见错误.md: every message `perfgen validate` gives, as it prints it, with the fix.

The examples are produced by running perfgen on the invalid test cases (tests/cases/invalid/, each
an overlay on tests/cases/base/), on a fresh scaffold (the “待填写” blanks) and on a few broken
workspaces, so the page shows the real wording and cannot fall behind the code.
"""
from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from perfgen.docsgen import header
from perfgen.errors import Finding, UserError, sort_findings

# Sections of the page, by the first part of a finding's code.
GROUPS: list[tuple[str, tuple[str, ...], str]] = [
    ("文件和 YAML 写法", ("file", "yaml"), "文件读不出来，或 YAML 的写法有误（缩进、冒号、引号）。"),
    ("还没有填写", ("placeholder",), "perfgen new 生成的文件中“待填写”的地方还没有换成实际内容。"),
    ("字段和格式", ("schema",), "字段名写错、缺少必填项，或值的类型、格式不对（对照[字段说明](字段说明.md)）。"),
    ("业务规则", ("rule",), "金额、支出计划、指标分类等互相对不上。"),
    ("目录、模板和版式", (), "目录和文件的命名、模板和版式设置的问题。"),
]


@dataclass
class Example:
    code: str | None  # None: a problem that stops the command (exit 1) rather than a finding
    finding: Finding | None
    line: str | None
    printed: str
    hint: str


def _md(text: str) -> str:
    """Text outside code blocks: keep <…> and * from being read as HTML or emphasis."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("*", "\\*")


def _overlay(source: Path, case: Path, dest: Path) -> Path:
    shutil.copytree(source / "tests" / "cases" / "base", dest, dirs_exist_ok=True)
    for src in sorted(case.rglob("*")):
        if src.is_file() and src.name not in ("expect.yaml", "README"):
            target = dest / src.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, target)
    return dest


def _line(root: Path, f: Finding) -> str | None:
    if f.line is None:
        return None
    try:
        lines = (root / f.file).read_bytes().decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if "\x00" in "".join(lines) or f.line > len(lines) or not lines[f.line - 1].strip():
        return None
    return lines[f.line - 1].replace("\t", "[Tab]")


def _scaffold(root: Path) -> Path:
    from perfgen.scaffold import init_workspace, new_department, new_project
    init_workspace(root, issuer="某某县财政局", year=2026)
    new_department(root, "demo")
    new_project(root, "demo", "jianyiyongwei-jijin")
    return root


def _missing_department_file(root: Path) -> Path:
    (root / "departments" / "demo").mkdir(parents=True)
    return root


Keep = Callable[[Finding], bool]


def _expected(case: Path) -> Keep:
    """A case shows the problems its expect.yaml was written for."""
    codes = {e["code"] for e in yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8")) or []}
    return lambda f: f.code in codes


def _broken_workspaces(source: Path) -> list[tuple[Callable[[Path], Path], Keep]]:
    cases = sorted(p for p in (source / "tests" / "cases" / "invalid").iterdir() if (p / "expect.yaml").exists())
    made: list[tuple[Callable[[Path], Path], Keep]] = [
        (functools.partial(_overlay, source, case), _expected(case)) for case in cases]
    made += [(_scaffold, lambda f: "› 预算 ›" in (f.breadcrumb or "")),  # an amount: the blank, not a schema error
             (_missing_department_file, lambda f: True),
             (lambda root: root, lambda f: True)]  # not a workspace at all
    return made


def collect(source: Path) -> list[Example]:
    """One example per code, from the first broken workspace that shows it."""
    from perfgen.validate.run import validate
    found: dict[str, Example] = {}
    with tempfile.TemporaryDirectory(prefix="perfgen-docs-") as tmp:
        for n, (make, keep) in enumerate(_broken_workspaces(source)):
            root = Path(tmp) / f"ws{n}"
            root.mkdir()
            root = make(root)
            try:
                _, findings = validate(root)   # what `perfgen validate` says
            except UserError as exc:
                text = exc.message.replace(str(root), "<工作区>")
                found.setdefault(text, Example(None, None, None, f"错误：{text}\n    提示：{exc.hint}", exc.hint or ""))
                continue
            for f in sort_findings(findings):
                if keep(f) and f.code not in found:
                    found[f.code] = Example(f.code, f, _line(root, f), f.format(), f.hint or "")
    return list(found.values())


def _group(code: str | None) -> int:
    prefix = (code or "").split(".", 1)[0]
    for i, (_, prefixes, _) in enumerate(GROUPS):
        if prefix in prefixes:
            return i
    return len(GROUPS) - 1


def _entry(e: Example) -> list[str]:
    title = e.finding.message if e.finding else e.printed.split("\n")[0].removeprefix("错误：")
    severity = {"error": "错误", "warning": "警告", "info": "提示"}[e.finding.severity] if e.finding else "错误"
    what = f"代码 `{e.code}`（{severity}）" if e.code else "命令停止（退出码 1）"
    out = [f"### {_md(title)}\n", f"{what}。perfgen 显示：\n", "```text", e.printed, "```", ""]
    if e.line is not None and e.finding is not None:
        out += [f"出错的那一行（第 {e.finding.line} 行）：\n", "```yaml", e.line, "```", ""]
    out.append(f"**怎么改：**{_md(e.hint)}\n")
    return out


def page(source: Path) -> str:
    examples = sorted(collect(source), key=lambda e: (_group(e.code), e.code or "~", e.printed))
    out = [header("常见错误", "tests/cases/invalid/ 和 perfgen 的代码") +
           "`perfgen validate`（以及 `perfgen build` 之前的检查）发现问题时，每条消息都写明"
           "文件:行:列、字段位置、问题和“提示”（怎么改）。下面按类列出每一种消息的真实例子：perfgen 显示的原文、"
           "出错的那一行和改法。消息中的具体文字（文件名、字段、数字）会随您的数据而不同。\n",
           "找消息时，可以在本页搜索消息中不随数据变化的几个字，例如“全角冒号”“不等于财政资金”。\n",
           "退出码：没有错误为 0；有错误为 1（只有警告时也是 0，加 `--strict` 则为 1）；命令写错为 2。\n"]
    for i, (title, _, intro) in enumerate(GROUPS):
        group = [e for e in examples if _group(e.code) == i]
        if not group:
            continue
        out += [f"## {title}\n", intro + "\n"]
        for e in group:
            out += _entry(e)
    return "\n".join(out).rstrip("\n") + "\n"
