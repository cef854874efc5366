"""The embedded LadybugDB store, against a real database in tmp_path (no mocks)."""
from __future__ import annotations

import glob
import subprocess
import sys
import time
from pathlib import Path

import ladybug as lb
import pytest

from kg.cypher_guard import QueryRefused
from kg.errors import StoreError
from kg.ids import title_key
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
from kg.store.base import BulkLoadError
from kg.store.embedded import EmbeddedStore

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _p(doc: str, start: int, end: int, text: str) -> Provenance:
    return Provenance(document_id=doc, start=start, end=end, text=text)


def make_document(doc: str, sha: str = "aaa", tasks_per_action: int = 2, with_section: bool = True,
                  extras: bool = True) -> Graph:
    """One hand-made document: a section, two actions (one outside the section), tasks and roles;
    with extras, also targets (of the document, an action, a task), a leading group's people and
    memberships, and citations (one shared by every document, one of its own)."""
    d = Document(
        id=doc, title=f"{doc}科普行动方案", doc_number="临政字〔2022〕58号" if doc == "D1" else None,
        issuer="临沂市人民政府", date="2022-05-01", jurisdiction="临沂市",
        jurisdiction_path=["山东省", "临沂市"], level="市", based_on=["全民科学素质行动规划纲要（2021—2035年）"],
        file=f"{doc}.txt", sha256=sha, encoding="utf-8", format="txt", length=500,
        prov=_p(doc, 0, 500, "全文 with 'quotes', \"double\", back\\slash,\nnewline and ``ticks``"),
    )
    g = Graph(documents=[d])
    sec = Section(id=f"{doc}-s1", document_id=doc, ordinal=1, title="一、重点任务", prov=_p(doc, 10, 200, "一、重点任务"))
    if with_section:
        g.sections.append(sec)
    for ai in (1, 2):
        a = Action(
            id=f"{doc}-a{ai}", document_id=doc, section_id=sec.id if (with_section and ai == 1) else None,
            ordinal=ai, number=f"（{'一二'[ai - 1]}）" if ai == 1 else None, title=f"行动{ai}",
            prov=_p(doc, 20 * ai, 20 * ai + 15, f"（{ai}）行动{ai}"),
        )
        g.actions.append(a)
        for ti in range(1, tasks_per_action + 1):
            g.tasks.append(Task(
                id=f"{a.id}-t{ti}", document_id=doc, action_id=a.id, ordinal=ti,
                number=f"{ti}." if ti % 2 else None, title="" if ti == 2 else f"任务{ti}",
                prov=_p(doc, 100 + ti, 110 + ti, f"{ti}. 任务,\"{ti}\""),
            ))
    g.responsibilities.append(Responsibility(
        id=f"{doc}-r1", role="LEADS", qualifier="牵头", organization_id="ORG-edu", target_id=f"{doc}-a1",
        target_kind="Action", document_id=doc, mention="市教育局", prov=_p(doc, 40, 50, "（市教育局牵头）"),
    ))
    for t in g.tasks:
        g.responsibilities.append(Responsibility(
            id=f"{t.id}-r", role="RESPONSIBLE_FOR", qualifier="负责", organization_id="ORG-sci" if doc == "D1" else "ORG-edu",
            target_id=t.id, target_kind="Task", document_id=doc, mention="市科协" if doc == "D1" else "教育局",
            deadline="2022年底前" if t.ordinal == 1 else None, prov=_p(doc, t.prov.start, t.prov.end, "（市科协负责）"),
        ))
    orgs = [Organization(id="ORG-edu", name="临沂市教育局", jurisdiction="临沂市", jurisdiction_path=["山东省", "临沂市"],
                         sector="教育", aliases=["市教育局"] if doc == "D1" else ["教育局"])]
    if doc == "D1":
        orgs.append(Organization(id="ORG-sci", name="临沂市科学技术协会", jurisdiction="临沂市", sector=None,
                                 collective=False, aliases=["市科协"]))
    if extras:
        add_extras(g, doc, orgs)
    g.organizations = orgs
    return g


