"""kc.count_documents (the embedded store's load counts in one pass) gives what document_counts, activity
and totals give for the same documents, in the same order; the link order the embedded store writes in
(kc.pair_key, embedded._link_changes) is the tuple order it replaced, and _links_after gives the links as
written; and the counts stay right when a bulk block replaces documents it wrote itself."""
from __future__ import annotations

import random

import pytest

from pathlib import Path

from kg.build import load_graphs, split_graph
from kg.model import Action, Graph, Provenance, Task
from kg.store import counts as kc
from kg.store import embedded as emb
from kg.store.embedded import EmbeddedStore, _link_changes, _links_after
from store_fixture import assert_counts_right


def edges(seed: int, n: int = 3000) -> list[kc.Edge]:
    """Edges over few organizations, targets and documents, so that counts, pairs and repeats are many;
    ids of different lengths, so that one is sometimes a prefix of another."""
    rnd = random.Random(seed)
    orgs = [f"o{i}" for i in range(40)] + ["o1x", "o"]
    out = []
    for _ in range(n):
        doc = f"d{rnd.randrange(12)}"
        kind = rnd.choice(("Task", "Task", "Action"))
        target = f"{doc}-{'t' if kind == 'Task' else 'a'}{rnd.randrange(30)}"
        out.append(kc.Edge(rnd.choice(orgs), target, kind, rnd.choice(("LEADS", "RESPONSIBLE_FOR")),
                           rnd.choice(("牵头", "负责", None)), doc, rnd.choice((None, "2025年底前"))))
    return out


def same(edge_list: list, ids: list[str], actions: list, tasks: list, targets: list) -> None:
    got = kc.count_documents(ids, actions, tasks, edge_list, targets)
    want = kc.document_counts(ids, actions, tasks, edge_list, targets)
    assert got.nodes == want
    assert all(list(got.nodes[k].items()) == list(want[k].items()) for k in want)
    assert got.activity == kc.activity(edge_list)
    totals = kc.totals(edge_list)  # the same entries (in another order: every reader sorts them or looks them up)
    assert got.totals.orgs == totals.orgs
    assert got.totals.pairs == totals.pairs


def test_one_pass_counts_as_the_three_on_the_seeds(seed_graph: Graph) -> None:
    g = seed_graph
    assert g.responsibilities
    same(g.responsibilities, [d.id for d in g.documents], g.actions, g.tasks, g.targets)


@pytest.mark.parametrize("seed", range(5))
def test_one_pass_counts_as_the_three_on_random_edges(seed: int) -> None:
    es = edges(seed)
    ids = sorted({e.document_id for e in es}) + ["d-none"]  # a document without an edge counts zeros

    def prov(d: str) -> Provenance:
        return Provenance(document_id=d, start=0, end=1, text="x")

    actions = [Action(id=f"{d}-a{k}", document_id=d, ordinal=k + 1, title="a", prov=prov(d))
               for d in ids for k in range(30)]
    tasks = [Task(id=f"{d}-t{k}", document_id=d, action_id=f"{d}-a{k % 7}", ordinal=k + 1, title="t", prov=prov(d))
             for d in ids for k in range(30)]
    same(es, ids, actions, tasks, [])


def test_pair_key_orders_as_tuples() -> None:
    rnd = random.Random(3)
    ids = ["a", "ab", "a0", "b", "abc", "0", "z9", "ba", "中", "中文"]
    pairs = {(rnd.choice(ids), rnd.choice(ids)): rnd.randrange(-2, 3) for _ in range(200)}
    assert sorted(pairs, key=kc.pair_key) == sorted(pairs)
    for have in ({}, {p: 1 for p in list(pairs)[::3]}):
        assert _link_changes(pairs, have) == link_changes_as_before(pairs, have)
        create, update, drop = _link_changes(pairs, have)
        links = dict(have)
        links.update({(a, b): n for a, b, n in create})
        links.update({(r["a"], r["b"]): r["n"] for r in update})
        for r in drop:
            del links[(r["a"], r["b"])]
        assert _links_after(have, create, update, drop) == links


def link_changes_as_before(pairs: dict[tuple[str, str], int], have: dict[tuple[str, str], int]) -> tuple[list, list, list]:
    """What embedded._link_changes gave before the sort by kc.pair_key, said as sets: new links with a count,
    kept links with their new count, and kept links that drop to zero — each in (a, b) order."""
    after = sorted((k, have.get(k, 0) + d) for k, d in pairs.items())
    create = [(a, b, n) for (a, b), n in after if (a, b) not in have and n > 0]
    update = [{"a": a, "b": b, "n": n} for (a, b), n in after if (a, b) in have and n > 0]
    drop = [{"a": a, "b": b} for (a, b), n in after if (a, b) in have and n <= 0]
    return create, update, drop


@pytest.mark.slow
@pytest.mark.parametrize("copy_min_rows", [emb.COPY_MIN_ROWS, 100])
def test_counts_right_after_a_replacement_inside_a_bulk_block(seed_graph: Graph, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, copy_min_rows: int) -> None:
    """kg build loading a later file of documents it wrote earlier in the same block: a replacement with
    fewer edges takes shared tasks away from organizations the block created, whose pairs' changes then add
    up to 0 (their max_shared was once left as first written). At COPY_MIN_ROWS 100, loads of the block that
    alone would COPY (the first chunk, 566 rows) and loads that alone would UNWIND (a small replacement) mix:
    the block still commits whole, with no rollback and retry (a COPY after a CREATE into the same node table
    broke Ladybug's primary-key index, and the rollback left it broken for the next read)."""
    monkeypatch.setattr(emb, "COPY_MIN_ROWS", copy_min_rows)
    g = seed_graph.model_copy(deep=True)
    for i, r in enumerate(g.responsibilities):
        if i % 3 == 0:
            r.deadline = "2025年底前"  # something for n_deadlines to count
    chunks = split_graph(g, 2)
    again = {d.id for d in chunks[0].documents} | {chunks[1].documents[0].id}
    parts = ("sections", "actions", "tasks", "responsibilities", "targets", "people", "memberships", "citations")
    other = Graph(documents=[d.model_copy(update={"sha256": "0" * 64}) for d in g.documents if d.id in again],
                  **{a: [x for x in getattr(g, a) if x.document_id in again] for a in parts})
    other.responsibilities = other.responsibilities[::2]
    named = {r.organization_id for r in other.responsibilities}
    named |= {x for m in other.memberships for x in (m.group_id, m.unit_id) if x is not None}
    other.organizations = [o for o in g.organizations if o.id in named]
    with EmbeddedStore(tmp_path / "db") as store:
        rolled_back: list[str] = []
        rollback = store._rollback
        monkeypatch.setattr(store, "_rollback", lambda: (rolled_back.append("rollback"), rollback())[1])
        results = load_graphs(store, chunks[:2] + [other] + chunks[2:])
        assert not [r for r in results if r.status == "failed"]
        assert not rolled_back
        assert_counts_right(store)
