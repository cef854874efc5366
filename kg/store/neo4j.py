"""Neo4j backend over Bolt with the official `neo4j` driver.

The same property-graph schema as the embedded store, so queries/*.cypher run on both:

  (:Document)-[:HAS_SECTION]->(:Section)
  (:Document)-[:HAS_ACTION]->(:Action)          every action of the document
  (:Section)-[:HAS_ACTION]->(:Action)
  (:Action)-[:HAS_TASK]->(:Task)
  (:Organization)-[:LEADS|RESPONSIBLE_FOR {id, qualifier, deadline, mention, document_id,
                                          start, end, clause}]->(:Action|:Task)
  (:Document|:Action|:Task)-[:HAS_TARGET]->(:Target)
  (:Person)-[:MEMBER_OF {id, role, post, post_title, unit_id, document_id, start, end, clause}]->(:Organization)
  (:Person)-[:POST_IN {id, post, post_title}]->(:Organization)
  (:Document)-[:CITES {id, title, start, end, clause}]->(:CitedDocument)
  (:Action|:Task)-[:ALIGNS_WITH {id, score, method, evidence}]->(:Action|:Task)   (replace_alignments)

Documents are written in batches (BATCH_DOCUMENTS per transaction) of `UNWIND $rows` statements
of at most BATCH rows; a batch that fails is retried one document per transaction. The statements below
are the only Cypher in this module; they stay inside the portable subset that ArcadeDB's Bolt
server also runs (the tests use it), and tests/test_cypher_lint.py checks them with Neo4j's parser.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Collection, Iterable, Iterator, Optional, TypeVar

import neo4j
from neo4j import exceptions as nx
from pydantic import BaseModel

from kg.config import neo4j_settings
from kg.cypher_guard import QueryRefused, check_read_only
from kg.errors import StoreError
from kg.ids import title_key
from kg.names import storable
from kg.model import (
    Action,
    Alignment,
    Citation,
    Document,
    Graph,
    Membership,
    Organization,
    Person,
    Provenance,
    Responsibility,
    Role,
    Section,
    Target,
    TargetKind,
    Task,
)
from kg.store import counts as kc
from kg.store.base import DocResult, LoadResult, QueryResult, Store

log = logging.getLogger(__name__)

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
BATCH = 2000  # rows per UNWIND statement
BATCH_DOCUMENTS = 200  # documents per load transaction (a few large transactions, not one per document)

LABELS = ("Document", "Section", "Action", "Task", "Organization", "Target", "Person", "CitedDocument")
ROLES: tuple[Role, ...] = ("LEADS", "RESPONSIBLE_FOR")
TARGET_KINDS: tuple[TargetKind, ...] = ("Action", "Task")
OWNER_KINDS = ("Document", "Action", "Task")  # what a Target belongs to (HAS_TARGET)
ALIGN_PAIRS = tuple((a, b) for a in TARGET_KINDS for b in TARGET_KINDS)

# --- schema -------------------------------------------------------------------------------
SCHEMA: list[str] = [
    *(f"CREATE CONSTRAINT kg_{lab.lower()}_id IF NOT EXISTS FOR (n:{lab}) REQUIRE n.id IS UNIQUE" for lab in LABELS),
    *(f"CREATE INDEX kg_{lab.lower()}_document_id IF NOT EXISTS FOR (n:{lab}) ON (n.document_id)"
      for lab in ("Section", "Action", "Task", "Target", "Person")),
    "CREATE INDEX kg_organization_name IF NOT EXISTS FOR (n:Organization) ON (n.name)",
    "CREATE INDEX kg_document_title_key IF NOT EXISTS FOR (n:Document) ON (n.title_key)",
    "CREATE INDEX kg_citeddocument_key IF NOT EXISTS FOR (n:CitedDocument) ON (n.key)",
    "CREATE INDEX kg_task_title IF NOT EXISTS FOR (n:Task) ON (n.title)",
]

# --- load ---------------------------------------------------------------------------------
# Every statement takes the rows of many documents at once (a batch: see Neo4jStore.load).
Q_DOC_SHA = "UNWIND $ids AS did MATCH (d:Document {id: did}) RETURN d.id AS id, d.sha256 AS sha256, d.file AS file"
# the LEADS / RESPONSIBLE_FOR edges of stored documents: the organizations they touch and what their counts lose
Q_DOC_EDGES = {
    kind: (
        f"UNWIND $ids AS did MATCH (t:{kind} {{document_id: did}})<-[r:LEADS|RESPONSIBLE_FOR]-(o:Organization) "
        "RETURN o.id AS o, t.id AS t, type(r) AS role, r.qualifier AS qualifier, r.document_id AS d"
    )
    for kind in TARGET_KINDS
}
Q_DOC_MEMBER_ORGS = (
    "UNWIND $ids AS did MATCH (p:Person {document_id: did})-[:MEMBER_OF|POST_IN]->(o:Organization) "
    "RETURN DISTINCT o.id AS id"
)
Q_DOC_CITED = "UNWIND $ids AS did MATCH (d:Document {id: did})-[:CITES]->(c:CitedDocument) RETURN DISTINCT c.id AS id"
Q_DELETE = {
    lab: f"UNWIND $ids AS did MATCH (n:{lab} {{document_id: did}}) DETACH DELETE n"
    for lab in ("Target", "Person", "Task", "Action", "Section")
}
Q_DELETE_DOC = "UNWIND $ids AS did MATCH (d:Document {id: did}) DETACH DELETE d"
Q_CREATE_DOCS = "UNWIND $rows AS r CREATE (d:Document) SET d = r RETURN count(d) AS n"
Q_CREATE_SECTIONS = (
    "UNWIND $rows AS r MATCH (d:Document {id: r.document_id}) "
    "CREATE (d)-[:HAS_SECTION]->(s:Section) SET s = r RETURN count(s) AS n"
)
Q_CREATE_ACTIONS = (
    "UNWIND $rows AS r MATCH (d:Document {id: r.document_id}) "
    "CREATE (d)-[:HAS_ACTION]->(a:Action) SET a = r RETURN count(a) AS n"
)
Q_LINK_SECTION_ACTIONS = (
    "UNWIND $rows AS r MATCH (s:Section {id: r.section_id}) MATCH (a:Action {id: r.id}) "
    "CREATE (s)-[:HAS_ACTION]->(a) RETURN count(a) AS n"
)
Q_CREATE_TASKS = (
    "UNWIND $rows AS r MATCH (a:Action {id: r.action_id}) "
    "CREATE (a)-[:HAS_TASK]->(t:Task) SET t = r RETURN count(t) AS n"
)
Q_CREATE_TARGETS = {
    kind: (
        f"UNWIND $rows AS r MATCH (o:{kind} {{id: r.owner_id}}) "
        "CREATE (o)-[:HAS_TARGET]->(t:Target) SET t = r RETURN count(t) AS n"
    )
    for kind in OWNER_KINDS
}
Q_CREATE_PEOPLE = "UNWIND $rows AS r CREATE (p:Person) SET p = r RETURN count(p) AS n"
Q_CREATE_MEMBER_OF = (
    "UNWIND $rows AS r MATCH (p:Person {id: r.person_id}) MATCH (o:Organization {id: r.group_id}) "
    "CREATE (p)-[e:MEMBER_OF]->(o) SET e = r.props RETURN count(e) AS n"
)
Q_CREATE_POST_IN = (
    "UNWIND $rows AS r MATCH (p:Person {id: r.person_id}) MATCH (o:Organization {id: r.unit_id}) "
    "CREATE (p)-[e:POST_IN]->(o) SET e = r.props RETURN count(e) AS n"
)
Q_MERGE_CITED = (
    "UNWIND $rows AS r MERGE (c:CitedDocument {id: r.id}) "
    "ON CREATE SET c.key = r.key, c.title = r.title RETURN count(c) AS n"
)
Q_CREATE_CITES = (
    "UNWIND $rows AS r MATCH (d:Document {id: r.document_id}) MATCH (c:CitedDocument {id: r.cited_id}) "
    "CREATE (d)-[e:CITES]->(c) SET e = r.props RETURN count(e) AS n"
)
Q_DROP_ORPHAN_CITED = (
    "UNWIND $ids AS cid MATCH (c:CitedDocument {id: cid}) "
    "OPTIONAL MATCH (d:Document)-[e:CITES]->(c) "
    "WITH c, count(e) AS n WHERE n = 0 DETACH DELETE c"
)
Q_ORG_ALIASES = "UNWIND $ids AS oid MATCH (o:Organization {id: oid}) RETURN o.id AS id, o.aliases AS aliases"
Q_MERGE_ORGS = (
    "UNWIND $rows AS r MERGE (o:Organization {id: r.id}) "
    "SET o.name = r.name, o.jurisdiction = r.jurisdiction, o.jurisdiction_path = r.jurisdiction_path, "
    "o.sector = r.sector, o.collective = r.collective, o.aliases = r.aliases "
    "SET o.n_edges = coalesce(o.n_edges, 0), o.n_leads = coalesce(o.n_leads, 0), "
    "o.n_documents = coalesce(o.n_documents, 0), o.max_shared = coalesce(o.max_shared, 0) RETURN count(o) AS n"
)
# the stored counts (kg/store/counts.py): what changed, added to what is stored
Q_ADD_ORG_COUNTS = (
    "UNWIND $rows AS r MATCH (o:Organization {id: r.id}) "
    "SET o.n_edges = o.n_edges + r.e, o.n_leads = o.n_leads + r.l, o.n_documents = o.n_documents + r.n"
)
Q_ADD_SHARED = (
    "UNWIND $rows AS r MATCH (a:Organization {id: r.a}) MATCH (b:Organization {id: r.b}) "
    f"MERGE (a)-[s:{kc.SHARES}]->(b) ON CREATE SET s.tasks = r.n ON MATCH SET s.tasks = s.tasks + r.n "
    "WITH s WHERE s.tasks <= 0 DELETE s"
)
Q_MAX_SHARED = (
    "UNWIND $ids AS i MATCH (a:Organization {id: i}) "
    f"OPTIONAL MATCH (a)-[s:{kc.SHARES}]->(:Organization) WITH a, max(s.tasks) AS m SET a.max_shared = coalesce(m, 0)"
)
Q_CREATE_ACTIVE = (
    "UNWIND $rows AS r MATCH (o:Organization {id: r.o}) MATCH (d:Document {id: r.d}) "
    f"CREATE (o)-[w:{kc.ACTIVE}]->(d) SET w.n_edges = r.e, w.n_leads = r.l RETURN count(w) AS n"
)
Q_UNCOUNTED = "MATCH (t:Task) WHERE t.n_units IS NULL RETURN count(t) AS n"
Q_DROP_ACTIVE = f"MATCH (:Organization)-[w:{kc.ACTIVE}]->(:Document) DELETE w"
Q_RECOUNT_ACTIVE = kc.RECOUNT_ACTIVE
Q_DROP_SHARED = f"MATCH (:Organization)-[s:{kc.SHARES}]->(:Organization) DELETE s"
Q_RECOUNT = dict(kc.RECOUNT)
Q_RECOUNT_SHARED = (
    "MATCH (a:Organization)-[:LEADS|RESPONSIBLE_FOR]->(t:Task)<-[:LEADS|RESPONSIBLE_FOR]-(b:Organization) "
    "WHERE a.id < b.id WITH DISTINCT a, b, t WITH a, b, count(*) AS n "
    f"CREATE (a)-[:{kc.SHARES} {{tasks: n}}]->(b)"
)
# Relationship types and labels cannot be parameters: one fixed statement per (role, target kind).
Q_CREATE_EDGES = {
    (role, kind): (
        f"UNWIND $rows AS r MATCH (o:Organization {{id: r.organization_id}}) MATCH (t:{kind} {{id: r.target_id}}) "
        f"CREATE (o)-[e:{role}]->(t) SET e = r.props RETURN count(e) AS n"
    )
    for role in ROLES
    for kind in TARGET_KINDS
}
Q_DROP_ORPHAN_ORGS = (
    "UNWIND $ids AS oid MATCH (o:Organization {id: oid}) "
    "OPTIONAL MATCH (o)-[e:LEADS|RESPONSIBLE_FOR]->(t:Action|Task) "
    "WITH o, count(e) AS n "
    "OPTIONAL MATCH (p:Person)-[m:MEMBER_OF|POST_IN]->(o) "
    "WITH o, n, count(m) AS k WHERE n + k = 0 DETACH DELETE o"
)

# --- alignments (derived across documents: replace_alignments) ------------------------------
Q_DELETE_ALIGNMENTS = "MATCH (a:Action|Task)-[e:ALIGNS_WITH]->(b:Action|Task) DELETE e"
Q_CREATE_ALIGNMENTS = {
    (sk, tk): (
        f"UNWIND $rows AS r MATCH (a:{sk} {{id: r.source_id}}) MATCH (b:{tk} {{id: r.target_id}}) "
        "CREATE (a)-[e:ALIGNS_WITH]->(b) SET e = r.props RETURN count(e) AS n"
    )
    for sk, tk in ALIGN_PAIRS
}

# --- read back ----------------------------------------------------------------------------
_WHERE_DOC = "WHERE $all OR n.document_id IN $ids "
Q_READ_DOCS = "MATCH (n:Document) WHERE $all OR n.id IN $ids RETURN properties(n) AS p ORDER BY n.id"
Q_READ = {
    lab: f"MATCH (n:{lab}) {_WHERE_DOC}RETURN properties(n) AS p ORDER BY n.id"
    for lab in ("Section", "Action", "Task", "Target", "Person")
}
Q_READ_MEMBER_OF = (
    "MATCH (n:Person)-[e:MEMBER_OF]->(o:Organization) WHERE $all OR e.document_id IN $ids "
    "RETURN properties(e) AS p, n.id AS person_id, o.id AS group_id"
)
Q_READ_CITES = (
    "MATCH (d:Document)-[e:CITES]->(c:CitedDocument) WHERE $all OR d.id IN $ids "
    "RETURN properties(e) AS p, d.id AS document_id, c.id AS cited_id, c.key AS key"
)
Q_READ_ALIGNMENTS = {
    (sk, tk): (
        f"MATCH (a:{sk})-[e:ALIGNS_WITH]->(b:{tk}) WHERE $all OR (a.document_id IN $ids AND b.document_id IN $ids) "
        "RETURN properties(e) AS p, a.id AS source_id, b.id AS target_id"
    )
    for sk, tk in ALIGN_PAIRS
}
Q_READ_EDGES = {
    (role, kind): (
        f"MATCH (o:Organization)-[e:{role}]->(t:{kind}) WHERE $all OR e.document_id IN $ids "
        "RETURN properties(e) AS p, o.id AS organization_id, t.id AS target_id"
    )
    for role in ROLES
    for kind in TARGET_KINDS
}
Q_READ_ORGS = "MATCH (o:Organization) WHERE $all OR o.id IN $ids RETURN properties(o) AS p ORDER BY o.id"

# --- stats --------------------------------------------------------------------------------
Q_STATS = {
    "documents": "MATCH (n:Document) RETURN count(n) AS n",
    "sections": "MATCH (n:Section) RETURN count(n) AS n",
    "actions": "MATCH (n:Action) RETURN count(n) AS n",
    "tasks": "MATCH (n:Task) RETURN count(n) AS n",
    "organizations": "MATCH (n:Organization) RETURN count(n) AS n",
    "leads": "MATCH (:Organization)-[e:LEADS]->(t:Action|Task) RETURN count(e) AS n",
    "responsible_for": "MATCH (:Organization)-[e:RESPONSIBLE_FOR]->(t:Action|Task) RETURN count(e) AS n",
    "targets": "MATCH (n:Target) RETURN count(n) AS n",
    "people": "MATCH (n:Person) RETURN count(n) AS n",
    "memberships": "MATCH (:Person)-[e:MEMBER_OF]->(o:Organization) RETURN count(e) AS n",
    "citations": "MATCH (:Document)-[e:CITES]->(c:CitedDocument) RETURN count(e) AS n",
    "alignments": "MATCH (:Action|Task)-[e:ALIGNS_WITH]->(b:Action|Task) RETURN count(e) AS n",
}


def statements() -> dict[str, str]:
    """Every Cypher statement this backend sends, by name: for the Neo4j parser check in tests."""
    out: dict[str, str] = {f"schema_{i}": s for i, s in enumerate(SCHEMA)}
    for name, value in globals().items():
        if not name.startswith("Q_"):
            continue
        if isinstance(value, str):
            out[name] = value
        elif isinstance(value, dict):
            for key, s in value.items():
                out[f"{name}_{'_'.join(key) if isinstance(key, tuple) else key}"] = s
    return out


# --- values -------------------------------------------------------------------------------
def plain(value: Any) -> Any:
    """A driver value as plain Python: nodes and relationships become property dicts, times ISO text."""
    if isinstance(value, (neo4j.graph.Node, neo4j.graph.Relationship)):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


_Row = TypeVar("_Row")


def _chunks(rows: list[_Row], size: int = BATCH) -> Iterator[list[_Row]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _prov(p: Provenance) -> dict[str, Any]:
    return {"start": p.start, "end": p.end, "text": p.text}


# --- rows: model -> properties ------------------------------------------------------------
def document_row(d: Document) -> dict[str, Any]:
    """Document node properties, with start/end/text from its provenance (as the embedded store),
    and title_key: the key a citation of this document carries (kg.ids.title_key)."""
    return {**d.model_dump(exclude={"prov"}), **_prov(d.prov), "title_key": title_key(d.title)}


def section_row(s: Section) -> dict[str, Any]:
    return {**s.model_dump(exclude={"prov"}), **_prov(s.prov)}


def action_row(a: Action, section_titles: dict[str, str]) -> dict[str, Any]:
    row = {**a.model_dump(exclude={"prov"}), **_prov(a.prov)}
    row["section"] = section_titles.get(a.section_id) if a.section_id else None
    return row


def task_row(t: Task) -> dict[str, Any]:
    return {**t.model_dump(exclude={"prov"}), **_prov(t.prov)}


def organization_row(o: Organization) -> dict[str, Any]:
    return o.model_dump()


def target_row(t: Target) -> dict[str, Any]:
    """Target node properties (its text is prov.text) and owner_id, which the statement matches on."""
    return {**t.model_dump(exclude={"prov"}), "start": t.prov.start, "end": t.prov.end}


def person_row(x: Person) -> dict[str, Any]:
    return {**x.model_dump(exclude={"prov"}), **_prov(x.prov)}


def member_row(m: Membership) -> dict[str, Any]:
    return {
        "person_id": m.person_id,
        "group_id": m.group_id,
        "props": {
            "id": m.id, "role": m.role, "post": m.post, "post_title": m.post_title, "unit_id": m.unit_id,
            "document_id": m.document_id, "start": m.prov.start, "end": m.prov.end, "clause": m.prov.text,
        },
    }


def post_row(m: Membership) -> dict[str, Any]:
    return {"person_id": m.person_id, "unit_id": m.unit_id,
            "props": {"id": m.id, "post": m.post, "post_title": m.post_title}}


def cites_row(c: Citation) -> dict[str, Any]:
    return {
        "document_id": c.document_id,
        "cited_id": c.cited_id,
        "props": {"id": c.id, "title": c.title, "start": c.prov.start, "end": c.prov.end, "clause": c.prov.text},
    }


def cited_rows(citations: list[Citation]) -> list[dict[str, Any]]:
    """One CitedDocument placeholder per cited id, with the first title seen."""
    out: dict[str, dict[str, Any]] = {}
    for c in citations:
        out.setdefault(c.cited_id, {"id": c.cited_id, "key": c.key, "title": c.title})
    return list(out.values())


def alignment_row(a: Alignment) -> dict[str, Any]:
    return {"source_id": a.source_id, "target_id": a.target_id,
            "props": {"id": a.id, "score": a.score, "method": a.method, "evidence": a.evidence}}


def edge_row(r: Responsibility) -> dict[str, Any]:
    return {
        "organization_id": r.organization_id,
        "target_id": r.target_id,
        "props": {
            "id": r.id,
            "qualifier": r.qualifier,
            "deadline": r.deadline,
            "mention": r.mention,
            "document_id": r.document_id,
            "start": r.prov.start,
            "end": r.prov.end,
            "clause": r.prov.text,
        },
    }


# --- rows: properties -> model ------------------------------------------------------------
def _prov_of(p: dict[str, Any], document_id: str) -> Provenance:
    return Provenance(document_id=document_id, start=p["start"], end=p["end"], text=p.get("text") or "")


def _fields(p: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if k in model.model_fields and k != "prov"}


_LISTS = ("jurisdiction_path", "based_on", "aliases")


def _fields_lists(p: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """Model fields of a node; a list property a server dropped when empty comes back as []."""
    out = _fields(p, model)
    for k in _LISTS:
        if k in model.model_fields:
            out[k] = list(out.get(k) or [])
    return out


def document_of(p: dict[str, Any]) -> Document:
    return Document(**_fields_lists(p, Document), prov=_prov_of(p, p["id"]))


def _node_of(p: dict[str, Any], model: type[BaseModel]) -> Any:
    return model(**_fields(p, model), prov=_prov_of(p, p["document_id"]))


def responsibility_of(p: dict[str, Any], role: Role, kind: TargetKind, organization_id: str,
                      target_id: str) -> Responsibility:
    return Responsibility(
        id=p["id"], role=role, qualifier=p["qualifier"], organization_id=organization_id,
        target_id=target_id, target_kind=kind, document_id=p["document_id"], mention=p["mention"],
        deadline=p.get("deadline"),
        prov=Provenance(document_id=p["document_id"], start=p["start"], end=p["end"], text=p.get("clause") or ""),
    )


def target_of(p: dict[str, Any]) -> Target:
    return Target(**_fields(p, Target), prov=_prov_of(p, p["document_id"]))


def membership_of(p: dict[str, Any], person_id: str, group_id: str) -> Membership:
    return Membership(
        id=p["id"], person_id=person_id, group_id=group_id, role=p["role"], post=p["post"],
        post_title=p.get("post_title"), unit_id=p.get("unit_id"), document_id=p["document_id"],
        prov=Provenance(document_id=p["document_id"], start=p["start"], end=p["end"], text=p.get("clause") or ""),
    )


def citation_of(p: dict[str, Any], document_id: str, cited_id: str, key: str) -> Citation:
    return Citation(
        id=p["id"], document_id=document_id, title=p["title"], key=key, cited_id=cited_id,
        prov=Provenance(document_id=document_id, start=p["start"], end=p["end"], text=p.get("clause") or ""),
    )


def alignment_of(p: dict[str, Any], source_kind: TargetKind, source_id: str, target_kind: TargetKind,
                 target_id: str) -> Alignment:
    return Alignment(id=p["id"], source_id=source_id, source_kind=source_kind, target_id=target_id,
                     target_kind=target_kind, score=float(p["score"]), method=p["method"], evidence=p["evidence"])


PARTS = ("sections", "actions", "tasks", "responsibilities", "targets", "people", "memberships", "citations")


def _split(graph: Graph) -> tuple[dict[str, dict[str, list[Any]]], list[DocResult]]:
    """The graph's parts grouped by document (one pass); duplicates and strays reported as failed."""
    parts: dict[str, dict[str, list[Any]]] = {}
    problems: list[DocResult] = []
    for d in graph.documents:
        if d.id in parts:
            problems.append(DocResult(d.id, d.file, "failed",
                                      f"{d.file}: document id {d.id} appears twice in the input; load each version separately"))
            continue
        parts[d.id] = {key: [] for key in PARTS}
    strays: dict[str, int] = {}
    for key in PARTS:
        for x in getattr(graph, key):
            part = parts.get(x.document_id)
            if part is None:
                strays[x.document_id] = strays.get(x.document_id, 0) + 1
            else:
                part[key].append(x)
    for did, n in strays.items():
        problems.append(DocResult(did, "", "failed", f"{n} elements name document {did}, which is not in the graph"))
    return parts, problems


