"""Import inverts the rendering: build → import the built .docx as a new department → build again
gives a document as faithful to the reference as the original build, and YAML that validates."""
from __future__ import annotations

import shutil
from pathlib import Path

import fidelity
import pytest
from conftest import ROOT

from perfgen.build import BuildOptions, build
from perfgen.importer.run import ImportOptions, import_file
from perfgen.load import load_workspace

EXAMPLES = {"000": ("shanhaiguan-zfw", 2021), "002": ("chengde-gxq-zfw", 2022),
            "003": ("yutian-zfw", 2025), "004": ("yongning-zfw", 2024)}
NEW_ID = "daoru"

pytestmark = pytest.mark.acceptance


@pytest.fixture(scope="module")
def originals(shipped_build: Path) -> Path:
    return shipped_build


def _workspace_without(dept: str, dest: Path) -> Path:
    """The shipped workspace minus the department whose document is imported (its project codes
    would otherwise be taken twice in the same year)."""
    shutil.copytree(ROOT / "departments", dest / "departments", ignore=shutil.ignore_patterns(dept))
    if (ROOT / "perfgen.yaml").exists():
        shutil.copy(ROOT / "perfgen.yaml", dest / "perfgen.yaml")
    return dest


@pytest.mark.parametrize("seed", sorted(EXAMPLES))
def test_build_import_build_keeps_fidelity(seed: str, originals: Path, tmp_path: Path, shipped: Path) -> None:
    dept, year = EXAMPLES[seed]
    original = originals / str(year) / f"{dept}.docx"
    ws = _workspace_without(dept, tmp_path / "ws")

    report = import_file(ws, ImportOptions(file=original, dept=NEW_ID, year=year))

    assert report.new_department and report.validation == []
    assert [f.format() for f in report.findings if f.severity == "error"] == []
    result = load_workspace(ws)
    assert [f.format() for f in result.findings if f.file.startswith(f"departments/{NEW_ID}/")] == []
    original_dept = load_workspace(shipped).workspace.departments[dept]
    imported = result.workspace.departments[NEW_ID]
    assert (imported.template, imported.profile) == (original_dept.template, original_dept.profile)
    assert len(imported.years[year].projects) == len(original_dept.years[year].projects)

    rebuilt = tmp_path / "rebuilt"
    build(ws, BuildOptions(out=rebuilt, departments=[NEW_ID], volume=False))
    before, after = fidelity.score(seed, original), fidelity.score(seed, rebuilt / str(year) / f"{NEW_ID}.docx")
    assert abs(after - before) <= 0.01, f"{seed}: original {before:.4f}, after import {after:.4f}"
