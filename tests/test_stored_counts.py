"""The counts the stores keep (kg/store/counts.py) equal a recount by plain queries after documents are
added, replaced and removed: in the embedded store, on a Bolt server (ArcadeDB started here, or the
server in NEO4J_URI; skipped when neither is available), and in the neo4j-admin files written from
the same graph. A store written before the counts existed gets them counted when it is opened."""
from __future__ import annotations

import csv
from pathlib import Path

import ladybug as lb
import pytest

from kg.build import split_graph
from kg.errors import Advice, StoreError
from kg.loaders import parse_text
from kg.model import Graph
from kg.neo4j_import import write_neo4j_import
from kg.store import counts as kc
from kg.store.base import Store
from kg.store.embedded import EmbeddedStore
from store_fixture import assert_counts_right, stored


# --------------------------------------------------------------------------- what is stored vs a recount
# (stored, recounted and assert_counts_right are in tests/store_fixture.py: the store contract uses them too)


def from_import_files(graph: Graph, out: Path) -> dict[str, dict]:
    """The same counts, read from the neo4j-admin files written for the graph."""
    write_neo4j_import(graph, out)

    def read(stem: str) -> tuple[list[str], list[list[str]]]:
        header = (out / f"{stem}.header.csv").read_text(encoding="utf-8").strip().split(",")
        with open(out / f"{stem}.csv", encoding="utf-8", newline="") as f:
            return header, list(csv.reader(f))

    got: dict[str, dict] = {}
    for label, names in kc.NODE_COUNTS.items():
        header, rows = read(label)
        cols = [header.index(f"{n}:int") for n in names]
        got[label] = {(r[0],): tuple(int(r[c]) for c in cols) for r in rows}
    for key, stem, props in (("pairs", kc.SHARES, ["tasks"]), ("active", kc.ACTIVE, list(kc.ACTIVE_PROPS))):
        header, rows = read(stem)
        cols = [header.index(f"{n}:int") for n in props]
        got[key] = {(r[0], r[1]): tuple(int(r[c]) for c in cols) for r in rows}
    return got


# --------------------------------------------------------------------------- the changes


@pytest.fixture(scope="module")
def seed_graph(seed_graph: Graph) -> Graph:
    """The seeds with a deadline on every third edge (the seeds name none): Organization.n_deadlines has
    something to count, and the changes below move and drop deadlines."""
    g = seed_graph.model_copy(deep=True)
    for i, r in enumerate(g.responsibilities):
        if i % 3 == 0:
            r.deadline = "2025年底前"
    return g


def _one(graph: Graph, doc_id: str) -> Graph:
    return next(g for g in split_graph(graph, 1) if g.documents[0].id == doc_id)


def rearranged(graph: Graph, doc_id: str) -> Graph:
    """A new version of one document: its last task gone (with its edges and targets), every third
    task edge moved to an organization of another document (pairs across documents, a unit the
    document no longer names), and the deadline of every fourth edge dropped (another one's added)."""
    g = _one(graph, doc_id).model_copy(deep=True)
    g.documents[0].sha256 = "0" * 64
    last = g.tasks[-1].id
    g.tasks = g.tasks[:-1]
    g.targets = [t for t in g.targets if t.owner_id != last]
    others = [o for o in graph.organizations
              if o.id not in {r.organization_id for r in g.responsibilities}
              and o.id in {r.organization_id for r in graph.responsibilities}][:3]
    orgs = {o.id: o for o in g.organizations}
    kept = []
    for i, r in enumerate(x for x in g.responsibilities if x.target_id != last):
        if r.target_kind == "Task" and i % 3 == 0:
            o = others[i % len(others)]
            orgs[o.id] = o
            r.organization_id = o.id
        if i % 4 == 1:
            r.deadline = None if r.deadline else "6月底完成"
        kept.append(r)
    seen: set[tuple[str, str]] = set()
    g.responsibilities = [r for r in kept if (r.organization_id, r.target_id, r.role) not in seen
                          and not seen.add((r.organization_id, r.target_id, r.role))]  # type: ignore[func-returns-value]
    used = {r.organization_id for r in g.responsibilities}
    used |= {x for m in g.memberships for x in (m.group_id, m.unit_id) if x is not None}
    g.organizations = [orgs[o] for o in sorted(used)]
    return g


def shortened(seed_file: Path) -> Graph:
    """The seed file with a stretch of its middle lines left out (title and dates kept): `kg build` of
    a changed file."""
    lines = seed_file.read_text(encoding="utf-8").splitlines()
    k = len(lines) // 3
    parsed = parse_text("\n".join(lines[:k] + lines[2 * k:]), str(seed_file))
    return parsed.graph


def exercise(store: Store, seed_graph: Graph, seed_files: list[Path], tmp: Path) -> None:
    ids = [d.id for d in seed_graph.documents]
    assert len(ids) >= 4
    with store.bulk():  # as kg build loads its chunks
        for g in split_graph(seed_graph, 2):
            assert not store.load(g).failed
    assert_counts_right(store)

    res = store.load(rearranged(seed_graph, ids[0]))
    assert [d.status for d in res.documents] == ["replaced"]
    assert_counts_right(store)

    changed = shortened(seed_files[1])
    res = store.load(changed)
    assert [(d.document_id, d.status) for d in res.documents] == [(ids[1], "replaced")]
    assert_counts_right(store)

    assert store.remove([ids[2], ids[3], "no-such-document"]) == sorted([ids[2], ids[3]])
    got = assert_counts_right(store)
    assert not [k for k in got["active"] if k[1] in (ids[2], ids[3])]

    # the neo4j-admin files of what the store now holds carry the same counts
    assert from_import_files(store.to_graph(), tmp / "import") == got

    res = store.load(_one(seed_graph, ids[2]))  # back again
    assert [d.status for d in res.documents] == ["inserted"]
    assert_counts_right(store)
    assert store.remove(ids) == sorted(set(ids) - {ids[3]})
    assert all(not v for v in stored(store).values())


