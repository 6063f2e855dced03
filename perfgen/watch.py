"""`perfgen build --watch`: rebuild what a saved file affects, as soon as it is saved.

Polling (every half second) rather than OS file events: it needs no extra package, works the same
on network drives and in containers, and costs a few milliseconds per poll for a county workspace.
The rebuild itself is the incremental build (only the departments whose inputs changed are
re-rendered), so one saved project file is back in the documents within about a second.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from perfgen import resources
from perfgen.build import BuildOptions, BuildReport, build
from perfgen.errors import UserError

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path) -> Snapshot:
    """(mtime, size) of every input file, keyed by its path relative to the workspace."""
    files: Snapshot = {}
    bases = [root / "departments"] + [d for d in resources.search_dirs(root, "templates") +
                                      resources.search_dirs(root, "profiles") if d.is_relative_to(root)]
    for base in bases:
        if base.is_dir():
            for path in base.rglob("*"):
                if path.is_file() and not path.name.startswith((".", "~$")):
                    st = path.stat()
                    files[path.relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size)
    from perfgen.results.rules import FILE as SCORING
    for rel in ("perfgen.yaml", f"rules/{SCORING}"):   # the settings, and the 自评表's scoring rules
        if (root / rel).is_file():
            st = (root / rel).stat()
            files[rel] = (st.st_mtime_ns, st.st_size)
    return files


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    out = []
    for rel in sorted(set(before) | set(after)):
        if rel not in before:
            out.append(f"新增 {rel}")
        elif rel not in after:
            out.append(f"删除 {rel}")
        elif before[rel] != after[rel]:
            out.append(f"修改 {rel}")
    return out


@dataclass
class WatchEvent:
    changed: list[str]
    report: BuildReport | None
    error: UserError | None


def watch(root: Path, options: BuildOptions, on_event: Callable[[WatchEvent], None],
          stop: threading.Event | None = None, interval: float = 0.5) -> None:
    """Build once, then rebuild after every change until `stop` is set (or Ctrl-C)."""
    stop = stop or threading.Event()
    before = snapshot(root)
    try:
        on_event(WatchEvent([], build(root, options), None))
    except UserError as exc:
        on_event(WatchEvent([], None, exc))
    while not stop.is_set():
        stop.wait(interval)
        after = snapshot(root)
        changed = changes(before, after)
        if not changed:
            continue
        time.sleep(0.1)  # let an editor finish writing (save = truncate + write)
        after = snapshot(root)
        changed = changes(before, after)
        before = after
        try:
            on_event(WatchEvent(changed, build(root, options), None))
        except UserError as exc:
            on_event(WatchEvent(changed, None, exc))
