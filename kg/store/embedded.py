"""The default store: an embedded LadybugDB database kept in a folder (``./kg.db``).

Why embedded: analysts get a queryable graph with no server. The folder holds one
Ladybug database file (``graph.lbug`` and its write-ahead log); anything else in it means
the folder is not ours, and we refuse to touch it.

It writes the projection of kg/store/projection.py (tables: kg/store/schema.py, derived from the model).
Loading is one transaction per document (all-or-nothing), or per batch of new documents.
Rows go in with ``UNWIND $rows`` for small transactions and with ``COPY ... FROM`` an Arrow
table (pyarrow) for big ones: COPY rolls back with the transaction, but a transaction that
copies is checkpointed when it commits (~0.3 s, and more as the store grows), so it only pays
off for thousands of rows (see load(batch_documents=...)) — or inside bulk(), where a whole
block of loads commits, and checkpoints, once. CitedDocument placeholders are shared across
documents (created when missing); organizations are shared too: new ones are created, known
ones get the union of their aliases, and lose those only a document removed or replaced gave
(its NAMED_IN links).

A document's targets, people, memberships (MEMBER_OF, POST_IN) and citations (CITES) go in and
out with it; organizations and cited-document placeholders it leaves without an edge are removed
when it is replaced. Alignments (ALIGNS_WITH) span documents: load() ignores them and
replace_alignments() rewrites them all in one transaction.
"""
from __future__ import annotations

import ctypes
import datetime as _dt
import decimal
import itertools
import logging
import uuid
import warnings
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Iterator, Literal, Optional, cast

import ladybug as lb

from kg.cypher_guard import QueryRefused, check_read_only, parameters
from kg.errors import Advice, StoreError
from kg.gc_pause import gc_paused
from kg.ids import title_key
from kg.names import storable
from kg.model import Alignment, Graph, Organization, merge_aliases
from kg.store import counts as kc
from kg.store.base import BulkLoadError, DocResult, DocStatus, LoadResult, QueryResult, Store, retry_advice
from kg.store.embedded_schema import ddl, migrations, table_ddl
from kg.store import projection as pj
from kg.store.projection import Bundle, Columns, NodeCounts, Row
from kg.store.schema import DOCUMENT_PARTS, NAMED, NODE_TABLES, REL_TABLES, EdgeKey, q

DB_FILE = "graph.lbug"
# LadybugDB's refusal of a read-only open after a checkpoint was interrupted
CHECKPOINT_PENDING = "checkpoint recovery is pending"
LoadMethod = Literal["auto", "copy", "unwind"]
# COPY costs a checkpoint at COMMIT (~0.3 s); UNWIND ~0.2 ms a row. "auto" copies bigger chunks.
COPY_MIN_ROWS = 5000
ALIGN_BATCH = 10000  # alignment rows per UNWIND statement
ALIGN_COPY_BATCH = 100_000  # alignments made, then written, at a time (memory: ~0.1 GB of them at once)
# How Ladybug words a write that failed on disk (disk full, quota, file size limit, I/O error)
DISK_FAILURE = ("IO exception", "checkpoint failed")
# A commit whose checkpoint failed: Ladybug says the data is durable, but a COPY is written by the
# checkpoint, not the write-ahead log, so its rows are in memory only (measured on 0.22)
POST_COMMIT_CHECKPOINT = "post-commit checkpoint failed"
# A write-ahead-log write failed: the engine retries the torn page on every later write, and
# closing the database aborts the process (0.22); the next open finds the torn tail
WAL_FILE = ".wal"
TORN_WAL = "WAL file is corrupted"
log = logging.getLogger("kg.store")

# --------------------------------------------------------------------------- values


def _plain(v: Any) -> Any:
    """Ladybug values as plain JSON-able Python values."""
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (_dt.date, _dt.datetime, _dt.time)):
        return v.isoformat()
    if isinstance(v, _dt.timedelta):
        return v.total_seconds()
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, uuid.UUID):
        return str(v)
    return str(v)


# the organization columns that come from the model (the rest are its stored counts)
_ORG_COLS = [c.name for c in NODE_TABLES["Organization"].columns if c.path is not None]


_org_columns = attrgetter(*_ORG_COLS)  # one C call for every column (a tuple: there are several)


def _org_row(o: Organization) -> tuple[Any, ...]:
    """The model's columns of an organization (its counts are the store's)."""
    return _org_columns(o)


# --------------------------------------------------------------------------- COPY FROM Arrow

_ARROW_TYPES = {"STRING": "string", "INT64": "int64", "DOUBLE": "float64", "BOOL": "bool_"}


def _arrow_table(cols: list[tuple[str, str]], columns: Columns) -> Any:
    """Columns in table order as a pyarrow Table (Ladybug's COPY maps its columns by position)."""
    import pyarrow as pa

    def arrow_type(t: str) -> Any:
        return pa.list_(pa.string()) if t == "STRING[]" else getattr(pa, _ARROW_TYPES[t])()

    return pa.Table.from_arrays([pa.array(col, type=arrow_type(t)) for col, (_n, t) in zip(columns, cols)],
                                names=[n for n, _t in cols])


# --------------------------------------------------------------------------- the store


def _database(db_file: Path, read_only: bool) -> Any:
    """Open the Ladybug database. A write-ahead log that ends in a torn record (a write that failed on
    a full disk, or a process killed while writing) makes Ladybug refuse the store, although every
    transaction before the torn one committed: replay those and drop the torn one, and say so."""
    try:
        return lb.Database(str(db_file), read_only=read_only)
    except RuntimeError as e:
        if TORN_WAL not in str(e):
            raise
    log.warning("kg: %s: the write-ahead log ends in a write that never completed (a full disk, or a process "
                "stopped while writing); recovering every transaction committed before it", db_file)
    return lb.Database(str(db_file), read_only=read_only, throw_on_wal_replay_failure=False)


def _query_params(cypher: str, params: Optional[dict[str, Any]]) -> dict[str, Any]:
    """The parameters a statement names, taken from `params`; StoreError when one is missing."""
    wanted = parameters(cypher)
    params = {k: v for k, v in (params or {}).items() if k in wanted}
    missing = wanted - set(params)
    if missing:
        raise StoreError(f"missing query parameter(s): {', '.join('$' + m for m in sorted(missing))}")
    return params


