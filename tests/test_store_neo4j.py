"""Neo4jStore against a real Bolt server (ArcadeDB started by tests/_bolt_server.py, or NEO4J_URI)."""
from __future__ import annotations

import importlib.util
from typing import Iterator

import pytest

from kg.cypher_guard import QueryRefused
from kg.errors import StoreError
from kg.ids import stable_id, title_key
from kg.model import (
    Action,
    Alignment,
    Citation,
    Document,
    Graph,
    Membership,
    Organization,
    Person,
    Provenance,
    Responsibility,
    Section,
    Target,
    Task,
)
from kg.store.neo4j import Neo4jStore

try:
    from tests._bolt_server import BoltServer, bolt_server  # noqa: F401  (pytest fixture)
except ImportError:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from _bolt_server import BoltServer, bolt_server  # type: ignore[no-redef]  # noqa: F401


# --- a small hand-made graph: two documents sharing one organization ---------------------
def _prov(doc: str, start: int, text: str) -> Provenance:
    return Provenance(document_id=doc, start=start, end=start + len(text), text=text)


OUTLINE = "全民科学素质行动规划纲要(2021—2035年)"


def make_document(key: str, title: str, jurisdiction: str, sha: str, units: list[tuple[str, str]],
                  own_citation: bool = True, post_unit: bool = True) -> Graph:
    """One document with a section, an action, a task, and LEADS / RESPONSIBLE_FOR edges; targets
    (of the document and of the task), a leading group's member with a post in the government,
    and citations (OUTLINE, which every document cites, and one of its own).

    units: (organization name, role) pairs; 科协 is shared between documents."""
    did = stable_id("document", key)
    doc = Document(
        id=did, title=title, doc_number=f"{key}〔2022〕1号", issuer=f"{jurisdiction}人民政府", date="2022-06-16",
        jurisdiction=jurisdiction, jurisdiction_path=["山东省", jurisdiction], level="市",
        based_on=["全民科学素质行动规划纲要(2021—2035年)"], file=f"{key}.txt", sha256=sha,
        encoding="utf-8", format="txt", length=500, prov=_prov(did, 0, title),
    )
    sec = Section(id=stable_id("section", did, 1), document_id=did, ordinal=1, title="提升行动",
                  prov=_prov(did, 40, "一、提升行动"))
    act = Action(id=stable_id("action", did, 1), document_id=did, section_id=sec.id, ordinal=1, number="（一）",
                 title="青少年科学素质提升行动", prov=_prov(did, 50, "（一）青少年科学素质提升行动。"))
    act2 = Action(id=stable_id("action", did, 2), document_id=did, section_id=None, ordinal=2, number=None,
                  title="组织实施", prov=_prov(did, 300, "组织实施"))
    task = Task(id=stable_id("task", did, 1, 1), document_id=did, action_id=act.id, ordinal=1, number="1.",
                title="加强基础教育阶段科学教育", prov=_prov(did, 70, "1.加强基础教育阶段科学教育。"))
    orgs: list[Organization] = []
    resp: list[Responsibility] = []
    clause = "（" + "、".join(n for n, _ in units) + "负责）"
    for i, (name, role) in enumerate(units):
        shared = name == "科协"
        juris = "全国" if shared else jurisdiction
        full = "中国科学技术协会" if shared else f"{jurisdiction}{name}"
        org = Organization(id=stable_id("organization", full, juris), name=full, jurisdiction=juris,
                           jurisdiction_path=[] if shared else ["山东省", jurisdiction],
                           sector="科协" if shared else None, collective=name.startswith("各"),
                           aliases=[f"{key}:{name}"])
        orgs.append(org)
        target, kind = (act, "Action") if role == "LEADS" else (task, "Task")
        resp.append(Responsibility(
            id=stable_id("responsibility", did, org.id, target.id, role), role=role,
            qualifier="牵头" if role == "LEADS" else "负责", organization_id=org.id, target_id=target.id,
            target_kind=kind, document_id=did, mention=name, deadline="2025年底前" if i == 0 else None,
            prov=_prov(did, 100 + i, clause)))
    targets = [
        Target(id=stable_id("target", did, 1), document_id=did, owner_id=did, owner_kind="Document",
               text="到2025年科学素质比例达到15%", value=15.0, unit="%", comparator="达到", deadline="到2025年",
               prov=_prov(did, 20, "到2025年科学素质比例达到15%")),
        Target(id=stable_id("target", did, 2), document_id=did, owner_id=task.id, owner_kind="Task",
               text="每年培训1.5万人次以上", value=15000.0, unit="人次", comparator="以上", period="每年",
               prov=_prov(did, 80, "每年培训1.5万人次以上")),
    ]
    group = Organization(id=stable_id("organization", f"{jurisdiction}科学素质工作领导小组", jurisdiction),
                         name=f"{jurisdiction}科学素质工作领导小组", jurisdiction=jurisdiction, aliases=["领导小组"])
    gov = Organization(id=stable_id("organization", f"{jurisdiction}人民政府", jurisdiction),
                       name=f"{jurisdiction}人民政府", jurisdiction=jurisdiction, aliases=["政府"])
    orgs += [group] + ([gov] if post_unit else [])
    person = Person(id=stable_id("person", did, "王屾"), name="王屾", document_id=did,
                    prov=_prov(did, 400, "组  长：王  屾  政府副县长"))
    members = [Membership(id=stable_id("membership", did, person.id), person_id=person.id, group_id=group.id,
                          role="组长", post="政府副县长", post_title="副县长" if post_unit else None,
                          unit_id=gov.id if post_unit else None, document_id=did, prov=person.prov)]
    cites = [Citation(id=stable_id("citation", did, OUTLINE), document_id=did, title=OUTLINE, key=title_key(OUTLINE),
                      cited_id=stable_id("cited", title_key(OUTLINE)), prov=_prov(did, 30, OUTLINE))]
    if own_citation:
        own = f"《{key}专项规划》"
        cites.append(Citation(id=stable_id("citation", did, own), document_id=did, title=own, key=title_key(own),
                              cited_id=stable_id("cited", title_key(own)), prov=_prov(did, 60, own)))
    return Graph(documents=[doc], sections=[sec], actions=[act, act2], tasks=[task],
                 organizations=sorted(orgs, key=lambda o: o.id), responsibilities=resp,
                 targets=targets, people=[person], memberships=members, citations=cites)


