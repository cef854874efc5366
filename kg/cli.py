"""The `kg` command: parses options, calls the library, renders. No logic of its own."""
from __future__ import annotations

import functools
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Optional

import click

from kg.errors import KgError
from kg.render import FORMATS, render

PROGRESS_THRESHOLD = 20


def _shown(path: str) -> str:
    """A path as the user would write it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _coverage_note(r: Any) -> str:
    """", role text read 26 of 27 (brackets 26/27)": how much of what looks like role text became edges."""
    cov = r.coverage
    if r.status == "no-roles":
        return f"; {r.status_note}"
    if cov is None or not cov.total_found:
        return "; no role text found" if cov is not None else ""
    names = {"bracket": "brackets", "label": "labelled lines", "table": "table cells"}
    parts = ", ".join(f"{names[k]} {cov.read[k]}/{n}" for k, n in cov.found.items() if n)
    return f"; role text read {cov.total_read} of {cov.total_found} ({parts})"


def _collect(paths: Any) -> list[Path]:
    """The files of PATHS (kg.pipeline.collect: a path giving none is an error), saying on stderr which
    files a folder scan passed over."""
    from kg.pipeline import collect

    found = collect(paths)
    for f, why in found.skipped[:10]:
        click.echo(f"kg: skipped {_shown(str(f))} ({why}; name it to read it anyway)", err=True)
    if len(found.skipped) > 10:
        click.echo(f"kg: skipped {len(found.skipped) - 10} more hidden or README/LICENSE-like files", err=True)
    return found.files


def format_option(default: str = "table") -> Callable:
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default=default, show_default=True,
                        help="Output format.")


def store_options(f: Callable) -> Callable:
    """--db and --backend, shared by every command that reads or writes a store."""
    f = click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default=None,
                     help="Graph store: embedded LadybugDB (default) or neo4j (default when NEO4J_URI is set).")(f)
    f = click.option("--db", "db", type=click.Path(file_okay=False, path_type=Path), envvar="KG_DB", default=None,
                     help="Embedded store folder [env KG_DB; default ./kg.db].")(f)
    return f


def fails_cleanly(f: Callable) -> Callable:
    """KgError → one clear line on stderr and exit status 1, never a traceback."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except KgError as e:
            click.echo(f"kg: {e}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """kg: who answers for what in Chinese government policy documents, as a graph."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-align", is_flag=True, help="Skip recomputing task alignments across the stored documents.")
@store_options
@fails_cleanly
def build(paths: tuple[Path, ...], no_align: bool, db: Optional[Path], backend: Optional[str]) -> None:
    """Load files or folders (with no path at all: the seed corpus) into the store.

    Prints each file with what it turned out to be (ok, partial, unread, no-roles: no role clause at all),
    its detected encoding, the counts loaded and every failure; the exit status is 1 when any file
    failed. A path that gives no file is an error; a folder scan passes over hidden files and
    README / LICENSE / CHANGELOG … files, naming them on stderr.
    """
    from kg.build import build as run_build
    from kg.pipeline import default_corpus
    from kg.store import open_store

    files = _collect(paths or [default_corpus()])  # the seeds only when no path at all is given
    store = open_store(backend, db)
    with store:
        if len(files) > PROGRESS_THRESHOLD and sys.stderr.isatty():
            with click.progressbar(length=len(files), label="parsing", file=sys.stderr) as bar:
                report = run_build(store, files, on_file=lambda _r: bar.update(1), align_tasks=not no_align)
        else:
            report = run_build(store, files, align_tasks=not no_align)
        where = f"{store.backend} store" + (f" {getattr(store, 'path', '')}" if store.backend == "embedded" else "")
    statuses = Counter(d.status for d in report.loaded)
    for r in report.files:
        if r.ok and len(report.files) <= 50:
            c = r.counts
            click.echo(f"  {r.status:<7} {_shown(r.file)}  [{r.encoding}, {r.format}]  actions {c['actions']}, tasks {c['tasks']}, "
                       f"LEADS {c['leads']}, RESPONSIBLE_FOR {c['responsible_for']}{_coverage_note(r)}")
        for w in r.warnings:
            click.echo(f"  warning {w}", err=True)
    if len(report.files) > 50:
        enc = Counter(r.encoding for r in report.files if r.ok)
        click.echo("  encodings: " + ", ".join(f"{k} {v}" for k, v in sorted(enc.items())))
    c = report.counts
    click.echo(
        f"Loaded into the {where}: {c.get('documents', 0)} documents "
        f"({statuses['inserted']} new, {statuses['replaced']} replaced, {statuses['unchanged']} unchanged), "
        f"{c.get('actions', 0)} actions, {c.get('tasks', 0)} tasks, {c.get('organizations', 0)} organizations, "
        f"{c.get('leads', 0) + c.get('responsible_for', 0)} edges "
        f"({c.get('leads', 0)} LEADS, {c.get('responsible_for', 0)} RESPONSIBLE_FOR); "
        f"{len(report.failures)} failures"
    )
    if c.get("targets") or c.get("memberships") or report.alignments:
        click.echo(f"  and {c.get('targets', 0)} targets, {c.get('people', 0)} people in leading groups, "
                   f"{c.get('citations', 0)} citations"
                   + (f"; {report.alignments} task alignments across the store" if report.alignments is not None else ""))
    for line in report.failures:
        click.echo(f"  FAILED  {line}", err=True)
    if report.failures:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option("table")