def add_extras(g: Graph, doc: str, orgs: list[Organization]) -> None:
    """Targets, people, memberships and citations of one document (orgs gets the ones they name)."""
    g.targets += [
        Target(id=f"{doc}-g1", document_id=doc, owner_id=doc, owner_kind="Document", text="到2025年达到15%",
               value=15.0, unit="%", comparator="达到", deadline="到2025年", prov=_p(doc, 5, 17, "到2025年达到15%")),
        Target(id=f"{doc}-g2", document_id=doc, owner_id=f"{doc}-a1", owner_kind="Action", text="培育1.5万人次以上",
               value=15000.0, unit="人次", comparator="以上", period="每年", prov=_p(doc, 25, 35, "培育1.5万人次以上")),
        Target(id=f"{doc}-g3", document_id=doc, owner_id=f"{doc}-a1-t1", owner_kind="Task", text="不少于3期",
               value=3.0, unit=None, comparator="不少于", prov=_p(doc, 102, 107, "不少于3期")),
    ]
    g.people += [
        Person(id=f"{doc}-p1", name="王屾", document_id=doc, prov=_p(doc, 400, 417, "组  长：王  屾  市政府副市长")),
        Person(id=f"{doc}-p2", name="李明", document_id=doc, prov=_p(doc, 418, 430, "成  员：李明  '局长'")),
    ]
    g.memberships += [
        Membership(id=f"{doc}-m1", person_id=f"{doc}-p1", group_id="ORG-group", role="组长", post="市政府副市长",
                   post_title="副市长", unit_id="ORG-gov", document_id=doc, prov=_p(doc, 400, 417, "组  长：王  屾  市政府副市长")),
        Membership(id=f"{doc}-m2", person_id=f"{doc}-p2", group_id="ORG-group", role="成员", post="局长",
                   post_title=None, unit_id=None, document_id=doc, prov=_p(doc, 418, 430, "成  员：李明  '局长'")),
    ]
    if doc == "D1":  # a post unit only D1 names
        g.memberships.append(Membership(
            id=f"{doc}-m3", person_id=f"{doc}-p2", group_id="ORG-group", role="成员", post="市档案馆馆长",
            post_title="馆长", unit_id="ORG-archive", document_id=doc, prov=_p(doc, 431, 440, "市档案馆馆长")))
        orgs.append(Organization(id="ORG-archive", name="临沂市档案馆", jurisdiction="临沂市", aliases=["市档案馆"]))
    orgs += [Organization(id="ORG-group", name="临沂市全民科学素质工作领导小组", jurisdiction="临沂市",
                          collective=False, aliases=["领导小组"]),
             Organization(id="ORG-gov", name="临沂市人民政府", jurisdiction="临沂市", aliases=["市政府"])]
    shared = "全民科学素质行动规划纲要（2021—2035年）" if doc == "D1" else "《全民科学素质行动规划纲要(2021-2035年)》"
    own = f"{doc}专项规划"
    g.citations += [
        Citation(id=f"{doc}-c1", document_id=doc, title=shared, key=title_key(shared), cited_id="CITED-outline",
                 prov=_p(doc, 60, 60 + len(shared), shared)),
        Citation(id=f"{doc}-c2", document_id=doc, title=own, key=title_key(own), cited_id=f"CITED-{doc}",
                 prov=_p(doc, 90, 90 + len(own), own)),
    ]


def make_graph() -> Graph:
    """Two documents sharing the organization ORG-edu (aliases differ per document)."""
    return make_document("D1").merge(make_document("D2", sha="bbb", with_section=False))


def by_id(g: Graph) -> Graph:
    """The graph with every list sorted by id: the order to_graph returns."""
    return Graph(**{k: sorted(getattr(g, k), key=lambda x: x.id) for k in Graph.model_fields})


