"""The Starlette application of `kg serve`: routes, static files, security headers, error pages.

Read-only by construction: the store is opened read-only, every route answers GET (and HEAD) only,
and the Cypher console goes through the store's own read-only guard. Pages load nothing from
outside the server (vis-network is served from the pyvis package) and run no inline script: the
Content-Security-Policy says so to the browser.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.store.base import Store
from kg.web.context import Context, page
from kg.web.routes import ROUTES
from kg.web.source import SourceFinder

STATIC = Path(__file__).resolve().parent / "static"

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
"""No inline or foreign script; style attributes are allowed (vis-network and the legend set them)."""

SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the CSP and friends to every response (pages, JSON, assets, errors)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _error_page(request: Request, exc: Any) -> Response:
    status = getattr(exc, "status_code", 500)
    if request.url.path.startswith(("/static/", "/assets/")):
        return PlainTextResponse(getattr(exc, "detail", "error"), status_code=status)
    detail = getattr(exc, "detail", None) or "error"
    if status == 405:
        detail = "kg serve is read-only: this address answers GET only · 只读"
    return page(request, "error.html", {"error": detail, "status": status}, status=status, title=str(status))


def create_app(store: Store, sources: Iterable[Path] = (), *, db_label: Optional[str] = None) -> Starlette:
    """The web application over an open (read-only) store.

    sources: folders (or files) to find the documents' source files in, for the document pages'
    highlighted text; the seed corpus is always among them.
    """
    from kg.pipeline import default_corpus

    folders = [*(Path(s) for s in sources), default_corpus()]
    label = db_label or (f"{store.backend} {getattr(store, 'path', '')}".strip())
    app = Starlette(routes=[*ROUTES, Mount("/static", StaticFiles(directory=str(STATIC)), name="static")],
                    exception_handlers={404: _error_page, 405: _error_page})
    app.state.kg = Context(store, SourceFinder(folders), label)
    app.add_middleware(SecurityHeaders)
    return app


def warm_up(app: Starlette) -> None:
    """Build what the home page needs from the whole store (the search index, the documents by level), so the
    first search does not wait for it: seconds at 2,000 plans."""
    from kg.web import data as D

    c: Context = app.state.kg
    try:
        c.read(lambda s: D.home(s, "", cache=c.cache) and D.search(s, "", cache=c.cache))
    except Exception:  # noqa: BLE001 — the first page that needs the store reports what is wrong with it
        pass


def serve(store: Store, host: str = "127.0.0.1", port: int = 8001, sources: Iterable[Path] = (),
          log_level: str = "warning") -> None:
    """Run the app with uvicorn until interrupted; the search index is built meanwhile, in a thread."""
    import threading

    import uvicorn

    app = create_app(store, sources)
    threading.Thread(target=warm_up, args=(app,), name="kg-warm-up", daemon=True).start()
    uvicorn.run(app, host=host, port=port, log_level=log_level)
