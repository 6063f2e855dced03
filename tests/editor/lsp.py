"""A small LSP client (stdio JSON-RPC) driving yaml-language-server as VS Code's YAML extension does.

Used by tests/test_editor.py and runnable on its own to measure a workspace:

    python3 tests/editor/lsp.py [workspace-root]

It opens files, collects published diagnostics, asks for completions and hovers. The server runs
with a Chinese UI locale (zh-cn) and the workspace's .vscode/settings.json `yaml.schemas`.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

CACHE = Path(os.environ.get("PERFGEN_EDITOR_CACHE", Path.home() / ".cache" / "perfgen-editor-test"))
SERVER_VERSION = "1.25.0"
SERVER = CACHE / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


def install(packages: tuple[str, ...] = (f"yaml-language-server@{SERVER_VERSION}", "ajv@8")) -> str | None:
    """npm-install the server (and ajv) into the cache; returns why not, or None when ready."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm 不可用（.ci/run 会用 apt 安装 nodejs npm）"
    marker = CACHE / "installed.json"
    if marker.exists() and json.loads(marker.read_text()) == list(packages) and SERVER.exists():
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(CACHE), *packages],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not SERVER.exists():
        return "npm install yaml-language-server 失败：" + (proc.stderr.strip().splitlines() or ["?"])[-1]
    marker.write_text(json.dumps(list(packages)))
    return None


class Client:
    """One yaml-language-server process for one workspace root."""

    def __init__(self, root: Path, settings: dict[str, Any] | None = None) -> None:
        self.root = root.resolve()
        if settings is None:
            vs = self.root / ".vscode" / "settings.json"
            settings = json.loads(vs.read_text(encoding="utf-8")) if vs.exists() else {}
        self.settings = {"yaml": {"validate": True, "hover": True, "completion": True, "format": {"enable": False},
                                  "schemas": settings.get("yaml.schemas", {}), "schemaStore": {"enable": False},
                                  "disableDefaultProperties": False, "suggest": {"parentSkeletonSelectedFirst": False},
                                  "style": {"flowMapping": "allow", "flowSequence": "allow"}}}
        self.proc = subprocess.Popen(["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self._id = 0
        self._responses: dict[int, Any] = {}
        self._cond = threading.Condition()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._diag_events: queue.Queue[str] = queue.Queue()
        self._versions: dict[str, int] = {}
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {
            "processId": os.getpid(), "rootUri": self.root.as_uri(), "locale": "zh-cn",
            "workspaceFolders": [{"uri": self.root.as_uri(), "name": self.root.name}],
            "capabilities": {"workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
                             "textDocument": {"completion": {"completionItem": {"snippetSupport": True,
                                                                                "documentationFormat": ["markdown", "plaintext"]}},
                                              "hover": {"contentFormat": ["markdown", "plaintext"]},
                                              "publishDiagnostics": {"relatedInformation": True}}},
            "initializationOptions": {}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    # -- JSON-RPC plumbing --------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(out.read(length).decode("utf-8"))
            self._dispatch(msg)

    def _dispatch(self, msg: dict[str, Any]) -> None:
        if "id" in msg and "method" in msg:  # a request from the server
            method = msg["method"]
            result: Any = None
            if method == "workspace/configuration":
                result = [self.settings.get(item.get("section", ""), self.settings["yaml"]).copy()
                          if item.get("section") != "yaml" else self.settings["yaml"]
                          for item in msg["params"]["items"]]
            self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
        elif "id" in msg:
            with self._cond:
                self._responses[msg["id"]] = msg
                self._cond.notify_all()
        elif msg.get("method") == "textDocument/publishDiagnostics":
            uri = msg["params"]["uri"]
            self.diagnostics[uri] = msg["params"]["diagnostics"]
            self._diag_events.put(uri)

    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        self._id += 1
        rid = self._id
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self._cond:
            while rid not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{method} 无响应")
                self._cond.wait(left)
            msg = self._responses.pop(rid)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return msg.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- documents ----------------------------------------------------------------------------
    def uri(self, path: Path) -> str:
        return path.resolve().as_uri()

    def open(self, path: Path, text: str | None = None, wait: float = 20) -> list[dict[str, Any]]:
        """Open (or replace) a document and return the diagnostics the server publishes for it."""
        uri = self.uri(path)
        text = path.read_text(encoding="utf-8") if text is None else text
        self.diagnostics.pop(uri, None)
        if uri in self._versions:
            self._versions[uri] += 1
            self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self._versions[uri]},
                                                    "contentChanges": [{"text": text}]})
        else:
            self._versions[uri] = 1
            self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                                  "text": text}})
        deadline = time.monotonic() + wait
        while uri not in self.diagnostics:
            try:
                self._diag_events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"没有收到 {path} 的诊断") from None
        # schemas load asynchronously: ask once more so the published set is the settled one
        return self.diagnostics[uri]

    def diagnose(self, path: Path, text: str | None = None) -> list[dict[str, Any]]:
        """Diagnostics for a document after the schema is loaded (open, then re-validate once)."""
        self.open(path, text)
        return self.open(path, text)

    def complete(self, path: Path, line: int, character: int) -> list[dict[str, Any]]:
        res = self.request("textDocument/completion", {"textDocument": {"uri": self.uri(path)},
                                                        "position": {"line": line, "character": character}})
        if res is None:
            return []
        return res["items"] if isinstance(res, dict) else res

    def hover(self, path: Path, line: int, character: int) -> str:
        res = self.request("textDocument/hover", {"textDocument": {"uri": self.uri(path)},
                                                   "position": {"line": line, "character": character}})
        if not res:
            return ""
        contents = res["contents"]
        if isinstance(contents, dict):
            return str(contents.get("value", ""))
        if isinstance(contents, list):
            return "\n".join(c if isinstance(c, str) else c.get("value", "") for c in contents)
        return str(contents)


