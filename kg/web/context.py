"""What every request handler shares: the read-only store (one query at a time), the cache of what is
computed from the whole store, the source finder, the lazily built SPARQL store, and one way to answer a
page as HTML or as its JSON twin."""
from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import jinja2
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from kg.gc_pause import gc_paused
from kg.store.base import Store
from kg.web.cache import StoreCache
from kg.web.source import SourceFinder

T = TypeVar("T")
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else ("" if value is None else str(value))


def make_templates() -> Jinja2Templates:
    """Jinja2 with autoescape on for every template: document text can never become markup."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["n"] = _number
    return Jinja2Templates(env=env)


class Context:
    """The app's state. The store is opened read-only by the caller; its connection is used by one
    request at a time (Ladybug connections are not meant to be shared across threads)."""

    def __init__(self, store: Store, sources: SourceFinder, db_label: str) -> None:
        self.store = store
        self.sources = sources
        self.db_label = db_label
        self.templates = make_templates()
        self.cache = StoreCache()  # the search index and the documents by level, per store version
        self._lock = threading.RLock()
        self._sparql: Any = None
        self._sparql_stamp: Optional[str] = None
        # pyoxigraph objects must be dropped on the thread that made them, and its query results end up
        # in reference cycles: every SPARQL job runs on this one thread, which collects them when done
        self._sparql_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-sparql")

    def read(self, fn: Callable[[Store], T]) -> T:
        """Run fn(store) with the store to itself."""
        with self._lock:
            return fn(self.store)

    def sparql(self, fn: Callable[[Any], T]) -> T:
        """Run fn(oxigraph_store) on the SPARQL thread; fn must return plain Python (no pyoxigraph object).

        For an embedded store the Oxigraph store is its persistent copy beside it (kg.sparql_cache), opened
        again when the store has changed since; otherwise the store's RDF, built in memory on first use."""
        def job() -> T:
            try:
                stamp = self._store_stamp()
                if self._sparql is None or stamp != self._sparql_stamp:
                    self._sparql = None
                    self._sparql, self._sparql_stamp = self._open_sparql(), stamp
                return fn(self._sparql)
            finally:
                gc.collect()

        return self._sparql_thread.submit(job).result()

    def _store_path(self) -> Optional[Path]:
        path = getattr(self.store, "path", None)
        return Path(path) if self.store.backend == "embedded" and path else None

    def _store_stamp(self) -> Optional[str]:
        """The embedded store's version stamp (a stat of its files, cheap); None for other stores."""
        from kg.sparql_cache import stamp

        path = self._store_path()
        return stamp(path) if path else None

    def _open_sparql(self) -> Any:
        from kg.sparql_cache import CacheUnwritable, open_cached

        path = self._store_path()
        if path is not None:
            try:
                return open_cached(path).store
            except CacheUnwritable:  # a store in a read-only place: its RDF in memory, as for Neo4j
                pass
        return self._build_sparql()

    def _build_sparql(self) -> Any:
        """The whole store as RDF in an in-memory Oxigraph store. Millions of short-lived objects and no cycles
        worth collecting: the cyclic collector is paused meanwhile (at 2,000 plans, 13.6M quads: 192 s instead
        of 316 s, measured)."""
        from kg.sparql import sparql_store

        with gc_paused():
            return sparql_store(self.read(lambda s: s.to_graph()))


def ctx(request: Request) -> Context:
    return request.app.state.kg


def wants_json(request: Request) -> bool:
    return request.query_params.get("format") == "json"


def page(request: Request, template: str, data: dict[str, Any], *, status: int = 200,
         json_data: Optional[Any] = None, title: str = "") -> Response:
    """The page as HTML, or its JSON twin when ?format=json (the same data, minus what is only layout)."""
    if wants_json(request):
        return JSONResponse(data if json_data is None else json_data, status_code=status)
    c = ctx(request)
    context = {"data": data, "title": title, "db_label": c.db_label, "request": request,
               "json_url": with_params(request, format="json")}
    return c.templates.TemplateResponse(request, template, context, status_code=status)


def with_params(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None drops one): stable, shareable links."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    from urllib.parse import urlencode

    qs = urlencode(params)
    return request.url.path + (f"?{qs}" if qs else "")


def not_found(request: Request, what: str) -> Response:
    return page(request, "error.html", {"error": what, "status": 404}, status=404,
                title="没有找到 Not found")
