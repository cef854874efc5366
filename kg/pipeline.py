"""Batch parsing: files and folders → one Graph, with errors as data (one report per file).

Each file is parsed under kg.limits.Limits; with jobs >= 2 in worker processes (kg.workers), where a
runaway file is stopped by its time and memory limits and fails alone. Reports and the Graph come out in
input order whatever the number of jobs, so the result is the same batch, byte for byte."""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from kg.errors import NoDocumentError
from kg.limits import DEFAULT, Limits
from kg.loaders.coverage import Coverage
from kg.loaders.formats import SUFFIXES as READABLE
from kg.model import Graph
from kg.resources import resource_dir
from kg.workers import Outcome, ParsePool, default_jobs, parse_guarded

# what the loaders read, plus WPS's names for them (read when saved in Word's / Excel's format, else reported
# with what to convert them to)
SUFFIXES = READABLE + (".wps", ".et")


@dataclass
class FileReport:
    """What happened to one file: loaded (with its encoding and counts) or failed (with the reason)."""

    file: str
    ok: bool
    encoding: Optional[str] = None
    format: Optional[str] = None
    document_id: Optional[str] = None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: Optional[str] = None
    coverage: Optional[Coverage] = None  # role text found vs read (see kg.loaders.coverage)
    limit: Optional[str] = None  # the kg.limits setting a failed file passed (max_file_mb …), if that was why

    @property
    def status(self) -> str:
        """What the file turned out to be: failed, a plan whose role text was all read (ok), partly read
        (partial), role text and no edge (unread), or a file with no role text at all (no-roles)."""
        if not self.ok:
            return "failed"
        cov = self.coverage
        edges = self.counts.get("leads", 0) + self.counts.get("responsible_for", 0)
        if cov is None:
            return "ok"
        if cov.total_found and not edges:
            return "unread"
        if not cov.total_found and not edges:
            return "no-roles"
        return "partial" if cov.unread else "ok"

    @property
    def status_note(self) -> Optional[str]:
        """What a status other than ok means, in a few words (None for ok and failed, which say it elsewhere)."""
        return STATUS_NOTES.get(self.status)


STATUS_NOTES = {
    "no-roles": "no role clauses found — a plan that assigns no units, or not a plan",
    "unread": "role text found but none of it read — see kg check",
    "partial": "some role text not read — see kg check",
}


@dataclass
class Batch:
    graph: Graph
    reports: list[FileReport]
    # per document kept: its counts (Graph.counts of its file) and the ids of its organizations
    documents: dict[str, tuple[dict[str, int], frozenset[str]]] = field(default_factory=dict)

    @property
    def failures(self) -> list[FileReport]:
        return [r for r in self.reports if not r.ok]


def default_corpus() -> Path:
    """seeds/: the default corpus, shipped with kg."""
    return resource_dir("seeds")


# Files a folder scan passes over: repository boilerplate (README, LICENSE …) and hidden files. They are
# listed in Collected.skipped so the caller can say so; a file named directly is always read.
NOT_DOCUMENTS = frozenset({
    "readme", "license", "licence", "copying", "changelog", "changes", "history", "news", "contributing",
    "authors", "notice", "code_of_conduct", "security",
})


def not_a_document(path: Path, root: Optional[Path] = None) -> Optional[str]:
    """Why a folder scan passes over `path` (a hidden file or folder, README/LICENSE/CHANGELOG …), else None."""
    parts = path.relative_to(root).parts if root is not None else (path.name,)
    if any(part.startswith(".") for part in parts):
        return "hidden file"
    if path.name.split(".")[0].lower() in NOT_DOCUMENTS:
        return f"{path.name.split('.')[0]} file, not a plan"
    return None


