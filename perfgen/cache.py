"""A per-workspace cache (.perfgen-cache/) so repeated runs only redo what changed.

Keys are content hashes, never timestamps: a file is re-read when its bytes differ, whatever its
mtime says. Every key also covers perfgen's own code and schemas (`code_version`), so upgrading
perfgen or editing a schema can never serve a stale result. A cache that cannot be read or written
(read-only checkout, disk full, a different Python) is ignored: it only ever saves time.
Set PERFGEN_NO_CACHE=1 to bypass it.

The cache is untrusted input like every other file in a workspace (a pull request can force-add
it): it is data only, never pickle. Each store is a text file of one entry per line,
`<digest>\t<JSON>\t<JSON>`; the digest covers the line and is keyed with a secret kept outside
the workspace (`_key`), so a damaged, edited or planted entry is treated as absent and
recomputed, never reused. JSON has no Decimal or objects: `encode` writes Decimal and
the few model dataclasses as tagged objects whose tag key (a lone surrogate) no YAML text can
produce, and `decode` rebuilds only the classes registered in `_classes`.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import operator
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfgen import __version__, resources

CACHE_DIR = ".perfgen-cache"
SUFFIX = ".cache"
_FORMAT = 2
_HEADER = b"perfgen-cache"
_OBJ = "\udc00t"   # {_OBJ: "Source", "v": [fields…]} is a registered dataclass


def digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.hexdigest()


def _line_digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=16, key=_key()).hexdigest().encode()


@functools.cache
def _key() -> bytes:
    """The secret the entry digests are keyed with. It lives outside every workspace (in the
    user's cache folder), so a cache file that arrives with a workspace — force-added to a pull
    request, copied from another machine — never matches and is recomputed: someone who can
    write the workspace cannot make perfgen print anything but what its YAML says. Without a
    writable home folder the key lives for one run (the cache then only helps within it)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "perfgen"
    path = base / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = os.urandom(32)
    try:
        base.mkdir(parents=True, exist_ok=True)
        tmp = base / f".cache-key.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        os.replace(tmp, path)
    except OSError:
        pass
    return key


def code_files() -> list[Path]:
    """perfgen's source and the data files beside it (fontconfig.xml, importer/labels.yaml): what a
    rendered document may depend on besides the workspace."""
    package = Path(__file__).resolve().parent
    return sorted(package.rglob("*.py")) + sorted(package.rglob("*.xml")) + sorted(package.rglob("*.yaml"))


@functools.cache
def code_version() -> str:
    """perfgen's version plus the bytes of its source and schemas: any change invalidates caches."""
    parts = [__version__.encode(), str(_FORMAT).encode()]
    for path in code_files():
        parts.append(path.read_bytes())
    for kind in resources.SCHEMA_KINDS + ("layout",):
        parts.append(resources.schema_path(kind).read_bytes())
    return digest(*parts)


def enabled() -> bool:
    return os.environ.get("PERFGEN_NO_CACHE", "") not in ("1", "true", "yes")


# -- the data-only codec ----------------------------------------------------------------------

@functools.cache
def _classes() -> dict[str, tuple[type, tuple[str, ...]]]:
    """The only classes a cache file may name, with the fields not stored (Project.raw is the
    file's own data, restored by the loader)."""
    from perfgen.errors import Finding
    from perfgen.model.entities import Budget, Explanation, Indicator, Midterm, Project, Source
    from perfgen.model.values import IndicatorValue
    skip: dict[type, tuple[str, ...]] = {Project: ("raw",)}
    out: dict[str, tuple[type, tuple[str, ...]]] = {}
    for c in (Finding, Source, Project, Indicator, Budget, Explanation, IndicatorValue, Midterm):
        out[c.__name__] = (c, tuple(f.name for f in dataclasses.fields(c) if f.name not in skip.get(c, ())))
    return out


@functools.cache
def _getters() -> dict[type, tuple[str, Any]]:
    """Per registered class: its name and a function giving its stored fields' values in order."""
    out: dict[type, tuple[str, Any]] = {}
    for name, (cls, names) in _classes().items():
        get = operator.attrgetter(*names)
        out[cls] = (name, get if len(names) > 1 else (lambda obj, get=get: (get(obj),)))
    return out


def _encode_default(obj: Any) -> Any:
    known = _getters().get(type(obj))  # the exact class: a subclass is not cacheable
    if known is not None:
        return {_OBJ: known[0], "v": known[1](obj)}  # a tuple: written as a JSON array like a list
    if isinstance(obj, Decimal):
        return _plain_default(obj)
    raise TypeError(f"not cacheable: {type(obj)!r}")


@functools.cache
def _builders() -> dict[str, tuple[Any, int, bool]]:
    """Per registered class: how to rebuild it from its stored values (the decoder's hot path:
    tens of thousands of objects on a county workspace), its field count and whether it is frozen.
    The stored fields are the class's leading fields in order (Project.raw, not stored, is last),
    so the values go in by position; a class where that does not hold is rebuilt by name."""
    out: dict[str, tuple[Any, int, bool]] = {}
    for name, (cls, names) in _classes().items():
        fields = [f for f in dataclasses.fields(cls) if f.init]
        positional = [f.name for f in fields[:len(names)]] == list(names) and not any(f.kw_only for f in fields)
        build = cls if positional else functools.partial(_by_name, cls, names)
        out[name] = (build, len(names), cls.__dataclass_params__.frozen)  # type: ignore[attr-defined]
    return out


def _by_name(cls: type, names: tuple[str, ...], *values: Any) -> Any:
    return cls(**dict(zip(names, values)))


def _decode_hook(d: dict[str, Any]) -> Any:
    if _OBJ in d:
        build, count, frozen = _builders()[d[_OBJ]]  # KeyError: not a class we know → the entry is absent
        values = d["v"]
        if len(values) != count:
            raise ValueError("wrong field count")
        if frozen:
            values = [tuple(v) if isinstance(v, list) else v for v in values]
        return build(*values)
    return d


_NUM = "\udc00"  # marks a Decimal in the encoder's output; user text (YAML) cannot hold a lone surrogate
_NUM_RE = re.compile(rb'"\xed\xb0\x80(-?[0-9][0-9.]*(?:E[-+]?[0-9]+)?)"')


def _number(m: re.Match[bytes]) -> bytes:
    text = m.group(1)
    return text if b"." in text or b"E" in text else text + b"E0"  # "100E0": still a Decimal, exponent 0


def encode(value: Any, typed: bool = False) -> bytes:
    """One value as JSON on one line. Decimals become numbers that `decode` reads as Decimal;
    registered dataclasses become tagged objects (only where `typed`). TypeError/ValueError
    when the value is not such data."""
    text = (_TYPED if typed else _PLAIN).encode(value)
    return _NUM_RE.sub(_number, text.encode("utf-8", "surrogatepass"))


def _plain_default(obj: Any) -> Any:
    if isinstance(obj, Decimal) and obj.is_finite():  # a JSON number with a fraction or exponent: read back as Decimal
        return _NUM + str(obj)
    raise TypeError(f"not plain data: {type(obj)!r}")


# One encoder of each kind for every entry (json.dumps would make one per call).
_PLAIN = json.JSONEncoder(default=_plain_default, ensure_ascii=False, separators=(",", ":"),
                          check_circular=False, allow_nan=False)
_TYPED = json.JSONEncoder(default=_encode_default, ensure_ascii=False, separators=(",", ":"),
                          check_circular=False, allow_nan=False)


def decode(payload: bytes, typed: bool = False) -> Any:
    text = payload.decode("utf-8", "surrogatepass")
    if typed:
        return json.loads(text, parse_float=Decimal, object_hook=_decode_hook)
    return json.loads(text, parse_float=Decimal)


def read_lines(path: Path, version: str) -> list[tuple[Any, Any]]:
    """The entries (plain part, typed part) of one cache file whose digest matches; [] when the
    file is absent, of another perfgen, or not ours. A line that fails its digest or does not
    decode is skipped: it is recomputed, never trusted."""
    try:
        with open(path, "rb") as fh:
            if not fh.readline().rstrip(b"\n") == b"\t".join((_HEADER, version.encode())):
                return []
            lines = fh.read().split(b"\n")
    except OSError:
        return []
    plain, typed = [], []
    for line in lines:
        mark, _, payload = line.partition(b"\t")
        if payload and mark == _line_digest(payload):
            a, _, b = payload.partition(b"\t")
            plain.append(a)
            typed.append(b or b"null")
    if not plain:
        return []
    try:  # one call each for the whole file: most files are fine
        return list(zip(decode(b"[" + b",".join(plain) + b"]"), decode(b"[" + b",".join(typed) + b"]", True)))
    except Exception:
        pass
    out = []
    for a, b in zip(plain, typed):  # a line that hashes right but is not our data is skipped
        try:
            out.append((decode(a), decode(b, True)))
        except Exception:
            continue
    return out


def write_lines(path: Path, version: str, values: list[tuple[Any, Any]]) -> None:
    """Write entries (plain part, typed part); an entry that is not plain data is left out."""
    from perfgen.render.package import write_atomic
    chunks = [b"\t".join((_HEADER, version.encode())) + b"\n"]
    for plain, typed in values:
        try:
            payload = encode(plain) + b"\t" + encode(typed, True)
        except (TypeError, ValueError):  # not plain data (or an int past Python's digit limit): skip
            continue
        chunks.append(_line_digest(payload) + b"\t" + payload + b"\n")
    write_atomic(path, b"".join(chunks), durable=False)  # each line is checked by its digest when read


def remove_legacy(root: Path) -> None:
    """Delete pickles an older perfgen left in the cache; they are never read."""
    folder = root / CACHE_DIR
    for sub in (folder, folder / "parse", folder / "templates"):
        try:
            for f in sub.glob("*.pickle"):
                f.unlink()
        except OSError:
            pass


# -- stores -----------------------------------------------------------------------------------

class ShardedStore:
    """Like Store, but one file per shard (e.g. per department), so a change to one file
    rewrites one small shard instead of the whole cache."""

    def __init__(self, root: Path, name: str, typed: tuple[str, ...] = ()):
        self.root = root
        self.name = name
        self.typed = typed
        self.shards: dict[str, Store] = {}

    def _shard(self, key: str) -> Store:
        shard = key.split("/")[1] if key.startswith("departments/") and key.count("/") >= 2 else "_"
        store = self.shards.get(shard)
        if store is None:
            store = self.shards[shard] = Store(self.root, f"{self.name}/{shard}", self.typed)
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
            for f in folder.iterdir():
                if f.name.endswith(SUFFIX) and f.name[:-len(SUFFIX)] not in self.shards:
                    try:
                        f.unlink()
                    except OSError:
                        pass

    def save(self) -> None:
        for store in self.shards.values():
            store.save()
        if enabled():
            remove_legacy(self.root)


class Store:
    """One file of entries per purpose (e.g. "parse", "render"), loaded lazily, saved when changed."""

    def __init__(self, root: Path, name: str, typed: tuple[str, ...] = ()):
        self.root = root
        self.typed = typed  # keys of a dict value that hold model objects (decoded as such)
        self.path = root / CACHE_DIR / f"{name}{SUFFIX}"
        self.entries: dict[str, tuple[str, Any]] = {}
        self.dirty = False
        self.version = code_version()
        if enabled():
            self._load()

    def _load(self) -> None:
        for item, typed in read_lines(self.path, self.version):
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and isinstance(item[1], str)):
                continue
            value = item[2]
            if self.typed:
                if not (isinstance(value, dict) and isinstance(typed, dict) and set(typed) == set(self.typed)):
                    continue
                value.update(typed)
            self.entries[item[0]] = (item[1], value)

    def _split(self, key: str, fingerprint: str, value: Any) -> tuple[Any, Any]:
        """(plain part, typed part): the keys named in `typed` hold dataclasses, the rest is data."""
        if not self.typed or not isinstance(value, dict):
            return [key, fingerprint, value], None
        return ([key, fingerprint, {k: v for k, v in value.items() if k not in self.typed}],
                {k: value.get(k) for k in self.typed})

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

    def clear(self) -> None:
        if self.entries:
            self.entries = {}
            self.dirty = True

    def fingerprints(self) -> set[str]:
        return {fp for fp, _ in self.entries.values()}

    def prune(self, keep: set[str]) -> None:
        for key in list(self.entries):
            if key not in keep:
                del self.entries[key]
                self.dirty = True

    def save(self) -> None:
        if not (self.dirty and enabled()):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.root_dir() / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            write_lines(self.path, self.version, [self._split(k, fp, v) for k, (fp, v) in self.entries.items()])
            self.dirty = False
        except Exception:  # a cache is only an optimisation
            pass
