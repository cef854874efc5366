"""The derived counts of the RDF export (kg.rdf._Derived: kg:nUnits, kg:Involvement, kg:TaskSharing …) equal a
recount: by SPARQL over the export's own statements, and by the plain Cypher recount of the store the export
was made from (tests/store_fixture.py) — also in the persistent SPARQL copy after documents of the store
are replaced and removed (the copy is rebuilt)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.model import Graph
from kg.rdf import DERIVED_GRAPH, serialize
from kg.sparql import run_sparql, sparql_store
from kg.sparql_cache import open_cached
from kg.store import counts as kc
from kg.store.embedded import EmbeddedStore
from store_fixture import recounted

P = """PREFIX kg: <https://w3id.org/kg-policy/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
ID = 'REPLACE(STR(?x), "^.*/", "")'
CAMEL = {c: c.split("_")[0] + "".join(w.title() for w in c.split("_")[1:]) for c in
         {n for names in kc.NODE_COUNTS.values() for n in names}}


def _rows(store: ox.Store, text: str) -> list[list]:
    return run_sparql(store, P + text, {}).rows


def exported(store: ox.Store) -> dict[str, dict]:
    """The derived counts of the export, shaped as tests/store_fixture.py's stored(): label -> {(id,): values}."""
    out: dict[str, dict] = {}
    for label, names in kc.NODE_COUNTS.items():
        props = " ".join(f"; kg:{CAMEL[n]} ?{n}" for n in names)
        vars_ = " ".join(f"?{n}" for n in names)
        rows = _rows(store, f"SELECT ?id {vars_} WHERE {{ ?x a kg:{label} {props} BIND({ID} AS ?id) }}")
        out[label] = {(r[0],): tuple(r[1:]) for r in rows}
    out["pairs"] = {(a, b): (n,) for a, b, n in _rows(store, (
        "SELECT ?a ?b ?n WHERE { ?s a kg:TaskSharing ; kg:sharingOrganization ?oa ; kg:sharingPartner ?ob ; "
        'kg:sharedTasks ?n BIND(REPLACE(STR(?oa), "^.*/", "") AS ?a) BIND(REPLACE(STR(?ob), "^.*/", "") AS ?b) }'))}
    out["active"] = {(o, d): (n, lead) for o, d, n, lead in _rows(store, (
        "SELECT ?o ?d ?n ?l WHERE { ?w a kg:Involvement ; kg:involvedOrganization ?xo ; kg:involvedDocument ?xd ; "
        'kg:nEdges ?n ; kg:nLeads ?l BIND(REPLACE(STR(?xo), "^.*/", "") AS ?o) '
        'BIND(REPLACE(STR(?xd), "^.*/", "") AS ?d) }'))}
    return out


def sparql_recount(store: ox.Store) -> dict[str, dict]:
    """Some of the same counts, counted by SPARQL from the statements the counts are derived from."""
    out: dict[str, dict] = {}
    out["Task"] = {(t,): (u, lead, resp) for t, u, lead, resp in _rows(store, (
        "SELECT ?id (COUNT(DISTINCT ?o) AS ?u) (SUM(IF(?role = kg:Leads, 1, 0)) AS ?l) "
        "(SUM(IF(?role = kg:ResponsibleFor, 1, 0)) AS ?r) "
        f"WHERE {{ ?x a kg:Task OPTIONAL {{ ?x prov:qualifiedAttribution ?a . ?a prov:agent ?o ; dcat:hadRole ?role }} "
        f"BIND({ID} AS ?id) }} GROUP BY ?id"))}
    out["pairs"] = {(a, b): (n,) for a, b, n in _rows(store, (
        "SELECT ?a ?b (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a kg:Task . ?oa kg:leads|kg:responsibleFor ?t . "
        "?ob kg:leads|kg:responsibleFor ?t . FILTER(STR(?oa) < STR(?ob)) "
        'BIND(REPLACE(STR(?oa), "^.*/", "") AS ?a) BIND(REPLACE(STR(?ob), "^.*/", "") AS ?b) } GROUP BY ?a ?b'))}
    out["active"] = {(o, d): (n, lead) for o, d, n, lead in _rows(store, (
        "SELECT ?o ?d (COUNT(*) AS ?n) (SUM(IF(?q = kg:QualifierLead, 1, 0)) AS ?l) "
        "WHERE { GRAPH ?g { ?a prov:agent ?xo ; kg:qualifier ?q } "
        'BIND(REPLACE(STR(?xo), "^.*/", "") AS ?o) BIND(REPLACE(STR(?g), "^.*/", "") AS ?d) } GROUP BY ?o ?d'))}
    per_org: Counter[str] = Counter()
    docs: Counter[str] = Counter()
    for (o, _d), (n, _lead) in out["active"].items():
        per_org[o] += n
        docs[o] += 1
    deadlines = dict(_rows(store, 'SELECT ?o (COUNT(*) AS ?n) WHERE { ?a kg:deadline ?dl ; prov:agent ?xo '
                                  'BIND(REPLACE(STR(?xo), "^.*/", "") AS ?o) } GROUP BY ?o'))
    out["Organization"] = {(o,): (per_org[o], docs[o], deadlines.get(o, 0)) for o, in _rows(
        store, f"SELECT ?id WHERE {{ ?x a kg:Organization BIND({ID} AS ?id) }}")}
    return out


