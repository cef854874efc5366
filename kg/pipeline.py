"""Batch parsing: files and folders → one Graph, with errors as data (one report per file)."""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from kg.errors import InputError
from kg.loaders import parse_path
from kg.loaders.coverage import Coverage
from kg.loaders.formats import SUFFIXES as READABLE
from kg.model import Graph
from kg.resources import resource_dir

# what the loaders read, plus common office formats a folder scan reports as "convert to DOCX/PDF/TXT"
SUFFIXES = READABLE + (".doc", ".wps", ".xls", ".xlsx")


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


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the supported files inside named folders (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        else:
            out.append(p)
    seen, unique = set(), []
    for f in out:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def parse_files(
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
        for f in files:
            report = _parse_one(f, per_doc, seen)
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


def _parse_one(f: Path, per_doc: dict[str, tuple[str, Graph]], seen: dict[str, str]) -> FileReport:
    try:
        parsed = parse_path(f)
    except InputError as e:
        return FileReport(file=str(f), ok=False, error=str(e))
    except Exception as e:  # a parser bug must not sink the batch: report it against the file
        return FileReport(file=str(f), ok=False, error=f"{f}: internal error while parsing: {type(e).__name__}: {e}")
    doc = parsed.graph.documents[0]
    report = FileReport(
        file=str(f), ok=True, encoding=parsed.encoding, format=parsed.format,
        document_id=doc.id, counts=parsed.graph.counts(), warnings=list(parsed.warnings), coverage=parsed.coverage,
    )
    if doc.id in seen:
        report.warnings.append(f"{f}: same document as {seen[doc.id]} (id {doc.id}); this later file is kept")
    per_doc[doc.id] = (str(f), parsed.graph)
    seen[doc.id] = str(f)
    return report
