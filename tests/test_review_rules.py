"""Review rules specified by example: tests/cases/review/<rule>/<case>/case.yaml.

Each case edits a small workspace on which the review finds nothing (tests/cases/review/_base) and
lists every finding of that rule it expects (file, line, words of the message) — an empty list for
cases named passes-*. Every rule has at least one case that fires and one that does not, and every
rule can be switched off from a region's rules file.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import CASES

from perfgen.review.engine import ReviewOptions, review
from perfgen.review.rules import specs

REVIEW = CASES / "review"
BASE = REVIEW / "_base"
CASE_DIRS = sorted(p.parent for p in REVIEW.glob("*/*/case.yaml") if not p.parent.parent.name.startswith("_"))


def _lines_edit(text: str, edit: dict) -> str:
    lines = text.splitlines(keepends=True)
    if "drop-lines-starting" in edit:
        kept = [line for line in lines if not line.startswith(edit["drop-lines-starting"])]
        assert len(kept) < len(lines), f"no line starts with {edit['drop-lines-starting']!r}"
        return "".join(kept)
    start = next(i for i, line in enumerate(lines) if line.startswith(edit["drop-from"]))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(edit["until"]))
    return "".join(lines[:start]) + edit.get("insert", "") + "".join(lines[end:])


def apply_edit(ws: Path, edit: dict) -> None:
    """One edit of case.yaml: replace/with (exactly one occurrence), append, or drop a block of lines."""
    path = ws / edit["file"]
    text = path.read_text(encoding="utf-8")
    if "replace" in edit:
        assert text.count(edit["replace"]) == 1, f"{edit['replace']!r} should occur once in {edit['file']}"
        text = text.replace(edit["replace"], edit["with"])
    elif "append" in edit:
        text = text + edit["append"]
    else:
        text = _lines_edit(text, edit)
    path.write_text(text, encoding="utf-8")


def build_case(case: Path, dest: Path) -> tuple[Path, dict]:
    """The base workspace with the case's files laid over it and its edits applied."""
    shutil.copytree(BASE, dest, ignore=shutil.ignore_patterns("README"))
    for src in case.rglob("*"):
        if src.is_file() and src.name != "case.yaml":
            target = dest / src.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, target)
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8")) or {}
    for edit in spec.get("edits", []):
        apply_edit(dest, edit)
    return dest, spec


def test_base_workspace_has_no_findings(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(BASE, ws, ignore=shutil.ignore_patterns("README"))
    report = review(ws)
    assert [f.format() for f in report.findings] == []
    assert {s.grade.letter for s in report.subjects} == {"优"}


@pytest.mark.parametrize("case", CASE_DIRS, ids=[f"{p.parent.name}/{p.name}" for p in CASE_DIRS])
def test_review_case(case: Path, tmp_path: Path) -> None:
    rule = case.parent.name
    ws, spec = build_case(case, tmp_path / "ws")
    report = review(ws, ReviewOptions(rules=spec.get("rules")))
    found = [f for f in report.findings if f.code == f"review.{rule}"]
    expected = spec.get("expect") or []
    shown = "\n".join(f.format() for f in found)
    assert len(found) == len(expected), f"expected {len(expected)} finding(s) of {rule}, got:\n{shown}"
    for exp in expected:
        matches = [f for f in found if f.file == exp["file"] and ("line" not in exp or f.line == exp["line"])
                   and exp["message"] in f.message]
        assert matches, f"expected {exp} among:\n{shown}"
    for f in found:
        assert f.hint and f.breadcrumb, f.format()       # every finding says where and how to fix it
        assert "{" not in f.message and "{" not in f.hint, f.format()  # placeholders all filled


@pytest.mark.parametrize("case", [c for c in CASE_DIRS if c.name.startswith("fires")],
                         ids=[f"{p.parent.name}/{p.name}" for p in CASE_DIRS if p.name.startswith("fires")])
def test_rule_can_be_switched_off(case: Path, tmp_path: Path) -> None:
    rule = case.parent.name
    ws, spec = build_case(case, tmp_path / "ws")
    base = spec.get("rules") or "default"
    (ws / "rules").mkdir(exist_ok=True)
    (ws / "rules" / "off.yaml").write_text(f"继承: {base}\n规则:\n  {rule}:\n    启用: false\n", encoding="utf-8")
    report = review(ws, ReviewOptions(rules="off"))
    assert [f.format() for f in report.findings if f.code == f"review.{rule}"] == []


def test_every_rule_has_a_case_that_fires_and_one_that_does_not() -> None:
    for rule in specs():
        names = [c.name for c in CASE_DIRS if c.parent.name == rule]
        assert any(n.startswith("fires") for n in names), f"{rule}: no fires* case in tests/cases/review/{rule}/"
        assert any(n.startswith("passes") for n in names), f"{rule}: no passes* case in tests/cases/review/{rule}/"
    assert {c.parent.name for c in CASE_DIRS} <= set(specs()), "a case folder names a rule that does not exist"


def test_case_names_say_whether_they_fire() -> None:
    for case in CASE_DIRS:
        spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8")) or {}
        assert case.name.startswith(("fires", "passes")), case
        assert bool(spec.get("expect")) == case.name.startswith("fires"), case
