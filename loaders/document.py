"""One document, end to end: decoded text → metadata, outline, role clauses → a typed Graph."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Optional, Sequence, TypeVar, Union

from kg.errors import InputError
from kg.gc_pause import gc_paused
from kg.ids import child_id, responsibility_id, stable_id, title_key
from kg.loaders.clauses import (FIRST_LEADS, FIRST_LEADS_RE, LABEL_START, PERSON_LABEL, Assignment, RoleClause, as_label_hint, bracket_deadline,
                                cell_assignments, continued_label, duty_clause, duty_opening, duty_sentence, find_clauses, first_leads_mode,
                                contact_heading, contact_line, event_notice, event_plan, heading_mark, mask_arranging, mask_label, organiser_block, organiser_line, heading_units, item_role, look_back_count, looking_back, mask_organisers, not_a_duty, open_label, spaced_label, unclosed_role_brackets, verb_hint)
from kg.loaders.coverage import Coverage, coverage_warnings, measure_coverage
from kg.loaders.decode import decode_bytes
from kg.loaders.formats import read_document
from kg.loaders.metadata import Metadata, read_metadata
from kg.loaders.orgs import Tables, default_tables, resolve
from kg.loaders.outline import Item, Piece, build_outline, numbered_alike
from kg.loaders.people import find_groups
from kg.loaders.role_tables import RoleTable, contact_list, read_role_table
from kg.loaders.tables import Table
from kg.loaders.text_tables import find_text_tables
from kg.loaders.targets import QUANTITY, find_targets, paragraph_deadline
from kg.loaders.text import MARKER, Paragraph, normalize, paragraphs, signature_at
from kg.loaders.trusted import new_action, new_provenance, new_responsibility, new_section, new_target, new_task
from kg.model import (
    Citation, Document, Graph, Membership, Organization, OwnerKind, Person, Provenance, Qualifier, Role, Section,
    TargetKind,
)


SCORE = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")  # 加强组织领导（3分）: a score, not the title
_SPACES = re.compile(r"[\s*]+")  # spaces, and Markdown emphasis stars (**牵头单位**), which text.normalize reads as spaces
_Where = TypeVar("_Where")  # where an edge's unit is written: what its mention function reads


@dataclass
class Parsed:
    """A parsed document and what the parser noticed on the way (file, position, message)."""

    graph: Graph
    encoding: str
    format: str
    warnings: list[str] = field(default_factory=list)
    coverage: Optional[Coverage] = None


def _strip(raw: str, a: int, b: int) -> tuple[int, int]:
    while a < b and raw[a].isspace():
        a += 1
    while b > a and raw[b - 1].isspace():
        b -= 1
    return a, b


def _title(raw: str, piece: Piece) -> str:
    own = piece.para.text[piece.a:piece.b]
    if own and ("(" in own or "[" in own or ",以上" in own or ",上述" in own):
        piece = _without_clause(piece, own)
    a, b = piece.para.span(piece.a, piece.b) if piece.b > piece.a else (piece.para.start, piece.para.start)
    text = _SPACES.sub("", raw[a:b])
    text = text.rstrip("。．.!！?？;；:：,，")
    if "分" not in text:  # no score to drop
        return text
    return SCORE.sub("", text).rstrip("。．.!！?？;；:：,，") or text


def _without_clause(piece: Piece, own: str) -> Piece:
    """The title piece without its role clause: 一、加强组织领导(市委办牵头) ends before the clause; (三)【市水利局牵头】加强
    河湖管护 starts after a clause that opens it (up to a clause that closes it), unless nothing but the clause is left."""
    found, _ = find_clauses(own)
    if not found:
        return piece
    if found[0].start > 0:
        return Piece(piece.para, piece.a, piece.a + found[0].start)
    end = found[1].start if len(found) > 1 else len(own)
    if found[0].assignments and own[found[0].end:end].strip(" ,;:。"):
        return Piece(piece.para, piece.a + found[0].end, piece.a + end)
    return piece


def _last_piece(item: Item) -> Piece:
    node = item
    while node.children:
        node = node.children[-1]
    return node.pieces[-1]


# a line after the last of an item's children that looks back over them (以上各项任务由A牵头): the line and its clauses
_LookBack = tuple[Piece, list[list["_Found"]], tuple[Item, ...]]


class _Builder:
    """Turns one document's outline, clauses and role tables into Graph elements (one pass, in order)."""

    def __init__(self, raw: str, norm: str, file: str, doc_id: str, juris, tables: Tables,
                 first_leads_at: tuple[int, int], first_leads_back: Sequence[tuple[int, int, int]] = ()):
        self.raw, self.norm, self.file, self.doc_id, self.juris, self.tables = raw, norm, file, doc_id, juris, tables
        self.content_end = len(norm.rstrip())  # where the document's last non-space character ends
        self.first_leads_at = first_leads_at
        self.first_leads_back = first_leads_back  # spans a note after them (注:以上…排在第一位的为牵头单位) covers
        self.graph: Graph = Graph()
        self.warnings: list[str] = []
        self.orgs: dict[str, Organization] = {}
        self.resolved: dict[str, Organization] = {}  # mention → organization, resolved once per document
        self.org_ids: dict[str, str] = {}  # mention → its organization's id: what an edge needs of it
        self.responsibilities = self.graph.responsibilities
        self.aliases: dict[str, set[str]] = {}
        self.action_no = 0
        self.read_at: list[tuple[int, int]] = []  # source spans of the clauses that gave edges (coverage)
        self.partly: dict[int, str] = {}  # start of each of those clauses that left a part unread → the part
        self.by_heading: list[int] = []  # where the unit heading is of each item read as a plan laid out by unit
        self.by_unit = False  # the plan is laid out by unit (see laid_out_by_unit)

    def laid_out_by_unit(self, outline: list[Item]) -> bool:
        """Whether the plan is laid out by unit: under some heading that names units, an item opens with a role verb
        (牵头… / 负责… / 配合…), or the heading marks its units' role itself (县市场监管局(牵头单位)). A roster, a list
        of a unit's bodies or of what is built there states no duty, so its unit headings name nobody."""
        def walk(items: list[Item]) -> bool:
            for it in items:
                p = it.title_piece
                heading = p.para.text[p.a:p.b]
                if heading_units(heading) is not None and it.children and (heading_mark(heading) is not None or any(
                        duty_opening(_title(self.raw, c.title_piece)) for c in _descendants(it))):
                    return True
                if walk(it.children):
                    return True
            return False
        return walk(outline)

    def first_leads(self, pos: int) -> int:
        """Whether first-listed-leads holds at `pos` (its mode: clauses.first_leads_mode): after a notice that says
        so, or before a note that looks back (注:以上各项任务中…; a note under a table: that table)."""
        at, mode = self.first_leads_at
        return max([mode if pos >= at else 0] + [m for a, b, m in self.first_leads_back if a <= pos < b])

    # ── provenance ──
    def prov(self, a: int, b: int) -> Provenance:
        a, b = _strip(self.raw, a, b)
        return new_provenance(document_id=self.doc_id, start=a, end=b, text=self.raw[a:b])

    def organization(self, mention: str) -> Organization:
        org = self.resolved.get(mention)
        if org is None:
            org = self.resolved[mention] = resolve(mention, self.juris, self.tables)
            self.org_ids[mention] = org.id
            if org.id in self.orgs:
                self.aliases[org.id].add(mention)
            else:
                self.orgs[org.id], self.aliases[org.id] = org, set(org.aliases)
        return org

    # ── clauses of an item ──
    def clauses(self, item: Item, skip: Optional[Piece] = None) -> list[_Found]:
        """The role clauses in an item's own text (but `skip`, a line that looks back over the items: see look_back),
        in order, with their source spans."""
        out: list[_Found] = []
        label: Optional[str] = None  # a label line whose units may go on in the lines after it
        for n, piece in enumerate(item.pieces):
            if piece is skip:
                continue
            text = piece.para.text[piece.a:piece.b]
            if label and signature_at([q.para.text[q.a:q.b] for q in item.pieces[n:n + 4]], 0, self.ends(item.pieces[-1])):
                label = None  # 某区人民政府办公室 ⏎ 2023年3月1日 below the last label: who signs, not more units
            more = continued_label(label, text) if label else None
            found = self._piece_clauses(item, piece, text)
            if more is not None:  # 责任单位:市工信局(牵头) / 市科技局 / 市商务局, a unit a line
                found = (more, *(c for c in found if c.start >= more.end))
            new = [self._found(c, piece, text) for c in found]
            if more is not None:
                _join_bare_label(out, new)
            out.extend(new)
            if not found or found[-1] is not more:  # a line of units keeps its label open for the next line
                label = open_label(found[-1], text) if found else None
        return out

    def ends(self, piece: Piece) -> bool:
        """Nothing but space follows the piece in the document."""
        return piece.b > piece.a and piece.para.src(piece.b - 1) + 1 >= self.content_end

    def _piece_clauses(self, item: Item, piece: Piece, text: str) -> Sequence[RoleClause]:
        if not text or ("(" not in text and "[" not in text and ":" not in text and not item.duty
                        and not as_label_hint(text) and not verb_hint(text) and not spaced_label(text)):
            return ()
        base = piece.para.src(piece.a)
        for k in unclosed_role_brackets(text) if "(" in text or "[" in text else ():
            self.warnings.append(f"{self.file} (char {piece.para.src(piece.a + k)}): unclosed bracket before a "
                                 f"role clause “{text[k:k + 24]}…”: its units are not loaded; close the bracket")
        found, _ = find_clauses(text, self.first_leads(base))
        if item.duty and piece is item.pieces[0]:
            at = item.title_piece.a - piece.a if item.title_piece.para is piece.para else 0
            duty = duty_clause(text, max(at, 0)) or duty_sentence(text, max(at, 0))  # after the item marker, if any
            if duty is not None:
                found = (duty, *(c for c in found if c.start >= duty.end))
        return found

    def heading(self, item: Item, inherited: Optional[_Found]) -> Optional[_Found]:
        """The clause the items below `item` answer through when its heading is nothing but units (一、县科协 /
        1.牵头组织… / 2.配合…: a plan laid out by unit) — else the one it inherits."""
        piece = item.title_piece
        text = piece.para.text[piece.a:piece.b]
        units = heading_units(text) if self.by_unit and not item.duty else None
        if units is None or find_clauses(text)[0]:
            return inherited
        role, qual = heading_mark(text) or ("RESPONSIBLE_FOR", "负责")  # 县市场监管局(牵头单位): the mark's role
        return self._found(RoleClause(0, len(text.rstrip("。: ")), text, [Assignment(u, role, qual) for u in units],
                                      kind="heading"), piece, text)

    def under_heading(self, heading: _Found, item: Item, title: str) -> list[list[_Found]]:
        """An item with no clause of its own under a unit heading: the heading's units, in the role the item's
        opening verb gives them (牵头组织… leads, 配合… supports, any other answers for it)."""
        if not_a_duty(title):
            return []
        first = heading.clause.assignments[0]
        role, qual = item_role(title, (first.role, first.qualifier))
        clause = replace(heading.clause, assignments=[Assignment(a.unit, role, qual) for a in heading.clause.assignments],
                         deadline=bracket_deadline(item.title_piece.para.text[item.title_piece.a:item.title_piece.b]))
        self.by_heading.append(heading.a)
        return [[replace(heading, clause=clause)]]

    @staticmethod
    def _found(c: RoleClause, piece: Piece, text: str) -> _Found:
        a, b = piece.para.span(piece.a + c.start, piece.a + c.end)
        return _Found(c, piece, text, a, b)

    def groups(self, found: list[_Found]) -> list[list[_Found]]:
        """Clauses with nothing but spaces and punctuation between them are one statement (牵头单位:A
        on one line, 责任单位:B on the next; a deadline line after them)."""
        groups: list[list[_Found]] = []
        for f in found:
            if groups and (_no_statement(self.norm[groups[-1][-1].b:f.a]) or (
                    groups[-1][0].clause.kind == "duty" and groups[-1][0].piece is f.piece)):
                # … and a duty line (县市场监管局:负责…(县教育和体育局配合)) is one statement with its clauses
                groups[-1].append(f)
            else:
                groups.append([f])
        kept = []
        for g in groups:
            if len(g) == 1 and g[0].clause.assignments or any(f.clause.assignments for f in g):
                kept.append(g)
            else:  # a clause that names no unit still says what is wrong with it
                self.warnings.extend(f"{self.file} (char {f.a}): {p}" for f in g for p in f.clause.problems)
        return kept

    def written(self, deadline: Optional[str], group: list[_Found]) -> Optional[str]:
        """A deadline as the source writes it (2024—2026年, not the normalised 2024─2026年): normalisation is per
        character, so the clause's span in the normalised text finds it in the source."""
        if not deadline:
            return deadline
        for f in group:
            at = self.norm.find(deadline, f.a, f.b)
            if at >= 0:
                return self.raw[at:at + len(deadline)]
        return deadline

    def emit(self, group: list[_Found], target_id: str, kind: TargetKind, seen: set) -> None:
        deadline = group[0].clause.deadline if len(group) == 1 else \
            next((f.clause.deadline for f in group if f.clause.deadline), None)
        deadline = self.written(deadline, group)
        for f in group:
            c = f.clause
            for problem in c.problems:
                self.warnings.append(f"{self.file} (char {f.a}): {problem}")
            if not c.assignments:
                continue
            self.read_at.append((f.a, f.b))
            if c.problems:  # edges came out, but not all of the clause was read: the report says partial
                self.partly[f.a] = _quoted(c.problems[0])
            clause_prov = new_provenance(document_id=self.doc_id, start=f.a, end=f.b, text=self.raw[f.a:f.b])
            own = self.written(c.deadline, [f]) if c.deadline else deadline
            for asg in c.assignments:
                self.edge(asg, target_id, kind, own, clause_prov, seen, self.mention, f)

    def edge(self, asg: Assignment, target_id: str, kind: TargetKind, deadline: Optional[str], prov: Provenance,
             seen: set, mention: Callable[[_Where, str], str], where: _Where) -> None:
        """One LEADS / RESPONSIBLE_FOR edge, unless this target already has it from this organization.
        `mention(where, unit)` gives the unit as written; it is called only for an edge that is kept."""
        unit, role, qualifier = asg
        oid = self.org_ids.get(unit) or self.organization(unit).id
        key = (role, oid)
        if key in seen:
            return
        seen.add(key)
        self.responsibilities.append(new_responsibility(
            id=responsibility_id(role, oid, target_id), role=role, qualifier=qualifier, organization_id=oid,
            target_id=target_id, target_kind=kind, document_id=self.doc_id, mention=mention(where, unit),
            deadline=deadline, prov=prov))

    def mention(self, f: _Found, unit: str) -> str:
        """The unit exactly as written in the source (normalisation is per character)."""
        at = f.text.find(unit, f.clause.start, f.clause.end)
        end = at + len(unit)
        if at < 0 and (" " in f.clause.text or "\n" in f.clause.text):  # 市 教育局: a stray space inside the unit
            m = re.compile(r"\s*".join(map(re.escape, unit))).search(f.text, f.clause.start, f.clause.end)
            if m is not None:
                at, end = m.start(), m.end()
        if at >= 0:
            ma, mb = f.piece.para.span(f.piece.a + at, f.piece.a + end)
            if mb - ma == len(unit):
                return self.raw[ma:mb]
            return _SPACES.sub("", self.raw[ma:mb])  # a unit broken across lines: as written, without the break
        return unit

    def targets(self, item: Item, owner_id: str, owner_kind: OwnerKind) -> None:
        for piece in item.pieces:
            text = piece.para.text[piece.a:piece.b]
            if not QUANTITY.search(text):  # most pieces state no quantity: no deadline lookup either
                continue
            for t in find_targets(text, paragraph_deadline(piece.para.text)):
                a, b = piece.para.span(piece.a + t.start, piece.a + t.end)
                self.graph.targets.append(new_target(
                    id=child_id("target", owner_id, a), document_id=self.doc_id, owner_id=owner_id,
                    owner_kind=owner_kind, text=self.raw[a:b], value=t.value, unit=t.unit, comparator=t.comparator,
                    period=t.period, deadline=t.deadline,
                    prov=new_provenance(document_id=self.doc_id, start=a, end=b, text=self.raw[a:b]),
                ))

    # ── outline items ──
    def section(self, top: Item, s_no: int) -> Section:
        sec = new_section(id=child_id("section", self.doc_id, s_no), document_id=self.doc_id, ordinal=s_no,
                          title=_title(self.raw, top.title_piece), prov=self.prov(*_item_span(top)))
        self.graph.sections.append(sec)
        self.targets(top, self.doc_id, "Document")
        return sec

    def action(self, item: Item, section: Optional[Section], heading: Optional[_Found] = None,
               back: Optional[_LookBack] = None) -> None:
        self.action_no += 1
        aid = child_id("action", self.doc_id, self.action_no)
        title = _title(self.raw, item.title_piece)
        self.graph.actions.append(new_action(id=aid, document_id=self.doc_id,
                                             section_id=section.id if section else None, ordinal=self.action_no,
                                             number=item.number, title=title, prov=self.prov(*_item_span(item))))
        groups = self.item_groups(item, title, heading, back, not item.children)
        heading = self.heading(item, heading) if not groups else None
        task_no = 0
        if len(groups) > 1 and not item.children:
            # several clauses and nothing below: each covered segment is a task of the action
            for k, (title_k, span, group) in enumerate(self.segments(item, title, groups), 1):
                task_no = k
                tid = child_id("task", aid, k)
                self.graph.tasks.append(new_task(id=tid, document_id=self.doc_id, action_id=aid, ordinal=k,
                                                 number=None, title=title_k, prov=self.prov(*span)))
                self.emit(group, tid, "Task", set())
            self.targets(item, aid, "Action")
            return
        seen: set = set()
        for g in groups:
            self.emit(g, aid, "Action", seen)
        self.targets(item, aid, "Action")
        back = self.look_back(item)
        for child in item.children:
            task_no = self.task(child, aid, task_no, heading, _back_for(back, child))

    def look_back(self, item: Item) -> Optional[_LookBack]:
        """以上各项任务由市数据局牵头，市政务服务管理局配合。 on its own line after the last of the item's children: the clause
        covers the children _covered says (every one, the last N it counts, or only the last when some have clauses of
        their own: a blanket note is not spread over them). None for a line that does not say it looks back (it stays
        the last child's), a last child with its own clause, a clause read only in part."""
        if not item.children or any(c.children for c in item.children) or not numbered_alike(item.children):
            return None  # after (1)(2) sub-points of the last item, 上述工作 may mean them alone
        last = item.children[-1]
        piece = next((p for p in last.pieces if p is not last.title_piece
                      and looking_back(p.para.text[p.a:p.b]) is not None), None)
        if piece is None:
            return None
        covers = _covered(item.children, piece)
        text = looking_back(piece.para.text[piece.a:piece.b]) or ""
        found = [self._found(c, piece, text) for c in find_clauses(text, self.first_leads(piece.para.src(piece.a)))[0]]
        if not covers or not found or any(f.clause.problems or not f.clause.assignments for f in found):
            return None
        return piece, self.groups(found), covers

    def item_groups(self, item: Item, title: str, heading: Optional[_Found], back: Optional[_LookBack],
                    leaf: bool) -> list[list[_Found]]:
        """An item's clauses as statements: its own; else a look-back clause after the items (以上各项任务由A牵头:
        see look_back); else, for a leaf (a task, or an action with nothing below it), its unit heading's."""
        groups = self.opening(item, self.groups(self.clauses(item, back[0] if back else None)))
        if not groups and back is not None:
            groups = back[1]
        if not groups and heading is not None and leaf:
            groups = self.under_heading(heading, item, title)
        return groups

    def opening(self, item: Item, groups: list[list[_Found]]) -> list[list[_Found]]:
        """A clause that opens the item ((三)【A牵头】加强…。(B配合)) covers no text before it: it is one statement with the
        next clause, not a task of its own."""
        if len(groups) < 2 or item.title_piece.b <= item.title_piece.a:
            return groups
        start = item.title_piece.para.src(item.title_piece.a)
        if _WORDS.search(self.norm[start:groups[0][0].a]):
            return groups
        return [groups[0] + groups[1], *groups[2:]]

    def task(self, item: Item, aid: str, task_no: int, heading: Optional[_Found] = None,
             back: Optional[_LookBack] = None) -> int:
        title = _title(self.raw, item.title_piece)
        groups = self.item_groups(item, title, heading, back, True)
        parts = self.segments(item, title, groups) if len(groups) > 1 else [(title, _item_span(item), None)]
        first_id = None
        for title_k, span, group in parts:
            task_no += 1
            tid = child_id("task", aid, task_no)
            first_id = first_id or tid
            self.graph.tasks.append(new_task(id=tid, document_id=self.doc_id, action_id=aid, ordinal=task_no,
                                             number=item.number if group is None or title_k == title else None,
                                             title=title_k, prov=self.prov(*span)))
            seen: set = set()
            for g in (groups if group is None else [group]):
                self.emit(g, tid, "Task", seen)
        if first_id:
            self.targets(item, first_id, "Task")
        return task_no

    def segments(self, item: Item, title: str, groups: list[list[_Found]]) -> list[tuple[str, tuple[int, int], list]]:
        """Each clause covers the text since the previous clause of the item: one task per covered segment;
        the first keeps the item's title, each later one is titled by its own first clause (to ，/。/；)."""
        start, end = _item_span(item)
        out = []
        for k, g in enumerate(groups):
            a = start if k == 0 else groups[k - 1][-1].b
            b = g[-1].b if k + 1 < len(groups) else end
            out.append((title if k == 0 else self.segment_title(a, g[0].a) or title, (a, b), g))
        return out

    def segment_title(self, a: int, b: int) -> str:
        text = self.norm[a:b]
        m = _SEG_LEAD.match(text)
        i = m.end() if m else 0
        cut = _SEG_END.search(text, i)
        j = cut.start() if cut else len(text)
        return _SPACES.sub("", self.raw[a + i:a + j]).rstrip("。．.!！?？;；:：,，")

    # ── role tables ──
    def role_table(self, rt, section: Optional[Section], caption: Optional[str]) -> None:
        """A role table: each row a task, its group cell (or the heading above the table) its action."""
        current: Optional[tuple[object, str]] = None  # (group cell, action id)
        task_no = 0
        for row in rt.rows:
            group = row.group if row.group is not None and row.group.text.strip() else row.heading
            key = group if group is not None else rt
            if current is None or current[0] is not key:
                self.action_no += 1
                aid = child_id("action", self.doc_id, self.action_no)
                if group is not None:
                    title, span = _cell_title(self.raw, group), (group.start, group.end)
                else:
                    title = _MARKER_LEAD.sub("", _SPACES.sub("", caption or "")) or "任务分工"
                    span = (rt.table.start, rt.table.end)
                self.graph.actions.append(new_action(
                    id=aid, document_id=self.doc_id, section_id=section.id if section else None,
                    ordinal=self.action_no, number=None, title=title, prov=self.prov(*span)))
                current, task_no = (key, aid), 0
            aid = current[1]
            task_no += 1
            tid = child_id("task", aid, task_no)
            cell = row.task or row.group
            span = _row_span(row)
            title = _cell_title(self.raw, cell, sentence=True) if cell is not None else f"{task_no}"
            number = row.number.text.strip() if row.number is not None and row.number.text.strip() else None
            self.graph.tasks.append(new_task(id=tid, document_id=self.doc_id, action_id=aid, ordinal=task_no,
                                             number=number, title=title, prov=self.prov(*span)))
            deadline = _SPACES.sub("", row.deadline.text) if row.deadline is not None and row.deadline.text.strip() \
                else None
            seen: set = set()
            first_leads = max(rt.first_leads, self.first_leads(row.roles[0][2].start) if row.roles else 0)
            for role, qualifier, cell in row.roles:
                self.table_cell(cell, role, qualifier, deadline, tid, seen, first_leads)

    def table_cell(self, cell, role: Role, qualifier: Qualifier, deadline: Optional[str], tid: str, seen: set,
                   first_leads: int = 0) -> None:
        """A role cell is a clause whose label is its column header: its units are split by the clause grammar."""
        text = self.norm[cell.start:cell.end]
        assignments = cell_assignments(text, role, qualifier, first_leads)
        if not assignments:
            return
        self.read_at.append((cell.start, max(cell.end, cell.start + 1)))
        clause_prov = self.prov(cell.start, cell.end)
        for asg in assignments:
            self.edge(asg, tid, "Task", deadline, clause_prov, seen, self.cell_mention, (cell, text))

    def cell_mention(self, where: tuple, unit: str) -> str:
        cell, text = where
        at = text.find(unit)
        if at < 0 and "\n" in text:  # 各乡镇人民政府 / (街道办事处) on two lines: as written, without the break
            m = re.compile(r"\s*".join(map(re.escape, unit))).search(text)
            if m is not None:
                return _SPACES.sub("", self.raw[cell.start + m.start():cell.start + m.end()])
        return self.raw[cell.start + at:cell.start + at + len(unit)] if at >= 0 else unit


