"""What every store backend must do, through the Store interface (kg/store/base.py), run over each backend
as rdflib runs its store tests over every store plugin: the same tests, the same fixture graph
(tests/store_fixture.py), the same expected answers.

Backends: `embedded` (LadybugDB in tmp_path, always) and `neo4j` (the Bolt server of
tests/_bolt_server.py: NEO4J_URI's, or ArcadeDB started from PyPI; skipped, saying why, when neither
can be had). What one backend alone does (write methods, bulk transactions and checkpoints of the
embedded store; connection errors and server constraints of Bolt) is in test_store_embedded.py and
test_store_neo4j.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from kg.cypher_guard import QueryRefused
from kg.errors import StoreError
from kg.ids import title_key
from kg.library import list_queries, run_named
from kg.model import Citation, Graph, Organization
from kg.store.base import Store
from kg.store.embedded import EmbeddedStore
from store_fixture import (
    _p,
    alignments,
    assert_counts_right,
    by_id,
    changed_d1,
    clashing_d2,
    make_d2,
    make_document,
    make_graph,
    stored,
)


@dataclass
class Backend:
    """One backend's empty database, and how to open a store on it (again, or read-only)."""

    name: str
    opener: Callable[[bool], Store]

    def open(self, read_only: bool = False) -> Store:
        return self.opener(read_only)


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.external)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "embedded":
        path = tmp_path / "kg.db"
        return Backend("embedded", lambda read_only: EmbeddedStore(path, read_only=read_only))
    from kg.store.neo4j import Neo4jStore

    try:
        server = request.getfixturevalue("bolt_server")
    except pytest.skip.Exception as exc:  # no server: say which backend could not run, and how to give it one
        pytest.skip(f"neo4j backend not run: {exc.msg} (NEO4J_URI names a Neo4j server to test against)")
    settings = server.settings()
    with Neo4jStore(**settings) as s:  # the server is shared by the session: empty it
        s.run("MATCH (n) DETACH DELETE n", write=True)
        s.ensure_schema()
    return Backend("neo4j", lambda read_only: Neo4jStore(**settings, read_only=read_only))


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    s = backend.open()
    yield s
    s.close()


def count(store: Store, cypher: str) -> int:
    return int(store.run(cypher).rows[0][0])


def assert_equal_but_aliases(got: Graph, want: Graph) -> None:
    """Equal, but for the aliases of organizations: a store keeps every alias it was given for a unit,
    from documents since removed or from the graph of a document that failed."""
    assert got.model_copy(update={"organizations": []}) == want.model_copy(update={"organizations": []})
    assert [o.model_copy(update={"aliases": []}) for o in got.organizations] == [
        o.model_copy(update={"aliases": []}) for o in want.organizations]


# --------------------------------------------------------------------------- load and read back


def test_load_and_read_back_equal(store: Store) -> None:
    g = make_graph()
    res = store.load(g)
    assert [(d.document_id, d.status) for d in res.documents] == [("D1", "inserted"), ("D2", "inserted")]
    assert store.to_graph() == by_id(g)
    assert store.stats() == g.counts()
    assert_counts_right(store)
    # the Document knows the key a citation of it would carry; one placeholder per cited key, titled as first cited
    assert store.run("MATCH (d:Document) RETURN d.id, d.title_key ORDER BY d.id").rows == [
        ["D1", title_key("D1科普行动方案")], ["D2", title_key("D2科普行动方案")]]
    assert store.run("MATCH (c:CitedDocument) RETURN c.id, c.key, c.title ORDER BY c.id").rows == [
        ["CITED-D1", "D1专项规划", "D1专项规划"], ["CITED-D2", "D2专项规划", "D2专项规划"],
        ["CITED-outline", "全民科学素质行动规划纲要(2021-2035年)", "全民科学素质行动规划纲要（2021—2035年）"]]


