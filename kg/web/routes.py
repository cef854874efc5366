"""The pages: each handler reads the request, calls kg.web.data (or the query library) with the store,
and answers HTML or the JSON twin. Every route is GET (HEAD) only: nothing here writes."""
from __future__ import annotations

from typing import Any, Optional

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg import viz_style as S
from kg.errors import KgError, QueryError
from kg.library import Page, bind, get_query, list_queries, parse_params, run_named
from kg.viz import script_json
from kg.web import data as D
from kg.web import downloads
from kg.web.context import ctx, not_found, page, wants_json, with_params
from kg.web.graph import org_network, vis_asset
from kg.web.queries import records

MAX_PAGE_SIZE = 1000
CONSOLE_ROWS = 1000  # rows of a console result shown in HTML (the JSON twin has them all)


def _int(value: Optional[str], default: int, low: int = 1, high: int = 10**9) -> int:
    try:
        return min(max(int(value or default), low), high)
    except ValueError:
        return default


def _download(page_: Page, fmt: str, name: str, extra: Optional[dict[str, Any]] = None) -> Optional[Response]:
    """The result as a file (csv, xlsx) or the JSON object; None for any other format."""
    disposition = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "csv":
        return Response(downloads.csv_bytes(page_), media_type="text/csv; charset=utf-8", headers=disposition)
    if fmt == "xlsx":
        body = downloads.xlsx_bytes(page_, title=name)
        if body is None:
            return PlainTextResponse("XLSX needs kg.export_xlsx, which is not installed", status_code=404)
        return Response(body, media_type=downloads.XLSX_MEDIA, headers=disposition)
    if fmt == "json":
        return Response(downloads.json_bytes(page_, extra), media_type="application/json")
    return None


def _download_links(request: Request) -> dict[str, Optional[str]]:
    return {"csv": with_params(request, format="csv", _page=None, _size=None),
            "json": with_params(request, format="json", _page=None, _size=None),
            "xlsx": with_params(request, format="xlsx", _page=None, _size=None) if downloads.xlsx_writer() else None}


# ---------------------------------------------------------------- home, documents

def home(request: Request) -> Response:
    q = request.query_params.get("q", "").strip()
    c = ctx(request)
    result = c.read(lambda s: D.home(s, q, cache=c.cache))
    return page(request, "home.html", result, title=f"搜索 {q}" if q else "kg")


def documents(request: Request) -> Response:
    qp = request.query_params
    level = qp.get("level", "")
    size = _int(qp.get("_size"), 50, 1, MAX_PAGE_SIZE)
    c = ctx(request)
    result = c.read(lambda s: D.documents(s, level, _int(qp.get("_page"), 1), size, cache=c.cache))
    result["prev"] = with_params(request, _page=result["page"] - 1) if result["page"] > 1 else None
    result["next"] = with_params(request, _page=result["page"] + 1) if result["page"] < result["pages"] else None
    return page(request, "documents.html", result, json_data={k: v for k, v in result.items() if k not in ("prev", "next")},
                title=f"文件 Documents {result['level_name']}")


# ---------------------------------------------------------------- organization

def organization(request: Request) -> Response:
    org_id = request.path_params["id"]
    qp = request.query_params
    limit = None if qp.get("limit") == "all" else _int(qp.get("limit"), 500)
    c = ctx(request)
    result = c.read(lambda s: D.organization(s, org_id, limit if limit is not None else 2**30))
    if result is None:
        return not_found(request, f"no organization has id {org_id}")
    fmt = qp.get("format", "")
    if fmt in ("csv", "xlsx"):
        rows = result["assignments"]
        cols = list(rows[0]) if rows else []
        tab = Page(cols, [[r[k] for k in cols] for r in rows], limit=result["limit"], total=result["total"],
                   truncated=result["truncated"])
        return _download(tab, fmt, f"organization-{org_id}") or not_found(request, fmt)
    if wants_json(request):
        return page(request, "organization.html", result, json_data={k: v for k, v in result.items() if k != "groups"})
    # the graph is fetched by the page (static/org-graph.js): the table shows without waiting for it
    result["graph_url"] = f"/organization/{org_id}/graph" if result["documents"] else None
    result["legend"] = S.legend_html()  # constant text built from the style tables
    result["downloads"] = {"csv": with_params(request, format="csv"),
                           "xlsx": with_params(request, format="xlsx") if downloads.xlsx_writer() else None}
    result["all_url"] = with_params(request, limit="all")
    return page(request, "organization.html", result, title=result["organization"]["name"])


