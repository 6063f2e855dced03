"""What loading a workspace gives: the model, every finding, and the parsed documents.

Its own module so that the business rules (perfgen.validate.rules) can take a LoadResult without
importing the loader that runs them.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from perfgen import yamlsource
from perfgen.errors import Finding
from perfgen.model.entities import DepartmentYear, Source, Workspace
from perfgen.validate import schema_check


@dataclass
class LoadResult:
    """The model plus every problem found, and the parsed documents for locating later findings."""

    workspace: Workspace
    findings: list[Finding] = field(default_factory=list)
    docs: dict[str, yamlsource.YamlDocument] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)  # content fingerprint of every file read

    def locate(self, source: Source, *more: str | int, key: bool = False) -> tuple[int | None, int | None]:
        doc = self.docs.get(source.file)
        if doc is None:
            return (None, None)
        return doc.position(tuple(source.path) + tuple(more), key=key)

    def finding(self, source: Source, path: tuple[str | int, ...], message: str, hint: str | None,
                code: str, severity: str = "error", key: bool = False) -> Finding:
        doc = self.docs.get(source.file)
        full = tuple(source.path) + tuple(path)
        line, col = self.locate(source, *path, key=key)
        crumb = None
        if doc is not None:
            kind = kind_of(source.file)
            crumb = schema_check.breadcrumb(kind, doc.data, full) if kind else None
        return Finding(file=source.file, line=line, column=col, message=message, hint=hint,
                       breadcrumb=crumb, code=code, severity=severity)  # type: ignore[arg-type]

    def department_years(self) -> Iterator[DepartmentYear]:
        """Every department-year of the workspace, in load order (what the business rules walk)."""
        for dept in self.workspace.departments.values():
            yield from dept.years.values()

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def kind_of(rel: str) -> str | None:
    """Which schema a workspace file follows, from where it lies (None: not a perfgen file)."""
    name = rel.rsplit("/", 1)[-1]
    if name == "perfgen.yaml":
        return "workspace"
    if name == "department.yaml":
        return "department"
    if name == "goals.yaml":
        return "goals"
    if "/projects/" in rel:
        return "project"
    if "/results/" in rel:
        return "results"
    return None


def rel_path(root: Path, path: Path) -> str:
    """A path as the workspace-relative name findings and documents are keyed by."""
    try:
        return path.relative_to(root).as_posix()  # paths found by walking root: no resolve needed
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