def sample_graph() -> Graph:
    a = make_document("临政字", "临沂市科学素质行动实施方案", "临沂市", "a" * 64,
                      [("科协", "LEADS"), ("市教育局", "RESPONSIBLE_FOR")])
    b = make_document("友政发", "友谊县科学素质行动实施方案", "友谊县", "b" * 64,
                      [("县科技局", "LEADS"), ("科协", "RESPONSIBLE_FOR"), ("各成员单位", "RESPONSIBLE_FOR")])
    return a.merge(b)


def canonical(g: Graph) -> dict:
    """A graph as plain data with every list in a fixed order, for equality across stores."""
    d = g.model_dump()
    for items in d.values():
        items.sort(key=lambda x: x["id"])
    return d


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
def test_load_and_round_trip(store: Neo4jStore) -> None:
    g = sample_graph()
    res = store.load(g)
    assert [d.status for d in res.documents] == ["inserted", "inserted"], res
    assert store.stats() == g.counts()
    assert canonical(store.to_graph()) == canonical(g)


def test_unreferenced_organization_and_duplicate_document(store: Neo4jStore) -> None:
    g = sample_graph()
    loose = Organization(id=stable_id("organization", "临沂市地震台", "临沂市"), name="临沂市地震台",
                         jurisdiction="临沂市", aliases=["市地震台"])
    g.organizations.append(loose)
    g.documents.append(g.documents[0].model_copy(update={"sha256": "d" * 64}))
    res = store.load(g)
    assert [d.status for d in res.documents] == ["failed", "inserted", "inserted"]
    assert "appears twice" in (res.failed[0].error or "")
    assert canonical(store.to_graph()) == canonical(g.model_copy(update={"documents": g.documents[:2]}))


def test_shared_organization_is_one_node_with_aliases_united(store: Neo4jStore) -> None:
    g = sample_graph()
    store.load(g)
    rows = store.run(
        "MATCH (o:Organization {name: $name}) RETURN o.aliases AS aliases, o.sector AS sector",
        {"name": "中国科学技术协会"},
    ).records()
    assert rows == [{"aliases": ["临政字:科协", "友政发:科协"], "sector": "科协"}]
    rows = store.run(
        "MATCH (o:Organization {name: $name})-[e:LEADS|RESPONSIBLE_FOR]->(t:Action|Task) "
        "RETURN count(DISTINCT e.document_id) AS docs",
        {"name": "中国科学技术协会"},
    ).rows
    assert rows == [[2]]