@pytest.fixture
def store(tmp_path: Path):
    s = EmbeddedStore(tmp_path / "kg.db")
    yield s
    s.close()


@pytest.mark.parametrize("method", ["copy", "unwind"])
def test_round_trip_equal(tmp_path: Path, method: str) -> None:
    g = make_graph()
    with EmbeddedStore(tmp_path / "kg.db") as s:
        res = s.load(g, method=method)
        assert [d.status for d in res.documents] == ["inserted", "inserted"]
        assert s.to_graph() == by_id(g)
        assert s.stats() == g.counts()
        one = s.to_graph(["D2"])
        assert [d.id for d in one.documents] == ["D2"]
        assert {o.id for o in one.organizations} == {"ORG-edu", "ORG-group", "ORG-gov"}  # roles and memberships
        d2 = by_id(make_document("D2", sha="bbb", with_section=False))
        for key in ("tasks", "targets", "people", "memberships", "citations"):
            assert getattr(one, key) == getattr(d2, key), key
        # the Document knows the key a citation of it would carry
        assert s.run("MATCH (d:Document {id: 'D1'}) RETURN d.title_key").rows == [[title_key("D1科普行动方案")]]
        assert s.run("MATCH (c:CitedDocument) RETURN c.id, c.key, c.title ORDER BY c.id").rows == [
            ["CITED-D1", "D1专项规划", "D1专项规划"], ["CITED-D2", "D2专项规划", "D2专项规划"],
            ["CITED-outline", "全民科学素质行动规划纲要(2021-2035年)", "全民科学素质行动规划纲要（2021—2035年）"]]


def test_reopen_and_read_only(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "kg.db") as s:
        s.load(make_graph())
    with EmbeddedStore(tmp_path / "kg.db", read_only=True) as ro:
        assert ro.to_graph() == by_id(make_graph())
        for stmt in ("MATCH (d:Document) DETACH DELETE d", "CREATE (o:Organization {id: 'x'})",
                     "MATCH (o:Organization) SET o.name = 'x'", "COPY Task FROM 'x.csv'"):
            with pytest.raises(QueryRefused):
                ro.run(stmt)
        with pytest.raises(StoreError):
            ro.run("MATCH (d:Document) DETACH DELETE d", write=True)
        with pytest.raises(StoreError):
            ro.load(make_graph())
        assert ro.stats()["documents"] == 2