def test_read_back_some_documents(store: Store) -> None:
    store.load(make_graph())
    one = store.to_graph(["D2"])
    d2 = by_id(make_d2())
    assert [d.id for d in one.documents] == ["D2"]
    for key in ("sections", "actions", "tasks", "responsibilities", "targets", "people", "memberships", "citations"):
        assert getattr(one, key) == getattr(d2, key), key
    # the organizations its roles and memberships name, as stored (aliases gathered from every document)
    assert [o.id for o in one.organizations] == ["ORG-edu", "ORG-gov", "ORG-group", "ORG-members"]
    assert next(o for o in one.organizations if o.id == "ORG-edu").aliases == ["市教育局", "教育局"]
    assert store.to_graph(["D1", "D2"]) == store.to_graph()
    assert store.to_graph([]) == Graph() == store.to_graph(["no-such-document"])


def test_provenance_on_every_node_and_edge(store: Store) -> None:
    """Every node and edge that a document states carries its document id and character span, read back
    as loaded — by to_graph and by plain queries of the stored properties."""
    g = make_graph()
    store.load(g)
    back, loaded = store.to_graph(), by_id(g)
    for key in ("documents", "sections", "actions", "tasks", "responsibilities", "targets", "people",
                "memberships", "citations"):
        for item in getattr(back, key):
            doc = item.id if key == "documents" else item.document_id
            assert item.prov.document_id == doc, (key, item.id)
            assert 0 <= item.prov.start <= item.prov.end <= 500 and item.prov.text, (key, item.id)
        assert [(x.id, x.prov) for x in getattr(back, key)] == [(x.id, x.prov) for x in getattr(loaded, key)], key

    def want(items: list, doc: Callable = lambda x: x.document_id) -> list[list]:
        return sorted([x.id, doc(x), x.prov.start, x.prov.end] for x in items)

    def got(cypher: str) -> list[list]:
        return sorted(store.run(cypher).rows)

    assert got("MATCH (n:Document) RETURN n.id AS id, n.id AS doc, n.start AS s, n.`end` AS e") == want(g.documents, lambda d: d.id)
    for label, items in (("Section", g.sections), ("Action", g.actions), ("Task", g.tasks), ("Target", g.targets),
                         ("Person", g.people)):
        assert got(f"MATCH (n:{label}) RETURN n.id, n.document_id, n.start, n.`end`") == want(items), label
    for rel in ("LEADS", "RESPONSIBLE_FOR"):
        assert got(f"MATCH ()-[e:{rel}]->() RETURN e.id, e.document_id, e.start, e.`end`") == want(
            [r for r in g.responsibilities if r.role == rel]), rel
    assert got("MATCH ()-[e:MEMBER_OF]->() RETURN e.id, e.document_id, e.start, e.`end`") == want(g.memberships)
    assert got("MATCH (d:Document)-[e:CITES]->() RETURN e.id, d.id, e.start, e.`end`") == want(g.citations)
    # the stated text too: the clause of an edge, the text of a node
    assert got("MATCH ()-[e:LEADS|RESPONSIBLE_FOR]->() RETURN e.id, e.clause") == sorted(
        [r.id, r.prov.text] for r in g.responsibilities)
    assert got("MATCH (n:Document) RETURN n.id, n.text") == sorted([d.id, d.prov.text] for d in g.documents)


# --------------------------------------------------------------------------- loading again, replacing, removing


def test_loading_again_changes_nothing(store: Store) -> None:
    g = make_graph()
    store.load(g)
    seen = []
    res = store.load(g, on_document=seen.append)
    assert [(d.document_id, d.status) for d in res.documents] == [("D1", "unchanged"), ("D2", "unchanged")]
    assert seen == res.documents
    assert store.stats() == g.counts()
    assert store.to_graph() == by_id(g)
    assert_counts_right(store)


