"""Shared fixtures: a base workspace and overlays of test cases onto it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
SEEDS = ROOT.parent / "shared" / "seeds"
FIDELITY = ROOT.parent / "shared" / "tools" / "fidelity.py"


def make_workspace(dest: Path, overlay: Path | None = None) -> Path:
    """Copy the base workspace to `dest` and lay the case's files over it."""
    shutil.copytree(CASES / "base", dest)
    if overlay is not None:
        for src in overlay.rglob("*"):
            if src.is_file() and src.name not in ("expect.yaml", "README"):
                target = dest / src.relative_to(overlay)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(src, target)
    return dest


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def assert_snapshot(name: str, text: str) -> None:
    """Compare text people read with tests/snapshots/<name>; PERFGEN_UPDATE_SNAPSHOTS=1 rewrites it."""
    import os
    path = SNAPSHOTS / name
    if os.environ.get("PERFGEN_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        if not path.exists() and os.environ.get("CI"):
            raise AssertionError(f"snapshot {name} is missing; run the tests once with PERFGEN_UPDATE_SNAPSHOTS=1")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"snapshot {name} differs (PERFGEN_UPDATE_SNAPSHOTS=1 to accept)"