def test_run_refuses_writes_without_write(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.load(make_graph())
    with pytest.raises(QueryRefused, match="DETACH"):
        store.run("MATCH (t:Task) DETACH DELETE t")
    # with the guard switched off, the read-only transaction still refuses the write
    import kg.store.embedded as emb

    monkeypatch.setattr(emb, "check_read_only", lambda cypher: [])
    with pytest.raises(QueryRefused, match="refused by the database"):
        store.run("MATCH (t:Task) DETACH DELETE t")
    monkeypatch.undo()
    assert store.stats()["tasks"] == 8
    # keywords inside strings, comments and quoted names are data, not writes
    r = store.run("// CREATE nothing\nMATCH (d:Document) WHERE d.title <> 'DELETE me' RETURN d.id AS `set` ORDER BY d.id")
    assert r.columns == ["set"] and r.rows == [["D1"], ["D2"]]
    r = store.run("MATCH (d:Document {id: $id}) SET d.title = $t RETURN d.title", {"id": "D1", "t": "新"}, write=True)
    assert r.rows == [["新"]]


def test_run_plain_values_and_unused_params(store: EmbeddedStore) -> None:
    store.load(make_graph())
    r = store.run(
        "MATCH (o:Organization {id: $id}) RETURN o.name AS name, o.aliases AS aliases, o.collective AS c, "
        "o.sector IS NULL AS nosector, size(o.aliases) AS n",
        {"id": "ORG-edu", "unused": 1, "limit": 5},
    )
    assert r.records() == [{"name": "临沂市教育局", "aliases": ["市教育局", "教育局"], "c": False, "nosector": False, "n": 2}]
    with pytest.raises(StoreError, match=r"\$id"):
        store.run("MATCH (o:Organization {id: $id}) RETURN o.name")


def test_injection_parameter_is_data(store: EmbeddedStore) -> None:
    store.load(make_graph())
    evil = "'}) DETACH DELETE n //"
    r = store.run("MATCH (n:Organization) WHERE n.id = $id RETURN n.id", {"id": evil})
    assert r.rows == []
    r = store.run("MATCH (n:Organization {id: $id}) SET n.name = $id RETURN n.name", {"id": "ORG-sci"}, write=True)
    store.run("MATCH (n:Organization {id: $id}) SET n.name = $name", {"id": "ORG-sci", "name": evil}, write=True)
    assert store.run("MATCH (n:Organization {id: 'ORG-sci'}) RETURN n.name").rows == [[evil]]
    # and as loaded data
    g = make_document("D9", sha="z")
    g.documents[0].title = evil
    g.tasks[0].title = evil
    store.load(g)
    assert store.stats()["documents"] == 3
    assert store.run("MATCH (d:Document {id: 'D9'}) RETURN d.title").rows == [[evil]]


def test_load_twice_is_unchanged(store: EmbeddedStore) -> None:
    g = make_graph()
    store.load(g)
    seen = []
    res = store.load(g, on_document=seen.append)
    assert [d.status for d in res.documents] == ["unchanged", "unchanged"]
    assert [d.document_id for d in seen] == ["D1", "D2"]
    assert store.stats() == g.counts()
    assert store.to_graph() == by_id(g)


@pytest.mark.parametrize("method", ["copy", "unwind"])
def test_changed_document_is_replaced(tmp_path: Path, method: str) -> None:
    with EmbeddedStore(tmp_path / "kg.db") as store:
        store.load(make_graph(), method=method)
        # D1 again, new bytes, fewer tasks, no section, and ORG-sci no longer named anywhere;
        # ORG-archive (a post unit only D1 named), D1's own citation and a target are gone too
        new = make_document("D1", sha="ccc", tasks_per_action=1, with_section=False)
        for r in new.responsibilities:
            r.organization_id = "ORG-edu"
        new.memberships = [m for m in new.memberships if m.unit_id != "ORG-archive"]
        new.citations = [c for c in new.citations if c.cited_id != "CITED-D1"]
        new.targets = new.targets[:2]
        new.organizations = [o for o in new.organizations if o.id not in ("ORG-sci", "ORG-archive")]
        res = store.load(new, method=method)
        assert [(d.document_id, d.status) for d in res.documents] == [("D1", "replaced")]
        want = by_id(make_document("D2", sha="bbb", with_section=False).merge(new))
        got = store.to_graph()
        assert got.organizations[0].aliases == ["市教育局", "教育局"]
        assert got == want
        assert store.stats() == want.counts()
        assert store.run("MATCH (o:Organization {id: 'ORG-sci'}) RETURN count(o)").rows == [[0]]
        assert store.run("MATCH (o:Organization {id: 'ORG-archive'}) RETURN count(o)").rows == [[0]]
        assert store.run("MATCH (c:CitedDocument) RETURN c.id ORDER BY c.id").rows == [["CITED-D2"], ["CITED-outline"]]
        assert [t.id for t in got.targets] == ["D1-g1", "D1-g2", "D2-g1", "D2-g2", "D2-g3"]
        assert store.run("MATCH (d:Document {id: 'D1'}) RETURN d.sha256").rows == [["ccc"]]


@pytest.mark.parametrize("method", ["copy", "unwind"])
@pytest.mark.parametrize("batch", [1, 10])
def test_failing_document_leaves_nothing(tmp_path: Path, method: str, batch: int) -> None:
    with EmbeddedStore(tmp_path / "kg.db") as store:
        store.load(make_document("D1"), method=method)
        # D2 reuses a task id of D1: the database's primary-key constraint fails it midway,
        # after its document, sections, actions and some tasks were written in the transaction
        bad = make_document("D2", sha="bbb")
        bad.tasks[-1].id = "D1-a1-t1"
        for r in bad.responsibilities:
            if r.target_id == "D2-a2-t2":
                r.target_id = "D1-a1-t1"
        g = bad.merge(make_document("D3", sha="ddd")).merge(make_document("D4", sha="eee"))
        res = store.load(g, method=method, batch_documents=batch)
        status = {d.document_id: d.status for d in res.documents}
        assert status == {"D2": "failed", "D3": "inserted", "D4": "inserted"}
        err = res.failed[0].error
        assert "D2.txt" in err and "D1-a1-t1" in err
        ids = [r[0] for r in store.run("MATCH (n:Task) WHERE n.document_id = 'D2' RETURN n.id").rows]
        assert ids == []
        for label in ("Document", "Section", "Action", "Task"):
            key = "id" if label == "Document" else "document_id"
            assert store.run(f"MATCH (n:{label}) WHERE n.{key} = 'D2' RETURN count(n)").rows == [[0]]
        assert store.run("MATCH ()-[e:RESPONSIBLE_FOR]->() WHERE e.document_id = 'D2' RETURN count(e)").rows == [[0]]
        want = by_id(make_document("D1").merge(make_document("D3", sha="ddd")).merge(make_document("D4", sha="eee")))
        got = store.to_graph()
        assert got == want


def test_copy_carries_any_text_and_lists(tmp_path: Path) -> None:
    """COPY goes through Arrow tables: quotes, commas, brackets, newlines, edge spaces and empty
    strings arrive as written, in lists too, exactly as UNWIND writes them."""
    odd = ["a,b", "[x]", " lead", "trail ", "", "q\"u'o", "back\\slash", "new\nline", "{m: 1}", "NULL", "全角，、"]
    graphs = []
    for method in ("copy", "unwind"):
        g = make_graph()
        g.documents[0].based_on = odd
        g.documents[1].jurisdiction_path = odd[:3]
        g.organizations[0].aliases = sorted(odd)
        g.organizations[0].jurisdiction_path = []
        g.organizations[1].sector = ""
        g.tasks[0].title = "line one\r\nline two, \"quoted\""
        with EmbeddedStore(tmp_path / method) as s:
            s.load(g, method=method)
            graphs.append(s.to_graph())
        assert graphs[-1] == by_id(g)
    assert graphs[0] == graphs[1]


def test_bulk_block_is_one_transaction(tmp_path: Path) -> None:
    """Loads inside bulk() commit together at the end of the block, the same store as one load."""
    with EmbeddedStore(tmp_path / "one") as one:
        one.load(make_graph().merge(make_document("D3", sha="ddd")), method="copy")
        want = one.to_graph()
    with EmbeddedStore(tmp_path / "bulk") as store:
        seen: list[str] = []
        with store.bulk():
            store.load(make_document("D1"), lambda r: seen.append(r.status))
            store.load(make_document("D2", sha="bbb", with_section=False).merge(make_document("D3", sha="ddd")),
                       lambda r: seen.append(r.status))
        assert seen == ["inserted"] * 3
        assert store.to_graph() == want
        with store.bulk():  # again: unchanged, nothing written
            res = store.load(make_graph())
        assert [d.status for d in res.documents] == ["unchanged", "unchanged"]
        assert store.to_graph() == want


def test_a_failing_bulk_block_keeps_nothing(tmp_path: Path) -> None:
    """A write failing inside bulk() rolls the whole block back and raises BulkLoadError; loading the
    same graphs outside bulk() then fails that document alone."""
    bad = make_document("D2", sha="bbb")
    bad.tasks[-1].id = "D1-a1-t1"  # taken by D1: the primary key refuses it
    for r in bad.responsibilities:
        if r.target_id == "D2-a2-t2":
            r.target_id = "D1-a1-t1"
    with EmbeddedStore(tmp_path / "kg.db") as store:
        store.load(make_document("D1"))  # committed before the block (UNWIND: not checkpointed yet)
        before = store.to_graph()
        with pytest.raises(BulkLoadError):
            with store.bulk():
                store.load(make_document("D3", sha="ddd"))
                store.load(bad)
        assert store.to_graph() == before
        with pytest.raises(BulkLoadError):  # a failure the caller swallows still sinks the block
            with store.bulk():
                store.load(make_document("D3", sha="ddd"))
                try:
                    store.load(bad)
                except BulkLoadError:
                    pass
        assert store.to_graph() == before
        res = store.load(make_document("D3", sha="ddd").merge(bad), batch_documents=10, method="copy")
        assert [(d.document_id, d.status) for d in res.documents] == [("D3", "inserted"), ("D2", "failed")]
        assert store.to_graph() == by_id(make_document("D1").merge(make_document("D3", sha="ddd")))


def test_copy_failing_after_uncheckpointed_writes(tmp_path: Path) -> None:
    """A COPY transaction that fails right after a write not yet checkpointed is rolled back cleanly
    (Ladybug 0.22 aborts the process there unless the store checkpoints first)."""
    with EmbeddedStore(tmp_path / "kg.db") as store:
        store.run("CREATE (:Task {id: 'D2-a1-t1', document_id: 'elsewhere', action_id: 'x', ordinal: 1, "
                  "title: 't', start: 0, `end`: 1, text: 't'})", write=True)
        res = store.load(make_graph().merge(make_document("D3", sha="ddd")), batch_documents=10, method="copy")
        assert [(d.document_id, d.status) for d in res.documents] == [("D1", "inserted"), ("D2", "failed"),
                                                                      ("D3", "inserted")]
        assert store.stats()["documents"] == 2


def test_rewrite_writes_an_unchanged_document_anew(store: EmbeddedStore) -> None:
    store.load(make_graph())
    again = make_document("D1")
    again.documents[0].file = "copy-of-D1.txt"
    assert [d.status for d in store.load(again).documents] == ["unchanged"]
    assert store.run("MATCH (d:Document {id: 'D1'}) RETURN d.file").rows == [["D1.txt"]]
    res = store.load(again, rewrite={"D1"})
    assert [d.status for d in res.documents] == ["replaced"]
    assert store.run("MATCH (d:Document {id: 'D1'}) RETURN d.file").rows == [["copy-of-D1.txt"]]
    assert store.to_graph() == by_id(make_document("D2", sha="bbb", with_section=False).merge(again))


def test_dangling_reference_fails_document(store: EmbeddedStore) -> None:
    g = make_document("D1")
    g.tasks[0].action_id = "nope"
    res = store.load(g.merge(make_document("D2", sha="b")))
    assert [(d.document_id, d.status) for d in res.documents] == [("D1", "failed"), ("D2", "inserted")]
    assert "nope" in res.documents[0].error


def test_schema_is_idempotent(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "kg.db") as s:
        s.load(make_graph())
        s.ensure_schema()
    with EmbeddedStore(tmp_path / "kg.db") as s:
        assert s.stats()["documents"] == 2


def test_not_a_store(tmp_path: Path) -> None:
    other = tmp_path / "project"
    other.mkdir()
    (other / "notes.txt").write_text("x")
    with pytest.raises(StoreError, match=r"project.*not a kg store.*--db"):
        EmbeddedStore(other)
    f = tmp_path / "file.db"
    f.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        EmbeddedStore(f)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "graph.lbug").write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match="broken"):
        EmbeddedStore(broken)
    with pytest.raises(StoreError, match="kg build"):
        EmbeddedStore(tmp_path / "missing", read_only=True)


