"""The read-only SPARQL 1.1 Protocol endpoint, hardened for a hostile network neighbour.

* Every query runs in a worker process (:mod:`kg.sparql_pool`) under a time limit; past it, or when
  the client disconnects, the worker is killed and the answer is 503 — the other queries go on.
* Connections are bounded (``max_connections``; the next ones get an immediate 503 and no thread)
  and a connection idle for ``idle_timeout`` seconds is closed: half-open sockets cannot pin threads.
* The Host header must name this endpoint (its address, ``localhost`` or ``*.localhost``): a web
  page on another name that resolves to 127.0.0.1 (DNS rebinding) gets 403.  Binding elsewhere than
  localhost is refused unless asked for on purpose (``public=True``); then the address given is
  accepted too, and on a wildcard address (0.0.0.0, ::) the check is off — its names are unknown.
* CORS (``Access-Control-Allow-Origin``) and OPTIONS preflight, so browser SPARQL clients (YASGUI)
  can query it; reads only, so a cross-origin page learns what the store holds and nothing more.
* One log line per request (``log``), never a traceback for a bad request.
"""
from __future__ import annotations

import errno
import http.server
import socket
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

import pyoxigraph as ox

from kg.errors import KgError
from kg.model import Graph
from kg.sparql import (READ_ONLY_MESSAGE, Reply, SparqlError, graph_iris, open_sparql_store, sparql_store)
from kg.sparql_pool import QueryPool, QueryStopped

LOCALHOST = ("127.0.0.1", "localhost", "::1")
MAX_BODY = 1 << 20
DEFAULT_TIMEOUT = 30.0
DEFAULT_IDLE_TIMEOUT = 15.0
DEFAULT_MAX_CONNECTIONS = 32
DEFAULT_WORKERS = 4
INFO = ("kg read-only SPARQL 1.1 endpoint: GET /sparql?query=…, or POST application/sparql-query or form query=…; "
        "results as application/sparql-results+json, text/csv, text/tab-separated-values or "
        "application/sparql-results+xml")


class EndpointError(KgError):
    """The endpoint cannot start: the port is taken, the address cannot be bound."""


def _host_name(header: str) -> str:
    """``Host`` without its port, lower case; IPv6 keeps its brackets."""
    h = header.strip().lower()
    if h.startswith("["):
        return h[: h.find("]") + 1] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "kg-sparql"
    protocol_version = "HTTP/1.1"
    server: "SparqlServer"

    def setup(self) -> None:
        # per connection: StreamRequestHandler.setup reads self.timeout (typeshed declares a class variable)
        self.timeout = self.server.idle_timeout  # type: ignore[misc]
        self._started = time.perf_counter()
        self._query_text: Optional[str] = None
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:  # our own line per request instead
        pass

    def _log(self, status: Any, size: int) -> None:
        log = self.server.log
        if log is None:
            return
        ms = (time.perf_counter() - self._started) * 1000
        q = ""
        if self._query_text is not None:
            q = " ".join(self._query_text.split())
            q = " " + repr(q[:100] + ("…" if len(q) > 100 else ""))
        path = urllib.parse.urlsplit(self.path).path if getattr(self, "path", None) else "-"
        log(f"{self.client_address[0]} {getattr(self, 'command', '-') or '-'} {path} {status} {size} B "
            f"{ms:.0f} ms{q}")

    # -- answers
    def _cors(self) -> None:
        if self.server.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.cors)

    def _send(self, reply: Reply, extra: Iterable[tuple[str, str]] = ()) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.ctype)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self._cors()
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        self._log(reply.status, len(reply.body))

    def _text(self, code: int, msg: str) -> None:
        self._send(Reply.text(code, msg))

    def _refuse_update(self) -> None:
        self._text(403, READ_ONLY_MESSAGE)

    def _checks(self) -> bool:
        """Host (DNS rebinding) and path; answers and returns False when the request goes no further."""
        host = self.headers.get("Host")
        if host is not None and not self.server.host_allowed(_host_name(host)):
            self._text(403, f"Host {host[:100]!r} is not an address of this endpoint: requests through another "
                            f"name are refused (DNS rebinding) unless the endpoint was started to allow that name")
            return False
        path = urllib.parse.urlsplit(self.path).path
        if path in ("/", "/sparql", "/query"):
            return True
        self._text(404, f"no such resource {path[:200]}; the SPARQL endpoint is /sparql")
        return False

    # -- methods
    def do_OPTIONS(self) -> None:
        if not self._checks():
            return
        headers = [("Allow", "GET, HEAD, POST, OPTIONS")]
        if self.server.cors:
            headers += [("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
                        ("Access-Control-Allow-Headers",
                         self.headers.get("Access-Control-Request-Headers") or "Accept, Content-Type"),
                        ("Access-Control-Max-Age", "600")]
            if (self.headers.get("Access-Control-Request-Private-Network") or "").lower() == "true":
                headers.append(("Access-Control-Allow-Private-Network", "true"))
        self._send(Reply(204, "text/plain; charset=utf-8", b""), headers)

    def do_GET(self) -> None:
        if not self._checks():
            return
        qs = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query, keep_blank_values=True)
        if "update" in qs:
            return self._refuse_update()
        if "query" not in qs:
            return self._text(200 if not qs else 400, INFO)
        self._answer(qs)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        if not self._checks():
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            return self._text(400, "bad Content-Length")
        if length > MAX_BODY:
            self.close_connection = True
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
        if self._checks():
            self._refuse_update()

    do_DELETE = do_PATCH = do_PUT

    def _answer(self, qs: dict[str, list[str]]) -> None:
        if len(qs["query"]) != 1:
            return self._text(400, "give exactly one query")
        self._query_text = qs["query"][0]
        default, named = qs.get("default-graph-uri") or None, qs.get("named-graph-uri") or None
        try:
            graph_iris(default, "default-graph-uri")
            graph_iris(named, "named-graph-uri")
        except SparqlError as e:
            return self._text(400, str(e))
        request = {"query": self._query_text, "accept": self.headers.get("Accept") or "",
                   "default_graph": default, "named_graphs": named}
        try:
            reply = self.server.pool.run(request, self.server.query_timeout, client=self.connection)
        except QueryStopped as e:
            if e.reason == "client":
                self.close_connection = True
                self._log("client-left", 0)
                return
            status = 500 if e.reason == "died" else 503
            return self._send(Reply.text(status, str(e)), [("Retry-After", "5")] if e.reason == "busy" else [])
        self._send(reply)