def test_a_changed_document_replaces_its_old_version(store: Store) -> None:
    g = make_graph()
    store.load(g)
    before_d2 = store.to_graph(["D2"])
    new = changed_d1()
    res = store.load(new)
    assert [(d.document_id, d.status, d.previous_file) for d in res.documents] == [("D1", "replaced", "D1.txt")]
    want = by_id(make_d2().merge(new))
    got = store.to_graph()
    assert got == want
    assert store.stats() == want.counts()
    assert_counts_right(store)
    # what only the old version named is gone: a unit, a post unit, its own cited document
    assert count(store, "MATCH (o:Organization) WHERE o.id IN ['ORG-sci', 'ORG-archive'] RETURN count(o)") == 0
    assert store.run("MATCH (c:CitedDocument) RETURN c.id ORDER BY c.id").rows == [["CITED-D2"], ["CITED-outline"]]
    assert store.run("MATCH (d:Document {id: 'D1'}) RETURN d.sha256").rows == [["ccc"]]
    assert store.to_graph(["D2"]) == before_d2  # the other document is untouched


def test_remove_documents(store: Store) -> None:
    store.load(make_graph())
    assert store.remove(["D1", "no-such-document"]) == ["D1"]
    want = by_id(make_d2())
    assert_equal_but_aliases(store.to_graph(), want)  # ORG-sci and ORG-archive, named by D1 alone, are gone
    assert store.stats() == want.counts()
    assert store.run("MATCH (c:CitedDocument) RETURN c.id ORDER BY c.id").rows == [["CITED-D2"], ["CITED-outline"]]
    assert_counts_right(store)
    assert store.remove(["D1"]) == []
    assert store.remove(["D2"]) == ["D2"]
    assert store.stats() == Graph().counts()
    assert count(store, "MATCH (n) RETURN count(n)") == 0
    assert not any(stored(store).values())


def test_rewrite_writes_an_unchanged_document_anew(store: Store) -> None:
    """A later file of one build holding a document an earlier file wrote: written anew, even unchanged."""
    store.load(make_graph())
    again = make_document("D1")
    again.documents[0].file = "copy-of-D1.txt"
    assert [d.status for d in store.load(again).documents] == ["unchanged"]
    assert store.run("MATCH (d:Document {id: 'D1'}) RETURN d.file").rows == [["D1.txt"]]
    res = store.load(again, rewrite={"D1"})
    assert [(d.status, d.previous_file) for d in res.documents] == [("replaced", "D1.txt")]
    assert store.to_graph() == by_id(make_d2().merge(again))
    assert_counts_right(store)


def test_loads_inside_bulk_give_the_same_store(store: Store) -> None:
    """bulk() is where a backend may write several loads as one unit: what is stored is the same."""
    seen: list[str] = []
    with store.bulk():
        store.load(make_document("D1"), lambda r: seen.append(r.status))
        store.load(make_d2(), lambda r: seen.append(r.status))
    assert seen == ["inserted", "inserted"]
    assert store.to_graph() == by_id(make_graph())
    assert store.stats() == make_graph().counts()
    assert_counts_right(store)


# --------------------------------------------------------------------------- documents that cannot be written


def test_a_document_with_a_dangling_reference_fails_alone(store: Store) -> None:
    """A reference to a node the document does not hold fails that document, with the reference named,
    and nothing of it is written; the others load."""
    bad = {}
    bad["D1"] = make_document("D1")
    bad["D1"].tasks[0].action_id = "D1-nope"  # a task of no action
    bad["D2"] = make_document("D2", sha="b")
    bad["D2"].targets[1].owner_id = "D2-nope"  # a target of no action
    bad["D3"] = make_document("D3", sha="c")
    bad["D3"].memberships[0].group_id = "ORG-missing"  # a member of no group
    bad["D4"] = make_document("D4", sha="d")
    bad["D4"].memberships[1].person_id = "D4-nobody"  # nobody a member
    bad["D5"] = make_document("D5", sha="e")
    bad["D5"].memberships[0].unit_id = "ORG-no-unit"  # a post in no unit
    good = make_document("D6", sha="f")
    res = store.load(Graph.union([*bad.values(), good]))
    status = {d.document_id: (d.status, d.error or "") for d in res.documents}
    for doc, name in (("D1", "D1-nope"), ("D2", "D2-nope"), ("D3", "ORG-missing"), ("D4", "D4-nobody"),
                      ("D5", "ORG-no-unit")):
        assert status[doc][0] == "failed" and name in status[doc][1], (doc, status[doc])
    assert status["D6"] == ("inserted", "")
    assert_equal_but_aliases(store.to_graph(), by_id(good))
    assert store.stats() == good.counts()