def _own_clause(item: Item, skip: Piece) -> bool:
    """The item's text (but `skip`) holds a role clause that names a unit."""
    for p in item.pieces:
        text = p.para.text[p.a:p.b]
        if p is not skip and any(c.assignments for c in find_clauses(text)[0]):
            return True
    return False


def _join_bare_label(out: list[_Found], new: list[_Found]) -> None:
    """牵头单位: alone on its line (a DOCX/HTML line split) and its units on the next: one clause from the label to
    the last unit, so the label is read rather than reported as a clause that names no unit."""
    if out and not out[-1].clause.assignments and out[-1].clause.kind == "label":
        new[0] = replace(new[0], a=out.pop().a)


@dataclass
class _Found:
    clause: RoleClause
    piece: Piece
    text: str  # the piece's text, which the clause's start/end index
    a: int  # source span of the clause
    b: int


_MARKER_LEAD = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|（[一二三四五六七八九十]+）|\d{1,2}[.、．]|"
                          r"附件\d*[:：]?)")
_WORDS = re.compile(r"[\w\u4e00-\u9fff]")


def _no_statement(gap: str) -> bool:
    """Nothing but spaces, punctuation and people lines (第一责任人:县长 / 联系人:王某) between two clauses: people
    are no units, but a line naming them must not cut a label block from its deadline line."""
    if not _WORDS.search(gap):
        return True
    return ":" in gap and all(PERSON_LABEL.match(line.strip()) for line in gap.split("\n") if _WORDS.search(line))
