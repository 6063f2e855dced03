"""Character-level differences between two texts.

Chinese is written without spaces, so a word diff marks whole sentences as changed; comparing
characters shows exactly what was edited. difflib on characters alone leaves confetti (a changed
phrase that happens to share a “的” or a “，” with its replacement shows as three edits), so
short equal islands between two edits are absorbed into the edit, as diff-match-patch's
“semantic cleanup” does.
"""
from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


@dataclass
class _Edit:
    deleted: list[str]
    inserted: list[str]

    @property
    def size(self) -> int:
        return max(len(self.deleted), len(self.inserted))


def diff_tokens(old: Sequence[str], new: Sequence[str], island: int = 2) -> list[tuple[Op, list[str]]]:
    """Opcodes over token lists (characters, or characters plus markers such as tabs).

    An equal run between two edits is absorbed into them when it does not cross a line break and is
    at most `island` tokens long, or, between two replacements, no longer than either of them. (Between
    plain insertions or deletions a longer equal run is left alone: it reads fine as it is.)
    """
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    # Alternate equal runs and edits: eq0, ed1, eq1, ed2, eq2, … (equal runs may be empty).
    equals: list[list[str]] = [[]]
    edits: list[_Edit] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            equals[-1].extend(old[i1:i2])
        else:
            if edits and not equals[-1]:
                edits[-1].deleted.extend(old[i1:i2])
                edits[-1].inserted.extend(new[j1:j2])
            else:
                edits.append(_Edit(list(old[i1:i2]), list(new[j1:j2])))
                equals.append([])
    changed = True
    while changed and len(edits) > 1:
        changed = False
        for k in range(1, len(edits)):
            island_tokens = equals[k]
            if "\n" in island_tokens:
                continue
            left, right = edits[k - 1], edits[k]
            replacements = all(e.deleted and e.inserted for e in (left, right))
            if len(island_tokens) <= island or (replacements and len(island_tokens) <= min(left.size, right.size)):
                merged = _Edit(left.deleted + island_tokens + right.deleted,
                               left.inserted + island_tokens + right.inserted)
                edits[k - 1:k + 1] = [merged]
                equals[k:k + 1] = []
                changed = True
                break
    out: list[tuple[Op, list[str]]] = []
    for k, eq in enumerate(equals):
        if eq:
            out.append(("equal", eq))
        if k < len(edits):
            if edits[k].deleted:
                out.append(("delete", edits[k].deleted))
            if edits[k].inserted:
                out.append(("insert", edits[k].inserted))
    return out


def diff_text(old: str, new: str, island: int = 2) -> list[Segment]:
    """Segments that turn `old` into `new`: equal text, deletions before insertions."""
    if old == new:
        return [Segment("equal", old)] if old else []
    return [Segment(op, "".join(tokens)) for op, tokens in diff_tokens(list(old), list(new), island)]


def old_text(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments if s.op != "insert")


def new_text(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments if s.op != "delete")


def trim(segments: list[Segment], context: int) -> list[Segment]:
    """Shorten long unchanged stretches for people: keep `context` characters beside each edit.

    Unchanged text is cut at line breaks too, so only the changed lines of a long list are shown;
    cut places become “…”. Meant for display only; JSON keeps the full segments.
    """
    if all(s.op == "equal" for s in segments):
        return segments
    out: list[Segment] = []
    last = len(segments) - 1
    for k, s in enumerate(segments):
        if s.op != "equal":
            out.append(s)
            continue
        text = s.text
        if k == 0:
            tail = text.rsplit("\n", 1)[-1]
            cut = len(tail) > context or tail != text
            tail = tail[-context:] if len(tail) > context else tail
            out.append(Segment("equal", ("…" if cut else "") + tail))
        elif k == last:
            head = text.split("\n", 1)[0]
            cut = len(head) > context or head != text
            head = head[:context] if len(head) > context else head
            out.append(Segment("equal", head + ("…" if cut else "")))
        else:
            if "\n" not in text and len(text) <= 2 * context + 1:
                out.append(s)
                continue
            head = text.split("\n", 1)[0][:context]
            tail = text.rsplit("\n", 1)[-1]
            tail = tail[-context:] if len(tail) > context else tail
            out.append(Segment("equal", head + "…" + tail))
    return out