@fails_cleanly
def extract(paths: tuple[Path, ...], fmt: str) -> None:
    """Print the responsibility table of files, without touching any database.

    One row per LEADS / RESPONSIBLE_FOR edge; jsonl gives one JSON object per edge and nothing
    else on stdout. Unreadable files are reported on stderr and the exit status is 1.
    """
    from kg.pipeline import parse_files
    from kg.table import COLUMNS, TABLE_COLUMNS, responsibility_rows

    batch = parse_files(_collect(paths))
    rows = responsibility_rows(batch.graph)
    click.echo(render(rows, fmt, TABLE_COLUMNS if fmt == "table" else COLUMNS), nl=False)
    for r in batch.reports:
        if r.ok and len(batch.reports) <= 50:
            click.echo(f"kg: {r.status}: {_shown(r.file)}: {r.counts['leads'] + r.counts['responsible_for']} edges"
                       f"{_coverage_note(r)}", err=True)
        for w in r.warnings:
            click.echo(f"kg: warning: {w}", err=True)
    for r in batch.failures:
        click.echo(f"kg: {r.error}", err=True)
    if batch.failures:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option("table")
@fails_cleanly
def check(paths: tuple[Path, ...], fmt: str) -> None:
    """Report how much of each file's role text kg reads, without loading anything.

    Per file: what it turned out to be (ok, partial, unread: role text but no edge, no-roles, failed),
    the edges it gives, role-looking brackets / labelled lines / table role cells found and read,
    and the character position of each one not read. Exit status 1 when a file failed or gave no
    edge although it has role text.
    """
    from kg.check import check_paths
    from kg.pipeline import STATUS_NOTES

    reports = check_paths(_collect(paths))
    if fmt in ("json", "jsonl"):
        rows = [r.as_dict() for r in reports]
        click.echo(render(rows, fmt, list(rows[0]) if rows else []), nl=False)
    else:
        kinds = ("bracket", "label", "table")
        rows = [{"file": _shown(r.file), "status": r.status, "edges": r.edges,
                 **{k: f"{r.read.get(k, 0)}/{r.found.get(k, 0)}" for k in kinds}} for r in reports]
        click.echo(render(rows, fmt, ["file", "status", "edges", *kinds]), nl=False)
        if fmt == "table":
            for r in reports:
                if r.error:
                    click.echo(f"  {r.error}")
                if r.status == "no-roles":
                    click.echo(f"  no-roles: {_shown(r.file)}: {STATUS_NOTES['no-roles']}")
                for u in r.unread:
                    click.echo(f"  not read: {_shown(r.file)} char {u['start']} ({u['kind']}): {u['text']}")
    if any(r.status in ("failed", "unread") for r in reports):
        sys.exit(1)


@main.command()
@store_options
@format_option("table")
@fails_cleanly
def stats(db: Optional[Path], backend: Optional[str], fmt: str) -> None:
    """Summarise the store: counts of documents, actions, tasks, organizations and edges."""
    from kg.store import open_store

    with open_store(backend, db, read_only=True) as store:
        counts = store.stats()
    rows = [{"what": k, "count": v} for k, v in counts.items()]
    click.echo(render(rows, fmt, ["what", "count"]), nl=False)