_SEG_LEAD = re.compile(r"^[\s。.,;:!?、)\]]*(?:(?:\d{1,2}[.、)]|\(\d{1,2}\)|[①-⑳]|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+是|"
                       r"(?:其一|其二|其三|首先|其次|再次|最后|此外|同时|另外)[,,]?)\s*)?")
_SEG_END = re.compile(r"[,。;]")


def _quoted(problem: str) -> str:
    """The part a problem quotes (unrecognised part of a role clause: “市财政局做好资金保障”), or the problem."""
    a, b = problem.find("“"), problem.find("”")
    return problem[a + 1:b] if 0 <= a < b else problem


def _descendants(item: Item) -> list[Item]:
    out: list[Item] = []
    for c in item.children:
        out += [c, *_descendants(c)]
    return out


def _item_span(item: Item) -> tuple[int, int]:
    first = item.pieces[0]
    last = _last_piece(item)
    return first.para.span(first.a, first.a + 1)[0], last.para.span(last.b - 1, last.b)[1]


_CELL_MARKER = re.compile(r"^(?:\d{1,3}[.、)．](?!\d)|[(（]\d{1,3}[)）]|[一二三四五六七八九十]+[、.．])")
_CELL_SENTENCE_END = re.compile(r"[。；;]")


def _cell_title(raw: str, cell, sentence: bool = False) -> str:
    text = _SPACES.sub("", raw[cell.start:cell.end])
    text = _CELL_MARKER.sub("", text)
    if sentence:
        m = _CELL_SENTENCE_END.search(text)
        if m and m.start() > 0:
            text = text[:m.start()]
    return text.rstrip("。．.!！?？;；:：,，") or text