class SparqlServer(http.server.ThreadingHTTPServer):
    """A running read-only endpoint: ``.url`` (…/sparql), ``.port``, ``.store``, ``.close()``, ``.wait()``."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, store: ox.Store, host: str, port: int, *, path: Optional[str] = None,
                 timeout: float = DEFAULT_TIMEOUT, idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS, workers: int = DEFAULT_WORKERS,
                 allowed_hosts: Iterable[str] = (), check_host: bool = True, cors: Optional[str] = "*",
                 log: Optional[Callable[[str], None]] = None) -> None:
        self.store = store
        self.query_timeout = timeout
        self.idle_timeout = idle_timeout
        self.cors = cors
        self.log = log
        self.started = time.perf_counter()
        self._slots = threading.BoundedSemaphore(max_connections)
        self.max_connections = max_connections
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)
        bound = str(self.server_address[0])
        self._hosts = {"localhost", "127.0.0.1", "[::1]", f"[{bound}]" if ":" in bound else bound}
        self._hosts |= {_host_name(h) for h in allowed_hosts}
        self.check_host = check_host
        try:
            self.pool = QueryPool(store=None if path else store, path=path, size=workers)
        except BaseException:
            self.server_close()
            raise
        self._thread: Optional[threading.Thread] = None

    def host_allowed(self, name: str) -> bool:
        return not self.check_host or name in self._hosts or name.endswith(".localhost")

    # -- a bounded number of connections, each in its own thread
    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(1)
                body = b"too many connections; try again shortly\n"
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                                b"Retry-After: 5\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke mid-answer: one line, not a traceback."""
        e = sys.exc_info()[1]
        if self.log is not None:
            self.log(f"{client_address[0]} connection error: {type(e).__name__}: {e}")

    # -- life cycle
    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        host = str(self.server_address[0])
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
        self.pool.close()

    def __enter__(self) -> "SparqlServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_port(host: str, port: int) -> None:
    """Raise :class:`EndpointError` now if ``host:port`` cannot be bound (before a long graph build)."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise _bind_error(e, host, port) from None


def _bind_error(e: OSError, host: str, port: int) -> EndpointError:
    if e.errno == errno.EADDRINUSE:
        return EndpointError(f"{host}:{port} is already in use (another kg serve-sparql, or another program); "
                             f"choose another port")
    return EndpointError(f"cannot listen on {host}:{port}: {e.strerror or e}")


def _stderr(line: str) -> None:
    print(f"kg serve-sparql: {line}", file=sys.stderr, flush=True)


def serve(source: Union[str, Path, Graph, ox.Store], host: str = "127.0.0.1", port: int = 0,
          verbose: bool = False, *, public: bool = False, timeout: float = DEFAULT_TIMEOUT,
          idle_timeout: float = DEFAULT_IDLE_TIMEOUT, max_connections: int = DEFAULT_MAX_CONNECTIONS,
          workers: int = DEFAULT_WORKERS, cors: Optional[str] = "*",
          log: Optional[Callable[[str], None]] = None) -> SparqlServer:
    """Start a read-only SPARQL 1.1 endpoint in a background thread and return it (already serving).

    ``source``: a folder made by :func:`kg.sparql.sparql_store` (each worker opens it read-only), a
    Graph (loaded in memory) or a pyoxigraph Store (in memory; shared with the workers by fork).
    Binds to localhost unless ``public`` (then to ``host``, whose name clients may use in ``Host``);
    ``port=0`` picks a free port (see ``.port``).  ``timeout``: seconds a query may run; ``cors``: the
    ``Access-Control-Allow-Origin`` value, None for no CORS; ``log``: called with one line per
    request (``verbose`` logs to stderr).
    """
    if host not in LOCALHOST and not public:
        raise EndpointError(f"the SPARQL endpoint binds to localhost only (127.0.0.1), not {host!r}, unless it is "
                            f"opened to the network on purpose; or put a reverse proxy in front of it")
    if timeout <= 0:
        raise EndpointError(f"the query time limit must be positive, not {timeout}")
    path: Optional[str] = None
    if isinstance(source, ox.Store):
        store = source
    elif isinstance(source, Graph):
        store = sparql_store(source)
    else:
        store = open_sparql_store(source)
        path = str(Path(source).resolve())
    if host == "localhost":
        host = "127.0.0.1"
    if log is None and verbose:
        log = _stderr
    try:
        server = SparqlServer(store, host, port, path=path, timeout=timeout, idle_timeout=idle_timeout,
                              max_connections=max_connections, workers=workers, allowed_hosts=[host],
                              check_host=host not in ("0.0.0.0", "::", ""), cors=cors, log=log)
    except OSError as e:
        raise _bind_error(e, host, port) from None
    return server.start()


__all__ = ["EndpointError", "SparqlServer", "check_port", "serve"]