def _check_references(doc: Document, part: dict[str, list[Any]], orgs: dict[str, Organization]) -> None:
    """Refuse a document whose parts point at things it does not contain (before any write)."""
    sections = {s.id for s in part["sections"]}
    actions = {a.id for a in part["actions"]}
    tasks = {t.id for t in part["tasks"]}
    for a in part["actions"]:
        if a.section_id is not None and a.section_id not in sections:
            raise StoreError(f"{doc.file}: action {a.id} ({a.title}) names section {a.section_id}, not in this document")
    for t in part["tasks"]:
        if t.action_id not in actions:
            raise StoreError(f"{doc.file}: task {t.id} ({t.title}) names action {t.action_id}, not in this document")
    for r in part["responsibilities"]:
        if r.organization_id not in orgs:
            raise StoreError(f"{doc.file}: responsibility {r.id} ({r.mention}) names organization "
                             f"{r.organization_id}, not in the graph's organizations")
        targets = actions if r.target_kind == "Action" else tasks
        if r.target_id not in targets:
            raise StoreError(f"{doc.file}: responsibility {r.id} ({r.mention}) targets {r.target_kind} "
                             f"{r.target_id}, not in this document")
    owners = {"Document": {doc.id}, "Action": actions, "Task": tasks}
    for g in part["targets"]:
        if g.owner_id not in owners.get(g.owner_kind, set()):
            raise StoreError(f"{doc.file}: target {g.id} ({g.text}) names {g.owner_kind} {g.owner_id} as its owner, "
                             "not in this document")
    people = {x.id for x in part["people"]}
    for m in part["memberships"]:
        if m.person_id not in people:
            raise StoreError(f"{doc.file}: membership {m.id} ({m.post}) names person {m.person_id}, not in this document")
        for oid in (m.group_id, m.unit_id):
            if oid is not None and oid not in orgs:
                raise StoreError(f"{doc.file}: membership {m.id} ({m.post}) names organization {oid}, "
                                 "not in the graph's organizations")