def apply_snippet(text: str) -> str:
    """What accepting a snippet leaves in the file: each ${n:default} → default, $n / $0 → ''."""
    import re
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\$\{\d+:([^{}$]*)\}", r"\1", text)
        text = re.sub(r"\$\{\d+\|([^,|}]*)[^}]*\|\}", r"\1", text)
    text = re.sub(r"\$\{\d+\}|\$\d+", "", text)
    return text.replace("\\$", "$").replace("\\}", "}")


def accept(text: str, item: dict[str, Any], line: int, character: int) -> str:
    """The document text after accepting a completion item at (line, character), as VS Code does it."""
    lines = text.split("\n")
    edit = item.get("textEdit")
    new = item.get("insertText") or item.get("label", "")
    if item.get("insertTextFormat") == 2:
        new = apply_snippet(new)
    if edit:
        rng = edit.get("range") or edit.get("replace")
        start, end = rng["start"], rng["end"]
        new = edit["newText"]
        if item.get("insertTextFormat") == 2:
            new = apply_snippet(new)
    else:
        start = end = {"line": line, "character": character}

    def offset(pos: dict[str, int]) -> int:
        return sum(len(x) + 1 for x in lines[:pos["line"]]) + pos["character"]

    # VS Code adjusts a multi-line insertion to the line's indentation (insertTextMode
    # adjustIndentation, its default): each following line gets the leading whitespace of the line
    if item.get("insertTextMode") != 1 and start["line"] < len(lines):
        line_text = lines[start["line"]]
        indent = line_text[:len(line_text) - len(line_text.lstrip(" \t"))]
        new = new.replace("\n", "\n" + indent)

    a, b = offset(start), offset(end)
    return text[:a] + new + text[b:]


if __name__ == "__main__":
    import sys
    why = install()
    if why:
        sys.exit(why)
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    with Client(root) as c:
        total = 0
        for p in sorted(root.rglob("*.yaml")):
            if "departments" in p.parts or p.name == "perfgen.yaml":
                d = c.diagnose(p)
                total += len(d)
                for x in d:
                    print(f"{p.relative_to(root)}:{x['range']['start']['line'] + 1}: {x['message']}")
        print("diagnostics:", total)