def test_a_document_the_database_refuses_fails_alone_and_leaves_nothing(store: Store) -> None:
    """D2 reuses a task id of D1: the database's key constraint refuses it midway, after some of its nodes
    were written in the transaction. D2 fails, named, and leaves nothing; the documents beside it load."""
    store.load(make_document("D1"))
    res = store.load(clashing_d2().merge(make_document("D3", sha="ddd")).merge(make_document("D4", sha="eee")))
    status = {d.document_id: d.status for d in res.documents}
    assert status == {"D2": "failed", "D3": "inserted", "D4": "inserted"}
    err = res.failed[0].error or ""
    assert "D2.txt" in err and "D1-a1-t1" in err
    for label in ("Section", "Action", "Task", "Target", "Person"):
        assert count(store, f"MATCH (n:{label}) WHERE n.document_id = 'D2' RETURN count(n)") == 0, label
    assert count(store, "MATCH (d:Document {id: 'D2'}) RETURN count(d)") == 0
    assert count(store, "MATCH ()-[e:LEADS|RESPONSIBLE_FOR|MEMBER_OF]->() WHERE e.document_id = 'D2' RETURN count(e)") == 0
    want = by_id(make_document("D1").merge(make_document("D3", sha="ddd")).merge(make_document("D4", sha="eee")))
    assert store.to_graph() == want
    assert store.stats() == want.counts()
    assert_counts_right(store)


def test_a_document_twice_in_one_graph_and_a_unit_no_edge_names(store: Store) -> None:
    """A document id twice in one graph: the second fails, named; an organization no edge names is kept."""
    g = make_graph()
    loose = Organization(id="ORG-loose", name="临沂市地震台", jurisdiction="临沂市", aliases=["市地震台"])
    g.organizations.append(loose)
    g.documents.append(g.documents[0].model_copy(update={"sha256": "d" * 64}))
    res = store.load(g)
    assert [(d.document_id, d.status) for d in res.documents] == [("D1", "failed"), ("D1", "inserted"),
                                                                   ("D2", "inserted")]
    assert "appears twice" in (res.failed[0].error or "")
    assert store.to_graph() == by_id(g.model_copy(update={"documents": g.documents[:2]}))


# --------------------------------------------------------------------------- reading: queries, guard, parameters


def test_a_shared_organization_is_one_node_with_its_aliases_united(store: Store) -> None:
    store.load(make_graph())
    assert store.run("MATCH (o:Organization {id: 'ORG-edu'}) RETURN o.aliases AS aliases, o.sector AS sector"
                     ).records() == [{"aliases": ["市教育局", "教育局"], "sector": "教育"}]
    assert store.run("MATCH (o:Organization {id: 'ORG-edu'})-[e:LEADS|RESPONSIBLE_FOR]->() "
                     "RETURN count(DISTINCT e.document_id) AS docs").rows == [[2]]


def _aliases(store: Store, org: str) -> list[str]:
    return store.run("MATCH (o:Organization {id: $id}) RETURN o.aliases AS a", {"id": org}).rows[0][0]


