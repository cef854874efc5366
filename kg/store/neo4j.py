"""Neo4j backend over Bolt with the official `neo4j` driver.

The same property-graph schema as the embedded store (kg/store/schema.py, derived from the model) and the
same rows (kg/store/projection.py), so queries/*.cypher run on both:

  (:Document)-[:HAS_SECTION]->(:Section)
  (:Document)-[:HAS_ACTION]->(:Action)          every action of the document
  (:Section)-[:HAS_ACTION]->(:Action)
  (:Action)-[:HAS_TASK]->(:Task)
  (:Organization)-[:LEADS|RESPONSIBLE_FOR {Responsibility's fields}]->(:Action|:Task)
  (:Document|:Action|:Task)-[:HAS_TARGET]->(:Target)
  (:Person)-[:MEMBER_OF {Membership's fields}]->(:Organization)
  (:Person)-[:POST_IN {id, post, post_title}]->(:Organization)
  (:Document)-[:CITES {Citation's fields}]->(:CitedDocument)
  (:Action|:Task)-[:ALIGNS_WITH {Alignment's fields}]->(:Action|:Task)   (replace_alignments)

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

from kg.config import neo4j_settings
from kg.cypher_guard import QueryRefused, check_read_only
from kg.errors import Advice, StoreError
from kg.model import Alignment, Graph, Organization, Responsibility, merge_aliases
from kg.names import storable
from kg.store import counts as kc
from kg.store.base import DocResult, DocStatus, LoadResult, QueryResult, Store
from kg.store import projection as pj
from kg.store.projection import Bundle, Columns, EdgeKey, Row
from kg.store.schema import CITED_FIELDS, DOCUMENT_PARTS, NAMED, NODE_TABLES, REL_TABLES, literal_values, q

log = logging.getLogger(__name__)

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
BATCH = 2000  # rows per UNWIND statement
BATCH_DOCUMENTS = 200  # documents per load transaction (a few large transactions, not one per document)

LABELS = tuple(NODE_TABLES)
# the relationships a batch of documents writes, and the alignments (replace_alignments)
DOCUMENT_EDGES: list[EdgeKey] = [(rel, a, b) for rel, t in REL_TABLES.items() for a, b in t.pairs
                                 if rel not in ("ALIGNS_WITH", kc.SHARES)]
ALIGN_EDGES = pj.read_keys(Alignment)
TARGET_KINDS = literal_values(Responsibility, "target_kind")
_ORG_COLS = [c.name for c in NODE_TABLES["Organization"].columns if c.path is not None]

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
        "RETURN o.id AS o, t.id AS t, type(r) AS role, r.qualifier AS qualifier, r.document_id AS d, "
        "r.deadline AS deadline"
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
# one statement per label and per (type, FROM, TO): labels and types cannot be parameters
Q_CREATE_NODES = {label: f"UNWIND $rows AS r CREATE (n:{label}) SET n = r RETURN count(n) AS n"
                  for label in ("Document", *DOCUMENT_PARTS)}


def _create_edges(rel: str, a: str, b: str) -> str:
    props = " SET e = r.props" if REL_TABLES[rel].props else ""
    return (f"UNWIND $rows AS r MATCH (a:{a} {{id: r.src}}) MATCH (b:{b} {{id: r.dst}}) "
            f"CREATE (a)-[e:{rel}]->(b){props} RETURN count(e) AS n")


Q_CREATE_EDGES = {key: _create_edges(*key) for key in DOCUMENT_EDGES}
Q_MERGE_CITED = (
    "UNWIND $rows AS r MERGE (c:CitedDocument {id: r.id}) ON CREATE SET "
    + ", ".join(f"c.{q(c)} = r.{q(c)}" for c, _f in CITED_FIELDS if c != "id") + " RETURN count(c) AS n"
)
Q_DROP_ORPHAN_CITED = (
    "UNWIND $ids AS cid MATCH (c:CitedDocument {id: cid}) "
    "OPTIONAL MATCH (d:Document)-[e:CITES]->(c) "
    "WITH c, count(e) AS n WHERE n = 0 DETACH DELETE c"
)
Q_ORG_ALIASES = "UNWIND $ids AS oid MATCH (o:Organization {id: oid}) RETURN o.id AS id, o.aliases AS aliases"
Q_MERGE_ORGS = (
    "UNWIND $rows AS r MERGE (o:Organization {id: r.id}) SET "
    + ", ".join(f"o.{q(c)} = r.{q(c)}" for c in _ORG_COLS if c != "id") + " SET "
    + ", ".join(f"o.{c} = coalesce(o.{c}, 0)" for c in kc.NODE_COUNTS["Organization"]) + " RETURN count(o) AS n"
)
# the stored counts (kg/store/counts.py): what changed, added to what is stored
Q_ADD_ORG_COUNTS = (
    "UNWIND $rows AS r MATCH (o:Organization {id: r.id}) "
    "SET o.n_edges = o.n_edges + r.e, o.n_leads = o.n_leads + r.l, o.n_documents = o.n_documents + r.n, "
    "o.n_deadlines = o.n_deadlines + r.k"
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
# aliases: what the documents stored give (kg/store/projection.py); a store written before NAMED_IN
Q_ALIASES_READ = pj.ALIASES_READ
Q_ALIASES_SET = pj.ALIASES_SET
Q_UNNAMED = (f"MATCH (o:Organization)-[:LEADS|RESPONSIBLE_FOR]->() WITH o LIMIT 1 "
             f"OPTIONAL MATCH (o)-[n:{NAMED}]->(:Document) WITH o, count(n) AS n WHERE n = 0 RETURN o.id AS id")
# written before the counts (no Task.n_units), or before Organization.n_deadlines: counted anew
Q_UNCOUNTED = (
    "OPTIONAL MATCH (t:Task) WHERE t.n_units IS NULL WITH count(t) AS n "
    "OPTIONAL MATCH (o:Organization) WHERE o.n_deadlines IS NULL WITH n, count(o) AS m RETURN n + m AS n"
)
# the same, asked of a store opened read-only (which cannot count): is any stored count missing?
Q_LACKING = {
    "Task.n_units": "MATCH (t:Task) WHERE t.n_units IS NULL RETURN 1 AS x LIMIT 1",
    "Organization.n_deadlines": "MATCH (o:Organization) WHERE o.n_deadlines IS NULL RETURN 1 AS x LIMIT 1",
}
Q_DROP_ACTIVE = f"MATCH (:Organization)-[w:{kc.ACTIVE}]->(:Document) DELETE w"
Q_RECOUNT_ACTIVE = kc.RECOUNT_ACTIVE
Q_DROP_SHARED = f"MATCH (:Organization)-[s:{kc.SHARES}]->(:Organization) DELETE s"
Q_RECOUNT = dict(kc.RECOUNT)
Q_RECOUNT_SHARED = (
    "MATCH (a:Organization)-[:LEADS|RESPONSIBLE_FOR]->(t:Task)<-[:LEADS|RESPONSIBLE_FOR]-(b:Organization) "
    "WHERE a.id < b.id WITH DISTINCT a, b, t WITH a, b, count(*) AS n "
    f"CREATE (a)-[:{kc.SHARES} {{tasks: n}}]->(b)"
)
Q_DROP_ORPHAN_ORGS = (
    "UNWIND $ids AS oid MATCH (o:Organization {id: oid}) "
    "OPTIONAL MATCH (o)-[e:LEADS|RESPONSIBLE_FOR]->(t:Action|Task) "
    "WITH o, count(e) AS n "
    "OPTIONAL MATCH (p:Person)-[m:MEMBER_OF|POST_IN]->(o) "
    "WITH o, n, count(m) AS k WHERE n + k = 0 DETACH DELETE o"
)

# --- alignments (derived across documents: replace_alignments) ------------------------------
Q_DELETE_ALIGNMENTS = "MATCH (a:Action|Task)-[e:ALIGNS_WITH]->(b:Action|Task) DELETE e"
Q_CREATE_ALIGNMENTS = {key: _create_edges(*key) for key in ALIGN_EDGES}

# --- read back ----------------------------------------------------------------------------


def _read_nodes(label: str) -> str:
    where = "n.id IN $ids" if label == "Document" else "n.document_id IN $ids"
    return f"MATCH (n:{label}) WHERE $all OR {where} RETURN properties(n) AS p ORDER BY n.id"


def _read_edges(rel: str, a: str, b: str) -> str:
    """A carrier relationship's properties, ends and the fields its class keeps on the end node, of some documents."""
    where = ("e.document_id IN $ids" if "document_id" in REL_TABLES[rel].names else "a.id IN $ids" if a == "Document"
             else "a.document_id IN $ids AND b.document_id IN $ids")  # across documents: both ends in them
    extra = "".join(f", b.{q(f)} AS {f}" for f in pj.carrier((rel, a, b)).on_node)
    return f"MATCH (a:{a})-[e:{rel}]->(b:{b}) WHERE $all OR {where} RETURN properties(e) AS p, a.id AS src, b.id AS dst{extra}"


