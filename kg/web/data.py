"""What each page shows, gathered from the store through the named queries, as plain dicts.

The HTML templates and the JSON twins (``?format=json``) render the same dict, so the two cannot
disagree. Nothing here builds Cypher: every look-up is a file in queries/web/ or queries/.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

from kg.store.base import Store
from kg.table import mention_end
from kg.web.cache import StoreCache
from kg.web.queries import records, run_web
from kg.web.search import KINDS as SEARCH_KINDS
from kg.web.search import SearchIndex
from kg.web.source import SourceFinder

# national → province → city → county (县 and 区 are both county level), then what could not be placed
LEVEL_ORDER = ["国家", "省", "市", "县", "区", "未知"]
LEVEL_NAMES = {"国家": "国家 national", "省": "省 province", "市": "市 city", "县": "县 county",
               "区": "区 district", "未知": "未知 unknown"}
QUALIFIER_ORDER = ["牵头", "负责", "配合", "指导"]
QUALIFIER_NAMES = {"牵头": "牵头 leads", "负责": "负责 responsible", "配合": "配合 cooperates", "指导": "指导 guides"}
T = TypeVar("T")


def clause_order(edge: dict[str, Any]) -> tuple[int, int, str]:
    """Where an edge's unit stands in the text: its clause's start, then where the unit's name ends in the
    clause — the order the document lists the units (kg.table.responsibility_rows and the library queries
    order by the same key)."""
    return (edge["start"], mention_end(edge["clause"] or "", edge["mention"] or ""), edge["edge_id"])


def source_order(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Leading units first, then the others, each in the order the document lists them (as the accountability
    matrix of `kg query` lists them)."""
    return sorted(edges, key=lambda e: (e["qualifier"] != "牵头", *clause_order(e)))


def _level_key(level: Optional[str]) -> tuple[int, str]:
    return (LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER), level or "")


def _cached(store: Store, cache: Optional[StoreCache], key: str, build: Callable[[Store], T]) -> T:
    """build(store), kept in the cache until the store changes (built afresh without a cache)."""
    return build(store) if cache is None else cache.get(store, key, build)


def levels(store: Store, cache: Optional[StoreCache] = None) -> list[dict[str, Any]]:
    """Document counts per jurisdiction level, national first."""
    def build(s: Store) -> list[dict[str, Any]]:
        rows = records(s, "document_levels")
        return sorted(({**r, "name": LEVEL_NAMES.get(r["level"], r["level"])} for r in rows),
                      key=lambda r: _level_key(r["level"]))
    return _cached(store, cache, "levels", build)


def search(store: Store, q: str, limit: int = 20, cache: Optional[StoreCache] = None) -> dict[str, Any]:
    """Organizations (canonical name or any mention), tasks, actions and documents matching q; each list
    says how many there are in all. Searched in memory (kg.web.search), the index kept per store version."""
    index = _cached(store, cache, "search", SearchIndex)
    return {kind: index.search(kind, q, limit) for kind in SEARCH_KINDS}


def home(store: Store, q: str = "", per_level: int = 10, cache: Optional[StoreCache] = None) -> dict[str, Any]:
    """The home page: the search results for q (when given) and the documents by level with counts."""
    def build(s: Store) -> list[dict[str, Any]]:
        out = []
        for lv in levels(s, cache):
            docs = records(s, "documents", {"level": lv["level"], "limit": per_level})
            out.append({**lv, "rows": docs, "more": lv["documents"] > len(docs)})
        return out
    listing = _cached(store, cache, f"home-{per_level}", build)
    return {"q": q, "levels": listing, "results": search(store, q, cache=cache) if q.strip() else None}