def organization_graph(request: Request) -> Response:
    """The neighbourhood drawn on the organization page, as data (vis-network nodes, edges, options)."""
    from starlette.responses import JSONResponse

    org_id = request.path_params["id"]

    def read(s: Any) -> Optional[dict[str, Any]]:
        if not records(s, "organization", {"id": org_id}):
            return None
        return org_network(s, org_id, [r["id"] for r in records(s, "organization_documents", {"id": org_id})])

    network = ctx(request).read(read)
    if network is None:
        return not_found(request, f"no organization has id {org_id}")
    return JSONResponse(network)


# ---------------------------------------------------------------- document, task, action

def document(request: Request) -> Response:
    doc_id = request.path_params["id"]
    c = ctx(request)
    result = c.read(lambda s: D.document(s, doc_id, c.sources))
    if result is None:
        return not_found(request, f"no document has id {doc_id}")
    if not wants_json(request):
        lean = [{"id": s["id"], "start": s["start"], "end": s["end"], "edges": s["edges"]} for s in result["spans"]]
        edges = {e["edge_id"]: {k: e[k] for k in ("organization_id", "organization", "mention", "role", "qualifier",
                                                   "deadline", "target_id", "target", "action_id")}
                 for e in result["edges"]}
        result["clauses_json"] = script_json({"spans": lean, "edges": edges})
    return page(request, "document.html", result, title=result["document"]["title"],
                json_data={k: v for k, v in result.items() if k != "segments"})


def _item(kind: str) -> Any:
    def handler(request: Request) -> Response:
        item_id = request.path_params["id"]
        result = ctx(request).read(lambda s: D.item(s, kind, item_id))
        if result is None:
            return not_found(request, f"no {kind} has id {item_id}")
        return page(request, "item.html", result, title=result["item"]["title"])
    handler.__name__ = kind
    return handler


# ---------------------------------------------------------------- the query library

def queries(request: Request) -> Response:
    rows = [{"name": q.name, "question": q.question, "params": [p.signature() for p in q.params]}
            for q in list_queries()]
    return page(request, "queries.html", {"queries": rows}, title="查询 Queries")


def _sparql_twin(name: str) -> Optional[str]:
    try:
        return get_query(name, "sparql").text
    except QueryError:
        return None


def query(request: Request) -> Response:
    name = request.path_params["name"]
    try:
        q = get_query(name)
    except QueryError:
        return not_found(request, f"no query named {name}")
    qp = request.query_params
    given = {p.name: qp[p.name] for p in q.params if qp.get(p.name, "") != ""}
    ready = all(p.name in given for p in q.params if p.required)
    meta = {"name": q.name, "question": q.question,
            "params": [{"name": p.name, "type": p.type, "description": p.description, "default": p.default,
                        "required": p.required, "value": given.get(p.name, "")} for p in q.params]}
    result: dict[str, Any] = {"query": meta, "given": given, "ready": ready, "error": None, "result": None,
                              "cypher": q.text, "sparql": _sparql_twin(name)}
    fmt = qp.get("format", "")
    status = 200
    if ready:
        try:
            bound = bind(q, given)
            if fmt in ("csv", "json", "xlsx"):
                full = ctx(request).read(lambda s: run_named(s, name, given))
                return _download(full, fmt, name, {"query": name, "params": bound}) or not_found(request, fmt)
            result["result"] = _result_page(request, name, given, bound)
            result["downloads"] = _download_links(request)
        except KgError as e:
            result["error"], status = str(e), 400
    elif fmt == "json":
        result["error"], status = "give the required parameters: " + ", ".join(
            p.name for p in q.params if p.required and p.name not in given), 400
    return page(request, "query.html", result, status=status, title=f"{name}")