Q_READ = {label: _read_nodes(label) for label in ("Document", *DOCUMENT_PARTS)}
Q_READ_EDGES = {key: _read_edges(*key) for spec in pj.CARRIER.values() for key in pj.read_keys(spec.model)}
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


def _edge_rows(rel: str, columns: Columns) -> list[dict[str, Any]]:
    """Edge columns as the rows the statements take: the two ends, and the properties as one map."""
    names = REL_TABLES[rel].names
    return [{"src": r[0], "dst": r[1], "props": dict(zip(names, r[2:]))} for r in zip(*columns)]


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
            if read_only:
                self._refuse_uncounted()
        except BaseException as exc:
            self._driver.close()
            if isinstance(exc, Exception) and not isinstance(exc, StoreError):
                raise self._connect_error(exc) from None
            raise

    def _refuse_uncounted(self) -> None:
        """A database written before a stored count, opened read-only, is refused with what it lacks (its
        queries would read null counts and answer wrongly); opened for writing, it is counted anew."""
        lacking = [name for name, cypher in Q_LACKING.items() if self._read(cypher)]
        lacking += ["NAMED_IN"] if self._read(Q_UNNAMED) else []
        if lacking:
            raise StoreError(f"Neo4j at {self.uri} was written by an older kg (it lacks {', '.join(lacking)}): open it "
                             f"for writing once, and kg adds them from what it holds (nothing is lost)",
                             advice=Advice("open-neo4j-for-writing"))

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
        if self._read(Q_UNNAMED):  # written before NAMED_IN: every document gives the aliases its organizations have
            self._name_all()

    def _name_all(self) -> None:
        """The NAMED_IN links of a store written before them, in one transaction."""
        def work(tx: neo4j.ManagedTransaction) -> None:
            found = {(r["o"], r["d"]): r["a"] for cypher in pj.NAMED_BEFORE for r in tx.run(cypher)}
            rows = [{"src": o, "dst": d, "props": {"aliases": a or []}} for (o, d), a in sorted(found.items())]
            for chunk in _chunks(rows):
                tx.run(Q_CREATE_EDGES[(NAMED, "Organization", "Document")], rows=chunk).consume()
        try:
            with self._session(write=True) as s:
                s.execute_write(work)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._error(exc, "naming") from None

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
            Neo4jStore._aliases_anew(run, orgs)
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
            for kind, cypher in Q_DOC_EDGES.items():
                old += [kc.Edge(r["o"], r["t"], kind, r["role"], r["qualifier"], r["d"], r["deadline"])
                        for r in run(cypher, ids=chunk)]
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
        rows = [{"id": o, "e": d[0], "l": d[1], "n": d[2], "k": d[3]} for o, d in sorted(changes.orgs.items())]
        for chunk in _chunks(rows):
            run(Q_ADD_ORG_COUNTS, rows=chunk)
        pairs = [{"a": a, "b": b, "n": n} for (a, b), n in sorted(changes.pairs.items())]
        for chunk in _chunks(pairs):
            run(Q_ADD_SHARED, rows=chunk)
        for ids in _chunks(sorted({a for a, _b in changes.pairs})):
            run(Q_MAX_SHARED, ids=ids)

    @staticmethod
    def _aliases_anew(run: Callable[..., list[dict[str, Any]]], orgs: set[str]) -> None:
        """After documents naming these organizations went: their aliases are again those the stored
        documents give (kg/store/projection.py)."""
        for chunk in _chunks(sorted(orgs)):
            rows = pj.aliases_given((r["id"], r["aliases"]) for r in run(Q_ALIASES_READ, ids=chunk))
            if rows:
                run(Q_ALIASES_SET, rows=rows)

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
        found, problems = pj.bundles(graph)
        result = LoadResult()

        def report(res: DocResult) -> None:
            result.documents.append(res)
            if on_document is not None:
                on_document(res)

        for res in problems:
            report(res)
        ready = self._ready(found, set(orgs), report)
        size = max(1, batch_documents or BATCH_DOCUMENTS)
        for i in range(0, len(ready), size):
            for res in self._write_isolating(ready[i:i + size], orgs, rewrite):
                report(res)
        self._write_loose_orgs(orgs, found)
        return result

    @staticmethod
    def _ready(found: list[Bundle], org_ids: set[str], report: Callable[[DocResult], None]) -> list[Bundle]:
        """The documents to write: those without a dangling reference (the others reported failed), each
        file name storable."""
        ready: list[Bundle] = []
        for b in found:
            try:
                b.check(org_ids)
            except StoreError as exc:
                report(DocResult(document_id=b.doc.id, file=b.doc.file, status="failed", error=str(exc)))
                continue
            # a file name with bytes that are not UTF-8 is stored escaped, as the embedded store does
            if storable(b.doc.file) != b.doc.file:
                b.doc = b.doc.model_copy(update={"file": storable(b.doc.file)})
            ready.append(b)
        return ready

    def _write_isolating(self, batch: list[Bundle], orgs: dict[str, Organization],
                         rewrite: Collection[str]) -> list[DocResult]:
        """One transaction for the batch; when it fails and holds several, one per document (the culprit fails alone)."""
        try:
            written = self._write_batch(batch, orgs, rewrite)
        except (nx.ServiceUnavailable, nx.SessionExpired, nx.AuthError) as exc:
            raise self._connect_error(exc) from None  # nothing more will load: stop here
        except (StoreError, nx.Neo4jError, nx.DriverError) as exc:
            if len(batch) > 1:
                return [res for b in batch for res in self._write_isolating([b], orgs, rewrite)]
            doc = batch[0].doc
            why = str(exc) if isinstance(exc, StoreError) else f"{doc.file}: write rolled back: {_one_line(exc)}"
            return [DocResult(document_id=doc.id, file=doc.file, status="failed", error=why)]
        return [DocResult(document_id=b.doc.id, file=b.doc.file, status=st, previous_file=prev)
                for b, (st, prev) in zip(batch, written)]

    def _write_loose_orgs(self, orgs: dict[str, Organization], found: list[Bundle]) -> None:
        """Organizations no document refers to still belong in the store (as in the embedded store)."""
        loose = sorted(set(orgs) - {oid for b in found for oid in b.org_ids})
        if loose:
            try:
                with self._session(write=True) as s:
                    s.execute_write(self._merge_orgs, [orgs[o] for o in loose])
            except (nx.Neo4jError, nx.DriverError) as exc:
                raise self._error(exc, "writing organizations") from None

    def _write_batch(self, batch: list[Bundle], orgs: dict[str, Organization],
                     rewrite: Collection[str] = ()) -> list[tuple[DocStatus, Optional[str]]]:
        with self._session(write=True) as s:
            return s.execute_write(self._write_documents, batch, orgs, rewrite)

    @staticmethod
    def _merge_orgs(tx: neo4j.ManagedTransaction, orgs: list[Organization]) -> None:
        """MERGE by id; aliases are the union of the stored and the new ones (merge_aliases)."""
        stored: dict[str, list[str]] = {}
        for ids in _chunks([o.id for o in orgs]):
            stored.update({r["id"]: r["aliases"] or [] for r in tx.run(Q_ORG_ALIASES, ids=ids)})
        rows = pj.as_rows(_ORG_COLS, pj.node_columns("Organization", orgs)[:len(_ORG_COLS)])
        for row in rows:
            row["aliases"] = merge_aliases(stored.get(row["id"]), row["aliases"])
        for chunk in _chunks(rows):
            got = tx.run(Q_MERGE_ORGS, rows=chunk).single()
            if got is None or got["n"] != len(chunk):
                raise StoreError(f"wrote {got['n'] if got else 0} of {len(chunk)} organizations")

    @staticmethod
    def _write_documents(tx: neo4j.ManagedTransaction, batch: list[Bundle], orgs: dict[str, Organization],
                         rewrite: Collection[str] = ()) -> list[tuple[DocStatus, Optional[str]]]:
        """Write a batch of documents in this transaction; their statuses, in order, each with the file
        the stored version came from when replaced."""
        docs = [b.doc for b in batch]
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
        statuses: list[DocStatus] = ["unchanged" if stored.get(d.id) == d.sha256 and d.id not in rewrite
                    else "replaced" if d.id in stored else "inserted" for d in docs]
        old = [d.id for d, st in zip(docs, statuses) if st == "replaced"]
        old_orgs, old_cited, old_edges = Neo4jStore._delete_documents(run, old)

        new = [b for b, st in zip(batch, statuses) if st != "unchanged"]
        changes = kc.Changes()
        if new:
            rows = pj.project(new, orgs)
            for label, cypher in Q_CREATE_NODES.items():
                batched(cypher, pj.as_rows(NODE_TABLES[label].names, rows.nodes[label]), f"{label} nodes")
            used = sorted({oid for b in new for oid in b.org_ids})
            if used:
                Neo4jStore._merge_orgs(tx, [orgs[oid] for oid in used])
            cited = pj.cited_columns(c for b in new for c in b.parts["citations"])
            batched(Q_MERGE_CITED, pj.as_rows(NODE_TABLES["CitedDocument"].names, cited), "cited documents")
            for (rel, a, b), cypher in Q_CREATE_EDGES.items():
                batched(cypher, _edge_rows(rel, rows.edges[(rel, a, b)]), f"{rel} edges from {a} to {b}")
            changes = kc.changes(old_edges, [r for b in new for r in b.parts["responsibilities"]])
        elif old_edges:
            changes = kc.changes(old_edges, [])
        Neo4jStore._apply_changes(run, changes)
        Neo4jStore._aliases_anew(run, old_orgs)
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
            for key, columns in pj.edge_columns(pj.CARRIER[Alignment], alignments).items():
                for chunk in _chunks(_edge_rows(key[0], columns)):
                    got = tx.run(Q_CREATE_ALIGNMENTS[key], rows=chunk).single()
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
        elif not self._schema_done:  # opened for writing: an older database gets its counts first
            self.ensure_schema()
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
        every list sorted by id, as the embedded store does. The server's values are validated."""
        return pj.read_graph(_Rows(self), list(document_ids) if document_ids is not None else None, validate=True)

    def close(self) -> None:
        self._driver.close()


