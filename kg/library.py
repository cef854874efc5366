"""The analysts' query library: named queries in queries/*.cypher (and *.rq), read with their headers.

Each file opens with `// question: …` and `// params: name (type) — description; …` (SPARQL
files use `#`). A parameter may be optional with a default: `limit (int, default 100) — …`,
`document (string, default "") — …`. Values travel only as parameters, never spliced into the
query text.

A paged query (one with a `limit`) has a count form beside it, `queries/NAME.count.cypher`: one row, one
column `total`, the number of rows NAME gives without its limit, counted without building them (from the
counts the store keeps where it can). It takes NAME's parameters but `limit`; tests/test_query_counts.py
checks it against the rows. It is not a query of the library of its own (list_queries passes over it).
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from kg.errors import Advice, QueryError
from kg.resources import resource_dir
from kg.store.base import QueryResult, Store

# name (type[, default VALUE]) — description; VALUE is an integer or a "quoted" string
PARAM_RE = re.compile(r'(\w+)\s*\((\w+)(?:\s*,\s*default\s+("[^"]*"|-?\d+))?\s*\)\s*(?:—|-)?\s*([^;]*)')
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

COUNT_STEM = ".count"
"""queries/NAME.count.cypher (NAME.count.rq for a SPARQL twin): NAME's count form (see above)."""
COUNT_SUFFIX = COUNT_STEM + ".cypher"

NO_LIMIT = 2**30
"""The `limit` bound for "every row" (`--all`, `limit=all`). LadybugDB refuses a null LIMIT; a Bolt server
may size a top-k queue by it (ArcadeDB 26.10: 2**63 - 1 gives -1, 2**31 - 1 overflows its PriorityQueue,
2**30 works, measured). No listing has a billion rows."""


class Note(str):
    """A note on an answer ("did you mean: …"), in the library's terms, with what the user can do as an
    Advice: JSON, workbooks and the web app show the text (the advice in plain words after " — "); the
    CLI shows `body` and words the advice as flags (kg.cli_advice)."""

    body: str
    advice: Optional[Advice]

    def __new__(cls, body: str, advice: Optional[Advice] = None) -> "Note":
        note = super().__new__(cls, body + (f" — {plain_advice(advice)}" if advice else ""))
        note.body, note.advice = body, advice
        return note


def plain_advice(advice: Advice) -> str:
    """What a note's advice asks, without naming a front end's flags: "give name=<one of them>"."""
    if advice.kind == "lookup":
        return f"the query {advice.values[0]} with name=<part of a name> lists organizations by part of their name"
    return "give " + " and ".join(f"{v}=<{_PICK.get(v, 'a value')}>" for v in advice.values)


_PICK = {"name": "one of them", "jurisdiction": "its place"}


@dataclass
class Page(QueryResult):
    """The rows of a query as shown, and whether they are all of them.

    `limit` is the limit applied (None: no limit); `truncated` is True when more rows exist than
    shown; `total` is how many rows the query has without its limit (None when not counted).
    """

    limit: Optional[int] = None
    total: Optional[int] = None
    truncated: bool = False
    notes: list[Note] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)  # "did you mean": organizations

    def summary(self) -> Optional[str]:
        """"100 of 1,063 rows" when truncated, else None (the CLI adds how to see the rest)."""
        if not self.truncated:
            return None
        of = f"{self.total:,}" if self.total is not None else f"more than {len(self.rows):,}"
        return f"{len(self.rows):,} of {of} rows"

    def as_json(self) -> dict[str, Any]:
        """The JSON twin: rows as objects, with limit, total and truncated (notes and did_you_mean when there are any)."""
        out: dict[str, Any] = {"rows": self.records(), "limit": self.limit, "total": self.total,
                               "truncated": self.truncated}
        if self.notes:
            out["notes"] = list(self.notes)
        if self.suggestions:
            out["did_you_mean"] = list(self.suggestions)
        return out


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
    count: Optional[str] = None  # the count form's text (queries/NAME.count.cypher), when there is one


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


def count_path(path: Path) -> Path:
    """Where the count form of the query in `path` would be: NAME.cypher → NAME.count.cypher, NAME.rq →
    NAME.count.rq."""
    return path.with_name(path.stem + COUNT_STEM + path.suffix)


def read_query(path: Path) -> NamedQuery:
    st = path.stat()
    count = count_path(path)
    cst = count.stat() if count.is_file() else None
    return _read_query(path, st.st_mtime_ns, st.st_size, cst and (cst.st_mtime_ns, cst.st_size))


