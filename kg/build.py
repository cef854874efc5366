"""`kg build`: parse files into Graphs and load them into a store, reporting every file.

Files are parsed and loaded PARSE_CHUNK at a time, and each chunk's graph dropped once it is
written, so memory stays bounded whatever the corpus size. The store ends the same as if every
file had been parsed into one Graph and loaded at once: organizations named in several chunks are
one node (aliases united), and of two files holding one document the later is kept.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from kg.align import iter_align_store
from kg.model import Alignment, Graph
from kg.errors import NoDocumentError
from kg.limits import DEFAULT, Limits
from kg.pipeline import FileReport, Parser, collect_files, default_corpus
from kg.errors import StoreError
from kg.store import Store
from kg.store.base import BulkLoadError, DocResult, retry_advice

PARSE_CHUNK = 250  # files parsed, then loaded, then dropped: bounds the parsed graphs held at once
BULK_DOCUMENTS = 2000  # embedded store: documents per bulk() block (one transaction and one checkpoint)


@dataclass
class BuildReport:
    files: list[FileReport]
    loaded: list[DocResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    alignments: Optional[int] = None  # alignments written across the store, when recomputed
    errors: list[str] = field(default_factory=list)  # the store's own: a failed commit, alignments not written

    @property
    def failures(self) -> list[str]:
        """One line per failure: a file that could not be parsed, a document that could not be written, or
        a write of the store that failed (then the documents after it are not written either)."""
        out = [r.error or f"{r.file}: failed" for r in self.files if not r.ok]
        out += [f"{d.file}: not written: {d.error}" for d in self.loaded if d.status == "failed"]
        return out + self.errors

    @property
    def replacements(self) -> list[str]:
        """One line per stored document that a file of another name replaced, naming both files: the
        same 文号, issuer and jurisdiction (or title, date, issuer and jurisdiction) is the same document."""
        return [f"{d.file}: replaces document {d.document_id}, loaded earlier from {d.previous_file}"
                for d in self.loaded if d.status == "replaced" and d.previous_file not in (None, d.file)]

    @property
    def stored(self) -> set[str]:
        """Ids of the documents in the store as this build left them: new, replaced or unchanged."""
        return {d.document_id for d in self.loaded if d.status != "failed"}


def build(
    store: Store,
    paths: Optional[Iterable[str | Path]] = None,
    on_file: Optional[Callable[[FileReport], None]] = None,
    on_document: Optional[Callable[[DocResult], None]] = None,
    align_tasks: bool = True,
    *,
    chunk_files: int = PARSE_CHUNK,
    bulk_documents: int = BULK_DOCUMENTS,
    jobs: Optional[int] = 1,
    limits: Limits = DEFAULT,
    progress: Any = None,
) -> BuildReport:
    """Parse `paths` (None: the seed corpus) and load them, each document all-or-nothing. Paths that give
    no document raise NoDocumentError: an empty folder never falls back to the seeds.

    Files are parsed `chunk_files` at a time, in `jobs` worker processes (1: in this process; 0 or None:
    one per core) under `limits` (kg.limits); each chunk is loaded, then dropped. The store is the same
    whatever `jobs`. on_document is called once per document, after the transaction holding it has committed.
    ``progress`` (kg.progress: a Reporter, a callable taking lines, or None) shows the files parsed and
    what is being written (a step "build"), then the alignments (a step "align").
    """
    from kg.progress import steps

    rep = steps(progress)
    files = collect_files([default_corpus()] if paths is None else list(paths))
    if not files:
        raise NoDocumentError("no file to load: an empty list of paths (pass None for the seed corpus)")
    reports: list[FileReport] = []
    seen: dict[str, str] = {}  # document id -> the file that holds it (the later of two wins)

    def chunks(parser: Parser, bar: Any) -> Iterator[_Chunk]:
        step = max(1, chunk_files)

        def parsed(r: FileReport) -> None:
            bar.advance()
            if on_file:
                on_file(r)

        for i in range(0, len(files), step):
            part = files[i:i + step]
            bar.note("parsing")
            batch = parser.parse_files(part, parsed, seen)
            reports.extend(batch.reports)

            def reparse(part: list[Path] = part) -> Graph:  # this chunk's files, bound now
                return parser.parse_files(part).graph

            chunk = _Chunk(batch.graph, batch.documents, reparse=reparse)
            del batch  # the loader drops the graph once written: hold no other reference to it
            yield chunk

    with rep.step("build", total=len(files), unit="files") as bar:
        loader = ChunkLoader(store, on_document, bulk_documents, note=bar.note)
        with Parser(jobs, limits) as parser:
            loader.load_all(chunks(parser, bar))
    report = BuildReport(files=reports, loaded=loader.results(), counts=loader.counts())
    if align_tasks and any(d.status in ("inserted", "replaced") for d in report.loaded):
        with rep.step("align") as step:
            _align(store, report, step.note)
    stopped = getattr(store, "write_error", None)
    if stopped:
        report.errors.append(
            f"{getattr(store, 'path', store.backend)}: a write failed and kg stopped writing ({stopped}). The "
            f"store holds what was committed before: the documents reported new, replaced or unchanged, and none "
            f"reported failed in the version this build read (an earlier version stays). {retry_advice(stopped)} "
            f"and run kg build again")
    return report


def _align(store: Store, report: BuildReport, note: Callable[[str], None] = lambda _s: None) -> None:
    """Recompute the alignments across every stored document (they are derived from all of them); a
    failure is a failure of the build, reported with the documents that did load."""
    if getattr(store, "write_error", None):
        report.errors.append("task alignments not recomputed: the store stopped writing (see below)")
        return
    try:
        # made as they are written, a batch at a time (reads ids and titles only)
        report.alignments = store.replace_alignments(_noted(iter_align_store(store), note))
    except StoreError as e:
        report.errors.append(f"task alignments not recomputed: {e}")


def _noted(alignments: Iterable[Alignment], note: Callable[[str], None], every: int = 50_000) -> Iterator[Alignment]:
    """The alignments as they come, saying what is happening: the titles are compared before the first
    one comes out, then they are written as they come."""
    note("computing")
    for n, al in enumerate(alignments):
        if n % every == 0:
            note(f"writing {n:,} alignments so far" if n else "writing")
        yield al


def load_graphs(store: Store, graphs: Iterable[Graph], on_document: Optional[Callable[[DocResult], None]] = None,
                bulk_documents: int = BULK_DOCUMENTS) -> list[DocResult]:
    """Load graphs one after another the way `kg build` loads its chunks (a later graph's document
    supersedes the same document of an earlier one; bulk() blocks of about bulk_documents
    documents); one result per document."""
    loader = ChunkLoader(store, on_document, bulk_documents)
    loader.load_all(_Chunk(g, {d.id: ({}, frozenset()) for d in g.documents}) for g in graphs)
    return loader.results()


def split_graph(graph: Graph, documents: int) -> list[Graph]:
    """The graph as consecutive graphs of `documents` documents each, as kg build's chunks come out
    of the parser: every element with its document, every organization with each graph that names
    it, and organizations no document names with the first graph."""
    parts: dict[str, dict[str, list[Any]]] = {}
    for attr in ("sections", "actions", "tasks", "responsibilities", "targets", "people", "memberships", "citations"):
        for x in getattr(graph, attr):
            parts.setdefault(x.document_id, {}).setdefault(attr, []).append(x)
    orgs = {o.id: o for o in graph.organizations}
    named = {r.organization_id for r in graph.responsibilities}
    named |= {x for m in graph.memberships for x in (m.group_id, m.unit_id) if x is not None}
    out: list[Graph] = []
    step = max(1, documents)
    for i in range(0, len(graph.documents), step):
        g = Graph(documents=graph.documents[i:i + step])
        for d in g.documents:
            for attr, xs in parts.get(d.id, {}).items():
                getattr(g, attr).extend(xs)
        used = {r.organization_id for r in g.responsibilities}
        used |= {x for m in g.memberships for x in (m.group_id, m.unit_id) if x is not None}
        if not out:
            used |= set(orgs) - named
        g.organizations = [orgs[o] for o in sorted(used) if o in orgs]
        out.append(g)
    return out


@dataclass
class _Chunk:
    """A graph loaded as one step and, per document kept, its counts and organization ids. With
    reparse, the loader drops the graph once written, and parses it again should it need it."""

    graph: Optional[Graph]
    documents: dict[str, tuple[dict[str, int], frozenset[str]]]
    reparse: Optional[Callable[[], Graph]] = None

    def take_graph(self) -> Graph:
        if self.reparse is None:
            assert self.graph is not None
            return self.graph
        g, self.graph = self.graph, None
        return g if g is not None else self.reparse()


class _Block:
    """The chunks of one bulk write, taken from ``chunks`` as they are loaded until they hold about
    ``documents`` documents; ``exhausted`` once ``chunks`` has no more."""

    def __init__(self, chunks: Iterator[_Chunk], documents: int) -> None:
        self.chunks = chunks
        self.documents = documents
        self.taken: list[_Chunk] = []
        self.exhausted = False
        self._n = 0

    def __iter__(self) -> Iterator[_Chunk]:
        return self

    def __next__(self) -> _Chunk:
        if self._n >= self.documents:
            raise StopIteration
        for c in self.chunks:
            self.taken.append(c)
            self._n += len(c.documents)
            return c
        self.exhausted = True
        raise StopIteration


class ChunkLoader:
    """Loads graphs chunk by chunk as one build: the documents of later chunks supersede the same
    documents of earlier ones, and the report reads as if everything had been loaded at once.

    On the embedded store, chunks go in bulk() blocks of about BULK_DOCUMENTS documents (one
    transaction each); a block that fails is loaded again chunk by chunk outside bulk(), where each
    document is all-or-nothing and a failing one is reported while the rest load.
    """

    def __init__(self, store: Store, on_document: Optional[Callable[[DocResult], None]] = None,
                 bulk_documents: int = BULK_DOCUMENTS, note: Callable[[str], None] = lambda _s: None) -> None:
        self.note = note  # what is being written now, for progress
        self.store = store
        self.on_document = on_document
        self.bulk_documents = bulk_documents
        self._results: dict[str, DocResult] = {}  # by document id, in order of first appearance
        self._docs: dict[str, tuple[dict[str, int], frozenset[str]]] = {}  # the version kept

    # ---- driving

    def load_all(self, chunks: Iterable[_Chunk]) -> None:
        """Load the chunks in blocks of about ``bulk_documents`` documents, each block one bulk write."""
        it = iter(chunks)
        more = True
        while more:
            block = _Block(it, self.bulk_documents)
            pending = self._load_block(block)
            self._report(block.taken, pending)
            more = not block.exhausted

    def _load_block(self, block: _Block) -> dict[str, DocResult]:
        """One bulk write of the block; if it fails nothing of it was kept: again, chunk by chunk, each
        document on its own (then the block's chunks not taken yet: all of them when bulk() could not
        even begin)."""
        pending: dict[str, DocResult] = {}
        try:
            with self.store.bulk():
                for c in block:
                    self._load(c.take_graph(), pending)
                self.note("committing")  # bulk() commits (and checkpoints) as it closes
        except BulkLoadError:
            pending = {}
            for c in list(block.taken):
                self._load(c.take_graph(), pending)
            for c in block:
                self._load(c.take_graph(), pending)
        return pending

    def _report(self, taken: list[_Chunk], pending: dict[str, DocResult]) -> None:
        for c in taken:
            self._note(c)
        for doc_id, res in pending.items():
            self._results[doc_id] = res
            if self.on_document:
                self.on_document(res)

    def _load(self, graph: Graph, pending: dict[str, DocResult]) -> None:
        # documents this build already wrote are written anew (the later file wins), even unchanged
        written = {d.id for d in graph.documents
                   if (pending.get(d.id) or self._results.get(d.id, _NONE)).status in ("inserted", "replaced")}
        self.note(f"loading {len(graph.documents):,} documents")
        # inside bulk() the embedded store writes the whole block in one transaction whatever the batch
        res = self.store.load(graph, rewrite=written, batch_documents=self.store.build_batch_documents)
        for r in res.documents:
            earlier = pending.get(r.document_id) or self._results.get(r.document_id)
            if earlier is not None and earlier.status == "inserted" and r.status == "replaced":
                r.status, r.previous_file = "inserted", None  # new to the store before this build, as a one-shot load says
            elif earlier is not None and earlier.status == "replaced" and r.status == "replaced":
                r.previous_file = earlier.previous_file  # what the store held before this build
            pending[r.document_id] = r

    def _note(self, c: _Chunk) -> None:
        for doc_id, info in c.documents.items():
            self._docs[doc_id] = info

    # ---- the report

    def results(self) -> list[DocResult]:
        return list(self._results.values())

    def counts(self) -> dict[str, int]:
        """Graph.counts() of every document kept and in the store (not those whose write failed), as if
        parsed into one Graph."""
        total: Counter[str] = Counter()
        orgs: set[str] = set()
        for doc_id, (c, ids) in self._docs.items():
            if self._results.get(doc_id, _NONE).status == "failed":
                continue
            total.update(c)
            orgs |= ids
        out = {k: total.get(k, 0) for k in Graph().counts()}
        out["organizations"] = len(orgs)
        return out


_NONE = DocResult("", "", "failed")
