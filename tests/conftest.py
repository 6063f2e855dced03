"""Shared fixtures: a base workspace and overlays of test cases onto it; snapshots; the rules of a run.

- `--update-snapshots` rewrites tests/snapshots/; without it a missing snapshot fails (it is never
  written silently, so deleting one cannot make a test pass).
- `@pytest.mark.acceptance` marks what the project promises (fidelity to the reference documents,
  outputs LibreOffice opens, OOXML validity, …). `--require-acceptance` (.ci/run passes it) turns a
  skipped acceptance test into a failure; every run ends with the list of what was skipped and why.
- `@pytest.mark.slow` marks the tests that start LibreOffice, node or check-jsonschema, audit every
  output, or fuzz for a minute: `pytest -m "not slow"` is the development loop (under 20 s on 2
  cores, run on every core by pytest-xdist); .ci/run runs everything.
- Builds do not start LibreOffice for the volume's TOC page numbers (PERFGEN_NO_TOC_PAGES=1, set
  here for the whole run, subprocesses included): the tests of that feature ask for it themselves.
- Tests never write into the repository: the shipped workspace is used through a copy (`shipped`),
  and hypothesis keeps no example database.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Bytecode — perfgen's modules, and the test modules as pytest rewrites their asserts — is kept
# under the temporary folder, never in the repository, and kept even where PYTHONDONTWRITEBYTECODE
# is set (which would otherwise make every run, and every xdist worker, compile it all again).
_PYCACHE = str(Path(tempfile.gettempdir()) / "perfgen-tests-pycache")
sys.pycache_prefix = _PYCACHE
sys.dont_write_bytecode = False
os.environ["PYTHONPYCACHEPREFIX"] = _PYCACHE        # the `python -m perfgen` the tests start
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"

_OPTIONS = {"update_snapshots": False}
os.environ["PERFGEN_NO_TOC_PAGES"] = "1"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-minutes", type=float, default=None,
                     help="run the workspace mutation fuzzer (tests/test_fuzz.py) this long instead of ~1 minute")
    parser.addoption("--update-snapshots", action="store_true",
                     help="write tests/snapshots/ from this run instead of comparing with them")
    parser.addoption("--require-acceptance", action="store_true",
                     help="fail when a test marked acceptance is skipped (CI)")


def pytest_configure(config: pytest.Config) -> None:
    _OPTIONS["update_snapshots"] = bool(config.getoption("--update-snapshots"))
    import tempfile

    from hypothesis import configuration, settings
    # hypothesis keeps its files (constants, examples) outside the repository, and no example database
    configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "perfgen-tests-hypothesis")
    settings.register_profile("perfgen", database=None)
    settings.load_profile("perfgen")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("acceptance") and item.config.getoption("--require-acceptance"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"acceptance test skipped ({reason}); install what it needs (see .ci/run)"


def _cache_state() -> dict[str, int]:
    """Every file in a .perfgen-cache folder anywhere in the repository, with its modification time."""
    import os
    state = {}
    for top, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in (".git", "build", "__pycache__", "node_modules")]
        if Path(top).name == ".perfgen-cache" or ".perfgen-cache" in Path(top).parts:
            for name in files:
                path = Path(top) / name
                state[path.as_posix()] = path.stat().st_mtime_ns
    return state


@pytest.fixture(scope="session", autouse=True)
def _repository_untouched() -> Iterator[None]:
    """No test writes perfgen's cache into the repository (a second run would take other paths).
    Only in the repository: a copy of this file elsewhere (tests/test_test_rules.py's inner runs)
    would walk the folder above it, the outer run's temporary folders."""
    if not (ROOT / "perfgen").is_dir():
        yield
        return
    before = _cache_state()
    yield
    after = _cache_state()
    written = sorted(p for p, t in after.items() if before.get(p) != t)
    assert not written, f"tests wrote into the repository: {written[:5]}"


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


def copy_shipped(dest: Path) -> Path:
    """The shipped example workspace (departments/, perfgen.yaml) copied to `dest`; templates,
    profiles and rules come from the shipped copies as they do for any workspace."""
    shutil.copytree(ROOT / "departments", dest / "departments")
    for name in ("perfgen.yaml",):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)
    return dest


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped examples as a workspace outside the repository (one copy per run: read only)."""
    return copy_shipped(tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="session")
def _shipped_built(tmp_path_factory: pytest.TempPathFactory, shipped: Path) -> tuple[Path, list[Path]]:
    """One full build of the shipped examples (every department document, the volumes, the
    自评表/监控表; no cache), shared by the tests that only read its outputs."""
    from perfgen.build import BuildOptions, build
    out = tmp_path_factory.mktemp("shipped-build")
    return out, list(build(shipped, BuildOptions(out=out, use_cache=False)).documents)


@pytest.fixture(scope="session")
def shipped_build(_shipped_built: tuple[Path, list[Path]]) -> Path:
    """The folder of that build (<year>/<department>.docx …): read only."""
    return _shipped_built[0]


@pytest.fixture(scope="session")
def shipped_documents(_shipped_built: tuple[Path, list[Path]]) -> list[Path]:
    """The documents that build wrote, as its report lists them: read only."""
    return list(_shipped_built[1])


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


def assert_snapshot(name: str, text: str) -> None:
    """Compare text people read with tests/snapshots/<name>; `pytest --update-snapshots` rewrites it."""
    path = SNAPSHOTS / name
    if _OPTIONS["update_snapshots"]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"snapshot {name} is missing; run `pytest --update-snapshots` and review the new file")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"snapshot {name} differs (`pytest --update-snapshots` to accept, then read the diff)"
