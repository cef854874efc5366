"""The backend contract: every store (embedded LadybugDB, Neo4j) implements Store.

Backends register themselves in kg.store.BACKENDS; the same queries/*.cypher run on all.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Iterable, Iterator, Literal, Optional

from kg.errors import StoreError
from kg.model import Alignment, Graph

DocStatus = Literal["inserted", "replaced", "unchanged", "failed"]


@dataclass
class DocResult:
    document_id: str
    file: str
    status: DocStatus
    error: Optional[str] = None
    previous_file: Optional[str] = None  # replaced: the file the stored version had been loaded from


@dataclass
class LoadResult:
    documents: list[DocResult] = field(default_factory=list)

    @property
    def failed(self) -> list[DocResult]:
        return [d for d in self.documents if d.status == "failed"]


class BulkLoadError(StoreError):
    """A write inside Store.bulk() failed: nothing written in the block is kept. Load the same
    graphs again outside bulk() to isolate the failing documents (each is then all-or-nothing)."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]


class Store(ABC):
    """A graph store. One transaction per document on load; reads are read-only unless asked."""

    backend: str = "abstract"
    build_batch_documents: int = 1
    """How many new documents a build writes per transaction (kg.build passes it to load)."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Declare node/relationship tables (or constraints and indexes) once; idempotent."""

    @abstractmethod
    def load(self, graph: Graph, on_document: Optional[Callable[[DocResult], None]] = None, *,
             rewrite: Collection[str] = (), batch_documents: Optional[int] = None) -> LoadResult:
        """Write the graph, each document all-or-nothing.

        batch_documents: up to that many new documents per transaction (None: the backend's own
        default); a failing batch is retried one document per transaction, so a failure still
        leaves no partial document and the others load.

        A document already present with the same sha256 is left alone ("unchanged");
        present with another sha256 it is deleted and written anew ("replaced");
        a document whose write fails is rolled back and reported ("failed").
        Documents whose ids are in `rewrite` are deleted and written anew even when their sha256
        is the same ("replaced"): a later file of one build holding a document an earlier file
        already wrote.
        Targets, people, memberships and citations go in with their document; graph.alignments
        is ignored (alignments span documents: see replace_alignments).
        """

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Several load() calls written as one unit, where the backend gains by it.

        The embedded store writes everything loaded inside the block in one transaction, committed
        (with one checkpoint) when the block ends; if any write fails, the whole block is rolled
        back and BulkLoadError raised: load the same graphs again outside bulk() to isolate the
        failing documents. Documents reported inside the block are stored when it ends. A backend
        without such a mode (Neo4j: one transaction per document) loads as usual.
        """
        yield

    @abstractmethod
    def remove(self, document_ids: Collection[str]) -> list[str]:
        """Remove these documents with everything of theirs (and the organizations and cited-document
        placeholders left without an edge), in one transaction, keeping the stored counts right
        (kg/store/counts.py); return the ids that were stored, sorted."""

    @abstractmethod
    def replace_alignments(self, alignments: Iterable[Alignment]) -> int:
        """Replace every ALIGNS_WITH edge by these, in one transaction; return how many were written.

        An alignment whose source or target (of its stated kind) is not in the store is skipped:
        len(alignments) - the result is the number skipped.
        """

    @abstractmethod
    def run(self, cypher: str, params: Optional[dict[str, Any]] = None, *, write: bool = False) -> QueryResult:
        """Run one Cypher statement with parameters. Unless write=True, the statement must pass the
        read-only guard (kg.cypher_guard: one read query) or QueryRefused is raised."""

    @abstractmethod
    def stats(self) -> dict[str, int]:
        """Counts with the keys of Graph.counts(): documents, sections, actions, tasks, organizations,
        leads, responsible_for, targets, people, memberships (MEMBER_OF edges), citations (CITES
        edges), alignments (ALIGNS_WITH edges)."""

    @abstractmethod
    def to_graph(self, document_ids: Optional[list[str]] = None) -> Graph:
        """Read the stored graph (or some documents of it) back as a typed Graph, every list sorted
        by id; alignments are those whose both ends are in the returned documents."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def retry_advice(error: Optional[str]) -> str:
    """What to do before writing again, by what stopped the writes: the engine out of memory (its buffer pool
    full) is not a full disk."""
    text = (error or "").lower()
    if "buffer pool" in text or "allocate memory" in text or "out of memory" in text:
        return "Free memory (close other programs, or build fewer files at a time)"
    return "Free disk space"
