"""`perfgen rollover`: start next year's files from this year's.

Departments write next year's goals by copying last year's and editing, so rollover copies
goals.yaml and projects/*.yaml of the source year into the target year's folder. The copies are
byte-for-byte the originals — comments, key order, quoting and line breaks included — except that
the source year is replaced by the target year where it is plain data in text (“2025年”, “2025年度”
in a goal or a project name). Years are left alone in identifiers and numbers (项目编码, project
ids, amounts, the spending plan), in multi-year periods (项目期, “2023—2025年”), in comments and in
YAML keys. The digits are swapped in place inside the value's own source text, so nothing else in
the file can move. Existing files are never overwritten: they are reported as skipped.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from perfgen import paths
from perfgen.errors import UserError
from perfgen.load import ID_RE, MAX_YEAR, MIN_YEAR
from perfgen.yamlsource import MAX_BYTES, YamlProblem, decode, parse

# Values under these keys are identifiers, numbers or periods, not prose: years there stay as written.
KEEP_KEYS = frozenset({"项目编码", "项目", "项目顺序", "预算", "金额", "支出计划", "项目期", "版式", "单位编码"})

_DASHES = "-—–~～至到"


@dataclass
class RolledFile:
    source: str
    target: str
    status: Literal["written", "skipped"]
    replacements: int = 0
    note: str | None = None


@dataclass
class RolloverReport:
    from_year: int
    to_year: int
    departments: list[str] = field(default_factory=list)
    files: list[RolledFile] = field(default_factory=list)
    skipped_departments: list[str] = field(default_factory=list)

    @property
    def written(self) -> list[RolledFile]:
        return [f for f in self.files if f.status == "written"]

    @property
    def skipped(self) -> list[RolledFile]:
        return [f for f in self.files if f.status == "skipped"]

    def format(self) -> str:
        lines: list[str] = []
        for dept in self.departments:
            lines.append(f"{dept}：{self.from_year} 年 → {self.to_year} 年")
            for f in self.files:
                if not f.target.startswith(f"departments/{dept}/"):
                    continue
                if f.status == "skipped":
                    lines.append(f"  跳过 {f.target}（文件已存在，未改动）")
                    continue
                extra = f"（{self.from_year}→{self.to_year} 年份更新 {f.replacements} 处）" if f.replacements else ""
                lines.append(f"  写入 {f.target}{extra}")
                if f.note:
                    lines.append(f"    注意：{f.note}")
        for dept in self.skipped_departments:
            lines.append(f"{dept}：没有 {self.from_year} 年度目录，跳过")
        total = sum(f.replacements for f in self.written)
        lines.append(f"共写入 {len(self.written)} 个文件，跳过 {len(self.skipped)} 个已存在的文件（不会覆盖）；"
                     f"更新年份 {total} 处。")
        if self.written:
            lines.append(f"下一步：按 {self.to_year} 年的预算修改各项目的预算数、支出计划、绩效目标和指标值，"
                         "再运行 perfgen validate 检查。")
        return "\n".join(lines)


def _in_range(text: str, start: int, end: int) -> bool:
    """Is the year at text[start:end] one end of a span such as “2023—2025年” or “2025至2027年”?"""
    before = text[:start].rstrip()
    after = text[end:]
    if re.search(rf"\d{{4}}年?\s*[{_DASHES}]$", before):
        return True
    return bool(re.match(rf"年?\s*[{_DASHES}]\s*\d{{4}}", after))


def year_pattern(year: int) -> re.Pattern[str]:
    """The year as a plain number followed by 年 (年度, 年底 …), not inside a longer number."""
    return re.compile(rf"(?<![0-9]){year}(?=年)")


def replace_in_text(text: str, old: int, new: int) -> tuple[str, int]:
    """Replace the year `old` by `new` in prose, leaving ranges alone; returns (text, count)."""
    pattern = year_pattern(old)
    spans = [m.span() for m in pattern.finditer(text) if not _in_range(text, *m.span())]
    out = text
    for start, end in reversed(spans):
        out = out[:start] + str(new) + out[end:]
    return out, len(spans)


def _scalar_spans(text: str, old: int) -> list[tuple[int, int]]:
    """Where the year occurs as data inside the source text of string values outside KEEP_KEYS."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    spans: list[tuple[int, int]] = []
    seen: set[int] = set()
    pattern = year_pattern(old)

    def walk(node: yaml.Node) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in KEEP_KEYS:
                    continue
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            a, b = node.start_mark.index, node.end_mark.index
            source = text[a:b]
            for m in pattern.finditer(source):
                if not _in_range(source, *m.span()):
                    spans.append((a + m.start(), a + m.end()))

    if root is not None:
        walk(root)
    return spans


