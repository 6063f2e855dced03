"""A per-workspace cache (.perfgen-cache/) so repeated runs only redo what changed.

Keys are content hashes, never timestamps: a file is re-read when its bytes differ, whatever its
mtime says. Every key also covers perfgen's own code and schemas (`code_version`), so upgrading
perfgen or editing a schema can never serve a stale result. A cache that cannot be read or written
(read-only checkout, disk full, a different Python) is ignored: it only ever saves time.
Set PERFGEN_NO_CACHE=1 to bypass it.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from perfgen import __version__, resources

CACHE_DIR = ".perfgen-cache"
_FORMAT = 1


def digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.hexdigest()


@functools.cache
def code_version() -> str:
    """perfgen's version plus the bytes of its source and schemas: any change invalidates caches."""
    package = Path(__file__).resolve().parent
    parts = [__version__.encode(), str(_FORMAT).encode()]
    for path in sorted(package.rglob("*.py")) + sorted(package.rglob("*.xml")):
        parts.append(path.read_bytes())
    for kind in resources.SCHEMA_KINDS + ("layout",):
        parts.append(resources.schema_path(kind).read_bytes())
    return digest(*parts)


def enabled() -> bool:
    return os.environ.get("PERFGEN_NO_CACHE", "") not in ("1", "true", "yes")


class ShardedStore:
    """Like Store, but one pickle per shard (e.g. per department), so a change to one file
    rewrites one small shard instead of the whole cache."""

    def __init__(self, root: Path, name: str):
        self.root = root
        self.name = name
        self.shards: dict[str, Store] = {}

    def _shard(self, key: str) -> "Store":
        shard = key.split("/")[1] if key.startswith("departments/") and key.count("/") >= 2 else "_"
        store = self.shards.get(shard)
        if store is None:
            store = self.shards[shard] = Store(self.root, f"{self.name}/{shard}")
        return store

    def get(self, key: str, fingerprint: str) -> Any:
        return self._shard(key).get(key, fingerprint)

    def put(self, key: str, fingerprint: str, value: Any) -> None:
        self._shard(key).put(key, fingerprint, value)

    def touch(self, key: str) -> None:
        """The value stored under `key` was changed in place: save its shard."""
        self._shard(key).dirty = True

    def prune(self, keep: set[str]) -> None:
        for store in self.shards.values():
            store.prune(keep)
        folder = self.root / CACHE_DIR / self.name
        if folder.is_dir() and enabled():
            for f in folder.glob("*.pickle"):
                if f.stem not in self.shards:
                    try:
                        f.unlink()
                    except OSError:
                        pass

    def save(self) -> None:
        for store in self.shards.values():
            store.save()


class Store:
    """One pickled dict per purpose (e.g. "parse", "render"), loaded lazily, saved when changed."""

    def __init__(self, root: Path, name: str):
        self.root = root
        self.path = root / CACHE_DIR / f"{name}.pickle"
        self.entries: dict[str, Any] = {}
        self.dirty = False
        self.version = code_version()
        if enabled():
            self._load()

    def _load(self) -> None:
        import gc
        enabled_gc = gc.isenabled()
        gc.disable()  # unpickling thousands of small objects is ~2x faster without GC passes
        try:
            with open(self.path, "rb") as fh:
                version, entries = pickle.load(fh)  # noqa: S301 - our own file in the workspace
        except Exception:
            return
        finally:
            if enabled_gc:
                gc.enable()
        if version == self.version and isinstance(entries, dict):
            self.entries = entries

    def root_dir(self) -> Path:
        return self.root / CACHE_DIR

    def get(self, key: str, fingerprint: str) -> Any:
        hit = self.entries.get(key)
        if hit is not None and hit[0] == fingerprint:
            return hit[1]
        return None

    def put(self, key: str, fingerprint: str, value: Any) -> None:
        self.entries[key] = (fingerprint, value)
        self.dirty = True

    def prune(self, keep: set[str]) -> None:
        for key in list(self.entries):
            if key not in keep:
                del self.entries[key]
                self.dirty = True

    def save(self) -> None:
        if not (self.dirty and enabled()):
            return
        try:
            from perfgen.render.package import write_atomic
            self.path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.root_dir() / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            write_atomic(self.path, pickle.dumps((self.version, self.entries), protocol=pickle.HIGHEST_PROTOCOL))
            self.dirty = False
        except Exception:  # a cache is only an optimisation
            pass