def test_seed_corpus_round_trip(tmp_path: Path) -> None:
    loaders = pytest.importorskip("kg.loaders")
    parse_file = getattr(loaders, "parse_file", None)
    if parse_file is None:
        pytest.skip("kg.loaders.parse_file not available yet")
    g = Graph()
    for f in sorted(glob.glob(str(SEEDS / "*.txt"))):
        g = g.merge(parse_file(f))
    with EmbeddedStore(tmp_path / "kg.db") as s:
        res = s.load(g)
        assert not res.failed, res.failed
        st = s.stats()
        assert st["documents"] == 5 and st["tasks"] > 0 and st["organizations"] > 0
        assert st["leads"] + st["responsible_for"] > 0
        assert s.to_graph() == by_id(g)


def alignments_first() -> list[Alignment]:
    """Three alignments D2 → D1 (Action→Action, Task→Task, Action→Task) and two that cannot be written."""
    def al(i: str, s: str, sk: str, t: str, tk: str, score: float) -> Alignment:
        return Alignment(id=f"AL-{i}", source_id=s, source_kind=sk, target_id=t, target_kind=tk,  # type: ignore[arg-type]
                         score=score, method="title-bigram-cosine", evidence=f"共同 '{i}'")
    return [
        al("1", "D2-a1", "Action", "D1-a1", "Action", 0.91),
        al("2", "D2-a1-t1", "Task", "D1-a1-t1", "Task", 0.5),
        al("3", "D2-a2", "Action", "D1-a1-t2", "Task", 1.0),
        al("4", "D2-a1", "Action", "NOPE", "Action", 0.7),  # missing endpoint
        al("5", "D2-a1", "Task", "D1-a1", "Action", 0.7),  # D2-a1 is an action, not a task
    ]