def _print_result(columns: list[str], rows: list[list[Any]], fmt: str) -> None:
    click.echo(render([dict(zip(columns, r)) for r in rows], fmt, columns), nl=False)


def _print_page(page: Any, fmt: str) -> None:
    """A query's rows; when its limit cut them, the table footer (or a line on stderr) says so."""
    from kg.render import render_page

    out, note = render_page(page, fmt)
    click.echo(out, nl=False)
    if note:
        click.echo(f"kg: {note}", err=True)


def limit_options(f: Callable) -> Callable:
    """--limit N and --all: shorthands for the `limit` parameter of the library queries."""
    f = click.option("--all", "all_rows", is_flag=True, help="Every row (no limit).")(f)
    f = click.option("--limit", type=click.IntRange(min=0), default=None,
                     help="At most N rows (the query's `limit` parameter; default 100).")(f)
    return f


@main.command("queries")
@format_option("table")
def queries_cmd(fmt: str) -> None:
    """List the named Cypher queries: name, the question each answers, its parameters."""
    from kg.library import list_queries

    rows = [{"name": q.name, "question": q.question,
             "params": ", ".join(p.signature() for p in q.params) or "-"} for q in list_queries()]
    click.echo(render(rows, fmt, ["name", "question", "params"], max_cell=90), nl=False)


@main.command()
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@limit_options
@store_options
@format_option("table")
@fails_cleanly
def query(name: str, params: tuple[str, ...], limit: Optional[int], all_rows: bool, db: Optional[Path],
          backend: Optional[str], fmt: str) -> None:
    """Run a named query from the library (see `kg queries`) on the store.

    When the query's limit cuts the rows, the table ends with "100 of 1,063 rows — pass --limit N or
    --all" (csv, jsonl: that line on stderr; json: {"rows": [...], "limit", "total", "truncated"}).
    """
    from kg.library import parse_params, run_named, with_limit
    from kg.store import open_store

    given = with_limit(parse_params(params), limit, all_rows)
    with open_store(backend, db, read_only=True) as store:
        page = run_named(store, name, given)
    _print_page(page, fmt)


@main.command()
@click.argument("statement")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter (repeatable).")
@click.option("--write", is_flag=True, help="Allow a statement that writes (read-only otherwise).")
@store_options
@format_option("table")
@fails_cleanly
def cypher(statement: str, params: tuple[str, ...], write: bool, db: Optional[Path], backend: Optional[str],
           fmt: str) -> None:
    """Run an ad-hoc Cypher statement; read-only unless --write is given."""
    from kg.library import parse_params
    from kg.store import open_store

    with open_store(backend, db, read_only=not write) as store:
        result = store.run(statement, parse_params(params), write=write)
    _print_result(result.columns, result.rows, fmt)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML page to write.")
@click.option("--org", help="One organization (canonical name or as written): its actions, tasks and partners.")
@click.option("--document", help="One document (id, 文号 or title): document → sections → actions → tasks → units.")
@click.option("--sector", help="One sector (教育, 科协 …) across jurisdictions.")
@click.option("--max-nodes", type=int, default=1500, show_default=True, help="Cut larger views to this many nodes.")
@store_options
@fails_cleanly
def viz(files: tuple[Path, ...], out: Path, org: Optional[str], document: Optional[str], sector: Optional[str],
        max_nodes: int, db: Optional[Path], backend: Optional[str]) -> None:
    """Write an interactive, self-contained page of the graph (from FILES, or from the store)."""
    from kg.viz import write_page

    chosen = [(k, v) for k, v in (("org", org), ("document", document), ("sector", sector)) if v]
    if len(chosen) > 1:
        raise click.UsageError("give at most one of --org, --document, --sector")
    view, value = chosen[0] if chosen else ("whole", None)
    graph = _graph_from(files, db, backend)
    info = write_page(graph, out, view=view, value=value, max_nodes=max_nodes)
    click.echo(f"Wrote {out}: {info.nodes} nodes, {info.edges} edges ({info.view} view)")
    if info.message:
        click.echo(f"  {info.message}", err=True)