@functools.lru_cache(maxsize=512)
def _read_query(path: Path, mtime_ns: int, size: int, count_version: Optional[tuple[int, int]]) -> NamedQuery:
    """One query file (cached per version of it and of its count form)."""
    language = "sparql" if path.suffix == ".rq" else "cypher"
    text = path.read_text(encoding="utf-8")
    header = _header(text, "#" if language == "sparql" else "//")
    if "question" not in header:
        raise QueryError(f"{path}: missing the '// question: …' header line")
    raw = header.get("params", "(none)")
    params = () if raw.startswith("(none)") else tuple(
        Param(m.group(1), m.group(2), m.group(4).strip(), _default(path, m.group(1), m.group(2), m.group(3)))
        for m in PARAM_RE.finditer(raw))
    count = count_path(path).read_text(encoding="utf-8") if count_version else None
    return NamedQuery(path.stem, header["question"], params, text, path, language, count)


def _suffix(language: str) -> str:
    return ".rq" if language == "sparql" else ".cypher"


def list_queries(language: str = "cypher", directory: Optional[Path] = None) -> list[NamedQuery]:
    """Every named query of one language, sorted by name (count forms are part of their query, not queries)."""
    folder = directory or resource_dir("queries")
    return [read_query(p) for p in sorted(folder.glob(f"*{_suffix(language)}")) if not p.stem.endswith(COUNT_STEM)]


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
    _check_names(query, declared, given)
    out: dict[str, Any] = {p.name: p.default for p in query.params if p.name not in given}
    typed = getattr(given, "text", {})  # the text as typed, when the values came from parse_params
    for key, value in given.items():
        out[key] = _typed(query.name, declared[key], value, typed.get(key))
    return out


def _check_names(query: NamedQuery, declared: dict[str, Param], given: dict[str, Any]) -> None:
    """None unknown, every required one given."""
    unknown = sorted(set(given) - set(declared))
    if unknown == ["limit"]:
        raise QueryError(f"query {query.name!r} has no limit: it always gives every row", advice=Advice("no-limit"))
    if unknown:
        raise QueryError(f"query {query.name!r} takes no parameter {', '.join(unknown)}; "
                         f"it takes: {', '.join(declared) or 'none'}")
    missing = [p for p in declared if p not in given and declared[p].required]
    if missing:
        raise QueryError(f"query {query.name!r} needs the parameter{'s' if len(missing) > 1 else ''} "
                         + ", ".join(missing)
                         + "".join(f" ({declared[m].description})" for m in missing if declared[m].description),
                         advice=Advice("params", tuple(missing)))


def _typed(query: str, param: Param, value: Any, as_typed: Optional[str]) -> Any:
    """One parameter's value as its declared type (``as_typed``: the text as the user typed it)."""
    key = param.name
    if key == "limit" and (value is None or str(value).strip().lower() == "all"):
        return NO_LIMIT  # every row
    if param.type == "int":
        n = _as_int(query, key, value)
        if key == "limit" and n < 0:
            raise QueryError(f"query {query!r}: limit must be 0 or more, not {n}")
        return min(n, NO_LIMIT) if key == "limit" else n
    if not isinstance(value, str):  # a string parameter typed as a JSON literal (--param text=2025)
        return as_typed if as_typed is not None else json.dumps(value, ensure_ascii=False)
    if param.required and not value.strip():
        # Engines disagree on `x CONTAINS ''` (LadybugDB: false, Neo4j: true): a blank required
        # text would find nothing on one backend and everything on the other.
        raise QueryError(f"query {query!r}: {key} must not be empty"
                         + (f" ({param.description})" if param.description else ""))
    return value


def _as_int(query: str, key: str, value: Any) -> int:
    """An integer parameter: 3, "3" or 3.0 — never True, 3.5 or "ten"."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise QueryError(f"query {query!r}: parameter {key} must be an integer, not {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise QueryError(f"query {query!r}: parameter {key} must be an integer, not {value!r}") from None


class Params(dict):
    """Parameters from the command line: values read as JSON literals, with the text as typed kept in
    `text`, so a named query's string parameter gets exactly what was written (2025 stays "2025")."""

    def __init__(self, values: Optional[dict[str, Any]] = None, text: Optional[dict[str, str]] = None):
        super().__init__(values or {})
        self.text: dict[str, str] = dict(text or {})


