"""Update a document's tables of contents in headless LibreOffice, as a user's 工具 › 更新 › 全部
would, and print each one's text before and after (JSON). A test helper, run as a subprocess:

    python lotoc.py DOCX PROFILE_DIR

LibreOffice's Python bridge (Debian: python3-uno) is found beside the installed soffice when the
running Python does not have it on its path.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def _import_uno():  # type: ignore[no-untyped-def]
    try:
        import uno
    except ImportError:
        soffice = shutil.which("soffice")
        if soffice:
            sys.path.append(str(Path(os.path.realpath(soffice)).parent))
        sys.path.append("/usr/lib/python3/dist-packages")
        import uno
    return uno


def main(docx: str, profile: str) -> int:
    uno = _import_uno()
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
    from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]
    pipe = f"perfgen-toc-{os.getpid()}"
    proc = subprocess.Popen(["soffice", f"-env:UserInstallation={Path(profile).resolve().as_uri()}", "--headless",
                             "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(1200):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                time.sleep(0.1)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        hidden = PropertyValue()
        hidden.Name, hidden.Value = "Hidden", True
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(str(Path(docx).resolve())), "_blank", 0, (hidden,))
        out = []
        indexes = doc.getDocumentIndexes()
        for i in range(indexes.getCount()):
            index = indexes.getByIndex(i)
            before = index.getAnchor().getString()
            index.update()
            out.append({"before": before, "after": index.getAnchor().getString()})
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge closes as LibreOffice exits
            pass
        print(json.dumps(out, ensure_ascii=False))
        return 0
    finally:
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
