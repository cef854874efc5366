"""The embedded LadybugDB store, against a real database in tmp_path (no mocks): what it alone does —
its two write paths (COPY from Arrow tables, UNWIND statements), bulk() as one transaction, checkpoints,
its folder. What every store must do is in test_store_contract.py, on the same fixture graph."""
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
from kg.model import Graph
from kg.store.base import BulkLoadError
from kg.store.embedded import EmbeddedStore
from store_fixture import assert_counts_right, by_id, changed_d1, clashing_d2, make_d2, make_document, make_graph

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def store(tmp_path: Path):
    s = EmbeddedStore(tmp_path / "kg.db")
    yield s
    s.close()


@pytest.mark.slow
def test_copy_round_trip_equal(tmp_path: Path) -> None:
    """Written by COPY from Arrow tables, the graph reads back equal (the contract tests write by UNWIND,
    the default for graphs this small)."""
    g = make_graph()
    with EmbeddedStore(tmp_path / "kg.db") as s:
        res = s.load(g, method="copy")
        assert [d.status for d in res.documents] == ["inserted", "inserted"]
        assert s.to_graph() == by_id(g)
        assert s.stats() == g.counts()
        one = s.to_graph(["D2"])
        d2 = by_id(make_d2())
        for key in ("actions", "tasks", "responsibilities", "targets", "people", "memberships", "citations"):
            assert getattr(one, key) == getattr(d2, key), key