def documents(store: Store, level: str = "", page: int = 1, size: int = 50,
              cache: Optional[StoreCache] = None) -> dict[str, Any]:
    """One page of the document listing (of one level, or of all), with the total and page count."""
    counts = {r["level"]: r["documents"] for r in levels(store, cache)}
    total = counts.get(level, 0) if level else sum(counts.values())
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    rows = run_web(store, "documents", {"level": level, "skip": (page - 1) * size, "limit": size}).records()
    return {"level": level, "level_name": LEVEL_NAMES.get(level, level), "rows": rows, "total": total,
            "page": page, "pages": pages, "size": size, "first": (page - 1) * size + 1 if rows else 0,
            "last": (page - 1) * size + len(rows), "levels": [{"level": k, "documents": v} for k, v in counts.items()]}


# ---------------------------------------------------------------- organization

def organization(store: Store, org_id: str, limit: int = 500) -> Optional[dict[str, Any]]:
    """An organization, what it leads and answers for (document → action → task), and its partners."""
    found = records(store, "organization", {"id": org_id})
    if not found:
        return None
    org = found[0]
    page = run_web(store, "organization_assignments", {"id": org_id, "limit": limit}, count=True)
    rows = _clause_runs_in_order(page.records())
    partners = records(store, "organization_partners", {"id": org_id, "limit": 20})
    return {"organization": org, "assignments": rows, "groups": group_assignments(rows),
            "total": page.total, "truncated": page.truncated, "limit": page.limit,
            "counts": _role_counts(rows), "partners": partners,
            "documents": sorted({r["document_id"] for r in rows})}


def _clause_runs_in_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows already in document order; those of one clause (same item, same span) put in the order the clause
    lists their units. The query orders by the clause's start only: Cypher has no indexOf."""
    out: list[dict[str, Any]] = []
    run: list[dict[str, Any]] = []
    def clause(r: dict[str, Any]) -> tuple[Any, ...]:
        return (r["document_id"], r["action_id"], r["task_id"], r["start"])

    for r in rows:
        if run and clause(r) != clause(run[0]):
            out += sorted(run, key=clause_order)
            run = []
        run.append(r)
    return out + sorted(run, key=clause_order)


def _role_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    out = {q: 0 for q in QUALIFIER_ORDER}
    for r in rows:
        out[r["qualifier"]] = out.get(r["qualifier"], 0) + 1
    return out


