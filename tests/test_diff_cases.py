"""`perfgen diff` specified by example.

Each folder in tests/cases/diff/ is one story: shipped departments copied into a fresh workspace,
rolled over to the next year with `perfgen rollover`, edited by hand (case.yaml lists the edits),
then compared. The reports people read are snapshots (tests/snapshots/diff-<case>.<format>); the
counts, and the words every format (`contains`) or every human format (`says`) must show, are in
case.yaml.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import CASES, ROOT, assert_snapshot, make_workspace

from perfgen.cli.app import cli
from perfgen.load import load_workspace
from perfgen.rollover import rollover

DIFF_CASES = sorted(p for p in (CASES / "diff").iterdir() if (p / "case.yaml").is_file())
EXTENSION = {"text": "txt", "md": "md", "html": "html", "json": "json"}


def read_case(case: Path) -> dict:
    return yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))


def apply_edit(ws: Path, edit: dict) -> None:
    """One hand edit: replace text (it must occur exactly once), delete, rename or write a file."""
    if "delete" in edit:
        (ws / edit["delete"]).unlink()
    elif "rename" in edit:
        old, new = edit["rename"]
        (ws / old).rename(ws / new)
    elif "write" in edit:
        (ws / edit["write"]).write_text(edit["text"], encoding="utf-8")
    else:
        path = ws / edit["file"]
        text = path.read_text(encoding="utf-8")
        assert text.count(edit["replace"]) == 1, f"{edit['file']}: {edit['replace']!r} must occur exactly once"
        path.write_text(text.replace(edit["replace"], edit["with"]), encoding="utf-8")


def build_case(case: Path, dest: Path) -> Path:
    """The workspace a case describes: shipped departments, rolled over, edited."""
    spec = read_case(case)
    if spec.get("base"):
        make_workspace(dest)
    else:
        (dest / "departments").mkdir(parents=True)
    for dept in spec.get("departments", []):
        shutil.copytree(ROOT / "departments" / dept, dest / "departments" / dept)
    ro = spec.get("rollover")
    if ro:
        rollover(dest, None if ro.get("all") else spec["departments"], ro["from"], ro["to"])
    for edit in spec.get("edits", []) or []:
        apply_edit(dest, edit)
    return dest


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("case", DIFF_CASES, ids=[p.name for p in DIFF_CASES])
def test_diff_case(case: Path, tmp_path: Path) -> None:
    spec = read_case(case)
    ws = build_case(case, tmp_path / "ws")
    # the edited data is valid: the diff is about content, not about broken files
    assert [f.format() for f in load_workspace(ws).errors] == []
    outputs = {}
    for fmt in ("text", "md", "html", "json"):
        r = run("--root", str(ws), "diff", *spec["args"], "--format", fmt, "--no-color")
        assert r.exit_code == 0, r.output
        outputs[fmt] = r.stdout
        assert "Traceback" not in r.output
    for fmt in spec.get("formats", []):
        assert_snapshot(f"diff-{case.name}.{EXTENSION[fmt]}", outputs[fmt])
    data = json.loads(outputs["json"])
    by_dept = {d["department"]: d for d in data["departments"]}
    expect = spec["expect"]
    for dept, counts in expect.get("counts", {}).items():
        got = by_dept[dept]["counts"]
        assert {k: got[k] for k in counts} == counts, (dept, got)
    for dept, budget in expect.get("budget", {}).items():
        got = by_dept[dept]["budget"]
        assert {k: got[k] for k in budget} == budget, (dept, got)
    for fmt, out in outputs.items():
        for word in expect.get("contains", []):  # data: in every format, JSON included
            assert word in out, f"{word!r} missing from the {fmt} report"
        for word in expect.get("says", []) if fmt != "json" else []:  # wording of the reports people read
            assert word in out, f"{word!r} missing from the {fmt} report"