def test_the_database_refuses_a_write_the_guard_passes(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read runs in a read-only transaction: with the guard switched off, LadybugDB still refuses a write."""
    store.load(make_graph())
    import kg.store.embedded as emb

    monkeypatch.setattr(emb, "check_read_only", lambda cypher: [])
    with pytest.raises(QueryRefused, match="refused by the database"):
        store.run("MATCH (t:Task) DETACH DELETE t")
    monkeypatch.undo()
    assert store.stats() == make_graph().counts()


@pytest.mark.slow
def test_copy_replaces_a_changed_document(tmp_path: Path) -> None:
    """A changed document replaced by COPY writes (the contract tests replace by UNWIND)."""
    with EmbeddedStore(tmp_path / "kg.db") as store:
        store.load(make_graph(), method="copy")
        new = changed_d1()
        res = store.load(new, method="copy")
        assert [(d.document_id, d.status) for d in res.documents] == [("D1", "replaced")]
        want = by_id(make_d2().merge(new))
        got = store.to_graph()
        assert got.organizations[0].aliases == ["市教育局", "教育局"]
        assert got == want
        assert store.stats() == want.counts()
        assert store.run("MATCH (o:Organization {id: 'ORG-sci'}) RETURN count(o)").rows == [[0]]
        assert store.run("MATCH (o:Organization {id: 'ORG-archive'}) RETURN count(o)").rows == [[0]]
        assert store.run("MATCH (c:CitedDocument) RETURN c.id ORDER BY c.id").rows == [["CITED-D2"], ["CITED-outline"]]
        assert [t.id for t in got.targets] == ["D1-g1", "D1-g2", "D2-g1", "D2-g2", "D2-g3"]


# batch 1 with UNWIND, the default, is the contract's test_a_document_the_database_refuses_fails_alone_and_leaves_nothing
@pytest.mark.parametrize("batch,method", [pytest.param(1, "copy", marks=pytest.mark.slow),
                                          pytest.param(10, "copy", marks=pytest.mark.slow), (10, "unwind")])
def test_failing_document_leaves_nothing(tmp_path: Path, method: str, batch: int) -> None:
    """A document the primary key refuses midway, written by COPY or in a batch of new documents: rolled
    back, retried alone, it fails and leaves nothing; the others load."""
    with EmbeddedStore(tmp_path / "kg.db") as store:
        store.load(make_document("D1"), method=method)
        bad = clashing_d2()
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_bulk_block_is_one_transaction(tmp_path: Path) -> None:
    """Loads inside bulk() commit together at the end of the block, the same store as one load."""
    with EmbeddedStore(tmp_path / "one") as one:
        one.load(make_graph().merge(make_document("D3", sha="ddd")), method="copy")
        want = one.to_graph()
    with EmbeddedStore(tmp_path / "bulk") as store:
        seen: list[str] = []
        with store.bulk():
            store.load(make_document("D1"), lambda r: seen.append(r.status))
            store.load(make_d2().merge(make_document("D3", sha="ddd")),
                       lambda r: seen.append(r.status))
        assert seen == ["inserted"] * 3
        assert store.to_graph() == want
        with store.bulk():  # again: unchanged, nothing written
            res = store.load(make_graph())
        assert [d.status for d in res.documents] == ["unchanged", "unchanged"]
        assert store.to_graph() == want


@pytest.mark.slow
def test_a_failing_bulk_block_keeps_nothing(tmp_path: Path) -> None:
    """A write failing inside bulk() rolls the whole block back and raises BulkLoadError; loading the
    same graphs outside bulk() then fails that document alone."""
    bad = clashing_d2()  # a task id taken by D1: the primary key refuses it
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


@pytest.mark.slow
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


def test_not_a_store(tmp_path: Path) -> None:
    other = tmp_path / "project"
    other.mkdir()
    (other / "notes.txt").write_text("x")
    with pytest.raises(StoreError, match=r"project.*not a kg store"):
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
    with pytest.raises(StoreError, match="no kg store at") as info:
        EmbeddedStore(tmp_path / "missing", read_only=True)
    assert info.value.advice is not None and info.value.advice.kind == "build"  # the CLI says: run kg build


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


@pytest.mark.slow
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


def test_a_store_written_before_named_in_gets_its_links_on_open(tmp_path: Path) -> None:
    """NAMED_IN (the aliases each document gives an organization) is new: a store without it gets one link
    per organization and document naming it, with every alias the organization has, and forgets the
    aliases of a document removed after that only where other documents do not give them (here they do)."""
    with EmbeddedStore(tmp_path / "kg.db") as store:
        store.load(make_graph())
        store.run("DROP TABLE NAMED_IN", write=True)
    with EmbeddedStore(tmp_path / "kg.db") as store:
        links = store.run("MATCH (o:Organization)-[n:NAMED_IN]->(d:Document) RETURN o.id, d.id, n.aliases ORDER BY o.id, d.id")
        assert ["ORG-edu", "D1", ["市教育局", "教育局"]] in links.rows and len(links.rows) == 9
        store.remove(["D2"])
        assert store.run("MATCH (o:Organization {id: 'ORG-edu'}) RETURN o.aliases").rows == [[["市教育局", "教育局"]]]


@pytest.mark.slow
@pytest.mark.parametrize("first", ["copy", "unwind"])
def test_a_bulk_block_mixing_copy_and_unwind_loads_commits_whole(tmp_path: Path, first: str) -> None:
    """Inside one bulk() block, documents written by COPY and others that alone would be written by UNWIND
    (a replacement, a small load) go in together: Ladybug 0.22 corrupts a node table's primary-key index
    when a COPY into it follows a CREATE in the same transaction ("Primary-key index contains an invalid
    local node offset"), and rolling that back left the index broken for the next read."""
    with EmbeddedStore(tmp_path / "one") as one:
        one.load(make_graph().merge(make_document("D3", sha="ddd")))
        one.load(changed_d1())
        want = one.to_graph()
    with EmbeddedStore(tmp_path / "kg.db") as store:
        rolled_back: list[str] = []
        rollback = store._rollback
        store._rollback = lambda: (rolled_back.append("rollback"), rollback())[1]  # type: ignore[method-assign]
        with store.bulk():
            store.load(make_graph(), method=first)  # type: ignore[arg-type]
            res = store.load(changed_d1(), rewrite={"D1"})  # D1 again, written earlier in this block
            store.load(make_document("D3", sha="ddd"), method="copy")
        assert [d.status for d in res.documents] == ["replaced"]
        assert not rolled_back
        assert store.to_graph() == want
        assert_counts_right(store)


@pytest.mark.slow
def test_a_failing_bulk_block_that_copied_leaves_the_store_readable(tmp_path: Path) -> None:
    """A block on a store that holds documents, whose second COPY into a table fails (a task id taken):
    Ladybug 0.22 rolls back with that table's primary-key index broken in memory ("Index contains an invalid
    node offset"), and closing the database writes it to disk. The store opens the database again (what
    the files hold is intact), so the block's documents load again outside bulk() and the failing one is
    reported."""
    with EmbeddedStore(tmp_path / "kg.db") as store:
        store.load(make_document("D1"))
        with pytest.raises(BulkLoadError):
            with store.bulk():
                store.load(make_document("D3", sha="ddd"), method="copy")
                store.load(clashing_d2(), method="copy")
        res = store.load(make_document("D3", sha="ddd").merge(clashing_d2()), batch_documents=10, method="copy")
        assert [(d.document_id, d.status) for d in res.documents] == [("D3", "inserted"), ("D2", "failed")]
        assert store.stats()["documents"] == 2
    with EmbeddedStore(tmp_path / "kg.db") as store:
        assert store.to_graph() == by_id(make_document("D1").merge(make_document("D3", sha="ddd")))
        assert [d.status for d in store.load(make_document("D1")).documents] == ["unchanged"]
