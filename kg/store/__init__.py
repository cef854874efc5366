"""Store backends and their registry: the embedded LadybugDB store by default, Neo4j when configured."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from kg.config import default_backend, default_db
from kg.store.base import DocResult, LoadResult, QueryResult, Store


def _embedded(db: Optional[str | Path], read_only: bool) -> Store:
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore(db or default_db(), read_only=read_only)


def _neo4j(db: Optional[str | Path], read_only: bool) -> Store:
    from kg.store.neo4j import Neo4jStore

    return Neo4jStore(read_only=read_only)


BACKENDS: dict[str, Callable[[Optional[str | Path], bool], Store]] = {"embedded": _embedded, "neo4j": _neo4j}


def resolve_backend(backend: Optional[str] = None) -> str:
    """Named backend, else neo4j when NEO4J_URI is set, else the embedded store."""
    if backend:
        return backend
    return default_backend()


def open_store(backend: Optional[str] = None, db: Optional[str | Path] = None, read_only: bool = False) -> Store:
    """Open a store; `db` is the embedded store's folder (default ./kg.db or $KG_DB)."""
    name = resolve_backend(backend)
    if name not in BACKENDS:
        from kg.errors import StoreError

        raise StoreError(f"unknown backend {name!r}: use one of {', '.join(BACKENDS)}")
    return BACKENDS[name](db, read_only)


__all__ = ["BACKENDS", "DocResult", "LoadResult", "QueryResult", "Store", "open_store", "resolve_backend"]
