"""Reading files people actually produce: encodings, BOMs, Windows line ends, binaries, huge files."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from perfgen import yamlsource


def read(tmp_path: Path, data: bytes):
    p = tmp_path / "x.yaml"
    p.write_bytes(data)
    return yamlsource.read(p, "x.yaml", frozenset({"项目名称", "预算数"}))


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    doc, findings = read(tmp_path, "\ufeff项目名称: 甲\r\n预算数: 115000.00\r\n".encode("utf-8"))
    assert findings == []
    assert doc.data == {"项目名称": "甲", "预算数": Decimal("115000.00")}
    assert doc.position(("预算数",)) == (2, 6)


def test_floats_become_exact_decimals(tmp_path: Path) -> None:
    doc, _ = read(tmp_path, b"a: 0.1\nb: 1_000.50\n")
    assert doc.data == {"a": Decimal("0.1"), "b": Decimal("1000.50")}


def test_gbk_file_is_named_as_gbk(tmp_path: Path) -> None:
    doc, findings = read(tmp_path, "项目名称: 见义勇为基金\n".encode("gbk"))
    assert doc is None
    (f,) = findings
    assert f.code == "file.encoding" and "GBK" in f.message and "UTF-8" in f.hint and f.line == 1


def test_binary_file(tmp_path: Path) -> None:
    doc, (f,) = read(tmp_path, b"PK\x03\x04\x00\x00binary")
    assert doc is None and f.code == "file.binary"


def test_huge_file_refused_by_size(tmp_path: Path) -> None:
    doc, (f,) = read(tmp_path, b"a: " + b"x" * (yamlsource.MAX_BYTES + 10) + b"\n")
    assert doc is None and f.code == "file.too-large"


def test_python_tag_is_refused_and_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    doc, (f,) = read(tmp_path, f'a: !!python/object/apply:os.system ["touch {marker}"]\n'.encode())
    assert doc is None and f.code == "yaml.tag"
    assert not marker.exists()


def test_alias_bomb_refused_quickly(tmp_path: Path) -> None:
    import time
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    doc, (f,) = read(tmp_path, "\n".join(lines).encode())
    assert time.perf_counter() - start < 1.0
    assert doc is None and f.code == "yaml.alias-bomb"


def test_small_aliases_are_fine(tmp_path: Path) -> None:
    doc, findings = read(tmp_path, b"a: &x [1, 2]\nb: *x\n")
    assert findings == [] and doc.data == {"a": [1, 2], "b": [1, 2]}


def test_multiple_documents_refused(tmp_path: Path) -> None:
    doc, (f,) = read(tmp_path, b"a: 1\n---\nb: 2\n")
    assert doc is None and f.code == "yaml.multi-document" and f.line == 3


def test_fullwidth_colon_inside_a_block_text_is_not_flagged(tmp_path: Path) -> None:
    doc, findings = read(tmp_path, "项目名称: |-\n  预算数：这是正文里的冒号\n".encode())
    assert findings == []