def parse_value(text: str) -> Any:
    """A --param value: a JSON literal (3, 3.5, true, null, ["a","b"], "text") when it is one, else the text.

    So `kg cypher ... LIMIT $n --param n=3` passes an integer; 市科协 or 2024年底 stay strings, and so do
    NaN and Infinity (JSON has no such numbers; Python's reader would take them).
    """
    try:
        return json.loads(text, parse_constant=_not_json)
    except ValueError:
        return text


def _not_json(name: str) -> Any:
    raise ValueError(name)


def parse_params(pairs: tuple[str, ...] | list[str]) -> Params:
    """--param key=value pairs → Params (the value may itself contain '='), each value read by parse_value."""
    out = Params()
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise QueryError(f"--param {pair!r}: write it as key=value")
        out[key.strip()] = parse_value(value)
        out.text[key.strip()] = value
    return out


def with_limit(params: dict[str, Any], limit: Optional[int] = None, all_rows: bool = False) -> dict[str, Any]:
    """`params` with the --limit N / --all shorthands folded in as the `limit` parameter (the text as typed kept)."""
    if limit is not None and all_rows:
        raise QueryError("give --limit N or --all, not both")
    if (limit is not None or all_rows) and "limit" in params:
        raise QueryError("give the limit once: --limit N, --all or --param limit=N")
    out = Params(params, getattr(params, "text", {}))
    if all_rows:
        out["limit"] = None
    elif limit is not None:
        out["limit"] = limit
    return out


_EXAMPLE_RE = re.compile(r"e\.g\.\s*([^\s,;，、()（）]+)")


def example_call(query: NamedQuery) -> str:
    """A command line that runs the query: each required parameter with the first example its description gives."""
    call = ["kg", "query" if query.language == "cypher" else "sparql", query.name]
    for p in query.params:
        if p.required:
            m = _EXAMPLE_RE.search(p.description)
            call += ["--param", f"{p.name}={m.group(1) if m else '…'}"]
    return " ".join(call)


def describe(query: NamedQuery) -> dict[str, Any]:
    """One query whole (`kg queries NAME`): its question, each parameter, an example call and the query text."""
    return {
        "name": query.name, "language": query.language, "question": query.question,
        "params": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                    "description": p.description} for p in query.params],
        "example": example_call(query), "file": f"queries/{query.path.name}", "text": query.text,
        "twin": f"queries/{twin.name}" if (twin := query.path.with_suffix(".rq" if query.language == "cypher"
                                                                           else ".cypher")).is_file() else None,
        "count": f"queries/{count_path(query.path).name}" if query.count else None,
    }


LOOKUP = "organization_lookup"
"""The library query behind "did you mean": organizations whose name contains a text or is written so."""
MAX_SUGGESTIONS = 10


def spellings(name: str) -> list[str]:
    """`name`, and `name` with every abbreviation of the tables written out (友谊县科协 → 友谊县科学技术协会).

    The tables are loaders/data/abbreviations.tsv and the user's (KG_ABBREVIATIONS).
    """
    from kg.loaders.orgs import default_tables

    tables = default_tables()
    expanded = _abbreviation_re(tables).sub(lambda m: tables.abbreviations[m.group()], name)
    return [name] if expanded == name else [name, expanded]


@functools.lru_cache(maxsize=4)
def _abbreviation_re(tables: Any) -> "re.Pattern[str]":  # kg.loaders.orgs.Tables, hashed by identity
    """One pass, longest abbreviation first, so a written-out name is not expanded again (卫健委 → 卫生健康委员会)."""
    keys = sorted(tables.abbreviations, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys)) or "(?!)")


def _lookup(store: Store, name: str, jurisdiction: str) -> list[dict[str, Any]]:
    """Organizations that organization_lookup finds for the name and for its written-out form, closest first:
    named exactly so, then by jurisdiction and name."""
    names = spellings(name)
    found: dict[tuple, dict[str, Any]] = {}
    for spelling in names:
        for r in run_named(store, LOOKUP, {"name": spelling, "jurisdiction": jurisdiction, "limit": 200},
                           count=False, hints=False).records():
            found.setdefault((r["organization"], r["jurisdiction"]), r)
    return sorted(found.values(), key=lambda r: (not _is_named(r, names), r["jurisdiction"] or "", r["organization"]))


def _is_named(row: dict[str, Any], names: list[str]) -> bool:
    return any(row["organization"] == n or n in (row["written"] or []) for n in names)


