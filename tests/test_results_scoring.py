"""Scoring specified by example: each tests/cases/scoring/<rule>/ holds a project, its results and
expect.yaml with the hand-computed scores (or the errors that make a score impossible)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import CASES, make_workspace

from perfgen.load import load_workspace

SCORING = sorted(p for p in (CASES / "scoring").iterdir() if p.is_dir())
RESULTS = "departments/demo/2025/results/gamma.yaml"


@pytest.mark.parametrize("case", SCORING, ids=[p.name for p in SCORING])
def test_scoring_case(case: Path, tmp_path: Path) -> None:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    result = load_workspace(make_workspace(tmp_path / "ws", case))
    errors = [f for f in result.findings if f.severity == "error"]
    if "错误" in expect:
        for exp in expect["错误"]:
            hits = [f for f in errors if f.file == RESULTS and f.code == exp["code"] and f.line == exp["line"]]
            assert hits, f"expected {exp} in:\n" + "\n".join(f.format() for f in errors)
            assert any(exp["message"] in f.message for f in hits), [f.message for f in hits]
            if "hint" in exp:
                assert any(exp["hint"] in (f.hint or "") for f in hits), [f.hint for f in hits]
        assert {(f.code, f.line) for f in errors} == {(e["code"], e["line"]) for e in expect["错误"]}, \
            "\n".join(f.format() for f in errors)
        return
    assert [f.format() for f in result.findings if f.severity == "error" or "/results/" in f.file] == []
    card = result.workspace.departments["demo"].years[2025].results["gamma"].scorecard
    assert card is not None
    assert card.r(card.rate_score) == expect["执行率得分"]
    rows = {row.item.goal.level3: row for row in card.rows}
    for name, want in expect["指标"].items():
        assert card.r(rows[name].weight) == want["分值"], name
        assert card.r(rows[name].score) == want["得分"], name
    assert card.r(card.total) == expect["总分"]
    assert card.grade == expect["评级"]