@pytest.mark.parametrize("together", [False, True], ids=["one-load-each", "one-graph"])
def test_the_aliases_a_document_gave_go_with_it(store: Store, together: bool) -> None:
    """An organization's aliases are those the documents stored give it: removing a document, or replacing
    it by a version that calls the unit otherwise, takes away the aliases only it gave (D1 calls ORG-edu
    市教育局, D2 教育局; both call the leading group 领导小组), whether the documents came in one graph or not."""
    d2 = make_d2()
    for r in d2.responsibilities:  # as its aliases say: D2 calls ORG-edu 教育局 throughout
        if r.organization_id == "ORG-edu":
            r.mention = "教育局"
    if together:
        store.load(make_document("D1").merge(d2))
    else:
        store.load(make_document("D1"))
        store.load(d2)
    assert _aliases(store, "ORG-edu") == ["市教育局", "教育局"]
    store.remove(["D1"])
    assert _aliases(store, "ORG-edu") == ["教育局"] and _aliases(store, "ORG-group") == ["领导小组"]
    store.load(make_document("D1"))
    renamed = d2.model_copy(deep=True)  # D2 again, with other bytes, calling ORG-edu 区教育局
    renamed.documents[0].sha256 = "b2"
    for r in renamed.responsibilities:
        if r.organization_id == "ORG-edu":
            r.mention = "区教育局"
    next(o for o in renamed.organizations if o.id == "ORG-edu").aliases = ["区教育局"]
    assert [d.status for d in store.load(renamed).documents] == ["replaced"]
    assert _aliases(store, "ORG-edu") == ["区教育局", "市教育局"]
    got = {o.id: o.aliases for o in store.to_graph().organizations}
    assert got["ORG-edu"] == ["区教育局", "市教育局"] and got["ORG-group"] == ["领导小组"]


def test_the_citation_of_a_loaded_document_finds_it(store: Store) -> None:
    g = make_graph()
    cited = "《D1科普行动方案》"
    g.citations.append(Citation(id="D2-c3", document_id="D2", title=cited, key=title_key(cited),
                                cited_id="CITED-d1", prov=_p("D2", 300, 310, cited)))
    store.load(g)
    rows = store.run(
        "MATCH (d:Document)-[:CITES]->(c:CitedDocument) OPTIONAL MATCH (i:Document) WHERE i.title_key = c.key "
        "RETURN d.id AS citing, c.title AS cited, i.id AS loaded ORDER BY citing, cited").rows
    assert ["D2", cited, "D1"] in rows
    assert ["D1", "D1专项规划", None] in rows
    assert store.to_graph() == by_id(g)


