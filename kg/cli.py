"""The `kg` command: parses options, calls the library, renders. No logic of its own."""
from __future__ import annotations

import functools
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

import click

from kg.cli_advice import cli_note, cli_words
from kg.errors import KgError
from kg.limits import for_cli
from kg.render import FORMATS, render
from kg.store import BACKENDS

if TYPE_CHECKING:
    from kg.viz import GroupBy, View


def _shown(path: str) -> str:
    """A path as the user would write it: relative to the working directory when inside it, and escaped
    (kg.names.escaped) so that a newline or bytes that are not UTF-8 in a file name stay on one line."""
    from kg.names import escaped

    try:
        return escaped(str(Path(path).resolve().relative_to(Path.cwd().resolve())))
    except ValueError:
        return escaped(str(path))


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


def _parse(files: list[Path], progress: Any, **options: Any) -> Any:
    """kg.pipeline.parse_files with a bar (or lines) of the files parsed."""
    from kg.pipeline import parse_files

    with progress.step("parse", total=len(files), unit="files") as step:
        return parse_files(files, on_file=lambda _r: step.advance(), **options)


def format_option(default: str = "table", extra: tuple[str, ...] = ()) -> Callable:
    """The shared --format (csv-excel: BOM, CRLF, lists joined with 、); `extra` adds formats one command writes."""
    return click.option("--format", "fmt", type=click.Choice(FORMATS + extra), default=default, show_default=True,
                        help="Output format (csv-excel: for Excel — BOM, CRLF, lists joined with 、"
                             + (", xlsx: a workbook, with -o FILE" if "xlsx" in extra else "") + ").")


def store_options(f: Callable) -> Callable:
    """--db and --backend, shared by every command that reads or writes a store."""
    f = click.option("--backend", type=click.Choice(sorted(BACKENDS)), default=None,
                     help="Graph store: embedded LadybugDB (default) or neo4j (default when NEO4J_URI is set).")(f)
    f = click.option("--db", "db", type=click.Path(file_okay=False, path_type=Path), envvar="KG_DB", default=None,
                     help="Embedded store folder [env KG_DB; default ./kg.db].")(f)
    return f


def progress_option(f: Callable) -> Callable:
    """--quiet: no progress on stderr (bars, lines every few seconds); the command gets ``progress``, a
    kg.progress.Reporter (a bar on a terminal, else a line every 5 s: KG_PROGRESS_INTERVAL sets it)."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kg.progress import for_cli as reporter

        rep = reporter(quiet=kwargs.pop("quiet"))
        try:
            return f(*args, progress=rep, **kwargs)
        finally:
            rep.close()

    return click.option("--quiet", "-q", is_flag=True,
                        help="No progress on stderr (otherwise: a bar on a terminal, a line every few seconds "
                             "in a log).")(wrapper)


def fails_cleanly(f: Callable) -> Callable:
    """KgError → one clear line on stderr and exit status 1, never a traceback."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except KgError as e:
            click.echo(f"kg: {e}{cli_words(e.advice)}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def main() -> None:
    """kg: who answers for what in Chinese government policy documents, as a graph."""


def parse_options(f: Callable) -> Callable:
    """--jobs and the per-file limits (kg.limits.Limits, each --max-…), shared by the commands that parse
    files; the command gets `jobs` and `limits`."""
    from kg.limits import DEFAULT, HELP, LIMIT_NAMES, Limits, option

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        limits = Limits(**{name: kwargs.pop(name) for name in LIMIT_NAMES})
        return f(*args, limits=limits, **kwargs)

    for name in reversed(LIMIT_NAMES):
        wrapper = click.option(option(name), name, type=click.FloatRange(min=0) if name != "max_pdf_pages"
                               else click.IntRange(min=0), default=getattr(DEFAULT, name), show_default=True,
                               help=HELP[name] + " 0: no limit.")(wrapper)
    return click.option("--jobs", "-j", type=click.IntRange(min=0), default=0,
                        help="Parse in N worker processes, each file under the limits below [default: one per "
                             "core, and this process for fewer than 8 files]; 1 parses in this process (no "
                             "memory limit there).")(wrapper)


def file_command(f: Callable) -> Callable:
    """A command that parses the files it is given and prints a table (extract, check), with its arguments:
    PATHS, --format, --jobs and the limits, --progress; its errors end it cleanly."""
    for decorate in (fails_cleanly, progress_option, parse_options, format_option("table"),
                     click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))):
        f = decorate(f)
    return main.command()(f)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-align", is_flag=True, help="Skip recomputing task alignments across the stored documents.")