def test_to_graph_of_some_documents(store: Neo4jStore) -> None:
    g = sample_graph()
    store.load(g)
    first = g.documents[0].id
    part = store.to_graph([first])
    assert [d.id for d in part.documents] == [first]
    assert {r.document_id for r in part.responsibilities} == {first}
    named = {r.organization_id for r in part.responsibilities} | {m.group_id for m in part.memberships}
    named |= {m.unit_id for m in part.memberships if m.unit_id}
    assert {o.id for o in part.organizations} == named
    assert {x.document_id for k in ("targets", "people", "memberships", "citations") for x in getattr(part, k)} == {first}
    assert len(part.targets) == 2 and len(part.citations) == 2 and len(part.memberships) == 1


def test_loading_twice_is_unchanged_and_keeps_one_copy(store: Neo4jStore) -> None:
    g = sample_graph()
    store.load(g)
    seen = []
    res = store.load(g, on_document=seen.append)
    assert [d.status for d in res.documents] == ["unchanged", "unchanged"]
    assert seen == res.documents
    assert store.stats() == g.counts()


def test_changed_document_replaces_and_drops_orphans(store: Neo4jStore) -> None:
    g = sample_graph()
    store.load(g)
    # the 友谊县 plan changes: new hash, and 各成员单位, the post in 友谊县人民政府 and its own
    # citation no longer appear in it
    changed = make_document("友政发", "友谊县科学素质行动实施方案（修订）", "友谊县", "c" * 64,
                            [("县科技局", "LEADS"), ("科协", "RESPONSIBLE_FOR")], own_citation=False, post_unit=False)
    res = store.load(changed)
    assert [d.status for d in res.documents] == ["replaced"], res
    got = store.to_graph([changed.documents[0].id])
    assert got.documents[0].title == "友谊县科学素质行动实施方案（修订）"
    assert got.documents[0].sha256 == "c" * 64
    names = {r[0] for r in store.run("MATCH (o:Organization) RETURN o.name AS n").rows}
    assert "友谊县各成员单位" not in names  # orphan removed
    assert "友谊县人民政府" not in names  # the unit of a post no longer named
    assert "中国科学技术协会" in names  # still used by both
    assert "友谊县科学素质工作领导小组" in names  # named by a membership only
    cited = {r[0] for r in store.run("MATCH (c:CitedDocument) RETURN c.title AS t").rows}
    assert cited == {OUTLINE, "《临政字专项规划》"}  # 友政发's own citation gone, the shared one kept
    expected = g.counts()
    expected["organizations"] -= 2
    expected["responsible_for"] -= 1
    expected["citations"] -= 1
    assert store.stats() == expected
    assert canonical(store.to_graph()) == canonical(Graph.union([
        Graph(**{k: [x for x in getattr(g, k) if getattr(x, "document_id", None) != changed.documents[0].id]
                 for k in ("sections", "actions", "tasks", "responsibilities", "targets", "people",
                           "memberships", "citations")},
              documents=[d for d in g.documents if d.id != changed.documents[0].id],
              organizations=[o for o in g.organizations
                             if o.name not in ("友谊县各成员单位", "友谊县人民政府")]),
        changed]))
    # the other document is untouched
    other = g.documents[0].id
    assert canonical(store.to_graph([other]))["responsibilities"] == canonical(
        Graph(responsibilities=[r for r in g.responsibilities if r.document_id == other]))["responsibilities"]


def test_a_failed_document_is_reported_and_rolled_back(store: Neo4jStore) -> None:
    g = sample_graph()
    bad = g.model_copy(deep=True)
    bad.tasks[0].action_id = "no-such-action"
    res = store.load(bad)
    statuses = {d.file: d.status for d in res.documents}
    failed = res.failed
    assert len(failed) == 1 and "no-such-action" in (failed[0].error or "")
    assert statuses[failed[0].file] == "failed"
    # nothing of the failed document was written, the other one was
    assert store.run("MATCH (d:Document {id: $id}) RETURN count(d) AS n",
                     {"id": failed[0].document_id}).rows == [[0]]
    assert store.stats()["documents"] == 1


def test_read_only_refuses_writes(store: Neo4jStore) -> None:
    store.load(sample_graph())
    before = store.stats()
    for cypher in ("MATCH (n) DETACH DELETE n", "CREATE (:Document {id: 'x'})",
                   "MATCH (o:Organization) SET o.name = 'x'", "merge (d:Document {id: 'x'})",
                   "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
                   "CALL apoc.load.json('http://127.0.0.1:9/') YIELD value RETURN value",
                   "MATCH (n:Document) CALL { WITH n SET n.x = 1 } RETURN count(n) AS n"):
        with pytest.raises(QueryRefused):
            store.run(cypher)
    assert store.stats() == before
    # words inside strings, comments, property names and parameters are not writes
    assert store.run("MATCH (t:Task) WHERE t.title CONTAINS 'DELETE' RETURN count(t) AS n").rows == [[0]]


