"""The home page's search box: organizations (canonical name or any mention), tasks, actions and documents
whose text contains what was typed, over an index held in memory.

A substring (CONTAINS) cannot use a database index, so a search in Cypher reads every organization and every
task of the store: ~0.5 s for the four lists at 2,000 plans. The index reads them once per store version
(kg.web.cache) — a few seconds at 2,000 plans, ~40 MB — and a search then scans plain Python strings:
milliseconds. Orders and columns are those the Cypher search gave: organizations by rank (the name is the
text, a mention is the text, either contains it), then jurisdiction and name; tasks and actions in
document order; documents by title.
"""
from __future__ import annotations

import sys
from bisect import bisect_right
from typing import Any, Iterable, Sequence

from kg.store.base import Store
from kg.web.queries import records

SEP = "\x00"  # joins the searchable fields of one row: no name contains it, and a query holding it finds nothing
ROW_SEP = "\x01"  # joins the rows' texts into one string, searched with str.find (C speed)
MANY = 2000  # more occurrences than this: test each row instead of jumping from one occurrence to the next
KINDS = ("organizations", "tasks", "actions", "documents")
COLUMNS = {
    "organizations": ("id", "name", "jurisdiction", "sector", "collective", "aliases"),
    "tasks": ("id", "title", "action_id", "action", "document_id", "document", "jurisdiction"),
    "actions": ("id", "title", "document_id", "document", "jurisdiction"),
    "documents": ("id", "title", "doc_number", "jurisdiction", "level", "date"),
}


class _Texts:
    """The searchable text of each row, and all of them joined: a search finds the occurrences in the joined
    string and maps each to its row, so a rare name costs a few str.find calls, not one test per row."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.starts: list[int] = []
        pos = 0
        for t in texts:
            self.starts.append(pos)
            pos += len(t) + 1
        self.joined = ROW_SEP.join(texts)

    def hits(self, q: str) -> list[int]:
        """Indexes of the rows whose text contains q (q holds no separator), in row order."""
        if self.joined.count(q) > MANY:
            return [i for i, t in enumerate(self.texts) if q in t]
        out: list[int] = []
        at = self.joined.find(q)
        while at >= 0:
            row = bisect_right(self.starts, at) - 1
            out.append(row)
            if row + 1 >= len(self.starts):
                break
            at = self.joined.find(q, self.starts[row + 1])
        return out


def _shared(value: Any) -> Any:
    """One string object for the titles many rows repeat (a document's title on each of its tasks)."""
    return sys.intern(value) if isinstance(value, str) else value


class SearchIndex:
    """Rows of each kind in result order, and beside each row the text a search looks into."""

    def __init__(self, store: Store) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.text: dict[str, _Texts] = {}
        self._organizations(records(store, "search_index_organizations"))
        action_at = self._actions(records(store, "search_index_actions"))
        self._tasks(records(store, "search_index_tasks"), action_at)
        self._documents(records(store, "search_index_documents"))

    def _put(self, kind: str, keyed: Iterable[tuple[Any, tuple[Any, ...], Sequence[Any]]]) -> None:
        ordered = sorted(keyed, key=lambda k: k[0])
        self.rows[kind] = [row for _, row, _ in ordered]
        self.text[kind] = _Texts([SEP.join(f for f in fields if f) for _, _, fields in ordered])

    def _organizations(self, rows: list[dict[str, Any]]) -> None:
        self._put("organizations", (
            ((r["jurisdiction"] or "", r["name"], r["id"]),
             (r["id"], r["name"], _shared(r["jurisdiction"]), _shared(r["sector"]), bool(r["collective"]),
              tuple(r["aliases"] or ())),
             (r["name"], *(r["aliases"] or ())))
            for r in rows))

    def _actions(self, rows: list[dict[str, Any]]) -> dict[str, tuple[int, tuple[Any, ...]]]:
        """Indexes the actions; returns each action's (ordinal, row) for the tasks."""
        keyed = []
        at: dict[str, tuple[int, tuple[Any, ...]]] = {}
        for r in rows:
            row = (r["id"], r["title"], _shared(r["document_id"]), _shared(r["document"]), _shared(r["jurisdiction"]))
            keyed.append(((row[3], row[2], r["ordinal"], r["id"]), row, (r["title"],)))
            at[r["id"]] = (r["ordinal"], row)
        self._put("actions", keyed)
        return at

    def _tasks(self, rows: list[dict[str, Any]], action_at: dict[str, tuple[int, tuple[Any, ...]]]) -> None:
        keyed = []
        for r in rows:
            if r["action_id"] not in action_at:
                continue
            ordinal, a = action_at[r["action_id"]]
            row = (r["id"], r["title"], a[0], a[1], a[2], a[3], a[4])
            keyed.append(((a[3], a[2], ordinal, r["ordinal"], r["id"]), row, (r["title"],)))
        self._put("tasks", keyed)

    def _documents(self, rows: list[dict[str, Any]]) -> None:
        self._put("documents", (
            ((r["title"], r["id"]), tuple(r[c] for c in COLUMNS["documents"]),
             (r["title"], r["jurisdiction"], r["doc_number"], r["issuer"]))
            for r in rows))

    def search(self, kind: str, q: str, limit: int = 20) -> dict[str, Any]:
        """{rows, total, truncated}: the first `limit` rows of one kind whose text contains q, and how many
        there are in all."""
        if not q or SEP in q or ROW_SEP in q:
            return {"rows": [], "total": 0, "truncated": False}
        hits = self.text[kind].hits(q)
        rows = self.rows[kind]
        cols = COLUMNS[kind]
        if kind == "organizations":  # exact names first, then exact mentions, then the rest (stable)
            hits.sort(key=lambda i: 0 if rows[i][1] == q else 1 if q in rows[i][5] else 2)
        out = [dict(zip(cols, rows[i])) for i in hits[:limit]]
        if kind == "organizations":
            for r in out:
                r["aliases"] = list(r["aliases"])
                r["rank"] = 0 if r["name"] == q else 1 if q in r["aliases"] else 2
        return {"rows": out, "total": len(hits), "truncated": len(hits) > limit}