@parse_options
@store_options
@progress_option
@fails_cleanly
def build(paths: tuple[Path, ...], no_align: bool, db: Optional[Path], backend: Optional[str], jobs: int,
          limits: Any, progress: Any) -> None:
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
        report = run_build(store, files, align_tasks=not no_align, jobs=jobs, limits=limits, progress=progress)
        where = f"{store.backend} store" + (f" {getattr(store, 'path', '')}" if store.backend == "embedded" else "")
    _print_build(report, where)


def _print_build(report: Any, where: str) -> None:
    """The report of kg build: each file (a file whose document was not written says so), the counts of
    what is in the store, every failure; every line escaped (kg.names.escaped). Exit 1 on a failure."""
    from kg.names import escaped

    statuses = Counter(d.status for d in report.loaded)
    stored = report.stored
    for r in report.files:
        if r.ok and len(report.files) <= 50:
            c = r.counts
            status = r.status if r.document_id in stored else "failed"  # parsed, but not written: see FAILED
            click.echo(f"  {status:<7} {_shown(r.file)}  [{r.encoding}, {r.format}]  actions {c['actions']}, tasks {c['tasks']}, "
                       f"LEADS {c['leads']}, RESPONSIBLE_FOR {c['responsible_for']}{_coverage_note(r)}")
        for w in r.warnings:
            click.echo(f"  warning {escaped(w)}", err=True)
    for line in report.replacements:
        click.echo(f"  warning {escaped(line)}", err=True)
    if len(report.files) > 50:
        enc = Counter(r.encoding for r in report.files if r.ok)
        click.echo("  encodings: " + ", ".join(f"{k} {v}" for k, v in sorted(enc.items())))
    c = report.counts
    click.echo(
        f"Loaded into the {escaped(where)}: {c.get('documents', 0)} documents "
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
    _exit_on_failures([escaped(for_cli(line, "build")) for line in report.failures], "  FAILED  ")


def _exit_on_failures(lines: list[str], prefix: str) -> None:
    """Each failure a line on stderr, then exit status 1 if there was one."""
    for line in lines:
        click.echo(prefix + line, err=True)
    if lines:
        sys.exit(1)


@file_command
def extract(paths: tuple[Path, ...], fmt: str, jobs: int, limits: Any, progress: Any) -> None:
    """Print the responsibility table of files, without touching any database.

    One row per LEADS / RESPONSIBLE_FOR edge; jsonl gives one JSON object per edge and nothing
    else on stdout. Unreadable files are reported on stderr and the exit status is 1.
    """
    from kg.table import COLUMNS, TABLE_COLUMNS, responsibility_rows

    batch = _parse(_collect(paths), progress, jobs=jobs, limits=limits)
    rows = responsibility_rows(batch.graph)
    click.echo(render(rows, fmt, TABLE_COLUMNS if fmt == "table" else COLUMNS), nl=False)
    for r in batch.reports:
        if r.ok and len(batch.reports) <= 50:
            click.echo(f"kg: {r.status}: {_shown(r.file)}: {r.counts['leads'] + r.counts['responsible_for']} edges"
                       f"{_coverage_note(r)}", err=True)
        for w in r.warnings:
            click.echo(f"kg: warning: {w}", err=True)
    _exit_on_failures([for_cli(r.error or r.file, "extract") for r in batch.failures], "kg: ")


@file_command
def check(paths: tuple[Path, ...], fmt: str, jobs: int, limits: Any, progress: Any) -> None:
    """Report how much of each file's role text kg reads, without loading anything.

    Per file: what it turned out to be (ok, partial, unread: role text but no edge, no-roles, failed),
    the edges it gives, role-looking brackets / labelled lines / table role cells found and read,
    and the character position of each one not read. Exit status 1 when a file failed or gave no
    edge although it has role text.
    """
    from kg.check import check_report
    from kg.pipeline import STATUS_NOTES

    # kg.check.check_paths, with the parse options (check_paths takes none yet)
    reports = [check_report(r) for r in _parse(_collect(paths), progress, jobs=jobs, limits=limits).reports]
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
                    click.echo(f"  {for_cli(r.error, 'check')}")
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


@main.command()
@format_option("table")
@click.option("--cypher-lint", "lint", is_flag=True,
              help="Print the names as tools/cypher-lint reads them (its --schema FILE), as JSON.")
def schema(fmt: str, lint: bool) -> None:
    """Show what a store holds, for writing `kg cypher` statements: node labels and relationship types
    with their properties (the stored counts included), and the labels each relationship joins."""
    import json

    from kg.store.schema import describe, lint_schema

    if lint:
        click.echo(json.dumps(lint_schema(), ensure_ascii=False, indent=1))
        return
    rows = describe()
    if fmt == "table":  # whole: a cut list of properties would hide the one the reader looks for
        rows = [{**r, "ends": "、".join(r["ends"]), "properties": ", ".join(r["properties"])} for r in rows]
    click.echo(render(rows, fmt, ["kind", "name", "ends", "properties"], max_cell=10_000), nl=False)


def _print_result(columns: list[str], rows: list[list[Any]], fmt: str) -> None:
    click.echo(render([dict(zip(columns, r)) for r in rows], fmt, columns), nl=False)


def _stdout_bytes() -> Any:
    """Standard output as a binary stream (an xlsx workbook, RDF to `-o -`)."""
    sys.stdout.flush()
    return sys.stdout.buffer


def _print_page(page: Any, fmt: str, out: Optional[Path] = None, sheet: str = "result") -> None:
    """A query's rows (to stdout, or to the file `out`); when its limit cut them, the table footer (or a line on
    stderr) says so; kg's notes on the answer ("did you mean: …") go to stderr."""
    from kg.render import cut_note, render_page

    if fmt == "xlsx":
        from kg.export_xlsx import page_to_xlsx

        data, note = page_to_xlsx(page, sheet), cut_note(page)
    else:
        text, note = render_page(page, fmt)
        data = text.encode("utf-8")
    if out is None and fmt == "xlsx" and sys.stdout.isatty():
        raise click.UsageError("--format xlsx writes a workbook: give -o FILE.xlsx (or -o - to pipe it)")
    if out is None or str(out) == "-":
        if fmt == "xlsx" or out is not None:
            _stdout_bytes().write(data)
        else:
            click.echo(text, nl=False)
    else:
        out.write_bytes(data)
        click.echo(f"kg: wrote {out} ({len(page.rows):,} rows, {fmt})", err=True)
    if note:
        click.echo(f"kg: {note}", err=True)
    for line in getattr(page, "notes", []):
        click.echo(f"kg: {cli_note(line)}", err=True)


def limit_options(f: Callable) -> Callable:
    """--limit N and --all: shorthands for the `limit` parameter of the library queries."""
    f = click.option("--all", "all_rows", is_flag=True, help="Every row (no limit).")(f)
    f = click.option("--limit", type=click.IntRange(min=0), default=None,
                     help="At most N rows (the query's `limit` parameter; default 100).")(f)
    return f


def _query_names(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """Shell completion of a library query's name."""
    from kg.library import list_queries

    return [q.name for q in list_queries() if q.name.startswith(incomplete)]


def _query_text(d: dict[str, Any]) -> str:
    """`kg queries NAME` as text: the question, each parameter, an example call, the query itself."""
    lines = [f"{d['name']} — {d['question']}", "", "Parameters:" if d["params"] else "Parameters: none"]
    for p in d["params"]:
        when = "required" if p["required"] else f'default "{p["default"]}"' if p["type"] == "string" \
            else f"default {p['default']}"
        lines.append(f"  {p['name']} ({p['type']}, {when}) — {p['description']}")
    lines += ["", "Example:", f"  {d['example']}"]
    if d.get("twin"):
        lines.append(f"  {d['example'].replace('kg query ', 'kg sparql ', 1)}    # its SPARQL twin, {d['twin']}")
    lines += ["", f"{d['language'].capitalize()} ({d['file']}):", ""]
    lines += [f"  {line}" if line else "" for line in d["text"].rstrip("\n").splitlines()]
    return "\n".join(lines) + "\n"


@main.command("queries")
@click.argument("name", required=False, shell_complete=_query_names)
@format_option("table")
@fails_cleanly
def queries_cmd(name: Optional[str], fmt: str) -> None:
    """List the named Cypher queries: name, the question each answers, its parameters.

    With NAME, show that query whole: its question, each parameter with its description and default, an
    example call and the Cypher text (json: the same as one object).
    """
    from kg.library import describe, get_query, list_queries

    if name:
        d = describe(get_query(name))
        if fmt in ("json", "jsonl"):
            import json

            click.echo(json.dumps(d, ensure_ascii=False, indent=2 if fmt == "json" else None))
        elif fmt == "table":
            click.echo(_query_text(d), nl=False)
        else:
            click.echo(render(d["params"], fmt, ["name", "type", "required", "default", "description"]), nl=False)
        return
    rows = [{"name": q.name, "question": q.question,
             "params": ", ".join(p.signature() for p in q.params) or "-"} for q in list_queries()]
    click.echo(render(rows, fmt, ["name", "question", "params"], max_cell=90), nl=False)


@main.command()
@click.argument("name", shell_complete=_query_names)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter (repeatable); the value is read as JSON when it is JSON (3, true), else as text.")
@limit_options
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write the result to this file (required for xlsx; - is stdout).")
@store_options
@format_option("table", extra=("xlsx",))
@fails_cleanly
def query(name: str, params: tuple[str, ...], limit: Optional[int], all_rows: bool, out: Optional[Path],
          db: Optional[Path], backend: Optional[str], fmt: str) -> None:
    """Run a named query from the library (see `kg queries`) on the store.

    When the query's limit cuts the rows, the table ends with "100 of 1,063 rows — pass --limit N or
    --all" (csv, jsonl: that line on stderr; json: {"rows": [...], "limit", "total", "truncated"}).
    A name lookup that finds nothing says on stderr which organizations come closest ("did you mean: …").
    --format xlsx -o FILE writes the rows as a workbook.
    """
    from kg.library import parse_params, run_named, with_limit
    from kg.store import open_store

    given = with_limit(parse_params(params), limit, all_rows)
    with open_store(backend, db, read_only=True) as store:
        page = run_named(store, name, given)
    _print_page(page, fmt, out, sheet=name)


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
    from kg.cypher_guard import QueryRefused
    from kg.library import parse_params
    from kg.store import open_store

    try:
        with open_store(backend, db, read_only=not write) as store:
            result = store.run(statement, parse_params(params), write=write)
    except QueryRefused as e:
        raise QueryRefused(f"{e} — without --write, kg cypher runs one read query only", e.clause,
                           e.position) from None
    _print_result(result.columns, result.rows, fmt)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML page to write.")
@click.option("--org", help="One organization (canonical name or as written): its actions, tasks and partners.")
@click.option("--document", help="One document (id, 文号 or title): document → sections → actions → tasks → units.")
@click.option("--with-aligned", is_flag=True,
              help="With --document: also draw the actions and tasks of other plans its own align with.")
@click.option("--sector", help="One sector (教育, 科协 …) across jurisdictions.")
@click.option("--group-by", type=click.Choice(["document", "jurisdiction"]), default="document", show_default=True,
              help="The whole-store page: one framed island per document, or per jurisdiction.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=1500, show_default=True,
              help="Cut larger views (--org ones too) to this many nodes.")
@store_options
@progress_option
@fails_cleanly
def viz(files: tuple[Path, ...], out: Path, org: Optional[str], document: Optional[str], with_aligned: bool,
        sector: Optional[str], group_by: GroupBy, max_nodes: int, db: Optional[Path], backend: Optional[str],
        progress: Any) -> None:
    """Write an interactive, self-contained page of the graph (from FILES, or from the store)."""
    from kg.viz import write_page

    views: list[tuple[View, Optional[str]]] = [("org", org), ("document", document), ("sector", sector)]
    chosen = [(k, v) for k, v in views if v]
    if len(chosen) > 1:
        raise click.UsageError("give at most one of --org, --document, --sector")
    if with_aligned and not document:
        raise click.UsageError("--with-aligned goes with --document")
    view: View
    value: Optional[str]
    view, value = chosen[0] if chosen else ("whole", None)
    graph = _graph_from(files, db, backend, progress)
    with progress.step("drawing the page"):
        info = write_page(graph, out, view=view, value=value, max_nodes=max_nodes, with_aligned=with_aligned,
                          group_by=group_by)
    click.echo(f"Wrote {out}: {info.nodes} nodes, {info.edges} edges ({info.view} view)")
    if info.message:
        click.echo(f"  {info.message}", err=True)


def _graph_from(files: tuple[Path, ...], db: Optional[Path], backend: Optional[str], progress: Any = None):
    """The graph of FILES when given (no database touched), else the whole store's graph."""
    from kg.progress import steps

    progress = steps(progress)
    if files:
        from kg.align import with_alignments
        from kg.pipeline import require_documents

        batch = _parse(_collect(files), progress)
        for r in batch.failures:
            click.echo(f"kg: {r.error}", err=True)  # not progress: --quiet does not hide a failure
        with progress.step("align"):
            return with_alignments(require_documents(batch, files).graph)
    from kg.store import open_store

    with open_store(backend, db, read_only=True) as store:
        with progress.step("reading the store"):
            return store.to_graph()


class _Counted:
    """A binary stream that moves a progress step by the megabytes written through it."""

    def __init__(self, out: Any, step: Any) -> None:
        self.out, self.step, self.n = out, step, 0

    def write(self, data: bytes) -> int:
        self.n += len(data)
        self.step.update(round(self.n / 1e6, 1))
        return self.out.write(data)

    def flush(self) -> None:
        self.out.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.out, name)


@main.group()
def export() -> None:
    """Export the graph: RDF on kg's ontology, an Excel workbook of 任务分工表, or CSV files for neo4j-admin import."""


@export.command("rdf")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "nq", "jsonld", "trig"]), default="turtle",
              show_default=True, help="RDF serialisation (jsonld: compacted, with an @context of kg's prefixes).")
