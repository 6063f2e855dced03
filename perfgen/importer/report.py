"""What the import could not place, said where it is: file, table number and row (or paragraph).

Nothing is dropped or guessed silently: every cell or paragraph the importer does not put into the
YAML, and every value it had to interpret, becomes a Finding the command prints.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from perfgen.errors import Finding, Severity


@dataclass(frozen=True)
class Where:
    """A place in the source file: table and row (1-based as people count), paragraph, or sheet."""

    table: int | None = None
    row: int | None = None
    paragraph: int | None = None
    sheet: str | None = None

    def text(self) -> str:
        parts = []
        if self.sheet is not None:
            parts.append(f"工作表“{self.sheet}”")
        if self.table is not None:
            parts.append(f"表{self.table}")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.paragraph is not None:
            parts.append(f"第{self.paragraph}段")
        return " › ".join(parts)


class Reporter:
    """Collects the findings of one import."""

    def __init__(self, file_label: str):
        self.file = file_label
        self._items: list[tuple[Where | None, Finding]] = []
        self.position: Callable[[Where], tuple[int, ...]] = lambda w: (w.table or 0, w.paragraph or 0)

    @property
    def items(self) -> list[Finding]:
        """In the order of the source file (by `position`); notes about the whole file last."""
        def order(pair: tuple[Where | None, Finding]) -> tuple[int, ...]:
            where = pair[0]
            if where is None or where == Where():
                return (1,)
            return (0, *self.position(where), where.row or 0)
        return [f for _w, f in sorted(self._items, key=order)]

    def add(self, where: Where | None, message: str, hint: str | None = None, *, code: str = "import.unplaced",
            severity: Severity = "warning") -> None:
        crumb = where.text() if where is not None else None
        self._items.append((where, Finding(file=self.file, message=message, hint=hint, breadcrumb=crumb or None,
                                           code=code, severity=severity)))

    def unplaced(self, where: Where | None, text: str, why: str, hint: str | None = None) -> None:
        """Content the importer found but did not put anywhere."""
        shown = text if len(text) <= 60 else text[:60] + "…"
        self.add(where, f"未导入：“{shown}”（{why}）", hint or "如需保留，请手工写入相应的 YAML 文件。")

    def note(self, where: Where | None, message: str, hint: str | None = None, code: str = "import.note") -> None:
        """A value the importer interpreted; worth a look, not a problem."""
        self.add(where, message, hint, code=code, severity="info")
