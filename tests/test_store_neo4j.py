"""Neo4jStore against a real Bolt server (ArcadeDB started by tests/_bolt_server.py, or NEO4J_URI): what
Bolt alone brings — connection errors, batches of documents per transaction and the server's uniqueness
constraints, a chunked build of the seeds. What every store must do is in test_store_contract.py, on
the same fixture graph (tests/store_fixture.py)."""
from __future__ import annotations

from typing import Iterator

import pytest

from kg.errors import StoreError
from kg.model import Graph
from kg.store.neo4j import Neo4jStore
from store_fixture import by_id, make_document, make_graph

from _bolt_server import BoltServer  # the bolt_server fixture is conftest.py's, one for the session


# --- fixtures -------------------------------------------------------------------------------
@pytest.fixture()
def store(bolt_server: BoltServer) -> Iterator[Neo4jStore]:
    """A store on an emptied database (the server is shared by the whole session)."""
    s = Neo4jStore(**bolt_server.settings())
    s.run("MATCH (n) DETACH DELETE n", write=True)
    s.ensure_schema()
    yield s
    s.close()


# --- tests ----------------------------------------------------------------------------------
def test_unreachable_server_is_one_clear_error() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uri = f"bolt://127.0.0.1:{port}"
    with pytest.raises(StoreError) as err:
        Neo4jStore(uri=uri, user="neo4j", password="x", connection_timeout=3)
    msg = str(err.value)
    assert uri in msg and "NEO4J_URI" in msg and "\n" not in msg
    assert err.value.__cause__ is None and err.value.__suppress_context__


@pytest.mark.external
def test_bad_password_is_one_clear_error(bolt_server: BoltServer) -> None:
    if bolt_server.kind != "arcadedb":
        pytest.skip("only against the server started here")
    with pytest.raises(StoreError, match="NEO4J_PASSWORD"):
        Neo4jStore(uri=bolt_server.uri, user=bolt_server.user, password="wrong-password")


def test_bad_uri_is_one_clear_error() -> None:
    with pytest.raises(StoreError, match="NEO4J_URI"):
        Neo4jStore(uri="http://localhost:7474", user="neo4j", password="x")


@pytest.mark.external
def test_documents_load_in_batches_and_a_failing_one_is_written_alone(store: Neo4jStore) -> None:
    """Many documents per transaction; when the server refuses one of them (here: a section id that
    another stored document already has, against the uniqueness constraint), the batch is rolled back
    and written again one document per transaction — the others load, the bad one leaves nothing."""
    g = make_graph()
    store.load(g)
    assert not [n for n in store.notes if "kg_section_id" in n], store.notes  # the constraint is in force
    third = make_document("D3", sha="ddd")
    fourth = make_document("D4", sha="eee")
    fourth.sections[0] = fourth.sections[0].model_copy(update={"id": "D1-s1"})
    fourth.actions[0] = fourth.actions[0].model_copy(update={"section_id": "D1-s1"})
    res = store.load(Graph.union([third, fourth]), batch_documents=10)
    statuses = {d.document_id: d.status for d in res.documents}
    assert statuses == {"D3": "inserted", "D4": "failed"}, res
    assert "D1-s1" in (res.failed[0].error or "")
    assert store.run("MATCH (d:Document {id: 'D4'}) RETURN count(d) AS n").rows == [[0]]
    assert store.run("MATCH (n:Section {id: 'D1-s1'}) RETURN n.document_id").rows == [["D1"]]
    got, want = store.to_graph(["D3"]), by_id(third)
    assert [o.id for o in got.organizations] == [o.id for o in want.organizations]
    # organizations shared with stored documents carry their aliases too
    assert got.model_copy(update={"organizations": []}) == want.model_copy(update={"organizations": []})
    assert store.stats() == Graph.union([g, third]).counts()


@pytest.mark.external
def test_a_batch_load_equals_one_document_at_a_time(store: Neo4jStore) -> None:
    g = make_graph()
    res = store.load(g, batch_documents=1)
    one_by_one = store.to_graph()
    store.run("MATCH (n) DETACH DELETE n", write=True)
    res2 = store.load(g, batch_documents=100)
    assert [d.status for d in res.documents] == [d.status for d in res2.documents] == ["inserted", "inserted"]
    assert store.to_graph() == one_by_one == by_id(g)


@pytest.mark.slow
@pytest.mark.external
def test_chunked_build_on_neo4j_equals_the_embedded_store(store: Neo4jStore, tmp_path, seed_files) -> None:
    """kg build's chunked load goes through the Store interface: the same graph on both backends."""
    from kg.build import build
    from kg.store.embedded import EmbeddedStore

    seen: list[str] = []
    report = build(store, seed_files, on_document=lambda r: seen.append(r.status), align_tasks=False, chunk_files=2)
    assert [d.status for d in report.loaded] == seen == ["inserted"] * len(seed_files)
    with EmbeddedStore(tmp_path / "db") as emb:
        build(emb, seed_files, align_tasks=False)
        assert emb.stats() == store.stats() == report.counts
        assert emb.to_graph() == store.to_graph()


def test_a_store_written_before_named_in_gets_its_links(store: Neo4jStore, bolt_server: BoltServer) -> None:
    """NAMED_IN (the aliases each document gives an organization) is new: a database without it gets one link
    per organization and document naming it, with every alias the organization has."""
    store.load(make_graph())
    store.run("MATCH (:Organization)-[n:NAMED_IN]->(:Document) DELETE n", write=True)
    with Neo4jStore(**bolt_server.settings()) as again:
        again.ensure_schema()
        links = again.run("MATCH (o:Organization)-[n:NAMED_IN]->(d:Document) "
                          "RETURN o.id AS o, d.id AS d, n.aliases AS a ORDER BY o, d").rows
    assert ["ORG-edu", "D1", ["市教育局", "教育局"]] in links and len(links) == 9