@click.option("-o", "--output", "out", required=True,
              type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="The file to write; - writes to stdout.")
@store_options
@progress_option
@fails_cleanly
def export_rdf(files: tuple[Path, ...], fmt: str, out: Path, db: Optional[Path], backend: Optional[str],
               progress: Any) -> None:
    """Write the graph (of FILES, or of the store) as RDF; the same input gives the same bytes."""
    from kg.rdf import export as rdf_export

    graph = _graph_from(files, db, backend, progress)
    if str(out) == "-":
        stdout = _stdout_bytes()
        with progress.step(f"writing RDF ({fmt})", unit="MB") as step:
            n = rdf_export(graph, _Counted(stdout, step), fmt)
        stdout.flush()
        click.echo(f"kg: wrote {n} triples ({fmt}) to stdout", err=True)
        return
    with open(out, "wb") as fh, progress.step(f"writing RDF ({fmt})", unit="MB") as step:
        n = rdf_export(graph, _Counted(fh, step), fmt)
    click.echo(f"Wrote {out}: {n} triples ({fmt})")


@export.command("xlsx")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="The workbook to write, e.g. 分工表.xlsx; - writes to stdout.")
@store_options
@progress_option
@fails_cleanly
def export_xlsx(files: tuple[Path, ...], out: Path, db: Optional[Path], backend: Optional[str],
                progress: Any) -> None:
    """Write an Excel workbook of the graph (of FILES, or of the store): one 任务分工表 sheet per document.

    Each document sheet is laid out as plans print it — 序号 | 行动 | 任务 | 牵头单位 | 责任单位 | 配合单位 |
    完成时限 | 原文条款 | 位置 — with units as written, in the order the document lists them, joined with 、;
    a 文件 sheet lists the documents and a 单位 sheet the organizations (canonical name, jurisdiction,
    sector, names as written, edges by role).
    """
    from kg.export_xlsx import write_task_tables

    graph = _graph_from(files, db, backend, progress)
    if str(out) == "-":
        import io

        buf = io.BytesIO()
        with progress.step("writing the workbook"):
            report = write_task_tables(graph, buf)
        _stdout_bytes().write(buf.getvalue())
        where, stream = "stdout", True
    else:
        with progress.step("writing the workbook"):
            report = write_task_tables(graph, out)
        where, stream = str(out), False
    click.echo(f"Wrote {where}: {report.documents} document sheets, {report.rows} task-table rows, "
               f"{report.organizations} organizations", err=stream)


