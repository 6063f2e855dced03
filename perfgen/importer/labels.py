"""The words the importer looks for (labels.yaml beside this file), and matching cell text to them."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from perfgen.importer.normalize import key

LABELS_FILE = Path(__file__).with_name("labels.yaml")


@functools.cache
def vocab() -> dict[str, Any]:
    with open(LABELS_FILE, encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh)
        return loaded


def _label_key(text: str) -> str:
    return key(text).rstrip(":")


@functools.cache
def _index(group: str) -> dict[str, str]:
    """Spelling (as a comparison key) → canonical label, for one group of labels.yaml."""
    table: dict[str, str] = {}
    for canonical, spellings in vocab()[group].items():
        for s in [canonical, *spellings]:
            table.setdefault(_label_key(s), canonical)
    return table


def label_of(text: str, group: str) -> str | None:
    """Which label of `group` ("表格标签", "指标表头", "章节标题", "说明小标题") `text` is, if any."""
    return _index(group).get(_label_key(text))


def candidates(setting: str) -> list[str]:
    """Other wordings of a 版式 setting to try when the layout's own does not fit."""
    return list(vocab().get("版式候选", {}).get(setting, []))
