"""Layouts checked as data: templates/<name>/layout.yaml and the 版式 overrides.

Both are checked against schemas/layout.schema.json with the located Chinese findings of
schema_check; every format string is then checked against the fields its own key receives
(x-fields in the schema), so `项目表标题: "{项目数}"` or `{n:>300000000}` is a finding at
validate time instead of a crash (or a 5 GB string) at build time. An override of a key the
template's layout.yaml does not set is unknown for that template: the hint names that
template's keys.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
from dataclasses import dataclass
from typing import Any

from perfgen import resources, yamlsource
from perfgen.errors import Finding
from perfgen.model import layout as layout_model
from perfgen.validate import characters, schema_check
from perfgen.yamlsource import YamlDocument

CROWN = {"department": "部门", "goals": "年度目标"}


@dataclass
class _Under:
    """The 版式 mapping of a department/goals file, seen as a document of its own (for schema_check)."""

    doc: YamlDocument
    data: Any
    prefix: tuple[str | int, ...] = ("版式",)

    @property
    def rel(self) -> str:
        return self.doc.rel

    def position(self, path: Any, key: bool = False) -> tuple[int | None, int | None]:
        return self.doc.position(self.prefix + tuple(path), key=key)


def _formats(doc: Any, values: dict[str, Any], crumb: str) -> tuple[set[str], list[Finding]]:
    """Keys whose format strings are unsafe, with one finding each."""
    bad: set[str] = set()
    findings: list[Finding] = []
    for key, value in values.items():
        fields = layout_model.key_fields(key)
        if fields is None:
            continue
        items = [((key,), value)] if isinstance(value, str) else \
            [((key, i), v) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []
        for path, fmt in items:
            problem = layout_model.format_problem(fmt, fields)
            if problem is not None:
                line, col = doc.position(path)
                findings.append(Finding(doc.rel, f"版式设置“{key}”：{problem[0]}", line, col, problem[1],
                                        f"{crumb} › {key}", "layout.field"))
                bad.add(key)
                break
    return bad, findings


def _crumb(path: tuple[Any, ...]) -> str:
    return " › ".join(["版式设置", *(f"第{p + 1}项" if isinstance(p, int) else str(p) for p in path)])


def _schema_bad_keys(data: dict[str, Any]) -> set[str]:
    """The keys whose value does not fit the layout schema (their values are not used). The
    compiled check answers for the valid ones (every key, on most runs), so a build or validate
    of a good workspace never imports jsonschema; jsonschema decides the rest, as before."""
    suspects = [k for k, v in data.items() if not schema_check.valid("layout", {k: v})]
    if not suspects:
        return set()
    validator = schema_check._validator("layout")
    return {k for k in suspects if not validator.is_valid({k: data[k]})}


def check_file(doc: YamlDocument, template: str | None = None) -> tuple[dict[str, Any], list[Finding]]:
    """A template's layout.yaml: (its valid settings, findings). Invalid settings are dropped.
    `template`: the name of a workspace's template, whose file may hold keys its kind never reads
    (the volume's 封面落款 in a department form's file, a department form's 项目表区块 in the
    volume's): set there they would silently change nothing, so they are reported."""
    if not isinstance(doc.data, dict):
        return {}, [Finding(doc.rel, "layout.yaml 应为“设置: 值”的键值对", 1, 1,
                            "每行写一项版式设置，例如“部分标题: 第{cn}部分”。", None, "layout.format")]
    findings = schema_check.check(doc, "layout")
    if template is not None:
        findings += _unused(doc, *unused_keys(template))
    bad = _schema_bad_keys(doc.data)
    good = {k: v for k, v in doc.data.items() if k not in bad and layout_model.key_schema(k) is not None}
    fbad, more = _formats(doc, good, "版式设置")
    more += characters.findings(doc.rel, doc, _crumb)
    return {k: v for k, v in good.items() if k not in fbad}, findings + more


@functools.cache
def unused_keys(template: str) -> tuple[set[str], str, str]:
    """Keys the template never reads, what they are and where they belong: the volume reads only
    the keys of its shipped layout.yaml; department forms never read the keys only the volume has."""
    def keys(name: str) -> set[str]:
        doc, _ = yamlsource.read(resources.builtin_dir() / "templates" / name / "layout.yaml", name)
        return set(doc.data) if doc is not None and isinstance(doc.data, dict) else set()
    shipped = resources.available(None, "templates")
    departments = set(layout_model.every_template_keys()).union(
        *(keys(n) for n in shipped if n != resources.VOLUME_TEMPLATE
          and (resources.builtin_dir() / "templates" / n / "layout.yaml").is_file()))
    volume = keys(resources.VOLUME_TEMPLATE)   # the every-template keys are the department forms' (title_break)
    if template == resources.VOLUME_TEMPLATE:
        return departments - volume, "是部门表样的设置，汇编不用它", "写到部门所用模板的 layout.yaml 或部门的“版式”中"
    return volume - departments, "是汇编的设置，部门的表样不用它", "写到 templates/volume/layout.yaml 中"


def _unused(doc: YamlDocument, keys: set[str], what: str, where: str) -> list[Finding]:
    out = []
    for key in doc.data:
        if isinstance(key, str) and key in keys:
            line, col = doc.position((key,), key=True)
            out.append(Finding(doc.rel, f"“{key}”{what}，写在这里不起作用", line, col,
                               f"删去这一行；要改它，{where}。", _crumb((key,)), "layout.unused-key"))
    return out


def check_overrides(doc: YamlDocument, overrides: dict[str, Any] | None, own_keys: list[str], kind: str,
                    template: str) -> tuple[dict[str, Any], list[Finding]]:
    """The valid 版式 overrides of a department or goals file, and a finding for each bad one."""
    if not overrides:
        return {}, []
    crumb = f"{CROWN.get(kind, kind)} › 版式"
    under = _Under(doc, overrides)
    findings: list[Finding] = []
    known: dict[str, Any] = {}
    for key, value in overrides.items():
        if key in own_keys:
            known[key] = value
            continue
        line, col = under.position((key,), key=True)
        close = difflib.get_close_matches(key, own_keys, n=1, cutoff=0.3)
        hint = f"是不是要写“{close[0]}”？" if close else f"模板“{template}”可改的设置有：" + "、".join(own_keys)
        if layout_model.key_schema(key) is not None:
            hint = f"“{key}”是别的表样的设置，模板“{template}”不印它。" + hint
        findings.append(Finding(doc.rel, f"模板“{template}”没有“{key}”这项版式设置", line, col, hint,
                                f"{crumb} › {key}", "layout.unknown-key"))
    problems = [_recrumb(f, crumb) for f in schema_check.check(under, "layout")] if known else []  # type: ignore[arg-type]
    bad = _schema_bad_keys(known)
    good = {k: v for k, v in known.items() if k not in bad}
    fbad, more = _formats(under, good, crumb)
    return {k: v for k, v in good.items() if k not in fbad}, findings + problems + more


def _recrumb(f: Finding, crumb: str) -> Finding:
    """schema_check names the root 版式设置; in a department file it is 部门 › 版式."""
    if f.breadcrumb and f.breadcrumb.startswith(schema_check.ROOT_LABEL["layout"]):
        return dataclasses.replace(f, breadcrumb=crumb + f.breadcrumb[len(schema_check.ROOT_LABEL["layout"]):])
    return f
