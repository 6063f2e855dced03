"""One source for each fact: what the CLI and the schemas must repeat is the same object or the same text.

The CLI imports only light modules at start-up (perfgen.outline, perfgen.errors), so its option
choices are those modules' constants, not copies; the JSON Schemas must carry the id pattern for
editors, so each copy is compared with perfgen/model/ids.py.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from perfgen import errors, outline
from perfgen.cli import diff_cmd, review_cmd, summary_cmd, validate_cmd
from perfgen.model.ids import ID_PATTERN, ID_RE, MAX_ID_CHARS
from perfgen.results import summary_report
from perfgen.review import config

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", [diff_cmd, review_cmd, summary_cmd, validate_cmd, summary_report])
def test_report_formats_are_the_outline_s(module: Any) -> None:
    assert module.FORMATS is outline.FORMATS


def test_severity_words_are_the_errors_module_s() -> None:
    assert review_cmd.SEVERITY_WORDS is errors.SEVERITY_WORDS
    assert config.SEVERITY_WORDS is errors.SEVERITY_WORDS
    assert set(errors.SEVERITY_WORDS.values()) == set(errors.SEVERITY_CN)


def _patterns(node: Any, with_length: bool = False) -> list[Any]:
    """Every "pattern" in a schema (with its node's maxLength: (pattern, maxLength))."""
    if isinstance(node, dict):
        own = [((node["pattern"], node.get("maxLength")) if with_length else node["pattern"])] \
            if isinstance(node.get("pattern"), str) else []
        return own + [p for v in node.values() for p in _patterns(v, with_length)]
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v, with_length)]
    return []


def test_every_id_pattern_in_the_schemas_is_the_one_in_ids_py() -> None:
    ids = [(path.name, p) for path in sorted((ROOT / "schemas").glob("*.schema.json"))
           for p in _patterns(json.loads(path.read_text(encoding="utf-8"))) if "a-z" in p and "A-Z" not in p]
    assert len(ids) >= 4, ids
    assert all(p == ID_PATTERN for _name, p in ids), [x for x in ids if x[1] != ID_PATTERN]
    assert ID_RE.pattern == ID_PATTERN


def test_every_id_length_limit_in_the_schemas_is_the_one_in_ids_py() -> None:
    limits = [(path.name, n) for path in sorted((ROOT / "schemas").glob("*.schema.json"))
              for p, n in _patterns(json.loads(path.read_text(encoding="utf-8")), with_length=True)
              if p == ID_PATTERN and n is not None]
    assert limits and all(n == MAX_ID_CHARS for _name, n in limits), limits


def test_no_module_compiles_its_own_id_pattern() -> None:
    copies = [str(path.relative_to(ROOT)) for path in (ROOT / "perfgen").rglob("*.py")
              if path.name != "ids.py" and "a-z0-9]+(-[a-z0-9]+)" in path.read_text(encoding="utf-8")]
    assert not copies, copies
