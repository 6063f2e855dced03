"""`perfgen template copy`: a shipped template copied into the workspace for editing in Word/WPS.

The copy never replaces an existing folder; the name follows the id rule (model/ids.py), since a
department's 模板 field refers to it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from perfgen import resources
from perfgen.errors import UserError
from perfgen.model.ids import ID_RE


def copy_template(root: Path, name: str, new_name: str | None = None) -> Path:
    """Copy template `name` (workspace or shipped) to root/templates/<new_name or name>; the new folder."""
    target_name = new_name or name
    if not ID_RE.fullmatch(target_name):
        raise UserError(f"模板名“{target_name}”不合规", "只能用小写英文字母、数字和连字符，例如 hebei-tangshan。")
    volume = resources.VOLUME_TEMPLATE
    if name == volume and target_name != volume:   # the volume is found by its name only
        raise UserError(f"汇编模板只能复制为 templates/{volume}，不能改名为“{target_name}”",
                        f"去掉 --as：perfgen template copy {volume}。汇编只用名为 {volume} 的模板，部门不能选用它。")
    if target_name == volume and name != volume:
        raise UserError(f"“{volume}”是汇编（封面、目录、部门分隔页）所用模板的名字，部门的表样“{name}”不能用它",
                        f"用 --as 换一个名字，例如 perfgen template copy {name} --as {name}-tangshan。")
    source = None
    for folder in resources.search_dirs(root, "templates"):
        if (folder / name / "template.docx").exists():
            source = folder / name
    if source is None:
        copyable = [n for n in resources.available(root, "templates")
                    if any((folder / n / "template.docx").exists() for folder in resources.search_dirs(root, "templates"))]
        raise UserError(f"没有名为“{name}”的模板", "可以复制的模板：" + "、".join(copyable))
    target = root / "templates" / target_name
    if target.exists():
        raise UserError(f"{target} 已存在，未覆盖", "换一个名字（--as），或先删除/改名已有的目录。")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, target)
    except OSError as exc:   # templates is a file, the disk is full or read-only …
        raise UserError(f"无法把模板复制到 {target}",
                        "工作区的 templates 应是一个可写的目录：若它是同名文件，先改名或删除它；"
                        "也检查磁盘空间和写权限。") from exc
    _editor_setup(root, target / "layout.yaml")
    return target


def _editor_setup(root: Path, layout: Path) -> None:
    """The copy's layout.yaml names the workspace's layout schema (hover and checks in the editor),
    and a workspace set up for the editor gets its schemas rewritten: the new template is one more
    allowed 模板, with its own 版式 keys."""
    from perfgen.render.package import write_atomic
    from perfgen.scaffold import editor, modelines
    if layout.exists():
        modelines.set_modeline(root, layout)
    if not (root / "schemas").is_dir():
        return
    for rel, text in editor.generated(root).items():
        path = root / rel
        if not path.exists() or path.read_text(encoding="utf-8", errors="replace") != text:
            write_atomic(path, text.encode("utf-8"))
