"""The responsibility table: one row per LEADS / RESPONSIBLE_FOR edge (the `kg extract` contract)."""
from __future__ import annotations

from typing import Any, cast

from kg.model import Graph

COLUMNS = [
    "document", "document_id", "file", "jurisdiction", "section", "action", "task", "unit", "organization",
    "organization_id", "sector", "collective", "role", "qualifier", "deadline", "span", "clause",
]
TABLE_COLUMNS = ["document", "action", "task", "unit", "organization", "role", "qualifier", "deadline"]


def mention_end(clause: str, mention: str) -> int:
    """Where the unit's name ends in its clause (the clause length when it is not there verbatim).

    Units of one clause share its span, so this orders them as the clause lists them; the library's Cypher
    queries order by the same key (the shortest prefix of the clause that ends with the unit's name).
    """
    at = clause.find(mention) if mention else -1
    return at + len(mention) if at >= 0 else len(clause)


def responsibility_rows(graph: Graph) -> list[dict[str, Any]]:
    """Rows in document order (by file), then by position of the clause in the text, then of the unit in the
    clause — the order the source lists them, whether the graph comes from files or from a store."""
    docs = {d.id: d for d in graph.documents}
    sections = {s.id: s for s in graph.sections}
    actions = {a.id: a for a in graph.actions}
    tasks = {t.id: t for t in graph.tasks}
    orgs = {o.id: o for o in graph.organizations}
    rows = []
    for order, r in enumerate(graph.responsibilities):
        doc = docs[r.document_id]
        task = tasks.get(r.target_id) if r.target_kind == "Task" else None
        action = actions[task.action_id] if task else actions[r.target_id]
        section = sections.get(action.section_id) if action.section_id else None
        org = orgs[r.organization_id]
        rows.append({
            "document": doc.title, "document_id": doc.id, "file": doc.file, "jurisdiction": doc.jurisdiction,
            "section": section.title if section else None, "action": action.title,
            "task": task.title if task else None, "unit": r.mention, "organization": org.name,
            "organization_id": org.id, "sector": org.sector, "collective": org.collective,
            "role": r.role, "qualifier": r.qualifier, "deadline": r.deadline,
            "span": [r.prov.start, r.prov.end], "clause": r.prov.text,
            "_order": (doc.file, r.prov.start, mention_end(r.prov.text, r.mention), order),
        })
    rows.sort(key=lambda row: cast(tuple, row["_order"]))
    for row in rows:
        del row["_order"]
    return rows