def test_read_only_store_refuses_load_and_write(bolt_server: BoltServer) -> None:
    with Neo4jStore(**bolt_server.settings(), read_only=True) as ro:
        with pytest.raises(StoreError, match="read-only"):
            ro.load(sample_graph())
        with pytest.raises(StoreError, match="read-only"):
            ro.run("MATCH (n:Document) SET n.x = 1", write=True)
        assert ro.run("MATCH (n:Document) RETURN count(n) AS n").columns == ["n"]


def test_parameter_stays_data(store: Neo4jStore) -> None:
    store.load(sample_graph())
    before = store.stats()
    evil = "'}) DETACH DELETE n //"
    res = store.run("MATCH (o:Organization) WHERE o.name = $name RETURN o.id AS id", {"name": evil})
    assert res.rows == []
    res = store.run("MATCH (o:Organization {id: $id}) SET o.note = $note RETURN o.note AS note",
                    {"id": sample_graph().organizations[0].id, "note": evil}, write=True)
    assert res.rows == [[evil]]
    assert store.stats() == before


def test_rows_are_plain_python(store: Neo4jStore) -> None:
    store.load(sample_graph())
    res = store.run("MATCH (d:Document) RETURN d AS doc, d.jurisdiction_path AS path ORDER BY d.id LIMIT 1")
    assert res.columns == ["doc", "path"]
    doc, path = res.rows[0]
    assert isinstance(doc, dict) and isinstance(doc["title"], str)
    assert isinstance(path, list) and path[0] == "山东省"


def test_query_error_is_a_store_error(store: Neo4jStore) -> None:
    with pytest.raises(StoreError, match="query failed"):
        store.run("MATCH (n:Document RETURN n")


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


def test_bad_password_is_one_clear_error(bolt_server: BoltServer) -> None:
    if bolt_server.kind != "arcadedb":
        pytest.skip("only against the server started here")
    with pytest.raises(StoreError, match="NEO4J_PASSWORD"):
        Neo4jStore(uri=bolt_server.uri, user=bolt_server.user, password="wrong-password")


def test_bad_uri_is_one_clear_error() -> None:
    with pytest.raises(StoreError, match="NEO4J_URI"):
        Neo4jStore(uri="http://localhost:7474", user="neo4j", password="x")


@pytest.mark.skipif(importlib.util.find_spec("kg.store.embedded") is None,
                    reason="kg/store/embedded.py is not there yet")
def test_same_graph_in_embedded_and_neo4j(store: Neo4jStore, tmp_path) -> None:
    from kg.store.embedded import EmbeddedStore

    g = sample_graph()
    store.load(g)
    with EmbeddedStore(tmp_path / "db") as emb:
        emb.ensure_schema()
        emb.load(g)
        assert emb.stats() == store.stats() == g.counts()
        assert canonical(emb.to_graph()) == canonical(store.to_graph()) == canonical(g)


def _alignments(g: Graph) -> list[Alignment]:
    """Alignments from the 友谊县 plan to the 临沂 plan, one of each kind pair, and two unwritable ones."""
    (a1, a2), (b1, b2) = ([a.id for a in g.actions if a.document_id == d.id] for d in g.documents)
    (ta,), (tb,) = ([t.id for t in g.tasks if t.document_id == d.id] for d in g.documents)

    def al(i: int, s: str, sk: str, t: str, tk: str) -> Alignment:
        return Alignment(id=f"al-{i}", source_id=s, source_kind=sk, target_id=t, target_kind=tk,  # type: ignore[arg-type]
                         score=i / 10, method="title-bigram-cosine", evidence=f"科学素质 {i}")
    return [al(1, b1, "Action", a1, "Action"), al(2, tb, "Task", ta, "Task"), al(3, b2, "Action", ta, "Task"),
            al(4, tb, "Task", a2, "Action"), al(5, tb, "Task", "missing", "Task"), al(6, b1, "Task", ta, "Task")]


def test_replace_alignments(store: Neo4jStore) -> None:
    g = sample_graph()
    g.alignments = _alignments(g)
    store.load(g)
    assert store.stats()["alignments"] == 0  # load() leaves alignments alone
    first = _alignments(g)
    assert store.replace_alignments(first) == 4
    assert store.to_graph().alignments == first[:4]
    assert store.to_graph([g.documents[0].id]).alignments == []  # both ends must be in the documents
    assert store.stats() == {**g.counts(), "alignments": 4}
    second = [first[1].model_copy(update={"id": "al-9", "score": 0.99})]
    assert store.replace_alignments(second) == 1
    assert store.to_graph().alignments == second
    assert store.replace_alignments([]) == 0
    assert store.stats()["alignments"] == 0