def test_replace_alignments(store: EmbeddedStore) -> None:
    g = make_graph()
    g.alignments = alignments_first()
    store.load(g)
    assert store.stats()["alignments"] == 0  # load() leaves alignments alone
    assert store.replace_alignments(alignments_first()) == 3
    assert store.stats()["alignments"] == 3
    want = [a for a in alignments_first() if a.id in ("AL-1", "AL-2", "AL-3")]
    assert store.to_graph().alignments == want
    assert store.to_graph(["D1", "D2"]).alignments == want
    assert store.to_graph(["D2"]).alignments == []  # only alignments with both ends in the documents
    second = [Alignment(id="AL-9", source_id="D1-a2-t1", source_kind="Task", target_id="D2-a2", target_kind="Action",
                        score=0.25, method="m", evidence="e")]
    assert store.replace_alignments(second) == 1
    assert store.to_graph().alignments == second
    assert store.stats() == {**g.counts(), "alignments": 1}
    assert store.replace_alignments([]) == 0
    assert store.stats()["alignments"] == 0


def test_replaced_document_drops_its_alignments(store: EmbeddedStore) -> None:
    store.load(make_graph())
    assert store.replace_alignments(alignments_first()) == 3
    store.load(make_document("D2", sha="new", with_section=False))
    assert store.to_graph().alignments == []  # its actions and tasks were rewritten: alignments are recomputed