def _expected(data: object, old: int, new: int, key: str | None = None) -> object:
    if isinstance(data, dict):
        return {k: (v if k in KEEP_KEYS else _expected(v, old, new, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_expected(v, old, new, key) for v in data]
    if isinstance(data, str):
        return replace_in_text(data, old, new)[0]
    return data


def roll_text(text: str, rel: str, old: int, new: int) -> tuple[str, int, str | None]:
    """The file's text for the new year, the number of years replaced, and a note when left as is."""
    try:
        spans = _scalar_spans(text, old)
        before, _, _ = parse(text, rel)
    except (yaml.YAMLError, YamlProblem):
        return text, 0, "文件有格式错误，已原样复制，年份未更新；修正后请手工检查其中的年份。"
    if not spans:
        return text, 0, None
    out = text
    for start, end in sorted(set(spans), reverse=True):
        out = out[:start] + str(new) + out[end:]
    try:
        after, _, _ = parse(out, rel)
    except YamlProblem:  # pragma: no cover - same-length digit swaps keep the syntax
        after = None
    if after != _expected(before, old, new):
        return text, 0, "未能安全地更新其中的年份，已原样复制；请手工检查。"
    return out, len(set(spans)), None


def _write_new(path: Path, data: bytes) -> bool:
    """Create `path` with `data` atomically; False (and nothing written) when it already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.link(tmp, path)  # fails if the file exists: never overwrites, even in a race
        except FileExistsError:
            return False
        except OSError:  # pragma: no cover - file systems without hard links
            try:
                with open(path, "xb") as fh:
                    fh.write(data)
            except FileExistsError:
                return False
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _roll_file(src: Path, dst: Path, root: Path, old: int, new: int) -> RolledFile:
    rel_src = src.relative_to(root).as_posix()
    rel_dst = dst.relative_to(root).as_posix()
    if dst.exists() or dst.is_symlink():
        return RolledFile(rel_src, rel_dst, "skipped")
    try:
        raw = paths.read_limited(src, MAX_BYTES, root)
    except paths.FileProblem as problem:
        raise UserError(f"{rel_src}：{problem.message}", problem.hint) from None
    note = None
    count = 0
    try:
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
        decode(raw, rel_src)
    except (UnicodeDecodeError, YamlProblem):
        data = raw
        note = "文件不是 UTF-8 文本，已原样复制，年份未更新。"
    else:
        rolled, count, note = roll_text(text, rel_src, old, new)
        data = (b"\xef\xbb\xbf" if bom else b"") + rolled.encode("utf-8")
    try:
        created = _write_new(dst, data)
    except PermissionError:
        raise UserError(f"没有权限写入 {rel_dst}", "检查年度目录的写入权限；已写入的文件保留，重新运行会跳过它们。") from None
    except OSError as exc:
        raise UserError(f"无法写入 {rel_dst}：{exc.strerror}", "检查磁盘空间和目录权限；重新运行会跳过已写入的文件。") from None
    if not created:
        return RolledFile(rel_src, rel_dst, "skipped")
    return RolledFile(rel_src, rel_dst, "written", count, note)


def rollover(root: Path, departments: list[str] | None, from_year: int, to_year: int) -> RolloverReport:
    """Copy each department's `from_year` goals and projects to `to_year`; None means every department."""
    _check_years(from_year, to_year)
    depts_dir = root / "departments"
    if not depts_dir.is_dir():
        raise UserError(f"在 {root} 下没有找到 departments/ 目录", "请在工作区根目录运行 perfgen（或用 --root 指定）。")
    report = RolloverReport(from_year, to_year)
    chosen = _chosen_departments(root, departments, from_year, report)
    for d in chosen:  # before writing anything: no folder on the way may lead out of the workspace
        for folder in (depts_dir / d, depts_dir / d / str(from_year), depts_dir / d / str(to_year)):
            if not paths.inside(root, folder):
                raise UserError(f"{folder.relative_to(root).as_posix()} 是指向工作区之外的链接，没有复制任何文件",
                                "perfgen 不经由链接读写工作区之外的文件（见 docs/SECURITY.md）；把目录本身放进工作区。")
    plan: list[tuple[str, Path, Path, list[Path]]] = []
    for d in chosen:  # every folder listed before anything is written: an unreadable one stops the run early
        src_dir = depts_dir / d / str(from_year)
        sources = [src_dir / "goals.yaml"] if (src_dir / "goals.yaml").is_file() else []
        if (src_dir / "projects").is_dir():
            sources += [p for p in paths.list_folder(src_dir / "projects", root)
                        if p.is_file() and p.suffix == ".yaml" and not p.name.startswith(".")]
        plan.append((d, src_dir, depts_dir / d / str(to_year), sources))
    for d, src_dir, dst_dir, sources in plan:
        report.departments.append(d)
        for src in sources:
            report.files.append(_roll_file(src, dst_dir / src.relative_to(src_dir), root, from_year, to_year))
    return report


def _check_years(from_year: int, to_year: int) -> None:
    for y in (from_year, to_year):
        if not MIN_YEAR <= y <= MAX_YEAR:
            raise UserError(f"年度 {y} 不在 {MIN_YEAR}–{MAX_YEAR} 之间", "年度写四位数字，例如 --from 2025 --to 2026。")
    if to_year <= from_year:
        raise UserError(f"目标年度 {to_year} 应晚于来源年度 {from_year}",
                        f"例如 perfgen rollover --all --from {from_year} --to {from_year + 1}。")


def _chosen_departments(root: Path, departments: list[str] | None, from_year: int,
                        report: RolloverReport) -> list[str]:
    """The departments asked for (each must have `from_year`), or every department that has it."""
    depts_dir = root / "departments"
    available = sorted(p.name for p in paths.list_folder(depts_dir, root) if p.is_dir() and ID_RE.match(p.name))
    if not departments:
        chosen = [d for d in available if (depts_dir / d / str(from_year)).is_dir()]
        report.skipped_departments = [d for d in available if d not in chosen]
        if not chosen:
            raise UserError(f"没有任何部门有 {from_year} 年度的数据", "检查 --from 指定的年度。")
        return chosen
    for d in departments:
        if d not in available:
            raise UserError(f"没有部门“{d}”", "可用的部门：" + "、".join(available))
        if not (depts_dir / d / str(from_year)).is_dir():
            years = sorted(p.name for p in paths.list_folder(depts_dir / d, root)
                           if p.is_dir() and p.name.isdigit())
            raise UserError(f"部门“{d}”没有 {from_year} 年度的数据",
                            f"已有的年度：{'、'.join(years) or '（无）'}；用 --from 指定要复制的年度。")
    return list(dict.fromkeys(departments))