@export.command("neo4j-import")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@store_options
@progress_option
@fails_cleanly
def export_neo4j_import(out_dir: Path, files: tuple[Path, ...], db: Optional[Path], backend: Optional[str],
                        progress: Any) -> None:
    """Write CSV and header files for `neo4j-admin database import full` (for millions of documents)."""
    import shlex

    from kg.neo4j_import import neo4j_admin_command, write_neo4j_import

    graph = _graph_from(files, db, backend, progress)
    with progress.step("writing the import files"):
        counts = write_neo4j_import(graph, out_dir)
    click.echo(f"Wrote {out_dir}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    click.echo("Import with: " + shlex.join(neo4j_admin_command(out_dir)))


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--engine", type=click.Choice(["auto", "sparql", "pyshacl"]), default="auto", show_default=True,
              help="sparql: the shapes as SPARQL on Oxigraph (seconds); pyshacl: the reference engine (minutes and "
                   "gigabytes for big graphs); auto: pyshacl up to 20,000 statements.")
@click.option("--explain", metavar="NODE", default=None,
              help="Explain one focus node (as printed, e.g. task/0123456789abcdef): pyshacl's full report for it.")
@store_options
@format_option("table")
@progress_option
@fails_cleanly
def validate(files: tuple[Path, ...], engine: str, explain: Optional[str], db: Optional[Path], backend: Optional[str],
             fmt: str, progress: Any) -> None:
    """Check the graph (of FILES, or of the store) against ontology/shapes.ttl (SHACL); exit 1 on violations.

    The store is checked on its SPARQL copy (kg.db.oxigraph/, made or refreshed first when the store changed).
    """
    from kg.rdf_validate import explain as shacl_explain
    from kg.rdf_validate import graph_around
    from kg.rdf_validate import validate as shacl_validate
    from kg.sparql import store_sparql

    if files or engine == "pyshacl":
        data: Any = _graph_from(files, db, backend, progress)
    elif explain:
        data = graph_around(db, backend, explain, progress=progress)
    else:
        data = store_sparql(db, backend, progress=progress)
    if explain:
        with progress.step("explaining with pyshacl"):
            violations, text = shacl_explain(data, explain)
    else:
        violations, text = shacl_validate(data, engine=engine, progress=progress), ""
    if fmt == "table" and text:
        click.echo(text.rstrip("\n"))
    elif fmt == "table":
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
@progress_option
@fails_cleanly
def sparql(name_or_query: str, files: tuple[Path, ...], params: tuple[str, ...], limit: Optional[int],
           all_rows: bool, db: Optional[Path], backend: Optional[str], fmt: str, progress: Any) -> None:
    """Run a SPARQL twin from queries/*.rq by name, or a SPARQL query, on the RDF of FILES or of the store.

    Read-only: updates are refused. Parameters are bound as RDF literals, never spliced into the text.
    A cut result says so, as for `kg query`.
    """
    from kg.library import parse_params, with_limit
    from kg.sparql import guard, run_sparql, sparql_store, store_sparql

    given = with_limit(parse_params(params), limit, all_rows)
    if not name_or_query.strip().isidentifier():
        guard(name_or_query)  # a refused text is refused before the store is read
    if files:
        graph = _graph_from(files, db, backend, progress)
        with progress.step("loading the RDF into Oxigraph"):
            store = sparql_store(graph)
    else:  # the store's persistent SPARQL copy, refreshed first if the store changed
        store = store_sparql(db, backend, progress=progress)
    try:
        with progress.step("query"):
            page = run_sparql(store, name_or_query, given)
    except (OSError, RuntimeError) as e:  # the engine's own errors: one line, not a traceback
        raise KgError(f"SPARQL query failed: {e}") from None
    _print_page(page, fmt)