@dataclass
class Collected:
    """The files found for some paths, and the files a folder scan passed over (file, reason)."""

    files: list[Path]
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def collect(paths: Iterable[str | Path]) -> Collected:
    """Files named directly, plus the supported files inside named folders (sorted, recursive).

    Every path must exist and give at least one file: a missing path, or a folder with no file kg
    reads, raises NoDocumentError naming it (nothing falls back to the seed corpus here; that default
    is the caller's, for no path at all). A folder scan passes over hidden files and README, LICENSE,
    CHANGELOG … (see NOT_DOCUMENTS), listed in `skipped`; a file named directly is always kept.
    """
    out: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            found: list[Path] = []
            for f in sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES):
                why = not_a_document(f, p)
                if why:
                    skipped.append((f, why))
                else:
                    found.append(f)
            if not found:
                passed = [f"{f.relative_to(p)} ({why})" for f, why in skipped if f.is_relative_to(p)]
                raise NoDocumentError(
                    f"no readable document in {_folder(p)} (looked for {' '.join(READABLE)} files"
                    + (f"; passed over {', '.join(passed[:5])}{' …' if len(passed) > 5 else ''}"
                       " — name a file to read it anyway" if passed else "") + ")", str(p))
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise NoDocumentError(f"{p}: no such file or folder", str(p))
    seen, unique = set(), []
    for f in out:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return Collected(unique, skipped)


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files of `paths` (see collect); raises NoDocumentError for a path that gives none."""
    return collect(paths).files


def require_documents(batch: "Batch", paths: Iterable[str | Path]) -> "Batch":
    """`batch` if it holds at least one document; else NoDocumentError naming the paths (every file failed)."""
    if batch.graph.documents:
        return batch
    names = ", ".join(str(p) for p in paths)
    raise NoDocumentError(f"no document could be read from {names} "
                          f"({len(batch.failures)} of {len(batch.reports)} files failed, each named above)")


def _folder(p: Path) -> str:
    return str(p).rstrip("/") + "/"


POOL_MIN_FILES = 8


class Parser:
    """Parses batches of files under `limits`: in `jobs` worker processes, or in this process for jobs=1
    (there every limit applies but max_memory_mb, and max_seconds only on the main thread). jobs=0 or
    None: one per core. Keep one open across the batches of a build: its workers are started once."""

    def __init__(self, jobs: Optional[int] = 1, limits: Limits = DEFAULT) -> None:
        self.jobs = jobs or default_jobs()
        self.auto = not jobs
        self.limits = limits
        self._pool: Optional[ParsePool] = None

    def __enter__(self) -> "Parser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def outcomes(self, files: list[Path]) -> Iterator[Outcome]:
        """One Outcome per file, in input order. With the number of jobs left to kg (0 or None), a batch of
        fewer than POOL_MIN_FILES files, before any worker has started, is parsed here: starting workers
        (~0.8 s) costs more than they save."""
        if self.jobs == 1 or (self.auto and self._pool is None and len(files) < POOL_MIN_FILES):
            for f in files:
                yield parse_guarded(f, self.limits)
            return
        if self._pool is None:
            self._pool = ParsePool(self.jobs, self.limits)
        for _i, outcome in self._pool.parse(files):
            yield outcome

    def parse_files(
        self,
        files: list[Path],
        on_file: Optional[Callable[[FileReport], None]] = None,
        seen: Optional[dict[str, str]] = None,
    ) -> Batch:
        """Parse every file; a file that fails is reported by name and reason, the rest still parse.

        Two files holding the same document (same id) keep the later one, with a warning. `seen`
        (document id -> file) carries the documents of earlier batches of the same build, so a file
        repeating one of them gets the same warning; it is updated with this batch's documents.
        """
        per_doc: dict[str, tuple[str, Graph]] = {}
        seen = {} if seen is None else seen
        reports: list[FileReport] = []
        try:
            for f, outcome in zip(files, self.outcomes(files)):
                report = _accept(f, outcome, per_doc, seen)
                reports.append(report)
                if on_file:
                    on_file(report)
                gc.freeze()  # graphs already parsed are kept: stop the collector rescanning them (~25% at scale)
        finally:
            gc.unfreeze()
        documents = {
            doc_id: (g.counts(), frozenset(o.id for o in g.organizations)) for doc_id, (_f, g) in per_doc.items()
        }
        return Batch(graph=Graph.union([g for _, g in per_doc.values()]), reports=reports, documents=documents)


def parse_files(
    files: list[Path],
    on_file: Optional[Callable[[FileReport], None]] = None,
    seen: Optional[dict[str, str]] = None,
    *,
    jobs: Optional[int] = 1,
    limits: Limits = DEFAULT,
) -> Batch:
    """Parse every file (see Parser.parse_files) with `jobs` processes (1: this one) under `limits`."""
    with Parser(jobs, limits) as parser:
        return parser.parse_files(files, on_file, seen)


def _accept(f: Path, outcome: Outcome, per_doc: dict[str, tuple[str, Graph]], seen: dict[str, str]) -> FileReport:
    parsed = outcome.parsed
    if parsed is None:
        return FileReport(file=str(f), ok=False, error=outcome.error, limit=outcome.limit)
    doc = parsed.graph.documents[0]
    report = FileReport(
        file=str(f), ok=True, encoding=parsed.encoding, format=parsed.format,
        document_id=doc.id, counts=parsed.graph.counts(), warnings=list(parsed.warnings), coverage=parsed.coverage,
    )
    if doc.id in seen:
        why = "文号, issuer and place" if doc.doc_number else "title, date, issuer and place (no 文号)"
        report.warnings.append(f"{f}: same document as {seen[doc.id]} (id {doc.id}: the same {why}); this later file "
                               f"is kept and {seen[doc.id]} is dropped")
    per_doc[doc.id] = (str(f), parsed.graph)
    seen[doc.id] = str(f)
    return report
