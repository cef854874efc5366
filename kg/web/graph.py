"""An organization's neighbourhood as vis-network data, drawn exactly as `kg viz --org` draws it.

The documents the organization appears in are read back as a small typed Graph and handed to
kg.viz.build_network (same selection, node and edge styles, layout options). The page draws it with the
vis-network build pyvis ships and kg.viz_style.PAGE_JS, both served as static files.

The Graph is read by the web queries graph_*.cypher, not by Store.to_graph: to_graph reads every
organization of the store (50k at 2,000 plans: seconds), the org view needs only those named in the
chosen documents, and no sections, targets, people or alignments (the org view draws none of them).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from kg import viz_style as S
from kg.model import Action, Document, Graph, Organization, Provenance, Responsibility, Task
from kg.store.base import Store
from kg.viz import build_network
from kg.web.queries import records

MAX_DOCUMENTS = 20
MAX_NODES = 400


def _prov(r: dict[str, Any], doc_id: str, text_key: str = "text") -> Provenance:
    return Provenance(document_id=doc_id, start=r["start"], end=r["end"], text=r[text_key] or "")


def _fields(r: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in r.items() if k not in ("start", "end", "text") + drop}


def neighbourhood_graph(store: Store, document_ids: list[str]) -> Graph:
    """The documents, their actions, tasks and role edges, and the organizations those edges name."""
    ids = {"ids": list(document_ids)}
    docs = [Document(**{**_fields(r), "jurisdiction_path": r["jurisdiction_path"] or [],
                        "based_on": r["based_on"] or []}, prov=_prov(r, r["id"]))
            for r in records(store, "graph_documents", ids)]
    actions = [Action(**_fields(r), prov=_prov(r, r["document_id"])) for r in records(store, "graph_actions", ids)]
    tasks = [Task(**_fields(r), prov=_prov(r, r["document_id"])) for r in records(store, "graph_tasks", ids)]
    edges = sorted((Responsibility(**_fields(r, "clause"), prov=_prov(r, r["document_id"], "clause"))
                    for r in records(store, "graph_edges", ids)), key=lambda e: e.id)
    org_ids = sorted({e.organization_id for e in edges})
    orgs = [Organization(**{**r, "jurisdiction_path": r["jurisdiction_path"] or [], "aliases": r["aliases"] or [],
                            "collective": bool(r["collective"])})
            for r in records(store, "graph_organizations", {"ids": org_ids})] if org_ids else []
    return Graph(documents=docs, actions=actions, tasks=tasks, organizations=orgs, responsibilities=edges)


def org_network(store: Store, org_id: str, document_ids: list[str]) -> dict[str, Any]:
    """{nodes, edges, options, page, info, stats}: the organization's view over (at most MAX_DOCUMENTS of) its
    documents."""
    chosen = sorted(document_ids)[:MAX_DOCUMENTS]
    net, info = build_network(neighbourhood_graph(store, chosen), "org", org_id, max_nodes=MAX_NODES)
    message = info.message
    if len(document_ids) > len(chosen):
        message = (f"drawn from {len(chosen)} of its {len(document_ids)} documents · "
                   f"图中只画出 {len(chosen)} 份文件") + (f"; {message}" if message else "")
    counts = net.kg_counts
    stats = " · ".join(f"{S.NODE_STYLES[k]['name']} {v}" for k, v in counts.items() if v)
    return {"nodes": net.nodes, "edges": net.edges, "options": net.options,
            "page": net.kg_page,  # the opening view: legible zoom, focused on the unit
            "info": {"view": info.view, "value": info.value, "title": info.title, "nodes": info.nodes,
                     "edges": info.edges, "cut": info.cut, "message": message},
            "stats": f"{stats} · 边 edges {info.edges}"}


def vis_asset(name: str) -> Path:
    """vis-network's JS or CSS as bundled in the pyvis package (no CDN, works offline)."""
    import pyvis

    if name not in ("vis-network.min.js", "vis-network.css"):
        raise FileNotFoundError(name)
    return Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2" / name
