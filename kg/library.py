"""The analysts' query library: named queries in queries/*.cypher (and *.rq), read with their headers.

Each file opens with `// question: …` and `// params: name (type) — description; …` (SPARQL
files use `#`). A parameter may be optional with a default: `limit (int, default 100) — …`,
`document (string, default "") — …`. Values travel only as parameters, never spliced into the
query text.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from kg.errors import QueryError
from kg.resources import resource_dir
from kg.store.base import QueryResult, Store

# name (type[, default VALUE]) — description; VALUE is an integer or a "quoted" string
PARAM_RE = re.compile(r'(\w+)\s*\((\w+)(?:\s*,\s*default\s+("[^"]*"|-?\d+))?\s*\)\s*(?:—|-)?\s*([^;]*)')
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

NO_LIMIT = 2**30
"""The `limit` bound for "every row" (`--all`, `limit=all`). LadybugDB refuses a null LIMIT; a Bolt server
may size a top-k queue by it (ArcadeDB 26.10: 2**63 - 1 gives -1, 2**31 - 1 overflows its PriorityQueue,
2**30 works, measured). No listing has a billion rows."""


@dataclass
class Page(QueryResult):
    """The rows of a query as shown, and whether they are all of them.

    `limit` is the limit applied (None: no limit); `truncated` is True when more rows exist than
    shown; `total` is how many rows the query has without its limit (None when not counted).
    """

    limit: Optional[int] = None
    total: Optional[int] = None
    truncated: bool = False
    notes: list[str] = field(default_factory=list)

    def summary(self) -> Optional[str]:
        """"100 of 1,063 rows — pass --limit N or --all" when truncated, else None."""
        if not self.truncated:
            return None
        of = f"{self.total:,}" if self.total is not None else f"more than {len(self.rows):,}"
        return f"{len(self.rows):,} of {of} rows — pass --limit N or --all"

    def as_json(self) -> dict[str, Any]:
        """The JSON twin: rows as objects, with limit, total and truncated."""
        return {"rows": self.records(), "limit": self.limit, "total": self.total, "truncated": self.truncated}


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # string | int
    description: str
    default: Union[str, int, None] = None  # None: the parameter must be given

    @property
    def required(self) -> bool:
        return self.default is None

    def signature(self) -> str:
        """`name (type)` or `name (type, default value)`, as in the header."""
        if self.required:
            return f"{self.name} ({self.type})"
        shown = f'"{self.default}"' if isinstance(self.default, str) else str(self.default)
        return f"{self.name} ({self.type}, default {shown})"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    question: str
    params: tuple[Param, ...]
    text: str
    path: Path
    language: str  # cypher | sparql


def _header(text: str, comment: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith(comment):
            break
        body = line[len(comment):].strip()
        key, _, value = body.partition(":")
        if key in ("question", "params"):
            out[key] = value.strip()
    return out


def _default(path: Path, name: str, typ: str, raw: Optional[str]) -> Union[str, int, None]:
    if raw is None:
        return None
    if raw.startswith('"'):
        if typ != "string":
            raise QueryError(f"{path}: parameter {name} is {typ} but its default {raw} is a string")
        return raw[1:-1]
    if typ != "int":
        raise QueryError(f'{path}: parameter {name} is {typ}: write its default in quotes (default "{raw}")')
    return int(raw)


def read_query(path: Path) -> NamedQuery:
    st = path.stat()
    return _read_query(path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=512)
def _read_query(path: Path, mtime_ns: int, size: int) -> NamedQuery:  # cached per file version
    language = "sparql" if path.suffix == ".rq" else "cypher"
    text = path.read_text(encoding="utf-8")
    header = _header(text, "#" if language == "sparql" else "//")
    if "question" not in header:
        raise QueryError(f"{path}: missing the '// question: …' header line")
    raw = header.get("params", "(none)")
    params = () if raw.startswith("(none)") else tuple(
        Param(m.group(1), m.group(2), m.group(4).strip(), _default(path, m.group(1), m.group(2), m.group(3)))
        for m in PARAM_RE.finditer(raw))
    return NamedQuery(path.stem, header["question"], params, text, path, language)


def _suffix(language: str) -> str:
    return ".rq" if language == "sparql" else ".cypher"


def list_queries(language: str = "cypher", directory: Optional[Path] = None) -> list[NamedQuery]:
    """Every named query of one language, sorted by name."""
    folder = directory or resource_dir("queries")
    return [read_query(p) for p in sorted(folder.glob(f"*{_suffix(language)}"))]


def get_query(name: str, language: str = "cypher") -> NamedQuery:
    if _NAME_RE.fullmatch(name):
        path = resource_dir("queries") / f"{name}{_suffix(language)}"
        if path.is_file():
            return read_query(path)
    names = ", ".join(q.name for q in list_queries(language))
    raise QueryError(f"no {language} query named {name!r}; the library has: {names}")


def bind(query: NamedQuery, given: dict[str, Any]) -> dict[str, Any]:
    """Check and type the parameters: every required one given, none unknown, ints as ints; defaults filled in.

    `limit` may also be None or "all": every row (bound as NO_LIMIT).
    """
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown == ["limit"]:
        raise QueryError(f"query {query.name!r} has no limit: it always gives every row (drop --limit / --all)")
    if unknown:
        raise QueryError(f"query {query.name!r} takes no parameter {', '.join(unknown)}; "
                         f"it takes: {', '.join(declared) or 'none'}")
    missing = [p for p in declared if p not in given and declared[p].required]
    if missing:
        raise QueryError(f"query {query.name!r} needs --param " + " --param ".join(f"{m}=…" for m in missing)
                         + "".join(f" ({declared[m].description})" for m in missing if declared[m].description))
    out: dict[str, Any] = {p.name: p.default for p in query.params if p.name not in given}
    for key, value in given.items():
        if key == "limit" and (value is None or str(value).strip().lower() == "all"):
            out[key] = NO_LIMIT  # every row
        elif declared[key].type == "int":
            try:
                out[key] = int(value)
            except (TypeError, ValueError):
                raise QueryError(f"query {query.name!r}: parameter {key} must be an integer, not {value!r}") from None
            if key == "limit" and out[key] < 0:
                raise QueryError(f"query {query.name!r}: limit must be 0 or more, not {out[key]}")
            if key == "limit":
                out[key] = min(out[key], NO_LIMIT)
        else:
            out[key] = str(value)
    return out


def parse_params(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """--param key=value pairs → dict (the value may itself contain '=')."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise QueryError(f"--param {pair!r}: write it as key=value")
        out[key.strip()] = value
    return out