def _row_span(row) -> tuple[int, int]:
    cells = [c for c in (row.number, row.group, row.task, row.deadline) if c is not None and c.end > c.start]
    cells += [c for _, _, c in row.roles if c.end > c.start]
    return min(c.start for c in cells), max(c.end for c in cells)


_LOOKS_BACK = ("以上", "上述", "上表", "前述")
# 以上 that looks back opens its clause (注:以上各项…, (以上任务…, 对以上任务…); after a word it bounds a number or a
# size (1200万人以上, 90%以上, 二级以上, 规模以上, 一半以上)
_LOOKS_BACK_YISHANG = re.compile(r"(?:^|[\s注:,。;!?()、对将按])以上")
_TABLE_EDGE = " \t\r\n\u3000|+-─━—"  # what may stand between a table's last cell and a note under it


def _looks_back(before: str) -> bool:
    """The words before a first-listed-leads note say it speaks of what is above it (注:以上各项任务中…); 城镇新增就业
    1200万人以上 or 规模以上 in the sentence the note closes says nothing of the kind."""
    if not any(w in before for w in _LOOKS_BACK):
        return False
    return any(w in before for w in _LOOKS_BACK[1:]) or _LOOKS_BACK_YISHANG.search(before) is not None


def _first_leads_notes(norm: str, role_tables: list) -> tuple[tuple[int, int], list[tuple[int, int, int]]]:
    """Where first-listed-leads holds, and in which mode (clauses.first_leads_mode: 其他为配合单位 makes the others
    support): from the first notice that says so on, and over the spans that a note looking back covers —
    注:以上各项任务中,排在第一位的为牵头单位 covers the items before it (the table right above it, if there is one);
    注:责任单位中排在第一位的为牵头单位 right under a table covers that table."""
    forward, mode = len(norm) + 1, 0
    back: list[tuple[int, int, int]] = []
    if "牵头" not in norm or ("第一" not in norm and "首" not in norm):  # words a note needs: most plans skip the scan
        return (forward, mode), back
    for m in FIRST_LEADS_RE.finditer(norm):
        i = m.start()
        line = norm.rfind("\n", 0, i) + 1
        end = norm.find("\n", i)
        says = first_leads_mode(norm[m.start():end if end >= 0 else len(norm)]) or FIRST_LEADS
        before = norm[line:i]
        table = next((g for g, _ in reversed(role_tables) if g.end <= line and not norm[g.end:line].strip(_TABLE_EDGE)), None)
        if _looks_back(before):
            back.append((table.start if table is not None else 0, i, says))
        elif before.lstrip(" \t\u3000").startswith(("注", "备注")):
            if table is not None:
                back.append((table.start, i, says))
            else:  # 注:排在第一位的为牵头单位。 closing a list of items: it speaks of them (and of any after it)
                back.append((0, i, says))
                forward, mode = min(forward, i), max(mode, says)
        else:
            forward, mode = min(forward, i), max(mode, says)
            if _ALL_ITEMS.fullmatch(before.strip(" \t\u3000,")):  # 各项任务中,排在第一位的为牵头单位。 on a line of its
                back.append((0, i, says))  # own after the items speaks of every item, those above it too
    return (forward, mode), back