def exported_org_extra(store: ox.Store) -> dict[tuple, tuple]:
    return {(r[0],): tuple(r[1:]) for r in _rows(store, (
        f"SELECT ?id ?e ?d ?k WHERE {{ ?x a kg:Organization ; kg:nEdges ?e ; kg:nDocuments ?d ; kg:nDeadlines ?k "
        f"BIND({ID} AS ?id) }}"))}


def assert_same(got: dict, want: dict, what: str) -> None:
    for key in want:
        wrong = sorted(k for k in set(got[key]) | set(want[key]) if got[key].get(k) != want[key].get(k))
        assert not wrong, f"{what} {key}: {len(wrong)} differ, e.g. " + "; ".join(
            f"{k}: exported {got[key].get(k)}, counted {want[key].get(k)}" for k in wrong[:3])


def assert_export_counts_right(store: ox.Store) -> None:
    """The export's counts equal a SPARQL recount of its own statements; there are some of each."""
    got, want = exported(store), sparql_recount(store)
    assert_same({"Task": {k: (v[0], v[1], v[2]) for k, v in got["Task"].items()}, "pairs": got["pairs"],
                 "active": got["active"], "Organization": exported_org_extra(store)}, want, "export")
    assert want["pairs"] and want["active"] and any(v[0] for v in want["Task"].values())


def test_count_literals_equal_a_recount_of_the_export(seed_graph: Graph) -> None:
    store = sparql_store(seed_graph)
    assert_export_counts_right(store)
    # organization and pair counts add up over documents: they are in the derived graph, not a document's
    derived = ox.NamedNode(DERIVED_GRAPH[1:-1])
    assert {q.graph_name for q in store.quads_for_pattern(None, ox.NamedNode(
        "https://w3id.org/kg-policy/ontology#sharedTasks"), None)} == {derived}
    assert {q.graph_name for q in store.quads_for_pattern(None, ox.NamedNode(
        "https://w3id.org/kg-policy/ontology#nUnitsAll"), None)} <= {
        ox.NamedNode(f"https://w3id.org/kg-policy/id/document/{d.id}") for d in seed_graph.documents}


def test_counts_do_not_change_the_bytes_of_the_same_graph(seed_graph: Graph) -> None:
    shuffled = seed_graph.model_copy(deep=True)
    shuffled.responsibilities.reverse()
    shuffled.organizations.reverse()
    shuffled.tasks.reverse()
    assert serialize(shuffled, "nq") == serialize(seed_graph, "nq")


def _check_cache(db: Path) -> None:
    cached = open_cached(db)
    assert cached.built
    assert_export_counts_right(cached.store)
    with EmbeddedStore(db, read_only=True) as store:
        want = recounted(store)
    got = exported(cached.store)
    assert_same(got, want, "cache")


@pytest.mark.slow
def test_count_literals_stay_right_when_documents_are_replaced_and_removed(seed_graph: Graph, seed_files: list[Path],
                                                                           tmp_path: Path) -> None:
    from test_stored_counts import rearranged, shortened

    db = tmp_path / "kg.db"
    ids = [d.id for d in seed_graph.documents]
    with EmbeddedStore(db) as store:
        store.load(seed_graph)
    _check_cache(db)
    with EmbeddedStore(db) as store:
        assert [d.status for d in store.load(rearranged(seed_graph, ids[0])).documents] == ["replaced"]
        assert [d.status for d in store.load(shortened(seed_files[1])).documents] == ["replaced"]
    _check_cache(db)
    with EmbeddedStore(db) as store:
        assert store.remove([ids[2], ids[3]]) == sorted([ids[2], ids[3]])
    _check_cache(db)


