"""The 自评表 and 监控表 documents: their text as people read it (snapshot), the scores in them,
and that LibreOffice opens them."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import assert_snapshot
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: Path) -> str:
    """Paragraphs one per line; a table row as its cells joined by “ | ” (merged cells once)."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    lines = []
    for block in root.find(f"{W}body"):
        if block.tag == f"{W}p":
            text = "".join(t.text or "" for t in block.iter(f"{W}t"))
            if text.strip():
                lines.append(text)
        elif block.tag == f"{W}tbl":
            for tr in block.iter(f"{W}tr"):
                cells = []
                for tc in tr.findall(f"{W}tc"):
                    vm = tc.find(f"{W}tcPr/{W}vMerge")
                    text = "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in tc.findall(f"{W}p"))
                    cells.append("〃" if vm is not None and vm.get(f"{W}val") in (None, "continue") else text.replace("\n", "/"))
                lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def built(shipped_build: Path) -> Path:
    return shipped_build


def test_selfeval_text_snapshot(built: Path) -> None:
    assert_snapshot("results/yutian-zfw-自评表.txt", docx_text(built / "2025" / "yutian-zfw-自评表.docx"))


def test_monitoring_text_snapshot(built: Path) -> None:
    assert_snapshot("results/yongning-zfw-监控表-8月底.txt", docx_text(built / "2024" / "yongning-zfw-监控表-8月底.docx"))


def test_selfeval_prints_the_hand_computed_total(built: Path) -> None:
    # 9.20 + 12.5 + 10 + 12.5 + 12.5 + 7.5 + 4.5 + 7.5 + 7.5 + 93/95 × 10 = 93.489… → 93.49, 优
    text = docx_text(built / "2025" / "yutian-zfw-自评表.docx")
    assert "总分 | 100.00 | 93.49 | 评级：优" in text
    assert "年度资金总额 | 5 | 5 | 4.6 | 10.00 | 92.00% | 9.20" in text


def test_every_checkpoint_has_its_document(built: Path) -> None:
    names = sorted(p.name for p in (built / "2024").glob("yongning-zfw-*"))
    assert names == ["yongning-zfw-监控表-6月底.docx", "yongning-zfw-监控表-8月底.docx", "yongning-zfw-自评表.docx"]


@pytest.mark.acceptance
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.acceptance
@pytest.mark.slow
def test_libreoffice_opens_result_documents(built: Path, tmp_path: Path) -> None:
    docs = sorted(built.rglob("*表*.docx"))
    assert len(docs) == 5
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *map(str, docs)], check=True, capture_output=True, timeout=240)
    for doc in docs:
        pdf = tmp_path / (doc.stem + ".pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "项目支出绩效" in text.replace(" ", ""), doc.name
