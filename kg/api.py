"""kg as a Python library: the calls a user makes, each a thin wrapper over the module that does the work.

    import kg
    graph = kg.parse("plans/")                      # every document under plans/ as one Graph
    report = kg.build("plans/", db="kg.db")         # parse and load into the embedded store
    rows = kg.query("partners", "kg.db", name="县科协").records()
    kg.export_rdf(graph, "plans.ttl")
"""
from __future__ import annotations

from pathlib import Path
from typing import IO, Any, Optional, Union

from kg.errors import InputError, NoDocumentError
from kg.model import Graph
from kg.store import Store, open_store

PathLike = Union[str, Path]


def parse(*paths: PathLike, jobs: Optional[int] = 1) -> Graph:
    """Every document in `paths` (files or folders; none given: the seed corpus) as one Graph.

    Raises InputError naming the first file that cannot be read (the others are listed in its reason),
    NoDocumentError when the paths hold no document."""
    from kg.pipeline import collect_files, default_corpus, parse_files

    files = collect_files(list(paths) or [default_corpus()])
    if not files:
        raise NoDocumentError(f"no file to read in {', '.join(map(str, paths))}")
    batch = parse_files(files, jobs=jobs)
    if batch.failures:
        first, *rest = batch.failures
        more = f" (and {len(rest)} more: {', '.join(r.file for r in rest)})" if rest else ""
        raise InputError(first.file, _reason(first.file, first.error or "failed") + more)
    return batch.graph


def _reason(file: str, error: str) -> str:
    """A file report's error without the file name it starts with (InputError puts the path first)."""
    for named in (f"{file}: ", f"{Path(file).name}: "):
        if error.startswith(named):
            return error[len(named):]
    return error


def build(*paths: PathLike, db: Optional[PathLike] = None, backend: Optional[str] = None, align: bool = True,
          jobs: Optional[int] = 1) -> Any:
    """Parse `paths` (none: the seed corpus) and load them into a store, as `kg build` does; returns the
    kg.build.BuildReport (per file, per document, failures)."""
    from kg.build import build as build_store

    with open_store(backend, db) as store:
        return build_store(store, list(paths) or None, align_tasks=align, jobs=jobs)


def query(name: str, store: Union[Store, PathLike, None] = None, /, *, backend: Optional[str] = None,
          **params: Any) -> Any:
    """Run the named library query (queries/NAME.cypher) with its parameters; returns a kg.library.Page
    (``.records()``, ``.rows``, ``.truncated``). `store` is an open Store or an embedded store's folder
    (default ./kg.db), opened read-only for the call. The first two are positional, so that a query's
    parameters may be called ``name`` or ``store`` too."""
    from kg.library import run_named

    if isinstance(store, Store):
        return run_named(store, name, params)
    with open_store(backend, store, read_only=True) as opened:
        return run_named(opened, name, params)


def export_rdf(source: Union[Graph, Store], out: Union[PathLike, IO[bytes]], format: str = "turtle") -> int:
    """Write a Graph, or everything in a Store, as RDF (turtle | nt | nq | trig | jsonld) to a path or a
    binary file; returns the number of statements."""
    from kg.rdf import export

    graph = source if isinstance(source, Graph) else source.to_graph()
    return export(graph, out, format)


def parse_one(path: PathLike) -> Graph:
    """One file's Graph; InputError names the file and the reason when it cannot be read."""
    from kg.loaders import parse_file

    return parse_file(Path(path))