_ALL_ITEMS = re.compile(r"(?:各项|所有|全部|本方案)?(?:重点)?(?:任务|工作|事项|措施)?(?:中|的)?(?:责任单位中)?")


def parse_text(
    raw: str,
    file: str,
    *,
    sha256: Optional[str] = None,
    encoding: str = "utf-8",
    fmt: str = "text",
    tables: Optional[Tables] = None,
    grids: Sequence[Table] = (),
) -> Parsed:
    """Parse decoded text into a Graph; offsets in every Provenance index `raw`. `grids` are the tables a
    format reader found (their cells index `raw`); plain text is searched for tab and pipe tables.

    The cyclic garbage collector is paused for the one document: parsing makes many small objects and no
    cycles, and the collector's passes over them are pure overhead."""
    with gc_paused():
        return _parse_text(raw, file, sha256, encoding, fmt, tables, grids)


def _mask_organisers(title: str, paras: list[Paragraph]) -> None:
    """An event's organisers are no roles: every organiser label in a notice about holding or attending an event
    (主办单位:A in 关于召开…会议的通知), the hosts (主办/承办/协办) in an event's own plan (全民健身月活动实施方案), and the
    label lines under a 组织单位 heading anywhere."""
    if event_notice(title):
        for p in paras:
            p.text = mask_arranging(mask_organisers(p.text))
    elif event_plan(title):
        for p in paras:
            p.text = mask_organisers(p.text, hosts_only=True)
    else:
        _mask_organiser_blocks(paras)