# --------------------------------------------------------------------------- the stores and the files


@pytest.mark.slow
def test_import_files_count_what_the_stores_count(seed_graph: Graph, tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "db") as store:
        store.load(seed_graph)
        got = assert_counts_right(store)
    assert from_import_files(seed_graph, tmp_path / "import") == got


@pytest.mark.slow
def test_embedded_counts_stay_right(seed_graph: Graph, seed_files: list[Path], tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "db") as store:
        exercise(store, seed_graph, seed_files, tmp_path)


@pytest.mark.slow
def test_embedded_counts_one_document_per_transaction(seed_graph: Graph, tmp_path: Path) -> None:
    """Outside bulk(), with UNWIND writes instead of COPY: the same counts."""
    with EmbeddedStore(tmp_path / "db") as store:
        for g in split_graph(seed_graph, 1):
            store.load(g, method="unwind")
        store.load(rearranged(seed_graph, seed_graph.documents[-1].id), method="unwind")
        assert_counts_right(store)


@pytest.mark.slow
def test_embedded_store_without_counts_is_counted_on_open(seed_graph: Graph, tmp_path: Path) -> None:
    """A store written before the counts existed (no count columns, no links) gets them when opened."""
    with EmbeddedStore(tmp_path / "db") as store:
        store.load(seed_graph)
    db = lb.Database(str(tmp_path / "db" / "graph.lbug"))
    conn = lb.Connection(db)
    for label, names in kc.NODE_COUNTS.items():
        for n in names:
            conn.execute(f"ALTER TABLE {label} DROP {n}")
    conn.execute(f"DROP TABLE {kc.SHARES}")
    conn.execute(f"DROP TABLE {kc.ACTIVE}")
    conn.close()
    db.close()
    with EmbeddedStore(tmp_path / "db") as store:
        assert_counts_right(store)


@pytest.mark.slow
def test_embedded_store_without_deadline_counts_is_counted_on_open(seed_graph: Graph, tmp_path: Path) -> None:
    """A store written before Organization.n_deadlines (the other counts there) gets it counted when opened,
    not left at the column's default of 0."""
    with EmbeddedStore(tmp_path / "db") as store:
        store.load(seed_graph)
    db = lb.Database(str(tmp_path / "db" / "graph.lbug"))
    conn = lb.Connection(db)
    conn.execute("ALTER TABLE Organization DROP n_deadlines")
    conn.close()
    db.close()
    # read-only, nothing can be added: a clear error that says how, instead of a query failing on the column
    with pytest.raises(StoreError, match=r"older kg \(it lacks Organization\.n_deadlines\)") as info:
        EmbeddedStore(tmp_path / "db", read_only=True)
    assert info.value.advice == Advice("open-for-writing", (str(tmp_path / "db"),))
    with EmbeddedStore(tmp_path / "db") as store:
        got = assert_counts_right(store)
        k = kc.NODE_COUNTS["Organization"].index("n_deadlines")
        assert any(v[k] for v in got["Organization"].values())
        # the column added last in its table: documents written after it keep it right
        store.remove([seed_graph.documents[2].id])
        store.load(_one(seed_graph, seed_graph.documents[2].id), method="copy")  # COPY maps columns by position
        store.load(rearranged(seed_graph, seed_graph.documents[0].id))
        assert store.remove([seed_graph.documents[1].id])
        assert_counts_right(store)


@pytest.mark.slow
@pytest.mark.external
def test_neo4j_counts_stay_right(seed_graph: Graph, seed_files: list[Path], tmp_path: Path,
                                 bolt_server) -> None:
    from kg.store.neo4j import Neo4jStore

    store = Neo4jStore(**bolt_server.settings())
    try:
        store.run("MATCH (n) DETACH DELETE n", write=True)
        store.ensure_schema()
        exercise(store, seed_graph, seed_files, tmp_path)
        # a database written before the counts: counted when the schema is ensured
        store.load(seed_graph)
        store.run("MATCH (t:Task) REMOVE t.n_units", write=True)
        store.run(f"MATCH ()-[s:{kc.SHARES}]->() DELETE s", write=True)
        store.run("MATCH (o:Organization) SET o.n_edges = 0", write=True)
        store.ensure_schema()
        assert_counts_right(store)
        # written before Organization.n_deadlines only: counted too
        store.run("MATCH (o:Organization) REMOVE o.n_deadlines", write=True)
        store.ensure_schema()
        assert_counts_right(store)
        # read-only, such a database is refused with what it lacks (its deadlines would list nothing) …
        store.run("MATCH (o:Organization) REMOVE o.n_deadlines", write=True)
        with pytest.raises(StoreError, match=r"older kg \(it lacks Organization\.n_deadlines\)") as info:
            Neo4jStore(**bolt_server.settings(), read_only=True)
        assert info.value.advice == Advice("open-neo4j-for-writing")
        # … and one writing statement, as the advice says, counts it
        with Neo4jStore(**bolt_server.settings()) as again:
            again.run("RETURN 1", write=True)
        with Neo4jStore(**bolt_server.settings(), read_only=True) as reader:
            assert_counts_right(reader)
    finally:
        store.close()