def test_citation_finds_the_loaded_document(store: EmbeddedStore) -> None:
    g = make_graph()
    cited = "《D1科普行动方案》"
    g.citations.append(Citation(id="D2-c3", document_id="D2", title=cited, key=title_key(cited),
                                cited_id="CITED-d1", prov=_p("D2", 300, 310, cited)))
    store.load(g)
    r = store.run(
        "MATCH (d:Document)-[:CITES]->(c:CitedDocument) OPTIONAL MATCH (i:Document) WHERE i.title_key = c.key "
        "RETURN d.id AS citing, c.title AS cited, i.id AS loaded ORDER BY citing, cited")
    assert ["D2", cited, "D1"] in r.rows
    assert ["D1", "D1专项规划", None] in r.rows
    assert store.to_graph() == by_id(g)


def test_dangling_target_and_membership_fail_the_document(store: EmbeddedStore) -> None:
    g = make_document("D1")
    g.targets[1].owner_id = "D1-nope"
    h = make_document("D2", sha="b")
    h.memberships[0].group_id = "ORG-missing"
    k = make_document("D3", sha="c")
    k.memberships[0].person_id = "D3-nobody"
    res = store.load(g.merge(h).merge(k).merge(make_document("D4", sha="d")))
    status = {d.document_id: (d.status, d.error or "") for d in res.documents}
    assert status["D1"][0] == "failed" and "D1-nope" in status["D1"][1]
    assert status["D2"][0] == "failed" and "ORG-missing" in status["D2"][1]
    assert status["D3"][0] == "failed" and "D3-nobody" in status["D3"][1]
    assert status["D4"][0] == "inserted"
    assert store.stats()["targets"] == 3 and store.stats()["people"] == 2