def _mask_organiser_blocks(paras: list[Paragraph]) -> None:
    """二、组织单位 / 主办单位：市体育局 / 承办单位：各区体育局 in an event plan: the label lines under such a heading name
    the event's organisers, not who answers for a task (masked as in an event notice); the block ends at the first
    other line."""
    inside = False
    for p in paras:
        if organiser_block(p.text):
            inside = True
        elif inside and organiser_line(p.text):
            p.text = mask_organisers(p.text)
        else:
            inside = False


def _mask_contacts(notice: bool, paras: list[Paragraph]) -> None:
    """A contact line (牵头单位:省商务厅  联系人:王某  联系电话:…) names whom to call, not who answers for a task, when it
    stands in a contact section (三、联系方式) or, in an event notice, after prose rather than in an item's label block;
    a contact section ends at the next numbered heading."""
    if not any("联系" in p.text or "电话" in p.text or "邮箱" in p.text for p in paras):
        return
    inside, prose = False, False
    for p in paras:
        t = p.text.strip()
        if contact_line(t):
            if inside or (notice and prose):
                p.text = mask_label(p.text)
            continue
        inside = contact_heading(t) or (inside and not MARKER.match(t))
        prose = notice and not MARKER.match(t) and LABEL_START.match(t) is None


def _in_tables(paras: list[Paragraph], tables: list[Table]) -> set[int]:
    """The paragraphs inside these tables: role tables read as tables, and contact lists (牵头单位 | 联络员 | 联系电话),
    whose lines are no role text either."""
    return {p.index for p in paras if any(g.start <= p.start < g.end for g in tables)} if tables else set()


