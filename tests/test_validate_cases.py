"""Validation specified by example: tests/cases/valid/* must pass, tests/cases/invalid/* must fail
with exactly the findings listed in their expect.yaml (file, line, code, and words of the message)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import CASES, make_workspace

from perfgen.load import load_workspace
from perfgen.validate.run import validate

VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_case(case: Path, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", case)
    result = load_workspace(ws)
    assert [f.format() for f in result.findings] == []


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case(case: Path, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", case)
    expected = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    _, found = validate(ws)   # what `perfgen validate` reports: the workspace's files and the importer's words
    for exp in expected:
        matches = [f for f in found if f.file == exp["file"] and f.code == exp["code"]
                   and ("line" not in exp or f.line == exp["line"])
                   and f.severity == exp.get("severity", "error")]
        assert matches, f"expected {exp} in:\n" + "\n".join(f.format() for f in found)
        assert any(exp["message"] in f.message for f in matches), [f.message for f in matches]
        if "hint" in exp:
            assert any(exp["hint"] in (f.hint or "") for f in matches), [f.hint for f in matches]
    # nothing else is reported as an error: one problem, one message
    expected_keys = {(e["file"], e["code"]) for e in expected}
    extra = [f for f in found if f.severity == "error" and (f.file, f.code) not in expected_keys]
    assert extra == [], "\n".join(f.format() for f in extra)
    # every error says where it is and how to fix it
    for f in found:
        assert f.hint, f.format()