def test_old_store_gets_title_key(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "kg.db") as s:
        s.load(make_graph())
        s.run("ALTER TABLE Document DROP title_key", write=True)  # as a store written before title_key
    with EmbeddedStore(tmp_path / "kg.db") as s:
        assert s.run("MATCH (d:Document) RETURN d.id, d.title_key ORDER BY d.id").rows == [
            ["D1", "D1科普行动方案"], ["D2", "D2科普行动方案"]]
        assert s.to_graph() == by_id(make_graph())


# a writer that commits 20000 cited-document placeholders and checkpoints, again and again, until it is killed
CHECKPOINTING_WRITER = """
import sys, ladybug as lb
conn = lb.Connection(lb.Database(sys.argv[1]))
for i in range(10 ** 6):
    conn.execute("UNWIND range(1, 20000) AS k CREATE (:CitedDocument {id: 'w' + string($i) + '-' + string(k)})", {"i": i})
    conn.execute("CHECKPOINT")
"""


def _kill_during_checkpoint(path: Path) -> bool:
    """Run the writer and SIGKILL it while a checkpoint is under way; True if that left the store in
    the state read-only opens refuse (a checkpoint to recover)."""
    shadow = path / "graph.lbug.shadow"
    writer = subprocess.Popen([sys.executable, "-c", CHECKPOINTING_WRITER, str(path / "graph.lbug")])
    deadline = time.monotonic() + 120
    try:
        while not shadow.exists():
            assert writer.poll() is None, "the writer stopped by itself"
            assert time.monotonic() < deadline, "no checkpoint seen in 120 s"
            time.sleep(0.0002)
    finally:
        writer.kill()
        writer.wait()
    try:
        lb.Database(str(path / "graph.lbug"), read_only=True).close()
    except RuntimeError as e:
        assert "checkpoint recovery is pending" in str(e)
        return True
    return False


def test_read_only_open_after_kill_during_checkpoint(tmp_path: Path) -> None:
    """kill -9 in the middle of a checkpoint: read-only opens used to fail with "another kg process is
    writing it" although none was; now they finish the checkpoint and open, with every committed
    transaction whole."""
    path = tmp_path / "kg.db"
    with EmbeddedStore(path) as s:
        s.load(make_graph())
    for _attempt in range(5):
        if _kill_during_checkpoint(path):
            break
    else:
        pytest.fail("could not kill the writer in the middle of a checkpoint")
    with EmbeddedStore(path, read_only=True) as ro:
        assert ro.stats()["documents"] == 2
        assert ro.to_graph().documents == by_id(make_graph()).documents
        n = ro.run("MATCH (c:CitedDocument) WHERE c.id STARTS WITH 'w' RETURN count(c) AS n").rows[0][0]
        assert n % 20000 == 0  # whole transactions only
    assert sorted(x.name for x in path.iterdir()) == ["graph.lbug"]