# a space-aligned table's header (序号  重点任务  牵头单位  配合单位): a line naming a role column with a wide gap inside
# it. Chinese text indents its paragraphs with full-width spaces, so a wide space alone would send every document to
# the table scan
_ROLE_COLUMN_WORD = re.compile(r"牵头|责任|配合|协办|主办|承办|落实|承担|主责")


def _space_table_hint(raw: str) -> bool:
    """The text may hold a table aligned with spaces: a line that names a role column has a wide gap inside it."""
    if "  " not in raw and "\u3000" not in raw:
        return False
    checked = -1
    for m in _ROLE_COLUMN_WORD.finditer(raw):
        if m.start() < checked:
            continue  # this line was looked at
        a, b = raw.rfind("\n", 0, m.start()) + 1, raw.find("\n", m.end())
        checked = b if b >= 0 else len(raw)
        inner = raw[a:checked].strip(" \u3000\r")
        if "  " in inner or "\u3000" in inner:
            return True
    return False


def _parse_text(raw: str, file: str, sha256: Optional[str], encoding: str, fmt: str, tables: Optional[Tables],
                grids: Sequence[Table]) -> Parsed:
    norm = normalize(raw)
    paras = paragraphs(norm, [g.start for g in grids])
    if not paras:
        raise InputError(file, "no text: the document has no paragraphs")
    meta = read_metadata(paras, raw)
    if not meta.title:
        raise InputError(file, "no title found", 0)
    doc = _document(raw, file, sha256, encoding, fmt, meta)
    _mask_organisers(meta.title, paras[meta.body_start:])
    _mask_contacts(event_notice(meta.title), paras[meta.body_start:])
    if not grids and fmt == "text" and ("\t" in raw or "|" in raw or _space_table_hint(raw)):
        grids = find_text_tables(raw)
    role_tables = [(g, rt) for g in grids if (rt := read_role_table(g)) is not None and rt.rows]
    skip = _in_tables(paras, [g for g, _ in role_tables] + [g for g in grids if contact_list(g)])
    outline = build_outline(paras, meta.body_start, skip)
    first_leads_at, first_leads_back = _first_leads_notes(norm, role_tables)

    b = _Builder(raw, norm, file, doc.id, meta.jurisdiction, tables or default_tables(), first_leads_at,
                 first_leads_back)
    b.graph.documents.append(doc)
    _read_blocks(b, outline, role_tables)
    graph = b.graph
    graph.targets.sort(key=lambda t: (t.prov.start, t.id))
    _read_groups(b, paras)
    for title, a, z in meta.citations:
        key = title_key(title)
        graph.citations.append(Citation(
            id=stable_id("citation", doc.id, key), document_id=doc.id, title=title, key=key,
            cited_id=stable_id("cited", key), prov=Provenance(document_id=doc.id, start=a, end=z, text=raw[a:z]),
        ))
    for o in b.orgs.values():  # resolve() made each of these for this document alone: set, don't copy
        o.aliases = sorted(b.aliases[o.id])
    graph.organizations = sorted(b.orgs.values(), key=lambda o: o.id)
    coverage = measure_coverage(raw, paras, meta.body_start, role_tables, b.read_at, skip, b.partly)
    warnings = b.warnings + coverage_warnings(file, coverage, len(graph.responsibilities))
    if b.by_heading:  # no silent reading: say which items took their units from a heading
        warnings.append(f"{file} (char {min(b.by_heading)}): {len(b.by_heading)} items read as a plan laid out by unit "
                        f"(each without a clause of its own, under a heading that names units)")
    return Parsed(graph=graph, encoding=encoding, format=fmt, warnings=warnings, coverage=coverage)


