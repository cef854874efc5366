"""How much of what looks like role text became edges: role-looking brackets, labelled lines and
table role cells found vs read, with the position of each one not read. A document in which role
words occur but no edge comes out is a warning, never a silent "ok" (the project's rule: no silent zeros)."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional, Sequence

from kg.loaders.clauses import (AS_LABEL_SENTENCE, LABEL, ORGANISER_MARK, PERSON_LABEL, as_label_hint, bare_list_hint,
                                bare_list_like, duty_clause, first_leads_note, label_search, looking_back, note_only,
                                paren_groups, reference_only, spaced_label, spaced_labels)
from kg.loaders.text import Paragraph

# what a reader takes for a role statement: a role word inside a bracket, a role label with a colon
ROLE_WORD = re.compile(r"牵头|负责|责任单位|配合|协办|参与单位|协助|主责|承办单位")
LABEL_LINE = re.compile(r"(?:" + LABEL + r")\s*:")  # at a line start or after a clause end: see label_search
# a line that opens with an item marker (if any) and a colon near its start: a duty line (县公安局:负责…) or a label
_LINE_HEAD = re.compile(r"^(?:\(?(?:[一二三四五六七八九十]+|\d{1,2})[)、.]|[一二三四五六七八九十]+、|─+)?\s*")  # ── a dash bullet
# a role-looking label kg does not know (协调单位:A, 督办部门:B): found, and not read unless a clause covers it
_ROLE_LIKE_LABEL = re.compile(r"[\u4e00-\u9fff]{0,4}(?:牵头|责任|配合|协同|协作|协办|协调|督办|主管|主办|承办|分工)"
                              r"[\u4e00-\u9fff]{0,4}\s*:")
# brackets that mention a role word but are ordinary text: a note, a definition, an exception
_NOT_ROLE = re.compile(r"^(?:以下简称|简称|含|包括|不含|除)|下同$|^[^:]*" + ORGANISER_MARK)  # (承办单位∶…): an event's


@dataclass
class Unread:
    kind: str  # bracket | label | table
    start: int  # character offset in the source text
    text: str  # the first characters of what was not read


@dataclass
class Coverage:
    """Counts per kind (bracket, label, table) of role text found and read, and what was not read."""

    found: dict[str, int] = field(default_factory=lambda: {"bracket": 0, "label": 0, "table": 0})
    read: dict[str, int] = field(default_factory=lambda: {"bracket": 0, "label": 0, "table": 0})
    unread: list[Unread] = field(default_factory=list)

    @property
    def total_found(self) -> int:
        return sum(self.found.values())

    @property
    def total_read(self) -> int:
        return sum(self.read.values())

    def as_dict(self) -> dict:
        return {"found": dict(self.found), "read": dict(self.read),
                "unread": [{"kind": u.kind, "start": u.start, "text": u.text} for u in self.unread]}


def measure_coverage(raw: str, paras: list[Paragraph], body_start: int, role_tables: list, read_at: list[tuple[int, int]],
                     skip: set[int], partly: Optional[dict[int, str]] = None) -> Coverage:
    """Scan the body for role-looking text and check each occurrence against the clauses that gave edges
    (`read_at`: the source spans of those clauses; `partly`: the start of each of them that left a part
    unread — a unit dropped after a verb kg does not know — with that part: counted found, not read)."""
    scan = _Scan(raw, read_at, partly or {})
    for p in paras[body_start:]:
        if p.index in skip or scan.nothing_to_check(p):
            continue
        scan.paragraph(p)
    for _, rt in role_tables:
        for row in rt.rows:
            for _, _, cell in row.roles:
                if cell.text.strip():
                    _count(scan.cov, "table", cell.start, _slice_text(raw, cell.start, cell.end), scan.spans, scan.starts)
    scan.cov.unread.sort(key=lambda u: u.start)
    return scan.cov


class _Scan:
    """One document's coverage as its paragraphs are scanned: the read spans, sorted, to check against."""

    __slots__ = ("raw", "partly", "cov", "spans", "starts", "clause_starts")

    def __init__(self, raw: str, read_at: list[tuple[int, int]], partly: dict[int, str]) -> None:
        self.raw = raw
        self.partly = partly
        self.cov = Coverage()
        self.spans = sorted(read_at)
        self.starts = [a for a, _ in self.spans]
        self.clause_starts = set(self.starts)  # a bracket that gave edges starts a read span: one lookup, no search

    def nothing_to_check(self, p: Paragraph) -> bool:
        """Most paragraphs: nothing that looks like role text — but a clause with no role word that still gave
        edges (a bare unit list) is found and read too."""
        t = p.text
        if ROLE_WORD.search(t) or (":" in t and (label_search(t, 0, LABEL_LINE) or _role_like_line(t))) or bare_list_hint(t) \
                or spaced_label(t):
            return False
        starts = self.starts
        k = bisect_left(starts, p.start) if t else len(starts)
        return k == len(starts) or starts[k] >= p.end

    def paragraph(self, p: Paragraph) -> None:
        """Role-looking brackets, then role-looking lines: a duty line with a full stop, 为-sentences, labels."""
        t = p.text
        groups = paren_groups(t) if ("(" in t or "[" in t) else []
        for a, b in groups:
            self.bracket(p, a, b)
        if ":" not in t and ("。负" in t[:50] or "。牵" in t[:50]):
            i = _head_end(t)  # 1.县民政局。负责… : a duty line with a full stop
            if duty_clause(t, i) is not None:
                self.label(p, i, min(len(t), i + 40))
        if as_label_hint(t):  # 此项工作县民政局为牵头单位,县财政局为配合单位。 in the running text
            for m in AS_LABEL_SENTENCE.finditer(t):
                if first_leads_note(m.group(1)):
                    continue  # 列第一位的为牵头单位，其他为配合单位: a note on the clauses, not one of them
                if not any(a <= m.start(1) < b for a, b in groups):
                    self.label(p, m.start(1), min(m.end(1), m.start(1) + 40))
        if ":" in t:
            self.labelled_lines(p, groups)
        if spaced_label(t):
            self.spaced_lines(p)

    def spaced_lines(self, p: Paragraph) -> None:
        """责任单位 县财政局 配合单位 县林业局: labels with a space for their colon, from the line's start."""
        t = p.text
        for i in [0] + [m.start(1) for m in spaced_labels(t)]:
            self.label(p, i, min(len(t), i + 40))

    def bracket(self, p: Paragraph, a: int, b: int) -> None:
        """The bracket p.text[a:b]: found and read when it is (or is inside) a clause that gave edges; else
        found and not read when it looks like a role clause."""
        start = p.src(a)
        k = self.read_span(start)
        if k >= 0:  # a clause that gave edges (or a bracket inside one): found and read
            cov = self.cov
            cov.found["bracket"] += 1
            if self.spans[k][0] == start and start in self.partly:  # … but part of it was not
                cov.unread.append(Unread("bracket", start, self.partly[start][:40]))
            else:
                cov.read["bracket"] += 1
            return
        inner = p.text[a + 1:b - 1]
        if not ROLE_WORD.search(inner):
            if bare_list_like(p.text, a, b):  # (教育部、某某研究会): a bare unit list, read or not, is role text
                _count(self.cov, "bracket", start, _para_text(self.raw, p, a, b), self.spans, self.starts)
            return
        if _NOT_ROLE.search(inner) or len(inner) > 200 or (
                first_leads_note(inner) and "、" not in inner) or note_only(inner) or reference_only(inner):
            return  # (排在第一位的为牵头单位) / (以下…均需…落实,不再一一列出) are notes on the clauses, not clauses
        _count(self.cov, "bracket", start, _para_text(self.raw, p, a, b), self.spans, self.starts)

    def read_span(self, start: int) -> int:
        """The index of the read span that holds `start`, or -1 (a clause's own start: its own index, where
        partly is checked)."""
        k = bisect_right(self.starts, start) - 1
        if start in self.clause_starts:
            return k
        return k if k >= 0 and self.spans[k][0] <= start < self.spans[k][1] else -1

    def labelled_lines(self, p: Paragraph, groups: Sequence[tuple[int, int]]) -> None:
        """Role labels outside brackets; with none, a duty line (县教育和体育局:负责…) or a label kg does not
        know (协调单位:…) at the line's start."""
        t = p.text
        counted = False
        for m in _labels(t):
            if any(a <= m.start() < b for a, b in groups):
                continue
            counted = True
            if not reference_only(t[m.start():_sentence_end(t, m.start())]):  # 责任单位:同上 names no unit here
                self.label(p, m.start(), min(len(t), m.start() + 40))
        if not counted and ":" in t[:70]:
            i = _look_back_start(t, _head_end(t))
            if duty_clause(t, i) is not None or _role_like_line(t):
                self.label(p, i, min(len(t), i + 40))

    def label(self, p: Paragraph, i: int, j: int) -> None:
        """A labelled line found at p.text[i:]: read or not (p.text[i:j] its excerpt)."""
        _count(self.cov, "label", p.src(i), _para_text(self.raw, p, i, j), self.spans, self.starts, self.partly)


