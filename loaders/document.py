"""One document, end to end: decoded text → metadata, outline, role clauses → a typed Graph."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from kg.errors import InputError
from kg.ids import stable_id, title_key
from kg.loaders.clauses import FIRST_LEADS_RE, find_clauses, unclosed_role_brackets
from kg.loaders.decode import decode_bytes
from kg.loaders.formats import read_document
from kg.loaders.metadata import read_metadata
from kg.loaders.orgs import Tables, default_tables, resolve
from kg.loaders.outline import Item, Piece, build_outline
from kg.loaders.people import find_groups
from kg.loaders.targets import find_targets, paragraph_deadline
from kg.loaders.text import normalize, paragraphs
from kg.model import (Action, Citation, Document, Graph, Membership, Organization, Person, Provenance, Responsibility,
                      Section, Target, Task)


SCORE = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")  # 加强组织领导（3分）: a score, not the title
_SPACES = re.compile(r"\s+")


@dataclass
class Parsed:
    """A parsed document and what the parser noticed on the way (file, position, message)."""

    graph: Graph
    encoding: str
    format: str
    warnings: list[str] = field(default_factory=list)


def _strip(raw: str, a: int, b: int) -> tuple[int, int]:
    while a < b and raw[a].isspace():
        a += 1
    while b > a and raw[b - 1].isspace():
        b -= 1
    return a, b


def _title(raw: str, piece: Piece) -> str:
    a, b = piece.para.span(piece.a, piece.b) if piece.b > piece.a else (piece.para.start, piece.para.start)
    text = _SPACES.sub("", raw[a:b])
    text = text.rstrip("。．.!！?？;；:：,，")
    return SCORE.sub("", text).rstrip("。．.!！?？;；:：,，") or text


def _span(items: list[Piece]) -> tuple[int, int]:
    first, last = items[0], items[-1]
    return first.para.span(first.a, first.a + 1)[0], last.para.span(last.b - 1, last.b)[1]


def _last_piece(item: Item) -> Piece:
    node = item
    while node.children:
        node = node.children[-1]
    return node.pieces[-1]


def parse_text(
    raw: str,
    file: str,
    *,
    sha256: Optional[str] = None,
    encoding: str = "utf-8",
    fmt: str = "text",
    tables: Optional[Tables] = None,
) -> Parsed:
    """Parse decoded text into a Graph; offsets in every Provenance index `raw`."""
    norm = normalize(raw)
    paras = paragraphs(norm)
    if not paras:
        raise InputError(file, "no text: the document has no paragraphs")
    meta = read_metadata(paras, raw)
    if not meta.title:
        raise InputError(file, "no title found", 0)
    sha = sha256 or hashlib.sha256(raw.encode("utf-8")).hexdigest()
    doc_id = stable_id("document", meta.doc_number, meta.issuer) if meta.doc_number else stable_id(
        "document", meta.title, meta.date or ""
    )
    warnings: list[str] = []
    juris = meta.jurisdiction
    doc = Document(
        id=doc_id, title=meta.title, doc_number=meta.doc_number, issuer=meta.issuer, date=meta.date,
        jurisdiction=juris.name, jurisdiction_path=list(juris.path), level=juris.level,
        based_on=meta.based_on, file=file, sha256=sha, encoding=encoding, format=fmt, length=len(raw),
        prov=Provenance(document_id=doc_id, start=meta.title_span[0], end=meta.title_span[1],
                        text=raw[meta.title_span[0]:meta.title_span[1]]),
    )
    first_leads_at = min((m.start() for m in FIRST_LEADS_RE.finditer(norm)), default=len(norm) + 1)
    outline = build_outline(paras, meta.body_start)

    graph = Graph(documents=[doc])
    orgs: dict[str, Organization] = {}
    tables = tables or default_tables()
    resolved: dict[str, Organization] = {}  # mention → organization, resolved once per document
    aliases: dict[str, set[str]] = {}

    def prov(a: int, b: int) -> Provenance:
        a, b = _strip(raw, a, b)
        return Provenance(document_id=doc_id, start=a, end=b, text=raw[a:b])

    def item_span(item: Item) -> tuple[int, int]:
        first = item.pieces[0]
        last = _last_piece(item)
        return first.para.span(first.a, first.a + 1)[0], last.para.span(last.b - 1, last.b)[1]

    def assign(item: Item, target_id: str, kind: str) -> None:
        seen: set[tuple[str, str]] = set()
        for piece in item.pieces:
            text = piece.para.text[piece.a:piece.b]
            if "(" not in text:  # every role clause is bracketed (〔〕 and （） are normalised to ())
                continue
            base = piece.para.src(piece.a)
            for k in unclosed_role_brackets(text):
                warnings.append(f"{file} (char {piece.para.src(piece.a + k)}): unclosed bracket before a role clause "
                                f"“{text[k:k + 24]}…”: its units are not loaded; close the bracket")
            clauses, _ = find_clauses(text, first_leads=base >= first_leads_at)
            for c in clauses:
                a, b = piece.para.span(piece.a + c.start, piece.a + c.end)
                clause_prov = Provenance(document_id=doc_id, start=a, end=b, text=raw[a:b])  # shared by its edges
                for problem in c.problems:
                    warnings.append(f"{file} (char {a}): {problem}")
                for asg in c.assignments:
                    org = resolved.get(asg.unit)
                    if org is None:
                        org = resolved[asg.unit] = resolve(asg.unit, juris, tables)
                        if org.id in orgs:
                            aliases[org.id].add(asg.unit)
                        else:
                            orgs[org.id], aliases[org.id] = org, set(org.aliases)
                    if (asg.role, org.id) in seen:
                        continue
                    seen.add((asg.role, org.id))
                    mention = asg.unit
                    at = text.find(asg.unit, c.start, c.end)
                    if at >= 0:  # the unit exactly as written in the source (normalisation is per character)
                        ma, mb = piece.para.span(piece.a + at, piece.a + at + len(asg.unit))
                        if mb - ma == len(asg.unit):
                            mention = raw[ma:mb]
                    graph.responsibilities.append(Responsibility(
                        id=stable_id("responsibility", asg.role, org.id, target_id),
                        role=asg.role, qualifier=asg.qualifier, organization_id=org.id,
                        target_id=target_id, target_kind=kind, document_id=doc_id, mention=mention,
                        deadline=c.deadline, prov=clause_prov,
                    ))

    def add_targets(item: Item, owner_id: str, owner_kind: str) -> None:
        for piece in item.pieces:
            text = piece.para.text[piece.a:piece.b]
            for t in find_targets(text, paragraph_deadline(piece.para.text)):
                a, b = piece.para.span(piece.a + t.start, piece.a + t.end)
                graph.targets.append(Target(
                    id=stable_id("target", owner_id, a), document_id=doc_id, owner_id=owner_id, owner_kind=owner_kind,
                    text=raw[a:b], value=t.value, unit=t.unit, comparator=t.comparator, period=t.period,
                    deadline=t.deadline, prov=Provenance(document_id=doc_id, start=a, end=b, text=raw[a:b]),
                ))

    action_no = 0

    def add_action(item: Item, section: Optional[Section]) -> None:
        nonlocal action_no
        action_no += 1
        aid = stable_id("action", doc_id, action_no)
        act = Action(id=aid, document_id=doc_id, section_id=section.id if section else None, ordinal=action_no,
                     number=item.number, title=_title(raw, item.title_piece), prov=prov(*item_span(item)))
        graph.actions.append(act)
        assign(item, aid, "Action")
        add_targets(item, aid, "Action")
        for k, child in enumerate(item.children, 1):
            tid = stable_id("task", aid, k)
            graph.tasks.append(Task(id=tid, document_id=doc_id, action_id=aid, ordinal=k, number=child.number,
                                    title=_title(raw, child.title_piece), prov=prov(*item_span(child))))
            assign(child, tid, "Task")
            add_targets(child, tid, "Task")

    for s_no, top in enumerate((i for i in outline if i.kind == "section"), 1):
        sec = Section(id=stable_id("section", doc_id, s_no), document_id=doc_id, ordinal=s_no,
                      title=_title(raw, top.title_piece), prov=prov(*item_span(top)))
        graph.sections.append(sec)
        add_targets(top, doc_id, "Document")
        for child in top.children:
            add_action(child, sec)
    for top in outline:
        if top.kind == "action":
            add_action(top, None)
    graph.actions.sort(key=lambda a: a.ordinal)
    graph.targets.sort(key=lambda t: (t.prov.start, t.id))

    def organization(mention: str) -> Organization:
        org = resolved.get(mention)
        if org is None:
            org = resolved[mention] = resolve(mention, juris, tables)
            if org.id in orgs:
                aliases[org.id].add(mention)
            else:
                orgs[org.id], aliases[org.id] = org, set(org.aliases)
        return org

    for group in find_groups(paras):
        gorg = organization(group.name)
        for member in group.members:
            pa, pb = _strip(raw, member.para.start, member.para.end)
            pid = stable_id("person", doc_id, member.name)
            span = Provenance(document_id=doc_id, start=pa, end=pb, text=raw[pa:pb])
            graph.people.append(Person(id=pid, name=member.name, document_id=doc_id, prov=span))
            unit = organization(member.unit) if member.unit else None
            graph.memberships.append(Membership(
                id=stable_id("membership", gorg.id, pid), person_id=pid, group_id=gorg.id, role=member.role,
                post=member.post, post_title=member.post_title, unit_id=unit.id if unit else None,
                document_id=doc_id, prov=span,
            ))
    for title, a, b in meta.citations:
        key = title_key(title)
        graph.citations.append(Citation(
            id=stable_id("citation", doc_id, key), document_id=doc_id, title=title, key=key,
            cited_id=stable_id("cited", key), prov=Provenance(document_id=doc_id, start=a, end=b, text=raw[a:b]),
        ))
    for o in orgs.values():  # resolve() made each of these for this document alone: set, don't copy
        o.aliases = sorted(aliases[o.id])
    graph.organizations = sorted(orgs.values(), key=lambda o: o.id)
    return Parsed(graph=graph, encoding=encoding, format=fmt, warnings=warnings)


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
                        fmt=got.format, tables=tables)
    if got.note:
        parsed.warnings.append(f"{p.name}: {got.note}")
    return parsed


def parse_file(path: str | Path) -> Graph:
    """The Graph of one file (the common case for library users)."""
    return parse_path(path).graph
