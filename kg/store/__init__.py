"""Store backends and their registry."""
from kg.store.base import DocResult, LoadResult, QueryResult, Store

__all__ = ["DocResult", "LoadResult", "QueryResult", "Store"]
