"""The rules of a test run (tests/conftest.py) hold: a skipped acceptance test fails under
--require-acceptance, a missing snapshot fails unless --update-snapshots is given."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

HERE = Path(__file__).resolve().parent


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    shutil.copy(HERE / "conftest.py", pytester.path / "conftest.py")
    pytester.makeini('[pytest]\naddopts = -p no:benchmark\nmarkers =\n    acceptance: a\n    slow: s\n')
    return pytester


def test_a_skipped_acceptance_test_fails_under_require_acceptance(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_x="""
        import pytest
        @pytest.mark.acceptance
        def test_promise():
            pytest.skip("tool missing")
        def test_other():
            pytest.skip("not acceptance")
    """)
    inner.runpytest("-p", "no:cacheprovider").assert_outcomes(skipped=2)
    result = inner.runpytest("-p", "no:cacheprovider", "--require-acceptance")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*acceptance test skipped (Skipped: tool missing)*"])


def test_a_missing_snapshot_fails_and_is_not_written(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_y="""
        from conftest import assert_snapshot
        def test_snap():
            assert_snapshot("new.txt", "text people read\\n")
    """)
    result = inner.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*snapshot new.txt is missing*--update-snapshots*"])
    assert not (inner.path / "snapshots" / "new.txt").exists()
    inner.runpytest("-p", "no:cacheprovider", "--update-snapshots").assert_outcomes(passed=1)
    assert (inner.path / "snapshots" / "new.txt").read_text(encoding="utf-8") == "text people read\n"
    inner.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
