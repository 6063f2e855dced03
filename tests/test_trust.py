"""The trust boundary (docs/SECURITY.md): nothing in a workspace, a git revision or the cache runs
code, writes outside its place, or makes perfgen print anything but what the YAML says."""
from __future__ import annotations

import os
import pickle
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfgen import cache
from perfgen.build import BuildOptions, build
from perfgen.cli.app import cli
from perfgen.load import load_workspace


def _run(ws: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--root", str(ws), *args])
    return result.exit_code, result.output


def _document_text(path: Path) -> str:
    return zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")


# -- 1. the cache is data, never code ------------------------------------------------------------

class _Boom:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):  # what an attacker's pickle does when loaded
        return (os.system, (f"touch {self.marker}",))


def _plant_pickles(ws: Path, marker: Path) -> list[Path]:
    """A pickle that runs a shell command, at every name the cache ever used, old and new."""
    blob = pickle.dumps((cache.code_version(), {"x": _Boom(marker)}))
    names = ["build.pickle", "render.pickle", "parse/_.pickle", "parse/demo.pickle", "build.cache",
             "render.cache", "parse/_.cache", "parse/demo.cache"]
    store = ws / cache.CACHE_DIR
    for tpl in (ws / cache.CACHE_DIR / "templates").glob("*") if (store / "templates").is_dir() else []:
        names.append(f"templates/{tpl.name}")
    names.append("templates/" + "0" * 32 + cache.SUFFIX)
    planted = []
    for name in names:
        path = store / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
        planted.append(path)
    return planted