def name_hints(store: Store, query: NamedQuery, bound: dict[str, Any], page: Page) -> None:
    """For a query that looks an organization up by `name`: say what to ask instead (page.notes, page.suggestions).

    No row, and no organization is named so: the organizations whose name (canonical, or as documents write
    it) contains the name or its written-out form — "did you mean: …" — looked for in the `jurisdiction`
    given, else everywhere; kg never swaps the name for one of them by itself. Rows of several organizations
    (县科协 names one in every county) while no `jurisdiction` was given: say which places, and how to pick one.
    """
    name = bound.get("name")
    if not isinstance(name, str) or query.name == LOOKUP or not name.strip():
        return
    jurisdiction = bound.get("jurisdiction") or ""
    where = f" in {jurisdiction}" if jurisdiction else ""
    if not page.rows:
        here = _lookup(store, name, jurisdiction)
        if any(_is_named(r, [name]) for r in here):
            return  # the organization exists: what found nothing is another parameter
        candidates = here or (_lookup(store, name, "") if jurisdiction else [])
        page.suggestions = [{k: r[k] for k in ("organization", "jurisdiction", "sector")} for r in candidates]
        if not candidates:
            page.notes.append(Note(f"no organization named {name!r}{where}, nor one whose name contains it",
                                   Advice("lookup", (LOOKUP,))))
            return
        shown = ", ".join(f"{r['organization']} ({r['jurisdiction']})" for r in candidates[:MAX_SUGGESTIONS])
        more = f" and {len(candidates) - MAX_SUGGESTIONS} more (the query {LOOKUP} lists them)" \
            if len(candidates) > MAX_SUGGESTIONS else ""
        page.notes.append(Note(f"no organization is named {name!r}{where}; did you mean: {shown}{more}?",
                               Advice("pick", ("name",) if here else ("name", "jurisdiction"))))
        return
    if "jurisdiction" in bound and not jurisdiction and "organization" in page.columns:
        col = page.columns.index("organization")
        if page.truncated or len({row[col] for row in page.rows if row[col]}) > 1:
            places = sorted({r["jurisdiction"] or "" for r in _lookup(store, name, "") if _is_named(r, [name])})
            if len(places) > 1:
                page.notes.append(Note(f"{name!r} names organizations in {len(places)} places "
                                       f"({', '.join(places[:8])}{' …' if len(places) > 8 else ''})",
                                       Advice("pick", ("jurisdiction",))))


def run_named(store: Store, name: str, params: dict[str, Any], *, count: bool = True, hints: bool = True) -> Page:
    """Run a library query by name on any backend, saying whether its limit cut the rows.

    The rows are those of the query with the limit asked for. When they fill the limit, a second query
    learns whether that was all: its count form (queries/NAME.count.cypher) gives `total` — or, for a
    query without one, the query itself without a limit, its rows counted; with count=False, the query
    with limit + 1 (`total` stays None). Fewer rows than the limit are all there is
    (a query paged by document cuts its documents with the same limit and every document it keeps
    gives a row; tests/test_honest_results.py checks this for every library query).
    """
    query = get_query(name)
    bound = bind(query, params)
    page = _page(store, query, bound, count)
    if hints and "name" in bound:
        name_hints(store, query, bound, page)
    return page


def _page(store: Store, query: NamedQuery, bound: dict[str, Any], count: bool) -> Page:
    result = store.run(query.text, bound)
    columns, rows = result.columns, result.rows
    limit = bound.get("limit")
    if limit is None or limit >= NO_LIMIT:
        return Page(columns, rows, total=len(rows))
    if len(rows) < limit:
        return Page(columns, rows, limit=limit, total=len(rows))
    if count:
        total = count_rows(store, query, bound)
        return Page(columns, rows, limit=limit, total=total, truncated=total > len(rows))
    more = len(store.run(query.text, {**bound, "limit": limit + 1}).rows) > limit
    return Page(columns, rows, limit=limit, total=None if more else len(rows), truncated=more)


def count_rows(store: Store, query: NamedQuery, bound: dict[str, Any]) -> int:
    """How many rows the query gives without its limit: its count form's `total` (run with the same
    parameters but `limit`), else the query run with no limit, its rows counted."""
    if query.count is None:
        return len(store.run(query.text, {**bound, "limit": NO_LIMIT}).rows)
    result = store.run(query.count, {k: v for k, v in bound.items() if k != "limit"})
    total = result.rows[0][0] if result.columns == ["total"] and len(result.rows) == 1 else None
    # LadybugDB sums INT64 into an INT128, which reaches Python as a float: a whole one is the count
    if isinstance(total, float) and total.is_integer():
        total = int(total)
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise QueryError(f"{count_path(query.path)}: a count form returns one row with one column, total, a "
                         f"whole number; this one gave {result.columns} {result.rows[:2]}")
    return total