def _sentence_end(t: str, i: int) -> int:
    """Where the sentence that starts at t[i] ends (its 。 or the text's end)."""
    j = t.find("。", i)
    return len(t) if j < 0 else j


def _para_text(raw: str, p: Paragraph, i: int, j: int) -> Callable[[], str]:
    """The source text of paragraph characters [i, j), sliced when asked for (an excerpt of what was not read)."""
    return lambda: raw[p.src(i):p.src(j - 1) + 1]


def _slice_text(raw: str, start: int, end: int) -> Callable[[], str]:
    """raw[start:end], sliced when asked for."""
    return lambda: raw[start:end]


def _head_end(t: str) -> int:
    """Where a line's text begins after its item marker, if any (_LINE_HEAD, all optional, matches every line)."""
    m = _LINE_HEAD.match(t)
    return m.end() if m is not None else 0


def _look_back_start(t: str, i: int) -> int:
    """Where the clause of a look-back line starts (上述任务责任单位:… is read from 责任单位, after the scope that says
    which items it covers); i itself for any other line."""
    back = looking_back(t[i:]) if ("以上" in t[i:i + 6] or "上述" in t[i:i + 6]) else None
    return i + len(back) - len(back.lstrip(" ([")) if back is not None else i


def _role_like_line(t: str) -> bool:
    """The line opens with a role-looking label (协调单位:…) that names no person (牵头领导:… does)."""
    i = _head_end(t)
    return ":" in t[i:i + 10] and _ROLE_LIKE_LABEL.match(t, i) is not None and PERSON_LABEL.match(t[i:]) is None


