"""The id pattern of departments and projects (folder and file names): one home for it.

The JSON Schemas carry the same pattern for the editor; ids are lower-case ASCII so that paths,
git and every operating system agree on them.
"""
from __future__ import annotations

import re

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)
MAX_ID_CHARS = 64  # the schemas' maxLength for ids (tests/test_one_source.py compares them)