@main.command("serve-sparql")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--port", type=int, default=7878, show_default=True, help="Port to listen on (0 picks a free one).")
@click.option("--host", default=None, metavar="ADDRESS",
              help="Address to bind [default: 127.0.0.1]. Another address opens the endpoint to the network on "
                   "purpose, and requests naming it in their Host header are then answered too.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds a query may run; past it the query is stopped and answered 503.")
@store_options
@fails_cleanly
def serve_sparql(files: tuple[Path, ...], port: int, host: Optional[str], timeout: float, db: Optional[Path],
                 backend: Optional[str]) -> None:
    """Serve a read-only SPARQL 1.1 Protocol endpoint on 127.0.0.1 (updates refused with 403).

    Each query runs in a worker process that is stopped at the time limit or when its client leaves;
    browser clients (YASGUI) may query it (CORS); one line per request is logged on stderr.
    """
    from kg.sparql import open_store_sparql, sparql_store
    from kg.sparql_server import EndpointError, check_port, serve

    public = host is not None and host not in ("127.0.0.1", "localhost", "::1")
    try:
        check_port(host or "127.0.0.1", port)  # before the graph is built: a taken port fails at once
        source: Any
        if files:
            source = sparql_store(_graph_from(files, db, backend))  # the graph is freed before the workers fork
        else:  # the store's persistent SPARQL copy (refreshed first if the store changed); workers open it
            from kg.progress import for_cli as reporter

            source, folder = open_store_sparql(db, backend, progress=reporter())
            source = folder or source
        server = serve(source, host or "127.0.0.1", port, verbose=True, public=public, timeout=timeout)
    except EndpointError as e:
        raise KgError(f"{e} (pass --port N, or --port 0 for a free one)" if "in use" in str(e) else str(e)) from None
    if public:
        click.echo(f"kg serve-sparql: listening on {host}: whoever reaches this address can query the store", err=True)
    click.echo(f"SPARQL endpoint: {server.url}  (read-only; Ctrl-C stops it)", err=True)
    server.wait()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (127.0.0.1: this machine only; the pages are read-only either way).")
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on.")
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="A folder (or file) the documents were loaded from, to show their text (repeatable; "
                   "the seed corpus is always searched).")
@store_options
@fails_cleanly
def serve(host: str, port: int, sources: tuple[Path, ...], db: Optional[Path], backend: Optional[str]) -> None:
    """Serve the read-only web application: search, organizations, documents with every clause highlighted,
    tasks, the query library, a Cypher console and SPARQL; every page has a JSON twin (?format=json)."""
    from kg.store import open_store
    from kg.web.app import serve as run_server

    with open_store(backend, db, read_only=True) as store:
        click.echo(f"kg serve: http://{host}:{port}/  (read-only; Ctrl-C stops it)", err=True)
        run_server(store, host, port, sources)


if __name__ == "__main__":  # pragma: no cover
    main()
