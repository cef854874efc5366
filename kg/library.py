"""The analysts' query library: named queries in queries/*.cypher (and *.rq), read with their headers.

Each file opens with `// question: …` and `// params: name (type) — description; …` (SPARQL
files use `#`). Values travel only as parameters, never spliced into the query text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from kg.errors import QueryError
from kg.resources import resource_dir
from kg.store.base import QueryResult, Store

PARAM_RE = re.compile(r"(\w+)\s*\((\w+)\)\s*(?:—|-)?\s*([^;]*)")


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # string | int
    description: str


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


def read_query(path: Path) -> NamedQuery:
    language = "sparql" if path.suffix == ".rq" else "cypher"
    text = path.read_text(encoding="utf-8")
    header = _header(text, "#" if language == "sparql" else "//")
    if "question" not in header:
        raise QueryError(f"{path}: missing the '// question: …' header line")
    raw = header.get("params", "(none)")
    params = () if raw.startswith("(none)") else tuple(
        Param(m.group(1), m.group(2), m.group(3).strip()) for m in PARAM_RE.finditer(raw))
    return NamedQuery(path.stem, header["question"], params, text, path, language)


def list_queries(language: str = "cypher", directory: Optional[Path] = None) -> list[NamedQuery]:
    """Every named query of one language, sorted by name."""
    folder = directory or resource_dir("queries")
    suffix = ".rq" if language == "sparql" else ".cypher"
    return [read_query(p) for p in sorted(folder.glob(f"*{suffix}"))]


def get_query(name: str, language: str = "cypher") -> NamedQuery:
    for q in list_queries(language):
        if q.name == name:
            return q
    names = ", ".join(q.name for q in list_queries(language))
    raise QueryError(f"no {language} query named {name!r}; the library has: {names}")


def bind(query: NamedQuery, given: dict[str, str | int]) -> dict[str, Any]:
    """Check and type the parameters: every declared one given, none unknown, ints as ints."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise QueryError(f"query {query.name!r} takes no parameter {', '.join(unknown)}; "
                         f"it takes: {', '.join(declared) or 'none'}")
    missing = [p for p in declared if p not in given]
    if missing:
        raise QueryError(f"query {query.name!r} needs --param " + " --param ".join(f"{m}=…" for m in missing)
                         + "".join(f" ({declared[m].description})" for m in missing if declared[m].description))
    out: dict[str, Any] = {}
    for key, value in given.items():
        if declared[key].type == "int":
            try:
                out[key] = int(value)
            except (TypeError, ValueError):
                raise QueryError(f"query {query.name!r}: parameter {key} must be an integer, not {value!r}") from None
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


def run_named(store: Store, name: str, params: dict[str, str | int]) -> QueryResult:
    """Run a library query by name on any backend."""
    query = get_query(name)
    return store.run(query.text, bind(query, params))
