"""What kind of file the user gave us, by its content rather than its name.

A .docx and an .xlsx are zip packages (word/document.xml, xl/workbook.xml); a password-protected
one is an OLE compound file holding an "EncryptedPackage" stream; an old .doc/.xls is an OLE file
without it. Each wrong kind gets its own Chinese message saying what to do.
"""
from __future__ import annotations

from pathlib import Path

from perfgen.errors import UserError
from perfgen.importer.limits import MAX_FILE_BYTES, open_package

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def kind_of(path: Path) -> str:
    """"docx" or "xlsx"; raises UserError for anything else."""
    if not path.exists():
        raise UserError(f"找不到文件“{path}”", "检查文件名和路径；路径相对于当前目录。")
    if path.is_dir():
        raise UserError(f"“{path}”是目录，不是文件", "给出要导入的 .docx 或 .xlsx 文件。")
    if not path.is_file():
        raise UserError(f"“{path}”不是普通文件", "给出要导入的 .docx 或 .xlsx 文件。")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UserError(f"文件“{path.name}”太大（超过 100 MB），不像是绩效目标文档", "检查是否选错了文件。")
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head == OLE_MAGIC:
            data = head + fh.read()
            if _ENCRYPTED in data:
                raise UserError(f"文件“{path.name}”设置了打开密码，无法读取",
                                "在 Word/WPS/Excel 中打开它，去掉密码（文件 › 信息 › 保护文档）后另存，再导入。")
            raise UserError(f"文件“{path.name}”是旧版 Word/Excel 格式（.doc/.xls），无法直接导入",
                            "在 Word/WPS 中另存为 .docx，或在 Excel 中另存为 .xlsx，再导入。")
    if head[:4] != b"PK\x03\x04":
        raise UserError(f"文件“{path.name}”不是 Word（.docx）或 Excel（.xlsx）文件",
                        "perfgen import 只读 .docx 和 .xlsx；PDF、图片、.wps/.et 等请先在 Word/WPS/Excel 中另存为 .docx 或 .xlsx。")
    with open_package(path.name, path) as zf:  # also refuses encrypted parts and zip bombs
        names = set(zf.namelist())
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UserError(f"文件“{path.name}”不是 Word（.docx）或 Excel（.xlsx）文件",
                    "perfgen import 只读 .docx 和 .xlsx；请在 Word/WPS/Excel 中另存为这两种格式之一。")
