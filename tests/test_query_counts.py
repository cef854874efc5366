"""Every paged library query has a count form (queries/NAME.count.cypher) that says how many rows the query gives
without its limit — the "100 of 1,063" of a cut listing — without building those rows; here it is checked to
be exactly that: on the seed store and on a store of 150 generated plans (and the seeds), for each query's own
parameters varied (empty and non-empty filters, a name that exists and one that does not, a document substring),
and on a Bolt server (ArcadeDB started here, or NEO4J_URI; skipped when neither is available).
"""
from __future__ import annotations

import itertools
import shutil
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from kg.cypher_guard import parameters
from kg.library import (COUNT_SUFFIX, NO_LIMIT, NamedQuery, Page, _page, bind, count_rows, describe, get_query,
                        list_queries, run_named)
from kg.pipeline import collect_files, parse_files
from kg.resources import resource_dir
from kg.store.base import QueryResult, Store
from kg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import write_corpus  # noqa: E402

PAGED = sorted(q.name for q in list_queries() if "limit" in {p.name for p in q.params})
NOPE = "没有这个名字的单位或文件"  # names no organization, document, sector or task


# --------------------------------------------------------------------------- the stores


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory, seed_graph: Any) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(tmp_path_factory.mktemp("counts_seed") / "db")
    s.load(seed_graph)
    yield s
    s.close()


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """150 generated plans and the seeds (leading groups, citations of loaded plans: the generator writes none)."""
    folder = tmp_path_factory.mktemp("counts_generated")
    write_corpus(folder / "gen", 150, seed=7)
    (folder / "gen" / "manifest.json").unlink()
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    batch = parse_files(collect_files([folder / "gen", folder / "seeds"]))
    assert not batch.failures and len(batch.graph.documents) > 150
    s = EmbeddedStore(folder / "db")
    s.load(batch.graph)
    yield s
    s.close()


@pytest.fixture(params=["seed", "generated"])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(f"{request.param}_store")


# --------------------------------------------------------------------------- parameters to try


def _one(store: Store, cypher: str) -> list[Any]:
    rows = store.run(cypher).rows
    assert rows, cypher
    return rows[0]


def values(store: Store) -> dict[str, list[Any]]:
    """Values of each parameter a paged query takes, found in the store (and some found nowhere)."""
    name, aliases, place, path, sector = _one(store, (
        "MATCH (o:Organization) WHERE o.n_edges > 0 AND size(o.aliases) > 0 "
        "RETURN o.name, o.aliases, o.jurisdiction, o.jurisdiction_path, o.sector ORDER BY o.n_edges DESC, o.id LIMIT 1"))
    shared = _one(store, (  # a name written so in several places (县科协)
        "MATCH (o:Organization) UNWIND o.aliases AS alias WITH alias, count(DISTINCT o.jurisdiction) AS places "
        "RETURN alias ORDER BY places DESC, alias LIMIT 1"))[0]
    doc_id, title, doc_place = _one(store, (
        "MATCH (d:Document) WHERE d.n_targets > 0 AND d.n_actions > 0 "
        "RETURN d.id, d.title, d.jurisdiction ORDER BY d.n_edges DESC, d.id LIMIT 1"))
    task = _one(store, "MATCH (o:Organization)-[:LEADS]->(t:Task) RETURN t.title ORDER BY t.id LIMIT 1")[0]
    return {
        "document": ["", doc_id, title, doc_place, "县", NOPE],
        "name": [name, aliases[0], shared, "科协", "", NOPE],
        "jurisdiction": ["", place, *(path or [])[:1], NOPE],
        "sector": [*([sector] if sector else []), "科协", "教育", NOPE],
        "text": [task, task[:2], "提升", "", NOPE],
        "n": [0, 3, 10, 10**6],
    }