def test_name_order_is_the_order_of_names(seed_graph: Graph) -> None:
    """kg:nameOrder, each organization's place among all of them by name then IRI (what the listings in name order
    page by instead of comparing names), is the order SPARQL's own ORDER BY gives — 0, 1, 2 … with no gap."""
    store = sparql_store(seed_graph)
    by_place = [r[0] for r in _rows(store, "SELECT ?x ?p WHERE { ?x kg:nameOrder ?p } ORDER BY ?p")]
    by_name = [r[0] for r in _rows(store, (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?x WHERE { ?x a kg:Organization ; skos:prefLabel ?n } ORDER BY ?n STR(?x)"))]
    assert by_place == by_name and len(by_name) == len(seed_graph.organizations)
    places = [int(r[0]) for r in _rows(store, "SELECT ?p WHERE { ?x kg:nameOrder ?p } ORDER BY ?p")]
    assert places == list(range(len(places)))


def test_title_order_is_the_order_of_titles(seed_graph: Graph) -> None:
    """kg:titleOrder, each document's place among all of them by title then IRI (what the listings in document
    order sort by instead of comparing titles), is the order SPARQL's own ORDER BY gives — 0, 1, 2 … with no gap."""
    store = sparql_store(seed_graph)
    by_place = [r[0] for r in _rows(store, "SELECT ?x ?p WHERE { ?x kg:titleOrder ?p } ORDER BY ?p")]
    by_title = [r[0] for r in _rows(store, (
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?x WHERE { ?x a kg:Document ; dcterms:title ?t } ORDER BY ?t STR(?x)"))]
    assert by_place == by_title and len(by_title) == len(seed_graph.documents)
    places = [int(r[0]) for r in _rows(store, "SELECT ?p WHERE { ?x kg:titleOrder ?p } ORDER BY ?p")]
    assert places == list(range(len(places)))


def test_search_text_finds_what_title_or_text_finds(seed_graph: Graph) -> None:
    """kg:searchText (a task's text, and its title where the text lacks it) contains a string exactly when the task's
    title or its span's text does — for every task and for substrings cut from titles, texts and neither; a task
    whose title is not in its text (made here: the seeds have none) gets its title as a second value."""
    g = seed_graph.model_copy(deep=True)
    g.tasks[0] = g.tasks[0].model_copy(update={"title": "不在原文中的标题"})
    store = sparql_store(g)
    for t in g.tasks[:40]:
        values = sorted(r[0] for r in _rows(store, f"SELECT ?s WHERE {{ <https://w3id.org/kg-policy/id/task/{t.id}> "
                                                   "kg:searchText ?s }"))
        assert values == sorted({t.prov.text} | ({t.title} if t.title not in t.prov.text else set())), t.id
    probes = ["不在原文", "科学", "智慧助老", "老年人", "提升行动", "。", "没有这段话", g.tasks[5].prov.text[3:9]]
    for text in probes:
        want = sorted(t.id for t in g.tasks if text in t.title or text in t.prov.text)
        got = sorted(r[0] for r in _rows(store, (
            "SELECT DISTINCT ?id WHERE { ?x kg:searchText ?s FILTER(CONTAINS(?s, "
            + '"' + text + '"' + f")) BIND({ID} AS ?id) }}")))
        assert got == want and (want or text == "没有这段话"), text


def test_n_alignments_counts_the_statements_aiming_at_each_item(seed_graph: Graph) -> None:
    """kg:nAlignments (derived, on each alignment target) is the number of alignment statements with that target, and
    the items that have it are exactly the targets: task_lineage searches them instead of every statement."""
    from kg.align import with_alignments

    g = with_alignments(seed_graph)
    store = sparql_store(g)
    derived = {r[0]: r[1] for r in _rows(store, "SELECT ?x ?n WHERE { ?x kg:nAlignments ?n }")}
    recount = {r[0]: r[1] for r in _rows(store, (
        "SELECT ?x (COUNT(?a) AS ?n) WHERE { ?a a kg:AlignmentStatement ; kg:alignmentTarget ?x } GROUP BY ?x"))}
    assert derived == recount and sum(derived.values()) == len(g.alignments) > 0
