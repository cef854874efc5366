"""SPARQL on the RDF export: stores, the named .rq library, and a read-only SPARQL 1.1 endpoint.

* :func:`sparql_store` — the export of a Graph in a pyoxigraph Store, in memory or in a folder on
  disk (:func:`open_sparql_store` opens such a folder read-only, for serving).
* :func:`run_sparql` — a library query by name (``queries/*.rq``) or a literal SELECT/ASK/CONSTRUCT/
  DESCRIBE text, with parameters; rows as a :class:`kg.library.Page` (a QueryResult) of plain Python
  values, the same columns as the Cypher twin.
* :func:`serve` — the SPARQL 1.1 Protocol (GET ``?query=``, POST ``application/sparql-query`` and
  form ``query=``) on 127.0.0.1 only; results as JSON, CSV, TSV or XML by ``Accept``; updates are
  answered 403.

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
"""
from __future__ import annotations

import http.server
import itertools
import re
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Iterable, Optional, Union

import pyoxigraph as ox

from kg.errors import KgError, QueryError
from kg.library import NO_LIMIT, NamedQuery, Page, bind, list_queries
from kg.model import Graph

LIST_SEPARATOR = "\u001f"
"""GROUP_CONCAT separator of list columns: a control character no name or title contains."""
PARAM_PREFIX = "param_"
LOCALHOST = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 1 << 20

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {_XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {_XSD + t for t in ("decimal", "double", "float")}
_BOOLEAN = _XSD + "boolean"


class SparqlError(QueryError):
    """A SPARQL query that cannot be run: syntax, an update, a federated SERVICE, bad parameters."""


class UpdateRefused(SparqlError):
    """An update (INSERT, DELETE, LOAD, CLEAR …) sent where only queries are answered."""


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


# --------------------------------------------------------------------------------------------
# Query text checks (messages only: Store.query parses queries, never updates)
# --------------------------------------------------------------------------------------------

_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKENS = re.compile(
    r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''  # long strings
    r'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*\''''                            # strings
    r'''|<[^<>"{}|^`\\\s]*>'''                                                  # IRIs
    r'''|\#[^\n]*''',                                                           # comments
    re.DOTALL)
_UPDATE_RE = re.compile(r"(?<![\w?$:])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)(?![\w:])", re.I)
_SERVICE_RE = re.compile(r"(?<![\w?$:])SERVICE(?![\w:])", re.I)


def _code(text: str) -> str:
    """The query with \\u escapes decoded (SPARQL decodes them first) and strings, IRIs, comments blanked."""
    text = _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    return _TOKENS.sub(" ", text)


def update_keywords(text: str) -> list[str]:
    """Update keywords used as code in ``text`` (not inside strings, IRIs or comments)."""
    return sorted({m.group(1).upper() for m in _UPDATE_RE.finditer(_code(text))})


def _check_service(text: str) -> None:
    if _SERVICE_RE.search(_code(text)):
        raise SparqlError("SERVICE (federated query) is not allowed: kg answers from its own store only")


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
    """The named SPARQL queries (queries/*.rq), sorted by name."""
    return list_queries("sparql")


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


def _query(store: ox.Store, text: str, subs: dict[str, Any], *, default_graph=None, named_graphs=None):
    _check_service(text)
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
        return store.query(text, **kwargs)
    except SyntaxError as e:
        kws = update_keywords(text)
        if kws:
            raise UpdateRefused(f"SPARQL updates are refused ({', '.join(kws)}): kg answers SELECT, ASK, "
                                f"CONSTRUCT and DESCRIBE queries only; rebuild the store to change it") from None
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


_SELECT_RE = re.compile(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{)", re.I | re.S)
_VAR_RE = re.compile(r"[?$](\w+)")


def projected(text: str) -> list[str]:
    """Variables of the outermost SELECT clause (the first one in the query)."""
    m = _SELECT_RE.search(_code(text))
    return _VAR_RE.findall(m.group(1)) if m else []


def param_substitutions(text: str, params: dict[str, Any]) -> dict[str, Any]:
    """``{variable: value}`` for the ``?param_x`` / ``?param_x_zh`` variables the query projects.

    A parameter the query does not use is refused (as Cypher parameters are).
    """
    proj = set(projected(text))
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
    params = dict(params or {})
    named: Optional[NamedQuery] = None
    text = name_or_query
    if _NAME_RE.fullmatch(name_or_query.strip()):
        lib = {q.name: q for q in sparql_queries()}
        named = lib.get(name_or_query.strip())
        if named is None:
            raise SparqlError(f"no sparql query named {name_or_query.strip()!r}; the library has: {', '.join(lib)}")
        text = named.text
    limit: Optional[int] = None
    lists: set[str] = set()
    if named is not None:
        params = bind(named, params)
        if "limit" in params:
            limit = params.pop("limit")
            if limit < 0:
                raise SparqlError(f"query {named.name!r}: limit must be 0 or more, not {limit}")
            if limit >= NO_LIMIT:
                limit = None
        lists = set(header_list(named, "lists"))
    elif "limit" in params and params["limit"] is None:
        raise SparqlError("--all is for library queries; a SPARQL text gives every row unless it says LIMIT")
    subs = param_substitutions(text, params)
    result = _query(store, text, subs)
    if isinstance(result, ox.QueryBoolean):
        return Page(["ask"], [[bool(result)]], total=1)
    if isinstance(result, ox.QueryTriples):
        triples = [[to_python(t.subject), to_python(t.predicate), to_python(t.object)] for t in result]
        return Page(["subject", "predicate", "object"], triples, total=len(triples))
    variables = [v.value for v in result.variables]
    keep = [i for i, v in enumerate(variables) if v not in subs]
    columns = [variables[i] for i in keep]
    rows: list[list[Any]] = []
    stream = iter(result)
    solutions: Iterable = stream if limit is None else itertools.islice(stream, limit)
    for sol in solutions:
        row = []
        for i in keep:
            v = to_python(sol[i])
            if variables[i] in lists:
                v = _split(v)
            row.append(v)
        rows.append(row)
    more = sum(1 for _ in stream) if limit is not None else 0  # islice stops without taking one more
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


def _negotiate(accept: str, table: dict, default: str) -> Optional[str]:
    """The best media type of ``table`` for an Accept header (q-values honoured), or None."""
    if not accept.strip():
        return default
    choices = []
    for i, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        media, q = bits[0].lower(), 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        choices.append((-q, i, media))
    for negq, _i, media in sorted(choices):
        if negq == 0:
            break
        if media in table:
            return media
        if media in ("*/*", "application/*", "text/*"):
            if media == "text/*" and not default.startswith("text/"):
                fallback = next((m for m in table if m.startswith("text/")), None)
                if fallback:
                    return fallback
                continue
            return default
    return None


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "kg-sparql"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet unless asked
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    # -- helpers
    def _send(self, code: int, body: bytes, ctype: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, code: int, msg: str) -> None:
        self._send(code, (msg.rstrip("\n") + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _refuse_update(self) -> None:
        self._text(403, "This SPARQL endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR …) are refused. "
                        "Rebuild the store with kg to change the data.")

    def _path_ok(self) -> bool:
        path = urllib.parse.urlsplit(self.path).path
        if path in ("/", "/sparql", "/query"):
            return True
        self._text(404, f"no such resource {path}; the SPARQL endpoint is /sparql")
        return False

    # -- methods
    def do_GET(self) -> None:
        if not self._path_ok():
            return
        qs = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query, keep_blank_values=True)
        if "update" in qs:
            return self._refuse_update()
        if "query" not in qs:
            return self._text(200 if not qs else 400,
                              "kg read-only SPARQL 1.1 endpoint: GET /sparql?query=…, or POST application/sparql-query "
                              "or form query=…; results as application/sparql-results+json, text/csv, "
                              "text/tab-separated-values or application/sparql-results+xml")
        self._answer(qs)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        if not self._path_ok():
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return self._text(400, "bad Content-Length")
        if length > MAX_BODY:
            return self._text(413, f"request body over {MAX_BODY} bytes")
        body = self.rfile.read(length) if length > 0 else b""
        qs = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query, keep_blank_values=True)
        if ctype == "application/sparql-update" or "update" in qs:
            return self._refuse_update()
        if ctype == "application/sparql-query":
            qs["query"] = [body.decode("utf-8", "replace")]
        elif ctype == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            if "update" in form:
                return self._refuse_update()
            for k, v in form.items():
                qs.setdefault(k, []).extend(v)
        else:
            return self._text(415, "POST application/sparql-query, or application/x-www-form-urlencoded with query=…")
        if "query" not in qs:
            return self._text(400, "missing query")
        self._answer(qs)

    def do_PUT(self) -> None:
        self._refuse_update()

    do_DELETE = do_PATCH = do_PUT

    def _answer(self, qs: dict[str, list[str]]) -> None:
        if len(qs["query"]) != 1:
            return self._text(400, "give exactly one query")
        text = qs["query"][0]
        default = [ox.NamedNode(u) for u in qs.get("default-graph-uri", [])] or None
        named = [ox.NamedNode(u) for u in qs.get("named-graph-uri", [])] or None
        try:
            result = _query(self.server.store, text, {}, default_graph=default, named_graphs=named)  # type: ignore[attr-defined]
        except UpdateRefused:
            return self._refuse_update()
        except SparqlError as e:
            return self._text(400, str(e))
        except ValueError as e:  # a bad graph IRI
            return self._text(400, str(e))
        accept = self.headers.get("Accept") or ""
        try:
            if isinstance(result, ox.QueryTriples):
                media = _negotiate(accept, _GRAPH_TYPES, "text/turtle")
                if media is None:
                    return self._text(406, "acceptable: " + ", ".join(_GRAPH_TYPES))
                body = result.serialize(format=_GRAPH_TYPES[media])
            else:
                media = _negotiate(accept, _RESULT_TYPES, "application/sparql-results+json")
                if media is None:
                    return self._text(406, "acceptable: " + ", ".join(_RESULT_TYPES))
                if isinstance(result, ox.QueryBoolean) and _RESULT_TYPES[media] in (
                        ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV):
                    media = "application/sparql-results+json"
                body = result.serialize(format=_RESULT_TYPES[media])
        except (OSError, RuntimeError) as e:
            return self._text(500, f"SPARQL evaluation failed: {e}")
        charset = "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
        self._send(200, body, media + charset)


class SparqlServer(http.server.ThreadingHTTPServer):
    """A running read-only endpoint: ``.url`` (…/sparql), ``.port``, ``.shutdown()``, ``.wait()``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, store: ox.Store, host: str, port: int, verbose: bool = False) -> None:
        self.store = store
        self.verbose = verbose
        self.started = time.perf_counter()
        super().__init__((host, port), _Handler)
        self._thread: Optional[threading.Thread] = None

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        host = self.server_address[0]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/sparql"

    def start(self) -> "SparqlServer":
        self._thread = threading.Thread(target=self.serve_forever, name="kg-sparql", daemon=True)
        self._thread.start()
        return self

    def wait(self) -> None:
        """Block until interrupted (Ctrl-C), then stop."""
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.close()

    def close(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()

    def __enter__(self) -> "SparqlServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(source: Union[str, Path, Graph, ox.Store], host: str = "127.0.0.1", port: int = 0,
          verbose: bool = False) -> SparqlServer:
    """Start a read-only SPARQL 1.1 endpoint in a background thread and return it (already serving).

    ``source``: a folder made by :func:`sparql_store` (opened read-only), a Graph (loaded in memory)
    or a pyoxigraph Store.  Binds only to localhost; ``port=0`` picks a free port (see ``.port``).
    """
    if host not in LOCALHOST:
        raise KgError(f"the SPARQL endpoint binds to localhost only (127.0.0.1), not {host!r}; "
                      f"put a reverse proxy in front of it to publish it")
    if isinstance(source, ox.Store):
        store = source
    elif isinstance(source, Graph):
        store = sparql_store(source)
    else:
        store = open_sparql_store(source)
    if host == "localhost":
        host = "127.0.0.1"
    if host == "::1":
        class _V6(SparqlServer):
            address_family = __import__("socket").AF_INET6
        return _V6(store, host, port, verbose).start()
    return SparqlServer(store, host, port, verbose).start()


__all__ = ["LIST_SEPARATOR", "SparqlError", "SparqlServer", "UpdateRefused", "open_sparql_store", "run_sparql",
           "serve", "sparql_queries", "sparql_store", "to_literal", "to_python", "update_keywords"]