def test_citation_finds_the_loaded_document(store: Neo4jStore) -> None:
    g = sample_graph()
    cited = "《临沂市科学素质行动实施方案》"
    later = g.documents[1].id
    g.citations.append(Citation(id="c-linyi", document_id=later, title=cited, key=title_key(cited),
                                cited_id=stable_id("cited", title_key(cited)), prov=_prov(later, 200, cited)))
    store.load(g)
    rows = store.run(
        "MATCH (d:Document)-[:CITES]->(c:CitedDocument) OPTIONAL MATCH (i:Document) WHERE i.title_key = c.key "
        "RETURN d.id AS citing, c.title AS cited, i.id AS loaded").rows
    assert [later, cited, g.documents[0].id] in rows
    assert [later, OUTLINE, None] in rows
    assert canonical(store.to_graph()) == canonical(g)


def test_dangling_target_or_membership_fails_the_document(store: Neo4jStore) -> None:
    g = sample_graph()
    g.targets[1].owner_id = "no-such-task"
    g.memberships[-1].unit_id = "no-such-unit"
    res = store.load(g)
    errors = " ".join(d.error or "" for d in res.failed)
    assert len(res.failed) == 2 and "no-such-task" in errors and "no-such-unit" in errors
    assert store.stats()["documents"] == 0


def test_documents_load_in_batches_and_a_failing_one_is_written_alone(store: Neo4jStore) -> None:
    """Many documents per transaction; when the server refuses one of them (here: a section id that
    another stored document already has, against the uniqueness constraint), the batch is rolled back
    and written again one document per transaction — the others load, the bad one leaves nothing."""
    g = sample_graph()
    store.load(g)
    assert not [n for n in store.notes if "kg_section_id" in n], store.notes  # the constraint is in force
    third = make_document("三政发", "某县科学素质行动实施方案", "友谊县", "e" * 64, [("县科技局", "LEADS")])
    fourth = make_document("四政发", "另一县科学素质行动实施方案", "友谊县", "f" * 64, [("县科协", "LEADS")])
    clash = fourth.sections[0].model_copy(update={"id": g.sections[0].id})
    fourth.sections[0] = clash
    fourth.actions[0] = fourth.actions[0].model_copy(update={"section_id": clash.id})
    batch = Graph.union([third, fourth])
    res = store.load(batch, batch_documents=10)
    statuses = {d.document_id: d.status for d in res.documents}
    assert statuses == {third.documents[0].id: "inserted", fourth.documents[0].id: "failed"}, res
    assert store.run("MATCH (d:Document {id: $id}) RETURN count(d) AS n",
                     {"id": fourth.documents[0].id}).rows == [[0]]
    got, want = canonical(store.to_graph([third.documents[0].id])), canonical(third)
    assert [o["id"] for o in got.pop("organizations")] == [o["id"] for o in want.pop("organizations")]
    assert got == want  # organizations shared with stored documents carry their aliases too
    expected = Graph.union([g, third]).counts()
    assert store.stats() == expected


def test_a_batch_load_equals_one_document_at_a_time(store: Neo4jStore, bolt_server: BoltServer) -> None:
    g = sample_graph()
    res = store.load(g, batch_documents=1)
    one_by_one = canonical(store.to_graph())
    store.run("MATCH (n) DETACH DELETE n", write=True)
    res2 = store.load(g, batch_documents=100)
    assert [d.status for d in res.documents] == [d.status for d in res2.documents] == ["inserted", "inserted"]
    assert canonical(store.to_graph()) == one_by_one == canonical(g)


def test_rewrite_writes_an_unchanged_document_anew(store: Neo4jStore) -> None:
    """A later file of one build holding a document an earlier file wrote: written anew, even unchanged."""
    g = sample_graph()
    store.load(g)
    moved = g.model_copy(deep=True)
    moved.documents[0].file = "moved.txt"
    assert [d.status for d in store.load(moved).documents] == ["unchanged", "unchanged"]
    res = store.load(moved, rewrite={moved.documents[0].id})
    assert [d.status for d in res.documents] == ["replaced", "unchanged"]
    assert canonical(store.to_graph()) == canonical(moved)


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
        assert canonical(emb.to_graph()) == canonical(store.to_graph())