def _result_page(request: Request, name: str, given: dict[str, Any], bound: dict[str, Any]) -> dict[str, Any]:
    """One page of rows (_page, _size) of the query with its limit, saying which rows of how many these are."""
    qp = request.query_params
    size = _int(qp.get("_size"), 50, 1, MAX_PAGE_SIZE)
    number = _int(qp.get("_page"), 1)
    limit = bound.get("limit")
    params = dict(given)
    if limit is not None:
        params["limit"] = min(limit, number * size)
    res = ctx(request).read(lambda s: run_named(s, name, params))
    total_all = res.total if res.total is not None else len(res.rows)
    n = min(limit, total_all) if limit is not None else total_all
    pages = max(1, -(-n // size))
    number = min(number, pages)
    rows = res.rows[(number - 1) * size: number * size]
    first = (number - 1) * size + 1 if rows else 0
    return {"columns": res.columns, "rows": rows, "first": first, "last": first + len(rows) - 1 if rows else 0,
            "rows_in_result": n, "total": total_all, "limit": limit, "cut": limit is not None and total_all > limit,
            "page": number, "pages": pages, "size": size,
            "prev": with_params(request, _page=number - 1) if number > 1 else None,
            "next": with_params(request, _page=number + 1) if number < pages else None}


# ---------------------------------------------------------------- consoles

def cypher(request: Request) -> Response:
    qp = request.query_params
    text = qp.get("q", "")
    params_text = qp.get("params", "")
    result: dict[str, Any] = {"q": text, "params": params_text, "columns": None, "rows": None, "error": None}
    status = 200
    if text.strip():
        try:
            params = parse_params([line.strip() for line in params_text.splitlines() if line.strip()])
            res = ctx(request).read(lambda s: s.run(text, params, write=False))
            result.update(columns=res.columns, rows=res.rows, count=len(res.rows))
        except KgError as e:
            result["error"], status = str(e), 400
            if "write" in str(e).lower():
                result["error"] += " — kg serve is read-only: its console never writes · 只读"
    shown = dict(result, rows=result["rows"][:CONSOLE_ROWS] if result["rows"] else result["rows"],
                 max_rows=CONSOLE_ROWS)
    return page(request, "cypher.html", shown, json_data=result, status=status, title="Cypher")


def _accepts_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept or not accept.strip()


def sparql(request: Request) -> Response:
    from kg import sparql as K

    qp = request.query_params
    if "update" in qp:
        return PlainTextResponse("This SPARQL endpoint is read-only: updates are refused.", status_code=403)
    text = qp.get("query", "")
    if text and "format" not in qp and not _accepts_html(request):
        return _sparql_protocol(request, text)
    name = qp.get("name", "")
    params_text = qp.get("params", "")
    result: dict[str, Any] = {"query": text, "name": name, "params": params_text, "result": None, "error": None,
                              "names": [q.name for q in K.sparql_queries()]}
    status = 200
    if text.strip() or name:
        try:
            params = parse_params([line.strip() for line in params_text.splitlines() if line.strip()])
            res = ctx(request).sparql(lambda ox_store: K.run_sparql(ox_store, text if text.strip() else name, params))
            result["result"] = {"columns": res.columns, "rows": res.rows, **res.as_json()}
            result["result"].pop("rows")
            result["rows"] = res.rows
            if name and not text.strip():
                result["text"] = _sparql_twin(name)
        except KgError as e:
            result["error"], status = str(e), 400
    return page(request, "sparql.html", result, status=status, title="SPARQL")


def _sparql_protocol(request: Request, text: str) -> Response:
    """The SPARQL 1.1 Protocol answer (GET ?query=), by kg.sparql.answer: what `kg serve-sparql` answers."""
    from kg import sparql as K

    accept = request.headers.get("accept", "")
    qp = request.query_params
    default, named = qp.getlist("default-graph-uri"), qp.getlist("named-graph-uri")
    reply = ctx(request).sparql(lambda ox_store: K.answer(ox_store, text, accept, default, named))
    return Response(reply.body, status_code=reply.status, media_type=reply.ctype)


# ---------------------------------------------------------------- assets

def asset(request: Request) -> Response:
    """vis-network from the pyvis package, and kg's own page script for it (kg.viz_style.PAGE_JS)."""
    name = request.path_params["name"]
    if name == "kg-viz.js":
        return Response(S.PAGE_JS, media_type="text/javascript; charset=utf-8")
    try:
        return FileResponse(vis_asset(name))
    except FileNotFoundError:
        return PlainTextResponse("not found", status_code=404)


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/documents", documents, methods=["GET"]),
    Route("/organization/{id}", organization, methods=["GET"]),
    Route("/organization/{id}/graph", organization_graph, methods=["GET"]),
    Route("/document/{id}", document, methods=["GET"]),
    Route("/task/{id}", _item("task"), methods=["GET"]),
    Route("/action/{id}", _item("action"), methods=["GET"]),
    Route("/queries", queries, methods=["GET"]),
    Route("/queries/{name}", query, methods=["GET"]),
    Route("/cypher", cypher, methods=["GET"]),
    Route("/sparql", sparql, methods=["GET"]),
    Route("/assets/{name}", asset, methods=["GET"]),
]