def group_assignments(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows (already in document order) → documents → actions → (the action's own edges, tasks → edges)."""
    docs: list[dict[str, Any]] = []
    for r in rows:
        if not docs or docs[-1]["document_id"] != r["document_id"]:
            docs.append({"document_id": r["document_id"], "document": r["document"],
                         "jurisdiction": r["jurisdiction"], "actions": []})
        actions = docs[-1]["actions"]
        if not actions or actions[-1]["action_id"] != r["action_id"]:
            actions.append({"action_id": r["action_id"], "action": r["action"], "edges": [], "tasks": []})
        act = actions[-1]
        if r["task_id"] is None:
            act["edges"].append(r)
            continue
        if not act["tasks"] or act["tasks"][-1]["task_id"] != r["task_id"]:
            act["tasks"].append({"task_id": r["task_id"], "task": r["task"], "edges": []})
        act["tasks"][-1]["edges"].append(r)
    return docs


# ---------------------------------------------------------------- document

def document(store: Store, doc_id: str, sources: SourceFinder) -> Optional[dict[str, Any]]:
    """A document: metadata, citations both ways, the 分工表, targets, and its text with every clause span."""
    found = records(store, "document", {"id": doc_id})
    if not found:
        return None
    doc = found[0]
    edges = records(store, "document_action_edges", {"id": doc_id}) + records(store, "document_task_edges", {"id": doc_id})
    edges.sort(key=lambda e: (e["start"], e["end"], *clause_order(e)[1:]))
    items = records(store, "document_items", {"id": doc_id})
    targets = records(store, "document_targets", {"id": doc_id})
    source = sources.text(doc["file"], doc["sha256"])
    spans = clause_spans(edges)
    text_ok = source.text is not None and all(source.text[s["start"]:s["end"]] == s["clause"] for s in spans)
    note = source.note
    if source.text is not None and not text_ok:
        note += " Some clause spans do not match this text, so it is shown without highlights."
    return {
        "document": doc, "cites": records(store, "document_cites", {"id": doc_id}),
        "cited_by": records(store, "document_cited_by", {"id": doc_id}),
        "edges": edges, "spans": spans, "table": division_table(items, edges, targets), "targets": targets,
        "source": {"found": source.text is not None, "note": note,
                   "path": str(source.path) if source.path else None},
        "text": source.text, "segments": segments(source.text, spans) if text_ok and source.text else None,
    }


def span_id(start: int, end: int) -> str:
    """The HTML id of a highlighted clause: a stable anchor (/document/ID#span-START-END)."""
    return f"span-{start}-{end}"


def clause_spans(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The distinct clause spans of a document's edges, in text order, each with the ids of its edges."""
    spans: dict[tuple[int, int], dict[str, Any]] = {}
    for e in edges:
        key = (e["start"], e["end"])
        if key not in spans:
            spans[key] = {"start": key[0], "end": key[1], "id": span_id(*key), "clause": e["clause"], "edges": []}
        spans[key]["edges"].append(e["edge_id"])
    return [spans[k] for k in sorted(spans)]


def segments(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut into plain runs and clause runs; a clause overlapping the one before it is folded
    into that one's run (its own anchor then points there)."""
    out: list[dict[str, Any]] = []
    pos = 0
    for s in spans:
        if s["start"] < pos and out and out[-1]["span"] is not None:
            out[-1]["also"].append(s["id"])
            if s["end"] > pos:
                out[-1]["text"] += text[pos:s["end"]]
                pos = s["end"]
            continue
        if s["start"] > pos:
            out.append({"text": text[pos:s["start"]], "span": None})
        out.append({"text": text[s["start"]:s["end"]], "span": s, "also": []})
        pos = s["end"]
    if pos < len(text):
        out.append({"text": text[pos:], "span": None})
    return out


def division_table(items: list[dict[str, Any]], edges: list[dict[str, Any]],
                   targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 分工表: action → its own units, then each task → units by role (qualifier), deadlines, targets."""
    by_target: dict[str, list[dict[str, Any]]] = {}
    for e in edges:
        by_target.setdefault(e["target_id"], []).append(e)
    goals: dict[str, list[dict[str, Any]]] = {}
    for g in targets:
        goals.setdefault(g["owner_id"], []).append(g)

    def units(item_id: str) -> dict[str, Any]:
        es = source_order(by_target.get(item_id, []))
        return {"edges": es, "deadlines": sorted({e["deadline"] for e in es if e["deadline"]}),
                "targets": goals.get(item_id, [])}

    out: list[dict[str, Any]] = []
    for r in items:
        if not out or out[-1]["action_id"] != r["action_id"]:
            out.append({"action_id": r["action_id"], "number": r["action_number"], "section": r["section"],
                        "action": r["action"], **units(r["action_id"]), "tasks": []})
        if r["task_id"] is not None:
            out[-1]["tasks"].append({"task_id": r["task_id"], "number": r["task_number"], "task": r["task"],
                                     **units(r["task_id"])})
    return out


# ---------------------------------------------------------------- task / action

def item(store: Store, kind: str, item_id: str) -> Optional[dict[str, Any]]:
    """A task or an action: where it sits, its units by role with their clauses, deadlines, targets, and
    its lineage (the aligned items of other plans, both ways)."""
    found = records(store, kind, {"id": item_id})
    if not found:
        return None
    edges = source_order(records(store, f"{kind}_edges", {"id": item_id}))
    out: dict[str, Any] = {
        "kind": kind, "item": found[0], "edges": edges,
        "roles": {q: [e for e in edges if e["qualifier"] == q] for q in QUALIFIER_ORDER},
        "clauses": clause_spans(edges),
        "deadlines": sorted({e["deadline"] for e in edges if e["deadline"]}),
        "targets": records(store, "item_targets", {"id": item_id}),
        "aligned_to": records(store, "item_aligned_to", {"id": item_id}),
        "aligned_from": records(store, "item_aligned_from", {"id": item_id}),
    }
    if kind == "action":
        out["tasks"] = records(store, "action_tasks", {"id": item_id})
    return out
