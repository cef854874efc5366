"""Run as a script (tests/test_model_property.py): kg with one property added to a model class and no other
edit — a fixture subclass of Task with `priority`, put in kg.model before anything else imports it — writes
the fixture graph with each writer and prints, as JSON, the priorities each gives back by task id.

    python _model_plus.py embedded STORE_DIR     load D2 by COPY into a store (made without the property)
    python _model_plus.py neo4j                   load D1 and D2 over Bolt (NEO4J_URI ...)
    python _model_plus.py admin OUT_DIR           write the neo4j-admin files
    python _model_plus.py rdf                     export N-Triples (kg.rdf) and query them (pyoxigraph)
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any, Optional

from pydantic import Field

import kg.model as model


class Task(model.Task):
    priority: Optional[int] = None  # the one added property


class Graph(model.Graph):
    tasks: list[Task] = Field(default_factory=list)  # type: ignore[assignment]


model.Task, model.Graph = Task, Graph  # type: ignore[misc]

from store_fixture import make_document  # noqa: E402  (builds its tasks with kg.model.Task: the subclass)


def graph(*docs: str) -> model.Graph:
    g = Graph.union([make_document(d, sha=d) for d in docs])
    for t in g.tasks:
        t.priority = 10 * t.ordinal + len(t.id)  # type: ignore[attr-defined]
    return g


def priorities(g: model.Graph) -> dict[str, Any]:
    return {t.id: t.priority for t in g.tasks}  # type: ignore[attr-defined]


def export_bytes(g: model.Graph, export: Any) -> bytes:
    import io

    out = io.BytesIO()
    export(g, out, "nt")
    return out.getvalue()


def main(mode: str, where: str = "") -> dict[str, Any]:
    if mode == "embedded":
        from kg.store.embedded import EmbeddedStore

        with EmbeddedStore(where) as store:
            store.load(graph("D2"), method="copy")
            queried = {i: p for i, p in store.run("MATCH (t:Task) RETURN t.id, t.priority").rows}
            return {"read": priorities(store.to_graph()), "queried": queried}
    if mode == "neo4j":
        from kg.store.neo4j import Neo4jStore

        with Neo4jStore() as store:
            store.load(graph("D1", "D2"))
            queried = {i: p for i, p in store.run("MATCH (t:Task) RETURN t.id, t.priority").rows}
            return {"read": priorities(store.to_graph()), "queried": queried}
    if mode == "rdf":
        import pyoxigraph as ox

        from kg.rdf import KG, export, iri

        triples = ox.Store()
        data = export_bytes(graph("D1", "D2"), export)
        triples.load(data, format=ox.RdfFormat.N_TRIPLES)
        found = triples.query(f"SELECT ?t ?p WHERE {{ ?t <{KG}priority> ?p }}")
        prefix = iri("task", "")
        return {"read": {r["t"].value.removeprefix(prefix): int(r["p"].value) for r in found}}  # type: ignore[union-attr,index]
    from kg.neo4j_import import write_neo4j_import

    write_neo4j_import(graph("D1", "D2"), where)
    with open(Path(where) / "Task.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = (Path(where) / "Task.header.csv").read_text(encoding="utf-8").strip().split(",")
    at = header.index("priority:int")
    return {"read": {r[0]: int(r[at]) if r[at] else None for r in rows}, "header": header}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:]), ensure_ascii=False))