def _link_changes(pairs: dict[tuple[str, str], int], have: dict[tuple[str, str], int]
                  ) -> tuple[list[tuple[str, str, int]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Shared-task changes (kc.changes) against the stored links: the links to create (a, b, tasks), to
    update ({a, b, n}) and to drop ({a, b}: none left), in pair order."""
    ordered = sorted(pairs, key=kc.pair_key)  # the order of sorted(pairs.items()), 5x faster
    if not have:  # a first build: every link is new
        return [(a, b, n) for (a, b), n in zip(ordered, map(pairs.__getitem__, ordered)) if n > 0], [], []
    create: list[tuple[str, str, int]] = []
    update: list[dict[str, Any]] = []
    drop: list[dict[str, Any]] = []
    for a, b in ordered:
        d = pairs[(a, b)]
        n = have.get((a, b), 0) + d
        if (a, b) not in have:
            if n > 0:
                create.append((a, b, n))
        elif n > 0:
            update.append({"a": a, "b": b, "n": n})
        else:
            drop.append({"a": a, "b": b})
    return create, update, drop


def _links_after(have: dict[tuple[str, str], int], create: list[tuple[str, str, int]],
                 update: list[dict[str, Any]], drop: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """The stored links as they are once the changes of _link_changes are written."""
    if not (have or update or drop):  # a first build: the links created
        return {(a, b): n for a, b, n in create}
    links = dict(have)
    links.update(((a, b), n) for a, b, n in create)
    links.update(((r["a"], r["b"]), r["n"]) for r in update)
    for r in drop:
        links.pop((r["a"], r["b"]), None)
    return links


def _storable_files(found: list[Bundle]) -> None:
    """A file name with bytes that are not UTF-8 is stored escaped, not refused."""
    for b in found:
        if storable(b.doc.file) != b.doc.file:
            b.doc = b.doc.model_copy(update={"file": storable(b.doc.file)})


def _leak(db: Any) -> None:
    """Keep a database object alive until the process ends. Closing (or freeing) a Ladybug 0.22
    database whose write-ahead-log writer failed throws from C++ and aborts the process, losing the
    report of what was written; the operating system releases its files and lock at exit, and the
    next open recovers what was committed (see _database)."""
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(db))  # not even interpreter shutdown frees it


class EmbeddedStore(Store):
    """A kg graph in an embedded LadybugDB database inside a folder."""

    backend = "embedded"
    build_batch_documents = 2000  # outside bulk(): one COPY and one checkpoint for many documents
    # the first write that failed on disk: from then on nothing more is written (see _stop_writing)
    _write_error: Optional[str] = None
    _poisoned = False  # a write-ahead-log write failed: the database cannot be closed (see _leak)

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.db_file = self.path / DB_FILE
        self._order: dict[str, list[str]] = {}  # table -> its columns as stored (ensure_schema)
        self._in_bulk = False  # inside bulk(): load() writes join the block's transaction
        self._bulk_failed = False
        self._tx_copied = False  # the open transaction made a COPY (see _durable_commit)
        # inside bulk(): the organizations written in the block (id -> row as stored), and whether the store
        # may hold organizations the block did not write (when it began, or since a replacement in it; if
        # not, no lookup is needed)
        self._block_orgs: dict[str, tuple[Any, ...]] = {}
        # inside bulk(): shared-task changes, organizations created and organizations perhaps left
        # without an edge, applied when the block ends (_end_block)
        self._block_pairs: dict[tuple[str, str], int] = {}
        self._block_created: dict[str, int] = {}  # id -> max_shared as written
        self._block_stale: set[str] = set()
        self._orgs_before_block = True
        # inside bulk(): organizations the block created and has not written yet (id -> their counts so far,
        # in kc.ORG_TOTALS order; the row is in _block_orgs) and the edges naming organizations, written
        # when the block ends (_flush_pending), so that each organization is written once with its counts
        # instead of being updated by every later chunk that names it
        self._pending_counts: dict[str, list[int]] = {}
        self._pending_edges: list[tuple[EdgeKey, Columns, bool]] = []
        self._pending_copy = False
        # inside bulk(): node tables written in the block, and whether by COPY (see _copies_nodes)
        self._block_copies: dict[str, bool] = {}
        self._replacing = False  # a replacement is being written: nothing is deferred (see _write_chunk)
        self._check_folder()
        try:
            try:
                self._db = _database(self.db_file, read_only)
            except RuntimeError as e:
                if not (read_only and CHECKPOINT_PENDING in str(e)):
                    raise
                self._finish_checkpoint()
                self._db = _database(self.db_file, True)
            self._conn = lb.Connection(self._db)
        except StoreError:
            raise
        except Exception as e:  # Ladybug raises RuntimeError for every kind of failure
            raise StoreError(
                f"{self.db_file}: cannot open the Ladybug database ({e}). If this folder is not a kg "
                f"store, use another folder; if another kg process is writing it, wait for it to finish.",
                advice=Advice("another-folder"),
            ) from e
        if read_only:
            self._check_current()
        else:
            self.ensure_schema()

    def _check_current(self) -> None:
        """A store opened read-only is one kg can read: all its tables, and the columns a newer kg added (an
        older store gets them when first opened for writing; read-only, say so instead of failing a query)."""
        tables = self._tables()
        missing = set(NODE_TABLES) - tables
        if missing:
            self.close()
            raise StoreError(f"{self.path}: not a kg store (no {', '.join(sorted(missing))} table)",
                             advice=Advice("build", (str(self.path),)))
        stored = {label: {r[1] for r in self._exec(f"CALL table_info('{label}') RETURN *")} for label in kc.NODE_COUNTS}
        lacking = [f"{label}.{c}" for label, names in kc.NODE_COUNTS.items() for c in names if c not in stored[label]]
        lacking += [t for t in (NAMED, kc.SHARES, kc.ACTIVE) if t not in tables]
        if lacking:
            self.close()
            raise StoreError(f"{self.path} was written by an older kg (it lacks {', '.join(lacking)}): open it for "
                             f"writing once, and kg adds them from what it holds (nothing is lost)",
                             advice=Advice("open-for-writing", (str(self.path),)))

    # ---- opening

    def _finish_checkpoint(self) -> None:
        """A process killed while checkpointing leaves the checkpoint for the next read-write open to
        finish, and read-only opens refuse the store until then (although no process is writing it).
        Finish it: it completes what was committed and changes nothing else. A process that is still
        writing holds the write lock, and then we say so."""
        try:
            lb.Database(str(self.db_file)).close()
        except Exception as e:
            if "lock" in str(e).lower():
                raise StoreError(f"{self.db_file}: another process is writing the store and checkpointing "
                                 f"it ({e}); wait for it to finish") from e
            raise StoreError(
                f"{self.db_file}: a process writing the store was stopped in the middle of a checkpoint, and "
                f"finishing it needs write access ({e}): open it for writing once, as a user who can write "
                f"{self.path}, then try again",
                advice=Advice("open-for-writing", (str(self.path),)),
            ) from e

    def _check_folder(self) -> None:
        p = self.path
        if p.exists() and not p.is_dir():
            raise StoreError(f"{p} is a file, not a kg store folder", advice=Advice("another-folder"))
        if p.is_dir():
            foreign = sorted(x.name for x in p.iterdir() if not x.name.startswith(DB_FILE))
            if foreign:
                shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
                raise StoreError(
                    f"{p} is not a kg store: it holds {shown}. A kg store folder holds only {DB_FILE}; "
                    f"use an empty or new folder",
                    advice=Advice("another-folder"),
                )
        if self.read_only and not self.db_file.exists():
            raise StoreError(f"no kg store at {p} (missing {DB_FILE})", advice=Advice("build", (str(p),)))
        if not self.read_only:
            p.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def version_stamp(path: str | Path) -> str:
        """A fingerprint of the stored data that every committed write changes and reads do not: name,
        size, inode and modification/change times (ns) of the Ladybug files (graph.lbug and its
        write-ahead log). Read-only and cheap (no database is opened): copies made from the store (the
        SPARQL store of kg.sparql_cache) are rebuilt when it changes. "" when there is no store."""
        import hashlib

        parts = []
        for f in sorted(Path(path).glob(DB_FILE + "*")):
            try:
                st = f.stat()
            except FileNotFoundError:  # a write-ahead log removed by a checkpoint meanwhile
                continue
            parts.append(f"{f.name}:{st.st_size}:{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}:{st.st_ctime_ns}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest() if parts else ""

    def _tables(self) -> set[str]:
        return {r[1] for r in self._exec("CALL show_tables() RETURN *")}

    def ensure_schema(self) -> None:
        """Declare node and relationship tables; idempotent (IF NOT EXISTS)."""
        if self.read_only:
            return
        stored = self._columns_stored()
        # a store written before the counts, or before one of them: count them all anew
        uncounted = any(label in stored and not set(names) <= set(stored[label])
                        for label, names in kc.NODE_COUNTS.items())
        unnamed = "Document" in stored and NAMED not in stored
        for stmt in ddl(skip=stored) + migrations(stored):
            self._exec(stmt)
        # a column a migration added comes last in its table
        self._order = {t: cols + [c for c in self._columns(t) if c not in cols] for t, cols in stored.items()}
        if uncounted:  # a store written before the counts (or one of them) existed: count once
            self._recount()
        if unnamed:  # written before NAMED_IN: every document gives the aliases its organizations have
            found = [tuple(r) for cypher in pj.NAMED_BEFORE for r in self._exec(cypher)]
            links = sorted({(o, d): a for o, d, a in found}.items())
            with self._transaction():
                self._write_edges((NAMED, "Organization", "Document"),
                                  [[o for (o, _d), _a in links], [d for (_o, d), _a in links], [a for _k, a in links]], False)
        # a store written before Document.title_key existed: fill it in
        rows = self._exec("MATCH (d:Document) WHERE d.title_key IS NULL RETURN d.id, d.title")
        if rows:
            self._exec("UNWIND $rows AS r MATCH (d:Document {id: r.id}) SET d.title_key = r.k",
                       {"rows": [{"id": i, "k": title_key(t or "")} for i, t in rows]})

    def _columns_stored(self) -> dict[str, list[str]]:
        """Each table's columns in the store's order (COPY maps an Arrow table's columns by position: a column
        added to an older store comes last)."""
        return {t: [r[1] for r in self._exec(f"CALL table_info('{t}') RETURN *")] for t in self._tables()}

    @staticmethod
    def _columns(table: str) -> list[str]:
        """A table's columns in the schema (kg/store/schema.py)."""
        return NODE_TABLES[table].names if table in NODE_TABLES else REL_TABLES[table].names if table in REL_TABLES else []

    def _recount(self) -> None:
        """Count every stored count anew from the edges (kg/store/counts.py), in one transaction."""
        with self._transaction():
            self._exec(f"MATCH ()-[w:{kc.ACTIVE}]->() DELETE w")
            self._exec(kc.RECOUNT_ACTIVE)
            self._exec(f"MATCH ()-[s:{kc.SHARES}]->() DELETE s")
            edges = [kc.Edge(o, t, "Task", "", None, "") for o, t in self._exec(
                "MATCH (o:Organization)-[:LEADS|RESPONSIBLE_FOR]->(t:Task) RETURN o.id, t.id")]
            pairs = sorted(kc.totals(edges).pairs.items())
            for i in range(0, len(pairs), ALIGN_BATCH):
                part = pairs[i:i + ALIGN_BATCH]
                self._write_edges((kc.SHARES, "Organization", "Organization"),
                                  [[a for (a, _b), _n in part], [b for (_a, b), _n in part], [n for _p, n in part]], False)
            for cypher in kc.RECOUNT.values():  # after the links: max_shared is read from them
                self._exec(cypher)

    def close(self) -> None:
        """Release the database file (Ladybug allows one writing process at a time)."""
        conn, db = getattr(self, "_conn", None), getattr(self, "_db", None)
        self._conn = self._db = None  # type: ignore[assignment]  # closed: typed for the open store, None after
        if conn is not None:
            conn.close()
        if db is not None:
            if self._poisoned:
                _leak(db)
            else:
                db.close()

    # ---- low level

    def _exec(self, cypher: str, params: Optional[dict[str, Any]] = None) -> list[list[Any]]:
        if self._conn is None:
            raise StoreError(f"{self.path}: the store is closed")
        res = self._conn.execute(cypher, params or {})
        if isinstance(res, list):
            res = res[-1]
        return cast("list[list[Any]]", res.get_all())  # rows are lists: dicts only after rows_as_dict(), never called

    def _rollback(self) -> None:
        try:
            self._exec("ROLLBACK")
        except Exception:
            pass  # Ladybug already rolled back the transaction on the failing statement

    # ---- run

    def run(self, cypher: str, params: Optional[dict[str, Any]] = None, *, write: bool = False) -> QueryResult:
        """Run one statement. Unless write=True it must pass the read-only guard (kg.cypher_guard), and it
        runs in a read-only transaction (or on a read-only database): the engine refuses a write too."""
        if write and self.read_only:
            raise StoreError(f"{self.path} is open read-only; open it without read_only to write")
        if not write:
            check_read_only(cypher)
        params = _query_params(cypher, params)
        if self._conn is None:
            raise StoreError(f"{self.path}: the store is closed")
        guard = not write and not self.read_only
        try:
            if guard:
                self._exec("BEGIN TRANSACTION READ ONLY")
            res = self._prepared(cypher, params)
            columns = list(res.get_column_names())
            rows = [[_plain(v) for v in row] for row in res.get_all()]
            if guard:
                self._exec("COMMIT")
        except StoreError:
            raise
        except Exception as e:
            if guard:
                self._rollback()
            raise self._query_failed(e) from e
        return QueryResult(columns, rows)

    def _query_failed(self, e: Exception) -> QueryRefused | StoreError:
        """The error to raise for a statement the database failed: a write it refused, or another failure."""
        msg = str(e)
        if "read-only" in msg or "read only" in msg.lower():
            return QueryRefused(f"refused by the database as a write: {msg}", "a write", 0)
        return StoreError(f"query failed on {self.path}: {msg}")

    def _prepared(self, cypher: str, params: dict[str, Any]) -> Any:
        """Run exactly one statement, exactly as written: prepared by the engine (which refuses several
        statements), then executed. Connection.execute(text) would run several, and rewrites some
        statements' text (scans of Python objects, to_json) before the engine sees it."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # prepare() is deprecated for execute()'s cache
            statement = self._conn.prepare(cypher, params)
        if not statement.is_success():
            raise RuntimeError(statement.get_error_message())
        return self._conn.execute(statement, params)

    # ---- stats / read back

    def stats(self) -> dict[str, int]:
        """Counts of every node label and role edge."""
        out = {}
        for key, label in (("documents", "Document"), ("sections", "Section"), ("actions", "Action"),
                           ("tasks", "Task"), ("organizations", "Organization")):
            out[key] = self._exec(f"MATCH (n:{label}) RETURN count(n)")[0][0]
        for key, rel in (("leads", "LEADS"), ("responsible_for", "RESPONSIBLE_FOR")):
            out[key] = self._exec(f"MATCH (:Organization)-[e:{rel}]->() RETURN count(e)")[0][0]
        for key, label in (("targets", "Target"), ("people", "Person")):
            out[key] = self._exec(f"MATCH (n:{label}) RETURN count(n)")[0][0]
        for key, rel in (("memberships", "MEMBER_OF"), ("citations", "CITES"), ("alignments", "ALIGNS_WITH")):
            out[key] = self._exec(f"MATCH ()-[e:{rel}]->() RETURN count(e)")[0][0]
        return out

    def nodes(self, label: str, ids: Optional[list[str]]) -> list[Row]:
        """Rows of the model's columns (not the stored counts) of a label's nodes, of some documents."""
        cols = [c.name for c in NODE_TABLES[label].columns if c.path is not None]
        ret = ", ".join(f"n.{q(c)}" for c in cols)
        if ids is None:  # in id order: read_graph's sort then has nothing to do
            found = self._exec(f"MATCH (n:{label}) RETURN {ret} ORDER BY n.id")
        else:
            key = "id" if label == "Document" else "document_id"
            found = self._exec(f"MATCH (n:{label}) WHERE n.{key} IN $ids RETURN {ret} ORDER BY n.id", {"ids": ids})
        return [dict(zip(cols, r)) for r in found]

    def edges(self, key: EdgeKey, ids: Optional[list[str]]) -> list[Row]:
        """Rows of the relationships that carry a model's objects (from, to, properties, and the fields kept
        on the TO node), of some documents."""
        rel, a, b = key
        spec = pj.carrier(key)
        props = REL_TABLES[rel].names
        ret = ", ".join([f"e.{q(c)}" for c in props] + [f"b.{q(c)}" for c in spec.on_node])
        if ids is None:
            where = ""
        elif "document_id" in props:
            where = "WHERE e.document_id IN $ids "
        elif a == "Document":
            where = "WHERE a.id IN $ids "
        else:  # across documents: both ends in them
            where = "WHERE a.document_id IN $ids AND b.document_id IN $ids "
        cols = ["from", "to", *props, *spec.on_node]
        found = self._exec(f"MATCH (a:{a})-[e:{rel}]->(b:{b}) {where}RETURN a.id, b.id, {ret}",
                           {"ids": ids} if ids is not None else None)
        return [dict(zip(cols, r)) for r in found]

    def organizations(self, ids: Optional[list[str]]) -> list[Row]:
        """Rows of the organizations (all, or those among ids)."""
        found = self.nodes("Organization", None)  # `IN $ids` scans every organization per id: filtered here
        if ids is None:
            return found
        keep = set(ids)
        return [r for r in found if r["id"] in keep]

    def to_graph(self, document_ids: Optional[list[str]] = None) -> Graph:
        """Read the stored graph (or some documents) back as a typed Graph, every list sorted by id. Every value
        was written by kg from model objects with the schema's types: built without validating again."""
        with gc_paused():  # 1.8M new objects at 2,000 plans, no cycle among them
            return pj.read_graph(self, list(document_ids) if document_ids is not None else None)

    # ---- alignments

    def replace_alignments(self, alignments: Iterable[Alignment]) -> int:
        """Delete every ALIGNS_WITH edge and write these, in one transaction; return how many were
        written (an alignment whose source or target is not stored is skipped). `alignments` may be a
        generator (kg.align.iter_align_store): it is consumed ALIGN_COPY_BATCH at a time, so the store
        never holds more than one batch of them in memory."""
        self._check_writable("write alignments", "replace_alignments()", "alignments not written")
        it = iter(alignments)
        first = list(itertools.islice(it, COPY_MIN_ROWS))
        copy = len(first) >= COPY_MIN_ROWS
        try:
            if copy:
                self._checkpoint()  # see _checkpoint_before_copy
            with self._transaction():
                return self._write_alignments(itertools.chain(first, it), copy)
        except Exception as e:
            raise StoreError(f"{self.path}: could not write alignments (the earlier ones are kept): {e}") from e

    def _write_alignments(self, alignments: Iterator[Alignment], copy: bool) -> int:
        """Inside a transaction: every ALIGNS_WITH edge deleted, these written a batch at a time; how many were."""
        # every id of the kind, read once: an IN list of 100k ids is a scan per id on Ladybug
        have = {kind: {r[0] for r in self._exec(f"MATCH (n:{kind}) RETURN n.id")} for kind in ("Action", "Task")}
        if copy:  # emptying the table by DDL (transactional) instead of deleting edge by edge (13 s at 670k)
            self._exec("DROP TABLE ALIGNS_WITH")
            self._exec(table_ddl("ALIGNS_WITH"))
        else:
            self._exec("MATCH ()-[e:ALIGNS_WITH]->() DELETE e")
        written = 0
        while batch := list(itertools.islice(alignments, ALIGN_COPY_BATCH)):
            written += self._write_alignment_batch(batch, have, copy)
        return written

    def _write_alignment_batch(self, batch: list[Alignment], have: dict[str, set[str]], copy: bool) -> int:
        keep = [al for al in batch
                if al.source_id in have.get(al.source_kind, ()) and al.target_id in have.get(al.target_kind, ())]
        for key, columns in pj.edge_columns(pj.CARRIER[Alignment], keep).items():
            if copy:  # COPY from an Arrow table: ~50x faster than UNWIND for 100k+ edges
                self._write_edges(key, columns, True)
            else:
                for i in range(0, len(columns[0]), ALIGN_BATCH):
                    self._write_edges(key, [c[i:i + ALIGN_BATCH] for c in columns], False)
        return len(keep)

    # ---- a write that failed on disk

    @property
    def write_error(self) -> Optional[str]:
        """Why this store stopped writing (the first write that failed on disk, or a failed commit), or None."""
        return self._write_error

    def _stopped(self) -> str:
        return (f"the store stopped writing after a write failed ({self._write_error}); it holds what was "
                f"committed before. {retry_advice(self._write_error)}, then run the same command again")

    def _not_written(self, b: Bundle) -> str:
        return f"{b.doc.file}: the store stopped writing after an earlier write failed (on disk, or at commit)"

    def _stored(self, ids: list[str]) -> list[list[Any]]:
        """(id, sha256, file) of the documents among ids in the store. After writing stopped, a store
        that cannot be read holds none as far as the report goes: nothing is claimed stored."""
        query = "UNWIND $ids AS i MATCH (d:Document {id: i}) RETURN d.id, d.sha256, d.file"
        if self._write_error is None:
            return self._exec(query, {"ids": ids})
        try:
            return self._exec(query, {"ids": ids})
        except Exception:
            return []

    def _after_failure(self, e: BaseException, at: Optional[str]) -> None:
        """After a write was rolled back: a failed commit or checkpoint (`at`), or a statement that failed
        on disk, stops all writing (a document's own fault, such as a taken id, does not)."""
        msg = str(e)
        if at is not None or any(w in msg for w in DISK_FAILURE):
            self._stop_writing(f"{at or 'write'}: {msg}")

    def _stop_writing(self, msg: str) -> None:
        """Stop at the first write that failed on disk, and never report a document as stored that is
        not: the disk is still full for the next write; after a failed write-ahead-log write Ladybug
        fails every later write on the same torn page (and cannot be closed, see _leak); and after a
        commit whose checkpoint failed its memory holds rows its files do not (a COPY), so the store
        is opened again to read what the files hold. What was committed before stays."""
        if self._write_error is None:
            self._write_error = " ".join(msg.split())[:500]
        if WAL_FILE in msg:
            self._poisoned = True
        elif POST_COMMIT_CHECKPOINT in msg and not self._poisoned:
            self._reopen()

    def _reopen(self) -> None:
        """Close and open the database again, so that reads see what its files hold."""
        self.close()
        try:
            self._db = _database(self.db_file, False)
            self._conn = lb.Connection(self._db)
        except Exception as e:  # reads then say the store is closed
            self._write_error = f"{self._write_error}; opening the store again failed too ({e})"

    def _open_anew(self) -> None:
        """After a bulk block that COPYed was rolled back: the database opened again, the old one kept open
        and never closed. Ladybug 0.22 rolls back a transaction that made two COPYs into a table holding
        rows with the table's primary-key index broken in memory ("Index contains an invalid node offset"
        at the next lookup), and closing writes that to disk; the files hold the store as committed, which a
        second open in the same process reads (measured). Costs the old database's memory until exit."""
        if self._poisoned or self._conn is None:
            return
        old = (self._conn, self._db)
        try:
            db = _database(self.db_file, False)
            conn = lb.Connection(db)
        except Exception as e:  # the old one stays: a lookup may fail, as before
            log.warning("kg: %s: could not open the store again after a bulk block rolled back: %s", self.path, e)
            return
        for x in old:
            _leak(x)
        self._db, self._conn = db, conn

    def _checkpoint(self) -> None:
        """CHECKPOINT; a failure stops all writing (see _stop_writing)."""
        try:
            self._exec("CHECKPOINT")
        except Exception as e:
            self._after_failure(e, "checkpoint")
            raise

    # ---- load

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Everything load() writes inside the block goes in one transaction, committed when the
        block ends: one checkpoint for the block instead of one per COPY transaction (a checkpoint
        rewrites what changed, and each costs more as the store grows). If a write fails, the whole
        block is rolled back and BulkLoadError raised; the caller loads the same graphs again
        outside bulk() to isolate the failing documents. Memory: the block's rows stay in memory
        until it commits, so a caller bounds the documents per block (kg.build does); the
        organizations the block creates and the edges naming organizations are written when it
        ends (_flush_pending), their columns held until then."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; cannot load")
        if self._in_bulk:
            raise StoreError("bulk() blocks do not nest")
        if self._write_error is not None:
            raise BulkLoadError(f"{self.path}: {self._stopped()}")
        try:
            self._checkpoint()  # see _checkpoint_before_copy
        except Exception as e:
            raise BulkLoadError(f"{self.path}: the checkpoint before a bulk load failed: {e}") from e
        self._exec("BEGIN TRANSACTION")
        self._tx_copied = False
        self._in_bulk = True
        self._block_orgs = {}
        self._block_pairs, self._block_created, self._block_stale = {}, {}, set()
        self._pending_counts, self._pending_edges, self._pending_copy = {}, [], False
        committing = False
        try:
            self._orgs_before_block = bool(self._exec("MATCH (o:Organization) RETURN o.id LIMIT 1"))
            self._block_copies = {}
            yield
            if self._bulk_failed:
                raise BulkLoadError(f"{self.path}: a write in this bulk block failed; nothing of it was kept")
            with gc_paused():  # the block's links and counts: millions of objects, no cycle among them
                self._end_block()
                committing = True
                self._exec("COMMIT")
        except BaseException as e:
            if committing and self._durable_commit(e):
                return  # the block is committed: the caller reports it stored
            self._rollback()
            if self._tx_copied and not committing:
                self._open_anew()
            self._after_failure(e, "commit" if committing else None)
            if isinstance(e, Exception) and not isinstance(e, BulkLoadError):
                raise BulkLoadError(f"{self.path}: bulk load rolled back: {e}") from e
            raise
        finally:
            self._in_bulk = False
            self._bulk_failed = False
            self._block_orgs = {}
            self._block_pairs, self._block_created, self._block_stale = {}, {}, set()
            self._pending_counts, self._pending_edges, self._pending_copy = {}, [], False
            self._block_copies = {}

    def load(
        self,
        graph: Graph,
        on_document: Optional[Callable[[DocResult], None]] = None,
        *,
        batch_documents: Optional[int] = None,
        method: LoadMethod = "auto",
        rewrite: Collection[str] = (),
    ) -> LoadResult:
        """Write the graph, each document all-or-nothing.

        batch_documents > 1 commits up to that many NEW documents in one transaction (faster
        for a first bulk load); if such a batch fails, it is rolled back and its documents
        are retried one per transaction, so a failure still leaves no partial document and
        the others load. Replaced documents always get a transaction of their own.
        method: "copy" (COPY FROM Arrow tables), "unwind" (UNWIND $rows) or "auto" (COPY for
        chunks of COPY_MIN_ROWS rows or more, where it measured faster).
        rewrite: ids of documents to delete and write anew even when their sha256 is unchanged.
        Inside bulk(), every write joins the block's transaction (batch_documents is moot) and a
        failing write raises BulkLoadError.
        """
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; cannot load")
        if method not in ("auto", "copy", "unwind"):
            raise ValueError(f"method must be 'auto', 'copy' or 'unwind', not {method!r}")
        if self._bulk_failed:
            raise BulkLoadError(f"{self.path}: an earlier write in this bulk block failed")
        with gc_paused():
            return self._load(graph, on_document, batch_documents or 1, method, rewrite)

    def _load(self, graph: Graph, on_document: Optional[Callable[[DocResult], None]], batch_documents: int,
              method: LoadMethod, rewrite: Collection[str]) -> LoadResult:
        found, problems = pj.bundles(graph)
        _storable_files(found)
        orgs = {o.id: o for o in graph.organizations}
        results: dict[int, DocResult] = {}
        order = {b.doc.id: i for i, b in enumerate(found)}
        before: dict[str, str] = {}  # document id -> the file its stored version came from

        def report(b: Bundle, status: DocStatus, error: Optional[str] = None) -> None:
            res = DocResult(b.doc.id, b.doc.file, status, error, before.get(b.doc.id) if status == "replaced" else None)
            results[order[b.doc.id]] = res
            if on_document:
                on_document(res)

        for p in problems:
            if on_document:
                on_document(p)
        existing, files = self._stored_versions(found)
        before.update(files)
        if self._write_error is not None:  # nothing is written: say what the store holds
            self._report_unwritten(found, existing, rewrite, report)
            return LoadResult(problems + [results[i] for i in sorted(results)])
        new = self._load_stored(found, existing, orgs, method, rewrite, report)
        self._load_new(new, orgs, method, batch_documents, report)
        self._write_loose_orgs(orgs, found)
        return LoadResult(problems + [results[i] for i in sorted(results)])

    def _stored_versions(self, found: list[Bundle]) -> tuple[dict[str, str], dict[str, str]]:
        """Of these documents, those in the store: id -> the sha256 stored, and id -> the file it came from."""
        if not found:
            return {}, {}
        stored = self._stored([b.doc.id for b in found])
        return {r[0]: r[1] for r in stored}, {r[0]: r[2] for r in stored}

    def _report_unwritten(self, found: list[Bundle], existing: dict[str, str], rewrite: Collection[str],
                          report: Callable[..., None]) -> None:
        """After writing stopped: each document is unchanged (stored as is) or failed (not written)."""
        for b in found:
            same = existing.get(b.doc.id) == b.doc.sha256 and b.doc.id not in rewrite
            report(b, "unchanged" if same else "failed", None if same else self._not_written(b))

    def _load_stored(self, found: list[Bundle], existing: dict[str, str], orgs: dict[str, Organization],
                     method: LoadMethod, rewrite: Collection[str], report: Callable[..., None]) -> list[Bundle]:
        """Check each document (a dangling reference fails it) and write the stored ones that changed, a
        transaction each; return the new ones, in order."""
        new: list[Bundle] = []
        org_ids = set(orgs)
        for b in found:
            try:
                b.check(org_ids)
            except StoreError as e:
                report(b, "failed", str(e))
                continue
            if b.doc.id in existing:
                if existing[b.doc.id] == b.doc.sha256 and b.doc.id not in rewrite:
                    report(b, "unchanged")
                    continue
                self._load_batch([b], orgs, method, replace=True, report=report)
            else:
                new.append(b)
        return new

    def _load_new(self, new: list[Bundle], orgs: dict[str, Organization], method: LoadMethod,
                  batch_documents: int, report: Callable[..., None]) -> None:
        """Write new documents batch_documents at a time (inside bulk(): all at once); a batch that fails is
        written again one document per transaction, which isolates the failing ones."""
        step = len(new) if self._in_bulk else max(1, batch_documents)
        for i in range(0, len(new), max(1, step)):
            chunk = new[i:i + step]
            if not self._load_batch(chunk, orgs, method, replace=False, report=report if len(chunk) == 1 else None):
                if len(chunk) > 1:
                    for b in chunk:  # retry one by one: isolates the failing document
                        self._load_batch([b], orgs, method, replace=False, report=report)
            elif len(chunk) > 1:
                for b in chunk:
                    report(b, "inserted")

    def _write_loose_orgs(self, orgs: dict[str, Organization], found: list[Bundle]) -> None:
        """Organizations no document refers to still belong in the store: one transaction for them."""
        loose = set(orgs) - {oid for b in found for oid in b.org_ids}
        if loose and self._write_error is None:
            try:
                with self._transaction():
                    self._write_orgs([orgs[o] for o in sorted(loose)])
            except BulkLoadError:
                raise
            except Exception as e:
                raise StoreError(f"{self.path}: could not write organizations: {e}") from e

    # _checkpoint_before_copy: a transaction that COPYs is checkpointed before it begins. Ladybug
    # 0.22 corrupts its heap (aborts with "double free or corruption") when a COPY rolls back while
    # committed writes are not yet checkpointed (UNWIND loads, `kg cypher --write` ...); a
    # checkpoint with nothing to write costs ~10 ms.

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A transaction of its own, or (inside bulk()) the block's: a failure there marks the
        block failed (Ladybug has rolled it back) and raises BulkLoadError."""
        if self._in_bulk:
            try:
                yield
            except BaseException as e:
                self._bulk_failed = True
                self._after_failure(e, None)
                if isinstance(e, Exception):
                    raise BulkLoadError(f"{self.path}: bulk load failed: {e}") from e
                raise
            return
        self._exec("BEGIN TRANSACTION")
        self._tx_copied = False
        committing = False
        try:
            yield
            committing = True
            self._exec("COMMIT")
        except BaseException as e:
            if committing and self._durable_commit(e):
                return
            self._rollback()
            self._after_failure(e, "commit" if committing else None)
            raise

    def _load_batch(self, chunk: list[Bundle], orgs: dict[str, Organization], method: LoadMethod,
                    replace: bool, report: Optional[Callable[..., None]]) -> bool:
        """One transaction for the chunk (inside bulk(): the block's); True when written."""
        if self._write_error is not None:
            if report:
                for b in chunk:
                    report(b, "failed", self._not_written(b))
            return False
        n_rows = sum(b.rows() for b in chunk)
        # inside bulk() a replacement COPYs, as the block's big loads do (see _copies_nodes)
        copy = method == "copy" or (method == "auto" and (n_rows >= COPY_MIN_ROWS or (replace and self._in_bulk)))
        try:
            if copy and not self._in_bulk:
                self._checkpoint()  # see _checkpoint_before_copy
            with self._transaction():
                self._write_chunk(chunk, orgs, replace, copy)
        except BulkLoadError:
            raise
        except Exception as e:
            if report:
                b = chunk[0]
                report(b, "failed", f"{b.doc.file}: {e}")
            return False
        if report and len(chunk) == 1:
            report(chunk[0], "replaced" if replace else "inserted")
        return True

    def _write_chunk(self, chunk: list[Bundle], orgs: dict[str, Organization], replace: bool, copy: bool) -> None:
        """Inside a transaction: the chunk's documents (a replaced one, alone in its chunk, deleted first), the
        counts and shared tasks of their organizations, and what a replaced one leaves without an edge."""
        stale_orgs: list[str] = []
        stale_cited: list[str] = []
        old_edges: list[Any] = []  # kc.Edge; the new ones are Responsibility objects (the same fields)
        if replace:
            # what the block deferred is written first: the deletion reads the stored edges, and what the
            # replacement leaves without an edge is found from them
            self._flush_pending(kc.max_out(self._block_pairs))
            stale_orgs, stale_cited, old_edges = self._delete_document(chunk[0].doc.id)
        self._replacing = replace
        try:
            changes, written = self._write_documents(chunk, orgs, old_edges, copy)
        finally:
            self._replacing = False
        self._add_org_counts(changes.orgs, written)
        if self._in_bulk:  # shared tasks once, when the block ends (see _end_block)
            self._add_to_block(changes.pairs, written, stale_orgs)
        else:
            self._apply_pairs(changes.pairs, written, copy)
        self._drop_stale(stale_orgs, stale_cited)

    def _write_documents(self, chunk: list[Bundle], orgs: dict[str, Organization], old_edges: list[Any],
                         copy: bool) -> tuple[kc.Changes, dict[str, int]]:
        """Inside a transaction: the rows of the chunk's documents, their organizations (new ones with their
        counts) and cited-document placeholders. Returns what the counts change by (the documents' stored
        edges `old_edges` replaced by theirs) and the organizations created, id -> the max_shared written."""
        new_edges = [r for b in chunk for r in b.parts["responsibilities"]]  # every field of kc.Edge
        rows = pj.project(chunk, orgs)
        self._write_nodes("Document", rows.nodes["Document"], copy)
        org_ids = sorted({oid for b in chunk for oid in b.org_ids})
        # documents added: the totals project() counted (what kc.changes gives then)
        changes = kc.changes(old_edges, new_edges) if old_edges else rows.totals
        # an organization created now has only the links of these documents so far (max_shared is set
        # again by _apply_pairs, or at the block's end, where later documents change it)
        if self._deferring():  # written when the block ends, with the block's counts (_flush_pending)
            self._write_orgs([orgs[o] for o in org_ids], copy)
            written: dict[str, int] = {}
        else:
            most = kc.max_out(changes.pairs)
            fresh = self._write_orgs([orgs[o] for o in org_ids], copy,
                                     {o: d + (most.get(o, 0),) for o, d in changes.orgs.items()})
            written = {o: most.get(o, 0) for o in fresh}
        self._write_cited(pj.cited_columns(c for b in chunk for c in b.parts["citations"]), copy)
        for label in DOCUMENT_PARTS:
            self._write_nodes(label, rows.nodes[label], copy)
        for key, columns in rows.edges.items():
            if "Organization" in key[1:] and self._deferring():  # its organizations may not be written yet
                self._pending_edges.append((key, columns, copy))
            else:
                self._write_edges(key, columns, copy)
        return changes, written

    def _add_to_block(self, pairs: dict[tuple[str, str], int], written: dict[str, int], stale_orgs: list[str]) -> None:
        """Inside bulk(): keep the shared-task changes, the organizations created and those perhaps left
        without an edge, for the end of the block (_end_block)."""
        if not self._block_pairs:
            self._block_pairs = pairs
        else:
            for pair, d in pairs.items():
                self._block_pairs[pair] = self._block_pairs.get(pair, 0) + d
        self._block_created.update(written)
        self._block_stale.update(stale_orgs)

    def _drop_stale(self, stale_orgs: list[str], stale_cited: list[str]) -> None:
        """Inside a transaction, after a document was replaced: the aliases of the organizations it named
        anew, and those organizations and the cited-document placeholders it cited left without an edge."""
        if stale_orgs:
            self._aliases_anew(stale_orgs)
            self._delete_orphan_orgs(stale_orgs)
            for oid in stale_orgs:  # perhaps deleted or renamed: ask the store next time
                self._block_orgs.pop(oid, None)
            # the store may now hold organizations the block does not know of: ask it (else one taken
            # for new is written a second time, a duplicate primary key that sank the block)
            self._orgs_before_block = True
        if stale_cited:
            self._delete_orphan_cited(stale_cited)

    def _delete_document(self, doc_id: str) -> tuple[list[str], list[str], list[kc.Edge]]:
        """Remove a document and its sections/actions/tasks/targets/people/edges; return the
        organizations and the cited-document placeholders it touched, and its LEADS and
        RESPONSIBLE_FOR edges (what the organization counts lose: kc.changes)."""
        p = {"id": doc_id}
        ret = "RETURN o.id, x.id, label(r), r.qualifier, r.document_id, r.deadline"
        old = [kc.Edge(o, x, kind, rel, qual, did, due) for kind, pattern in (
            ("Action", "(d:Document {id: $id})-[:HAS_ACTION]->(x:Action)"),
            ("Task", "(d:Document {id: $id})-[:HAS_ACTION]->(:Action)-[:HAS_TASK]->(x:Task)"))
            for o, x, rel, qual, did, due in self._exec(
                f"MATCH {pattern}<-[r:LEADS|RESPONSIBLE_FOR]-(o:Organization) {ret}", p)]
        orgs = self._exec(
            "MATCH (n:Person)-[]->(o:Organization) WHERE n.document_id = $id RETURN collect(DISTINCT o.id)", p)
        touched = sorted({x for row in orgs for col in row for x in (col or []) if x is not None}
                         | {e.organization_id for e in old})
        cited = sorted({r[0] for r in self._exec(
            "MATCH (d:Document {id: $id})-[:CITES]->(c:CitedDocument) RETURN DISTINCT c.id", p)})
        self._exec("MATCH (n:Target) WHERE n.document_id = $id DETACH DELETE n", p)
        self._exec("MATCH (n:Person) WHERE n.document_id = $id DETACH DELETE n", p)
        self._exec("MATCH (d:Document {id: $id})-[:HAS_ACTION]->(a:Action)-[:HAS_TASK]->(t:Task) DETACH DELETE t", p)
        self._exec("MATCH (d:Document {id: $id})-[:HAS_ACTION]->(a:Action) DETACH DELETE a", p)
        self._exec("MATCH (d:Document {id: $id})-[:HAS_SECTION]->(s:Section) DETACH DELETE s", p)
        self._exec("MATCH (d:Document {id: $id}) DETACH DELETE d", p)
        return touched, cited, old

    def _add_org_counts(self, deltas: dict[str, tuple[int, int, int, int]], fresh: Collection[str]) -> None:
        """Inside a transaction: add the organization counts that changed (kc.changes) to the stored
        ones; `fresh` organizations were just written with theirs."""
        known = []
        for o, d in sorted(deltas.items()):
            if o in fresh:
                continue
            pending = self._pending_counts.get(o)
            if pending is not None:  # not written yet: written with them
                for k, x in enumerate(d):
                    pending[k] += x
            else:
                known.append({"id": o, "e": d[0], "l": d[1], "n": d[2], "k": d[3]})
        if known:
            self._exec("UNWIND $rows AS r MATCH (o:Organization {id: r.id}) SET o.n_edges = o.n_edges + r.e, "
                       "o.n_leads = o.n_leads + r.l, o.n_documents = o.n_documents + r.n, "
                       "o.n_deadlines = o.n_deadlines + r.k", {"rows": known})

    def _end_block(self) -> None:
        """At the end of a bulk() block, in its transaction: the shared tasks of everything it loaded, at
        once (most links of a first build are new: written by one COPY, none updated), then the
        organizations its replacements left without an edge."""
        pairs = {p: d for p, d in self._block_pairs.items() if d}
        # links of organizations created in the block are all new
        have = self._stored_links(sorted({a for a, _b in pairs
                                          if a not in self._block_created and a not in self._pending_counts}))
        create, update, drop = _link_changes(pairs, have)
        # max_shared of every link as written (with none stored, the links are the pairs above 0: max_out
        # skips the others, and the links need not be made; 0.3 s at 2,000 plans)
        most = kc.max_out(_links_after(have, create, update, drop) if have else pairs)
        self._flush_pending(most)
        if pairs:
            self._write_link_changes(create, update, drop, True)
        # every organization the block created: one written before a replacement in the block took shared tasks
        # away again may have no changed pair left to say so (its pairs' changes add up to 0)
        self._set_max_shared(pairs, self._block_created, most, every_fresh=True)
        if self._block_stale:
            self._delete_orphan_orgs(sorted(self._block_stale))

    def _deferring(self) -> bool:
        """Whether organizations created now and the edges naming organizations wait for the block's end."""
        return self._in_bulk and not self._replacing

    def _flush_pending(self, most: dict[str, int]) -> None:
        """Inside bulk(): write the organizations the block created and has not written, with their counts
        and max_shared (`most`: by id, from the block's links), then the edges it deferred, in the order
        they came (the rows go in as they would have chunk by chunk)."""
        if self._pending_counts:
            ids = list(self._pending_counts)
            names = NODE_TABLES["Organization"].names
            by_name: dict[str, list[Any]] = dict(zip(_ORG_COLS, map(list, zip(*[self._block_orgs[i] for i in ids]))))
            counted = zip(*[(*self._pending_counts[i], most.get(i, 0)) for i in ids])
            by_name.update(zip(kc.NODE_COUNTS["Organization"], map(list, counted)))
            self._write_nodes("Organization", [by_name[n] for n in names], self._pending_copy)
            self._block_created.update((i, most.get(i, 0)) for i in ids)
            self._pending_counts = {}
        for key, columns, copy in self._pending_edges:
            self._write_edges(key, columns, copy)
        self._pending_edges, self._pending_copy = [], False

    def _apply_pairs(self, pairs: dict[tuple[str, str], int], fresh: dict[str, int], copy: bool) -> None:
        """Inside a transaction: add the shared tasks that changed (kc.changes) to the SHARES_TASKS links
        (a link at 0 goes), and take max_shared anew for the organizations on their smaller-id side;
        a link of a `fresh` organization (created since, id -> the max_shared it was written with) is new."""
        pairs = {p: d for p, d in pairs.items() if d}
        if not pairs:
            return
        have = self._stored_links(sorted({a for a, _b in pairs if a not in fresh}))
        create, update, drop = _link_changes(pairs, have)
        self._write_link_changes(create, update, drop, copy)
        self._set_max_shared(pairs, fresh, kc.max_out(_links_after(have, create, update, drop)))

    def _stored_links(self, ask: list[str]) -> dict[tuple[str, str], int]:
        """Every stored SHARES_TASKS link of these organizations (on its smaller-id side): (a, b) -> tasks."""
        if not ask:  # a pair with a fresh end is new
            return {}
        return {(a, b): n for a, b, n in self._exec(
            f"UNWIND $ids AS i MATCH (a:Organization {{id: i}})-[s:{kc.SHARES}]->(b:Organization) "
            "RETURN a.id, b.id, s.tasks", {"ids": ask})}

    def _write_link_changes(self, create: list[tuple[str, str, int]], update: list[dict[str, Any]],
                            drop: list[dict[str, Any]], copy: bool) -> None:
        """Inside a transaction: set, delete and create SHARES_TASKS links (see _link_changes)."""
        # three MATCH clauses: one pattern naming both ends by id is ~8x slower on Ladybug (measured)
        match = (f"UNWIND $rows AS r MATCH (a:Organization {{id: r.a}}) MATCH (b:Organization {{id: r.b}}) "
                 f"MATCH (a)-[s:{kc.SHARES}]->(b) ")
        if update:
            self._exec(match + "SET s.tasks = r.n", {"rows": update})
        if drop:
            self._exec(match + "DELETE s", {"rows": drop})
        if create:  # COPY for many (a small block's links go in the write-ahead log, see _durable_commit)
            self._write_edges((kc.SHARES, "Organization", "Organization"),
                              [list(c) for c in zip(*create)], copy and len(create) >= COPY_MIN_ROWS)

    def _set_max_shared(self, pairs: dict[tuple[str, str], int], fresh: dict[str, int],
                        largest: dict[str, int], every_fresh: bool = False) -> None:
        """Inside a transaction: max_shared anew for the organizations on the smaller-id side of `pairs` (and,
        with every_fresh, for every `fresh` one), from every link of theirs as it now is (`largest`: kc.max_out of
        the links); a `fresh` one written with that value is left as is."""
        most = dict.fromkeys({a for a, _b in pairs}, 0)
        if every_fresh:
            most.update(dict.fromkeys(fresh, 0))
        most.update({a: m for a, m in largest.items() if a in most})
        rows = [{"id": a, "m": m} for a, m in sorted(most.items()) if fresh.get(a) != m]
        if rows:
            self._exec("UNWIND $rows AS r MATCH (o:Organization {id: r.id}) SET o.max_shared = r.m", {"rows": rows})

    def remove(self, document_ids: Collection[str]) -> list[str]:
        """Remove these documents (and the organizations and cited-document placeholders left without an
        edge), in one transaction; return the ids that were stored."""
        self._check_writable("remove documents", "remove()", "nothing removed")
        ids = sorted({r[0] for r in self._stored(sorted(set(document_ids)))})
        if not ids:
            return []
        with self._transaction():
            orgs: set[str] = set()
            cited: set[str] = set()
            old: list[kc.Edge] = []
            for doc_id in ids:
                o, c, e = self._delete_document(doc_id)
                orgs.update(o)
                cited.update(c)
                old += e
            changes = kc.changes(old, [])
            self._add_org_counts(changes.orgs, ())
            self._apply_pairs(changes.pairs, {}, False)
            if orgs:
                self._aliases_anew(sorted(orgs))
                self._delete_orphan_orgs(sorted(orgs))
                for oid in orgs:
                    self._block_orgs.pop(oid, None)
            if cited:
                self._delete_orphan_cited(sorted(cited))
        return ids

    def _aliases_anew(self, ids: list[str]) -> None:
        """Inside a transaction, after documents naming these organizations went: their aliases are again
        those the stored documents give (kg/store/projection.py)."""
        rows = pj.aliases_given(self._exec(pj.ALIASES_READ, {"ids": ids}))
        if rows:
            self._exec(pj.ALIASES_SET, {"rows": rows})

    def _delete_orphan_orgs(self, ids: list[str]) -> None:
        """Organizations among ids with no edge left (LEADS, RESPONSIBLE_FOR, MEMBER_OF, POST_IN)."""
        self._exec(
            "MATCH (o:Organization) WHERE o.id IN $ids "
            "OPTIONAL MATCH (o)-[r]-() WITH o, count(r) AS n WHERE n = 0 DELETE o", {"ids": ids})

    def _delete_orphan_cited(self, ids: list[str]) -> None:
        """Cited-document placeholders among ids that no document cites any more."""
        self._exec(
            "MATCH (c:CitedDocument) WHERE c.id IN $ids "
            "OPTIONAL MATCH (:Document)-[e:CITES]->(c) WITH c, count(e) AS n WHERE n = 0 DELETE c", {"ids": ids})

    def _write_cited(self, columns: Columns, copy: bool = False) -> None:
        """MERGE CitedDocument placeholders by id (pj.cited_columns: one per id): create the ones not stored yet
        (first title seen wins)."""
        if not columns[0]:
            return
        have = {r[0] for r in self._exec("UNWIND $ids AS i MATCH (c:CitedDocument {id: i}) RETURN c.id",
                                         {"ids": sorted(columns[0])})}
        keep = [k for k, i in enumerate(columns[0]) if i not in have]
        self._write_nodes("CitedDocument", [[c[k] for k in keep] for c in columns], copy)

    def _write_orgs(self, orgs: list[Organization], copy: bool = False,
                    counts: Optional[NodeCounts] = None) -> set[str]:
        """MERGE by id: create new ones (with their `counts`, in kc.NODE_COUNTS["Organization"] order; none:
        zeros), update known ones with the union of aliases (merge_aliases); return the ids created."""
        if not orgs:
            return set()
        block = self._block_orgs if self._in_bulk else None
        have = self._orgs_stored([o.id for o in orgs], block)
        fresh = [o for o in orgs if o.id not in have]
        if self._deferring():  # written at the block's end with the counts it gives them (_flush_pending)
            zero = len(kc.ORG_TOTALS)
            self._pending_counts.update((o.id, [0] * zero) for o in fresh)
            self._pending_copy = self._pending_copy or copy
        else:
            self._write_nodes("Organization", pj.node_columns("Organization", fresh, counts=counts), copy)
        if block is not None:
            block.update((o.id, _org_row(o)) for o in fresh)
        created = {o.id for o in fresh}
        if have:
            self._update_known_orgs(orgs, have, block)
        return created

    def _orgs_stored(self, ids: list[str], block: Optional[dict[str, tuple[Any, ...]]]) -> dict[str, tuple[Any, ...]]:
        """The stored organizations among ids (id -> row of _ORG_COLS); inside bulk() (`block`: what the
        block wrote) only those the block did not write are asked of the store."""
        have: dict[str, tuple[Any, ...]] = {}
        ask = ids
        if block is not None:  # inside bulk(): what the block wrote is known; ask the store the rest
            have = {i: block[i] for i in ids if i in block}
            ask = [i for i in ask if i not in have] if self._orgs_before_block else []
        if ask:
            # UNWIND + a match on the key uses the primary-key index; `WHERE o.id IN $ids` scans every
            # organization against the list (seconds at 50k organizations)
            ret = ", ".join(f"o.{q(c)}" for c in _ORG_COLS)
            have.update({r[0]: tuple(r) for r in self._exec(
                f"UNWIND $ids AS i MATCH (o:Organization {{id: i}}) RETURN {ret}", {"ids": ask})})
        return have

    def _update_known_orgs(self, orgs: list[Organization], have: dict[str, tuple[Any, ...]],
                           block: Optional[dict[str, tuple[Any, ...]]]) -> None:
        """Update the stored organizations (`have`) that these change: the model's columns, with the union
        of aliases (merge_aliases); inside bulk(), `block` keeps the rows as written."""
        cols = _ORG_COLS
        aliases = cols.index("aliases")
        known = []
        for o in orgs:
            old = have.get(o.id)
            if old is not None:
                row = _org_row(o)
                row = row[:aliases] + (merge_aliases(old[aliases], o.aliases),) + row[aliases + 1:]
                if row != old:  # most documents name organizations the store already knows as is
                    if block is not None:
                        block[o.id] = row
                    if o.id not in self._pending_counts:  # else written at the block's end as it is then
                        known.append(dict(zip(cols, row)))
        if known:
            sets = ", ".join(f"n.{q(c)} = r.{q(c)}" for c in cols if c != "id")
            self._exec(f"UNWIND $rows AS r MATCH (n:Organization {{id: r.id}}) SET {sets}", {"rows": known})

    def _stored_order(self, table: str, names: list[str], columns: Columns) -> tuple[list[str], Columns]:
        """Names and columns in the order of the stored table (a column added to an older store comes last)."""
        stored = self._order.get(table)
        if not stored or stored == names or len(stored) != len(names):
            return names, columns
        at = {n: k for k, n in enumerate(names)}
        return stored, [columns[at[n]] for n in stored]

    def _copies_nodes(self, label: str, copy: bool) -> bool:
        """Whether a write of a label's nodes COPYs (`copy`: asked for). Inside bulk() the first write of a
        table in the block decides for the block: Ladybug 0.22 breaks a node table's primary-key index when a
        COPY into it follows a CREATE into it in the same transaction ("Primary-key index contains an invalid
        local node offset"; the rollback leaves it broken for the next statement, and closing writes that to
        disk), and a block mixes loads of any size (a replacement, a small chunk, a big one)."""
        if not self._in_bulk:
            return copy
        return self._block_copies.setdefault(label, copy)

    def _write_nodes(self, label: str, columns: Columns, copy: bool) -> None:
        """CREATE the nodes: COPY FROM an Arrow table when copy, else UNWIND (inside bulk(): _copies_nodes)."""
        if not columns[0]:
            return
        table = NODE_TABLES[label]
        if self._copies_nodes(label, copy):
            types = {c.name: c.type for c in table.columns}
            names, ordered = self._stored_order(label, table.names, columns)
            self._copy(label, _arrow_table([(n, types[n]) for n in names], ordered))
            return
        names = table.names
        props = ", ".join(f"{q(c)}: r.{q(c)}" for c in names)
        self._exec(f"UNWIND $rows AS r CREATE (n:{label} {{{props}}})", {"rows": pj.as_rows(names, columns)})

    def _write_edges(self, key: EdgeKey, columns: Columns, copy: bool) -> None:
        """CREATE the edges: COPY FROM an Arrow table when copy, else UNWIND."""
        if not columns[0]:
            return
        rel, a, b = key
        names = pj.edge_cols(rel)
        if copy:
            types = {"from": "STRING", "to": "STRING", **{c.name: c.type for c in REL_TABLES[rel].props}}
            ordered = self._stored_order(rel, names[2:], columns[2:])
            self._copy(rel, _arrow_table([(n, types[n]) for n in names[:2] + ordered[0]], columns[:2] + ordered[1]),
                       f" (from='{a}', to='{b}')")
            return
        props = names[2:]
        body = ("{" + ", ".join(f"{q(c)}: r.{q(c)}" for c in props) + "}") if props else ""
        # two MATCH clauses: one combined MATCH is ~100x slower on Ladybug
        self._exec(
            f"UNWIND $rows AS r MATCH (a:{a} {{id: r.`from`}}) MATCH (b:{b} {{id: r.`to`}}) "
            f"CREATE (a)-[:{rel} {body}]->(b)", {"rows": pj.as_rows(names, columns)})

    def _check_writable(self, cannot: str, call: str, not_done: str) -> None:
        """Raise StoreError unless a write of its own may start now: not read-only, not inside bulk(), and
        no earlier write failed on disk."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; cannot {cannot}")
        if self._in_bulk:
            raise StoreError(f"{call} cannot run inside a bulk() block")
        if self._write_error is not None:
            raise StoreError(f"{self.path}: {not_done}: {self._stopped()}")

    def _durable_commit(self, e: BaseException) -> bool:
        """A COMMIT whose post-commit checkpoint failed, in a transaction that made no COPY: its rows are in
        the write-ahead log, which the next open replays (Ladybug says so, and measured on 0.22), so the
        transaction counts as committed; writing still stops (see _stop_writing). A COPY's rows are
        written by the checkpoint only: that commit stays a failure, checked by reading the files again."""
        if POST_COMMIT_CHECKPOINT not in str(e) or self._tx_copied:
            return False
        self._after_failure(e, "commit")
        return True

    def _copy(self, table: str, rows: Any, options: str = "") -> None:
        """COPY table FROM an Arrow table, with a statement prepared for this call alone: Ladybug
        0.22 caches the statements execute() prepares, and a cached COPY keeps its Arrow data
        alive until the connection closes (and crashes when run again)."""
        if self._conn is None:
            raise StoreError(f"{self.path}: the store is closed")
        params = {"rows": rows}
        self._tx_copied = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # prepare() is deprecated for execute()'s cache
            statement = self._conn.prepare(f"COPY {table} FROM $rows{options}", params)
        self._conn.execute(statement, params)