def combinations(query: NamedQuery, given: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the values; a blank text only where the parameter is optional (a blank required
    one is refused before any engine runs it: kg.library.bind)."""
    params = [p for p in query.params if p.name != "limit"]
    choices = [[v for v in given[p.name] if not (p.required and v == "")] for p in params]
    return [dict(zip([p.name for p in params], combo)) for combo in itertools.product(*choices)]


# --------------------------------------------------------------------------- the counts


def test_every_paged_query_has_a_count_form() -> None:
    """A paged query without one would be counted by running it whole (seconds at 2,000 plans)."""
    assert len(PAGED) >= 20 and "workload" in PAGED
    missing = [name for name in PAGED if get_query(name).count is None]
    assert not missing, f"paged queries without queries/NAME{COUNT_SUFFIX}: {missing}"


def test_count_forms_belong_to_paged_queries_and_take_their_parameters() -> None:
    folder = resource_dir("queries")
    found = sorted(p.name[:-len(COUNT_SUFFIX)] for p in folder.glob(f"*{COUNT_SUFFIX}"))
    assert found == PAGED  # none for a query without a limit, none whose query is gone
    assert not any(q.name.endswith(".count") for q in list_queries())  # not queries of the library themselves
    for name in PAGED:
        q = get_query(name)
        declared = {p.name for p in q.params} - {"limit"}
        assert parameters(q.count or "") <= declared, (name, parameters(q.count or "") - declared)
        assert describe(q)["count"] == f"queries/{name}{COUNT_SUFFIX}"
    assert describe(get_query("accountability_matrix"))["count"] is None


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGED)
def test_count_form_counts_the_rows(store: Store, name: str) -> None:
    """count form total == the rows of the query with no limit, for every combination of parameter values."""
    query = get_query(name)
    assert query.count is not None, f"{name} has no count form (queries/{name}{COUNT_SUFFIX})"
    wrong, totals = [], []
    for given in combinations(query, values(store)):
        bound = bind(query, {**given, "limit": None})
        rows = len(store.run(query.text, bound).rows)
        total = count_rows(store, query, bound)
        totals.append(total)
        if total != rows:
            wrong.append(f"{given}: count form {total}, rows {rows}")
    assert not wrong, f"{name}: " + "; ".join(wrong)
    assert 0 in totals or name in ALWAYS_ROWS, f"{name}: no parameters tried gave no row"


ALWAYS_ROWS = {"citations", "co_responsibility", "collective_assignments", "deadlines", "document_citations",
               "leading_group", "organizations_in_many_documents", "workload"}  # no parameter but limit


@pytest.mark.slow
def test_the_generated_store_gives_rows_to_every_paged_query(generated_store: EmbeddedStore) -> None:
    """So the counts above are checked on listings that are there, not only on empty ones."""
    given = values(generated_store)
    empty = [name for name in PAGED if not any(
        count_rows(generated_store, q, bind(q, {**p, "limit": None})) for q in [get_query(name)]
        for p in combinations(q, given))]
    assert not empty


def test_a_cut_page_is_counted_by_its_count_form(seed_store: EmbeddedStore) -> None:
    """run_named runs the page and the count form, not the query a second time."""
    ran: list[str] = []

    class Recording:
        def run(self, cypher: str, params: dict[str, Any] | None = None) -> QueryResult:
            ran.append(cypher)
            return seed_store.run(cypher, params)

    query = get_query("workload")
    page = run_named(Recording(), "workload", {"limit": 3})  # type: ignore[arg-type]
    assert ran == [query.text, query.count] and page.truncated and len(page.rows) == 3
    assert page.total == len(seed_store.run(query.text, {"limit": NO_LIMIT}).rows)


def test_a_query_without_a_count_form_is_counted_whole(seed_store: EmbeddedStore) -> None:
    from dataclasses import replace

    query = get_query("workload")
    bare = replace(query, count=None)
    got = _page(seed_store, bare, bind(bare, {"limit": 3}), True)
    want = _page(seed_store, query, bind(query, {"limit": 3}), True)
    assert isinstance(got, Page) and (got.total, got.truncated, got.rows) == (want.total, want.truncated, want.rows)
    assert got.total and got.total > 3


@pytest.mark.slow
@pytest.mark.external
def test_count_forms_count_the_rows_on_a_bolt_server(seed_store: EmbeddedStore, seed_graph: Any,
                                                     bolt_server: Any) -> None:
    """The same text runs on a Bolt server and counts its rows there. (Not always LadybugDB's rows: there
    `'abc' CONTAINS ''` is false, so task_responsibility with text "" finds no task on LadybugDB, every task on
    a Bolt server — a difference of the query, not of its count.)"""
    from kg.store.neo4j import Neo4jStore

    neo = Neo4jStore(**bolt_server.settings())
    try:
        neo.run("MATCH (n) DETACH DELETE n", write=True)
        neo.ensure_schema()
        neo.load(seed_graph)
        given = values(seed_store)
        wrong = []
        for name in PAGED:
            query = get_query(name)
            for p in combinations(query, given)[:6]:
                bound = bind(query, {**p, "limit": None})
                got, rows = count_rows(neo, query, bound), len(neo.run(query.text, bound).rows)
                if got != rows:
                    wrong.append(f"{name} {p}: count form {got}, rows {rows}")
        assert not wrong, "; ".join(wrong)
    finally:
        neo.close()
