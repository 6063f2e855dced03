"""The generated pages of the user guide (docs/): written from the data they describe.

字段说明 comes from schemas/, 指标分类 from profiles/, 审核规则 from rules/, 模板变量 from
render/shape.py and templates/*/layout.yaml, 模板定制 (定义一种新的表样) from docsgen/layout_guide.md,
schemas/layout.schema.json and the hebei-2020 test case, and 常见错误 from running perfgen itself on the invalid
test cases and on a fresh scaffold, so none of them can drift from what perfgen accepts and prints. `perfgen docs` rewrites them; a test fails when the committed
pages differ from what these functions produce. Only the perfgen source tree has docs/ and the test
cases, so this is a maintainer's tool.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perfgen.errors import UserError
from perfgen.render.package import write_atomic

SOURCE = Path(__file__).resolve().parent.parent.parent


def _generators() -> dict[str, Callable[[Path], str]]:
    from perfgen.docsgen import errors, fields, layouts, rules, scoring, taxonomy, template_vars
    return {"字段说明.md": fields.page, "指标分类.md": taxonomy.page, "审核规则.md": rules.page,
            "常见错误.md": errors.page, "模板变量.md": template_vars.page, "评分规则.md": scoring.page,
            "模板定制.md": layouts.page}


def names() -> list[str]:
    """The file names (under docs/) of the generated pages."""
    return list(_generators())


def check_source(source: Path) -> Path:
    """The perfgen source tree (with docs/, schemas/ and tests/cases/), or a UserError."""
    if not ((source / "docs").is_dir() and (source / "schemas").is_dir() and (source / "tests" / "cases").is_dir()):
        raise UserError(f"“{source}”不是 perfgen 的源码目录（需要 docs/、schemas/ 和 tests/cases/）",
                        "perfgen docs 是维护者用的命令，请在 perfgen 源码仓库中运行。")
    return source


def pages(source: Path = SOURCE) -> dict[str, str]:
    """Every generated page: file name under docs/ → Markdown text."""
    check_source(source)
    return {name: make(source) for name, make in _generators().items()}


def stale(source: Path = SOURCE) -> list[str]:
    """Generated pages whose committed text differs from what the data gives now."""
    out = []
    for name, text in pages(source).items():
        path = source / "docs" / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            out.append(name)
    return out


def write(source: Path = SOURCE) -> list[str]:
    """Rewrite the generated pages that changed; returns their names."""
    changed = []
    for name, text in pages(source).items():
        path = source / "docs" / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_atomic(path, text.encode("utf-8"))
            changed.append(name)
    return changed


def header(title: str, sources: str) -> str:
    """Title plus the notice that keeps people from editing a generated page by hand."""
    return (f"<!-- 本页由 perfgen docs 根据 {sources} 生成，请勿手工修改：改 {sources} 后运行 perfgen docs。 -->\n\n"
            f"# {title}\n\n")  # pages append their paragraphs after this