# the parameters of the named queries, for the fixture graph (document: a substring of both titles)
PARAMS = {"text": "任务", "name": "教育局", "n": 1, "document": "科普", "sector": "教育", "title": "任务"}
# rows the fixture graph is made to give, whatever the backend
ROWS = {"documents_overview": 2, "collective_assignments": 1, "tasks_lead_only": 2, "tasks_with_many_units": 2,
        "tasks_without_units": 2, "actions_without_units": 2, "co_responsibility": 2, "edge_provenance": 2}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The fixture graph and its alignments in an embedded store written by COPY (the stores under test
    are written by their own default path: UNWIND statements on either backend)."""
    s = EmbeddedStore(tmp_path_factory.mktemp("reference") / "db")
    s.load(make_graph(), method="copy")
    s.replace_alignments(alignments())
    yield s
    s.close()


def _canon(rows: list[list]) -> list[tuple]:
    """Rows with list cells sorted: the order inside a collect() is not defined by Cypher."""
    return [tuple(tuple(sorted(v)) if isinstance(v, list) else v for v in row) for row in rows]


@pytest.mark.slow
def test_named_queries_give_the_same_rows(store: Store, reference: Store) -> None:
    """Every query of the library gives the reference rows, in the reference order, and finds something."""
    store.load(make_graph())
    store.replace_alignments(alignments())
    differ, empty = [], []
    for q in list_queries():
        params = {p.name: PARAMS[p.name] for p in q.params if p.required}
        a, b = run_named(reference, q.name, params), run_named(store, q.name, params)
        if (a.columns, _canon(a.rows), a.total) != (b.columns, _canon(b.rows), b.total):
            differ.append(f"{q.name}: {b.columns} {b.rows} != reference {a.columns} {a.rows}")
        if not b.rows:
            empty.append(q.name)
        if q.name in ROWS:
            assert len(b.rows) == ROWS[q.name], (q.name, b.rows)
    assert not differ, "\n".join(differ)
    assert not empty, f"queries that find nothing in the fixture graph prove little: {empty}"
    assert len(list_queries()) >= 20


WRITES = ("MATCH (n) DETACH DELETE n", "CREATE (:Document {id: 'x'})", "MATCH (o:Organization) SET o.name = 'x'",
          "merge (d:Document {id: 'x'})", "MATCH (o:Organization) REMOVE o.sector", "COPY Task FROM 'x.csv'",
          "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
          "CALL apoc.load.json('http://127.0.0.1:9/') YIELD value RETURN value",
          "MATCH (n:Document) CALL { WITH n SET n.x = 1 } RETURN count(n) AS n")


def test_reads_refuse_writes(store: Store) -> None:
    store.load(make_graph())
    before = store.stats()
    for cypher in WRITES:
        with pytest.raises(QueryRefused):
            store.run(cypher)
    assert store.stats() == before
    assert store.to_graph() == by_id(make_graph())
    # keywords inside strings, comments and quoted names are data, not writes
    r = store.run("// CREATE nothing\nMATCH (d:Document) WHERE d.title <> 'DELETE me' RETURN d.id AS `set` ORDER BY d.id")
    assert r.columns == ["set"] and r.rows == [["D1"], ["D2"]]
    assert count(store, "MATCH (t:Task) WHERE t.title CONTAINS 'DELETE' RETURN count(t) AS n") == 0
    # asked for, a write is written
    r = store.run("MATCH (d:Document {id: $id}) SET d.title = $t RETURN d.title", {"id": "D1", "t": "新"}, write=True)
    assert r.rows == [["新"]]


def test_parameters_are_data(store: Store) -> None:
    store.load(make_graph())
    evil = "'}) DETACH DELETE n //"
    assert store.run("MATCH (n:Organization) WHERE n.id = $id RETURN n.id", {"id": evil}).rows == []
    r = store.run("MATCH (n:Organization {id: $id}) SET n.name = $name RETURN n.name", {"id": "ORG-sci", "name": evil},
                  write=True)
    assert r.rows == [[evil]]
    assert store.run("MATCH (n:Organization {id: 'ORG-sci'}) RETURN n.name").rows == [[evil]]
    assert store.stats() == make_graph().counts()
    # and as loaded data
    g = make_document("D9", sha="z")
    g.documents[0].title = evil
    g.tasks[0].title = evil
    store.load(g)
    assert store.stats()["documents"] == 3
    assert store.run("MATCH (d:Document {id: 'D9'}) RETURN d.title").rows == [[evil]]
    assert store.to_graph(["D9"]).tasks[0].title == evil


def test_rows_are_plain_python(store: Store) -> None:
    store.load(make_graph())
    r = store.run(
        "MATCH (o:Organization {id: $id}) RETURN o.name AS name, o.aliases AS aliases, o.collective AS c, "
        "o.sector IS NULL AS nosector, size(o.aliases) AS n, o.jurisdiction_path AS path",
        {"id": "ORG-edu", "unused": 1, "limit": 5},  # parameters the statement does not use are fine
    )
    assert r.records() == [{"name": "临沂市教育局", "aliases": ["市教育局", "教育局"], "c": False, "nosector": False,
                            "n": 2, "path": ["山东省", "临沂市"]}]
    assert [type(v) for v in r.rows[0]] == [str, list, bool, bool, int, list]
    r = store.run("MATCH (t:Target {id: 'D1-g2'}) RETURN t.value AS value, t.unit AS unit, t.`end` AS e")
    assert r.rows == [[15000.0, "人次", 35]] and isinstance(r.rows[0][0], float)
    doc = store.run("MATCH (d:Document) RETURN d AS doc ORDER BY d.id LIMIT 1").rows[0][0]
    assert isinstance(doc, dict) and doc["title"] == "D1科普行动方案" and doc["jurisdiction_path"] == ["山东省", "临沂市"]
    assert store.run("MATCH (d:Document {id: 'none'}) RETURN d.id").rows == []


def test_a_bad_query_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError, match="id"):
        store.run("MATCH (o:Organization {id: $id}) RETURN o.name")  # a parameter not given
    with pytest.raises(StoreError, match="query failed"):
        store.run("MATCH (n:Document RETURN n")


def test_a_read_only_store_reads_and_refuses_every_write(backend: Backend) -> None:
    with backend.open() as s:
        s.load(make_graph())
        s.replace_alignments(alignments())
    with backend.open(read_only=True) as ro:
        want = by_id(make_graph())
        want.alignments = [a for a in alignments() if a.id in ("AL-1", "AL-2", "AL-3")]
        assert ro.to_graph() == want
        before = ro.stats()
        assert before == want.counts()
        for cypher in WRITES:
            with pytest.raises(QueryRefused):
                ro.run(cypher)
        with pytest.raises(StoreError, match="read-only"):
            ro.run("MATCH (d:Document) DETACH DELETE d", write=True)
        with pytest.raises(StoreError, match="read-only"):
            ro.load(make_document("D3", sha="c"))
        with pytest.raises(StoreError, match="read-only"):
            ro.remove(["D1"])
        with pytest.raises(StoreError, match="read-only"):
            ro.replace_alignments([])
        assert ro.stats() == before
        assert ro.run("MATCH (n:Document) RETURN count(n) AS n").records() == [{"n": 2}]
    with backend.open() as again:  # and opened again for writing, it holds what it held
        assert again.to_graph() == want


def test_ensure_schema_is_idempotent(backend: Backend) -> None:
    with backend.open() as s:
        s.ensure_schema()
        s.load(make_graph())
        s.ensure_schema()
        s.ensure_schema()
        assert s.stats() == make_graph().counts()
    with backend.open() as s:
        s.ensure_schema()
        assert s.to_graph() == by_id(make_graph())
        assert_counts_right(s)


# --------------------------------------------------------------------------- alignments


def test_replace_alignments(store: Store) -> None:
    g = make_graph()
    g.alignments = alignments()
    store.load(g)
    assert store.stats()["alignments"] == 0  # load() leaves alignments alone
    assert store.replace_alignments(alignments()) == 3  # the two without both ends are skipped
    want = [a for a in alignments() if a.id in ("AL-1", "AL-2", "AL-3")]
    assert store.to_graph().alignments == want
    assert store.to_graph(["D1", "D2"]).alignments == want
    assert store.to_graph(["D2"]).alignments == []  # only alignments with both ends in the documents read
    assert store.stats() == {**g.counts(), "alignments": 3}
    second = [want[1].model_copy(update={"id": "AL-9", "score": 0.25})]
    assert store.replace_alignments(second) == 1
    assert store.to_graph().alignments == second
    assert store.replace_alignments([]) == 0
    assert store.stats()["alignments"] == 0


def test_a_replaced_document_drops_its_alignments(store: Store) -> None:
    store.load(make_graph())
    assert store.replace_alignments(alignments()) == 3
    store.load(make_document("D2", sha="new", with_section=False))
    assert store.to_graph().alignments == []  # its actions and tasks were written anew: alignments are recomputed
    assert store.stats()["alignments"] == 0
