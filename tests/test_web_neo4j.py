"""`kg serve` on the Neo4j backend: the same pages, through the same Store API, on a real Bolt server
(ArcadeDB from PyPI, or the server in NEO4J_URI), give what they give on the embedded store."""
from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from kg.align import with_alignments
from kg.store.embedded import EmbeddedStore
from kg.web.app import create_app

pytestmark = [pytest.mark.external, pytest.mark.slow]  # a Bolt server; the seeds loaded twice, every page


@pytest.fixture(scope="module")
def clients(tmp_path_factory, seed_graph, bolt_server):
    from kg.store.neo4j import Neo4jStore

    graph = with_alignments(seed_graph)
    path = tmp_path_factory.mktemp("web-emb") / "db"
    with EmbeddedStore(path) as s:
        s.load(graph)
        s.replace_alignments(graph.alignments)
    emb = EmbeddedStore(path, read_only=True)
    neo = Neo4jStore(**bolt_server.settings())
    neo.run("MATCH (n) DETACH DELETE n", write=True)
    neo.ensure_schema()
    neo.load(graph)
    neo.replace_alignments(graph.alignments)
    with TestClient(create_app(emb)) as a, TestClient(create_app(neo)) as b:
        yield a, b
    emb.close()
    neo.close()


def _json(client: TestClient, url: str, **params):
    r = client.get(url, params={**params, "format": "json"})
    assert r.status_code == 200, (url, r.text[:300])
    return r.json()


def _rows(items: list[dict], *keys: str) -> list[tuple]:
    return sorted(tuple(str(i.get(k)) for k in keys) for i in items)


def test_search_and_home_agree(clients):
    emb, neo = clients
    a, b = _json(emb, "/", q="县科协"), _json(neo, "/", q="县科协")
    assert a == b
    assert a["results"]["organizations"]["rows"][0]["name"] == "友谊县科学技术协会"


def test_organization_document_task_pages_agree(clients):
    emb, neo = clients
    found = _json(emb, "/", q="友谊县科学技术协会")["results"]["organizations"]["rows"]
    oid = next(o["id"] for o in found if o["name"] == "友谊县科学技术协会")
    a, b = _json(emb, f"/organization/{oid}"), _json(neo, f"/organization/{oid}")
    keys = ("document", "task_id", "title", "role", "qualifier", "deadline", "unit")
    assert _rows(a["assignments"], *keys) == _rows(b["assignments"], *keys) and len(a["assignments"]) == 35
    assert _rows(a["partners"], "name", "shared") == _rows(b["partners"], "name", "shared")
    ga, gb = emb.get(f"/organization/{oid}/graph").json(), neo.get(f"/organization/{oid}/graph").json()
    assert sorted(n["id"] for n in ga["nodes"]) == sorted(n["id"] for n in gb["nodes"])

    task_id = next(r["task_id"] for r in a["assignments"] if r["task_id"])
    ta, tb = _json(emb, f"/task/{task_id}"), _json(neo, f"/task/{task_id}")
    assert ta == tb

    doc_id = next(d["id"] for level in _json(emb, "/")["levels"] for d in level["rows"] if d["jurisdiction"] == "友谊县")
    da, db = _json(emb, f"/document/{doc_id}"), _json(neo, f"/document/{doc_id}")
    assert da == db


def test_query_pages_agree(clients):
    emb, neo = clients
    params = {"name": "县科协", "jurisdiction": "友谊县", "limit": 20}
    a = _json(emb, "/queries/organization_responsibilities", **params)
    b = _json(neo, "/queries/organization_responsibilities", **params)
    assert a["rows"] and sorted(map(str, a["rows"])) == sorted(map(str, b["rows"]))