def _document(raw: str, file: str, sha256: Optional[str], encoding: str, fmt: str, meta: Metadata) -> Document:
    """The Document node, its identity from what the text says of it."""
    sha = sha256 or hashlib.sha256(raw.encode("utf-8")).hexdigest()
    # identity: documents that differ in 文号, issuer or jurisdiction (by its path: two 朝阳区) are two
    # documents, never one replacing the other; without a 文号, the title and date too
    place = "/".join(meta.jurisdiction.path) or meta.jurisdiction.name
    doc_id = stable_id("document", meta.doc_number, meta.issuer or "", place) if meta.doc_number else stable_id(
        "document", meta.title, meta.date or "", meta.issuer or "", place
    )
    juris = meta.jurisdiction
    return Document(
        id=doc_id, title=meta.title, doc_number=meta.doc_number, issuer=meta.issuer, date=meta.date,
        jurisdiction=juris.name, jurisdiction_path=list(juris.path), level=juris.level,
        based_on=meta.based_on, file=file, sha256=sha, encoding=encoding, format=fmt, length=len(raw),
        prov=Provenance(document_id=doc_id, start=meta.title_span[0], end=meta.title_span[1],
                        text=raw[meta.title_span[0]:meta.title_span[1]]),
    )


def _read_blocks(b: _Builder, outline: list[Item], role_tables: list[tuple[Table, RoleTable]]) -> None:
    """The outline's items and the role tables, in text order: sections with their actions, actions, tables
    (a table joins the section above it)."""
    blocks: list[tuple[int, int, Union[Item, tuple[Table, RoleTable]]]] = [(_item_span(i)[0], 0, i) for i in outline]
    blocks += [(g.start, 1, (g, rt)) for g, rt in role_tables]
    blocks.sort(key=lambda x: (x[0], x[1]))
    s_no = 0
    last_section: Optional[Section] = None
    b.by_unit = b.laid_out_by_unit(outline)
    for _, _, block in blocks:
        if isinstance(block, tuple):  # a role table (an outline item is an Item)
            g, rt = block
            b.role_table(rt, last_section, g.caption)
        elif block.kind == "section" and _clause_heads(block):
            b.action(block, None)  # 一、…（A牵头，B配合） over 1. items: an action of two levels, its items its tasks
        elif block.kind == "section":
            s_no += 1
            last_section = b.section(block, s_no)
            heading = b.heading(block, None)
            back = b.look_back(block)  # 一、… / 1.… / 2.… / 以上各项任务由A牵头: the items are actions here
            for child in block.children:
                b.action(child, last_section, heading, _back_for(back, child))
        else:
            b.action(block, None)


def _covered(children: list[Item], piece: Piece) -> tuple[Item, ...]:
    """The items a look-back clause covers: all of them, or the last N it counts (以上两项工作由A负责); only the last
    when some of those has a clause of its own (a blanket note is not spread over them); none when the last has one."""
    count = look_back_count(piece.para.text[piece.a:piece.b])
    covers = children if count is None else children[-count:] if 0 < count <= len(children) else children[-1:]
    if any(_own_clause(c, piece) for c in covers):
        covers = children[-1:] if not _own_clause(children[-1], piece) else []
    return tuple(covers)


def _back_for(back: Optional[_LookBack], child: Item) -> Optional[_LookBack]:
    """The look-back clause for this child, when it covers it."""
    return back if back is not None and any(child is c for c in back[2]) else None


def _clause_heads(section: Item) -> bool:
    """A section heading that carries a role clause over items with none below them (一、深化治安防控（牵头单位：A）
    / 1.… / 2.…): the plan has two levels, so the heading is an action and its clause the action's — a section
    holds no edge, and the clause would be lost."""
    if not section.children or any(c.children for c in section.children):
        return False
    texts = [p.para.text[p.a:p.b] for p in section.pieces]  # its own text: 一、…。（牵头单位：A）
    return any(("(" in t or "[" in t or ":" in t) and any(c.assignments for c in find_clauses(t)[0]) for t in texts)


def _read_groups(b: _Builder, paras: list[Paragraph]) -> None:
    """Leading groups and their members (people, posts, units)."""
    graph, raw, doc_id = b.graph, b.raw, b.doc_id
    for group in find_groups(paras):
        gorg = b.organization(group.name)
        for member in group.members:
            pa, pb = _strip(raw, member.para.start, member.para.end)
            pid = stable_id("person", doc_id, member.name)
            span = Provenance(document_id=doc_id, start=pa, end=pb, text=raw[pa:pb])
            graph.people.append(Person(id=pid, name=member.name, document_id=doc_id, prov=span))
            unit = b.organization(member.unit) if member.unit else None
            graph.memberships.append(Membership(
                id=stable_id("membership", gorg.id, pid), person_id=pid, group_id=gorg.id, role=member.role,
                post=member.post, post_title=member.post_title, unit_id=unit.id if unit else None,
                document_id=doc_id, prov=span,
            ))


def parse_bytes(data: bytes, file: str, tables: Optional[Tables] = None) -> Parsed:
    """Decode then parse; the sha256 is of the bytes, so any change to the file is seen."""
    decoded = decode_bytes(data, file)
    return parse_text(decoded.text, file, sha256=hashlib.sha256(data).hexdigest(),
                      encoding=decoded.encoding, fmt="text", tables=tables)


def parse_path(path: str | Path, tables: Optional[Tables] = None) -> Parsed:
    """Parse one file; InputError names the file and the reason when it cannot be read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(str(path), f"cannot read file: {e.strerror or e}") from None
    got = read_document(p, data)
    parsed = parse_text(got.text, p.name, sha256=hashlib.sha256(data).hexdigest(), encoding=got.encoding,
                        fmt=got.format, tables=tables, grids=getattr(got, "tables", ()))
    if got.note:
        parsed.warnings.append(f"{p.name}: {got.note}")
    return parsed


def parse_file(path: str | Path) -> Graph:
    """The Graph of one file (the common case for library users)."""
    return parse_path(path).graph
