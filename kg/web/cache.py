"""Values the pages compute from the whole store — the search index, the documents by level — kept until the
store changes.

The store's version is the set of its documents and the sha256 of each (queries/web/store_version.cypher):
a build that adds, replaces or removes a document changes it, and everything kg stores comes from documents.
It is read again at most every `ttl` seconds, so a page pays for the check, not for a rebuild; a store
opened read-only (what `kg serve` does) keeps one version for the life of the server.
"""
from __future__ import annotations

import hashlib
import time
from typing import Any, Callable, Optional, TypeVar

from kg.store.base import Store
from kg.web.queries import records

T = TypeVar("T")


def store_version(store: Store) -> str:
    """A digest of the store's documents and their versions."""
    rows = sorted((r["id"], r["sha256"] or "") for r in records(store, "store_version"))
    return hashlib.sha256("\n".join(f"{i} {s}" for i, s in rows).encode()).hexdigest()


class StoreCache:
    """Values by key, dropped together when the store's version changes. Not thread-safe on its own: the app
    calls it with the store to itself (Context.read)."""

    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self.version: Optional[str] = None
        self._checked = float("-inf")
        self._values: dict[str, Any] = {}

    def get(self, store: Store, key: str, build: Callable[[Store], T]) -> T:
        """The value of key for the store as it is now, built by build(store) when missing or stale."""
        now = time.monotonic()
        if now - self._checked >= self.ttl:
            version = store_version(store)
            if version != self.version:
                self._values.clear()
                self.version = version
            self._checked = time.monotonic()
        if key not in self._values:
            self._values[key] = build(store)
        return self._values[key]
