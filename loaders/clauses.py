"""Role clauses: the parenthetical that names who leads and who answers for an action or task.

Forms (DESIGN.md "Roles"):
  牵头单位:A、B · A、B牵头 · 牵头考核单位:A                     → LEADS (牵头)
  责任单位:A、B · A、B负责 · 按职责分工负责 · 分别负责 · 落实       → RESPONSIBLE_FOR (负责)
  配合单位:A · A配合 · A参与 · 协助 · 按职责分工配合                → RESPONSIBLE_FOR (配合)
  A指导                                                          → RESPONSIBLE_FOR (指导)
A clause that says "列第一位者为牵头单位" (or "排在第一位的部门为牵头部门") switches the
document to first-listed-leads: from there on the first unit of each clause LEADS.
Everything else in parentheses stays text: (APP), (含电子社保卡), (3分), (2021—2035年).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Optional

LABELS = [  # (label regex, role, qualifier) — tried in order
    (r"牵头考核(?:单位|部门)", "LEADS", "牵头"),
    (r"(?:牵头|主责)(?:单位|部门)", "LEADS", "牵头"),
    (r"(?:责任|负责|主办|承办|实施)(?:单位|部门)", "RESPONSIBLE_FOR", "负责"),
    (r"(?:配合|参与|协办|协助)(?:单位|部门)", "RESPONSIBLE_FOR", "配合"),
    (r"指导(?:单位|部门)", "RESPONSIBLE_FOR", "指导"),
]
LABEL_RE = re.compile(r"^(" + "|".join(p for p, _, _ in LABELS) + r")\s*[:]\s*(.*)$")
STRAY = re.compile(r"[、,\s]*、[、,\s]*")

VERBS = [  # (suffix regex, role, qualifier) — tried in order on the end of a sub-clause
    (r"(?:共同)?牵头(?:负责|实施|落实)?", "LEADS", "牵头"),
    (r"按(?:照)?职责分工配合(?:落实)?|配合(?:落实|实施)?|协助|参与|协同", "RESPONSIBLE_FOR", "配合"),
    (r"指导", "RESPONSIBLE_FOR", "指导"),
    (r"按(?:照)?职责(?:分工)?(?:负责|落实)|分别负责|共同负责|负责(?:落实|实施)?|落实|实施", "RESPONSIBLE_FOR", "负责"),
]
VERB_RE = re.compile(r"^(.*?)(" + "|".join(v for v, _, _ in VERBS) + r")$")

FIRST_LEADS_RE = re.compile(r"(?:列|排)在?第一位的?(?:者|单位|部门)?为牵头(?:单位|部门)")
DEADLINE_RE = re.compile(
    r"(?:\d{4}年)?(?:\d{1,2}月)?(?:底|中旬|上旬|下旬|末)?前?(?:完成|启动|出台|见效|建成)"
    r"|\d{4}年(?:\d{1,2}月)?(?:底|年底|前|以前)?(?:完成|前)?"
    r"|\d{1,2}月(?:底|末)前?"
    r"|持续推进|长期坚持|持续实施|长期推进|常态化推进|持续开展"
)
UNIT_SUFFIX = re.compile(
    r"(?:局|委|部|会|处|办|室|院|校|台|队|团|社|所|站|中心|单位|政府|协|联|厅|署|行|司|集团|公司|部门|机构|组织|学校|高校|院校)$"
)
SPLIT_RE = re.compile(r"[、,/;]|以及")


@dataclass
class Assignment:
    """One unit named in a clause, with its role. `start`/`end` index the paragraph text."""

    unit: str
    role: str
    qualifier: str


@dataclass
class RoleClause:
    start: int  # paragraph index of "(" … end just past ")"
    end: int
    text: str  # the clause text inside the brackets
    assignments: list[Assignment] = field(default_factory=list)
    deadline: Optional[str] = None
    sets_first_leads: bool = False
    problems: list[str] = field(default_factory=list)


_PARENS = re.compile(r"[()]")


def paren_groups(text: str) -> list[tuple[int, int]]:
    """Top-level (…) groups as [start, end) including the brackets; unbalanced ones are skipped."""
    return _scan_parens(text)[0]


@lru_cache(maxsize=16)
def _scan_parens(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """One scan for both callers (a paragraph is checked for unclosed brackets, then for clauses):
    top-level groups, and the "(" that never close."""
    groups, stack = [], []
    for m in _PARENS.finditer(text):
        i = m.start()
        if text[i] == "(":
            stack.append(i)
        elif stack:
            a = stack.pop()
            if not stack:
                groups.append((a, i + 1))
    return groups, stack


ROLE_HINT = re.compile(r"\((?:" + "|".join(p for p, _, _ in LABELS) + r")\s*:|\([^()]{1,80}?(?:牵头|负责|配合|参与|指导)")


def unclosed_role_brackets(text: str) -> list[int]:
    """Positions of "(" that never close and open what reads as a role clause."""
    return [i for i in _scan_parens(text)[1] if ROLE_HINT.match(text, i)]


def split_units(units: str) -> list[str]:
    """"A、B等按职责" pieces → ["A", "B"]; keeps a collective after 等; splits 和/及 between units."""
    out: list[str] = []
    for piece in SPLIT_RE.split(units):
        piece = piece.strip(" .。:\"'“”‘’·-─")
        if not piece:
            continue
        if "等" in piece:
            head, _, tail = piece.partition("等")
            parts = [head] + [t for t in _split_conjunction(tail.strip()) if _is_unit(t)]
        else:
            parts = [piece]
        for part in parts:
            out.extend(_split_conjunction(part.strip()))
    return [u for u in out if u]


def _split_conjunction(part: str) -> list[str]:
    """Split on 和/及/与 only where both sides are whole units: 县教育和体育局 stays one."""
    for conj in ("及", "和", "与"):
        idx = part.find(conj)
        while idx > 0:
            left, right = part[:idx], part[idx + 1:]
            if UNIT_SUFFIX.search(left) and (_is_unit(right) or right.startswith("各")):
                return [left] + _split_conjunction(right)
            idx = part.find(conj, idx + 1)
    return [part]


def _is_unit(s: str) -> bool:
    return bool(s) and (bool(UNIT_SUFFIX.search(s)) or s.startswith("各") or s.startswith("团"))


_SUB_SPLIT = re.compile(r"[,;。]")
_STRAY_HINTS = ("、、", "、,", ",、", "、 ", " 、")


def _subclauses(body: str) -> list[str]:
    """Sub-clauses split at , ; 。 — after stray list punctuation (、，) is tidied to one 、."""
    if any(h in body for h in _STRAY_HINTS):
        body = STRAY.sub("、", body)
    body = body.strip("、")
    return [x for x in (s.strip(" 、") for s in _SUB_SPLIT.split(body)) if x]


@lru_cache(maxsize=None)
def _label_role(label: str) -> tuple[str, str]:
    return next((r, q) for p, r, q in LABELS if re.fullmatch(p, label))


@lru_cache(maxsize=None)
def _verb_role(verb: str) -> tuple[str, str]:
    return next((r, q) for p, r, q in VERBS if re.fullmatch(p, verb))


def parse_clause(body: str, first_leads: bool) -> Optional[RoleClause]:
    """Parse the inside of one parenthetical; None when it is not a role clause."""
    clause = RoleClause(0, 0, body)
    if FIRST_LEADS_RE.search(body):
        clause.sets_first_leads = True
        first_leads = True
    found_role = False
    for sub in _subclauses(body):
        if FIRST_LEADS_RE.search(sub) or sub in ("下同", "以下同", "不再做分工", "不再分工"):
            continue
        m = LABEL_RE.match(sub)
        if m:
            label, units = m.group(1), m.group(2)
            role, qual = _label_role(label)
            tail = VERB_RE.match(units)  # 责任单位:A、B按职责分工负责 — the label already says the role
            if tail and tail.group(1):
                units = tail.group(1)
            found_role = True
            _add(clause, split_units(units), role, qual, first_leads, sub)
            continue
        m = VERB_RE.match(sub)
        if m:
            units_text, verb = m.group(1), m.group(2)
            role, qual = _verb_role(verb)
            units = split_units(units_text)
            if units and all(_is_unit(u) for u in units):
                found_role = True
                _add(clause, units, role, qual, first_leads, sub)
                continue
            if not units_text.strip(" ,、"):
                found_role = True
                clause.problems.append(f"clause names no unit: “{sub}”")
                continue
        dm = DEADLINE_RE.fullmatch(sub) or (found_role and DEADLINE_RE.search(sub))
        if dm:
            clause.deadline = sub if DEADLINE_RE.fullmatch(sub) else dm.group(0)
            continue
        if found_role and sub:
            clause.problems.append(f"unrecognised part of a role clause: “{sub}”")
    if not found_role:
        return None
    return clause


def _add(clause: RoleClause, units: list[str], role: str, qual: str, first_leads: bool, sub: str) -> None:
    if not units:
        clause.problems.append(f"clause names no unit: “{sub}”")
        return
    for k, unit in enumerate(units):
        if first_leads and role == "RESPONSIBLE_FOR" and qual == "负责":
            r, q = ("LEADS", "牵头") if k == 0 else ("RESPONSIBLE_FOR", "负责")
        else:
            r, q = role, qual
        clause.assignments.append(Assignment(unit, r, q))


# the same clause text recurs throughout a plan and across plans: parse each once (read-only results)
_parse_clause_cached = lru_cache(maxsize=65536)(parse_clause)


@lru_cache(maxsize=8192)
def find_clauses(text: str, first_leads: bool = False) -> tuple[list[RoleClause], bool]:
    """All role clauses of a paragraph, and whether first-listed-leads is on after it (cached: read-only)."""
    found = []
    for a, b in paren_groups(text):
        inner = text[a + 1 : b - 1]
        clause = _parse_clause_cached(inner, first_leads)
        if clause is None:
            if FIRST_LEADS_RE.search(inner):
                first_leads = True
            continue
        clause = replace(clause, start=a, end=b)
        if clause.sets_first_leads:
            first_leads = True
        found.append(clause)
    if not found and FIRST_LEADS_RE.search(text):
        first_leads = True
    return found, first_leads