def test_a_planted_pickle_never_runs(workspace: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    build(workspace, BuildOptions())  # a cache exists, then an attacker replaces every file of it
    _plant_pickles(workspace, marker)
    assert _run(workspace, "validate")[0] == 0
    assert _run(workspace, "build", "-q")[0] == 0
    _plant_pickles(workspace, marker)
    assert _run(workspace, "build", "-q")[0] == 0
    assert not marker.exists()
    assert "见义勇为基金" in _document_text(workspace / "build/2025/demo.docx")
    assert not list((workspace / cache.CACHE_DIR).rglob("*.pickle")), "old pickles are removed"


def test_no_pickle_in_perfgen() -> None:
    from conftest import ROOT
    users = [p for p in (ROOT / "perfgen").rglob("*.py") if "import pickle" in p.read_text(encoding="utf-8")]
    assert users == []


def test_the_codec_round_trips_exact_decimals_and_models(workspace: Path) -> None:
    from decimal import Decimal
    result = load_workspace(workspace)
    project = result.workspace.departments["demo"].years[2025].projects[0]
    back = cache.decode(cache.encode(project, typed=True), typed=True)
    project.raw = {}
    assert back == project
    values = [Decimal("100"), Decimal("1.50"), Decimal("1E+3"), Decimal("-0.000"), 7, True, None, "\x00\t\n"]
    again = cache.decode(cache.encode(values))
    assert again == values and [str(v) for v in again[:4]] == ["100", "1.50", "1E+3", "-0.000"]
    assert type(again[4]) is int and type(again[5]) is bool


def test_unknown_classes_in_a_cache_file_are_absent(tmp_path: Path) -> None:
    store = tmp_path / "x.cache"
    cache.write_lines(store, "v", [(["k", "fp", 1], None)])
    line = store.read_bytes().split(b"\n")[1]
    forged = line.split(b"\t", 1)[1].replace(b"null", '{"\udc00t":"Popen","v":["id"]}'.encode("utf-8", "surrogatepass"))
    store.write_bytes(b"perfgen-cache\tv\n" + cache._line_digest(forged) + b"\t" + forged + b"\n")
    assert cache.read_lines(store, "v") == []


# -- 5. a damaged or planted cache never produces a wrong document --------------------------------

def _flip_in_cache(ws: Path, old: str, new: str) -> int:
    """Edit text inside the cache files, as a flipped byte or a planted file would."""
    count = 0
    for path in (ws / cache.CACHE_DIR).rglob(f"*{cache.SUFFIX}"):
        data = path.read_bytes()
        if old.encode() in data:
            path.write_bytes(data.replace(old.encode(), new.encode()))
            count += 1
    return count


def test_a_flipped_byte_in_the_parse_cache_is_not_believed(workspace: Path) -> None:
    assert _run(workspace, "validate")[0] == 0
    assert _flip_in_cache(workspace, "见义勇为", "要义勇为")
    code, out = _run(workspace, "build", "-q")
    assert code == 0, out
    text = _document_text(workspace / "build/2025/demo.docx")
    assert "见义勇为基金" in text and "要义勇为" not in text


def test_a_forged_entry_with_a_recomputed_unkeyed_digest_is_not_believed(workspace: Path) -> None:
    import hashlib
    assert _run(workspace, "validate")[0] == 0
    for path in (workspace / cache.CACHE_DIR / "parse").glob(f"*{cache.SUFFIX}"):
        lines = path.read_bytes().split(b"\n")
        out = [lines[0]]
        for line in lines[1:]:
            if line:
                payload = line.split(b"\t", 1)[1].replace("见义勇为".encode(), "要义勇为".encode())
                line = hashlib.blake2b(payload, digest_size=16).hexdigest().encode() + b"\t" + payload
            out.append(line)
        path.write_bytes(b"\n".join(out))
    build(workspace, BuildOptions())
    assert "要义勇为" not in _document_text(workspace / "build/2025/demo.docx")


def test_truncated_bodies_are_rendered_again_and_the_volume_is_whole(workspace: Path) -> None:
    from lxml import etree
    build(workspace, BuildOptions())
    for body in (workspace / cache.CACHE_DIR / "bodies").glob("*.xml"):
        body.write_bytes(body.read_bytes()[: len(body.read_bytes()) // 2])
    # a change elsewhere forces the volume to be bound again from the (damaged) cached body
    (workspace / "perfgen.yaml").write_text((workspace / "perfgen.yaml").read_text(encoding="utf-8") + "\n",
                                             encoding="utf-8")
    report = build(workspace, BuildOptions())
    assert report.rendered == 1 and report.reused == 0
    etree.fromstring(zipfile.ZipFile(workspace / "build/2025/volume.docx").read("word/document.xml"))
    assert "见义勇为基金" in _document_text(workspace / "build/2025/volume.docx")
    assert build(workspace, BuildOptions()).unchanged


def test_an_output_changed_on_disk_is_not_up_to_date(workspace: Path) -> None:
    build(workspace, BuildOptions())
    volume = workspace / "build/2025/volume.docx"
    good = volume.read_bytes()
    volume.write_bytes(good[:100])
    report = build(workspace, BuildOptions())
    assert not report.unchanged and volume.read_bytes() == good


@pytest.mark.parametrize("garbage", [b"", b"perfgen-cache\n", b"\x80\x04garbage", b"perfgen-cache\tx\n\t\t\n",
                                     b"perfgen-cache\t{v}\n" b"abc\t[1,2]\tnull\n"])
def test_garbage_cache_files_count_as_absent(workspace: Path, garbage: bytes) -> None:
    build(workspace, BuildOptions())
    for path in (workspace / cache.CACHE_DIR).rglob(f"*{cache.SUFFIX}"):
        path.write_bytes(garbage.replace(b"{v}", cache.code_version().encode()))
    assert _run(workspace, "validate")[0] == 0
    code, out = _run(workspace, "build", "-q")
    assert code == 0, out
    assert "见义勇为基金" in _document_text(workspace / "build/2025/volume.docx")


# -- 2. diff --rev writes only inside its temporary folder ------------------------------------------

def _git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    import subprocess
    out = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo,
                         input=stdin, check=True, capture_output=True)
    return out.stdout.decode("utf-8", "surrogateescape").strip()


def _tree(repo: Path, entries: list[tuple[str, str, str]]) -> str:
    """git mktree: any names, the way an attacker makes them."""
    data = b"".join(f"{mode} {kind} {oid}\t".encode() + name.encode("utf-8", "surrogateescape") + b"\0"
                    for mode, kind, oid, name in [(m, "tree" if m == "040000" else "blob", o, n) for m, o, n in entries])
    return _git(repo, "mktree", "-z", stdin=data)


@pytest.mark.parametrize("bad", ["..", ".", "a\nb", "a\\b", "x\x01y", "c:evil"])
def test_diff_rev_refuses_odd_names_and_writes_nothing_outside(workspace: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    import shutil
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    _git(workspace, "init", "-q")
    _git(workspace, "add", "-A")
    _git(workspace, "commit", "-q", "-m", "base")
    blob = _git(workspace, "hash-object", "-w", "--stdin", stdin=b"pwned\n")
    escaped = _tree(workspace, [("100644", blob, "escaped-h14.txt")])
    up2 = _tree(workspace, [("040000", escaped, bad)])  # departments/<bad>/<bad>/escaped-h14.txt
    up1 = _tree(workspace, [("040000", up2, bad)])
    head_departments = _git(workspace, "rev-parse", "HEAD:departments")
    listing = _git(workspace, "ls-tree", head_departments)
    entries = [(line.split()[0], line.split()[2], line.split("\t")[1]) for line in listing.splitlines()]
    departments = _tree(workspace, entries + [("040000", up1, bad)])
    top = _tree(workspace, [(m, o, n) for m, o, n in
                            [(line.split()[0], line.split()[2], line.split("\t")[1])
                             for line in _git(workspace, "ls-tree", "HEAD").splitlines()] if n != "departments"]
                + [("040000", departments, "departments")])
    commit = _git(workspace, "commit-tree", top, "-p", "HEAD", "-m", "evil")
    tmp = tmp_path / "t" / "a"
    tmp.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(tmp))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    code, out = _run(workspace, "diff", "demo", "--rev", f"{commit}..HEAD")
    assert code == 1, out
    assert "不安全的文件名" in out and "Traceback" not in out
    assert not list(tmp_path.rglob("escaped-h14.txt"))
    assert not list(tmp.iterdir()), "the temporary folder is removed"


# -- 4. -o and --docx never overwrite data, or any file without --force ----------------------------

def _two_years(ws: Path) -> None:
    import shutil
    shutil.copytree(ws / "departments/demo/2025", ws / "departments/demo/2026")


_DIFF = ["diff", "demo", "--from", "2025", "--to", "2026"]
_DATA = ["departments/demo/2026/goals.yaml", "departments/demo/new.md", "templates/x.docx", "profiles/p.yaml",
         "rules/r.yaml"]


@pytest.mark.parametrize("args, target", [(a, t) for a in (_DIFF + ["-o"], _DIFF + ["--docx"], ["review", "-o"])
                                          for t in _DATA + (["perfgen.yaml"] if a[-1] == "-o" else [])])
def test_outputs_never_go_into_the_data(workspace: Path, args: list[str], target: str) -> None:
    _two_years(workspace)
    path = workspace / target
    if args[-1] == "--docx":
        path = path.with_suffix(".docx")
    before = path.read_bytes() if path.exists() else None
    code, out = _run(workspace, *args, str(path), "--force")
    assert code == 1, out
    assert "不能" in out and "Traceback" not in out
    assert (path.read_bytes() if path.exists() else None) == before


def test_outputs_through_a_link_into_the_data_are_refused(workspace: Path, tmp_path: Path) -> None:
    _two_years(workspace)
    link = tmp_path / "report.md"
    goals = workspace / "departments/demo/2026/goals.yaml"
    link.symlink_to(goals)
    before = goals.read_bytes()
    code, out = _run(workspace, "diff", "demo", "--from", "2025", "--to", "2026", "-o", str(link), "--force")
    assert code == 1 and goals.read_bytes() == before


@pytest.mark.parametrize("args", [["diff", "demo", "--from", "2025", "--to", "2026", "-o"], ["review", "-o"]])
def test_an_existing_file_needs_force(workspace: Path, tmp_path: Path, args: list[str]) -> None:
    _two_years(workspace)
    report = tmp_path / "报告.md"
    report.write_text("我的笔记", encoding="utf-8")
    code, out = _run(workspace, *args, str(report))
    assert code == 1 and "已存在" in out and "--force" in out
    assert report.read_text(encoding="utf-8") == "我的笔记"
    code, out = _run(workspace, *args, str(report), "--force")
    assert code == 0, out
    assert report.read_text(encoding="utf-8") != "我的笔记"
    fresh = tmp_path / "new.md"
    assert _run(workspace, *args, str(fresh))[0] == 0 and fresh.exists()


# -- 3. links that leave the workspace are not followed -------------------------------------------

@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the workspace with a department and a secret file in it."""
    import shutil
    out = tmp_path / "outside"
    out.mkdir()
    shutil.copytree(Path(__file__).parent / "cases/base/departments/demo", out / "dept")
    (out / "secret.yaml").write_text("私密字段甲: 1\n私密字段乙: 2\n", encoding="utf-8")
    return out


def test_a_department_linked_outside_is_refused(workspace: Path, outside: Path) -> None:
    (workspace / "departments/linked").symlink_to(outside / "dept")
    code, out = _run(workspace, "validate")
    assert code == 1 and "departments/linked" in out and "工作区之外的链接" in out


def test_a_year_and_a_projects_folder_linked_outside_are_refused(workspace: Path, outside: Path) -> None:
    (workspace / "departments/demo/2026").symlink_to(outside / "dept/2025")
    code, out = _run(workspace, "validate")
    assert code == 1 and "departments/demo/2026" in out and "工作区之外的链接" in out
    (workspace / "departments/demo/2026").unlink()
    import shutil
    shutil.rmtree(workspace / "departments/demo/2025/projects")
    (workspace / "departments/demo/2025/projects").symlink_to(outside / "dept/2025/projects")
    code, out = _run(workspace, "validate")
    assert code == 1 and "工作区之外的链接" in out


def test_a_project_linked_to_a_file_outside_does_not_leak_it(workspace: Path, outside: Path) -> None:
    (workspace / "departments/demo/2025/projects/gamma.yaml").symlink_to(outside / "secret.yaml")
    for args in (["validate"], ["build", "-q"], ["review"]):
        code, out = _run(workspace, *args)
        assert code == 1, out
        assert "私密字段" not in out and "工作区之外的链接" in out


def test_links_inside_the_workspace_are_followed(workspace: Path) -> None:
    import shutil
    shutil.move(str(workspace / "departments/demo"), str(workspace / "shared-demo"))
    (workspace / "departments/demo").symlink_to(workspace / "shared-demo")
    code, out = _run(workspace, "validate")
    assert code == 0, out


def test_new_project_and_rollover_never_write_through_a_link_outside(workspace: Path, outside: Path) -> None:
    import shutil
    shutil.rmtree(workspace / "departments/demo")
    (workspace / "departments/demo").symlink_to(outside / "dept")
    before = sorted(p.relative_to(outside) for p in outside.rglob("*"))
    code, out = _run(workspace, "new", "project", "demo", "gamma", "--year", "2025")
    assert code == 1 and "工作区之外的链接" in out, out
    code, out = _run(workspace, "rollover", "demo", "--from", "2025", "--to", "2026")
    assert code == 1 and "工作区之外的链接" in out, out
    assert sorted(p.relative_to(outside) for p in outside.rglob("*")) == before


# -- 7. only regular files, only up to the limit ----------------------------------------------------

class _Hang(BaseException):
    """perfgen did not finish in time (a BaseException: no `except Exception` turns it into an exit code)."""


def _perfgen(ws: Path, *args: str) -> tuple[int, str]:
    """perfgen with a time limit: a hang (a FIFO read, /dev/zero to the end) fails the test instead
    of stalling the suite. In this process (SIGALRM interrupts a blocked read); the real process
    and its exit codes are test_a_full_or_closed_stdout_is_no_traceback's."""
    import signal

    def hang(signum: int, frame: object) -> None:
        raise _Hang(f"perfgen {' '.join(args)} still running after 60 s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(60)
    try:
        return _run(ws, *args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("special", ["dev-zero", "fifo", "huge", "directory-named-yaml"])
def test_special_files_give_a_located_error(workspace: Path, special: str, tmp_path: Path) -> None:
    target = workspace / "departments/demo/2025/projects/gamma.yaml"
    if special == "dev-zero":
        target.symlink_to("/dev/zero")  # inside the workspace? no: /dev/zero is outside, and not a file
    elif special == "fifo":
        os.mkfifo(target)
    elif special == "huge":
        target.write_bytes(b"# " + b"x" * (3 * 1024 * 1024) + b"\n")
    else:
        target.mkdir()
        (target / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    for args in (["validate"], ["build", "-q"]):
        code, out = _perfgen(workspace, *args)
        if special == "directory-named-yaml":
            assert code == 0, out  # a folder among the projects is not a project file
            continue
        assert code == 1, out
        assert "gamma.yaml" in out and "内部错误" not in out and "Traceback" not in out


def test_a_fifo_as_profile_or_layout_does_not_hang(workspace: Path) -> None:
    (workspace / "profiles").mkdir()
    os.mkfifo(workspace / "profiles/common.yaml")
    code, out = _perfgen(workspace, "validate")
    assert code == 1 and "不是普通文件" in out, out


# -- 14. an unreadable folder is a located error ---------------------------------------------------

def test_an_unreadable_folder_is_a_located_error(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = workspace / "departments/demo/2025/projects"
    real = Path.iterdir

    def iterdir(self: Path):  # tests may run as root, where chmod 000 does not stop reading
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)
    monkeypatch.setattr(Path, "iterdir", iterdir)
    code, out = _run(workspace, "validate")
    assert code == 1, out
    assert "departments/demo/2025/projects" in out and "无法读取目录" in out


# -- 9. a killed build's temporaries are removed by the next build -----------------------------------

def test_stale_temporaries_are_removed_and_fresh_ones_kept(workspace: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile
    import time
    build(workspace, BuildOptions())
    year = workspace / "build/2025"
    old = time.time() - 3600
    stale = [year / ".volume.docx.k3j4h5g6.tmp", year / ".demo.docx.abcdef12.tmp",
             workspace / cache.CACHE_DIR / "parse" / ".demo.cache.zz99yy88.tmp",
             workspace / cache.CACHE_DIR / "bodies" / ".0123.xml.qwerty12.tmp"]
    fresh = year / ".volume.docx.busy1234.tmp"  # a build running right now is writing it
    mine = year / "notes.tmp"  # not perfgen's naming
    tmp = tmp_path / "systmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    stale_dirs = [tmp / "perfgen-pdf-abc123", tmp / "perfgen-diff-xyz789"]
    other_dir = tmp / "someone-else-1"
    for d in stale_dirs + [other_dir]:
        d.mkdir()
        (d / "x.docx").write_bytes(b"x")
        os.utime(d, (old, old))
    for path in stale + [fresh, mine]:
        path.write_bytes(b"PK\x03\x04half")
        if path in stale or path == mine:
            os.utime(path, (old, old))
    report = build(workspace, BuildOptions())
    assert report.unchanged  # even a build with nothing to do cleans up
    assert not any(p.exists() for p in stale + stale_dirs)
    assert fresh.exists() and mine.exists() and other_dir.exists()


# -- 12. numbers too long for Python are a located error --------------------------------------------

@pytest.mark.parametrize("file, line, value", [
    ("departments/demo/2025/projects/alpha.yaml", "  3月底: 25", "  3月底: " + "9" * 5000),
    ("departments/demo/2025/projects/alpha.yaml", "项目名称: 见义勇为基金", "项目名称: " + "9" * 5000),
    ("departments/demo/2025/projects/alpha.yaml", "    指标值: ≥3次", "    指标值: 0x" + "f" * 5000),
    ("departments/demo/department.yaml", "模板: hebei", "模板: [" + "1" * 4500 + "]"),
    ("perfgen.yaml", None, "默认年度: " + "2" * 5000),
])
def test_a_5000_digit_integer_is_a_located_error(workspace: Path, file: str, line: str | None, value: str) -> None:
    path = workspace / file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(line, value) if line else text + "\n" + value + "\n", encoding="utf-8")
    assert (line is None) or line in text
    for args in (["validate"], ["build", "-q"], ["review"]):
        code, out = _run(workspace, *args)
        assert code == 1, out
        assert f"{file}:" in out and "太长了" in out and "内部错误" not in out


def test_template_and_profile_names_never_lead_out(workspace: Path) -> None:
    path = workspace / "departments/demo/department.yaml"
    text = path.read_text(encoding="utf-8")
    for name in ("../../../../../etc", "/etc/passwd", "x" * 5000, "a\\b"):
        path.write_text(text.replace("模板: hebei", f'模板: "{name}"').replace("指标体系: common", f'指标体系: "{name}"'),
                        encoding="utf-8")
        code, out = _run(workspace, "validate")
        assert code == 1 and "内部错误" not in out, out
    from perfgen import resources
    assert resources.find_named(workspace, "templates", "hebei") is not None
    for name in ("../templates/hebei", "..", ".", "", "x" * 5000, "hebei/../hebei", "/etc", "a\\b"):
        assert resources.find_named(workspace, "templates", name) is None
        assert resources.find_named(workspace, "profiles", name, ".yaml") is None


# -- 16. docs/SECURITY.md names tests that exist ---------------------------------------------------

def test_security_md_names_only_tests_that_exist() -> None:
    import re

    from conftest import ROOT
    text = (ROOT / "docs/SECURITY.md").read_text(encoding="utf-8")
    tests = Path(__file__).parent
    named = 0
    for row in text.splitlines():
        module = None
        for token in re.findall(r"`(test_[^`]+)`", row):
            if ".py" in token:
                module, _, name = token.partition("::")
            else:
                name = token
            if name and module:
                source = (tests / module).read_text(encoding="utf-8")
                assert f"def {name.split('[')[0]}(" in source, f"docs/SECURITY.md names {module}::{name}"
                named += 1
    assert named >= 15


# -- 14. a closed or full standard output is not a bug ------------------------------------------------

@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_or_closed_stdout_is_no_traceback(workspace: Path) -> None:
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    for args in (["validate"], ["review"], ["diff", "demo", "--from", "2025", "--to", "2026"]):
        import shutil
        if args[0] == "diff" and not (workspace / "departments/demo/2026").exists():
            shutil.copytree(workspace / "departments/demo/2025", workspace / "departments/demo/2026")
        with open("/dev/full", "w") as full:
            proc = subprocess.run([sys.executable, "-m", "perfgen", "--root", str(workspace), *args], stdout=full,
                                  stderr=subprocess.PIPE, timeout=60, env=env)
        err = proc.stderr.decode("utf-8")
        assert proc.returncode == 1, err
        assert "Traceback" not in err and "内部错误" not in err and "无法写出结果" in err
        cmd = subprocess.Popen([sys.executable, "-m", "perfgen", "--root", str(workspace), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert cmd.stdout is not None and cmd.stderr is not None
        cmd.stdout.close()  # like `| head -0`: the reader went away
        err = cmd.stderr.read().decode("utf-8")
        assert cmd.wait(timeout=60) in (0, 1) and "Traceback" not in err and "内部错误" not in err


# -- 14. one problem, one message; the right words for a decimal ----------------------------------

def test_a_missing_key_required_twice_by_the_schema_is_reported_once(workspace: Path) -> None:
    path = workspace / "departments/demo/2025/projects/alpha.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - 二级指标: 数量指标\n    三级指标:", "  - 三级指标:"), encoding="utf-8")
    found = [f for f in load_workspace(workspace).findings if f.code == "schema.required"]
    assert [(f.line, f.message) for f in found] == [(16, "缺少必填项“二级指标”")]
    assert found[0].hint and "数量指标" in found[0].hint  # the copy kept is the one that says what to write
    code, out = _run(workspace, "validate")
    assert code == 1 and out.count("缺少必填项") == 1 and "1 个错误" in out, out


def test_a_decimal_where_an_integer_is_expected_says_so(workspace: Path) -> None:
    path = workspace / "departments/demo/2025/projects/alpha.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("支出计划:", "中期:\n  开始年度: 2025.5\n  结束年度: 2026\n支出计划:"), encoding="utf-8")
    found = [f for f in load_workspace(workspace).findings if f.code == "schema.type"]
    assert [(f.line, f.message) for f in found] == [(10, "应为整数，实际是小数 2025.5")]


@pytest.mark.parametrize("folder", ["departments", "departments/demo/2025/projects"])
def test_rollover_of_an_unreadable_folder_is_a_located_error(workspace: Path, folder: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    locked = workspace / folder
    real = Path.iterdir

    def iterdir(self: Path):  # tests may run as root, where chmod 000 does not stop reading
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)
    monkeypatch.setattr(Path, "iterdir", iterdir)
    code, out = _run(workspace, "rollover", "--all", "--from", "2025", "--to", "2026")
    assert code == 1, out
    assert f"{folder}: 无法读取目录" in out and "内部错误" not in out
    assert not (workspace / "departments/demo/2026").exists()  # nothing half-copied


@pytest.mark.parametrize("target", ["departments", "departments/demo/2025", "templates/预览", "profiles", "rules/x"])
def test_build_out_never_goes_into_the_data(workspace: Path, target: str) -> None:
    before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
    code, out = _run(workspace, "build", "-q", "--out", str(workspace / target))
    assert code == 1 and "不能指向" in out and "内部错误" not in out, out
    assert sorted(p.relative_to(workspace) for p in workspace.rglob("*") if ".perfgen-cache" not in p.parts) \
        == [p for p in before if ".perfgen-cache" not in p.parts]
    assert _run(workspace, "build", "-q", "--out", str(workspace / "预览"))[0] == 0


@pytest.mark.parametrize("where", ["版式", "layout.yaml"])
def test_an_empty_milestone_list_is_a_located_error_not_the_templates_fault(workspace: Path, where: str) -> None:
    import shutil

    from conftest import ROOT
    if where == "版式":
        rel = "departments/demo/department.yaml"
        path = workspace / rel
        path.write_text(path.read_text(encoding="utf-8") + "版式:\n  支出计划节点: []\n", encoding="utf-8")
    else:
        rel = "templates/hebei/layout.yaml"
        shutil.copytree(ROOT / "templates/hebei", workspace / "templates/hebei", dirs_exist_ok=True)
        path = workspace / rel
        text = path.read_text(encoding="utf-8")
        assert "支出计划节点: [3月底, 6月底, 10月底, 12月底]" in text
        path.write_text(text.replace("支出计划节点: [3月底, 6月底, 10月底, 12月底]", "支出计划节点: []"), encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index("支出计划节点: []" if where != "版式" else
                                                               "  支出计划节点: []") + 1
    for args in (["validate"], ["build", "-q"]):
        code, out = _run(workspace, *args)
        assert code == 1, out
        assert f"{rel}:{line}:" in out and "项数太少（0 项，至少 4 项）" in out, out
        assert "模板 hebei" not in out and "minItems" not in out
