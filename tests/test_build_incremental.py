"""Incremental builds never serve stale output, and --watch rebuilds what a save affects."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from perfgen.build import BuildOptions, build
from perfgen.watch import WatchEvent, watch


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_nothing_changed_is_recognised_and_outputs_kept(workspace: Path) -> None:
    first = build(workspace, BuildOptions())
    assert not first.unchanged and first.rendered == 1
    before = {p: p.read_bytes() for p in first.documents}
    second = build(workspace, BuildOptions())
    assert second.unchanged
    assert {p: p.read_bytes() for p in second.documents} == before


def test_an_edit_rerenders_only_its_department_and_shows_up(workspace: Path) -> None:
    other = workspace / "departments/other"
    import shutil
    shutil.copytree(workspace / "departments/demo", other)
    for p in (other / "2025/projects").glob("*.yaml"):
        p.rename(p.with_name("o-" + p.name))
    _edit(other / "2025/goals.yaml", "项目顺序: [alpha, beta]", "项目顺序: [o-alpha, o-beta]")
    for p in (other / "2025/projects").glob("*.yaml"):
        _edit(p, '项目编码: "13000025P', '项目编码: "13000025Q')
    build(workspace, BuildOptions())
    _edit(workspace / "departments/demo/2025/projects/beta.yaml", "基层平安建设。", "基层平安建设（已修改）。")
    report = build(workspace, BuildOptions())
    assert (report.rendered, report.reused) == (1, 1)
    import zipfile
    xml = zipfile.ZipFile(workspace / "build/2025/demo.docx").read("word/document.xml").decode()
    assert "基层平安建设（已修改）。" in xml
    volume = zipfile.ZipFile(workspace / "build/2025/volume.docx").read("word/document.xml").decode()
    assert "基层平安建设（已修改）。" in volume


def test_template_layout_and_profile_changes_invalidate(workspace: Path) -> None:
    build(workspace, BuildOptions())
    import shutil

    from conftest import ROOT
    (workspace / "templates/hebei").mkdir(parents=True)
    shutil.copy(ROOT / "templates/hebei/template.docx", workspace / "templates/hebei/template.docx")
    layout = (ROOT / "templates/hebei/layout.yaml").read_text(encoding="utf-8")
    (workspace / "templates/hebei/layout.yaml").write_text(
        layout.replace("说明结语: 上述", "说明结语: 以上"), encoding="utf-8")
    assert build(workspace, BuildOptions()).rendered == 1  # layout changed → re-render
    _edit(workspace / "templates/hebei/layout.yaml", "支出计划小数位: 2", "支出计划小数位: 0")
    report = build(workspace, BuildOptions())
    assert report.rendered == 1
    import zipfile
    xml = zipfile.ZipFile(workspace / "build/2025/demo.docx").read("word/document.xml").decode()
    assert ">25%<" in xml and "25.00%" not in xml
    # a workspace profile that renames a first-level category
    (workspace / "profiles").mkdir()
    profile = (ROOT / "profiles/common.yaml").read_text(encoding="utf-8").replace("名称: 效益指标", "名称: 效果指标")
    (workspace / "profiles/common.yaml").write_text(profile, encoding="utf-8")
    assert build(workspace, BuildOptions()).rendered == 1
    xml = zipfile.ZipFile(workspace / "build/2025/demo.docx").read("word/document.xml").decode()
    assert ">效果指标<" in xml and ">效益指标<" not in xml
    assert build(workspace, BuildOptions()).unchanged


def test_deleted_output_is_rebuilt(workspace: Path) -> None:
    build(workspace, BuildOptions())
    (workspace / "build/2025/demo.docx").unlink()
    report = build(workspace, BuildOptions())
    assert not report.unchanged and (workspace / "build/2025/demo.docx").exists()


def test_watch_rebuilds_after_a_save(workspace: Path) -> None:
    events: list[WatchEvent] = []
    stop = threading.Event()

    def on_event(e: WatchEvent) -> None:
        events.append(e)
        if len(events) == 2:
            stop.set()

    t = threading.Thread(target=watch, args=(workspace, BuildOptions(jobs=1), on_event, stop, 0.1))
    t.start()
    deadline = time.time() + 20
    while not events and time.time() < deadline:
        time.sleep(0.05)
    _edit(workspace / "departments/demo/2025/projects/alpha.yaml", "≥3次", "≥4次")
    t.join(timeout=30)
    stop.set()
    assert len(events) == 2
    assert events[1].changed == ["修改 departments/demo/2025/projects/alpha.yaml"]
    assert events[1].report is not None and events[1].report.rendered == 1


def test_documents_are_flushed_to_disk_and_cache_files_are_not(workspace: Path, monkeypatch) -> None:
    """An output survives a power cut once the build says it is written; a cache file need not
    (each entry is checked by its digest when read), so its flush is skipped."""
    import os

    from perfgen.render import package
    flushed: list[str] = []
    real_replace = os.replace
    pending: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: pending.append(fd))

    def replace(src: str, dst: str) -> None:  # which file the flushed temporary became
        if pending:
            flushed.append(str(dst))
            pending.clear()
        real_replace(src, dst)

    monkeypatch.setattr(package.os, "replace", replace)
    report = build(workspace, BuildOptions())
    assert report.documents and all(str(p) in flushed for p in report.documents)
    assert not [p for p in flushed if ".perfgen-cache" in p], flushed


def test_a_scoring_rules_change_rebuilds_the_self_evaluation(tmp_path: Path) -> None:
    """rules/scoring.yaml decides the 自评表's scores and their decimals: editing it is a change,
    not 输入没有变化 with the old 自评表 kept."""
    from conftest import copy_shipped
    ws = copy_shipped(tmp_path / "ws")
    options = BuildOptions(years=[2025], departments=["yutian-zfw"], volume=False)
    first = build(ws, options)
    selfeval = next(p for p in first.documents if p.name.endswith("自评表.docx"))
    before = selfeval.read_bytes()
    (ws / "rules").mkdir()
    (ws / "rules" / "scoring.yaml").write_text("小数位: 0\n", encoding="utf-8")
    second = build(ws, options)
    assert not second.unchanged
    assert selfeval.read_bytes() != before


def test_watch_sees_a_scoring_rules_save(workspace: Path) -> None:
    from perfgen.watch import changes, snapshot
    before = snapshot(workspace)
    (workspace / "rules").mkdir(exist_ok=True)
    (workspace / "rules" / "scoring.yaml").write_text("小数位: 0\n", encoding="utf-8")
    assert changes(before, snapshot(workspace)) == ["新增 rules/scoring.yaml"]