def _labels(t: str) -> Iterator[re.Match]:
    """Every role label that starts a line or follows a clause end, in order (LABEL_LINE.finditer with the
    look-behind checked by label_search)."""
    pos = 0
    while (m := label_search(t, pos, LABEL_LINE)) is not None:
        yield m
        pos = m.end() if m.end() > m.start() else m.start() + 1


def _count(cov: Coverage, kind: str, start: int, text: Callable[[], str], spans: list[tuple[int, int]],
           starts: list[int], partly: Optional[dict[int, str]] = None) -> None:
    cov.found[kind] += 1
    k = bisect_right(starts, start) - 1
    if k >= 0 and spans[k][0] <= start < spans[k][1] and not (partly and spans[k][0] == start and start in partly):
        cov.read[kind] += 1
    elif k >= 0 and spans[k][0] == start and partly and start in partly:
        cov.unread.append(Unread(kind, start, partly[start][:40]))
    else:
        cov.unread.append(Unread(kind, start, re.sub(r"\s+", " ", text())[:40]))  # the excerpt only when needed


def coverage_warnings(file: str, cov: Coverage, edges: int) -> list[str]:
    """The load report's words: a zero with role text is loud; anything not read is named by position."""
    out: list[str] = []
    if cov.total_found and not edges:
        out.append(f"{file}: role text found ({_counts(cov.found)}) but no edge was read from it: "
                   "kg does not know this layout; check the file with `kg check`")
    elif cov.unread:
        out.append(f"{file}: {cov.total_read} of {cov.total_found} role clauses read ({_counts(cov.read)} of "
                   f"{_counts(cov.found)}); not read: "
                   + "; ".join(f"char {u.start} “{u.text}”" for u in cov.unread[:5])
                   + (f"; … {len(cov.unread) - 5} more (kg check lists them)" if len(cov.unread) > 5 else ""))
    return out


def _counts(d: dict[str, int]) -> str:
    names = {"bracket": "brackets", "label": "labelled lines", "table": "table cells"}
    return ", ".join(f"{n} {names[k]}" for k, n in d.items() if n) or "none"