class Neo4jStore(Store):
    """A graph in a Neo4j (or other Bolt) server. Settings default to NEO4J_URI, NEO4J_USER,
    NEO4J_PASSWORD, NEO4J_DATABASE; the server is contacted at once so a wrong setting fails here."""

    backend = "neo4j"
    build_batch_documents = BATCH_DOCUMENTS

    def __init__(
        self,
        uri: Optional[str] = None,
        user: Optional[str] = None,
        password: Optional[str] = None,
        database: Optional[str] = None,
        *,
        read_only: bool = False,
        connection_timeout: float = 10.0,
    ) -> None:
        env = neo4j_settings()
        self.uri = uri or env.uri or DEFAULT_URI
        self.user = user or env.user or DEFAULT_USER
        password = password if password is not None else env.password
        self.database = database or env.database
        self.read_only = read_only  # as the embedded store: no load, no run(write=True)
        self.notes: list[str] = []  # schema statements the server did not accept
        self._schema_done = False
        scheme = self.uri.split("://", 1)[0].lower() if "://" in self.uri else ""
        if scheme not in BOLT_SCHEMES:
            raise StoreError(
                f"Neo4j URI {self.uri!r} is not a Bolt address — set NEO4J_URI to bolt://HOST:7687 "
                "(or neo4j://, bolt+s://, neo4j+s://)"
            )
        try:
            self._driver = neo4j.GraphDatabase.driver(
                self.uri,
                auth=(self.user, password),
                connection_timeout=connection_timeout,
                connection_acquisition_timeout=connection_timeout,
                max_transaction_retry_time=5.0,
            )
        except (nx.ConfigurationError, ValueError) as exc:
            raise StoreError(
                f"Neo4j URI {self.uri!r} is not usable: {exc} — set NEO4J_URI to bolt://HOST:7687 or neo4j://HOST:7687"
            ) from None
        try:
            self._driver.verify_connectivity()
        except BaseException as exc:
            self._driver.close()
            if isinstance(exc, Exception):
                raise self._connect_error(exc) from None
            raise

    # -- errors -----------------------------------------------------------------------------
    def _connect_error(self, exc: Exception) -> StoreError:
        why = _one_line(exc)
        if isinstance(exc, (nx.AuthError, nx.Forbidden)) or "auth" in why.lower():
            return StoreError(
                f"Neo4j at {self.uri} refused user {self.user!r}: {why} — set NEO4J_USER and NEO4J_PASSWORD"
            )
        if isinstance(exc, nx.ClientError) and "database" in why.lower():
            return StoreError(
                f"Neo4j at {self.uri}: database {self.database!r} is not there: {why} — set NEO4J_DATABASE"
            )
        return StoreError(
            f"Cannot reach Neo4j at {self.uri}: {why} — start the server, or set NEO4J_URI "
            "(and NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), or use the embedded store"
        )

    def _error(self, exc: Exception, what: str) -> StoreError:
        if isinstance(exc, (nx.ServiceUnavailable, nx.SessionExpired, nx.AuthError)):
            return self._connect_error(exc)
        return StoreError(f"Neo4j at {self.uri}: {what} failed: {_one_line(exc)}")

    def _session(self, write: bool) -> neo4j.Session:
        return self._driver.session(
            database=self.database,
            default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS,
        )

    def _read(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        try:
            with self._session(write=False) as s:
                return s.execute_read(lambda tx: [r.data() for r in tx.run(cypher, params)])
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._error(exc, "reading") from None

    # -- contract ---------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Uniqueness on every label's id and a few lookup indexes; skips what the server refuses."""
        self.notes = []
        with self._session(write=True) as s:
            for stmt in SCHEMA:
                try:
                    s.run(stmt).consume()
                except (nx.ClientError, nx.DatabaseError) as exc:
                    note = f"schema statement not supported by {self.uri}, skipped: {stmt} ({_one_line(exc)})"
                    self.notes.append(note)
                    log.warning(note)
                except (nx.ServiceUnavailable, nx.SessionExpired, nx.AuthError) as exc:
                    raise self._connect_error(exc) from None
        self._schema_done = True
        if self._read(Q_UNCOUNTED)[0]["n"]:  # written before the stored counts existed: count once
            self.recount()

    def recount(self) -> None:
        """Count every stored count (kg/store/counts.py) anew from the edges, in one transaction."""
        def work(tx: neo4j.ManagedTransaction) -> None:
            for cypher in (Q_DROP_ACTIVE, Q_RECOUNT_ACTIVE, Q_DROP_SHARED, Q_RECOUNT_SHARED, *Q_RECOUNT.values()):
                tx.run(cypher).consume()
        try:
            with self._session(write=True) as s:
                s.execute_write(work)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._error(exc, "counting") from None

    def remove(self, document_ids: Collection[str]) -> list[str]:
        """Remove these documents (and the organizations and cited-document placeholders left without an
        edge), in one transaction; return the ids that were stored."""
        if self.read_only:
            raise StoreError(f"Neo4j at {self.uri} is open read-only; cannot remove documents")
        if not self._schema_done:
            self.ensure_schema()

        def work(tx: neo4j.ManagedTransaction) -> list[str]:
            def run(cypher: str, **params: Any) -> list[dict[str, Any]]:
                return [r.data() for r in tx.run(cypher, params)]
            ids = sorted({r["id"] for chunk in _chunks(sorted(set(document_ids))) for r in run(Q_DOC_SHA, ids=chunk)})
            orgs, cited, old = Neo4jStore._delete_documents(run, ids)
            Neo4jStore._apply_changes(run, kc.changes(old, []))
            Neo4jStore._drop_orphans(run, orgs, cited)
            return ids

        try:
            with self._session(write=True) as s:
                return s.execute_write(work)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._error(exc, "removing documents") from None

    @staticmethod
    def _delete_documents(run: Callable[..., list[dict[str, Any]]], ids: list[str]
                          ) -> tuple[set[str], set[str], list[kc.Edge]]:
        """Delete stored documents with everything of theirs; return the organizations and cited-document
        placeholders they touched and their LEADS / RESPONSIBLE_FOR edges (what the counts lose)."""
        orgs: set[str] = set()
        cited: set[str] = set()
        old: list[kc.Edge] = []
        for chunk in _chunks(ids):
            for kind, q in Q_DOC_EDGES.items():
                old += [kc.Edge(r["o"], r["t"], kind, r["role"], r["qualifier"], r["d"]) for r in run(q, ids=chunk)]
            orgs |= {r["id"] for r in run(Q_DOC_MEMBER_ORGS, ids=chunk)}
            cited |= {r["id"] for r in run(Q_DOC_CITED, ids=chunk)}
            for lab in Q_DELETE:
                run(Q_DELETE[lab], ids=chunk)
            run(Q_DELETE_DOC, ids=chunk)
        orgs |= {e.organization_id for e in old}
        return orgs, cited, old

    @staticmethod
    def _apply_changes(run: Callable[..., list[dict[str, Any]]], changes: kc.Changes) -> None:
        """Add the organization counts and shared tasks that changed (kc.changes) to the stored ones."""
        rows = [{"id": o, "e": d[0], "l": d[1], "n": d[2]} for o, d in sorted(changes.orgs.items())]
        for chunk in _chunks(rows):
            run(Q_ADD_ORG_COUNTS, rows=chunk)
        pairs = [{"a": a, "b": b, "n": n} for (a, b), n in sorted(changes.pairs.items())]
        for chunk in _chunks(pairs):
            run(Q_ADD_SHARED, rows=chunk)
        for ids in _chunks(sorted({a for a, _b in changes.pairs})):
            run(Q_MAX_SHARED, ids=ids)

    @staticmethod
    def _drop_orphans(run: Callable[..., list[dict[str, Any]]], orgs: set[str], cited: set[str]) -> None:
        for chunk in _chunks(sorted(orgs)):
            run(Q_DROP_ORPHAN_ORGS, ids=chunk)
        for chunk in _chunks(sorted(cited)):
            run(Q_DROP_ORPHAN_CITED, ids=chunk)

    def load(
        self,
        graph: Graph,
        on_document: Optional[Callable[[DocResult], None]] = None,
        batch_documents: Optional[int] = None,
        *,
        rewrite: Collection[str] = (),
    ) -> LoadResult:
        """Documents unchanged (same sha256), replaced, inserted or failed — written `batch_documents`
        at a time, each batch one transaction of UNWIND statements over all its documents' rows.
        A document in `rewrite` is replaced even when its sha256 is the same.

        A batch that fails is rolled back and its documents written again one per transaction,
        so a bad document fails alone and leaves nothing half-written.
        """
        if self.read_only:
            raise StoreError(f"Neo4j at {self.uri} is open read-only; cannot load")
        if not self._schema_done:
            self.ensure_schema()
        orgs = {o.id: o for o in graph.organizations}
        section_titles = {s.id: s.title for s in graph.sections}
        parts, problems = _split(graph)
        result = LoadResult()

        def report(res: DocResult) -> None:
            result.documents.append(res)
            if on_document is not None:
                on_document(res)

        for res in problems:
            report(res)
        seen: set[str] = set()
        ready: list[Document] = []
        for doc in graph.documents:
            if doc.id in seen:
                continue  # reported above
            seen.add(doc.id)
            try:
                _check_references(doc, parts[doc.id], orgs)
            except StoreError as exc:
                report(DocResult(document_id=doc.id, file=doc.file, status="failed", error=str(exc)))
                continue
            # a file name with bytes that are not UTF-8 is stored escaped, as the embedded store does
            ready.append(doc if storable(doc.file) == doc.file else doc.model_copy(update={"file": storable(doc.file)}))
        def write(docs: list[Document]) -> list[DocResult]:
            """One transaction for docs; when it fails and holds several, one per document (the culprit fails alone)."""
            try:
                written = self._write_batch(docs, parts, orgs, section_titles, rewrite)
            except (nx.ServiceUnavailable, nx.SessionExpired, nx.AuthError) as exc:
                raise self._connect_error(exc) from None  # nothing more will load: stop here
            except (StoreError, nx.Neo4jError, nx.DriverError) as exc:
                if len(docs) > 1:
                    return [res for doc in docs for res in write([doc])]
                doc = docs[0]
                why = str(exc) if isinstance(exc, StoreError) else f"{doc.file}: write rolled back: {_one_line(exc)}"
                return [DocResult(document_id=doc.id, file=doc.file, status="failed", error=why)]
            return [DocResult(document_id=d.id, file=d.file, status=st, previous_file=prev)  # type: ignore[arg-type]
                    for d, (st, prev) in zip(docs, written)]

        size = max(1, batch_documents or BATCH_DOCUMENTS)
        for i in range(0, len(ready), size):
            for res in write(ready[i:i + size]):
                report(res)
        # organizations no document refers to still belong in the store (as in the embedded store)
        used = {r.organization_id for r in graph.responsibilities} | _member_orgs(graph.memberships)
        loose = [oid for oid in sorted(orgs) if oid not in used]
        if loose:
            try:
                with self._session(write=True) as s:
                    s.execute_write(self._merge_orgs, [orgs[o] for o in loose])
            except (nx.Neo4jError, nx.DriverError) as exc:
                raise self._error(exc, "writing organizations") from None
        return result

    def _write_batch(self, docs: list[Document], parts: dict[str, dict[str, list[Any]]],
                     orgs: dict[str, Organization], section_titles: dict[str, str],
                     rewrite: Collection[str] = ()) -> list[tuple[str, Optional[str]]]:
        with self._session(write=True) as s:
            return s.execute_write(self._write_documents, docs, parts, orgs, section_titles, rewrite)

    @staticmethod
    def _merge_orgs(tx: neo4j.ManagedTransaction, orgs: list[Organization]) -> None:
        """MERGE by id; aliases are the union of the stored and the new ones."""
        stored: dict[str, list[str]] = {}
        for ids in _chunks([o.id for o in orgs]):
            stored.update({r["id"]: r["aliases"] or [] for r in tx.run(Q_ORG_ALIASES, ids=ids)})
        rows = []
        for o in orgs:
            row = organization_row(o)
            row["aliases"] = sorted(set(row["aliases"]) | set(stored.get(o.id, [])))
            rows.append(row)
        for chunk in _chunks(rows):
            got = tx.run(Q_MERGE_ORGS, rows=chunk).single()
            if got is None or got["n"] != len(chunk):
                raise StoreError(f"wrote {got['n'] if got else 0} of {len(chunk)} organizations")

    @staticmethod
    def _write_documents(
        tx: neo4j.ManagedTransaction,
        docs: list[Document],
        parts: dict[str, dict[str, list[Any]]],
        orgs: dict[str, Organization],
        section_titles: dict[str, str],
        rewrite: Collection[str] = (),
    ) -> list[tuple[str, Optional[str]]]:
        """Write a batch of documents in this transaction; their statuses, in order, each with the file
        the stored version came from when replaced."""
        where = docs[0].file if len(docs) == 1 else f"{len(docs)} documents ({docs[0].file} … {docs[-1].file})"

        def run(cypher: str, **params: Any) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(cypher, params)]

        def batched(cypher: str, rows: list[dict[str, Any]], what: str) -> None:
            for chunk in _chunks(rows):
                got = run(cypher, rows=chunk)
                n = got[0]["n"] if got else 0
                if n != len(chunk):
                    raise StoreError(f"{where}: wrote {n} of {len(chunk)} {what}: a referenced node is missing")

        ids = [d.id for d in docs]
        found = [r for chunk in _chunks(ids) for r in run(Q_DOC_SHA, ids=chunk)]
        stored = {r["id"]: r["sha256"] for r in found}
        stored_file = {r["id"]: r["file"] for r in found}
        statuses = ["unchanged" if stored.get(d.id) == d.sha256 and d.id not in rewrite
                    else "replaced" if d.id in stored else "inserted" for d in docs]
        old = [d.id for d, st in zip(docs, statuses) if st == "replaced"]
        old_orgs, old_cited, old_edges = Neo4jStore._delete_documents(run, old)

        new = [d for d, st in zip(docs, statuses) if st != "unchanged"]
        changes = kc.Changes()
        if new:
            ps = [parts[d.id] for d in new]

            def rows(key: str) -> list[Any]:
                return [x for p in ps for x in p[key]]

            new_edges = kc.edges_of(rows("responsibilities"))
            changes = kc.changes(old_edges, new_edges)
            counted = kc.document_counts([d.id for d in new], rows("actions"), rows("tasks"), new_edges, rows("targets"))

            def with_counts(label: str, row: dict[str, Any]) -> dict[str, Any]:
                row.update(zip(kc.NODE_COUNTS[label], counted[label][row["id"]]))
                return row

            batched(Q_CREATE_DOCS, [with_counts("Document", document_row(d)) for d in new], "documents")
            batched(Q_CREATE_SECTIONS, [section_row(x) for x in rows("sections")], "sections")
            actions = [with_counts("Action", action_row(a, section_titles)) for a in rows("actions")]
            batched(Q_CREATE_ACTIONS, actions, "actions")
            linked = [{"id": a["id"], "section_id": a["section_id"]} for a in actions if a["section_id"]]
            batched(Q_LINK_SECTION_ACTIONS, linked, "section links")
            batched(Q_CREATE_TASKS, [with_counts("Task", task_row(t)) for t in rows("tasks")], "tasks")
            targets = rows("targets")
            for kind, cypher in Q_CREATE_TARGETS.items():
                batched(cypher, [target_row(g) for g in targets if g.owner_kind == kind], f"targets of {kind}")
            responsibilities = rows("responsibilities")
            memberships = rows("memberships")
            used = sorted({r.organization_id for r in responsibilities} | _member_orgs(memberships))
            if used:
                Neo4jStore._merge_orgs(tx, [orgs[oid] for oid in used])
            for (role, kind), cypher in Q_CREATE_EDGES.items():
                edges = [edge_row(r) for r in responsibilities if r.role == role and r.target_kind == kind]
                batched(cypher, edges, f"{role} edges to {kind}")
            batched(Q_CREATE_ACTIVE, [{"o": o, "d": d, "e": e, "l": k} for o, d, e, k in kc.activity(new_edges)],
                    f"{kc.ACTIVE} links")
            batched(Q_CREATE_PEOPLE, [person_row(x) for x in rows("people")], "people")
            batched(Q_CREATE_MEMBER_OF, [member_row(m) for m in memberships], "MEMBER_OF edges")
            batched(Q_CREATE_POST_IN, [post_row(m) for m in memberships if m.unit_id is not None], "POST_IN edges")
            citations = rows("citations")
            batched(Q_MERGE_CITED, cited_rows(citations), "cited documents")
            batched(Q_CREATE_CITES, [cites_row(c) for c in citations], "CITES edges")
        elif old_edges:
            changes = kc.changes(old_edges, [])
        Neo4jStore._apply_changes(run, changes)
        Neo4jStore._drop_orphans(run, old_orgs, old_cited)
        return [(st, stored_file.get(d.id) if st == "replaced" else None) for d, st in zip(docs, statuses)]

    def replace_alignments(self, alignments: Iterable[Alignment]) -> int:
        """Delete every ALIGNS_WITH edge and write these, in one transaction; return how many were
        written (an alignment whose source or target is not stored is skipped). They are held as a list:
        the driver may run the transaction function again after a transient error."""
        alignments = list(alignments)
        if self.read_only:
            raise StoreError(f"Neo4j at {self.uri} is open read-only; cannot write alignments")
        if not self._schema_done:
            self.ensure_schema()

        def work(tx: neo4j.ManagedTransaction) -> int:
            tx.run(Q_DELETE_ALIGNMENTS).consume()
            written = 0
            for (sk, tk), cypher in Q_CREATE_ALIGNMENTS.items():
                rows = [alignment_row(a) for a in alignments if a.source_kind == sk and a.target_kind == tk]
                for chunk in _chunks(rows):
                    got = tx.run(cypher, rows=chunk).single()
                    written += int(got["n"]) if got else 0
            return written

        try:
            with self._session(write=True) as s:
                written = s.execute_write(work)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._error(exc, "writing alignments") from None
        if written < len(alignments):
            log.info("%d of %d alignments name an action or task that is not stored; skipped",
                     len(alignments) - written, len(alignments))
        return written

    def run(self, cypher: str, params: Optional[dict[str, Any]] = None, *, write: bool = False) -> QueryResult:
        """One statement. Unless write=True it must pass the read-only guard (kg.cypher_guard: to the
        server LOAD CSV and apoc.load.* are reads), then runs in a READ transaction, which the server
        enforces too (Neo4j does; ArcadeDB 26.10 does not)."""
        if write and self.read_only:
            raise StoreError(f"Neo4j at {self.uri} is open read-only; cannot run a writing query")
        if not write:
            check_read_only(cypher)
        try:
            with self._session(write=write) as s:
                def work(tx: neo4j.ManagedTransaction) -> QueryResult:
                    res = tx.run(cypher, params or {})
                    keys = list(res.keys())
                    rows = [[plain(v) for v in rec.values()] for rec in res]
                    return QueryResult(columns=keys, rows=rows)
                return s.execute_write(work) if write else s.execute_read(work)
        except (nx.Neo4jError, nx.DriverError) as exc:
            if getattr(exc, "code", None) == "Neo.ClientError.Statement.AccessMode":
                raise QueryRefused(f"refused by the server as a write: {_one_line(exc)}", "a write", 0) from None
            raise self._error(exc, "query") from None

    def stats(self) -> dict[str, int]:
        """Counts of every label and role, one small query each (portable, no subqueries)."""
        return {k: int(self._read(q)[0]["n"]) for k, q in Q_STATS.items()}

    def to_graph(self, document_ids: Optional[list[str]] = None) -> Graph:
        """Read documents back (all, or the given ones) with the organizations their edges name;
        every list sorted by id, as the embedded store does."""
        params = {"all": document_ids is None, "ids": list(document_ids or [])}
        docs = [document_of(r["p"]) for r in self._read(Q_READ_DOCS, **params)]
        parts: dict[str, list[Any]] = {}
        for lab, model in (("Section", Section), ("Action", Action), ("Task", Task), ("Person", Person)):
            parts[lab] = [_node_of(r["p"], model) for r in self._read(Q_READ[lab], **params)]
        targets = [target_of(r["p"]) for r in self._read(Q_READ["Target"], **params)]
        members = sorted((membership_of(r["p"], r["person_id"], r["group_id"])
                          for r in self._read(Q_READ_MEMBER_OF, **params)), key=lambda m: m.id)
        cites = sorted((citation_of(r["p"], r["document_id"], r["cited_id"], r["key"])
                        for r in self._read(Q_READ_CITES, **params)), key=lambda c: c.id)
        aligns = sorted((alignment_of(r["p"], sk, r["source_id"], tk, r["target_id"])
                         for (sk, tk), cypher in Q_READ_ALIGNMENTS.items() for r in self._read(cypher, **params)),
                        key=lambda a: a.id)
        resp: list[Responsibility] = []
        for (role, kind), cypher in Q_READ_EDGES.items():
            for r in self._read(cypher, **params):
                resp.append(responsibility_of(r["p"], role, kind, r["organization_id"], r["target_id"]))
        resp.sort(key=lambda r: r.id)
        org_ids = sorted({r.organization_id for r in resp} | _member_orgs(members))
        org_params = {"all": document_ids is None, "ids": org_ids}
        orgs = [Organization(**_fields_lists(r["p"], Organization)) for r in self._read(Q_READ_ORGS, **org_params)]
        return Graph(
            documents=docs,
            sections=parts["Section"],
            actions=parts["Action"],
            tasks=parts["Task"],
            organizations=orgs,
            responsibilities=resp,
            targets=targets,
            people=parts["Person"],
            memberships=members,
            citations=cites,
            alignments=aligns,
        )

    def close(self) -> None:
        self._driver.close()


def _member_orgs(memberships: Iterable[Membership]) -> set[str]:
    """The organizations memberships name: leading groups and the units of posts."""
    out: set[str] = set()
    for m in memberships:
        out.add(m.group_id)
        if m.unit_id is not None:
            out.add(m.unit_id)
    return out


def _one_line(exc: BaseException) -> str:
    """The server's message without the driver's {code: ...} wrapping, on one line."""
    msg = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(msg).split())
