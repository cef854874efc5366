"""`kg build`: parse files into a Graph and load it into a store, reporting every file."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from kg.align import align
from kg.pipeline import FileReport, collect_files, default_corpus, parse_files
from kg.store import Store
from kg.store.base import DocResult

EMBEDDED_BATCH = 2000


@dataclass
class BuildReport:
    files: list[FileReport]
    loaded: list[DocResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    alignments: Optional[int] = None  # alignments written across the store, when recomputed

    @property
    def failures(self) -> list[str]:
        """One line per failure: a file that could not be parsed, or a document that could not be written."""
        out = [r.error or f"{r.file}: failed" for r in self.files if not r.ok]
        out += [f"{d.file}: not written: {d.error}" for d in self.loaded if d.status == "failed"]
        return out


def build(
    store: Store,
    paths: Iterable[str | Path] = (),
    on_file: Optional[Callable[[FileReport], None]] = None,
    on_document: Optional[Callable[[DocResult], None]] = None,
    align_tasks: bool = True,
) -> BuildReport:
    """Parse `paths` (default: the seed corpus) and load them, one transaction per document."""
    files = collect_files(list(paths) or [default_corpus()])
    batch = parse_files(files, on_file)
    if store.backend == "embedded":
        # several new documents per transaction; a failed batch is retried one document at a time
        result = store.load(batch.graph, on_document, batch_documents=EMBEDDED_BATCH)
    else:
        result = store.load(batch.graph, on_document)
    report = BuildReport(files=batch.reports, loaded=result.documents, counts=batch.graph.counts())
    if align_tasks and any(d.status in ("inserted", "replaced") for d in result.documents):
        # alignments are derived across every stored document: recompute them when the set changed
        report.alignments = store.replace_alignments(align(store.to_graph()))
    return report