def with_limit(params: dict[str, Any], limit: Optional[int] = None, all_rows: bool = False) -> dict[str, Any]:
    """`params` with the --limit N / --all shorthands folded in as the `limit` parameter."""
    if limit is not None and all_rows:
        raise QueryError("give --limit N or --all, not both")
    if (limit is not None or all_rows) and "limit" in params:
        raise QueryError("give the limit once: --limit N, --all or --param limit=N")
    if all_rows:
        return {**params, "limit": None}
    if limit is not None:
        return {**params, "limit": limit}
    return dict(params)


def run_named(store: Store, name: str, params: dict[str, Any], *, count: bool = True) -> Page:
    """Run a library query by name on any backend, saying whether its limit cut the rows.

    The rows are those of the query with the limit asked for. When they fill the limit, the query is
    run once more to learn whether that was all: without a limit, counting the rows (`total`), or,
    with count=False, with limit + 1 (`total` stays None). Fewer rows than the limit are all there is
    (a query paged by document cuts its documents with the same limit and every document it keeps
    gives a row; tests/test_honest_results.py checks this for every library query).
    """
    query = get_query(name)
    bound = bind(query, params)
    result = store.run(query.text, bound)
    columns, rows = result.columns, result.rows
    limit = bound.get("limit")
    if limit is None or limit >= NO_LIMIT:
        return Page(columns, rows, total=len(rows))
    if len(rows) < limit:
        return Page(columns, rows, limit=limit, total=len(rows))
    if count:
        total = len(store.run(query.text, {**bound, "limit": NO_LIMIT}).rows)
        return Page(columns, rows, limit=limit, total=total, truncated=total > len(rows))
    more = len(store.run(query.text, {**bound, "limit": limit + 1}).rows) > limit
    return Page(columns, rows, limit=limit, total=None if more else len(rows), truncated=more)