class _Rows:
    """The rows read_graph takes, read over Bolt (a list property a server dropped when empty comes back None)."""

    def __init__(self, store: Neo4jStore) -> None:
        self.store = store

    def _params(self, ids: Optional[list[str]]) -> dict[str, Any]:
        return {"all": ids is None, "ids": ids or []}

    def nodes(self, label: str, ids: Optional[list[str]]) -> list[Row]:
        blank = dict.fromkeys(NODE_TABLES[label].names)  # a property the server does not hold is None
        return [{**blank, **r["p"]} for r in self.store._read(Q_READ[label], **self._params(ids))]

    def edges(self, key: EdgeKey, ids: Optional[list[str]]) -> list[Row]:
        on_node = pj.carrier(key).on_node
        blank = dict.fromkeys(REL_TABLES[key[0]].names)
        return [{**blank, **r["p"], "from": r["src"], "to": r["dst"], **{f: r[f] for f in on_node}}
                for r in self.store._read(Q_READ_EDGES[key], **self._params(ids))]

    def organizations(self, ids: Optional[list[str]]) -> list[Row]:
        blank = dict.fromkeys(NODE_TABLES["Organization"].names)
        return [{**blank, **r["p"]} for r in self.store._read(Q_READ_ORGS, **self._params(ids))]


def _one_line(exc: BaseException) -> str:
    """The server's message without the driver's {code: ...} wrapping, on one line."""
    msg = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(msg).split())
