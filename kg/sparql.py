"""SPARQL on the RDF export: stores, the named .rq library, and a read-only SPARQL 1.1 endpoint.

* :func:`sparql_store` — the export of a Graph in a pyoxigraph Store, in memory or in a folder on
  disk (:func:`open_sparql_store` opens such a folder read-only, for serving).
* :func:`store_sparql` — the SPARQL store of a kg store: for the embedded store its persistent
  Oxigraph copy beside it (``kg.db.oxigraph/``, rebuilt when the store changed: kg.sparql_cache).
* :func:`run_sparql` — a library query by name (``queries/*.rq``) or a literal SELECT/ASK/CONSTRUCT/
  DESCRIBE text, with parameters; rows as a :class:`kg.library.Page` (a QueryResult) of plain Python
  values, the same columns as the Cypher twin.
* :func:`serve` — the SPARQL 1.1 Protocol (GET ``?query=``, POST ``application/sparql-query`` and
  form ``query=``) on 127.0.0.1 unless opened on purpose; results as JSON, CSV, TSV or XML by
  ``Accept``; updates are answered 403 (kg/sparql_server.py: queries run in worker processes that
  are killed at the time limit, kg/sparql_pool.py).

Every text passes :func:`kg.sparql_guard.guard` first, and what runs is the guard's canonical text:
one read query, no SERVICE (see that module for why a keyword scan is not enough).

Parameters are never spliced into query text.  A parameter ``x`` is the variable ``?param_x``
(an xsd:string literal, or xsd:integer for ints) and, for strings, ``?param_x_zh`` (the same text
tagged @zh, to meet names and titles, which are @zh, through the index).  The query projects the
ones it uses (last), pyoxigraph substitutes them with RDF literals before evaluation
(``Store.query(substitutions=…)``, SEP-0007 — it only accepts projected variables), and their
columns are dropped from the rows.  A substituted constant is as fast as one written in the text;
``BIND(STRLANG(?param_x, "zh") …)`` is 30× slower (hash joins), measured.  ``limit`` is the
exception: SPARQL's LIMIT takes no variable, so kg applies it to the ordered rows (``ORDER BY``
stays in the query, the rows are cut while they stream).  The library uses ``LATERAL`` (SEP-0006,
Oxigraph and Jena) where a few rows found from a parameter fetch their details: a plain join
there is a hash join over the whole store.

The default graph of every query is the union of all graphs (document content lives in one named
graph per document, shared organizations and concepts in the default graph).  Headers of a .rq file:
``# question:``, ``# params:`` (as in the .cypher twin) and ``# lists: a, b`` — columns that are lists
in Cypher, written in SPARQL as ``GROUP_CONCAT(…; separator="\\u001F")`` and returned as sorted lists
(empty items dropped: a group with nothing in it concatenates ``COALESCE(?x, "")``).

A listing over the whole store can choose its page first: a sub-select that orders the page's keys ends in
``LIMIT 100 # page`` (the default limit), and kg writes the limit asked there (2**30 for every row), so the
details are fetched for that page alone.  Each key must give one row or more, in the order of the keys.  Such
a query has a count form, ``queries/NAME.count.rq`` (one row, column ``total``: the rows without the limit,
the same parameters), which gives the page's total when the page is full; it is not a query of the library.
The rankings and filters choose their page from the derived counts of the export (kg:nUnits, kg:nDocuments,
kg:Involvement, kg:TaskSharing …: kg.rdf writes them, counted as the property graph counts them), as the
Cypher twins read the counts the store keeps, so that no listing counts every assignment of the store.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

import pyoxigraph as ox

from kg.errors import Advice, KgError
from kg.library import NO_LIMIT, NamedQuery, Page, bind, list_queries
from kg.model import Graph
from kg.sparql_guard import ServiceRefused, SparqlError, UpdateRefused, guard, update_keywords

PAGE_RE = re.compile(r"\bLIMIT[ \t]+\d+(?=[ \t]*#[ \t]*page\b)", re.IGNORECASE)
"""The page's LIMIT in a library query (``LIMIT 100 # page``): kg writes the limit asked there."""
LIST_SEPARATOR = "\u001f"
"""GROUP_CONCAT separator of list columns: a control character no name or title contains."""
PARAM_PREFIX = "param_"

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {_XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {_XSD + t for t in ("decimal", "double", "float")}
_BOOLEAN = _XSD + "boolean"


# --------------------------------------------------------------------------------------------
# Stores
# --------------------------------------------------------------------------------------------

def sparql_store(graph: Optional[Graph] = None, path: Union[str, Path, None] = None) -> ox.Store:
    """The RDF export of ``graph`` in a pyoxigraph Store: in memory, or on disk in folder ``path``.

    An on-disk folder is created if needed; if it already holds an Oxigraph store, that store's
    content is replaced.  A folder holding anything else is refused.
    """
    from kg.rdf import load_into

    if path is None:
        store = ox.Store()
    else:
        p = Path(path)
        if p.exists() and not p.is_dir():
            raise KgError(f"{p} is a file; pass a folder for the SPARQL store")
        if p.is_dir() and any(p.iterdir()) and not (p / "CURRENT").exists():
            raise KgError(f"{p} is not an Oxigraph store folder (no CURRENT file) and is not empty; "
                          f"pass an empty or new folder")
        p.mkdir(parents=True, exist_ok=True)
        try:
            store = ox.Store(str(p))
        except OSError as e:
            raise KgError(f"{p}: cannot open the Oxigraph store ({e}); is another process using it?") from e
        store.clear()
    if graph is not None:
        load_into(graph, store)
    if path is not None:
        store.flush()
    return store


def open_sparql_store(path: Union[str, Path]) -> ox.Store:
    """An on-disk store made by :func:`sparql_store`, opened read-only (for serving)."""
    p = Path(path)
    if not (p / "CURRENT").exists():
        raise KgError(f"no Oxigraph store at {p}; make one with kg.sparql.sparql_store(graph, path={str(p)!r})")
    try:
        return ox.Store.read_only(str(p))
    except OSError as e:
        raise KgError(f"{p}: cannot open the Oxigraph store read-only ({e})") from e


def store_sparql(db: Union[str, Path, None] = None, backend: Optional[str] = None,
                 progress: Optional[Callable[[str], None]] = None) -> ox.Store:
    """The SPARQL store of a kg store, read-only.  For the embedded store: its persistent Oxigraph copy
    beside it (``kg.db.oxigraph/``, kg.sparql_cache), rebuilt first when the store changed since, so
    a query does not export the whole graph again.  For Neo4j: the export, in memory."""
    return open_store_sparql(db, backend, progress)[0]


def open_store_sparql(db: Union[str, Path, None] = None, backend: Optional[str] = None,
                      progress: Optional[Callable[[str], None]] = None) -> tuple[ox.Store, Optional[Path]]:
    """As :func:`store_sparql`, with the folder of the persistent copy (None for Neo4j), for serving."""
    from kg.config import default_db
    from kg.store import open_store, resolve_backend

    from kg.progress import steps

    rep = steps(progress)

    def in_memory(where: Any) -> ox.Store:
        with open_store(backend, where, read_only=True) as store:
            with rep.step("sparql store: reading the store"):
                graph = store.to_graph()
        with rep.step("sparql store: loading the RDF export into Oxigraph, in memory"):
            return sparql_store(graph)

    if resolve_backend(backend) != "embedded":
        return in_memory(db), None
    from kg.sparql_cache import CacheUnwritable, open_cached

    path = Path(db) if db else default_db()
    try:
        cached = open_cached(path, progress)
    except CacheUnwritable as e:  # a store in a read-only place: export it in memory, as before
        rep.line(f"{e}; exporting the store in memory for this call")
        return in_memory(path), None
    return cached.store, cached.path


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------

def to_python(term: Any) -> Any:
    """An RDF term as a plain Python value: numbers as int/float, booleans, other literals as text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        v = term.value
        try:
            if dt in _INTEGER_TYPES:
                return int(v)
            if dt in _FLOAT_TYPES:
                return float(v)
        except ValueError:
            return v
        if dt == _BOOLEAN:
            return v in ("true", "1")
        return v
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def to_literal(value: Any) -> ox.Literal:
    """A parameter value as an RDF literal (never as query text)."""
    if isinstance(value, ox.Literal):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_BOOLEAN))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(_XSD + "double"))
    if value is None:
        raise SparqlError("a parameter value cannot be null")
    return ox.Literal(str(value))


def _split(cell: Any) -> list:
    if cell is None:
        return []
    return sorted(x for x in str(cell).split(LIST_SEPARATOR) if x)


# --------------------------------------------------------------------------------------------
# The library and run_sparql
# --------------------------------------------------------------------------------------------

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def sparql_queries() -> list[NamedQuery]:
    """The named SPARQL queries (queries/*.rq; a count form NAME.count.rq is part of its query), sorted by name."""
    return list_queries("sparql")


def _count(store: ox.Store, text: str, params: dict[str, Any]) -> int:
    """The ``total`` of a count form (no row: 0), with the parameters it projects."""
    proj = set(projected(text, library=True))
    used = {k: v for k, v in params.items() if PARAM_PREFIX + k in proj or PARAM_PREFIX + k + "_zh" in proj}
    result = _query(store, text, param_substitutions(text, used, library=True), library=True)
    if not isinstance(result, ox.QuerySolutions) or "total" not in [v.value for v in result.variables]:
        raise SparqlError("a count form is a SELECT of one column, total")
    try:
        rows = [to_python(sol["total"]) for sol in result]
    except (OSError, RuntimeError) as e:
        raise SparqlError(f"SPARQL query failed: {e}") from None
    if len(rows) > 1 or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in rows):
        raise SparqlError(f"a count form gives one row, a whole number in total; this one gave {rows[:2]}")
    return rows[0] if rows else 0


def header_list(query: NamedQuery, key: str) -> list[str]:
    """A comma-separated header line of a .rq file, e.g. ``# lists: leads, documents``."""
    for line in query.text.splitlines():
        line = line.strip()
        if not line.startswith("#"):
            break
        k, _, v = line[1:].strip().partition(":")
        if k.strip() == key:
            return [x.strip() for x in v.split(",") if x.strip()]
    return []


def _query(store: ox.Store, text: str, subs: dict[str, Any], *, default_graph=None, named_graphs=None,
           library: bool = False):
    """Guard ``text`` and run the guard's canonical text; engine errors become :class:`SparqlError`.

    ``library``: the text is a file of queries/*.rq (the guard skips its rdflib pass, see there)."""
    checked = guard(text, parse=not library)
    kwargs: dict[str, Any] = {}
    if subs:
        kwargs["substitutions"] = {ox.Variable(k): to_literal(v) for k, v in subs.items()}
    if default_graph:
        kwargs["default_graph"] = default_graph
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = named_graphs
    try:
        return store.query(checked.text, **kwargs)
    except SyntaxError as e:
        raise SparqlError(f"SPARQL syntax error: {e}") from None
    except RuntimeError as e:
        msg = str(e)
        m = re.search(r"variable \?(\w+) in its SELECT projection", msg)
        if m:
            raise SparqlError(f"parameter {m.group(1)[len(PARAM_PREFIX):] if m.group(1).startswith(PARAM_PREFIX) else m.group(1)}: "
                              f"the query must SELECT ?{m.group(1)} (last) for kg to bind it") from None
        raise SparqlError(f"SPARQL query failed: {msg}") from None
    except OSError as e:
        raise SparqlError(f"SPARQL query failed reading the store: {e}") from None


def projected(text: str, library: bool = False) -> list[str]:
    """Variables of the outermost SELECT clause (the first one in the query)."""
    return list(guard(text, parse=not library).projected)


def param_substitutions(text: str, params: dict[str, Any], library: bool = False) -> dict[str, Any]:
    """``{variable: value}`` for the ``?param_x`` / ``?param_x_zh`` variables the query projects.

    A parameter the query does not use is refused (as Cypher parameters are).
    """
    proj = set(projected(text, library))
    subs: dict[str, Any] = {}
    for k, v in params.items():
        if not _NAME_RE.fullmatch(k):
            raise SparqlError(f"parameter name {k!r}: use letters, digits and _")
        used = False
        if PARAM_PREFIX + k in proj:
            subs[PARAM_PREFIX + k] = v
            used = True
        if PARAM_PREFIX + k + "_zh" in proj and isinstance(v, str):
            subs[PARAM_PREFIX + k + "_zh"] = ox.Literal(v, language="zh")
            used = True
        if not used:
            raise SparqlError(f"parameter {k}: the query must SELECT ?{PARAM_PREFIX}{k} (or ?{PARAM_PREFIX}{k}_zh) "
                              f"as its last columns for kg to bind it")
    return subs


def run_sparql(store: ox.Store, name_or_query: str, params: Optional[dict[str, Any]] = None) -> Page:
    """Run a library query (by name) or a literal SPARQL query; rows of plain Python values.

    Parameter ``x`` is bound to the projected variable ``?param_x`` as an RDF literal and its column
    dropped; ``limit`` (library queries; None or "all" for every row) is applied to the ordered rows,
    and the rows past it are counted, not converted: the :class:`kg.library.Page` says ``total`` and
    ``truncated``.  Library parameters are
    checked and typed from the file's ``# params:`` header, as for Cypher.  Updates raise
    :class:`UpdateRefused`.  ASK gives one row ``[True|False]`` in column ``ask``; CONSTRUCT and
    DESCRIBE give columns subject, predicate, object.
    """
    named = _library_query(name_or_query)
    plan = _plan(named, named.text if named else name_or_query, dict(params or {}))
    subs = param_substitutions(plan.text, plan.params, library=named is not None)
    result = _query(store, plan.text, subs, library=named is not None)
    if isinstance(result, ox.QueryBoolean):
        return Page(["ask"], [[bool(result)]], total=1)
    if isinstance(result, ox.QueryTriples):
        return _triples_page(result)
    return _solutions_page(store, result, subs, plan)


@dataclass(frozen=True)
class _Plan:
    """A query ready to run: its text (the page's LIMIT written in), its parameters (typed, limit taken
    out), the limit (None: every row), the list columns and the count form when the query picks its page."""

    text: str
    params: dict[str, Any]
    limit: Optional[int] = None
    lists: frozenset[str] = frozenset()
    counted: Optional[str] = None


def _library_query(name_or_query: str) -> Optional[NamedQuery]:
    """The library query a bare name names (None for a SPARQL text)."""
    name = name_or_query.strip()
    if not _NAME_RE.fullmatch(name):
        return None
    lib = {q.name: q for q in sparql_queries()}
    if name not in lib:
        raise SparqlError(f"no sparql query named {name!r}; the library has: {', '.join(lib)}")
    return lib[name]


def _plan(named: Optional[NamedQuery], text: str, params: dict[str, Any]) -> _Plan:
    if named is None:
        if "limit" in params and params["limit"] is None:
            raise SparqlError("every row (limit None) is for library queries; a SPARQL text gives every row unless "
                              "it says LIMIT", advice=Advice("no-every-row"))
        return _Plan(text, params)
    params = bind(named, params)
    limit: Optional[int] = params.pop("limit", None)
    if limit is not None and limit < 0:
        raise SparqlError(f"query {named.name!r}: limit must be 0 or more, not {limit}")
    if limit is not None and limit >= NO_LIMIT:
        limit = None
    counted = None
    if PAGE_RE.search(text):
        counted = named.count
        if counted is None or "limit" not in {p.name for p in named.params}:
            raise SparqlError(f"query {named.name!r} picks its page (LIMIT … # page): it needs a limit "
                              f"parameter and a count form, queries/{named.name}.count.rq")
        text = PAGE_RE.sub(f"LIMIT {NO_LIMIT if limit is None else limit}", text)
    return _Plan(text, params, limit, frozenset(header_list(named, "lists")), counted)


def _triples_page(result: ox.QueryTriples) -> Page:
    try:
        triples = [[to_python(t.subject), to_python(t.predicate), to_python(t.object)] for t in result]
    except (OSError, RuntimeError) as e:
        raise SparqlError(f"SPARQL query failed: {e}") from None
    return Page(["subject", "predicate", "object"], triples, total=len(triples))


def _solutions_page(store: ox.Store, result: ox.QuerySolutions, subs: dict[str, Any], plan: _Plan) -> Page:
    """The rows up to the limit, converted; the rows past it counted, not converted (by the count form
    when the query picked its page: the rows past it were never made)."""
    variables = [v.value for v in result.variables]
    keep = [i for i, v in enumerate(variables) if v not in subs]
    columns = [variables[i] for i in keep]
    split = [variables[i] in plan.lists for i in keep]
    limit = plan.limit
    stream = iter(result)
    solutions: Iterable = stream if limit is None else itertools.islice(stream, limit)
    try:  # solutions are computed while they stream: engine errors surface here too
        rows = [[_split(to_python(sol[i])) if s else to_python(sol[i]) for i, s in zip(keep, split)]
                for sol in solutions]
        if plan.counted is not None and limit is not None and len(rows) == limit:
            total = _count(store, plan.counted, plan.params)
            return Page(columns, rows, limit=limit, total=total, truncated=total > len(rows))
        more = sum(1 for _ in stream) if limit is not None else 0  # islice stops without taking one more
    except (OSError, RuntimeError) as e:
        raise SparqlError(f"SPARQL query failed: {e}") from None
    return Page(columns, rows, limit=limit, total=len(rows) + more, truncated=more > 0)


# --------------------------------------------------------------------------------------------
# The read-only SPARQL 1.1 Protocol endpoint
# --------------------------------------------------------------------------------------------

_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
}
_GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def _accepted(accept: str) -> list[str]:
    """The media types of an Accept header, best first (q-values honoured, ties in the header's order);
    those with q=0 (or a malformed q) are left out."""
    choices = []
    for i, part in enumerate(accept.split(",")):
        media, *bits = [b.strip() for b in part.split(";")]
        choices.append((-_quality(bits), i, media.lower()))
    return [media for negq, _i, media in sorted(choices) if negq < 0]


def _quality(bits: list[str]) -> float:
    q = 1.0
    for b in bits:
        if b.startswith("q="):
            try:
                q = float(b[2:])
            except ValueError:
                q = 0.0
    return q


def _negotiate(accept: str, table: dict, default: str) -> Optional[str]:
    """The best media type of ``table`` for an Accept header (q-values honoured), or None."""
    if not accept.strip():
        return default
    for media in _accepted(accept):
        if media in table:
            return media
        if media == "text/*" and not default.startswith("text/"):
            fallback = next((m for m in table if m.startswith("text/")), None)
            if fallback:
                return fallback
        elif media in ("*/*", "application/*", "text/*"):
            return default
    return None


READ_ONLY_MESSAGE = ("This SPARQL endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR …) are refused. "
                     "Rebuild the store with kg to change the data.")


@dataclass(frozen=True)
class Reply:
    """An HTTP answer made away from the socket (in a worker process): status, media type, body."""

    status: int
    ctype: str
    body: bytes

    @classmethod
    def text(cls, status: int, msg: str) -> "Reply":
        return cls(status, "text/plain; charset=utf-8", (msg.rstrip("\n") + "\n").encode("utf-8"))


def graph_iris(values: Optional[list[str]], what: str) -> Optional[list[ox.NamedNode]]:
    """``default-graph-uri`` / ``named-graph-uri`` values as NamedNodes; a bad IRI is a SparqlError."""
    if not values:
        return None
    out = []
    for v in values:
        try:
            out.append(ox.NamedNode(v))
        except ValueError as e:
            raise SparqlError(f"{what}: {v[:200]!r} is not an absolute IRI ({e})") from None
    return out


def answer(store: ox.Store, query: str, accept: str = "", default_graph: Optional[list[str]] = None,
           named_graphs: Optional[list[str]] = None) -> Reply:
    """The SPARQL 1.1 Protocol answer to one query: guarded, run, serialised as ``Accept`` asks.

    Never raises for a bad query: refusals are 400 (syntax, SERVICE, bad graph IRI) or 403 (updates).
    """
    try:
        default = graph_iris(default_graph, "default-graph-uri")
        named = graph_iris(named_graphs, "named-graph-uri")
        result = _query(store, query, {}, default_graph=default, named_graphs=named)
    except UpdateRefused:
        return Reply.text(403, READ_ONLY_MESSAGE)
    except SparqlError as e:
        return Reply.text(400, str(e))
    try:
        if isinstance(result, ox.QueryTriples):
            media = _negotiate(accept, _GRAPH_TYPES, "text/turtle")
            if media is None:
                return Reply.text(406, "acceptable: " + ", ".join(_GRAPH_TYPES))
            body = result.serialize(format=_GRAPH_TYPES[media])
        else:
            media = _negotiate(accept, _RESULT_TYPES, "application/sparql-results+json")
            if media is None:
                return Reply.text(406, "acceptable: " + ", ".join(_RESULT_TYPES))
            if isinstance(result, ox.QueryBoolean) and _RESULT_TYPES[media] in (
                    ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV):
                media = "application/sparql-results+json"
            body = result.serialize(format=_RESULT_TYPES[media])
    except (OSError, RuntimeError) as e:
        return Reply.text(500, f"SPARQL evaluation failed: {e}")
    charset = "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
    return Reply(200, media + charset, body or b"")


def serve(source: Union[str, Path, Graph, ox.Store], host: str = "127.0.0.1", port: int = 0,
          verbose: bool = False, **options: Any):
    """Start the read-only SPARQL 1.1 endpoint (see :func:`kg.sparql_server.serve`)."""
    from kg.sparql_server import serve as _serve

    return _serve(source, host, port, verbose, **options)


def __getattr__(name: str) -> Any:  # SparqlServer lives with the server; imported on first use
    if name == "SparqlServer":
        from kg.sparql_server import SparqlServer

        return SparqlServer
    raise AttributeError(name)


__all__ = ["LIST_SEPARATOR", "Reply", "ServiceRefused", "SparqlError", "UpdateRefused", "answer",
           "open_sparql_store", "open_store_sparql", "run_sparql", "serve", "sparql_queries", "sparql_store",
           "store_sparql", "to_literal", "to_python", "update_keywords"]
