"""Which installed faces stand in for the official 公文 fonts when LibreOffice makes PDFs.

The documents name the official fonts (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体, 黑体, 宋体). On a
machine without them fontconfig substitutes; fontconfig.xml beside this module lists a distinct
substitute for each role (so （一） headings in 楷体 do not look like 仿宋 body text). The bold
weight for 小标宋 can only be asked for by a rule that would also apply to a real 方正小标宋简体,
so it is added here, and only when that font is missing. `substitutes()` says what was used, for
the build summary.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

STATIC = Path(__file__).with_name("fontconfig.xml")
OFFICIAL = ("仿宋_GB2312", "楷体_GB2312", "方正小标宋简体", "黑体", "宋体")
XIAOBIAOSONG = "方正小标宋简体"
_XIAOBIAOSONG_RULE = """  <match target="pattern">
    <test name="family" qual="first"><string>方正小标宋简体</string></test>
    <edit name="family" mode="assign" binding="same"><string>Noto Serif CJK SC</string></edit>
    <edit name="weight" mode="assign" binding="same"><const>bold</const></edit>
  </match>
"""


@cache
def installed(family: str) -> bool:
    """Whether a font of exactly this family is installed (fc-list)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return False
    proc = subprocess.run([exe, f":family={family}", "family"], capture_output=True, timeout=30, check=False)
    return bool(proc.stdout.strip())


def config_text() -> str:
    """The fontconfig configuration for the LibreOffice runs."""
    text = STATIC.read_text(encoding="utf-8")
    if not installed(XIAOBIAOSONG):
        text = text.replace("</fontconfig>", _XIAOBIAOSONG_RULE + "</fontconfig>")
    return text


def write_config(folder: Path) -> Path:
    path = folder / "perfgen-fonts.conf"
    path.write_text(config_text(), encoding="utf-8")
    return path


def substitutes(config: Path) -> dict[str, str]:
    """{official font: the face used instead} for each official font that is not installed."""
    exe = shutil.which("fc-match")
    if exe is None:
        return {}
    result = {}
    for family in OFFICIAL:
        if installed(family):
            continue
        proc = subprocess.run([exe, "-f", "%{family[0]} %{style[0]}", family], capture_output=True, timeout=30,
                              check=False, env=dict(os.environ, FONTCONFIG_FILE=str(config)))
        face = proc.stdout.decode("utf-8", "replace").strip()
        if face:
            result[family] = face
    return result


def describe(subs: dict[str, str]) -> str:
    """One line for the build summary."""
    return "PDF 字体替代（本机未安装公文字体）：" + "，".join(f"{k}→{v}" for k, v in subs.items())
