"""The web app's own named queries: ``queries/web/*.cypher``, read with kg.library's header parser.

They sit in a subfolder so they are not part of the analysts' library (``kg queries``): they look
things up by id for the pages. Values travel only as bound parameters; besides kg.library's string and
int parameters, a web query may take a ``(list)`` of strings (ids looked up at once).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

from kg.errors import QueryError
from kg.library import NO_LIMIT, NamedQuery, Page, bind, read_query
from kg.resources import resource_dir
from kg.store.base import Store

_NAME = re.compile(r"[a-z_]+")


def web_query_dir() -> Path:
    """queries/web/ (inside the package when installed from a wheel)."""
    return resource_dir("queries") / "web"


def web_query(name: str) -> NamedQuery:
    """One query of queries/web/ by name."""
    path = web_query_dir() / f"{name}.cypher"
    if not _NAME.fullmatch(name) or not path.is_file():
        raise QueryError(f"the web app has no query named {name!r} in {web_query_dir()}")
    return read_query(path)


def _bind(query: NamedQuery, params: dict[str, Any]) -> dict[str, Any]:
    """kg.library.bind, and list parameters kept as lists of strings (bind knows strings and ints only)."""
    bound = bind(query, params)
    for p in query.params:
        if p.type == "list":
            value = params.get(p.name)
            if not isinstance(value, (list, tuple, set)):
                raise QueryError(f"web query {query.name!r}: parameter {p.name} must be a list, not {value!r}")
            bound[p.name] = [str(v) for v in value]
    return bound


def run_web(store: Store, name: str, params: Optional[dict[str, Any]] = None, *, count: bool = False) -> Page:
    """Run a web query; like kg.library.run_named, says whether its limit cut the rows.

    count=True runs a cut query once more without its limit to learn the total; otherwise a full page
    is checked with limit + 1 rows (total stays None when more exist).
    """
    query = web_query(name)
    bound = _bind(query, params or {})
    result = store.run(query.text, bound)
    limit = bound.get("limit")
    if limit is None or limit >= NO_LIMIT:
        return Page(result.columns, result.rows, total=len(result.rows))
    if bound.get("skip"):  # a page further down a listing: its total is counted elsewhere
        return Page(result.columns, result.rows, limit=limit)
    if len(result.rows) < limit:
        return Page(result.columns, result.rows, limit=limit, total=len(result.rows))
    if count:
        total = len(store.run(query.text, {**bound, "limit": NO_LIMIT}).rows)
        return Page(result.columns, result.rows, limit=limit, total=total, truncated=total > len(result.rows))
    more = len(store.run(query.text, {**bound, "limit": limit + 1}).rows) > limit
    return Page(result.columns, result.rows, limit=limit, total=None if more else len(result.rows), truncated=more)


def records(store: Store, name: str, params: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    """The rows of a web query as dicts (queries without a limit, or with their default)."""
    return run_web(store, name, params).records()
