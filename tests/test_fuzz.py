"""A seeded mutation fuzzer over every kind of workspace file: whatever a file becomes, perfgen
either reports located findings (exit 1) or validates and then builds (exit 0) well-formed
documents; never exit 3, a traceback or a hang.

Each mutant changes one file of a small workspace (department, goals, project, perfgen.yaml,
layout.yaml, profile, rules) by one of the operators below. The run is bounded (about a minute;
`pytest --fuzz-minutes N` for longer) and seeded, so a failure names the seed that reproduces it.
The minute-long runs are `slow` (.ci/run runs them); the development loop runs a few seconds of
every kind with another seed.
"""
from __future__ import annotations

import io
import random
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, make_workspace
from lxml import etree

from perfgen.cli.app import cli

TARGETS = {
    "department": "departments/demo/department.yaml",
    "goals": "departments/demo/2025/goals.yaml",
    "project": "departments/demo/2025/projects/alpha.yaml",
    "workspace": "perfgen.yaml",
    "layout": "templates/hebei/layout.yaml",
    "profile": "profiles/common.yaml",
    "rules": "rules/default.yaml",
}
WEIRD = ["\x00", "\x07", "\ufeff", "\u202e", "\ud800", "𠀀", "：", "\t", "\r", "{", "}", "{0}", "{年度.__class__}",
         "!!python/object/apply:os.system ['true']", "&a [*a, *a]", "null", "[]", "{}", "- ", ": ", "'", '"',
         "9" * 5000, "1e309", "-1", "0.1", "x" * 100_000, "待填写", "true", "2147483647"]


def _lines_op(lines: list[str], rng: random.Random) -> list[str]:
    if not lines:
        return ["x"]
    i = rng.randrange(len(lines))
    op = rng.choice(["delete", "duplicate", "swap", "indent", "dedent", "tab", "weird", "value", "truncate",
                     "key-type", "crlf", "bom"])
    out = list(lines)
    if op == "delete":
        del out[i]
    elif op == "duplicate":
        out.insert(i, out[i])
    elif op == "swap":
        j = rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    elif op == "indent":
        out[i] = "  " + out[i]
    elif op == "dedent":
        out[i] = out[i][2:] if out[i].startswith("  ") else out[i].lstrip()
    elif op == "tab":
        out[i] = "\t" + out[i].lstrip(" ")
    elif op == "weird":
        at = rng.randrange(len(out[i]) + 1)
        out[i] = out[i][:at] + rng.choice(WEIRD) + out[i][at:]
    elif op == "value":
        if ":" in out[i]:
            key = out[i].split(":", 1)[0]
            out[i] = f"{key}: {rng.choice(WEIRD)}"
    elif op == "truncate":
        out = out[:i]
    elif op == "key-type":
        if ":" in out[i]:
            key, _, rest = out[i].partition(":")
            out[i] = key + ": " + rng.choice(["[" + rest.strip() + "]", "{a: " + rest.strip() + "}", "5", "null", "true"])
    elif op == "crlf":
        return [line + "\r" for line in out]
    elif op == "bom":
        out[0] = "\ufeff" + out[0]
    return out


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        lines = _lines_op(lines, rng)
    return "\n".join(lines)


def _base(tmp: Path) -> Path:
    ws = make_workspace(tmp / "base")
    for folder, names in (("templates", ["hebei"]), ("profiles", ["common.yaml"]), ("rules", ["default.yaml"])):
        for name in names:
            src = ROOT / folder / name
            dest = ws / folder / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(src, dest) if src.is_dir() else shutil.copy(src, dest)
    return ws


def _well_formed(build: Path) -> None:
    for docx in build.rglob("*.docx"):
        with zipfile.ZipFile(io.BytesIO(docx.read_bytes())) as zf:
            for name in zf.namelist():
                if name.endswith(".xml"):
                    etree.fromstring(zf.read(name))


def _invoke(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(ws), *args], catch_exceptions=True)


def check_mutant(base: Path, work: Path, kind: str, text: str) -> str:
    """Run the mutant; return '' when perfgen behaved, else what went wrong."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(base, work)
    (work / TARGETS[kind]).write_bytes(text.encode("utf-8", "surrogatepass"))
    command = ["review"] if kind == "rules" else ["validate"]
    r = _invoke(work, *command)
    if r.exit_code not in (0, 1) or "内部错误" in r.output or r.exception and not isinstance(r.exception, SystemExit):
        return f"{' '.join(command)} exit {r.exit_code}: {r.output[-800:]} {r.exception!r}"
    if r.exit_code == 1:
        if kind != "rules" and not any(":" in line.split(" ")[0] for line in r.output.splitlines() if "错误" in line):
            return f"validate exit 1 without a located error: {r.output[-800:]}"
        return ""
    if kind == "rules":
        return ""
    b = _invoke(work, "build", "--no-pdf") if "--no-pdf" in _build_help() else _invoke(work, "build")
    if b.exit_code != 0 or (b.exception and not isinstance(b.exception, SystemExit)):
        return f"validated but build exit {b.exit_code}: {b.output[-800:]} {b.exception!r}"
    try:
        _well_formed(work / "build")
    except (etree.XMLSyntaxError, zipfile.BadZipFile) as exc:
        return f"malformed document: {exc}"
    return ""


_HELP: list[str] = []


def _build_help() -> str:
    if not _HELP:
        _HELP.append(CliRunner().invoke(cli, ["build", "--help"]).output)
    return _HELP[0]


def _fuzz(tmp_path: Path, kinds: list[str], seconds: float, seed: int, at_least: int = 0) -> tuple[int, list[str]]:
    """Mutants for `seconds` (and at least `at_least` of them, however loaded the machine is)."""
    rng = random.Random(seed)
    base = _base(tmp_path)
    originals = {kind: (base / TARGETS[kind]).read_text(encoding="utf-8") for kind in kinds}
    deadline = time.monotonic() + seconds
    tried = 0
    failures: list[str] = []
    while (time.monotonic() < deadline or tried < at_least) and len(failures) < 5:
        kind = kinds[tried % len(kinds)]
        text = mutate(originals[kind], rng)
        problem = check_mutant(base, tmp_path / "work", kind, text)
        tried += 1
        if problem:
            failures.append(f"mutant {tried} ({kind}, seed {seed}):\n{text[:600]!r}\n→ {problem}")
    print(f"fuzzer ({', '.join(kinds)}): {tried} mutants, {len(failures)} failures")
    return tried, failures


def _seconds(request: pytest.FixtureRequest, default: float) -> float:
    minutes = request.config.getoption("--fuzz-minutes")
    return 60.0 * minutes if minutes else default


@pytest.mark.slow
def test_every_mutant_is_reported_or_builds(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    kinds = sorted(k for k in TARGETS if k != "layout")
    tried, failures = _fuzz(tmp_path, kinds, _seconds(request, 40.0), 20261201)
    assert tried >= 20, tried
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
def test_every_layout_mutant_is_reported_or_builds(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    tried, failures = _fuzz(tmp_path, ["layout"], _seconds(request, 10.0), 20261202)
    assert not failures, "\n\n".join(failures)


def test_a_few_mutants_of_every_kind_are_reported_or_build(tmp_path: Path) -> None:
    """The development loop's share of the fuzzer: every kind of file, a few seconds."""
    tried, failures = _fuzz(tmp_path, sorted(TARGETS), 2.0, 20261203, at_least=len(TARGETS))
    assert tried >= len(TARGETS), tried
    assert not failures, "\n\n".join(failures)