def _graph_from(files: tuple[Path, ...], db: Optional[Path], backend: Optional[str]):
    """The graph of FILES when given (no database touched), else the whole store's graph."""
    if files:
        from kg.align import with_alignments
        from kg.pipeline import parse_files, require_documents

        batch = parse_files(_collect(files))
        for r in batch.failures:
            click.echo(f"kg: {r.error}", err=True)
        return with_alignments(require_documents(batch, files).graph)
    from kg.store import open_store

    with open_store(backend, db, read_only=True) as store:
        return store.to_graph()


@main.group()
def export() -> None:
    """Export the graph: RDF on kg's ontology, or CSV files for neo4j-admin import."""


@export.command("rdf")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "nq", "jsonld", "trig"]), default="turtle",
              show_default=True, help="RDF serialisation.")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write.")
@store_options
@fails_cleanly
def export_rdf(files: tuple[Path, ...], fmt: str, out: Path, db: Optional[Path], backend: Optional[str]) -> None:
    """Write the graph (of FILES, or of the store) as RDF; the same input gives the same bytes."""
    from kg.rdf import export as rdf_export

    n = rdf_export(_graph_from(files, db, backend), out, fmt)
    click.echo(f"Wrote {out}: {n} triples ({fmt})")


@export.command("neo4j-import")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@store_options
@fails_cleanly
def export_neo4j_import(out_dir: Path, files: tuple[Path, ...], db: Optional[Path], backend: Optional[str]) -> None:
    """Write CSV and header files for `neo4j-admin database import full` (for millions of documents)."""
    import shlex

    from kg.neo4j_import import neo4j_admin_command, write_neo4j_import

    counts = write_neo4j_import(_graph_from(files, db, backend), out_dir)
    click.echo(f"Wrote {out_dir}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    click.echo("Import with: " + shlex.join(neo4j_admin_command(out_dir)))


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@store_options
@format_option("table")
@fails_cleanly
def validate(files: tuple[Path, ...], db: Optional[Path], backend: Optional[str], fmt: str) -> None:
    """Check the graph (of FILES, or of the store) against ontology/shapes.ttl (SHACL); exit 1 on violations."""
    from kg.rdf import validate as shacl_validate

    violations = shacl_validate(_graph_from(files, db, backend))
    if fmt == "table":
        for v in violations:
            click.echo(str(v))
        click.echo(f"{len(violations)} violations" if violations else "The graph conforms to ontology/shapes.ttl.")
    else:
        rows = [v.as_dict() for v in violations]
        click.echo(render(rows, fmt), nl=False)
    if violations:
        sys.exit(1)


@main.command()
@click.argument("name_or_query")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@limit_options
@store_options
@format_option("table")
@fails_cleanly
def sparql(name_or_query: str, files: tuple[Path, ...], params: tuple[str, ...], limit: Optional[int],
           all_rows: bool, db: Optional[Path], backend: Optional[str], fmt: str) -> None:
    """Run a SPARQL twin from queries/*.rq by name, or a SPARQL query, on the RDF of FILES or of the store.

    Read-only: updates are refused. Parameters are bound as RDF literals, never spliced into the text.
    A cut result says so, as for `kg query`.
    """
    from kg.library import parse_params, with_limit
    from kg.sparql import run_sparql, sparql_store

    given = with_limit(parse_params(params), limit, all_rows)
    _print_page(run_sparql(sparql_store(_graph_from(files, db, backend)), name_or_query, given), fmt)


@main.command("serve-sparql")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--port", type=int, default=7878, show_default=True, help="Port on 127.0.0.1 (0 picks a free one).")
@store_options
@fails_cleanly
def serve_sparql(files: tuple[Path, ...], port: int, db: Optional[Path], backend: Optional[str]) -> None:
    """Serve a read-only SPARQL 1.1 Protocol endpoint on 127.0.0.1 (updates refused with 403)."""
    from kg.sparql import serve

    server = serve(_graph_from(files, db, backend), "127.0.0.1", port)
    click.echo(f"SPARQL endpoint: {server.url}  (read-only; Ctrl-C stops it)", err=True)
    server.wait()


if __name__ == "__main__":  # pragma: no cover
    main()
